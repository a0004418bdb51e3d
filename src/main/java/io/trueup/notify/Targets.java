package io.trueup.notify;

import io.trueup.TrueupException;
import io.trueup.git.RedactedUrl;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the configured targets and builds them: every problem is a {@link TrueupException}
 * naming the key ({@code trueup.notify.<name>.<key>}), never showing a secret. Pure but for
 * reading token files.
 */
public final class Targets {

    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    /** {@code user@host:owner/name(.git)}, the scp-like form of an SSH URL. */
    private static final Pattern SCP = Pattern.compile("[^/@:]+@[^/:]+:/?([^:]+?)(?:\\.git)?/?");

    private Targets() {
    }

    /**
     * One configured target, as {@code trueup.notify.<name>.*} gives it.
     *
     * @param repo for {@code github}: the desired-state repository, {@code owner/name}
     */
    public record Settings(String name, Optional<String> kind, Optional<String> url, Optional<String> secret,
            Optional<Path> tokenFile, Optional<String> repo, Duration timeout, int maxAttempts) {
    }

    /**
     * The routes of {@code targets}; {@code desiredStateUrl} is where a {@code github} target
     * without {@code repo} finds its repository, {@code publicUrl} trueup's own address for links.
     */
    public static List<Notifier.Route> of(List<Settings> targets, Optional<String> desiredStateUrl,
            Optional<String> publicUrl) {
        List<Notifier.Route> routes = new ArrayList<>();
        for (Settings s : targets) {
            String key = "trueup.notify." + s.name() + ".";
            if (s.maxAttempts() < 1) {
                throw new TrueupException(key + "max-attempts: must be at least 1, not " + s.maxAttempts());
            }
            if (s.timeout().isNegative() || s.timeout().isZero()) {
                throw new TrueupException(key + "timeout: must be positive, not " + s.timeout());
            }
            String kind = s.kind().map(String::strip).filter(k -> !k.isEmpty()).orElseThrow(() ->
                    new TrueupException(key + "kind: missing; one of webhook, slack, github"));
            URI url = url(key, s.url(), !kind.equals("slack"));
            Target target = switch (kind) {
                case "webhook" -> new WebhookTarget(s.name(), url, s.secret().filter(x -> !x.isBlank())
                        .orElseThrow(() -> new TrueupException(key + "secret: missing; a webhook's body is signed"
                                + " with it (HMAC-SHA256)")));
                case "slack" -> new SlackTarget(s.name(), url);
                case "github" -> new GitHubTarget(s.name(), url, repo(key, s.repo(), desiredStateUrl),
                        tokenFile(key, s.tokenFile()), publicUrl.filter(u -> !u.isBlank()));
                default -> throw new TrueupException(key + "kind: unknown kind '" + kind
                        + "'; one of webhook, slack, github");
            };
            routes.add(new Notifier.Route(target, Notifier.Delivery.of(s.maxAttempts(), s.timeout())));
        }
        return routes;
    }

    /** The target's URL: absolute http or https; a Slack URL (its secret) is never shown. */
    private static URI url(String key, Optional<String> given, boolean showable) {
        String text = given.map(String::strip).filter(u -> !u.isEmpty())
                .orElseThrow(() -> new TrueupException(key + "url: missing"));
        try {
            URI url = new URI(text);
            if (url.getScheme() != null && url.getHost() != null
                    && (url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                return url;
            }
        } catch (URISyntaxException e) {
            // told below
        }
        throw new TrueupException(key + "url: not an http:// or https:// URL" + (showable ? ": " + text : ""));
    }

    private static Path tokenFile(String key, Optional<Path> given) {
        Path file = given.orElseThrow(() -> new TrueupException(key + "token-file: missing; the file that holds"
                + " the token of the GitHub API"));
        try {
            if (Files.readString(file).isBlank()) {
                throw new TrueupException(key + "token-file: " + file + " is empty");
            }
        } catch (IOException e) {
            throw new TrueupException(key + "token-file: cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
        return file;
    }

    /** {@code repo}, else owner/name parsed from an SSH URL of the desired-state repository. */
    private static String repo(String key, Optional<String> given, Optional<String> desiredStateUrl) {
        if (given.isPresent()) {
            String repo = given.get().strip();
            if (!REPO.matcher(repo).matches()) {
                throw new TrueupException(key + "repo: not owner/name: " + repo);
            }
            return repo;
        }
        return desiredStateUrl.flatMap(Targets::repoOf).orElseThrow(() -> new TrueupException(key + "repo: missing,"
                + " and trueup.desired-state.url (" + desiredStateUrl.map(RedactedUrl::of).orElse("none") + ") is no ssh:// or"
                + " user@host: URL of owner/name; set it to the desired-state repository, owner/name"));
    }

    /**
     * {@code owner/name} of a desired-state repository at an SSH URL ({@code ssh://git@HOST/owner/name.git}
     * or {@code git@HOST:owner/name.git}) or an https one; empty for a path, a {@code file://} URL,
     * or one whose path is not two names.
     */
    static Optional<String> repoOf(String url) {
        String path;
        if (url.startsWith("ssh://") || url.startsWith("https://")) {
            try {
                path = Optional.ofNullable(new URI(url).getPath()).orElse("");
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        } else {
            Matcher scp = SCP.matcher(url);
            if (!scp.matches()) {
                return Optional.empty();
            }
            path = scp.group(1);
        }
        String repo = path.replaceAll("^/+|/+$", "").replaceAll("\\.git$", "");
        return REPO.matcher(repo).matches() ? Optional.of(repo) : Optional.empty();
    }
}
