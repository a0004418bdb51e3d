"""Everything a scenario works with: the test hosts, the app and desired-state repositories,
trueup, and the checks every scenario makes (what each host serves, the status API, nothing lost).
"""
import os
import shutil
import time

from . import hosts, notify, observe, repos, wait, wheels
from .repos import APP, APP_PATH, ENV
from .trueup import Trueup, service_java_options

KEEP = 4  # releases kept per host (desired state's `keep`)
POISON = "POISON from the host's own pip configuration"


class World:
    def __init__(self, source_root, java, jar, host_count, poll_interval="1s"):
        self.source_root = source_root
        self.fleet = hosts.Fleet(host_count)
        self.hosts = self.fleet.hosts
        self.app = repos.AppRepo(os.path.join(hosts.ROOT, "repos", APP), os.path.join(source_root, "e2e", "app"))
        self.desired = repos.DesiredRepo(os.path.join(hosts.ROOT, "repos", "desired-state"), self.app.path,
                                         self.hosts, keep=KEEP)
        self.notifications = notify.Receiver()
        self.trueup = Trueup(java, jar, os.path.join(hosts.ROOT, "trueup"), self.desired.path,
                             self.fleet.client_key, self.fleet.known_hosts, hosts.USER, poll_interval,
                             service_java_options(source_root), notify=self.notifications)
        self.logs = os.path.join(hosts.ROOT, "logs")
        self.initial = None  # (sha, requirements hash) of the app's first commit
        self.good = None     # the last (sha, requirements hash) a scenario saw every host converge to
        self.scenario = None
        self.cluster = None  # scenario 17's replicas and PostgreSQL while they run (cluster.Cluster)
        self.started_at = 0
        self._sshd_log_offsets = {}

    # setting up and tearing down

    def setup(self):
        self.notifications.start()
        self.fleet.create()
        os.makedirs(self.logs)
        for host in self.hosts:
            self._poison_pip(host)
        sha = self.app.create()
        self.initial = (sha, self.app.requirements_hash(sha))
        self.desired.create(*self.initial)
        self.good = self.initial

    def _poison_pip(self, host):
        """Gives the host's SSH user a pip configuration and environment that would change what an
        env holds: a constraint that forbids the pinned greeting, an extra requirement, and other
        wheels of greeting that pip would prefer (higher build tag). trueup's env build must ignore
        them all, so an env holds exactly what the app's wheelhouse gives."""
        home = host.path("/srv/home")
        poison = os.path.join(home, "poison")
        source = os.path.join(self.app.source, "libs", "greeting")
        for version in ("1.0", "1.1"):
            wheels.greeting(source, version, poison, hello=POISON, build_tag="99")
        wheels.build("poison", "1.0", {"poison.py": b"POISONED = True\n"}, poison)
        _write(os.path.join(poison, "constraints.txt"), "greeting==0.0\n")
        _write(os.path.join(poison, "requirements.txt"), "poison\n")
        _write(os.path.join(home, ".config", "pip", "pip.conf"),
               "[global]\nfind-links = /srv/home/poison\nindex-url = http://127.0.0.1:9/simple\n"
               "constraint = /srv/home/poison/constraints.txt\n[install]\nrequirement = /srv/home/poison/requirements.txt\n")
        _write(os.path.join(home, ".ssh", "environment"),
               "PIP_FIND_LINKS=/srv/home/poison\nPIP_INDEX_URL=http://127.0.0.1:9/simple\n"
               "PIP_CONSTRAINT=/srv/home/poison/constraints.txt\n")
        user = self.fleet.user()
        for root, dirs, files in os.walk(home):
            for name in dirs + files:
                os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid)

    def teardown(self):
        errors = []
        try:
            self.trueup.stop()
        except Exception as e:
            errors.append("stopping trueup: %s" % e)
        if self.cluster is not None:
            try:
                self.cluster.destroy()
            except Exception as e:
                errors.append("stopping the replicas and PostgreSQL: %s" % e)
        self.notifications.stop()
        try:
            self.fleet.destroy()
        except Exception as e:
            errors.append(str(e))
        if errors:
            raise RuntimeError("; ".join(errors))

    # scenarios' frame

    def begin(self, scenario):
        """Starts a scenario: its own trueup log, and the sshd logs' positions to keep its part of them."""
        self.scenario = scenario
        self.started_at = time.time()
        self._sshd_log_offsets = {h.number: _size(h.log) for h in self.hosts}

    def trueup_log(self):
        return os.path.join(self.logs, "%s-trueup.log" % self.scenario.slug)

    def start_trueup(self):
        self.trueup.start(self.trueup_log())

    def keep_logs(self, out_dir):
        """Copies the scenario's trueup log, each host's sshd log (its part) and a picture of the hosts."""
        os.makedirs(out_dir, exist_ok=True)
        if os.path.exists(self.trueup_log()):
            shutil.copy(self.trueup_log(), os.path.join(out_dir, "trueup.log"))
        for host in self.hosts:
            with open(host.log, "rb") as f:
                f.seek(self._sshd_log_offsets.get(host.number, 0))
                data = f.read()
            with open(os.path.join(out_dir, "sshd-h%d.log" % host.number), "wb") as f:
                f.write(data)
            app_log = host.path("/srv/home/run/hello.log")
            if os.path.exists(app_log):
                shutil.copy(app_log, os.path.join(out_dir, "app-h%d.log" % host.number))
        with open(os.path.join(out_dir, "state.txt"), "w") as f:
            f.write(self.describe())
        for path in getattr(self.scenario, "artifacts", []):  # what the scenario kept for a failure
            if os.path.exists(path):
                shutil.copy(path, os.path.join(out_dir, os.path.basename(path)))

    def describe(self):
        """The API's view and the hosts' real state, for a person reading a failure."""
        lines = ["desired HEAD %s" % self.desired.head()]
        try:
            lines.append("GET /api/status: %s" % (self.trueup.status() if self.trueup.running() else "(not running)"))
        except Exception as e:
            lines.append("GET /api/status failed: %s" % e)
        for host in self.hosts:
            layout = observe.Layout(host)
            lines.append("%s: link %s, sshd %s, serves %s, current %s, previous %s, releases %s, envs %s, leftovers %s"
                         % (host, host.link_state(), "up" if host.sshd_running() else "down",
                            observe.healthz(host), layout.current, layout.previous,
                            {k[:12]: v and v[:12] for k, v in layout.releases.items()},
                            sorted(layout.envs), layout.leftovers))
        return "\n".join(lines) + "\n"

    # getting to a known state

    def baseline(self):
        """Every host reachable with its known keys, trueup freshly started, and every host
        converged to the last good desired state; if that cannot be had, a clean slate."""
        self.trueup.stop()
        self._heal_hosts()
        sha, req = self.good
        if self.desired.read(self.desired.env_file) != self.desired.env_text(sha, req):
            self.desired.deploy(sha, req, message="e2e: back to %s" % sha[:12])
        self.start_trueup()
        try:
            self.wait_converged(sha, timeout=60)
        except wait.WaitTimeout as e:
            self.scenario.notes.append("the hosts did not converge to the last good state (%s); started from a "
                                       "clean slate" % str(e).splitlines()[0][:300])
            self.reset_hosts()
            self.wait_converged(sha, timeout=90)

    def _heal_hosts(self):
        for host in self.hosts:
            host.full_speed()
            if host.link_state() != "UP":
                host.link_up()
            if not host.sshd_running():
                host.start_sshd()
        self.fleet.write_known_hosts()

    def reset_hosts(self, to=None):
        """A clean slate: trueup stopped, its state and every host's app directory gone, desired
        state at `to` (default: the last good), trueup started again on empty hosts."""
        self.trueup.stop()
        self._heal_hosts()
        for host in self.hosts:
            host.stop_apps()
            shutil.rmtree(host.path(APP_PATH), ignore_errors=True)
            shutil.rmtree(host.path("/srv/home/run"), ignore_errors=True)
            if observe.serving(host) is not None:
                raise AssertionError("%s still serves after its app was stopped" % host)
        shutil.rmtree(self.trueup.state_dir, ignore_errors=True)
        self.good = to or self.good
        sha, req = self.good
        if self.desired.read(self.desired.env_file) != self.desired.env_text(sha, req):
            self.desired.deploy(sha, req, message="e2e: reset to %s" % sha[:12])
        self.start_trueup()

    # the API

    def api(self):
        return self.trueup.app(APP, ENV)

    def api_host(self, doc, host):
        for h in (doc or {}).get("hosts", []):
            if h["host"] == host.address:
                return h
        return None

    def converged(self, sha):
        """Probe: the API says Synced at sha on every host and every host serves sha over HTTP."""
        doc = self.api()
        if doc is None:
            raise AssertionError("no status for %s/%s yet" % (APP, ENV))
        if doc["status"] != "Synced" or doc["sha"] != sha:
            raise AssertionError("API: %s at %s, error %s" % (doc["status"], (doc["sha"] or "")[:12], doc["error"]))
        for host in self.hosts:
            h = self.api_host(doc, host)
            if h is None or h["state"] != "Synced" or h["sha"] != sha:
                raise AssertionError("API: %s is %s" % (host, h))
            served = observe.serving(host)
            if served != sha:
                raise AssertionError("%s serves %s" % (host, served))
        return doc

    def wait_converged(self, sha, timeout=90):
        doc = wait.until("every host Synced at %s and serving it" % sha[:12], lambda: self.converged(sha),
                         timeout=timeout, interval=0.2)
        return doc

    def wait_polls(self, revision, polls=2, timeout=60):
        """Waits until trueup has read desired-state `revision` and then fetched it `polls` times more."""
        seen = set()

        def probe():
            seen.add(self._fetched(revision))
            return len(seen) > polls

        wait.until("trueup to read desired state %s and poll it %d more times" % (revision[:12], polls), probe,
                   timeout=timeout, interval=0.1)

    def _fetched(self, revision):
        status = self.trueup.status() or {}
        desired = status.get("desiredState") or {}
        if desired.get("revision") != revision:
            raise AssertionError("desired state read: %s" % desired)
        return desired.get("fetchedAt")

    # the hosts

    def assert_whole(self, sha, greeting=None, hosts_=None, pruned=None):
        """Nothing lost: each host runs sha from a complete, pristine release with a complete env,
        keeps its previous release, has no half-made leftovers, and serves sha with the right
        greeting from an env that holds only what the wheelhouse had. A host that trueup switched
        in this scenario (pruned=None), or every host (pruned=True), keeps at most KEEP releases."""
        problems = []
        for host in hosts_ or self.hosts:
            layout = observe.Layout(host)
            check_keep = pruned if pruned is not None else layout.switched.get(sha, 0) >= self.started_at - 1
            problems += ["%s: %s" % (host, p) for p in layout.problems(sha, KEEP if check_keep else None)]
            body = observe.healthz(host) or {}
            if body.get("sha") != sha:
                problems.append("%s serves %s" % (host, body.get("sha")))
            want = greeting or "hello from greeting %s" % self.greeting_version(sha)
            if body.get("greeting") != want:
                problems.append("%s: greeting is %r, not %r" % (host, body.get("greeting"), want))
            env = layout.env_of_current()
            if env and layout.envs.get(env):
                packages = layout.site_packages(env)
                extra = [p for p in packages if not p.startswith("greeting")]
                if extra:
                    problems.append("%s: env %s holds more than the wheelhouse gave: %s" % (host, env[:12], extra))
        if problems:
            raise AssertionError("; ".join(problems))

    def greeting_version(self, sha):
        for line in self.app.read("requirements.txt", sha).splitlines():
            if line.startswith("greeting=="):
                return line.split("==", 1)[1].strip()
        return None

    def layouts(self):
        return {host.number: observe.Layout(host) for host in self.hosts}

    def commit_app(self, message, requirements=None, greeting=None, **files):
        """A new app commit on top of the app's history, whose files are those of the last good
        release plus a code change (a marker line in app.py) and the given changes.
        requirements: new requirements.txt text; greeting: a greeting version to add to wheels/."""
        self.app.git("read-tree", "-u", "--reset", self.good[0])
        changes = dict(files)
        if "app.py" not in changes:
            text = _read(os.path.join(self.app.path, "app.py"))
            changes["app.py"] = text + "# e2e: %s\n" % message
        if requirements is not None:
            changes["requirements.txt"] = requirements
        if greeting is not None:
            self.app.add_greeting(greeting)
        sha = self.app.change(message, changes)
        return sha, self.app.requirements_hash(sha)


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def _read(path):
    with open(path) as f:
        return f.read()


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
