package io.trueup.desired;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for desired-state values that end up in remote commands, git invocations and URLs.
 * Each method returns the value it accepts, or throws {@link IllegalArgumentException} with a
 * message fit to show a user after the field's name. Stateless.
 */
final class ValueRules {

    private static final int MAX_PATH = 255;
    /** Longest shell text: a command, not a script (put a script in the app's repository). */
    static final int MAX_COMMAND = 4096;
    /** Base paths refused along with everything under them: the system's own. */
    private static final java.util.List<String> SYSTEM_TREES = java.util.List.of("/bin", "/boot", "/dev", "/etc",
            "/lib", "/proc", "/run", "/sbin", "/sys", "/usr");
    /** Base paths refused themselves, as they hold other people's directories; below them is fine. */
    private static final java.util.Set<String> SHARED_ROOTS = java.util.Set.of("/home", "/mnt", "/media", "/opt",
            "/root", "/srv", "/tmp", "/var", "/var/lib", "/var/log", "/var/tmp", "/var/opt", "/var/www");
    private static final Pattern HOME = Pattern.compile("/home/[^/]+");
    private static final String HOST_STAND_IN = "host.invalid";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final String GIT_USER = "[A-Za-z0-9._][A-Za-z0-9._-]*";
    private static final String GIT_HOST = "[A-Za-z0-9][A-Za-z0-9.-]*";
    private static final Pattern SSH_URL = Pattern.compile(
            "ssh://(" + GIT_USER + "@)?" + GIT_HOST + "(:[0-9]{1,5})?/.+");
    private static final Pattern SCP_LIKE = Pattern.compile(GIT_USER + "@" + GIT_HOST + ":[^:].*");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
    private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

    private ValueRules() {
    }

    /** A directory on a host: absolute, or relative to the SSH user's home. */
    static String hostPath(String text) {
        if ("/".equals(text)) {
            throw new IllegalArgumentException("must not be / itself");
        }
        checkSegments(text.startsWith("/") ? text.substring(1) : text, text);
        return text;
    }

    /**
     * An app's base directory on a host: a {@link #hostPath}, and not one of the system's
     * ({@code /etc}, {@code /usr} and what lies under them, and the like) nor a directory shared
     * by others itself ({@code /srv}, {@code /var/lib}, a home directory such as {@code /home/deploy}).
     */
    static String basePath(String text) {
        hostPath(text);
        for (String tree : SYSTEM_TREES) {
            if (text.equals(tree) || text.startsWith(tree + "/") || tree.equals("/lib") && text.matches("/lib[^/]*(/.*)?")) {
                throw new IllegalArgumentException("must not be in " + (tree.equals("/lib") ? "/lib*" : tree)
                        + ", which belongs to the system; use a directory such as /srv/<app>");
            }
        }
        if (SHARED_ROOTS.contains(text) || HOME.matcher(text).matches()) {
            throw new IllegalArgumentException("must not be " + text + " itself, which holds more than this app;"
                    + " use a directory of its own under it");
        }
        return text;
    }

    /** A path inside the app repository: relative, never leaving it. */
    static String repoPath(String text) {
        return relativeTo("the app repository", text);
    }

    /**
     * A path inside a release (a shared path, where a config file goes): relative, never leaving
     * the release, and not in what trueup keeps there itself ({@code .git}, {@code .venv}).
     */
    static String releasePath(String text) {
        relativeTo("the release", text);
        String first = text.split("/", 2)[0];
        if (first.equals(".git") || first.equals(".venv")) {
            throw new IllegalArgumentException("must not be in " + first + ", which trueup keeps in every release");
        }
        return text;
    }

    /**
     * A template, as a path relative to the app's directory of the desired-state repository. It
     * must not end in {@code .yaml} or {@code .yml}: trueup would read it as an environment.
     */
    static String template(String text) {
        relativeTo("the app's directory (apps/<app>/)", text);
        if (text.endsWith(".yaml") || text.endsWith(".yml")) {
            throw new IllegalArgumentException("must not end in .yaml or .yml, which trueup reads as an environment"
                    + " file; name it " + text + ".tmpl, say");
        }
        return text;
    }

    /** A template variable's name: what a template writes after {@code vars.}. */
    static String varName(String text) {
        if (!VAR_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("must be a variable name: a letter or _, then at most 63 letters,"
                    + " digits or _");
        }
        return text;
    }

    /** A file's permission bits in octal, as chmod takes them: {@code "0640"}; the owner must be able to read. */
    static int mode(String text) {
        if (!MODE.matcher(text).matches()) {
            throw new IllegalArgumentException("must be octal permission bits such as \"0640\" (in quotes)");
        }
        int mode = Integer.parseInt(text, 8);
        if ((mode & 0400) == 0) {
            throw new IllegalArgumentException("must let the owner read the file (0400), as trueup checks it");
        }
        return mode;
    }

    /** An SSH login name. */
    static String user(String text) {
        if (!USER.matcher(text).matches()) {
            throw new IllegalArgumentException("must be a user name: a lowercase letter or _, then at most 31"
                    + " lowercase letters, digits, _ or -");
        }
        return text;
    }

