package io.trueup.rollout;

import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.host.HostStep;
import io.trueup.observe.Inspection;
import io.trueup.plan.Plan;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final BatchRunner batches;
    private final Consumer<Duration> sleeper;
    private final Clock clock;

    public RolloutEngine(HostDeployer deployer, int concurrency, Consumer<Duration> sleeper, Clock clock) {
        this.deployer = deployer;
        this.batches = new BatchRunner(deployer, concurrency, clock);
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
                RolloutStep.End end = advanced.last() instanceof RolloutStep.Finish f ? f.end()
                        : RolloutStep.End.STOPPED;
                return new RolloutResult(spec.id(), List.copyOf(outcomes.values()), record.batchesStarted(),
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
        Advanced advanced = null;
        try {
            advanced = advancing(spec, start, plan, situation, listener, inspectAgain, store);
            return advanced;
        } finally {
            if (advanced == null || !(advanced.last() instanceof RolloutStep.Wait)) {
                // Stopped, held, finished or failed: the next batch's turn may never come here.
                deployer.forgetPushesAhead(spec.id());
            }
        }
    }

    private Advanced advancing(AppSpec spec, RolloutRecord start, Plan plan,
            java.util.function.Supplier<RolloutDecider.Situation> situation, RolloutListener listener,
            Function<HostAddress, Inspection> inspectAgain, RolloutStore store) {
        RolloutProgress progress = new RolloutProgress(store, store.save(start));
        BatchRunner.Plans plans = new BatchRunner.Plans(plan, inspectAgain);
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

    /**
     * Frees {@code host}'s lock, held by {@code owner} (its owner line), when that is this
     * controller: a deploy's commands keep it, and one cut short leaves it. Best effort.
     */
    public void freeLock(AppSpec spec, HostAddress host, String owner) {
        if (deployer.holds(owner)) {
            LOG.infof("%s: freeing the lock left on %s by %s", spec.id(), host, owner);
            deployer.unlock(spec, host);
        }
    }

    /** Runs the pending hosts of a batch; a host that did not start because its batch stopped stays pending. */
    private List<HostOutcome> run(AppSpec spec, RolloutStep.Run run, BatchRunner.Plans plans, RolloutProgress progress,
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
        List<HostAddress> reachable = new ArrayList<>();
        for (HostAddress host : batch) {
            if (plans.plan().unreachable().containsKey(host)) {
                continue;
            }
            if (plans.of(host).converged()) {
                // Found at its release since the rollout started (a restart of trueup, a person): nothing to do.
                done.add(new HostOutcome.Deployed(host, spec.release(host), List.of(), Duration.ZERO, List.of()));
            } else {
                reachable.add(host);
            }
        }
        pushNextBatch(spec, plans, progress.record(), reachable.size());
        RolloutListener recording = progress.recording(listener);
        Optional<HostAddress> migrating = plans.plan().migrateOn().filter(reachable::contains);
        List<HostOutcome> ran = migrating.isPresent()
                ? batches.runMigratingBatch(spec, progress.record().revision(), plans, reachable, migrating.get(),
                        recording)
                : batches.runBatch(spec, progress.record().revision(), plans, reachable, recording);
        done.addAll(ran);
        progress.settle(done);
        if (ran.size() < reachable.size()) {
            progress.change(r -> r.stopping(migrating.map(h -> h + " did not run hooks.migrate; the rest of its"
                    + " batch waits for the next rollout").orElse("a batch stopped short")));
        }
        return done;
    }

    /**
     * Starts the pushes of the next batch's pending hosts, to go while this batch deploys: in
     * batches of one, a host's push is then done when its turn comes, and its turn is its command.
     */
    private void pushNextBatch(AppSpec spec, BatchRunner.Plans plans, RolloutRecord record, int running) {
        int next = record.batch() + 1;
        if (next >= record.batches().size()) {
            return;
        }
        for (HostAddress host : record.batches().get(next)) {
            if (record.host(host).phase() == Phase.PENDING && !plans.plan().unreachable().containsKey(host)) {
                plans.find(host).ifPresent(plan -> batches.pushAhead(spec, record.revision(), plan, running));
            }
        }
    }

    /**
     * Checks hosts that trueup had switched when it stopped: each is restarted first (the command
     * that switched it may have ended before its restart ran, leaving the old release's app to
     * answer the check), then a healthy one is done, the others go back to the release they ran
     * before, as any host failing its restart or check after a switch does. A host whose restart
     * failed for the network's sake (or a lock that the step left running by the stopped trueup
     * still holds) is left as it is, to be checked again.
     */
    private List<HostOutcome> check(AppSpec spec, List<HostAddress> hosts, RolloutProgress progress,
            RolloutListener listener) {
        List<HostOutcome> outcomes = new ArrayList<>();
        for (HostAddress host : hosts) {
            RolloutRecord.HostProgress was = progress.record().host(host);
            Optional<StepFailure> unhealthy = deployer.restartAndCheckHealth(spec, host, was.rollbackTo(), listener);
            if (unhealthy.filter(StepFailure::locked).isPresent()) {
                // The step the stopped trueup left running there still holds the lock: it ends, then this goes on.
                LOG.warnf("%s: %s was switched when trueup stopped; its restart waits for the lock, tried again"
                        + " at the next reconcile: %s", spec.id(), host, unhealthy.get().message());
                continue;
            }
            // Any other failure (a restart that fails or hangs, a host out of reach) fails the host: it goes
            // back, or says why it could not, rather than stay switched and unchecked.
            HostOutcome outcome;
            if (unhealthy.isEmpty()) {
                outcome = new HostOutcome.Deployed(host, was.target(), spec.restart().isPresent()
                        ? List.of(HostStep.SWITCH.word(), HostStep.RESTART.word(), "health")
                        : List.of(HostStep.SWITCH.word(), "health"), Duration.ZERO,
                        List.of());
            } else {
                listener.step(spec.id(), host, "rollback");
                HostOutcome.Rollback back = deployer.rollBack(spec, host, was.rollbackTo(), was.previousBefore(),
                        false);
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
    private List<HostOutcome> rollBack(AppSpec spec, RolloutStep.RollBack step, RolloutProgress progress,
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
}
