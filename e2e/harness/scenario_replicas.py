"""Scenario 17 (issue 15): three trueup replicas on one PostgreSQL, with hello and nine more apps
on the suite's hosts. The work spreads; the replica running a rollout is SIGKILLed in the middle
of a batch and another finishes it; PostgreSQL stops for 15 s and no replica acts meanwhile. The
hosts' own files say who held each base directory's lock and what each deployed."""
import datetime
import time

from . import cluster as clustering
from . import hostlog, observe, wait
from .cluster import FLEET, Cluster, fleet_path
from .hostlog import history, log_size, sessions
from .repos import APP, APP_PATH, ENV
from .scenarios import check, note, scenario

APPS = (APP,) + FLEET
PAUSE = 6        # rollout.pause of the bump whose replica is killed: the rollout lasts 2 pauses and more
OUTAGE = 15      # seconds PostgreSQL is stopped
GRACE = 2        # seconds after the stop in which a command already under way may still start its next
OUTAGE_APP = FLEET[3]  # the app bumped while PostgreSQL is down


@scenario(17, "three replicas on one PostgreSQL: ten apps spread, the replica rolling out killed mid-batch, "
              "PostgreSQL down for 15 s")
def three_replicas(w):
    w.baseline()
    w.trueup.stop()  # from here on only the replicas act
    sha0, req0 = w.good
    cluster = Cluster(w)
    w.cluster = cluster
    w.scenario.artifacts += cluster.artifacts()
    try:
        cluster.add_fleet(sha0, req0)
        started = time.monotonic()
        cluster.since = time.time()  # the hosts' history before this (the suite's other scenarios) is not checked
        cluster.start()
        note(w, "PostgreSQL %s and replicas %s ready in %.1fs" % (
            cluster.db.jdbc_url, ", ".join(cluster.replicas), time.monotonic() - started))
        _spread(w, cluster, sha0)
        sha1, req1 = _killed_mid_batch(w, cluster)
        _database_down(w, cluster, sha0, sha1, req1)
        _same_everywhere(w, cluster)
        _no_interleaving(w, cluster)
    finally:
        w.cluster = None
        try:
            cluster.destroy()
        finally:
            cluster.remove_fleet()


def _spread(w, cluster, sha0):
    """a. All ten converge; every replica says the same; the work is on two replicas or more;
    each replica's metrics carry its name."""
    started = time.monotonic()
    wait.until("the ten app/environments Synced at %s on every host" % sha0[:12],
               lambda: _all_synced(w, cluster, {a: sha0 for a in APPS}), timeout=180, interval=0.5)
    took = time.monotonic() - started
    w.assert_whole(sha0, pruned=False)
    for app in FLEET:
        for host in w.hosts:
            problems = observe.Layout(host, fleet_path(app)).problems(sha0)
            check(not problems, "%s %s: %s" % (host, app, "; ".join(problems)))
    _same_everywhere(w, cluster)

    def spread():
        by_field = cluster.fields.replicas_seen()
        by_lock = cluster.locks.replicas_seen()
        # Reconciles (the lease, the replica field) spread; deploys (the host locks) may all land
        # on one replica that took the first jobs, so they are only noted.
        check(len(by_field) >= 2, "the work is not spread: the replica field named only %s; the hosts' locks "
              "were held by %s" % (sorted(by_field), sorted(by_lock)))
        return by_field, by_lock
    by_field, by_lock = wait.until("two replicas or more to work", spread, timeout=30, interval=0.5)
    for name in cluster.live():
        def labelled():
            metrics = cluster.replicas[name].text("/q/metrics", timeout=20)
            check(metrics is not None, "/q/metrics of %s does not answer" % name)
            check('replica="%s"' % name in metrics, "/q/metrics of %s has no series with replica=\"%s\": %s"
                  % (name, name, metrics[:300]))
            return True
        wait.until("/q/metrics of %s to carry replica=\"%s\"" % (name, name), labelled, timeout=60, interval=1)
    note(w, "ten app/environments Synced in %.1fs; the replica field named %s; the hosts' locks were held by %s"
         % (took, {n: len(a) for n, a in sorted(by_field.items())}, sorted(by_lock)))