    /** A Python interpreter: a command name looked up on the host's PATH, or an absolute path. */
    static String python(String text) {
        if (text.startsWith("/")) {
            return hostPath(text);
        }
        if (!SEGMENT.matcher(text).matches() || text.startsWith("-") || text.equals(".") || text.equals("..")) {
            throw new IllegalArgumentException("must be a command name such as python3 or an absolute path"
                    + " such as /usr/bin/python3.12");
        }
        return text;
    }

    /**
     * A git URL trueup can fetch: an absolute path, file:///..., https://..., ssh://... or
     * user@host:path. An https URL carries no user or password: credentials come from
     * trueup's secrets directory, never from git; plain http:// is refused, as it would send them
     * in the clear.
     */
    static String source(String text) {
        checkArgument(text);
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("https://")) {
            return httpsSource(text);
        }
        if (lower.startsWith("http://")) {
            throw new IllegalArgumentException("must not be a plain http:// URL: it would send the credential"
                    + " in the clear; use https://");
        }
        boolean url = (text.startsWith("/") && text.length() > 1)
                || (text.startsWith("file:///") && text.length() > 8)
                || SSH_URL.matcher(text).matches()
                || SCP_LIKE.matcher(text).matches();
        if (!url) {
            throw new IllegalArgumentException("must be a git URL: an absolute path, file:///path, "
                    + "https://host[:port]/path, ssh://[user@]host[:port]/path or user@host:path");
        }
        return text;
    }

    private static String httpsSource(String text) {
        String example = "must be an https URL such as https://git.example.com/team/app.git";
        if (hasSpaceOrControl(text)) {
            throw new IllegalArgumentException(example);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(example, e);
        }
        if (uri.getRawUserInfo() != null || text.substring(8).split("[/?#]", 2)[0].contains("@")) {
            throw new IllegalArgumentException("must not hold a user or password: credentials never come from git;"
                    + " put them in the file git-credentials of trueup.secrets.dir");
        }
        if (uri.getHost() == null || uri.getRawPath() == null || uri.getRawPath().length() < 2
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(example);
        }
        return text;
    }

    /** Shell text run on a host: anything a shell accepts on one line. */
    static String shellCommand(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (text.length() > MAX_COMMAND) {
            throw new IllegalArgumentException("must be at most " + MAX_COMMAND + " characters (it has "
                    + text.length() + "); put a longer script in the app's repository and run that");
        }
        if (text.chars().anyMatch(c -> c != '\t' && Character.isISOControl(c))) {
            throw new IllegalArgumentException("must be one line, without control characters (a tab is fine)");
        }
        return text;
    }

    /**
     * An http or https URL whose host is {@code {host}}, which stands for each host's name: trueup
     * checks the hosts it deploys to, never another address (an internal metadata service, say).
     */
    static String httpUrl(String text) {
        String example = "must be an http or https URL such as http://{host}:8000/healthz";
        if (text.isEmpty() || hasSpaceOrControl(text)) {
            throw new IllegalArgumentException(example);
        }
        URI uri;
        try {
            uri = new URI(text.replace("{host}", HOST_STAND_IN));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(example, e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(example);
        }
        if (!HOST_STAND_IN.equals(uri.getHost()) || !text.contains("{host}") || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must name {host} as its host, such as http://{host}:8000/healthz:"
                    + " trueup checks each host it deploys to, no other address");
        }
        return text;
    }

    /** A positive duration: {@code 500ms}, {@code 30s}, {@code 2m} or {@code 1h}. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 2m or 1h");
        }
        long amount = Long.parseLong(m.group(1));
        if (amount == 0) {
            throw new IllegalArgumentException("must be longer than zero");
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** A whole number of at least {@code min}, for counts such as rollout.maxFailures. */
    static Function<String, Integer> atLeast(int min) {
        return text -> {
            if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < min) {
                throw new IllegalArgumentException("must be a whole number of at least " + min);
            }
            return Integer.parseInt(text);
        };
    }

    /** Releases kept per host: at least the current and the previous one. */
    static int keep(String text) {
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < 2) {
            throw new IllegalArgumentException("must be a whole number of at least 2 (the current and the"
                    + " previous release)");
        }
        return Integer.parseInt(text);
    }

    /** A full commit id. */
    static Sha sha(String text) {
        if (!Sha.valid(text)) {
            throw new IllegalArgumentException("must be a full commit id: 40 lowercase hex characters");
        }
        return new Sha(text);
    }

    /** A relative path that never leaves {@code base}, the place it is written relative to. */
    private static String relativeTo(String base, String text) {
        if (text.startsWith("/")) {
            throw new IllegalArgumentException("must be relative to " + base + ", without a leading /");
        }
        checkSegments(text, text);
        return text;
    }

    private static void checkSegments(String relative, String whole) {
        checkArgument(whole);
        if (whole.length() > MAX_PATH) {
            throw new IllegalArgumentException("must be at most " + MAX_PATH + " characters");
        }
        if (whole.endsWith("/")) {
            throw new IllegalArgumentException("must not end with /");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("must not contain an empty segment (//)");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("must not contain . or .. segments");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("\"" + segment + "\" may hold only letters, digits, ., _ and -");
            }
        }
    }

    private static void checkArgument(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException("must not start with -");
        }
        if (hasSpaceOrControl(text)) {
            throw new IllegalArgumentException("must not contain spaces or control characters");
        }
    }

    private static boolean hasSpaceOrControl(String text) {
        return text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                || Character.isSpaceChar(c));
    }
}
