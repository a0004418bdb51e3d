package io.trueup.git;

import io.trueup.ssh.RemoteShell;
import io.trueup.ssh.SshTarget;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;

/**
 * Lets JGit run its git commands on one host over trueup's pooled SSH connection to it: a
 * session's {@code exec} is {@link RemoteShell#start}. Sessions own no connection, so
 * disconnecting one leaves the pool alone.
 */
final class PooledSessionFactory extends SshSessionFactory {

    private final RemoteShell shell;
    private final SshTarget target;

    PooledSessionFactory(RemoteShell shell, SshTarget target) {
        this.shell = shell;
        this.target = target;
    }

    @Override
    public RemoteSession getSession(URIish uri, CredentialsProvider credentials, FS fs, int timeout)
            throws TransportException {
        if (!target.host().equals(RemoteRepoUri.host(uri))) {
            throw new TransportException(uri, "this session factory only reaches " + target);
        }
        return new PooledSession();
    }

    @Override
    public String getType() {
        return "trueup-pooled";
    }

    private final class PooledSession implements RemoteSession {

        @Override
        public Process exec(String commandName, int timeout) {
            return shell.start(target, commandName);
        }

        @Override
        public void disconnect() {
            // The connection belongs to the pool.
        }
    }
}
