"""Writes the results: the raw rows as CSV and, in docs/benchmarks.md, a table per scenario
(median, min and max over the runs, ratios to the baselines) and the targets of issue 6.

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
TOOLS = ("trueup", "floor", "ansible", "tarball")


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
    for sid in scenarios:
        lines += ["### %s %s" % (sid, names[sid]), ""] + _table(rows, sid, None) + [""]
    for n in sorted({r["hosts"] for r in rows if r["scenario"] == "4"}):
        lines += ["### 4 %s" % names["4"].format(n=n), ""] + _table(rows, "4", n) + [""]
    if any(r["scenario"] in ("1-all", "5-tarball") for r in rows):
        lines += ["### 5 %s" % names["5"], "", "| what | bytes, median | min | max |", "|---|---:|---:|---:|"]
        for tool, sid in (("trueup", "1-all"), ("floor", "1-all"), ("ansible", "1-all"), ("tarball", "5-tarball")):
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
    ansible = median(rows, sid, "ansible", hosts=hosts)
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
    return out


def _targets(rows, context):
    out = []
    n = context["hosts"]
    t, a, f = (median(rows, "1-all", x) for x in ("trueup", "ansible", "floor"))
    out.append(_target("Code-only deploy to %d hosts: ≥ 20× faster than Ansible" % n, a and t and a / t, 20, "×"))
    out.append(_target("Code-only deploy to %d hosts: within 2× of the floor" % n, f and t and t / f, 2, "× the floor", le=True))
    t, f = median(rows, "3", "trueup"), median(rows, "3", "floor")
    out.append(_target("Rollback: within 2× of the floor", f and t and t / f, 2, "× the floor", le=True))
    big = max([r["hosts"] for r in rows if r["scenario"] == "4"] or [0])
    if big:
        t, a = median(rows, "4", "trueup", hosts=big), median(rows, "4", "ansible", hosts=big)
        out.append(_target("No-op inspection of %d hosts: ≥ 20× faster than Ansible's stat play" % big,
                           a and t and a / t, 20, "×"))
        peak = max([r.get("peak_rss_bytes") or 0 for r in rows if r["scenario"] == "4" and r["tool"] == "trueup"
                    and r["hosts"] == big] or [0])
        out.append(_target("trueup's peak RSS at %d hosts under 300 MB" % big, peak / 1e6 if peak else None, 300,
                           "MB", le=True))
        cmds = [r.get("ssh_commands") for r in rows if r["scenario"] == "4" and r["tool"] == "trueup" and r["hosts"] == big]
        logins = [r.get("ssh_logins") for r in rows if r["scenario"] == "4" and r["tool"] == "trueup" and r["hosts"] == big]
        if cmds:
            ok = all(c == big for c in cmds) and all(l == 0 for l in logins)
            out.append("| No-op at %d hosts: one SSH command per host, connections reused across cycles | "
                       "%s commands and %s new logins per cycle | %s |" % (big, "/".join(map(str, sorted(set(cmds)))),
                                                                          "/".join(map(str, sorted(set(logins)))),
                                                                          "yes" if ok else "**no**"))
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
           "start to its end; it comes before the first command on a host. A deploy starts from the "
           "inspection made after the rollout before it; the inspections counted here are those made after "
           "the rollout measured, once the run's time is taken, and those of hosts that had changed since.", "",
           "| scenario | " + " | ".join(steps) + " |", "|---|" + "---:|" * len(steps)]
    for (sid, n), entry in sorted(timings.items()):
        runs = entry["_runs"][0] or 1
        cells = []
        for step in steps:
            count, seconds = entry.get(step, (0, 0))
            cells.append("%g × %.0f" % (round(count / runs, 1), 1000 * seconds / count) if count else "")
        out.append("| %s (%d hosts) | %s |" % (sid, n, " | ".join(cells)))
    return out + [""]


def _target(what, value, bound, unit, le=False):
    if not value:
        return "| %s | not measured | — |" % what
    met = value <= bound if le else value >= bound
    return "| %s | %.1f %s | %s |" % (what, value, unit, "yes" if met else "**no**")


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
    return "%.1f×" % (num / den) if num and den else "—"


def _num(v):
    return "%.2f" % v if v is not None else "—"


def _mb(v):
    return "%.0f" % (v / 1e6) if v else "—"


def _bytes(v):
    if v is None:
        return "—"
    return "%.0f kB" % (v / 1e3) if v < 10e6 else "%.1f MB" % (v / 1e6)
