"""Test hosts: each a network namespace on its own veth link, running Debian's OpenSSH sshd
with its own host keys in its own mount namespace, where a per-host directory is bound at /srv.

Every host has the same paths and different contents, as real hosts do. Everything made here
is named with PREFIX, so a later run can find and remove what a crashed run left behind.
"""
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time

from . import proc, wait

PREFIX = "tu-e2e"
ROOT = "/var/tmp/" + PREFIX
USER = PREFIX + "-deploy"  # the SSH user on every host; its home is /srv/home on each
SSHD = "/usr/sbin/sshd"
PRIVSEP_DIR = "/run/sshd"
HOST_KEY_TYPES = ("rsa", "ecdsa", "ed25519")  # what Debian's openssh-server makes
IPV6_HOST = 3  # the host also reachable over IPv6, and named by its IPv6 address in desired state

SSHD_CONFIG = """\
# sshd of e2e test host {name} ({ip}); started by e2e/run
Port 22
ListenAddress {ip}
HostKey {keys}/ssh_host_rsa_key
HostKey {keys}/ssh_host_ecdsa_key
HostKey {keys}/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile {authorized_keys}
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers {user}
UsePAM no
PermitUserEnvironment yes
LogLevel VERBOSE
MaxStartups 100
"""


class Host:
    """One test host. Its address is reachable from the root namespace only over its own link."""

    def __init__(self, number):
        self.number = number
        self.name = "%s-h%d" % (PREFIX, number)  # the netns and the root side of the veth pair
        self.ip = "10.231.%d.2" % number
        self.gateway = "10.231.%d.1" % number
        # A ULA on the same link: trueup reaches this host over IPv6 only (desired state names it so).
        self.ip6 = "fd00:231:%d::2" % number if number == IPV6_HOST else None
        self.gateway6 = "fd00:231:%d::1" % number if number == IPV6_HOST else None
        self.dir = os.path.join(ROOT, "hosts", "h%d" % number)
        self.srv = os.path.join(self.dir, "srv")  # bound at /srv inside the host
        self.keys = os.path.join(self.dir, "ssh")
        self.config = os.path.join(self.keys, "sshd_config")
        self.log = os.path.join(self.dir, "sshd.log")
        self.sshd = None
        self.git_hidden = False  # whether sshd (and so every login) runs with git not installed

    @property
    def addresses(self):
        """The host's addresses on its link (one; a benchmark's namespace serves many)."""
        return [self.ip]

    @property
    def address(self):
        """The host as desired state names it, and as trueup's status, history and messages show it:
        its IPv4 address, or its IPv6 address in brackets."""
        return "[%s]" % self.ip6 if self.ip6 else self.ip

    @property
    def bare(self):
        """What {host} in a template and TRUEUP_HOST in a hook are on this host: the address without brackets."""
        return self.ip6 or self.ip

    def __repr__(self):
        return "h%d (%s)" % (self.number, self.address)

    def path(self, inside):
        """The root namespace's path of a path under /srv on this host."""
        assert inside.startswith("/srv/"), inside
        return os.path.join(self.srv, inside[len("/srv/"):])

    def create(self, authorized_keys, user):
        os.makedirs(self.keys)
        os.makedirs(os.path.join(self.srv, "home"))
        for path in (self.srv, os.path.join(self.srv, "home")):
            os.chown(path, user.pw_uid, user.pw_gid)
        self.new_host_keys()
        with open(self.config, "w") as f:
            f.write(SSHD_CONFIG.format(name=self.name, ip=self.ip, keys=self.keys, user=USER,
                                       authorized_keys=authorized_keys))
            if self.ip6:
                f.write("ListenAddress %s\n" % self.ip6)
        self.create_link()

    def create_link(self):
        """The network namespace and its veth link: this side self.gateway, the host's side eth0
        with every address of the host."""
        proc.run(["ip", "netns", "add", self.name])
        proc.run(["ip", "link", "add", self.name, "type", "veth", "peer", "name", "eth0", "netns", self.name])
        proc.run(["ip", "addr", "add", self.gateway + "/24", "dev", self.name])
        proc.run(["ip", "link", "set", self.name, "up"])
        proc.run(["ip", "-n", self.name, "link", "set", "lo", "up"])
        proc.run(["ip", "-n", self.name, "-batch", "-"],
                 input="".join("addr add %s/24 dev eth0\n" % a for a in self.addresses))
        proc.run(["ip", "-n", self.name, "link", "set", "eth0", "up"])
        if self.ip6:
            # nodad: usable at once, without waiting for duplicate address detection
            proc.run(["ip", "-6", "addr", "add", self.gateway6 + "/64", "dev", self.name, "nodad"])
            proc.run(["ip", "-n", self.name, "-6", "addr", "add", self.ip6 + "/64", "dev", "eth0", "nodad"])

    def new_host_keys(self):
        """Makes new host keys, as a reinstalled host has; sshd uses them from its next start."""
        for kind in HOST_KEY_TYPES:
            key = os.path.join(self.keys, "ssh_host_%s_key" % kind)
            for old in (key, key + ".pub"):
                if os.path.exists(old):
                    os.remove(old)
            proc.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "%s@%s" % (kind, self.name), "-f", key])

    def known_hosts_lines(self):
        """known_hosts lines for this host's current keys, as ssh-keyscan prints them."""
        lines = []
        for kind in HOST_KEY_TYPES:
            with open(os.path.join(self.keys, "ssh_host_%s_key.pub" % kind)) as f:
                key_type, blob = f.read().split()[:2]
            lines += ["%s %s %s" % (address, key_type, blob) for address in self.addresses]
            if self.ip6:
                lines.append("%s %s %s" % (self.ip6, key_type, blob))  # as OpenSSH writes it for port 22
        return lines

    # sshd

    def start_sshd(self):
        """Starts sshd in the host's namespaces and waits until it greets."""
        assert self.sshd is None or self.sshd.poll() is not None, "sshd of %s runs already" % self
        log = open(self.log, "a")
        log.write("=== e2e: sshd started at %s\n" % time.strftime("%H:%M:%S"))
        log.flush()
        # ip netns exec, unshare and sh each exec the next, so this pid ends up being sshd's.
        # With git hidden, an empty file that is no program is bound over each git command, and an
        # empty directory over git's own: the host has no git for whatever its logins run.
        nothing = os.path.join(self.dir, "no-git")
        if self.git_hidden:
            os.makedirs(nothing, exist_ok=True)
            _write_empty(nothing + "/git")
        hide = ('for f in /usr/bin/git /usr/bin/git-*; do [ ! -e "$f" ] || mount --bind "$5/git" "$f" || exit 1; done; '
                '[ ! -d /usr/lib/git-core ] || mount --bind "$5" /usr/lib/git-core || exit 1; ') if self.git_hidden else ""
        self.sshd = subprocess.Popen(
            ["ip", "netns", "exec", self.name, "unshare", "--mount", "--propagation", "private",
             "sh", "-c", 'mount --bind "$1" /srv && ' + hide + 'exec "$2" -D -f "$3" -E "$4"', "sh",
             self.srv, SSHD, self.config, self.log, nothing],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        log.close()
        wait.until("sshd of %s to greet on port 22" % self, self._greets, timeout=30, interval=0.05)

    def _greets(self):
        if self.sshd.poll() is not None:
            raise AssertionError("sshd exited with %s; see %s" % (self.sshd.returncode, self.log))
        for ip in [self.ip] + ([self.ip6] if self.ip6 else []):
            with socket.create_connection((ip, 22), timeout=1) as s:
                s.settimeout(2)
                if not s.recv(64).startswith(b"SSH-2.0-"):
                    return False
        return True

    def hide_git(self, hidden):
        """Restarts sshd with git hidden from every login (not installed, as far as they can
        tell), or with it back."""
        self.stop_sshd()
        self.git_hidden = hidden
        self.start_sshd()

    def has_git(self):
        """Whether a command in the mount namespace of the host's sshd finds git on a login's PATH."""
        found = proc.run(["nsenter", "--target", str(self.sshd.pid), "--mount", "--", "sh", "-c",
                          "PATH=/usr/local/bin:/usr/bin:/bin; command -v git"], check=False)
        return found.returncode == 0

    def stop_sshd(self):
        """Stops sshd and every session it runs, as a host whose sshd stopped and dropped its
        connections; processes the sessions started (the app) keep running."""
        pids = [pid for pid in self.pids() if _exe(pid) == SSHD]
        _stop(pids)
        if self.sshd is not None:
            self.sshd.wait(timeout=10)
            self.sshd = None

    def sshd_running(self):
        return self.sshd is not None and self.sshd.poll() is None

    # network

    def link_down(self):
        """Cuts the host off: its side of the link goes down, so packets to it are lost."""
        proc.run(["ip", "-n", self.name, "link", "set", "eth0", "down"])

    def slow_down(self, rate):
        """Limits what this machine sends to the host to `rate` (tc's syntax: 8mbit), as a slow link."""
        proc.run(["tc", "qdisc", "replace", "dev", self.name, "root", "tbf", "rate", rate,
                  "burst", "32kbit", "latency", "400ms"])

    def full_speed(self):
        proc.run(["tc", "qdisc", "del", "dev", self.name, "root"], check=False)

    def link_up(self):
        proc.run(["ip", "-n", self.name, "link", "set", "eth0", "up"])
        # the connected route comes back with the link; the address stayed
        wait.until("link of %s to be up" % self, self._link_is_up, timeout=10, interval=0.05)

    def _link_is_up(self):
        return self.link_state() == "UP"

    def link_state(self):
        """The operational state of the host's side of its link: UP, DOWN, ..."""
        return json.loads(proc.out(["ip", "-n", self.name, "-j", "link", "show", "eth0"]))[0]["operstate"]

    # processes and files

    def pids(self):
        done = proc.run(["ip", "netns", "pids", self.name], check=False)
        return [int(p) for p in done.stdout.split()] if done.returncode == 0 else []

    def processes(self):
        """{pid: command line} of every process in the host's network namespace."""
        found = {}
        for pid in self.pids():
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    found[pid] = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                pass
        return found

    def stop_apps(self):
        """Stops every process of the host but sshd (the app and anything it started)."""
        _stop([pid for pid in self.pids() if _exe(pid) != SSHD])

    def destroy(self):
        _stop(self.pids())
        if self.sshd is not None:
            try:
                self.sshd.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.sshd = None
        proc.run(["ip", "link", "del", self.name], check=False)
        proc.run(["ip", "netns", "del", self.name], check=False)


class Fleet:
    """K test hosts, the SSH user they share, a client key and the known_hosts file for them."""

    def __init__(self, count):
        self.hosts = [Host(n) for n in range(1, count + 1)]
        self.client_key = os.path.join(ROOT, "client", "id_ecdsa")
        self.authorized_keys = os.path.join(ROOT, "authorized", "authorized_keys")
        self.known_hosts = os.path.join(ROOT, "client", "known_hosts")
        self.made_privsep_dir = False
        self.made_srv = False

    def create(self):
        os.makedirs(ROOT, mode=0o755)
        os.chmod(ROOT, 0o755)
        os.makedirs(os.path.dirname(self.client_key), mode=0o700)
        os.makedirs(os.path.dirname(self.authorized_keys), mode=0o755)
        # trueup's SSH client (Apache MINA without Bouncy Castle) logs in with ECDSA or RSA keys.
        proc.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "trueup-e2e",
                  "-f", self.client_key])
        shutil.copy(self.client_key + ".pub", self.authorized_keys)
        os.chmod(self.authorized_keys, 0o644)
        if not os.path.isdir(PRIVSEP_DIR):
            os.makedirs(PRIVSEP_DIR, mode=0o755)
            self.made_privsep_dir = True
        if not os.path.isdir("/srv"):
            os.makedirs("/srv", mode=0o755)
            self.made_srv = True
        proc.run(["useradd", "--no-create-home", "--home-dir", "/srv/home", "--shell", "/bin/sh",
                  "--password", "*", "--user-group", USER])
        user = pwd.getpwnam(USER)
        for host in self.hosts:
            host.create(self.authorized_keys, user)
        self.write_known_hosts()
        for host in self.hosts:
            host.start_sshd()

    def write_known_hosts(self):
        with open(self.known_hosts, "w") as f:
            for host in self.hosts:
                f.write("\n".join(host.known_hosts_lines()) + "\n")

    def user(self):
        return pwd.getpwnam(USER)

    def destroy(self):
        """Removes every host, the user and the directories this fleet made."""
        errors = []
        for host in self.hosts:
            try:
                host.destroy()
            except Exception as e:
                errors.append("%s: %s" % (host, e))
        _remove_user(errors)
        if self.made_privsep_dir:
            shutil.rmtree(PRIVSEP_DIR, ignore_errors=True)
        if self.made_srv:
            try:
                os.rmdir("/srv")
            except OSError as e:
                errors.append("/srv: %s" % e)
        shutil.rmtree(ROOT, ignore_errors=True)
        if errors:
            raise RuntimeError("cleanup incomplete: " + "; ".join(errors))


