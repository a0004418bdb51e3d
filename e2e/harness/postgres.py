"""Debian's PostgreSQL server, for the scenario of several trueup replicas: a cluster of its own
made with initdb as the `postgres` user, listening on 127.0.0.1 only, on a free port, with the
role and database that deploy/cluster/postgresql-setup.sql makes (as an operator would)."""
import glob
import os
import pwd
import secrets
import shutil
import signal

from . import proc, wait

SERVER_USER = "postgres"  # the Debian package's system user, which owns the data directory
ROLE = "trueup"
DATABASE = "trueup"


def server_bin():
    """The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


class Postgres:
    """One PostgreSQL server in `directory`: data, its socket and log. Can be stopped and started
    again on the same data (stop(immediate=True) is a crash: no checkpoint, connections cut)."""

    def __init__(self, directory, setup_sql, port):
        self.directory = directory
        self.data = os.path.join(directory, "data")
        self.socket_dir = os.path.join(directory, "run")
        self.log = os.path.join(directory, "postgresql.log")
        self.setup_sql = setup_sql
        self.port = port
        self.password = secrets.token_hex(16)
        self.bin = server_bin()
        if self.bin is None:
            raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql/*/bin (Debian's postgresql package)")

    @property
    def jdbc_url(self):
        return "jdbc:postgresql://127.0.0.1:%d/%s" % (self.port, DATABASE)

    def create(self):
        """initdb, start, and the role and database of deploy/cluster/postgresql-setup.sql."""
        user = pwd.getpwnam(SERVER_USER)
        for path in (self.directory, self.socket_dir):
            os.makedirs(path, exist_ok=True)
            os.chown(path, user.pw_uid, user.pw_gid)
        os.chmod(self.directory, 0o755)
        # Over TCP only with a password (scram); the admin's own session over the socket in our directory.
        self._as_server(["initdb", "-D", self.data, "-U", SERVER_USER, "--auth-local=peer",
                         "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-instructions"], timeout=120)
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as f:
            f.write("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"
                    # what a crash of the server keeps is the OS's: no need to wait for the disk
                    "fsync = off\n" % (self.port, self.socket_dir))
        self.start()
        self._as_server(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-p", str(self.port),
                         "-d", "postgres", "-v", "role=" + ROLE, "-v", "database=" + DATABASE,
                         "-v", "password=" + self.password, "-f", "-"],
                        input=_read(self.setup_sql), timeout=60)

    def start(self):
        """Starts the server on its data and waits until it accepts connections."""
        self._as_server(["pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"], timeout=90)

    def stop(self, immediate=False):
        """Stops the server: -m immediate is a crash (every connection cut at once), else -m fast."""
        self._as_server(["pg_ctl", "-D", self.data, "-w", "-t", "60", "stop", "-m",
                         "immediate" if immediate else "fast"], timeout=90)

    def running(self):
        return self.pid() is not None

    def pid(self):
        """The postmaster's pid, from postmaster.pid, if it runs on this data directory."""
        return postmaster_pid(self.data)

    def wait_accepting(self, timeout=60):
        wait.until("PostgreSQL on port %d to accept connections" % self.port,
                   lambda: self._as_server(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                                           check=False, timeout=10).returncode == 0,
                   timeout=timeout, interval=0.2)

    def destroy(self):
        """Stops the server (by its pid if pg_ctl cannot) and removes its directory."""
        try:
            if self.running():
                self.stop()
        except proc.CommandFailed:
            stop_leftover(self.directory)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _as_server(self, args, **kwargs):
        return proc.run(["runuser", "-u", SERVER_USER, "--", os.path.join(self.bin, args[0])] + args[1:],
                        cwd="/", **kwargs)


def postmaster_pid(data):
    """The pid in data/postmaster.pid when that process is a postgres of this data directory."""
    try:
        with open(os.path.join(data, "postmaster.pid")) as f:
            pid = int(f.readline().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            words = f.read().split(b"\0")
        if not words[0].endswith(b"postgres") or data.encode() not in words:
            return None
        return pid
    except (OSError, ValueError, IndexError):
        return None


def stop_leftover(directory):
    """Ends the server a crashed run left in directory, by the pid it recorded (SIGQUIT: immediate
    shutdown, which ends its children too); returns whether there was one."""
    pid = postmaster_pid(os.path.join(directory, "data"))
    if pid is None:
        return False
    os.kill(pid, signal.SIGQUIT)
    try:
        wait.until("the PostgreSQL a previous run left (pid %d) to exit" % pid,
                   lambda: postmaster_pid(os.path.join(directory, "data")) is None, timeout=30, interval=0.1)
    except wait.WaitTimeout:
        os.kill(pid, signal.SIGKILL)
    return True


def _read(path):
    with open(path) as f:
        return f.read()
