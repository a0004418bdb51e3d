"""Writes the results: the raw rows as CSV and, in docs/benchmarks.md, a table per scenario
(median, min and max over the runs, ratios to the baselines: the floor, and the faster of the two
Ansible playbooks), trueup's merge to first byte and its gaps between hosts in batches of 1, and
the targets of issue 18.

Only the part between the markers in docs/benchmarks.md is rewritten; the analysis around it
(what was profiled and fixed) is kept.
"""
import csv
import datetime
import os
import platform
import subprocess

from . import measure
from .scenarios import DEPLOYS, TRANSPORT_STEPS, TRANSPORTS, Row

BEGIN = "<!-- bench:results:begin (written by e2e/bench/run; edits here are lost) -->"
END = "<!-- bench:results:end -->"
TOOLS = ("trueup", "floor", "ansible", "ansible-fast", "tarball")
ANSIBLES = ("ansible", "ansible-fast")
FIRST_BYTE_MS = 300  # issue 18: merge to first byte under 300 ms, median and max


def write_csv(rows, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=Row.FIELDS)
        out.writeheader()
        for row in rows:
            out.writerow({k: _raw(row.get(k)) for k in Row.FIELDS})


def _raw(value):
    return "%.4f" % value if isinstance(value, float) else ("" if value is None else value)


def titles(host_count):
    found = {sid: title.format(n=host_count) for sid, title, *_ in DEPLOYS}
    found["4"] = "No-op cycle: a full inspection of {n} converged hosts"
    found["5"] = "Bytes on the wire for a code-only deploy to %d hosts (scenario 1, one batch)" % host_count
    return found


def median(rows, scenario, tool, field="seconds", hosts=None):
    return measure.summary([r.get(field) for r in rows if r["scenario"] == scenario and r["tool"] == tool
                            and (hosts is None or r["hosts"] == hosts)])[0]


def markdown(rows, context):
    lines = [BEGIN, "", "Measured %s on %s; %s. Each figure is over %d runs; ratios are of medians." % (
        context["date"], context["machine"], context["versions"], context["runs"]), ""]
    host_count = context["hosts"]
    names = titles(host_count)
    scenarios = [sid for sid, *_ in DEPLOYS if any(r["scenario"] == sid for r in rows)]
    lines += _which_ansible(rows, scenarios, names)
    for sid in scenarios:
        lines += ["### %s %s" % (sid, names[sid]), ""] + _table(rows, sid, None) + [""]
        if sid == "1-one":
            lines += _gaps(rows)
    lines += _first_byte(rows, scenarios)
    for n in sorted({r["hosts"] for r in rows if r["scenario"] == "4"}):
        lines += ["### 4 %s" % names["4"].format(n=n), ""] + _table(rows, "4", n) + [""] + _connections(rows, n)
    if any(r["scenario"] in ("1-all", "5-tarball") for r in rows):
        lines += ["### 5 %s" % names["5"], "", "| what | bytes, median | min | max |", "|---|---:|---:|---:|"]
        for tool, sid in (("trueup", "1-all"), ("floor", "1-all"), ("ansible", "1-all"), ("ansible-fast", "1-all"),
                          ("tarball", "5-tarball")):
            m = measure.summary([r["wire_bytes"] for r in rows if r["scenario"] == sid and r["tool"] == tool])
            if m[0] is not None:
                what = {"tarball": "the release as a .tar.gz (git archive), to every host"}.get(tool, tool)
                lines.append("| %s | %s | %s | %s |" % (what, *(_bytes(v) for v in m)))
        lines.append("")
    lines += _transports(rows, host_count)
    lines += _timings(context.get("timings") or {}, names)
    lines += ["### Targets", "", "| target | measured | met |", "|---|---|---|"] + _targets(rows, context) + ["", END]
    return "\n".join(lines) + "\n"


