package io.trueup.rollout;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Takes at most the first {@code limit} bytes of a response body, then cancels the rest (which
 * closes the connection), so that a body without end costs neither memory nor time. Its text is
 * those bytes as UTF-8, one line. For one response, on the HTTP client's threads.
 */
final class BodyPrefix implements HttpResponse.BodySubscriber<String> {

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> text = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BodyPrefix(int limit) {
        this.limit = limit;
    }

    /**
     * Reads nothing of a 2xx answer's body (its status says it all), and at most {@code limit}
     * bytes of any other, to say what went wrong.
     */
    static HttpResponse.BodyHandler<String> handler(int limit) {
        return info -> new BodyPrefix(info.statusCode() / 100 == 2 ? 0 : limit);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (limit == 0) {
            finish();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer item : items) {
            int n = Math.min(item.remaining(), limit - bytes.size());
            byte[] chunk = new byte[n];
            item.get(chunk);
            bytes.write(chunk, 0, n);
        }
        if (bytes.size() >= limit) {
            finish();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable error) {
        text.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        text.complete(text());
    }

    @Override
    public CompletionStage<String> getBody() {
        return text;
    }

    private void finish() {
        text.complete(text());
        subscription.cancel();
    }

    private String text() {
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    }
}
