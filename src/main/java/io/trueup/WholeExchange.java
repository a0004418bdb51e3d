package io.trueup;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP exchange bounded as a whole: a request's own timeout stops at the headers, so an
 * answer whose body drips or never ends could hold the caller for ever. Used for what trueup asks
 * of others' servers (health checks, notifications).
 */
public final class WholeExchange {

    /** The exchange had not ended (headers and body) when its time ran out; it was cancelled. */
    public static final class Overdue extends HttpTimeoutException {
        Overdue(Duration timeout) {
            super("no whole answer within " + timeout.toMillis() + "ms");
        }
    }

    private WholeExchange() {
    }

    /**
     * Sends {@code request} and reads its answer with {@code body}, all within {@code timeout}.
     *
     * @throws Overdue when the time ran out (the exchange is cancelled, closing its connection)
     * @throws IOException as the client throws it (a refused connection, say)
     * @throws InterruptedException when interrupted (the exchange is cancelled)
     */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body,
            Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> exchange = http.sendAsync(request, body);
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new Overdue(timeout);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
    }
}
