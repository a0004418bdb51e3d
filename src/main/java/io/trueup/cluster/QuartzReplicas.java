package io.trueup.cluster;

import io.trueup.TrueupException;
import io.trueup.desired.AppEnv;
import io.trueup.reconcile.Replicas;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The replicas' shared scheduler: Quartz's own, clustered, with its JDBC job store in the
 * database every replica uses. Each app/environment is one durable job that never runs twice at
 * once anywhere ({@link ReconcileAppJob} is {@code @DisallowConcurrentExecution}), fired every
 * {@code trueup.poll-interval} by its repeating trigger and, when asked, at once or at a given
 * time; it runs on whichever replica acquires the trigger first, which spreads the
 * app/environments. A replica that stops checking in for the check-in interval plus Quartz's
 * 7.5 s grace is taken to be gone: the jobs it was running are run again elsewhere (they request
 * recovery), and its triggers go to the others.
 *
 * <p>Built here at runtime, not through the quarkus-quartz extension: that one fixes its job store
 * at build time, and the same jar must also run with no database at all (the embedded default).
 */
public final class QuartzReplicas implements Replicas, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QuartzReplicas.class);

    /** The group of trueup's reconcile jobs and their triggers. */
    static final String GROUP = "trueup-reconcile";
    private static final String PROVIDER = "trueup";

    /**
     * @param replica this replica's name (Quartz's instance id)
     * @param pollInterval how often each app/environment is reconciled by its schedule
     * @param checkinInterval how often this replica checks in with the others
     * @param threads how many app/environments this replica reconciles at once
     */
    public record Settings(String replica, Duration pollInterval, Duration checkinInterval, int threads) {
    }

    private final Scheduler scheduler;
    private final Settings settings;
    private volatile Consumer<AppEnv> reconcile = id -> {
        throw new IllegalStateException("the replicas' scheduler runs jobs only once started");
    };

    private QuartzReplicas(Scheduler scheduler, Settings settings) {
        this.scheduler = scheduler;
        this.settings = settings;
    }

    /**
     * The scheduler over {@code dataSource}, whose tables ({@code qrtz_*}) Flyway made, not started:
     * schedules may be kept and jobs fired before {@link #start}.
     */
    public static QuartzReplicas create(DataSource dataSource, Settings settings) {
        DBConnectionManager.getInstance().addConnectionProvider(PROVIDER, new Connections(dataSource));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "trueup");
        p.setProperty("org.quartz.scheduler.instanceId", settings.replica());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // Triggers fired by another replica are seen within this, not only at the next poll.
        p.setProperty("org.quartz.scheduler.idleWaitTime",
                Long.toString(Math.clamp(settings.pollInterval().toMillis(), 1000, 5000)));
        p.setProperty("org.quartz.scheduler.dbFailureRetryInterval", "2000");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(settings.threads()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "trueup-replica");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", PROVIDER);
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                Long.toString(settings.checkinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold",
                Long.toString(Math.max(5000, settings.pollInterval().toMillis())));
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory();
            factory.initialize(p);
            Scheduler scheduler = factory.getScheduler();
            QuartzReplicas replicas = new QuartzReplicas(scheduler, settings);
            scheduler.setJobFactory((bundle, s) -> new ReconcileAppJob(replicas));
            return replicas;
        } catch (SchedulerException e) {
            throw new TrueupException("cannot set up the replicas' scheduler (Quartz, in the database): "
                    + e.getMessage(), e);
        }
    }

    /** Starts running the jobs this replica acquires, each by {@code reconcile}. */
    public void start(Consumer<AppEnv> reconcile) {
        this.reconcile = reconcile;
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new TrueupException("cannot start the replicas' scheduler: " + e.getMessage(), e);
        }
        LOG.infof("replica %s: reconciles run on whichever replica picks them (Quartz, clustered, check-in every %s)",
                settings.replica(), settings.checkinInterval());
    }

    @Override
    public void schedule(Set<AppEnv> ids, boolean prune) {
        try {
            Set<JobKey> existing = scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP));
            Set<JobKey> wanted = new HashSet<>();
            for (AppEnv id : ids) {
                wanted.add(jobKey(id));
                if (!existing.contains(jobKey(id))) {
                    add(id);
                } else {
                    keepInterval(id);
                }
            }
            for (JobKey key : existing) {
                if (prune && !wanted.contains(key)) {
                    scheduler.deleteJob(key);
                    LOG.debugf("%s: left desired state: no more reconciles scheduled", key.getName());
                }
            }
        } catch (SchedulerException e) {
            throw new TrueupException("cannot keep the reconcile schedules: " + e.getMessage(), e);
        }
    }

    @Override
    public void fire(AppEnv id) {
        fireAt(id, Instant.EPOCH);
    }

    /**
     * One trigger per app/environment besides its repeating one ({@code <app>/<env>/once}): a fire
     * asked for while an earlier one waits (or waits for the reconcile running to end) adds nothing,
     * and one asked for earlier takes its place. So the waits between batches, the operators' actions
     * and the replicas' fetches never pile reconciles up behind a long one.
     */
    @Override
    public void fireAt(AppEnv id, Instant at) {
        TriggerKey key = TriggerKey.triggerKey(id + "/once", GROUP);
        Date when = at.isAfter(Instant.now()) ? Date.from(at) : new Date();
        try {
            if (!scheduler.checkExists(jobKey(id))) {
                add(id);
            }
            Trigger waiting = scheduler.getTrigger(key);
            if (waiting != null && waiting.getNextFireTime() != null && !waiting.getNextFireTime().after(when)) {
                return;
            }
            Trigger once = TriggerBuilder.newTrigger().withIdentity(key).forJob(jobKey(id)).startAt(when)
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build();
            if (waiting != null) {
                scheduler.rescheduleJob(key, once);
                return;
            }
            try {
                scheduler.scheduleJob(once);
            } catch (ObjectAlreadyExistsException e) {
                scheduler.rescheduleJob(key, once); // another replica's, made meanwhile: the earlier wins next time
            }
        } catch (SchedulerException e) {
            throw new TrueupException(id + ": cannot have it reconciled: " + e.getMessage(), e);
        }
    }

    /** The durable job of {@code id}, with its repeating trigger, starting within one poll interval. */
    private void add(AppEnv id) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(ReconcileAppJob.class).withIdentity(jobKey(id))
                .usingJobData("app", id.app()).usingJobData("env", id.env())
                .requestRecovery().storeDurably().build();
        long poll = settings.pollInterval().toMillis();
        Trigger every = TriggerBuilder.newTrigger().withIdentity(triggerKey(id)).forJob(job)
                .startAt(new Date(System.currentTimeMillis() + ThreadLocalRandom.current().nextLong(Math.max(1, poll))))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(poll).repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        try {
            scheduler.scheduleJob(job, Set.of(every), false);
        } catch (ObjectAlreadyExistsException e) {
            LOG.debugf("%s: another replica scheduled it first", id);
        }
    }

    /** Reschedules the repeating trigger of {@code id} when {@code trueup.poll-interval} changed. */
    private void keepInterval(AppEnv id) throws SchedulerException {
        long poll = settings.pollInterval().toMillis();
        if (scheduler.getTrigger(triggerKey(id)) instanceof SimpleTrigger t && t.getRepeatInterval() != poll) {
            scheduler.rescheduleJob(triggerKey(id), t.getTriggerBuilder()
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(poll)
                            .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                    .build());
        }
    }

    static JobKey jobKey(AppEnv id) {
        return JobKey.jobKey(id.toString(), GROUP);
    }

    private static TriggerKey triggerKey(AppEnv id) {
        return TriggerKey.triggerKey(id + "/every", GROUP);
    }

    /** Stops acquiring work; the jobs running here are not waited for: another replica recovers them. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            LOG.warnf("cannot stop the replicas' scheduler: %s", e.getMessage());
        }
    }

    /** One app/environment's reconcile, never run twice at once by the replicas. */
    @DisallowConcurrentExecution
    public static final class ReconcileAppJob implements Job {
        private final QuartzReplicas replicas;

        ReconcileAppJob(QuartzReplicas replicas) {
            this.replicas = replicas;
        }

        @Override
        public void execute(JobExecutionContext context) {
            JobDataMap data = context.getMergedJobDataMap();
            AppEnv id = new AppEnv(data.getString("app"), data.getString("env"));
            try {
                replicas.reconcile.accept(id);
            } catch (RuntimeException e) {
                // A database lost or a lease taken over: the next trigger, here or elsewhere, tries again.
                LOG.errorf("%s: reconcile on replica %s stopped: %s", id, replicas.settings.replica(), e.getMessage());
            }
        }
    }

    /** Quartz's connections, from the datasource trueup's store uses. */
    private record Connections(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
