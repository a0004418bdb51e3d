"""The deploy tools the benchmark runs side by side on the same hosts: trueup, Ansible, and the
primitive floor (the same steps by hand with ssh on multiplexed connections).

Each tool's deploy() starts a deploy and returns when the tool says it is done; the scenario
reads the end time from the hosts' restart marks (or, with the real app, from the tool).
"""
import concurrent.futures
import datetime
import hashlib
import hmac
import json
import os
import shlex
import subprocess
import time
import urllib.error
import urllib.request

from harness import hosts, proc, wait

from . import commandlog, measure, world as bw

_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_json(url, data=None, headers=None, timeout=5):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    with _HTTP.open(request, timeout=timeout) as response:
        return json.load(response)


def instant(text):
    """Seconds since the epoch of an ISO-8601 instant as Java prints it (nanoseconds, Z)."""
    head, _, frac = text.rstrip("Z").partition(".")
    seconds = datetime.datetime.fromisoformat(head).replace(tzinfo=datetime.timezone.utc).timestamp()
    return seconds + (float("0." + frac) if frac else 0.0)


def wait_serving(ips, sha, timeout=60, interval=0.1):
    """Waits until every host's app answers /healthz with sha (health checks done from here)."""
    def serving(ip):
        def probe():
            try:
                return http_json("http://%s:8000/healthz" % ip, timeout=2).get("sha") == sha
            except (OSError, ValueError, urllib.error.URLError):
                return False
        wait.until("%s to serve %s" % (ip, sha[:12]), probe, timeout=timeout, interval=interval)
    with concurrent.futures.ThreadPoolExecutor(len(ips)) as pool:
        list(pool.map(serving, ips))