def _transports(rows, host_count):
    """Scenario 6: trueup's transports, git and archive, step by step."""
    if not any(r["scenario"].startswith("6-") for r in rows):
        return []
    out = ["### 6 trueup's transports on %d hosts: git and archive" % host_count, "",
           "| step | transport | median s | min s | max s | archive ÷ git | CPU s | bytes on the wire | bytes, archive ÷ git |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for sid, title in TRANSPORT_STEPS:
        git = median(rows, sid, "trueup-git")
        git_bytes = median(rows, sid, "trueup-git", field="wire_bytes")
        for transport in TRANSPORTS:
            tool = "trueup-" + transport
            mine = [r for r in rows if r["scenario"] == sid and r["tool"] == tool]
            if not mine:
                continue
            med, lo, hi = measure.summary([r["seconds"] for r in mine])
            cpu = measure.summary([r["cpu_seconds"] for r in mine])[0]
            wire = measure.summary([r["wire_bytes"] for r in mine])[0]
            archive = transport == "archive"
            out.append("| %s | %s | %.3f | %.3f | %.3f | %s | %s | %s | %s |" % (
                title, transport, med, lo, hi, _ratio(med, git) if archive else "", _num(cpu), _bytes(wire),
                _ratio(wire, git_bytes) if archive else ""))
    return out + [""]


def _table(rows, sid, hosts):
    out = ["| tool | median s | min s | max s | ÷ floor | Ansible ÷ tool | CPU s | peak RSS MB | bytes on the wire |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    floor = median(rows, sid, "floor", hosts=hosts)
    faster, ansible = faster_ansible(rows, sid, hosts)
    for tool in TOOLS:
        mine = [r for r in rows if r["scenario"] == sid and r["tool"] == tool and (hosts is None or r["hosts"] == hosts)]
        if not mine:
            continue
        med, lo, hi = measure.summary([r["seconds"] for r in mine])
        cpu = measure.summary([r["cpu_seconds"] for r in mine])[0]
        peak = max([r["peak_rss_bytes"] for r in mine if r.get("peak_rss_bytes")] or [0]) or None
        wire = measure.summary([r["wire_bytes"] for r in mine])[0]
        out.append("| %s | %.3f | %.3f | %.3f | %s | %s | %s | %s | %s |" % (
            tool, med, lo, hi, _ratio(med, floor), _ratio(ansible, med), _num(cpu), _mb(peak), _bytes(wire)))
    if faster:
        others = ["`%s` %.3f s" % (a, m) for a in ANSIBLES if a != faster
                  for m in [median(rows, sid, a, hosts=hosts)] if m is not None]
        out += ["", "Ansible ÷ tool: against `%s`, the faster Ansible here (median %.3f s%s)." % (
            faster, ansible, "; " + ", ".join(others) if others else "")]
    return out


def faster_ansible(rows, sid, hosts=None):
    """(name, median seconds) of the faster of the Ansible playbooks in scenario sid, by median;
    (None, None) when neither ran."""
    found = [(median(rows, sid, a, hosts=hosts), a) for a in ANSIBLES]
    found = [(m, a) for m, a in found if m is not None]
    if not found:
        return None, None
    m, a = min(found)
    return a, m


def _which_ansible(rows, scenarios, names):
    """Which of the two Ansible playbooks is faster, scenario by scenario."""
    keys = [(sid, None) for sid in scenarios] + [("4", n) for n in sorted({r["hosts"] for r in rows
                                                                           if r["scenario"] == "4"})]
    table = []
    for sid, n in keys:
        meds = [median(rows, sid, a, hosts=n) for a in ANSIBLES]
        if all(m is None for m in meds):
            continue
        faster, _ = faster_ansible(rows, sid, n)
        title = "%s %s" % (sid, names[sid].format(n=n)) if n else "%s %s" % (sid, names[sid])
        verdict = "`%s` (%.1f×)" % (faster, max(meds) / min(meds)) if None not in meds else "only `%s` ran" % faster
        table.append("| %s | %s | %s | %s |" % (title, *("%.3f" % m if m is not None else "—" for m in meds), verdict))
    if not table:
        return []
    return ["### Which Ansible is faster", "",
            "`ansible` is the playbook as measured before (deploy.yml, stat.yml: 50 forks, `stat` tasks as "
            "guards, ControlPersist 60 s); `ansible-fast` is what a skilled user writes for speed "
            "(deploy-fast.yml, stat-fast.yml: a fork per host, `creates:` guards, three module runs a host, "
            "`strategy: free`, `raw` for the no-op check, ControlPersist 10 min); see "
            "[e2e/bench/ansible/README.md](../e2e/bench/ansible/README.md). Each \"Ansible ÷ tool\" "
            "column below is against the faster of the two in its scenario, by median.", "",
            "| scenario | ansible, median s | ansible-fast, median s | faster (by how much) |",
            "|---|---:|---:|---|"] + table + [""]


def _gaps(rows):
    """Batches of 1 (scenario 1-one), trueup: the time between hosts, from its command log."""
    mine = [r for r in rows if r["scenario"] == "1-one" and r["tool"] == "trueup" and r.get("gaps_ms")]
    if not mine:
        return []
    out = ["Batches of 1, trueup: the gap between hosts, from the end of a host's deploy command (its "
           "`closed` in trueup's command log; 1-one has no health check, so that is the host's end) to the "
           "next host's first command (`open`), in milliseconds:", "",
           "| run | gaps | median ms | max ms |", "|---|---:|---:|---:|"]
    every = []
    for r in sorted(mine, key=lambda r: r["run"]):
        gaps = [float(g) for g in str(r["gaps_ms"]).split(";") if g]
        every += gaps
        out.append("| %s | %d | %.0f | %.0f |" % (r["run"], len(gaps), r["gap_median_ms"], r["gap_max_ms"]))
    med, _, hi = measure.summary(every)
    out.append("| all runs | %d | %.0f | %.0f |" % (len(every), med, hi))
    return out + [""]


def first_bytes(rows, scenarios=None):
    return [r["first_byte_ms"] for r in rows if r["tool"] == "trueup" and r.get("first_byte_ms") is not None
            and (scenarios is None or r["scenario"] in scenarios)]


def _first_byte(rows, scenarios):
    """trueup's merge to first byte, per deploy scenario."""
    table = []
    for sid in scenarios:
        mine = [r for r in rows if r["scenario"] == sid and r["tool"] == "trueup" and r.get("first_byte_ms") is not None]
        if not mine:
            continue
        med, _, hi = measure.summary([r["first_byte_ms"] for r in mine])
        names = sorted({r.get("first_command") for r in mine})
        table.append("| %s | %d | %.0f | %.0f | %s |" % (sid, len(mine), med, hi, ", ".join("`%s`" % n for n in names)))
    if not table:
        return []
    return ["### Merge to first byte", "",
            "trueup, from the webhook's arrival (the harness's POST; the change is already in desired state) to "
            "the first command it opens on a host (the first `open` line of its command log at or after the "
            "POST: commands before it, those of the rollout before, are not counted). Target: under "
            "%d ms, median and max." % FIRST_BYTE_MS, "",
            "| scenario | runs | median ms | max ms | first command |", "|---|---:|---:|---:|---|"] + table + [""]


def _connections(rows, n):
    """Scenario 4: SSH commands and new logins per cycle, and how many sshd served the hosts."""
    from .many import PER_NS
    parts = []
    for tool in ("trueup",) + ANSIBLES + ("floor",):
        mine = [r for r in rows if r["scenario"] == "4" and r["hosts"] == n and r["tool"] == tool]
        if not mine:
            continue
        logins = "/".join(map(str, sorted({r.get("ssh_logins") for r in mine})))
        cmds = sorted({r.get("ssh_commands") for r in mine if r.get("ssh_commands") is not None})
        parts.append("%s %s new logins%s" % (tool, logins, ", %s SSH commands" % "/".join(map(str, cmds)) if cmds else ""))
    if not parts:
        return []
    sshd = -(-n // PER_NS)
    return ["Per cycle (new logins from the hosts' sshd logs; SSH commands from trueup's metrics): %s. The %d hosts are addresses served by %d sshd "
            "process%s (up to %d addresses each), shared between them." % ("; ".join(parts), n, sshd,
                                                                        "es" if sshd > 1 else "", PER_NS), ""]


def _targets(rows, context):
    """Issue 18's targets: each measured and whether it is met."""
    out = []
    n = context["hosts"]
    t, f = median(rows, "1-all", "trueup", "wire_bytes"), median(rows, "1-all", "floor", "wire_bytes")
    out.append(_target("Bytes on the wire, code-only deploy to %d hosts: at most 1.5× the floor's" % n,
                       f and t and t / f, 1.5, "× the floor", le=True))
    t, f = median(rows, "3", "trueup"), median(rows, "3", "floor")
    out.append(_target("Rollback: at most 1.3× the floor", f and t and t / f, 1.3, "× the floor", le=True))
    t, f = median(rows, "1-one", "trueup"), median(rows, "1-one", "floor")
    out.append(_target("Batches of 1: at most 1.25× the floor", f and t and t / f, 1.25, "× the floor", le=True))
    big = max([r["hosts"] for r in rows if r["scenario"] == "4"] or [0])
    if big:
        at = "%d hosts" % big + ("" if big >= 1000 else " (1,000 not measured in this run)")
        t, f = median(rows, "4", "trueup", hosts=big), median(rows, "4", "floor", hosts=big)
        out.append(_target("No-op cycle over %s: at most 1.2× the floor" % at, f and t and t / f, 1.2, "× the floor",
                           le=True))
        mine = [r for r in rows if r["scenario"] == "4" and r["tool"] == "trueup" and r["hosts"] == big]
        peak = max([r.get("peak_rss_bytes") or 0 for r in mine] or [0])
        out.append(_target("No-op over %s: trueup's peak RSS under 300 MB (deploy/trueup.service's options)" % at,
                           peak / 1e6 if peak else None, 300, "MB", le=True, strict=True))
        if mine:
            logins = [r.get("ssh_logins") for r in mine]
            cmds = sorted({r.get("ssh_commands") for r in mine if r.get("ssh_commands") is not None})
            out.append("| No-op over %s: no new SSH logins per cycle | %s new logins per cycle (%s SSH commands) | %s |"
                       % (at, "/".join(map(str, sorted(set(logins)))), "/".join(map(str, cmds)) or "?",
                          "yes" if all(l == 0 for l in logins) else "**no**"))
    firsts = first_bytes(rows)
    if firsts:
        med, _, hi = measure.summary(firsts)
        out.append("| Merge to first byte under %d ms, median and max | median %.0f ms, max %.0f ms (%d runs of %s) | %s |"
                   % (FIRST_BYTE_MS, med, hi, len(firsts), ", ".join(sorted({r["scenario"] for r in rows
                                                                            if r.get("first_byte_ms") is not None})),
                      "yes" if hi < FIRST_BYTE_MS else "**no**"))
    else:
        out.append("| Merge to first byte under %d ms, median and max | not measured | — |" % FIRST_BYTE_MS)
    faster, a = faster_ansible(rows, "1-all")
    t = median(rows, "1-all", "trueup")
    out.append(_target("Code-only deploy to %d hosts: ≥ 20× faster than Ansible (the faster%s)" % (
                           n, ": `%s`" % faster if faster else " of the two"),
                       a and t and a / t, 20, "×"))
    return out


STEPS = ("fetch", "inspect", "cleanup", "prepare", "git-receive-pack", "verify", "release", "env", "switch",
         "restart", "health", "prune", "record", "reconcile")


def _column(name):
    """Orders the timers' columns as the steps run; a command of several steps (`release+switch`) by its first."""
    first = name.split("+")[0]
    return (STEPS.index(first) if first in STEPS else len(STEPS), name.count("+"), name)


def _timings(timings, names):
    """trueup's own timers per scenario: how many of each per run, and the mean time of one."""
    if not timings:
        return []
    steps = sorted({k for t in timings.values() for k in t if k != "_runs"}, key=_column)
    out = ["### Where trueup's time goes", "",
           "trueup's own timers (`trueup_ssh_command_seconds` by command, a command's steps joined with `+`; "
           "`trueup_desired_state_fetch_seconds`, `trueup_reconcile_duration_seconds`), per timed run: how many, "
           "× the mean milliseconds of one. `git-receive-pack` is a push of git objects, timed from its "
           "start to its end; it comes before the first command on a host. A deploy starts from what the "
           "last command of the rollout before it said each host held; the inspections counted here are "
           "those of hosts that had changed since.", "",
           "| scenario | " + " | ".join(steps) + " |", "|---|" + "---:|" * len(steps)]
    for (sid, n), entry in sorted(timings.items()):
        runs = entry["_runs"][0] or 1
        cells = []
        for step in steps:
            count, seconds = entry.get(step, (0, 0))
            cells.append("%g × %.0f" % (round(count / runs, 1), 1000 * seconds / count) if count else "")
        out.append("| %s (%d hosts) | %s |" % (sid, n, " | ".join(cells)))
    return out + [""]


def _target(what, value, bound, unit, le=False, strict=False):
    if not value:
        return "| %s | not measured | — |" % what
    met = (value < bound if strict else value <= bound) if le else value >= bound
    return "| %s | %.*f %s | %s |" % (what, 2 if value < 10 else 1, value, unit, "yes" if met else "**no**")


def update_doc(path, rows, context):
    block = markdown(rows, context)
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block.rstrip("\n") + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(text)


def context(runs, hosts):
    def out(args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return "?"
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ansible = out(["ansible-playbook", "--version"]).splitlines()[:1]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": "%d × %s, Linux %s" % (os.cpu_count(), model, platform.release()),
        "versions": "trueup %s, %s, %s" % (out(["git", "-C", os.path.dirname(__file__), "describe", "--always", "--dirty"]),
                                           ansible[0] if ansible else "ansible ?",
                                           (subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr.strip())),
        "runs": runs,
        "hosts": hosts,
    }


def _ratio(num, den):
    """num ÷ den: two decimals below 10 (targets such as 1.25× need them), one above."""
    if not (num and den):
        return "—"
    r = num / den
    return "%.2f×" % r if r < 10 else "%.1f×" % r


def _num(v):
    return "%.2f" % v if v is not None else "—"


def _mb(v):
    return "%.0f" % (v / 1e6) if v else "—"


def _bytes(v):
    if v is None:
        return "—"
    return "%.0f kB" % (v / 1e3) if v < 10e6 else "%.1f MB" % (v / 1e6)
