"""Bounded waits that poll a condition: the only way the suite waits for anything."""
import time


class WaitTimeout(AssertionError):
    pass


def until(what, probe, timeout=90.0, interval=0.2):
    """Calls probe() every interval seconds until it returns a truthy value, and returns that value.

    Raises WaitTimeout after timeout seconds, naming what was awaited and the last thing probe
    returned or raised (a probe may raise to say "not yet, and here is why").
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = probe()
            if value:
                return value
            last = value
        except Exception as e:  # a probe that raises is "not yet"; its message is kept
            last = "%s: %s" % (type(e).__name__, e)
        if time.monotonic() >= deadline:
            raise WaitTimeout("timed out after %.0fs waiting for %s; last: %s" % (timeout, what, _short(last)))
        time.sleep(interval)


def _short(value, limit=1500):
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + "..."
