-- What the replicas are together: one controller, whose id names them in the hosts' locks (each
-- replica is a run of it), so that a replica takes over a lock another left when that one's
-- command on the host is gone, as a restarted trueup does (see docs/hosts.md, "The lock").
CREATE TABLE trueup_cluster (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    controller_id text NOT NULL
);