class Trueup:
    """trueup as deployed: the packaged jar, a long poll interval, a webhook as the trigger."""

    name = "trueup"

    def __init__(self, world):
        self.world = world
        self.process = world.trueup
        self.reconciles = 0
        self.webhook_at = None   # time.time() just before the last webhook's POST
        self.last_run = None     # [commandlog.Event] logged from the last deploy()'s webhook to its end

    def start(self, log_name="trueup", command_log=True):
        """Starts trueup; with command_log, its logger io.trueup.ssh.commands at DEBUG (a line as each
        command opens and closes: commandlog.py). The no-op scenario runs without: two log lines a
        host per cycle would be trueup's work that the other tools do not do."""
        if self.world.jfr:
            self.process.env["JDK_JAVA_OPTIONS"] = "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=%s" \
                % os.path.join(self.world.jfr, log_name + ".jfr")
        self.process.extra_config = commandlog.CONFIG if command_log else ""
        self.process.start(os.path.join(self.world.logs, "%s.log" % log_name))

    def stop(self):
        self.process.stop()

    @property
    def pid(self):
        return self.process.process.pid

    def trigger(self):
        body = b""
        signature = "sha256=" + hmac.new(bw.SECRET.encode(), body, hashlib.sha256).hexdigest()
        self.webhook_at = time.time()
        answer = http_json("http://127.0.0.1:%d/api/webhooks/generic" % self.process.port, data=body,
                           headers={"X-Trueup-Signature": signature})
        assert answer.get("result") == "triggered", answer

    def app(self, env=bw.ENV):
        return self.process.app(bw.APP, env)

    def synced(self, sha, env=bw.ENV, after=0.0):
        """The time trueup reported env Synced at sha on every host, once it has (after `after`)."""
        doc = self.published(env, after)
        return instant(doc["updated"]) if doc and doc["status"] == "Synced" and doc["sha"] == sha else None

    def wait_synced(self, sha, env=bw.ENV, after=0.0, timeout=300, interval=0.02):
        return wait.until("trueup to report %s Synced at %s" % (env, sha[:12]),
                          lambda: self.synced(sha, env, after), timeout=timeout, interval=interval)

    def stage(self, sha, requirements_hash, batch, real_app=False, rollback=False):
        """Commits the bump (or, for a rollback, reverts the last one) in desired state: what a
        person does (merging a pull request) before trueup's part begins. Not timed."""
        self.reconciles = self.reconciles_ended()
        if rollback:
            self.world.desired.git("revert", "--no-edit", "HEAD")
        else:
            self.world.write_env(sha, requirements_hash, batch, real_app)
            if self.world.desired.git("status", "--porcelain").stdout.strip():
                self.world.desired.commit("Deploy %s %s" % (bw.APP, sha[:12]))

    def deploy(self, sha, requirements_hash, batch, real_app=False, rollback=False):
        """Triggers a reconcile of the commit stage() made, and returns when trueup reports every
        host Synced at sha: the time it says so."""
        offset = commandlog.size(self.process.log)
        started = time.time()
        self.trigger()
        if not real_app:
            # The run ends at the hosts' restart marks: wait for them as for the other tools (reading
            # files) before asking trueup's status API, whose answers would take CPU from the deploy.
            self.world.wait_restarted(sha, started)
        synced = self.wait_synced(sha, after=started)
        self.wait_idle()
        self.last_run = commandlog.read(self.process.log, offset)[0]
        return synced

    def reconciles_ended(self):
        return self.timings().get("reconcile", (0, 0))[0]

    def wait_idle(self):
        """Waits, after the run's end, for the reconcile that stage()'s change started to end: trueup
        reports Synced before its reconcile ends (and before it inspects a host whose deploy did not say
        what it holds), and the next run starts with trueup
        idle, as the other tools' runs start once their last process has exited."""
        wait.until("trueup's reconcile to end", lambda: self.reconciles_ended() > self.reconciles, timeout=120,
                   interval=0.05)

    # scenario 4: no-op cycles

    def noop_begin(self, addresses, target):
        """Points the no-op environment at these hosts (the deploy environment is removed), and
        waits for the first cycle over them, which opens the connections: not timed."""
        self.world.remove_env(bw.ENV)
        self.world.write_env(*target, batch="100%", env=bw.NOOP_ENV, hosts_=addresses, path=bw.NOOP_PATH)
        self.world.desired.commit("bench: no-op over %d hosts" % len(addresses))
        measure.reset_peak_rss(self.pid)
        doc = None
        for _ in range(10):  # a host that failed to log in is tried again at a later cycle
            started = time.time()
            self.trigger()
            doc = wait.until("trueup to publish %s" % bw.NOOP_ENV, lambda: self.published(bw.NOOP_ENV, started),
                             timeout=300, interval=0.25)
            if doc["status"] == "Synced" and doc["sha"] == target[0]:
                return
            time.sleep(2)
        raise AssertionError("the hosts are not Synced after 10 cycles: %s" % {k: doc[k] for k in ("status", "error")})

    def published(self, env, after):
        """trueup's status of env once it was published after `after`, else None."""
        doc = self.app(env)
        return doc if doc and instant(doc["updated"]) >= after else None

    def noop(self, addresses, target):
        """One cycle: the time trueup published its result, every host Synced."""
        started = time.time()
        self.trigger()
        return self.wait_synced(target[0], env=bw.NOOP_ENV, after=started, timeout=600,
                                interval=0.05 if len(addresses) <= 100 else 0.2)

    def noop_end(self):
        pass

    def settle(self, sha, requirements_hash, batch, real_app=False):
        """Makes desired state say `batch` (and the restart of real_app) for what the hosts run
        already, without changing a host; not timed."""
        self.world.write_env(sha, requirements_hash, batch, real_app)
        if self.world.desired.git("status", "--porcelain").stdout.strip():
            self.world.desired.commit("bench: rollout settings for the next scenario")
            self.reconciles = self.reconciles_ended()
            started = time.time()
            self.trigger()
            self.wait_synced(sha, after=started, interval=0.1)
            self.wait_idle()

    def ssh_commands(self):
        """How many commands trueup has run on hosts over SSH (pushes included), from its own metrics."""
        return int(sum(count for what, (count, _) in self.timings().items() if what not in ("fetch", "reconcile")))

    def timings(self):
        """{what: (count, seconds)} from trueup's own timers: its SSH commands (by command name: the
        steps it runs joined with +), desired-state fetches ("fetch"), and whole reconciles ("reconcile")."""
        with _HTTP.open("http://127.0.0.1:%d/q/metrics" % self.process.port, timeout=10) as response:
            text = response.read().decode()
        found = {}
        names = {"trueup_ssh_command_seconds": None, "trueup_desired_state_fetch_seconds": "fetch",
                 "trueup_reconcile_duration_seconds": "reconcile"}
        for line in text.splitlines():
            for metric, what in names.items():
                for suffix, index in (("_count{", 0), ("_sum{", 1)):
                    if line.startswith(metric + suffix):
                        key = what or line.split('step="', 1)[1].split('"', 1)[0]
                        entry = found.setdefault(key, [0.0, 0.0])
                        entry[index] += float(line.rsplit(" ", 1)[1])
        return {k: (v[0], v[1]) for k, v in found.items()}


