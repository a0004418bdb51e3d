package io.trueup.notify;

import io.trueup.reconcile.Notice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GitHub (or GitHub Enterprise: another {@code api}) commit statuses on the desired-state commit
 * of each notice, context {@code trueup/<app>/<env>}: {@code pending} when a rollout starts,
 * {@code success} when it finished, {@code failure} when it halted, {@code error} when the
 * desired state is invalid. The token is read from {@code tokenFile} at each request, so a
 * rotated token needs no restart.
 *
 * @param api the REST API's root: {@code https://api.github.com}, or {@code https://HOST/api/v3}
 * @param repo the desired-state repository, {@code owner/name}
 * @param publicUrl trueup's own public URL, for the status's link to its dashboard
 */
public record GitHubTarget(String name, URI api, String repo, Path tokenFile, Optional<String> publicUrl)
        implements Target {

    /** GitHub's limit on a status's description. */
    static final int DESCRIPTION_MAX = 140;

    @Override
    public String kind() {
        return "github";
    }

    @Override
    public boolean takes(Notice notice) {
        return state(notice.event()).isPresent() && notice.revision().matches("[0-9a-f]{40}|[0-9a-f]{64}");
    }

    /** The commit status's state for {@code event}; empty for events a status does not show. */
    static Optional<String> state(Notice.Event event) {
        return switch (event) {
            case STARTED -> Optional.of("pending");
            case FINISHED -> Optional.of("success");
            case HALTED -> Optional.of("failure");
            case INVALID -> Optional.of("error");
            case ROLLBACK, UNREACHABLE, REACHABLE -> Optional.empty();
        };
    }

    @Override
    public HttpRequest request(Notice notice, Instant at, Duration timeout) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("state", state(notice.event()).orElseThrow(() -> new IllegalArgumentException(
                "no commit status for " + notice.event().label())));
        publicUrl.ifPresent(u -> body.put("target_url", u.replaceAll("/+$", "") + "/#"
                + URLEncoder.encode(notice.id().app() + "-" + notice.id().env(), StandardCharsets.UTF_8)));
        body.put("description", description(notice.message()));
        body.put("context", "trueup/" + notice.id().app() + "/" + notice.id().env());
        URI uri = URI.create(api.toString().replaceAll("/+$", "") + "/repos/" + repo + "/statuses/"
                + notice.revision());
        return JsonPost.to(uri, JsonPost.json(body), timeout).header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28").header("Authorization", "Bearer " + token()).build();
    }

    /** The token: the file's first line, trimmed. */
    String token() {
        try {
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new UncheckedIOException(new IOException("token file " + tokenFile + " is empty"));
            }
            return token.lines().findFirst().orElseThrow().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read token file " + tokenFile + ": "
                    + e.getClass().getSimpleName()));
        }
    }

    /** The first line of {@code message}, cut to GitHub's limit. */
    static String description(String message) {
        String first = message.lines().findFirst().orElse("");
        return first.length() <= DESCRIPTION_MAX ? first : first.substring(0, DESCRIPTION_MAX - 1) + "…";
    }
}