def remove_leftovers():
    """Removes what a previous run that crashed left: namespaces, links, processes, the user, files.

    Returns what it removed, for the log. Finds everything by the names this module gives it and
    ends processes by their ids only: those in the suite's namespaces, and those of its user.
    """
    removed = []
    for line in proc.out(["ip", "netns", "list"]).splitlines():
        name = line.split()[0] if line.strip() else ""
        if name.startswith(PREFIX + "-"):
            _stop([int(p) for p in proc.out(["ip", "netns", "pids", name], check=False).split()])
            proc.run(["ip", "netns", "del", name], check=False)
            removed.append("netns " + name)
    for line in proc.out(["ip", "-br", "link", "show"]).splitlines():
        name = line.split()[0].split("@")[0] if line.strip() else ""
        if name.startswith(PREFIX + "-"):
            proc.run(["ip", "link", "del", name], check=False)
            removed.append("link " + name)
    try:
        uid = pwd.getpwnam(USER).pw_uid
    except KeyError:
        uid = None
    if uid is not None:
        _remove_user([])
        removed.append("user " + USER)
    if os.path.exists(ROOT):
        shutil.rmtree(ROOT, ignore_errors=True)
        removed.append(ROOT)
    return removed


def _remove_user(errors):
    """Ends the user's processes (by pid) and removes the user, trying again for a few seconds
    while processes that were starting as the namespaces went away are still being reaped."""
    try:
        uid = pwd.getpwnam(USER).pw_uid
    except KeyError:
        return
    deadline = time.monotonic() + 15
    while True:
        _stop([pid for pid in _all_pids() if _uid(pid) == uid and _alive(pid)], grace=2)
        done = proc.run(["userdel", USER], check=False)
        if done.returncode == 0:
            return
        if time.monotonic() >= deadline:
            errors.append("userdel %s: %s" % (USER, done.stderr.strip()))
            return
        time.sleep(0.2)


def _stop(pids, grace=5.0):
    """Ends the given processes: SIGTERM, then SIGKILL for those still there after grace seconds."""
    pids = [p for p in pids if p != os.getpid()]
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    for pid in pids:
        if _alive(pid):
            _signal(pid, signal.SIGKILL)


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def _exe(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return None


def _uid(pid):
    try:
        return os.stat("/proc/%d" % pid).st_uid
    except OSError:
        return None


def _all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _write_empty(path):
    """An empty file that no one may run."""
    with open(path, "w"):
        pass
    os.chmod(path, 0o644)
