"""What the hosts really do, seen from outside trueup: what each serves over HTTP, and the state of
its deploy directory (read through the host's directory on this machine, as root)."""
import json
import os
import urllib.request

from . import proc
from .repos import APP_PATH

_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def healthz(host):
    """The body of GET http://<host>:8000/healthz from the root namespace, or None if it does not answer 200."""
    try:
        with _HTTP.open("http://%s:8000/healthz" % host.ip, timeout=1) as response:
            return json.load(response)
    except Exception:
        return None


def serving(host):
    """The SHA the host's app reports, or None."""
    body = healthz(host)
    return body.get("sha") if body else None


class Layout:
    """A host's <path>: current, previous, releases, envs and anything a deploy left half done."""

    def __init__(self, host, path=APP_PATH):
        self.host = host
        self.path = path
        self.base = host.path(path)
        self.exists = os.path.isdir(self.base)
        self.current = _release_of(readlink(os.path.join(self.base, "current")))
        self.previous = _release_of(readlink(os.path.join(self.base, "previous")))
        self.releases = {}   # sha -> env name its .venv links to (or None)
        self.switched = {}   # sha -> when trueup last switched to it (seconds since the epoch, 0 if never)
        self.envs = {}       # env name -> (inode, mtime_ns) of .trueup-complete, or None if partial
        self.leftovers = []  # paths relative to base
        if not self.exists:
            return
        for name in listdir(os.path.join(self.base, "releases")):
            if name.startswith("."):
                self.leftovers.append("releases/" + name)
                continue
            link = readlink(os.path.join(self.base, "releases", name, ".venv"))
            self.releases[name] = link.rsplit("/", 1)[-1] if link and link.startswith("../../envs/") else link
            # A release unpacked from an archive (transport: archive) keeps its marks in .trueup-release/.
            marks = os.path.join(self.base, "releases", name, ".trueup-release")
            if not os.path.isdir(marks):
                marks = os.path.join(self.base, "releases", name, ".git")
            self.switched[name] = _number(os.path.join(marks, "trueup-switched"))
        for name in listdir(os.path.join(self.base, "envs")):
            marker = os.path.join(self.base, "envs", name, ".trueup-complete")
            if os.path.exists(marker):
                st = os.stat(marker)
                self.envs[name] = (st.st_ino, st.st_mtime_ns)
            else:
                self.envs[name] = None
                self.leftovers.append("envs/%s (partial env)" % name)
        for name in listdir(self.base):
            if ".new." in name:  # an earlier trueup's new link, never renamed
                self.leftovers.append(name)
        for name in listdir(os.path.join(self.base, ".trueup", "links")):  # switch's, never renamed
            self.leftovers.append(".trueup/links/" + name)

    def release_dir(self, sha):
        return os.path.join(self.base, "releases", sha)

    def release_inode(self, sha):
        return os.stat(self.release_dir(sha)).st_ino

    def env_of_current(self):
        return self.releases.get(self.current)

    def site_packages(self, env):
        """Top-level names in the env's site-packages."""
        lib = os.path.join(self.base, "envs", env, "lib")
        names = set()
        for py in listdir(lib):
            names.update(n for n in listdir(os.path.join(lib, py, "site-packages")) if n != "__pycache__")
        return sorted(names)

    def git(self, sha, *args):
        return proc.run(["git", "-c", "safe.directory=*", "-C", self.release_dir(sha)] + list(args), check=False)

    def problems(self, sha, keep=None):
        """What is wrong or lost, for a host that should run sha: [] when the host is whole.
        keep: how many releases a deploy that just succeeded leaves (None: not checked)."""
        found = []
        if not self.exists:
            return ["%s does not exist" % self.path]
        if self.current != sha:
            found.append("current is %s, not %s" % (self.current, sha[:12]))
        for release, env in sorted(self.releases.items()):
            if env is None or self.envs.get(env) is None:
                found.append("release %s links to env %s, which is missing or partial" % (release[:12], env))
        if self.current in self.releases:
            head = self.git(self.current, "rev-parse", "HEAD").stdout.strip()
            if head != self.current:
                found.append("release %s is checked out at %s" % (self.current[:12], head or "nothing"))
            changes = self.git(self.current, "status", "--porcelain", "--untracked-files=all").stdout.strip()
            if changes:
                found.append("release %s differs from its commit: %s" % (self.current[:12], changes))
        if self.previous is not None and self.previous not in self.releases:
            found.append("previous points at %s, which is gone (nothing to roll back to)" % self.previous[:12])
        if keep is not None and len(self.releases) > keep:
            found.append("%d releases kept, more than keep=%d" % (len(self.releases), keep))
        repo = os.path.join(self.base, "repo.git")
        if proc.run(["git", "-c", "safe.directory=*", "--git-dir", repo, "cat-file", "-e", sha + "^{commit}"],
                    check=False).returncode != 0:
            found.append("repo.git lacks commit %s" % sha[:12])
        if self.leftovers:
            found.append("leftovers: " + ", ".join(sorted(self.leftovers)))
        return found


def app_pid(host):
    """The pid the app's restart recorded in $HOME/run/hello.pid, if that process runs."""
    return running_pid(host, "/srv/home/run/hello.pid")


def running_pid(host, pid_file):
    """The pid recorded in pid_file (a path under /srv on the host), if that process runs."""
    try:
        with open(host.path(pid_file)) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def _number(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def _release_of(link):
    if link and link.startswith("releases/"):
        return link[len("releases/"):]
    return link


def readlink(path):
    """The target of the link at path, or None."""
    try:
        return os.readlink(path)
    except OSError:
        return None


def listdir(path):
    """The sorted names in directory path; none when it cannot be read."""
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []
