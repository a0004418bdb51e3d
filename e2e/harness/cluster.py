"""Several trueup replicas on one PostgreSQL (scenario 17): the database, the replicas (the same
jar, each with its own state directory and HTTP port, the same desired state, SSH key and
tokens), the nine apps they share with hello, what the API says of who holds each lease, and
whether a replica held a host's lock without the lease (the hosts' side is in hostlog)."""
import os
import shutil
import socket
import threading
import time

from . import hostlog, hosts, postgres, trueup, wait
from .hostlog import LockWatch
from .repos import APP, APP_PATH, ENV

NAMES = ("r1", "r2", "r3")
FLEET = tuple("fleet%02d" % n for n in range(2, 11))  # with hello: ten app/environments
CHECKIN = "2s"     # trueup.cluster.checkin-interval
LEASE_TTL = "10s"  # trueup.cluster.lease-ttl

REPLICA_CONFIG = """# A replica of a clustered trueup (scenario 17): its state in PostgreSQL.
trueup.store=postgresql
trueup.cluster.replica={name}
trueup.cluster.checkin-interval={checkin}
trueup.cluster.lease-ttl={lease_ttl}
quarkus.datasource.jdbc.url={url}
quarkus.datasource.username={user}
"""

FLEET_APP_YAML = """\
# {app}: the e2e app once more, at a base path of its own: one of scenario 17's ten
# app/environments. No restart and no health check: each deploy makes a release and an env.
source: {source}
path: /srv/{app}
python: /usr/bin/python3
rollout:
  batch: 3
keep: 4
"""


def fleet_path(app):
    return APP_PATH if app == APP else "/srv/" + app


class Cluster:
    """The PostgreSQL server and the replicas of one scenario; destroy() removes everything."""

    def __init__(self, world, names=NAMES):
        self.since = time.time()  # when the replicas start: what the hosts logged before is not theirs
        self.world = world
        self.dir = os.path.join(hosts.ROOT, "cluster")
        self.db = postgres.Postgres(os.path.join(self.dir, "postgresql"),
                                    os.path.join(world.source_root, "deploy", "cluster", "postgresql-setup.sql"),
                                    _free_port())
        single = world.trueup
        self.replicas = {}
        for name in names:
            config = REPLICA_CONFIG.format(name=name, checkin=CHECKIN, lease_ttl=LEASE_TTL, url=self.db.jdbc_url,
                                           user=postgres.ROLE)
            self.replicas[name] = trueup.Trueup(
                single.java, single.jar, os.path.join(self.dir, name), world.desired.path, world.fleet.client_key,
                world.fleet.known_hosts, hosts.USER, single.poll_interval, single.java_options,
                extra_config=config, tokens=(single.token, single.read_token),
                extra_env={"QUARKUS_DATASOURCE_PASSWORD": self.db.password})
        self.killed = set()
        self.killed_at = {}  # replica name: when it was killed (time.time())
        self.locks = LockWatch(world.hosts, [fleet_path(a) for a in (APP,) + FLEET], self._pids)
        self.fields = ReplicaFieldWatch(self)
        self.fleet_added = False

    # logs kept when the scenario fails

    def log(self, name):
        return os.path.join(self.world.logs, "%s-%s.log" % (self.world.scenario.slug, name))

    def artifacts(self):
        return [self.log(n) for n in self.replicas] + [self.log("postgresql"), self.log("locks")]

    # the apps

    def add_fleet(self, sha, requirements_hash):
        """Commits the nine apps next to hello, each at sha, on every host."""
        for app in FLEET:
            self.world.desired.write("apps/%s/app.yaml" % app,
                                     FLEET_APP_YAML.format(app=app, source=self.world.app.path))
            self.world.desired.write("apps/%s/%s.yaml" % (app, ENV), self.world.desired.env_text(sha, requirements_hash))
        self.fleet_added = True
        return self.world.desired.commit("e2e: nine more apps next to hello, for three replicas")

    def deploy_fleet_app(self, app, sha, requirements_hash, message):
        return self.world.desired.commit_file("apps/%s/%s.yaml" % (app, ENV),
                                              self.world.desired.env_text(sha, requirements_hash), message)

    def remove_fleet(self):
        """Takes the nine apps out of the desired state (with no trueup running, so none knows them)
        and their base directories off the hosts."""
        if self.fleet_added:
            for app in FLEET:
                shutil.rmtree(os.path.join(self.world.desired.path, "apps", app), ignore_errors=True)
            self.world.desired.commit("e2e: the nine apps of scenario 17 go")
            self.fleet_added = False
        for host in self.world.hosts:
            for app in FLEET:
                shutil.rmtree(host.path(fleet_path(app)), ignore_errors=True)

    # the replicas

    def start(self):
        """The database, then the three replicas at once; waits until each is ready."""
        self.db.create()
        self.locks.start()
        for name, replica in self.replicas.items():
            replica.launch(self.log(name))
        for replica in self.replicas.values():
            replica.wait_answering(timeout=120)
        self.wait_ready(set(self.replicas), 200, timeout=60)
        self.fields.start()

    def live(self):
        return [n for n, r in self.replicas.items() if n not in self.killed and r.running()]

    def any(self):
        """A live replica to read the API from (r1 first)."""
        live = self.live()
        if not live:
            raise AssertionError("no replica runs")
        return self.replicas[live[0]]

    def app(self, app, name=None):
        replica = self.replicas[name] if name else self.any()
        return replica.app(app, ENV)

    def ready(self, name):
        """The HTTP status of the replica's GET /q/health/ready (None when nothing answers)."""
        try:
            return self.replicas[name].anonymous("/q/health/ready")
        except OSError:
            return None

    def wait_ready(self, names, code, timeout):
        """Waits until each replica's readiness answers code; returns {name: seconds it took}."""
        started = time.monotonic()
        took = {}

        def probe():
            for name in sorted(names - set(took)):
                if self.ready(name) == code:
                    took[name] = time.monotonic() - started
            missing = {n: self.ready(n) for n in names - set(took)}
            if missing:
                raise AssertionError("readiness answers %s" % missing)
            return True
        wait.until("readiness of %s to answer %d" % (", ".join(sorted(names)), code), probe, timeout=timeout,
                   interval=0.1)
        return took

    def kill(self, name):
        """SIGKILL of one replica: no chance to release its leases or its host locks."""
        self.killed_at[name] = time.time()
        self.replicas[name].kill()
        self.killed.add(name)

    def _pids(self):
        return {name: r.process.pid for name, r in self.replicas.items() if r.process is not None}

    def owners(self):
        """{lock owner (<controller>/<run>): replica name}, as the lock watch identified them."""
        return dict(self.locks.owners)

    def destroy(self):
        """Stops the replicas and the database, keeps their logs and what the lock watch saw, and
        removes their directories."""
        errors = []
        for name, replica in self.replicas.items():
            try:
                replica.stop()
            except Exception as e:
                errors.append("stopping %s: %s" % (name, e))
        self.locks.stop()
        self.fields.stop()
        try:
            with open(self.log("locks"), "w") as f:
                f.write(self.locks.describe())
                f.write("replica field of /api/status (the lease's holder), each change:\n")
                f.write("".join("%s %s %s\n" % (hostlog.clock(t), app, name) for t, app, name in self.fields.changes))
        except OSError as e:
            errors.append("writing the lock watch's record: %s" % e)
        if os.path.exists(self.db.log):
            shutil.copy(self.db.log, self.log("postgresql"))
        try:
            self.db.destroy()
        except Exception as e:
            errors.append("stopping PostgreSQL: %s" % e)
        shutil.rmtree(self.dir, ignore_errors=True)
        if errors:
            raise RuntimeError("; ".join(errors))


