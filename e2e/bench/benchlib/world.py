"""The benchmark's world: the e2e suite's test hosts (one network namespace and one sshd each),
optionally a large fleet of addresses served by a few sshd processes, the app (the e2e app plus
a realistic amount of code), the desired-state repository and trueup.

Every tool deploys the same app to the same hosts with the same restart command: one that only
records when it ran (`date`), so that a run's end is the last host's restart mark, read from the
hosts' files, whatever the tool.
"""
import hashlib
import os
import random
import shutil
import subprocess

from harness import hosts, repos, wait
from harness.trueup import Trueup, service_java_options

APP = "hello"
ENV = "bench"
BASE = "/srv/hello"          # trueup's base directory on each e2e host
# Each tool deploys to a base directory of its own, so that their runs can take turns on the same hosts.
BASES = {"trueup": BASE, "floor": "/srv/floor/hello", "ansible": "/srv/ansible/hello",
         "ansible-fast": "/srv/ansible-fast/hello"}
MARKS = "/srv/home/restarts.log"
# The restart that only records that it ran: the time, and the release it ran in.
MARK_RESTART = 'echo "$(date +%s.%N) $(basename "$(pwd -P)")" >> "$HOME/restarts.log"'
REAL_RESTART = "sh bin/restart"
SECRET = "bench-webhook-secret"
NOOP_ENV = "many"            # the no-op scenario's environment, over the large fleet
NOOP_PATH = "hello"          # relative: each host of the large fleet has its own directory (see many.py)
TRANSPORT_ENV = "transports"  # scenario 6's environment: a base directory of its own under TRANSPORT_ROOT at each run
TRANSPORT_ROOT = "/srv/transports"
BULK_FILES = 200             # modules of generated code in the bench app: about 2 MB, as a small real app


