"""What a run costs: wall time, the controller's CPU time and peak memory, bytes on the wire.

Times come from one clock (this machine's; the test hosts share its kernel), so a time a host
records (a restart mark) and one the harness records are comparable.
"""
import os
import statistics
import threading
import time

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid):
    """User plus system CPU time of process pid, its threads included."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def children_cpu_seconds():
    """CPU time of this process's waited-for descendants (what a finished command used)."""
    t = os.times()
    return t.children_user + t.children_system


def reset_peak_rss(pid):
    """Resets the kernel's record of pid's peak RSS (VmHWM) to its current RSS."""
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def peak_rss_bytes(pid):
    """pid's peak RSS since it started or since reset_peak_rss."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM for pid %d" % pid)


class TreeRss:
    """Samples the summed RSS of a process and all its descendants every `interval` seconds, in a
    thread, and keeps the highest sum: the peak memory of a tool that runs as many processes.
    When a sample takes long (a thousand forks), the next waits four times as long as it took,
    so that the sampling takes at most a fifth of a core from the tool it measures."""

    def __init__(self, root_pid, interval=0.05):
        self.root = root_pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self):
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                self.peak = max(self.peak, tree_rss_bytes(self.root))
            except Exception:
                pass
            self._stop.wait(max(self.interval, 4 * (time.monotonic() - began)))


def tree_rss_bytes(root):
    """The summed RSS of root and its descendants: walked down from root through the kernel's
    lists of each thread's children where it keeps them (CONFIG_PROC_CHILDREN), else found by
    reading every process's parent."""
    if not os.path.exists("/proc/%d/task/%d/children" % (root, root)):
        return _scanned_tree_rss_bytes(root)
    total = 0
    todo = [root]
    seen = set()
    while todo and len(seen) < 100000:  # bounded: a tree of at most that many processes
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open("/proc/%d/stat" % pid) as f:
                total += int(f.read().rsplit(")", 1)[1].split()[21]) * _PAGE
            for tid in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError, IndexError):
            continue  # it ended meanwhile
    return total


def _scanned_tree_rss_bytes(root):
    parents = {}
    rss = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * _PAGE
    total = 0
    for pid in rss:
        p = pid
        for _ in range(64):  # bounded walk up the tree
            if p == root:
                total += rss[pid]
                break
            p = parents.get(p, 0)
            if p <= 1:
                break
    return total


def link_bytes(links):
    """Bytes sent plus received on the given network interfaces (this side of each host's link)."""
    total = 0
    for link in links:
        for direction in ("rx_bytes", "tx_bytes"):
            with open("/sys/class/net/%s/statistics/%s" % (link, direction)) as f:
                total += int(f.read())
    return total


def summary(values):
    """(median, min, max) of values; (None, None, None) for none."""
    values = [v for v in values if v is not None]
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)

