package io.trueup.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The credentials of https git repositories, in git's credential-store format: one URL a line,
 * {@code https://user:password@host[:port][/path-prefix]}, user and password percent-encoded;
 * blank lines and lines starting with {@code #} are skipped. The entry for a repository URL is
 * the one with its scheme, host and port whose path is the longest prefix of the URL's path,
 * compared segment by segment ({@code /team} serves {@code /team/app.git}, not
 * {@code /teamx/app.git}). A URL whose path has a {@code .} or {@code ..} segment gets no login.
 *
 * <p>No message of this class ever holds a user, a password or a line of the file: a bad line
 * is named by its number. Immutable.
 */
final class GitCredentials {

    /** A user and password for one repository. */
    record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[***]";
        }
    }

    private record Entry(String scheme, String host, int port, String path, Login login) {
    }

    private final java.util.List<Entry> entries;

    private GitCredentials(java.util.List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Parses the text of a credentials file.
     *
     * @throws GitException naming the line that is not {@code https://user:password@host...}
     */
    static GitCredentials parse(String text, String fileName) {
        java.util.List<Entry> entries = new java.util.ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int number = i + 1;
            entries.add(entry(line).orElseThrow(() -> new GitException(fileName + " line " + number
                    + " is not https://user:password@host[:port][/path] (its text is not shown: it holds a secret)")));
        }
        return new GitCredentials(java.util.List.copyOf(entries));
    }

    /** The login for {@code url}, an https URL without user info; empty when no line serves it. */
    Optional<Login> loginFor(String url) {
        Optional<URI> uri = uri(url);
        if (uri.isEmpty() || uri.get().getRawUserInfo() != null || dotSegment(path(uri.get()))) {
            return Optional.empty();
        }
        String scheme = scheme(uri.get());
        String host = host(uri.get());
        int port = port(uri.get());
        String path = path(uri.get());
        Entry best = null;
        for (Entry entry : entries) {
            if (entry.scheme.equals(scheme) && entry.host.equals(host) && entry.port == port
                    && underPrefix(path, entry.path) && (best == null || entry.path.length() > best.path.length())) {
                best = entry;
            }
        }
        return Optional.ofNullable(best).map(Entry::login);
    }

    private static Optional<Entry> entry(String line) {
        Optional<URI> uri = uri(line);
        if (uri.isEmpty() || !"https".equals(scheme(uri.get())) || uri.get().getRawUserInfo() == null
                || uri.get().getHost() == null) {
            return Optional.empty();
        }
        String userInfo = uri.get().getRawUserInfo();
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        Login login;
        try {
            login = new Login(decode(userInfo.substring(0, colon)), decode(userInfo.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new Entry(scheme(uri.get()), host(uri.get()), port(uri.get()), path(uri.get()), login));
    }

    /**
     * Whether {@code path} has a {@code .} or {@code ..} segment, percent-encoded or not: the
     * server may resolve it ({@code /team/../other} is {@code /other}) to a repository the line
     * of its raw prefix was never meant for.
     */
    private static boolean dotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            String decoded = segment.replaceAll("(?i)%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static boolean underPrefix(String path, String prefix) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static Optional<URI> uri(String text) {
        try {
            return Optional.of(new URI(text));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String scheme(URI uri) {
        return String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    }

    private static String host(URI uri) {
        return String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        return uri.getPort() < 0 ? 443 : uri.getPort();
    }

    private static String path(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
