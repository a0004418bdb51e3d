"""What the hosts themselves record of who worked on them (scenario 17): each base directory's
lock owner, read as it changes, and which replica each owner is; each host's deploy log and sshd's
log of the sessions it started."""
import json
import os
import threading
import time


class LockWatch:
    """Who holds the lock of each base directory on each host, read from the host's own
    <path>/.trueup/lock every 20 ms: a record of each change, [(time, holder or None)].

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
                holder, pid = _holder_and_pid(host.path(path + "/.trueup/lock"))
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
                found.append("%s held it again at %s after %s" % (holder, clock(start), seen[-1]))
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
                lines.append("%s %s %s-%s %s (%s)" % (host, path, clock(start), clock(end), holder, name))
        return "\n".join(lines) + "\n"


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


def clock(t):
    return time.strftime("%H:%M:%S", time.localtime(t)) + (".%02d" % int((t % 1) * 100))
