"""The benchmark's scenarios (issue 6), each run by every tool on the same hosts.

A row of results is one timed run: scenario, tool, run number, seconds, the controller's CPU
seconds and peak RSS, and the bytes that crossed the hosts' links.
"""
import os
import subprocess
import time

from harness import proc

from . import commandlog, measure, world as bw

DEPLOYS = [
    # (scenario id, title, batch, real app, new requirements, rollback)
    ("1-all", "Code-only deploy to {n} hosts, one batch", "100%", False, False, False),
    ("1-one", "Code-only deploy to {n} hosts, batches of 1", 1, False, False, False),
    ("1-real", "Code-only deploy to {n} hosts, one batch, the real app restarted and health-checked", "100%",
     True, False, False),
    ("2", "Requirements change on {n} hosts (env built), one batch", "100%", False, True, False),
    ("3", "Rollback on {n} hosts (revert of the bump), one batch", "100%", False, False, True),
]


class Row(dict):
    # first_byte_ms: trueup, from the webhook's POST to its first command on a host (first_command);
    # gap_*: trueup in batches of 1, from a host's deploy command ending to the next host's first
    # command, the median and max of the run and each one (gaps_ms, joined with ;). See commandlog.py.
    FIELDS = ("scenario", "hosts", "tool", "run", "seconds", "cpu_seconds", "peak_rss_bytes", "wire_bytes",
              "ssh_commands", "ssh_logins", "first_byte_ms", "first_command", "gap_median_ms", "gap_max_ms",
              "gaps_ms")


class Meter:
    """Measures one timed run of a tool: CPU and peak RSS of its controller, bytes on the links."""

    def __init__(self, tool, links, reset_peak=True):
        self.tool = tool
        self.links = links
        self.reset_peak = reset_peak

    def __enter__(self):
        self.bytes0 = measure.link_bytes(self.links) if self.links else None
        if self.tool.name == "trueup":
            if self.reset_peak:
                measure.reset_peak_rss(self.tool.pid)
            self.cpu0 = measure.cpu_seconds(self.tool.pid)
        else:
            self.cpu0 = measure.children_cpu_seconds()
        self.start = time.time()
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False
        if self.tool.name == "trueup":
            self.cpu = measure.cpu_seconds(self.tool.pid) - self.cpu0
            self.peak = measure.peak_rss_bytes(self.tool.pid)
        else:
            self.cpu = measure.children_cpu_seconds() - self.cpu0
            self.peak = getattr(self.tool, "last_peak_rss", None)
        self.bytes = measure.link_bytes(self.links) - self.bytes0 if self.links else None
        return False


def log(text):
    print("bench: " + text, flush=True)


def run_deploys(world, tools, runs, only, rows):
    """Every deploy scenario for the tools, on the world's hosts, from empty hosts. The tools take
    turns within each run (the first tool of run k is the k-th, in a cycle), each on its own base
    directory with its own commit, so that the machine's drift (its disk, its CPU) during a
    scenario falls on every tool alike rather than on whichever ran then."""
    n = len(world.hosts)
    world.reset_hosts()
    started = []
    current = {}
    try:
        for tool in tools:
            tool.start()
            started.append(tool)
        base_sha = world.app.head()
        for tool in tools:  # the first deploy
            current[tool.name] = _deploy_untimed(world, tool, (base_sha, world.app.requirements_hash(base_sha)))
        for sid, title, batch, real_app, new_requirements, rollback in DEPLOYS:
            if only and sid not in only:
                continue
            log(title.format(n=n))
            for tool in tools:
                if tool.name == "trueup":  # the scenario's batch size in desired state before a revert brings back an older one
                    tool.settle(*current[tool.name], batch=batch, real_app=real_app)
            for run in range(1, runs + 1):
                turn = (run - 1) % len(tools)
                for tool in tools[turn:] + tools[:turn]:
                    if getattr(tool, "only", None) is not None and sid not in tool.only:
                        continue
                    current[tool.name] = _timed_run(world, tool, (sid, run, batch, real_app, new_requirements, rollback),
                                                    current[tool.name], rows)
            if real_app:
                for host in world.hosts:
                    host.stop_apps()
        trueup = [t for t in tools if t.name == "trueup"]
        if trueup and (not only or "6" in only):
            run_transports(world, trueup[0], runs, rows)
        floor = [t for t in tools if t.name == "floor"]
        if floor and (not only or "5" in only):
            rows += tarball_rows(world, floor[0], current["floor"][0], runs)
    finally:
        for tool in started:
            tool.stop()


