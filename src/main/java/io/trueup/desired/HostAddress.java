package io.trueup.desired;

import java.util.regex.Pattern;

/**
 * A host as written in desired state: a DNS name or IPv4 address, and an SSH port (22 unless
 * given as {@code name:port}). Validated on construction, so a value of this type is safe to
 * hand to the SSH layer and to put in a remote command. Names are case-insensitive, as DNS's
 * are: the name is kept in lowercase, so {@code Web1} and {@code web1} are one host.
 */
public record HostAddress(String name, int port) implements Comparable<HostAddress> {

    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    public HostAddress {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a host name or IPv4 address: " + name);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        name = name.toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@code name} or {@code name:port}. */
    public static HostAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("host is empty");
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new HostAddress(text, 22);
        }
        String port = text.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("port must be a number: " + text);
        }
        return new HostAddress(text.substring(0, colon), Integer.parseInt(port));
    }

    @Override
    public String toString() {
        return port == 22 ? name : name + ":" + port;
    }

    @Override
    public int compareTo(HostAddress other) {
        int byName = name.compareTo(other.name);
        return byName != 0 ? byName : Integer.compare(port, other.port);
    }
}
