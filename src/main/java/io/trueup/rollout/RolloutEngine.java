package io.trueup.rollout;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Rollout;
import io.trueup.observe.Inspection;
import io.trueup.plan.HostPlan;
import io.trueup.plan.Plan;
import io.trueup.plan.Planner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Carries out the steps of a rollout that {@link RolloutDecider} decides, one after another,
 * recording each in the rollout's {@link RolloutRecord} before and after it runs: a batch's
 * hosts in parallel (each switched, restarted and healthy, or failed), the check of hosts
 * switched when trueup stopped, and the switch back of the hosts a halted or aborted rollout
 * switched. It stops at a wait, a hold or the end and returns: the caller calls again when the
 * wait is over, so no thread sleeps through a pause. At most {@code concurrency} hosts are worked
 * on at once across all rollouts sharing this engine. Thread-safe.
 */
public final class RolloutEngine {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RolloutEngine.class);

    private final HostDeployer deployer;
    private final Semaphore slots;
    private final Consumer<Duration> sleeper;
    private final Clock clock;

    public RolloutEngine(HostDeployer deployer, int concurrency, Consumer<Duration> sleeper, Clock clock) {
        this.deployer = deployer;
        this.slots = new Semaphore(Math.max(1, concurrency), true);
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Waits with {@link Thread#sleep}. */
    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the plan of desired-state {@code revision} to its end in this thread, waiting between
     * batches with the sleeper: for tools and tests. trueup itself {@linkplain #advance advances}
     * a persisted rollout instead, and sleeps through no wait.
     */
    public RolloutResult execute(AppSpec spec, String revision, Plan plan, RolloutListener listener,
            Function<HostAddress, Inspection> inspectAgain) {
        RolloutStore store = RolloutStore.inMemory();
        RolloutRecord record = RolloutRecord.start(spec.id(), revision, "run", clock.instant(), plan.batches(),
                spec::release);
        RolloutDecider.Situation situation = new RolloutDecider.Situation("run", false, spec.rollout(),
                currentLinks(plan));
        Map<HostAddress, HostOutcome> outcomes = new java.util.LinkedHashMap<>();
        for (int waits = 0; ; waits++) {
            Advanced advanced = advance(spec, record, plan, () -> situation, listener, inspectAgain, store);
            advanced.outcomes().forEach(o -> outcomes.put(o.host(), o)); // a host switched back: its last outcome
            record = advanced.record();
            if (!(advanced.last() instanceof RolloutStep.Wait wait) || waits > record.batches().size()) {
                RolloutStep.End end = advanced.last() instanceof RolloutStep.Finish f ? f.end() : RolloutStep.End.STOPPED;
                return new RolloutResult(spec.id(), List.copyOf(outcomes.values()), Math.min(record.batch() + 1, record.batches().size()),
                        record.batches().size(), end != RolloutStep.End.SUCCEEDED);
            }
            sleeper.accept(Duration.between(clock.instant(), wait.until()));
        }
    }

    /** What each inspected host's {@code current} pointed at, from {@code plan}: a decision's facts. */
    public static Map<HostAddress, Optional<String>> currentLinks(Plan plan) {
        Map<HostAddress, Optional<String>> links = new java.util.HashMap<>();
        plan.hosts().forEach(h -> links.put(h.host(), h.observed()));
        return links;
    }

    /**
     * What {@link #advance} did: the record as it left it, the step it stopped at (a wait, a hold
     * or the end), and the outcome of each host it worked on, in order.
     */
    public record Advanced(RolloutRecord record, RolloutStep last, List<HostOutcome> outcomes) {
        public Advanced {
            outcomes = List.copyOf(outcomes);
        }
    }

    /**
     * Takes the rollout of {@code start} as far as it goes now: step after step as
     * {@link RolloutDecider} decides them, each saved to {@code store} before and after it runs,
     * until a step that is a wait, a hold or the end, which it returns without carrying out. The
     * hosts it deploys follow {@code plan} (made from the inspections that {@code situation}'s
     * facts come from); a host no longer as its plan's inspection saw it is inspected again with
     * {@code inspectAgain}. Reads {@code situation} before every step, so a pause or a newer desired
     * state stops it at the next batch.
     */
    public Advanced advance(AppSpec spec, RolloutRecord start, Plan plan,
            java.util.function.Supplier<RolloutDecider.Situation> situation, RolloutListener listener,
            Function<HostAddress, Inspection> inspectAgain, RolloutStore store) {
        Progress progress = new Progress(store, store.save(start));
        Plans plans = new Plans(plan, inspectAgain);
        List<HostOutcome> outcomes = new ArrayList<>();
        int bound = 4 * start.hosts().size() + 2 * start.batches().size() + 8;
        for (int steps = 0; steps < bound; steps++) {
            progress.mergeAbort();
            RolloutStep step = RolloutDecider.next(progress.record(), situation.get(), clock.instant());
            switch (step) {
                case RolloutStep.Wait w -> {
                    return new Advanced(progress.record(), step, outcomes);
                }
                case RolloutStep.Hold h -> {
                    return new Advanced(progress.record(), step, outcomes);
                }
                case RolloutStep.Finish f -> {
                    return new Advanced(progress.record(), step, outcomes);
                }
                case RolloutStep.Advance a -> progress.change(r -> r.atBatch(a.batch(), a.until()));
                case RolloutStep.Reset r -> r.hosts().forEach(h -> progress.host(h, p -> p.at(Phase.PENDING,
                        Optional.empty())));
                case RolloutStep.Check c -> {
                    outcomes.addAll(check(spec, c.hosts(), progress, listener));
                    List<HostAddress> unchecked = c.hosts().stream()
                            .filter(h -> progress.record().host(h).phase().interrupted()).toList();
                    if (!unchecked.isEmpty()) {
                        return new Advanced(progress.record(), new RolloutStep.Hold(unchecked + " were mid-deploy"
                                + " when trueup stopped and cannot be restarted now; they are checked again at the"
                                + " next reconcile"), outcomes);
                    }
                }
                case RolloutStep.RollBack b -> outcomes.addAll(rollBack(spec, b, progress, listener));
                case RolloutStep.Run run -> outcomes.addAll(run(spec, run, plans, progress, listener));
            }
        }
        throw new IllegalStateException("the rollout of " + spec.id() + " took more than " + bound + " steps");
    }

    /** Runs the pending hosts of a batch; a host that did not start because its batch stopped stays pending. */
    private List<HostOutcome> run(AppSpec spec, RolloutStep.Run run, Plans plans, Progress progress,
            RolloutListener listener) {
        progress.change(r -> r.atBatch(r.batch(), Optional.empty()));
        List<HostAddress> batch = run.hosts();
        List<HostOutcome> done = new ArrayList<>();
        for (HostAddress host : batch) {
            String unreachable = plans.plan().unreachable().get(host);
            if (unreachable != null) {
                done.add(new HostOutcome.Failed(host, "inspect", host + " unreachable: " + unreachable, "", true,
                        Optional.empty()));
            }
        }
        List<HostAddress> reachable = batch.stream().filter(h -> !plans.plan().unreachable().containsKey(h)).toList();
        RolloutListener recording = progress.recording(listener, plans);
        Optional<HostAddress> migrating = plans.plan().migrateOn().filter(reachable::contains);
        List<HostOutcome> ran = migrating.isPresent()
                ? runMigratingBatch(spec, progress.record().revision(), plans, reachable, migrating.get(), recording)
                : runBatch(spec, progress.record().revision(), plans, reachable, recording);
        done.addAll(ran);
        done.forEach(progress::settle);
        if (ran.size() < reachable.size()) {
            progress.change(r -> r.stopping(migrating.map(h -> h + " did not run hooks.migrate; the rest of its"
                    + " batch waits for the next rollout").orElse("a batch stopped short")));
        }
        return done;
    }

    /**
     * Checks hosts that trueup had switched when it stopped: each is restarted first (the command
     * that switched it may have ended before its restart ran, leaving the old release's app to
     * answer the check), then a healthy one is done, the others go back to the release they ran
     * before, as any host failing its restart or check after a switch does. A host whose restart
     * failed for the network's sake (or a lock that the step left running by the stopped trueup
     * still holds) is left as it is, to be checked again.
     */
    private List<HostOutcome> check(AppSpec spec, List<HostAddress> hosts, Progress progress,
            RolloutListener listener) {
        List<HostOutcome> outcomes = new ArrayList<>();
        for (HostAddress host : hosts) {
            RolloutRecord.HostProgress was = progress.record().host(host);
            Optional<StepFailure> unhealthy = deployer.restartAndCheckHealth(spec, host, was.rollbackTo(), listener);
            if (unhealthy.filter(f -> f.step().equals("restart") && f.transientFailure()).isPresent()) {
                // The network, or the lock still held by the step the stopped trueup left running there.
                LOG.warnf("%s: %s was switched when trueup stopped; restarting it failed for now, tried again at the"
                        + " next reconcile: %s", spec.id(), host, unhealthy.get().message());
                continue;
            }
            HostOutcome outcome;
            if (unhealthy.isEmpty()) {
                outcome = new HostOutcome.Deployed(host, was.target(), spec.restart().isPresent()
                        ? List.of("switch", "restart", "health") : List.of("switch", "health"), Duration.ZERO,
                        List.of());
            } else {
                listener.step(spec.id(), host, "rollback");
                HostOutcome.Rollback back = deployer.rollBack(spec, host, was.rollbackTo(), was.previousBefore(), false);
                StepFailure f = unhealthy.get();
                outcome = new HostOutcome.Failed(host, f.step(), f.message() + " (checked after trueup restarted"
                        + " during its deploy)", f.output(), false, Optional.of(back));
                deployer.recordHistory(spec, host, HistoryLine.of(spec, host, progress.record().revision(), outcome,
                        clock.instant()));
            }
            listener.finished(spec.id(), outcome);
            progress.settle(outcome);
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /** Switches hosts this rollout switched back, each drained first: the rollout aborts or rolls back whole. */
    private List<HostOutcome> rollBack(AppSpec spec, RolloutStep.RollBack step, Progress progress,
            RolloutListener listener) {
        LOG.infof("%s: switching %d host(s) back: %s", spec.id(), step.hosts().size(), step.why());
        List<HostOutcome> reverted = new ArrayList<>();
        for (HostAddress host : step.hosts()) {
            RolloutRecord.HostProgress was = progress.record().host(host);
            listener.step(spec.id(), host, "rollback");
            HostOutcome back = new HostOutcome.Reverted(host, deployer.rollBack(spec, host, was.rollbackTo(),
                    was.previousBefore(), true));
            deployer.recordHistory(spec, host, HistoryLine.of(spec, host, progress.record().revision(), back,
                    clock.instant()));
            listener.finished(spec.id(), back);
            progress.settle(back);
            reverted.add(back);
        }
        return reverted;
    }

    /**
     * Runs a batch whose host {@code migrating} runs {@code hooks.migrate}: that host first, and the
     * others only once it has migrated, so that no host switches to a release whose migration has
     * not run. If it does not migrate (the hook failed, the host failed before it), the others do
     * not start, and are not in the outcomes: the rollout stops there.
     */
    private List<HostOutcome> runMigratingBatch(AppSpec spec, String revision, Plans plans, List<HostAddress> batch,
            HostAddress migrating, RolloutListener listener) {
        CompletableFuture<Boolean> migrated = new CompletableFuture<>();
        RolloutListener watching = new RolloutListener() {
            @Override
            public void starting(AppEnv id, HostPlan plan) {
                listener.starting(id, plan);
            }

            @Override
            public void step(AppEnv id, HostAddress host, String step) {
                listener.step(id, host, step);
            }

            @Override
            public void done(AppEnv id, HostAddress host, String step) {
                listener.done(id, host, step);
                if (step.equals("migrate")) {
                    migrated.complete(true);
                }
            }

            @Override
            public void finished(AppEnv id, HostOutcome outcome) {
                listener.finished(id, outcome);
            }
        };
        List<HostAddress> others = batch.stream().filter(h -> !h.equals(migrating)).toList();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HostOutcome> first = workers.submit(() -> {
                try {
                    return deployOne(spec, revision, plans, migrating, watching);
                } finally {
                    migrated.complete(false);
                }
            });
            if (!migrated.join()) {
                LOG.warnf("%s: %s did not run hooks.migrate; the rest of its batch waits for the next rollout", spec.id(),
                        migrating);
                return List.of(join(first));
            }
            List<HostOutcome> outcomes = new ArrayList<>();
            List<HostOutcome> rest = runBatch(spec, revision, plans, others, listener);
            outcomes.add(join(first));
            outcomes.addAll(rest);
            return outcomes;
        }
    }

    private List<HostOutcome> runBatch(AppSpec spec, String revision, Plans plans, List<HostAddress> batch,
            RolloutListener listener) {
        List<Future<HostOutcome>> futures = new ArrayList<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostAddress host : batch) {
                futures.add(workers.submit(() -> deployOne(spec, revision, plans, host, listener)));
            }
        }
        return futures.stream().map(RolloutEngine::join).toList();
    }

    private HostOutcome deployOne(AppSpec spec, String revision, Plans plans, HostAddress host,
            RolloutListener listener) throws InterruptedException {
        slots.acquire();
        try {
            HostOutcome outcome;
            try {
                listener.starting(spec.id(), plans.of(host));
                outcome = deployer.deploy(spec, revision, plans.of(host), listener);
            } catch (HostDeployer.HostChanged changed) {
                LOG.infof("%s: %s; inspecting it again", spec.id(), changed.getMessage());
                outcome = deployAgain(spec, revision, plans, host, listener);
            }
            listener.finished(spec.id(), outcome);
            return outcome;
        } finally {
            slots.release();
        }
    }

    /** Inspects {@code host} again and deploys it by the plan made from what that sees. */
    private HostOutcome deployAgain(AppSpec spec, String revision, Plans plans, HostAddress host,
            RolloutListener listener) {
        Instant start = clock.instant();
        listener.step(spec.id(), host, "inspect");
        Inspection again = plans.inspectAgain.apply(host);
        if (again instanceof Inspection.Failed failed) {
            // Tried again later, when a poll's inspection says what became of the host.
            return new HostOutcome.Failed(host, "inspect", failed.error(), "", true, Optional.empty());
        }
        HostPlan fresh = Planner.replan(spec, again, plans.plan().migrateOn().filter(host::equals).isPresent());
        plans.replanned.put(host, fresh);
        listener.starting(spec.id(), fresh);
        if (fresh.converged()) {
            deployer.unlock(spec, host); // its verify kept the lock for a deploy there is no need of
            return new HostOutcome.Deployed(host, spec.release(host), List.of(), Duration.between(start,
                    clock.instant()), List.of());
        }
        return deployer.deploy(spec, revision, fresh, listener);
    }

    /**
     * The record of the rollout being advanced, changed by one thread at a time (the hosts of a
     * batch run in parallel) and saved at every change.
     */
    private static final class Progress {
        private final RolloutStore store;
        private RolloutRecord record;

        Progress(RolloutStore store, RolloutRecord record) {
            this.store = store;
            this.record = record;
        }

        synchronized RolloutRecord record() {
            return record;
        }

        synchronized void change(java.util.function.UnaryOperator<RolloutRecord> how) {
            record = store.save(how.apply(record));
        }

        void host(HostAddress host, java.util.function.UnaryOperator<RolloutRecord.HostProgress> how) {
            change(r -> r.with(host, how));
        }

        /** Takes in an abort an operator asked for since the record was read. */
        synchronized void mergeAbort() {
            if (!record.abort() && store.get(record.id()).filter(RolloutRecord::abort).isPresent()) {
                record = record.aborting();
            }
        }

        /** Records how a host's part of the rollout ended. */
        void settle(HostOutcome outcome) {
            host(outcome.host(), p -> switch (outcome) {
                case HostOutcome.Deployed d -> d.steps().contains("switch") ? p.at(Phase.HEALTHY, Optional.empty())
                        : p.unswitched();
                case HostOutcome.Failed f -> p.failed(Phase.FAILED, f.step(), f.error() + f.rollback()
                        .map(b -> b.succeeded() ? "; rolled back to " + b.to().abbrev() : "; rollback failed: "
                                + b.detail()).orElse(""), f.output(), f.transientFailure());
                case HostOutcome.Reverted r -> r.rollback().succeeded() ? p.at(Phase.ROLLED_BACK,
                        Optional.of("rollback")) : p.failed(Phase.FAILED, "rollback", "switching back failed: "
                                + r.rollback().detail(), "", false);
            });
        }

        /** {@code listener}, with each host's start, release made and switch recorded as they happen. */
        RolloutListener recording(RolloutListener listener, Plans plans) {
            return new RolloutListener() {
                @Override
                public void starting(AppEnv id, HostPlan plan) {
                    host(plan.host(), p -> p.started(plan.rollbackTo(), plan.previousBefore()));
                    listener.starting(id, plan);
                }

                @Override
                public void step(AppEnv id, HostAddress host, String step) {
                    listener.step(id, host, step);
                }

                @Override
                public void done(AppEnv id, HostAddress host, String step) {
                    switch (step) {
                        case "release", "env", "build" -> host(host, p -> p.at(Phase.PREPARED, Optional.of(step)));
                        case "switch" -> host(host, p -> p.at(Phase.SWITCHED, Optional.of(step)));
                        default -> { }
                    }
                    listener.done(id, host, step);
                }

                @Override
                public void finished(AppEnv id, HostOutcome outcome) {
                    listener.finished(id, outcome);
                }
            };
        }
    }

    /** The plan of each host: the rollout's, or the one made when the host was inspected again. */
    private record Plans(Plan plan, Function<HostAddress, Inspection> inspectAgain,
            Map<HostAddress, HostPlan> replanned) {
        Plans(Plan plan, Function<HostAddress, Inspection> inspectAgain) {
            this(plan, inspectAgain, new ConcurrentHashMap<>());
        }

        HostPlan of(HostAddress host) {
            return replanned.getOrDefault(host, plan.host(host));
        }
    }

    private static HostOutcome join(Future<HostOutcome> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rollout interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a host deploy failed unexpectedly", e.getCause());
        }
    }
}
