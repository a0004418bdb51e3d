package io.trueup.git;

import io.trueup.ssh.SshTarget;
import org.eclipse.jgit.transport.URIish;

/**
 * The {@code ssh://} URI of a repository on a host. An absolute path stays as it is; a path
 * relative to the SSH user's home becomes {@code /~/<path>}, which JGit sends as
 * {@code git-receive-pack --quiet '~/<path>'}, and git on the host expands {@code ~/} itself (the
 * quotes keep the shell from doing so). An IPv6 host goes in brackets, as in any URL
 * ({@code ssh://deploy@[2001:db8::1]:2222/...}); {@link #host} gives the bare address back.
 */
final class RemoteRepoUri {

    private RemoteRepoUri() {
    }

    /**
     * @throws IllegalArgumentException when the path is empty or holds a control character
     */
    static URIish of(SshTarget target, String remotePath) {
        return new URIish()
                .setScheme("ssh")
                .setUser(target.user())
                .setHost(target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host())
                .setPort(target.port())
                .setPath(uriPath(remotePath));
    }

    /** The host of {@code uri} as an {@link SshTarget} names it: an IPv6 address without brackets. */
    static String host(URIish uri) {
        String host = String.valueOf(uri.getHost());
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String uriPath(String remotePath) {
        if (remotePath == null || remotePath.isBlank() || remotePath.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("not a usable repository path on a host: " + remotePath);
        }
        if (remotePath.startsWith("/")) {
            return remotePath;
        }
        String relative = remotePath.startsWith("~/") ? remotePath.substring(2) : remotePath;
        return "/~/" + relative;
    }
}