def _killed_mid_batch(w, cluster):
    """b. A bump of hello, one host per batch with a pause between: the replica running it is
    killed as the second host's deploy takes its lock; another replica finishes the rollout."""
    first, second = w.hosts[0], w.hosts[1]
    sha1, req1 = w.commit_app("scenario 17: a code-only change")
    w.desired.deploy(sha1, req1, batch=1, pause="%ds" % PAUSE)
    wait.until("%s to switch to %s (batch 1)" % (first, sha1[:12]), lambda: _current(first) == sha1,
               timeout=90, interval=0.02)
    switched = time.time()
    # Batch 2 begins after the pause: the first command of the second host's deploy takes its lock.
    lock = second.path(APP_PATH + "/.trueup/lock")

    def second_locked():
        holder = hostlog.holder_of(lock)
        check(holder, "%s's lock is free" % second)
        name = cluster.locks.replica(holder)
        check(name, "%s's lock is held by %s, not (yet) known as a replica's (known: %s)"
              % (second, holder, cluster.owners()))
        return name
    running = wait.until("%s's deploy to take its lock (batch 2)" % second, second_locked, timeout=PAUSE + 60,
                         interval=0.005)
    field = (cluster.app(APP) or {}).get("replica")
    pid_first = observe.app_pid(first)
    killed = time.time()
    cluster.kill(running)
    note(w, "killed %s (SIGKILL) %.1fs after %s switched, as %s's deploy began; the replica field said %s"
         % (running, killed - switched, first, second, field))
    check(field in (None, running), "the replica field names %s, but %s holds %s's lock" % (field, running, second))
    others = set(cluster.replicas) - {running}

    def resumed():
        found = cluster.locks.first_holder_after(APP_PATH, killed, others)
        check(found, "no other replica has taken a lock of %s on any host since the kill; API: %s"
              % (APP_PATH, _short(cluster.app(APP))))
        return found
    at, number, holder = wait.until("another replica to resume the rollout", resumed, timeout=180, interval=0.1)
    resumer = cluster.locks.replica(holder)
    moved = cluster.fields.first(APP, killed, lambda name: name not in (None, running))
    wait.until("every host Synced at %s and serving it" % sha1[:12],
               lambda: _all_synced(w, cluster, {APP: sha1}), timeout=120, interval=0.2)
    done = time.time()
    note(w, "kill -> resumed %.1fs (first lock of %s by %s on h%d), kill -> replica field %s, kill -> finished "
            "%.1fs (checkin %s, lease TTL %s, poll %s)"
         % (at - killed, APP_PATH, resumer, number,
            "%s after %.1fs" % (moved[1], moved[0] - killed) if moved else "not seen moving",
            done - killed, clustering.CHECKIN, clustering.LEASE_TTL, w.trueup.poll_interval))
    w.assert_whole(sha1)
    for host in w.hosts:
        check(_current(host) == sha1, "%s's current is %s, not %s" % (host, _current(host), sha1[:12]))
        deployed = [h for h in history(host, APP_PATH) if h.get("result") == "deployed" and h.get("sha") == sha1]
        check(len(deployed) == 1, "%s's .trueup/history.log has %d deploys of %s, not one: %s"
              % (host, len(deployed), sha1[:12], deployed))
    check(observe.app_pid(first) == pid_first, "%s, done before the kill, was restarted again" % first)
    w.good = (sha1, req1)
    return sha1, req1


def _database_down(w, cluster, sha0, sha1, req1):
    """d. PostgreSQL stopped (immediate: a crash) for OUTAGE seconds: every replica's readiness goes
    DOWN, no command reaches a host, a bump pushed meanwhile waits; after the restart all are
    ready again and the bump deploys."""
    live = set(cluster.live())
    app = OUTAGE_APP
    stopped = time.time()
    at_stop = {h.number: log_size(h) for h in w.hosts}
    cluster.db.stop(immediate=True)
    down = cluster.wait_ready(live, 503, timeout=30)
    reads = _status_code(cluster.any())
    time.sleep(max(0.0, stopped + GRACE - time.time()))
    after_grace = {h.number: log_size(h) for h in w.hosts}
    revision = cluster.deploy_fleet_app(app, sha1, req1, "Deploy %s %s while PostgreSQL is down" % (app, sha1[:12]))
    while time.time() < stopped + OUTAGE:
        for host in w.hosts:
            current = _current(host, fleet_path(app))
            check(current == sha0, "%s's %s switched to %s while PostgreSQL was down" % (host, app, current))
        time.sleep(0.2)
    at_start = {h.number: log_size(h) for h in w.hosts}
    restarted = time.time()
    cluster.db.start()
    up = cluster.wait_ready(live, 200, timeout=90)
    for host in w.hosts:
        started = sessions(host, after_grace[host.number], at_start[host.number])
        check(not started, "%s: %d SSH commands started while PostgreSQL was down (from %ds after the stop), first: %s"
              % (host, len(started), GRACE, started[:1]))
    early = sum(len(sessions(h, at_stop[h.number], after_grace[h.number])) for h in w.hosts)
    wait.until("%s at %s on every host" % (app, sha1[:12]), lambda: _all_synced(w, cluster, {app: sha1}),
               timeout=90, interval=0.2)
    deployed = time.time()
    for host in w.hosts:
        lines = [h for h in history(host, fleet_path(app)) if h.get("sha") == sha1 and h.get("revision") == revision]
        check(lines and all(_epoch(h["time"]) >= restarted for h in lines),
              "%s's %s/.trueup/history.log: the deploy of %s in %s is not after PostgreSQL came back at %s: %s"
              % (host, fleet_path(app), sha1[:12], revision[:12], hostlog.clock(restarted), lines))
    note(w, "PostgreSQL down %.0fs: readiness DOWN after %s; GET /api/status answered %s; %d SSH commands began in "
            "the first %ds, none after; ready again after %s; %s's bump deployed %.1fs after the restart"
         % (restarted - stopped, _seconds(down), reads, early, GRACE, _seconds(up), app, deployed - restarted))


