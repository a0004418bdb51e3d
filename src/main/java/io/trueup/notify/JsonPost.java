package io.trueup.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/** The JSON {@code POST} every target sends: its body, and the request with the headers they share. */
final class JsonPost {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonPost() {
    }

    /** {@code body} as JSON (UTF-8). */
    static byte[] json(Map<String, ?> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    /**
     * A {@code POST} of {@code json} to {@code url}, allowed {@code timeout}, with trueup's user
     * agent; a target adds its own headers before building it.
     */
    static HttpRequest.Builder to(URI url, byte[] json, Duration timeout) {
        return HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .header("User-Agent", "trueup").POST(HttpRequest.BodyPublishers.ofByteArray(json));
    }
}