def stop_leftovers():
    """Ends the replicas and the PostgreSQL server a crashed run left (by the pids they recorded)."""
    stopped = []
    base = os.path.join(hosts.ROOT, "cluster")
    for name in NAMES:
        if trueup.stop_leftover(os.path.join(base, name, "trueup.pid")):
            stopped.append("replica " + name)
    if postgres.stop_leftover(os.path.join(base, "postgresql")):
        stopped.append("PostgreSQL")
    return stopped


class ReplicaFieldWatch:
    """Records, every 250 ms, the `replica` field of each app/environment in /api/status of a
    live replica (the replica holding its lease): `changes`, [(time, app, replica or None)] on each
    change; and `spans`, [(app, replica or None, since, until)]: when the field surely had that value,
    from the end of the first request that saw it to the start of the last one that did (a request
    under load may take seconds, and the value may have changed anywhere within it)."""

    def __init__(self, cluster, interval=0.25):
        self.cluster = cluster
        self.interval = interval
        self.changes = []
        self.spans = []
        self._open = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        for app, (name, since, until) in self._open.items():
            self.spans.append((app, name, since, until))
        self._open = {}

    def all_spans(self):
        """The spans so far, the ones still open included (each up to its last request)."""
        return list(self.spans) + [(app,) + span for app, span in list(self._open.items())]

    def _run(self):
        while not self._stop.is_set():
            asked = time.time()
            try:
                status = self.cluster.any().status() or {}
            except Exception:
                status = {}
            answered = time.time()
            for doc in status.get("apps", []):
                app, name = doc["app"], doc.get("replica")
                span = self._open.get(app)
                if span is not None and span[0] == name:
                    self._open[app] = (name, span[1], asked)
                    continue
                if span is not None:
                    self.spans.append((app,) + span)
                self._open[app] = (name, answered, asked)
                self.changes.append((answered, app, name))
            self._stop.wait(self.interval)

    def replicas_seen(self):
        """{replica: set of apps} it was seen holding."""
        seen = {}
        for _, app, name in self.changes:
            if name:
                seen.setdefault(name, set()).add(app)
        return seen

    def first(self, app, after, predicate):
        """(time, replica) of the first change of app's field after `after` that matches predicate."""
        for t, a, name in self.changes:
            if a == app and t > after and predicate(name):
                return t, name
        return None


def steps_without_lease(cluster, apps, tolerance=0.5):
    """Host locks a replica held while it surely did not hold the app/environment's lease: each lock
    hold on a host (the hosts' own record, LockWatch) against the spans in which the API's replica
    field (the lease's holder, ReplicaFieldWatch) surely named another replica or none, leaving out
    `tolerance` seconds at each end of a hold for the lock watch's sampling, and what a killed
    replica's lock outlived it by."""
    found = []
    for host, path in cluster.locks.keys:
        app = next(a for a in apps if fleet_path(a) == path)
        spans = [(name, since, until) for a, name, since, until in cluster.fields.all_spans() if a == app]
        for holder, start, end in cluster.locks.holds(host, path):
            name = cluster.locks.replica(holder)
            if name in cluster.killed_at:
                end = min(end, cluster.killed_at[name])
            if name is None or end - start <= 2 * tolerance:
                continue
            others = sorted({str(n) for n, since, until in spans
                             if n != name and since < end - tolerance and until > start + tolerance})
            if others:
                found.append("%s %s: %s held the host's lock %s-%s while the lease was %s's"
                             % (host, path, name, hostlog.clock(start), hostlog.clock(end), " then ".join(others)))
    return found


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
