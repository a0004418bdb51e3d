package io.trueup.ssh;

import java.util.Objects;

/**
 * Where to connect: a host name or address, a port and the user to log in as. Names are
 * validated before they get here (see {@code io.trueup.desired}).
 */
public record SshTarget(String host, int port, String user) {

    public SshTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * {@code host} or {@code host:port} when the port is not 22, an IPv6 address in brackets
     * ({@code [::1]:2222}); the form used in messages.
     */
    public String address() {
        String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == 22 ? shown : shown + ":" + port;
    }

    @Override
    public String toString() {
        return user + "@" + address();
    }
}
