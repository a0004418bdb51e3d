-- trueup's controller state with trueup.store=postgresql, shared by every replica (see
-- io.trueup.store.PostgresState). App/environments are keyed by 'app/env' in the "C" collation,
-- so that the database orders them as trueup does. Records are JSON as trueup writes them.

-- Halts, pauses and the spec last rolled out completely, per app/environment; a row with none
-- of them is deleted.
CREATE TABLE trueup_control (
    app_env text COLLATE "C" PRIMARY KEY,
    halt    jsonb,
    paused  boolean NOT NULL DEFAULT false,
    applied text
);

-- The running rollout of each app/environment (io.trueup.rollout.RecordJson), saved before each
-- step under the app/environment's lease.
CREATE TABLE trueup_rollouts (
    app_env text COLLATE "C" PRIMARY KEY,
    record  jsonb NOT NULL,
    saved   timestamptz NOT NULL DEFAULT clock_timestamp(),
    saved_by text NOT NULL
);

-- The desired-state revision at which each app/environment was last valid.
CREATE TABLE trueup_last_valid (
    app_env  text COLLATE "C" PRIMARY KEY,
    revision text NOT NULL
);

-- The rollouts of each app/environment: rows appended, served newest first (highest id), the
-- older than the newest 50 (RolloutHistory.RECENT) deleted as new ones come.
CREATE TABLE trueup_history (
    id      bigserial PRIMARY KEY,
    app_env text COLLATE "C" NOT NULL,
    entry   jsonb NOT NULL
);
CREATE INDEX trueup_history_recent ON trueup_history (app_env, id DESC);

-- The hosts that left desired state and are not undeployed yet (PendingUndeploys.Stored).
CREATE TABLE trueup_undeploys (
    app_env text COLLATE "C" NOT NULL,
    host    text COLLATE "C" NOT NULL,
    entry   jsonb NOT NULL,
    PRIMARY KEY (app_env, host)
);

-- The status of each app/environment (io.trueup.status.AppStatus), as /api/status serves it.
CREATE TABLE trueup_app_status (
    app_env text COLLATE "C" PRIMARY KEY,
    status  jsonb NOT NULL
);

-- The status of desired state (io.trueup.status.DesiredStateStatus): one row at most.
CREATE TABLE trueup_desired_status (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    status    jsonb NOT NULL
);

-- Which replica may act on each app/environment, until when by the database's clock.
CREATE TABLE trueup_leases (
    app_env text COLLATE "C" PRIMARY KEY,
    owner   text NOT NULL,
    expires timestamptz NOT NULL
);