def _same_everywhere(w, cluster):
    """Every live replica's /api/status says the same of each app/environment (waits for polls to settle)."""
    def same():
        views = {name: _view(cluster.replicas[name].status()) for name in cluster.live()}
        first = min(views)
        differ = {name: sorted(set(view) ^ set(views[first])) for name, view in views.items() if view != views[first]}
        check(not differ, "the replicas' /api/status differ from %s's: %s" % (first, differ))
        return views
    wait.until("every replica's /api/status to say the same", same, timeout=30, interval=0.3)


def _no_interleaving(w, cluster):
    """c. From the hosts: no deploy's lock came back after another's had held it, on any host and
    base directory, and each host logged each deploy once, in order; and no replica held a host's
    lock while another held the app/environment's lease (or none did)."""
    problems = []
    for host in w.hosts:
        for app in APPS:
            path = fleet_path(app)
            problems += ["%s %s: %s" % (host, path, p) for p in cluster.locks.interleavings(host, path)]
            # hello's base path served the suite's earlier scenarios too: only the replicas' lines count.
            lines = [h for h in history(host, path) if _epoch(h["time"]) >= cluster.since - 1]
            times = [_epoch(h["time"]) for h in lines]
            if times != sorted(times):
                problems.append("%s %s: history.log is out of order: %s" % (host, path, lines))
            deploys = [(h.get("sha"), h.get("revision")) for h in lines if h.get("result") == "deployed"]
            twice = {d for d in deploys if deploys.count(d) > 1}
            if twice:
                problems.append("%s %s: deployed more than once: %s" % (host, path, sorted(twice)))
    check(not problems, "; ".join(problems))
    stale = clustering.steps_without_lease(cluster, APPS)
    check(not stale, "a replica acted on hosts without the lease: %s" % "; ".join(stale))
    held = cluster.locks.replicas_seen()
    note(w, "the hosts' locks were held by %s, never interleaved (%d reads of %d base paths)"
         % (sorted(held), cluster.locks.reads, len(cluster.locks.keys)))


# helpers

def _all_synced(w, cluster, wanted):
    """Probe: each app of wanted ({app: sha}) Synced at its sha in the API on every host, each
    host's current link at it, and hello served at its sha."""
    status = cluster.any().status()
    check(status, "no /api/status")
    docs = {d["app"]: d for d in status["apps"] if d["env"] == ENV}
    problems = []
    for app, sha in sorted(wanted.items()):
        doc = docs.get(app)
        if doc is None:
            problems.append("%s: no status" % app)
            continue
        if doc["status"] != "Synced" or doc["sha"] != sha:
            problems.append("%s: %s at %s (%s)" % (app, doc["status"], (doc["sha"] or "")[:12], _line(doc["error"])))
            continue
        for host in w.hosts:
            h = next((h for h in doc["hosts"] if h["host"] == host.address), None)
            if h is None or h["state"] != "Synced" or h["sha"] != sha:
                problems.append("%s: %s is %s" % (app, host, h and (h["state"], (h["sha"] or "")[:12])))
            elif _current(host, fleet_path(app)) != sha:
                problems.append("%s: %s's current is %s" % (app, host, _current(host, fleet_path(app))))
            elif app == APP and observe.serving(host) != sha:
                problems.append("%s: %s serves %s" % (app, host, observe.serving(host)))
    check(not problems, "; ".join(problems[:6]) + (" and %d more" % (len(problems) - 6) if len(problems) > 6 else ""))
    return True


def _view(status):
    """What must read the same on every replica: each app/environment's status, SHA and hosts."""
    return sorted((d["app"], d["env"], d["status"], d["sha"], tuple((h["host"], h["state"], h["sha"]) for h in d["hosts"]))
                  for d in (status or {}).get("apps", []))


def _current(host, path=APP_PATH):
    link = observe.readlink(host.path(path + "/current")) or ""
    return link[len("releases/"):] if link.startswith("releases/") else None


def _status_code(replica):
    """The HTTP status of GET /api/status (with the read token), for a note."""
    try:
        return "200" if replica.text("/api/status") is not None else "nothing"
    except Exception as e:
        return getattr(e, "code", type(e).__name__)


def _epoch(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _seconds(took):
    return ", ".join("%s %.1fs" % (n, t) for n, t in sorted(took.items()))


def _short(doc):
    if not doc:
        return doc
    return {k: doc.get(k) for k in ("status", "sha", "error", "replica", "rollout")}


def _line(text):
    return (text or "").splitlines()[0][:200] if text else text
