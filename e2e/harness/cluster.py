"""Several trueup replicas on one PostgreSQL (scenario 17): the database, the replicas (the same
jar, each with its own state directory and HTTP port, the same desired state, SSH key and
tokens), the nine apps they share with hello, and what the hosts show of who held each base
directory's lock and what each deployed."""
import json
import os
import shutil
import socket
import threading
import time

from . import hosts, postgres, trueup, wait
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
                f.write("".join("%s %s %s\n" % (_clock(t), app, name) for t, app, name in self.fields.changes))
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
    live replica (the replica holding its lease): [(time, app, replica or None)], on each change."""

    def __init__(self, cluster, interval=0.25):
        self.cluster = cluster
        self.interval = interval
        self.changes = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self):
        last = {}
        while not self._stop.is_set():
            try:
                status = self.cluster.any().status() or {}
            except Exception:
                status = {}
            for doc in status.get("apps", []):
                if last.get(doc["app"], "-") != doc.get("replica"):
                    last[doc["app"]] = doc.get("replica")
                    self.changes.append((time.time(), doc["app"], doc.get("replica")))
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


class LockWatch:
    """Who holds the lock of each base directory on each host, read from the host's own
    <path>/.trueup/lock/owner every 20 ms: a record of each change, [(time, holder or None)].

    A holder is `<controller>/<run> since <time>`: one deploy (or one command that is not part
    of a deploy) of one run of a controller; its commands write their own pid after it, which is
    left out here. Replicas may share one controller id; each is its own run. Which replica an
    owner (`<controller>/<run>`) is, is found once, while its command runs: the command's
    SSH_CLIENT (/proc/<pid>/environ) names the client's port, and the replica whose process has
    that TCP connection open is the one (pids(): {replica: pid}).
    """

    def __init__(self, hosts_, paths, pids, interval=0.02):
        self.keys = [(h, p) for h in hosts_ for p in paths]
        self.pids = pids
        self.owners = {}  # "<controller>/<run>": replica name
        self.interval = interval
        self.changes = {(h.number, p): [] for h, p in self.keys}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.reads = 0

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self):
        last = {}
        while not self._stop.is_set():
            for host, path in self.keys:
                holder, pid = _holder_and_pid(host.path(path + "/.trueup/lock/owner"))
                key = (host.number, path)
                if last.get(key, None) != holder or key not in last:
                    last[key] = holder
                    self.changes[key].append((time.time(), holder))
                if holder and owner(holder) not in self.owners and pid:
                    name = _replica_of_command(pid, self.pids())
                    if name:
                        self.owners[owner(holder)] = name
            self.reads += 1
            self._stop.wait(self.interval)

    def holds(self, host, path):
        """[(holder, first seen, last seen)] in order, one per uninterrupted run of one holder."""
        runs = []
        entries = self.changes[(host.number, path)]
        for i, (t, holder) in enumerate(entries):
            if holder is None:
                continue
            end = entries[i + 1][0] if i + 1 < len(entries) else time.time()
            if runs and runs[-1][0] == holder and runs[-1][2] >= t - 1e-9:
                runs[-1][2] = end
            else:
                runs.append([holder, t, end])
        return runs

    def interleavings(self, host, path):
        """Holders seen again after another holder had the lock: a deploy interleaved with another's."""
        seen = []
        found = []
        for holder, start, _ in self.holds(host, path):
            if holder in seen and seen[-1] != holder:
                found.append("%s held it again at %s after %s" % (holder, _clock(start), seen[-1]))
            if not seen or seen[-1] != holder:
                seen.append(holder)
        return found

    def replica(self, holder):
        """The replica a holder is (None while not identified)."""
        return self.owners.get(owner(holder))

    def first_holder_after(self, path, after, names):
        """(time, host number, holder) of the first lock of path, on any host, taken after `after`
        by one of the replicas names, or None."""
        best = None
        for (number, p), entries in self.changes.items():
            if p != path:
                continue
            for t, holder in entries:
                if t > after and holder and self.replica(holder) in names:
                    if best is None or t < best[0]:
                        best = (t, number, holder)
                    break
        return best

    def replicas_seen(self):
        """The replicas that held a lock (an owner not identified counts as itself)."""
        return {self.replica(h) or owner(h) for entries in self.changes.values() for _, h in entries if h}

    def describe(self):
        lines = ["lock owners seen (%d reads of every base path; owners: %s)" % (self.reads, self.owners)]
        for host, path in self.keys:
            for holder, start, end in self.holds(host, path):
                name = self.replica(holder) or "?"
                lines.append("%s %s %s-%s %s (%s)" % (host, path, _clock(start), _clock(end), holder, name))
        return "\n".join(lines) + "\n"