class Floor:
    """The primitive floor: what SSH allows. One multiplexed ssh connection per host, opened
    beforehand (trueup keeps its connections too); a deploy is `git push` of the commit and one
    ssh command that clones the release, builds the env if needed, switches and restarts."""

    name = "floor"

    SCRIPT = r"""set -e
cd "$1"
sha=$2 env=$3 restart=$4
if [ ! -d "releases/$sha" ]; then
  rm -rf "releases/.tmp-$sha"
  git clone -q --local --no-checkout repo.git "releases/.tmp-$sha"
  git -C "releases/.tmp-$sha" checkout -q "$sha"
  mv -T "releases/.tmp-$sha" "releases/$sha"
fi
if [ ! -d "envs/$env" ]; then
  /usr/bin/python3 -m venv --without-pip "envs/$env"
  PIP_CONFIG_FILE=/dev/null /usr/bin/python3 -m pip --python "envs/$env/bin/python" install --isolated \
    --no-index --find-links "releases/$sha/wheels" -q --disable-pip-version-check -r "releases/$sha/requirements.txt"
fi
ln -sfn "../../envs/$env" "releases/$sha/.venv"
old=$(readlink current || true)
ln -s "releases/$sha" current.new && mv -T current.new current
if [ -n "$old" ] && [ "$old" != "releases/$sha" ]; then ln -s "$old" previous.new && mv -T previous.new previous; fi
cd current && eval "$restart"
"""

    def __init__(self, world, ips, base=bw.BASES["floor"]):
        self.world = world
        self.ips = list(ips)
        self.base = base
        self.control_dir = os.path.join(hosts.ROOT, "floor-cp")
        self.masters = []
        self.prepared = set()
        fleet = world.fleet
        self.ssh_args = ["ssh", "-F", "/dev/null", "-i", fleet.client_key, "-o", "UserKnownHostsFile=" + fleet.known_hosts,
                         "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ControlMaster=no",
                         "-o", "ControlPath=%s/%%C" % self.control_dir, "-l", hosts.USER]

    def start(self):
        """Opens one master connection per host (not timed: connections are kept between deploys)."""
        os.makedirs(self.control_dir, exist_ok=True)
        args = [a if a != "ControlMaster=no" else "ControlMaster=yes" for a in self.ssh_args]
        for ip in self.ips:
            self.masters.append(subprocess.Popen(args + ["-N", "-o", "ControlPersist=no", ip],
                                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL, start_new_session=True))
        def ready(ip):
            return proc.run(self.ssh_args[:-2] + ["-O", "check", "-l", hosts.USER, ip], check=False).returncode == 0
        for ip in self.ips:
            wait.until("the floor's ssh master for %s" % ip, lambda: ready(ip), timeout=60, interval=0.05)

    def stop(self):
        self.prepared = set()
        for master in self.masters:
            master.terminate()
        for master in self.masters:
            try:
                master.wait(timeout=10)
            except subprocess.TimeoutExpired:
                master.kill()
        self.masters = []

    def run(self, ip, command, timeout=120):
        return proc.run(self.ssh_args + [ip, command], timeout=timeout)

    def prepare(self, ips):
        for ip in ips:
            self.run(ip, "mkdir -p %s/releases %s/envs && cd %s && { [ -d repo.git ] || git init -q --bare repo.git; }"
                     % ((shlex.quote(self.base),) * 3))

    def push(self, ip, sha):
        git_ssh = " ".join(shlex.quote(a) for a in self.ssh_args)
        proc.run(["git", "-C", self.world.app.path, "push", "-q", "ssh://%s/%s/repo.git" % (ip, self.base.lstrip("/")),
                  "+%s:refs/heads/bench" % sha],
                 env=dict(os.environ, GIT_SSH_COMMAND=git_ssh, GIT_SSH_VARIANT="ssh"), timeout=120)

    def stage(self, sha, requirements_hash, batch, real_app=False, rollback=False):
        """Nothing to prepare: the floor is told what to deploy by its command."""

    def deploy_host(self, ip, sha, requirements_hash, restart, push=True):
        if ip not in self.prepared:  # the first deploy to a host (not timed) makes its repository
            self.prepare([ip])
            self.prepared.add(ip)
        if push:
            self.push(ip, sha)
        command = "sh -c %s sh %s" % (shlex.quote(self.SCRIPT), " ".join(shlex.quote(a) for a in (
            self.base, sha, requirements_hash.split(":", 1)[1], restart)))
        self.run(ip, command)

    def deploy(self, sha, requirements_hash, batch, real_app=False, rollback=False):
        """A rollback pushes nothing: the commit is on the hosts already."""
        push = not rollback
        restart = bw.REAL_RESTART if real_app else bw.MARK_RESTART

        def one(ip):
            self.deploy_host(ip, sha, requirements_hash, restart, push)
            if real_app:
                wait_serving([ip], sha)
        if batch == 1:
            for ip in self.ips:
                one(ip)
        else:
            with concurrent.futures.ThreadPoolExecutor(len(self.ips)) as pool:
                list(pool.map(one, self.ips))
        return time.time()

    # scenario 4: no-op cycles (the floor's ips are the large fleet's addresses)

    def noop_begin(self, addresses, target):
        self.ips = list(addresses)
        self.expected = "releases/" + target[0]
        self.start()

    def noop(self, addresses, target):
        seen = self.inspect(bw.NOOP_PATH)
        wrong = [(ip, s) for ip, s in zip(self.ips, seen) if s != self.expected]
        assert not wrong, "floor: hosts not converged: %s" % wrong[:5]
        return time.time()

    def noop_end(self):
        self.stop()

    def inspect(self, relative):
        """The no-op floor: one ssh command per host, all at once, reading where current points."""
        def one(ip):
            return self.run(ip, "readlink %s" % shlex.quote(relative + "/current")).stdout.strip()
        with concurrent.futures.ThreadPoolExecutor(min(len(self.ips), 64)) as pool:
            return list(pool.map(one, self.ips))
