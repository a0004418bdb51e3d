package io.trueup.desired;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host as written in desired state: a DNS name, an IPv4 address or an IPv6 address in brackets,
 * and an SSH port (22 unless given as {@code name:port} or {@code [v6]:port}). Validated on
 * construction, so a value of this type is safe to hand to the SSH layer and to put in a remote
 * command. Names are case-insensitive, as DNS's are: the name is kept in lowercase, so
 * {@code Web1} and {@code web1} are one host. An IPv6 address is kept in its canonical form
 * (RFC 5952: lowercase, zeros compressed), so {@code [2001:DB8:0::1]} and {@code [2001:db8::1]}
 * are one host; {@link #name} is the bare address, {@link #toString} puts it in brackets.
 */
public record HostAddress(String name, int port) implements Comparable<HostAddress> {

    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    public HostAddress {
        if (name != null && name.indexOf(':') >= 0) {
            name = Ipv6.canonical(name);
        } else if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a host name, IPv4 address or [IPv6 address]: " + name);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        name = name.toLowerCase(Locale.ROOT);
    }

    /** Parses {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port}. */
    public static HostAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("an IPv6 address must end with ']': " + text);
            }
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("only :port may follow ']': " + text);
            }
            return new HostAddress(Ipv6.canonical(text.substring(1, close)), rest.isEmpty() ? 22 : port(rest.substring(1), text));
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new HostAddress(text, 22);
        }
        if (text.indexOf(':') != colon) {
            throw new IllegalArgumentException("an IPv6 address must be in brackets, as [2001:db8::1] or"
                    + " [2001:db8::1]:2222: " + text);
        }
        return new HostAddress(text.substring(0, colon), port(text.substring(colon + 1), text));
    }

    /** Whether this host is an IPv6 address, which URLs and {@code host:port} forms put in brackets. */
    public boolean ipv6() {
        return name.indexOf(':') >= 0;
    }

    /** The name as the host of a URL: the name itself, or an IPv6 address in brackets. */
    public String urlHost() {
        return ipv6() ? "[" + name + "]" : name;
    }

    @Override
    public String toString() {
        return port == 22 ? urlHost() : urlHost() + ":" + port;
    }

    @Override
    public int compareTo(HostAddress other) {
        int byName = name.compareTo(other.name);
        return byName != 0 ? byName : Integer.compare(port, other.port);
    }

    private static int port(String port, String text) {
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("port must be a number: " + text);
        }
        return Integer.parseInt(port);
    }
}