def steps_without_lease(cluster, apps, tolerance=0.5):
    """Host locks a replica held while it did not hold the app/environment's lease: each lock hold
    on a host (the hosts' own record, LockWatch) against the replica field of the API (the lease's
    holder, ReplicaFieldWatch), leaving out `tolerance` seconds at each end for the two watches'
    sampling, and what a killed replica's lock outlived it by."""
    found = []
    for host, path in cluster.locks.keys:
        app = next(a for a in apps if fleet_path(a) == path)
        changes = [(t, name) for t, a, name in cluster.fields.changes if a == app]
        for holder, start, end in cluster.locks.holds(host, path):
            name = cluster.locks.replica(holder)
            if name in cluster.killed_at:
                end = min(end, cluster.killed_at[name])
            if name is None or end - start <= 2 * tolerance:
                continue
            before = [n for t, n in changes if t <= start + tolerance]
            during = ([before[-1]] if before else []) + [n for t, n in changes if start + tolerance < t < end - tolerance]
            others = sorted({str(n) for n in during if n != name})
            if others and changes:
                found.append("%s %s: %s held the host's lock %s-%s while the lease was %s's"
                             % (host, path, name, _clock(start), _clock(end), " then ".join(others)))
    return found


def history(host, path):
    """The JSON lines of the host's <path>/.trueup/history.log (and history.log.1 before them)."""
    lines = []
    for name in ("history.log.1", "history.log"):
        try:
            with open(host.path(path + "/.trueup/" + name)) as f:
                lines += [json.loads(line) for line in f if line.strip()]
        except OSError:
            pass
    return lines


def sessions(host, start, end=None):
    """The `Starting session` lines sshd of host logged between byte offsets start and end of its log."""
    with open(host.log, "rb") as f:
        f.seek(start)
        data = f.read() if end is None else f.read(max(0, end - start))
    return [line for line in data.decode(errors="replace").splitlines() if "Starting session:" in line]


def log_size(host):
    return os.path.getsize(host.log)


def owner(holder):
    """`<controller>/<run>` of a holder `<controller>/<run> since <time>`."""
    return holder.split(" ", 1)[0]


def holder_of(path):
    """The holder in a lock's owner file, without the pid; None when the lock is free."""
    return _holder_and_pid(path)[0]


def _holder_and_pid(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None, None
    if not text:
        return None, None
    holder, _, pid = text.partition(" pid ")
    return holder, int(pid) if pid.isdigit() else None


def _replica_of_command(pid, replicas):
    """The replica ({name: pid}) whose SSH connection runs the host command pid, or None."""
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
        port = int(env[b"SSH_CLIENT"].split()[1])
    except (OSError, KeyError, ValueError, IndexError):
        return None
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == port and int(fields[2].rsplit(":", 1)[1], 16) == 22:
                        inodes.add(fields[9])
        except (OSError, ValueError, IndexError):
            pass
    for name, java in replicas.items():
        try:
            for fd in os.listdir("/proc/%d/fd" % java):
                link = os.readlink("/proc/%d/fd/%s" % (java, fd))
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return name
        except OSError:
            continue
    return None


def _clock(t):
    return time.strftime("%H:%M:%S", time.localtime(t)) + (".%02d" % int((t % 1) * 100))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
