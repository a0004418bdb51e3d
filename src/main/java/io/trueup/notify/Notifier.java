package io.trueup.notify;

import io.trueup.WholeExchange;
import io.trueup.reconcile.Notice;
import io.trueup.reconcile.ReconcileObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jboss.logging.Logger;

/**
 * Sends each {@link Notice} to every target that takes it, never blocking the caller: each
 * target has a bounded queue and one thread of its own that sends from it, so a target that
 * hangs or fails delays only its own notifications. A notice that finds its target's queue full
 * is dropped; one whose request fails (an error, a timeout, a status other than 2xx) is tried
 * again after a growing pause, at most {@link Delivery#attempts()} times in all; each ends
 * counted in {@link Deliveries}. Logs name the target, never its URL, secret or token.
 * Thread-safe.
 */
public final class Notifier implements ReconcileObserver, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    /**
     * How notifications are sent.
     *
     * @param attempts tries of one notification in all, at least 1
     * @param timeout time allowed to connect, and for the whole answer, per try
     * @param pause the pause after the first failed try, doubled after each next one
     * @param queue notifications waiting per target before more are dropped
     */
    public record Delivery(int attempts, Duration timeout, Duration pause, int queue) {

        public Delivery {
            if (attempts < 1 || queue < 1 || timeout.isNegative() || timeout.isZero() || pause.isNegative()) {
                throw new IllegalArgumentException("attempts and queue at least 1, timeout positive: " + attempts
                        + ", " + queue + ", " + timeout);
            }
        }

        /** {@code attempts} tries of {@code timeout} each, 1 s, 2 s, 4 s... apart; 100 waiting. */
        public static Delivery of(int attempts, Duration timeout) {
            return new Delivery(attempts, timeout, Duration.ofSeconds(1), 100);
        }
    }

    /** A target, and how notifications are sent to it. */
    public record Route(Target target, Delivery delivery) {
    }

    private final List<Sender> senders;
    private final Deliveries deliveries;

    /** Starts one thread per route, each sending what {@link #notice} queues for its target. */
    public Notifier(List<Route> routes, Deliveries deliveries, Clock clock) {
        this.deliveries = deliveries;
        this.senders = routes.stream().map(r -> new Sender(r.target(), r.delivery(), HttpClient.newBuilder()
                .connectTimeout(r.delivery().timeout()).followRedirects(HttpClient.Redirect.NEVER).build(),
                deliveries, clock)).toList();
        routes.forEach(r -> deliveries.known(r.target()));
        senders.forEach(Sender::start);
    }

    /** Queues {@code notice} for every target that takes it; returns at once. */
    @Override
    public void notice(Notice notice) {
        for (Sender sender : senders) {
            if (sender.target.takes(notice) && !sender.offer(notice)) {
                LOG.warnf("notification %s of %s to %s dropped: %d are waiting already", notice.event().label(),
                        notice.id(), sender.target.name(), sender.delivery.queue());
                deliveries.counted(sender.target, Deliveries.Result.DROPPED);
            }
        }
    }

    /** Stops sending; what waits is not sent. */
    @Override
    public void close() {
        senders.forEach(Sender::stop);
    }

    /** One target's queue and the thread that sends from it. */
    private static final class Sender implements Runnable {
        private final Target target;
        private final Delivery delivery;
        private final HttpClient http;
        private final Deliveries deliveries;
        private final Clock clock;
        private final BlockingQueue<Queued> queue;
        private final Thread thread;

        private record Queued(Notice notice, Instant at) {
        }

        Sender(Target target, Delivery delivery, HttpClient http, Deliveries deliveries, Clock clock) {
            this.target = target;
            this.delivery = delivery;
            this.http = http;
            this.deliveries = deliveries;
            this.clock = clock;
            this.queue = new ArrayBlockingQueue<>(delivery.queue());
            this.thread = Thread.ofPlatform().daemon().name("trueup-notify-" + target.name()).unstarted(this);
        }

        void start() {
            thread.start();
        }

        void stop() {
            thread.interrupt();
        }

        boolean offer(Notice notice) {
            return queue.offer(new Queued(notice, clock.instant()));
        }

        @Override
        public void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Queued next = queue.take();
                    deliveries.counted(target, send(next.notice(), next.at()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Tries {@code notice} until it is sent or the tries are spent. */
        private Deliveries.Result send(Notice notice, Instant at) throws InterruptedException {
            String failure = "";
            Duration pause = delivery.pause();
            for (int attempt = 1; attempt <= delivery.attempts(); attempt++) {
                if (attempt > 1) {
                    Thread.sleep(pause);
                    pause = pause.multipliedBy(2);
                }
                Optional<String> error = tryOnce(notice, at);
                if (error.isEmpty()) {
                    LOG.debugf("notification %s of %s sent to %s", notice.event().label(), notice.id(), target.name());
                    return Deliveries.Result.SENT;
                }
                failure = error.get();
                if (failure.startsWith("HTTP 4") && !failure.startsWith("HTTP 429")) {
                    break; // the request is wrong (a bad token, say): trying again will not help
                }
            }
            LOG.warnf("notification %s of %s to %s failed: %s", notice.event().label(), notice.id(), target.name(),
                    failure);
            return Deliveries.Result.FAILED;
        }

        /**
         * Sends once, the whole exchange bounded by the timeout (a target that drips its answer
         * cannot hold the thread); empty when the target took it, else why not (with no URL,
         * secret or token in it).
         */
        private Optional<String> tryOnce(Notice notice, Instant at) throws InterruptedException {
            try {
                HttpRequest request = target.request(notice, at, delivery.timeout());
                HttpResponse<Void> response = WholeExchange.send(http, request, HttpResponse.BodyHandlers.discarding(),
                        delivery.timeout());
                return response.statusCode() / 100 == 2 ? Optional.empty()
                        : Optional.of("HTTP " + response.statusCode());
            } catch (WholeExchange.Overdue e) {
                return Optional.of("HttpTimeoutException: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                // Any failure of one try (a bad request, the client's own) counts as a failed try: the
                // sender's thread must outlive it, or the target would silently get nothing more.
                Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
                String url = target instanceof SlackTarget s ? s.url().toString() : "";
                return Optional.of(cause.getClass().getSimpleName() + Optional.ofNullable(cause.getMessage())
                        .map(m -> ": " + Target.without(m, url)).orElse(""));
            }
        }
    }
}
