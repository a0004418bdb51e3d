"""trueup's command log: what lies between the webhook and a rollout's first byte, and between the
hosts of batches of 1.

With logger `io.trueup.ssh.commands` at DEBUG, trueup's MinaRemoteShell logs `open <user@host[:port]>
<command name>` as each command's channel is asked for (its first byte to the host; a push of git
objects shows as `git-receive-pack`) and `closed <target> <name> <exit status>` as a command ends.
The harness starts trueup with that logger at DEBUG and instants to the millisecond with their
offset in its log format (world.py), so that a line's time compares with time.time() here.
"""
import datetime
import os
import re
import statistics
from collections import namedtuple

# the config file's lines that turn the command log on (harness.trueup.Trueup's extra_config)
CONFIG = 'quarkus.log.category."io.trueup.ssh.commands".level=DEBUG\n'

_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})(Z|[+-]\d\d:?\d\d) +DEBUG +\[[^\]]*\] "
                   r"(open|closed) (\S+) (\S+)(?: (\S+))?\s*$")

Event = namedtuple("Event", "time kind target name status")


def read(path, offset=0):
    """([Event], the offset after the last whole line read) of the log at path from offset."""
    events = []
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read()
    end = data.rfind(b"\n") + 1
    for raw in data[:end].decode(errors="replace").splitlines():
        event = parse(raw)
        if event is not None:
            events.append(event)
    return events, offset + end


def size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def parse(line):
    """The Event of a command-log line, or None for any other line."""
    m = _LINE.match(line)
    if m is None:
        return None
    stamp, offset, kind, target, name, status = m.groups()
    zone = datetime.timezone.utc if offset == "Z" else datetime.timezone(
        datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[-2:])) * (-1 if offset[0] == "-" else 1))
    moment = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=zone).timestamp()
    return Event(moment, kind, target, name, status)


def first_byte(events, since):
    """(seconds from `since` to the first command opened at or after it, that command's name), or
    None when none was. Commands before `since` (those of the rollout before) are not
    counted; the log's instants are to the millisecond, so `since` is taken to the millisecond below."""
    floor = int(since * 1000) / 1000.0
    opened = [e for e in events if e.kind == "open" and e.time >= floor]
    if not opened:
        return None
    first = min(opened, key=lambda e: e.time)
    return max(0.0, first.time - since), first.name


def deploys(events):
    """{target: (open, closed)} of each host's deploy command: the command whose steps (its name,
    steps joined with +) include `switch`, the first one a host got."""
    found = {}
    for e in sorted(events, key=lambda e: e.time):
        if "switch" not in e.name.split("+"):
            continue
        if e.kind == "open" and e.target not in found:
            found[e.target] = [e.time, None]
        elif e.kind == "closed" and e.target in found and found[e.target][1] is None:
            found[e.target][1] = e.time
    return {t: tuple(v) for t, v in found.items() if v[1] is not None}


def gaps(events):
    """Batches of 1: for each host after the first, in the order they were deployed, the seconds from
    the end of the previous host's deploy command (its `closed`) to this host's first command opened
    after that (a push made before it, ahead of the batch, is not in the gap)."""
    done = sorted(deploys(events).items(), key=lambda item: item[1][0])
    out = []
    for (_, (_, previous_end)), (target, (opened, _)) in zip(done, done[1:]):
        starts = [e.time for e in events if e.kind == "open" and e.target == target and e.time >= previous_end]
        out.append(max(0.0, min(starts or [opened]) - previous_end))
    return out


def summary_ms(values):
    """(median, max) of seconds, in milliseconds; (None, None) for none."""
    if not values:
        return None, None
    return 1000 * statistics.median(values), 1000 * max(values)