def _timed_run(world, tool, scenario, current, rows):
    """One timed run of a deploy scenario by one tool, from `current` (sha, requirements hash) on its
    hosts; returns what they run after it."""
    sid, run, batch, real_app, new_requirements, rollback = scenario
    if rollback:  # bump (not timed), then the timed rollback to what ran before
        target = current
        _deploy_untimed(world, tool, world.new_app_commit())
    else:
        note = "bench requirements %d" % world.commits if new_requirements else None
        target = world.new_app_commit(requirements_note=note)
    timings = tool.timings() if tool.name == "trueup" else None
    # The change itself (for trueup, the commit in desired state) is made before the clock starts.
    tool.stage(*target, batch=batch, real_app=real_app, rollback=rollback)
    with Meter(tool, world.links()) as meter:
        done = tool.deploy(*target, batch=batch, real_app=real_app, rollback=rollback)
        end = done if real_app else world.wait_restarted(target[0], meter.start)
    if timings is not None:  # deploy() returned at Synced: after prune and record too
        world.add_timings(sid, len(world.hosts), timings, tool.timings())
    row = Row(scenario=sid, hosts=len(world.hosts), tool=tool.name, run=run, seconds=end - meter.start,
              cpu_seconds=meter.cpu, peak_rss_bytes=meter.peak, wire_bytes=meter.bytes)
    if tool.name == "trueup":
        _command_log(row, tool, batch)
    rows.append(row)
    log("  run %d, %s: %.3fs, %s bytes%s" % (run, tool.name, end - meter.start, meter.bytes, "".join(
        ", %s %s" % (k, row[k]) for k in ("first_byte_ms", "first_command", "gap_median_ms", "gap_max_ms")
        if row.get(k) is not None)))
    return target


def _command_log(row, trueup, batch):
    """Merge to first byte, and in batches of 1 the gaps between hosts, from trueup's command log of
    the run (the lines logged from its webhook to the end of its reconcile)."""
    first = commandlog.first_byte(trueup.last_run or [], trueup.webhook_at)
    if first is not None:
        row["first_byte_ms"], row["first_command"] = round(1000 * first[0], 1), first[1]
    if batch == 1:
        gaps = commandlog.gaps(trueup.last_run or [])
        if gaps:
            row["gap_median_ms"], row["gap_max_ms"] = (round(v, 1) for v in commandlog.summary_ms(gaps))
            row["gaps_ms"] = ";".join("%.0f" % (1000 * g) for g in gaps)


def _deploy_untimed(world, tool, target):
    started = time.time()
    tool.stage(*target, batch="100%")
    tool.deploy(*target, batch="100%")
    world.wait_restarted(target[0], started)
    return target


TRANSPORTS = ("git", "archive")
# Scenario 6's steps: (row scenario, title); each a deploy of one environment, timed like scenario 1-all's.
TRANSPORT_STEPS = (("6-first", "first deploy to empty base directories"),
                   ("6-code", "code-only deploy"),
                   ("6-rollback", "rollback to the first release (kept on the hosts)"))


def run_transports(world, trueup, runs, rows):
    """Scenario 6: trueup's two transports side by side, `transport: git` (the objects the host
    lacks, pushed into repo.git) and `transport: archive` (the commit's tree as a tar stream, to
    hosts without git), on the same hosts. Each run of each transport deploys an environment of
    its own to empty base directories (a first deploy), then a code-only change, then goes back to
    the first release; the transports take turns as the tools do in the other scenarios. The
    benchmark environment stays in desired state, so every trigger also inspects its hosts, alike
    for both transports."""
    log("trueup's transports, git and archive, on %d hosts" % len(world.hosts))
    for run in range(1, runs + 1):
        turn = (run - 1) % len(TRANSPORTS)
        for transport in TRANSPORTS[turn:] + TRANSPORTS[:turn]:
            path = "%s/%s-%d" % (bw.TRANSPORT_ROOT, transport, run)
            first = (world.app.head(), world.app.requirements_hash(world.app.head()))
            second = world.new_app_commit()
            for (sid, _), target in zip(TRANSPORT_STEPS, (first, second, first)):
                seconds, meter = _transport_deploy(world, trueup, target, path, transport)
                rows.append(Row(scenario=sid, hosts=len(world.hosts), tool="trueup-" + transport, run=run,
                                seconds=seconds, cpu_seconds=meter.cpu, peak_rss_bytes=meter.peak,
                                wire_bytes=meter.bytes))
                log("  run %d, %s, %s: %.3fs, %s bytes" % (run, transport, sid, seconds, meter.bytes))
    world.remove_env(bw.TRANSPORT_ENV)
    world.desired.commit("bench: transports done")


