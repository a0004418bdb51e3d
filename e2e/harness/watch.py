"""A recorder of what the API and the hosts say while a scenario changes things."""
import threading
import time

from . import observe


class Watch:
    """Records, every ~50 ms until stopped, what the API says of each host and what each host
    serves, as a timeline of changes: [(seconds since start, host number, api state, api sha, served)]."""

    def __init__(self, world, interval=0.05):
        self.world = world
        self.interval = interval
        self.timeline = []
        self.api_docs = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.start = time.monotonic()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self):
        last = {}
        while not self._stop.is_set():
            try:
                doc = self.world.api()
            except Exception:
                doc = None
            if doc is not None and (not self.api_docs or self.api_docs[-1][1] != doc):
                self.api_docs.append((time.monotonic() - self.start, doc))
            for host in self.world.hosts:
                h = self.world.api_host(doc, host) or {}
                now = (h.get("state"), h.get("sha"), h.get("step"), observe.serving(host))
                if last.get(host.number) != now:
                    last[host.number] = now
                    self.timeline.append((time.monotonic() - self.start, host.number) + now)
            self._stop.wait(self.interval)

    def first(self, host, predicate):
        """The first time the host's (state, sha, step, served) matched predicate, or None."""
        for t, number, state, sha, step, served in self.timeline:
            if number == host.number and predicate(state, sha, step, served):
                return t
        return None

    def ever(self, predicate):
        return any(predicate(doc) for _, doc in self.api_docs)