class BenchWorld:
    def __init__(self, source_root, java, jar, host_count):
        self.source_root = source_root
        self.fleet = hosts.Fleet(host_count)
        self.hosts = self.fleet.hosts
        self.app = repos.AppRepo(os.path.join(hosts.ROOT, "repos", APP + ".git-work"),
                                 os.path.join(source_root, "e2e", "app"))
        self.desired = repos.GitRepo(os.path.join(hosts.ROOT, "repos", "desired-state"))
        self.trueup = Trueup(java, jar, os.path.join(hosts.ROOT, "trueup"), self.desired.path,
                             self.fleet.client_key, self.fleet.known_hosts, hosts.USER, poll_interval="1h",
                             java_options=service_java_options(source_root))
        self.trueup.env["TRUEUP_WEBHOOK_SECRET"] = SECRET
        # 500 hosts log in at once on this machine's 2 cores: the e2e suite's 3 s is too short
        self.trueup.env["TRUEUP_SSH_CONNECT_TIMEOUT"] = "10s"
        # instants to the millisecond in trueup's log, with their offset: comparable with time.time(),
        # to line its steps (and its command log: commandlog.py) up with the runs
        self.trueup.env["QUARKUS_LOG_CONSOLE_FORMAT"] = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5p [%c{3.}] %s%e%n"
        self.logs = os.path.join(hosts.ROOT, "logs")
        self.many = None        # ManyFleet, made by the no-op scenario
        self.git_daemon = None
        self.commits = 0
        self.jfr = None         # a directory: trueup runs with Java Flight Recorder, recording there
        self.timings = {}       # (scenario, hosts) -> {what: [count, seconds, runs]}: trueup's own timers

    def setup(self):
        self.fleet.create()
        os.makedirs(self.logs)
        sha = self.create_app()
        self.desired.init()
        self.write_env(sha, self.app.requirements_hash(sha), batch="100%")
        self.desired.commit("bench: first deploy")
        self.start_git_daemon()
        return sha

    def create_app(self):
        """The e2e app with BULK_FILES modules of generated code, committed with its wheelhouse."""
        self.app.create()
        rng = random.Random(1)
        words = ["value", "count", "total", "items", "result", "config", "request", "response", "record", "name"]
        for n in range(BULK_FILES):
            lines = ['"""Generated module %d of the benchmark app."""' % n, ""]
            for f in range(60):
                a, b = rng.sample(words, 2)
                lines += ["def %s_%d_%d(%s, %s):" % (a, n, f, a, b),
                          "    \"\"\"Combines %s and %s.\"\"\"" % (a, b),
                          "    return (%s * %d + %s) %% %d" % (a, rng.randint(2, 99), b, rng.randint(100, 9999)), ""]
            self.app.write("vendor/mod_%03d.py" % n, "\n".join(lines) + "\n")
        return self.app.commit("bench: generated modules")

    def new_app_commit(self, requirements_note=None):
        """A code-only change of the app (or one of its requirements file too); returns (sha, hash)."""
        self.commits += 1
        changes = {"vendor/mod_000.py": self.app.read("vendor/mod_000.py") + "# bench change %d\n" % self.commits}
        if requirements_note is not None:
            changes["requirements.txt"] = "greeting==1.0\n# %s\n" % requirements_note
        sha = self.app.change("bench change %d" % self.commits, changes)
        return sha, self.app.requirements_hash(sha)

    def add_timings(self, scenario, host_count, before, after):
        """Adds what trueup's timers counted during one run (see tools.Trueup.timings)."""
        entry = self.timings.setdefault((scenario, host_count), {})
        for what, (count, seconds) in after.items():
            count0, seconds0 = before.get(what, (0.0, 0.0))
            slot = entry.setdefault(what, [0.0, 0.0])
            slot[0] += count - count0
            slot[1] += seconds - seconds0
        entry.setdefault("_runs", [0, 0])[0] += 1

    # desired state

    def env_text(self, sha, requirements_hash, batch, real_app=False, hosts_=None, path=BASE, transport=None):
        lines = ["source: %s" % self.app.path, "path: %s" % path, "python: /usr/bin/python3",
                 "restart: %s" % ("sh bin/restart" if real_app else "'%s'" % MARK_RESTART.replace("'", "''"))]
        if real_app:
            lines += ["health:", "  http: http://{host}:8000/healthz", "  timeout: 20s", "  interval: 100ms",
                      "  grace: 2s"]
        if transport:
            lines += ["transport: %s" % transport]
        lines += ["rollout:", "  batch: %s" % (batch if isinstance(batch, int) else '"%s"' % batch),
                  "keep: 5", "sha: %s" % sha, "requirementsHash: %s" % requirements_hash, "hosts:"]
        lines += ["  - %s" % ip for ip in (hosts_ or [h.ip for h in self.hosts])]
        return "\n".join(lines) + "\n"

    def write_env(self, sha, requirements_hash, batch, real_app=False, env=ENV, hosts_=None, path=BASE,
                  transport=None):
        self.desired.write("apps/%s/%s.yaml" % (APP, env),
                           self.env_text(sha, requirements_hash, batch, real_app, hosts_, path, transport))

    def remove_env(self, env):
        path = os.path.join(self.desired.path, "apps", APP, "%s.yaml" % env)
        if os.path.exists(path):
            os.remove(path)

    # the git daemon Ansible's hosts fetch from

    def start_git_daemon(self):
        """Serves the app repository read-only over git:// on this side of each host's link, so the
        hosts can fetch it the way Ansible's git module does."""
        base = os.path.dirname(self.app.path)
        args = ["git", "daemon", "--reuseaddr", "--export-all", "--base-path=" + base, "--informative-errors"]
        args += ["--listen=" + h.gateway for h in self.hosts]
        self.git_daemon = subprocess.Popen(args + [base], stdout=subprocess.DEVNULL,
                                           stderr=open(os.path.join(self.logs, "git-daemon.log"), "w"),
                                           start_new_session=True)

    def app_url_for(self, host):
        return "git://%s/%s" % (host.gateway, os.path.basename(self.app.path))

    # the hosts

    def marks(self, host):
        """[(time, release)] of the restarts that ran on host, oldest first."""
        path = host.path(MARKS)
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [(float(t), r) for t, r in (line.split() for line in f if line.strip())]

    def restarted(self, sha, since):
        """The time of the last host's restart into sha after `since`, or None while any host has none."""
        last = 0.0
        for host in self.hosts:
            times = [t for t, r in self.marks(host) if r == sha and t >= since]
            if not times:
                return None
            last = max(last, min(times))
        return last

    def wait_restarted(self, sha, since, timeout=300):
        return wait.until("every host restarted into %s" % sha[:12], lambda: self.restarted(sha, since),
                          timeout=timeout, interval=0.02)

    def links(self):
        return [h.name for h in self.hosts]

    def reset_hosts(self):
        """Empty base directories (and no app running) on every host, for the tools to start afresh."""
        for host in self.hosts:
            host.stop_apps()
            for base in list(BASES.values()) + [TRANSPORT_ROOT]:
                shutil.rmtree(host.path(base), ignore_errors=True)
            for path in (MARKS, "/srv/home/run"):
                p = host.path(path)
                if os.path.isdir(p):
                    shutil.rmtree(p, ignore_errors=True)
                elif os.path.exists(p):
                    os.remove(p)

    def teardown(self):
        errors = []
        for stop in (self.trueup.stop, self._stop_git_daemon, lambda: self.many and self.many.destroy(),
                     self.fleet.destroy):
            try:
                stop()
            except Exception as e:
                errors.append(str(e))
        if errors:
            raise RuntimeError("; ".join(errors))

    def _stop_git_daemon(self):
        if self.git_daemon is not None and self.git_daemon.poll() is None:
            self.git_daemon.terminate()
            self.git_daemon.wait(timeout=10)


def digest(text):
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