def _transport_deploy(world, trueup, target, path, transport):
    """Points scenario 6's environment at target (committed before the clock starts), triggers
    trueup and returns (seconds to the last host's restart mark, the meter)."""
    world.write_env(*target, batch="100%", env=bw.TRANSPORT_ENV, path=path, transport=transport)
    world.desired.commit("bench: %s %s to %s" % (transport, target[0][:12], path))
    trueup.reconciles = trueup.reconciles_ended()
    with Meter(trueup, world.links()) as meter:
        trueup.trigger()
        end = world.wait_restarted(target[0], meter.start)
    trueup.wait_synced(target[0], env=bw.TRANSPORT_ENV, after=meter.start)
    trueup.wait_idle()
    return end - meter.start, meter


def tarball_rows(world, floor, sha, runs):
    """Scenario 5's baseline: the release shipped as a gzipped tarball (git archive) to each host
    over the floor's connections, unpacked there."""
    rows = []
    archive = os.path.join(world.logs, "release.tar.gz")
    proc.run(["sh", "-c", 'git -C "$1" archive --format=tar.gz -o "$2" "$3"', "sh", world.app.path, archive, sha])
    log("floor: the release as a tarball (%d bytes)" % os.path.getsize(archive))
    for run in range(1, runs + 1):
        with Meter(floor, world.links()) as meter:
            for ip in floor.ips:
                with open(archive, "rb") as f:
                    _ship(floor, ip, f)
        rows.append(Row(scenario="5-tarball", hosts=len(floor.ips), tool="tarball", run=run,
                        seconds=time.time() - meter.start, cpu_seconds=meter.cpu, peak_rss_bytes=None,
                        wire_bytes=meter.bytes))
    return rows


def _ship(floor, ip, f):
    done = subprocess.run(floor.ssh_args + [ip, "d=$HOME/bench-tarball; rm -rf \"$d\" && mkdir \"$d\" && "
                                                "tar -xzf - -C \"$d\""], stdin=f, capture_output=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError("shipping the tarball to %s: %s" % (ip, done.stderr.decode(errors="replace")))


def prepare_noop(world, trueup, sizes):
    """Makes the large fleet and gives each of its hosts a converged base directory: trueup deploys
    to the world's hosts, then the first one's base directory is copied (hard links) to every
    host of the large fleet. Returns (sha, requirements hash) they run."""
    from .many import ManyFleet
    world.many = ManyFleet(world.fleet, max(sizes))
    world.many.create()
    world.reset_hosts()
    trueup.start("trueup-noop-prepare")
    try:
        sha = world.app.head()
        target = (sha, world.app.requirements_hash(sha))
        _deploy_untimed(world, trueup, target)
    finally:
        trueup.stop()
    world.many.copy_base(world.hosts[0].path(bw.BASE), bw.NOOP_PATH, "%s/%s" % (bw.APP, bw.NOOP_ENV))
    return target


def run_noop(world, tool, sizes, runs, target, rows):
    """Scenario 4: full inspections of already converged hosts, for each fleet size."""
    for n in sizes:
        addresses = world.many.addresses[:n]
        log("%s: no-op cycle over %d converged hosts" % (tool.name, n))
        tool.noop_begin(addresses, target)
        try:
            for run in range(1, runs + 1):
                logins = world.many.sshd_logins()
                commands = tool.ssh_commands() if tool.name == "trueup" else None
                with Meter(tool, world.many.links(), reset_peak=False) as meter:
                    end = tool.noop(addresses, target)
                row = Row(scenario="4", hosts=n, tool=tool.name, run=run, seconds=end - meter.start,
                          cpu_seconds=meter.cpu, peak_rss_bytes=meter.peak, wire_bytes=meter.bytes,
                          ssh_logins=world.many.sshd_logins() - logins)
                if commands is not None:
                    row["ssh_commands"] = tool.ssh_commands() - commands
                rows.append(row)
                log("  run %d: %.3fs (%s ssh commands, %d logins)" % (run, row["seconds"], row.get("ssh_commands"),
                                                                     row["ssh_logins"]))
            if tool.name == "trueup":  # the peak over the whole size, connecting included
                for r in rows[-runs:]:
                    r["peak_rss_bytes"] = measure.peak_rss_bytes(tool.pid)
        finally:
            tool.noop_end()
