"""trueup as a user runs it: the packaged application (java -jar), configured by its config file
(config/application.properties in its working directory) and its environment."""
import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from . import wait

CONFIG = """\
# trueup's config file for the e2e suite (written by e2e/run). The desired-state URL, the SSH
# identity, known_hosts, user, secrets directory, the API's token and HTTP port come from the
# environment, as TRUEUP_* variables.
trueup.poll-interval={poll_interval}
trueup.state-dir={state_dir}
trueup.ssh.connect-timeout=3s
trueup.ssh.command-timeout=30s
"""

NOTIFY = """# Notifications go to the suite's receiver, signed with its secret.
trueup.notify.e2e.kind=webhook
trueup.notify.e2e.url={url}
trueup.notify.e2e.secret={secret}
"""

_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


_HTTP_AS_IS = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def service_java_options(source_root):
    """The JVM options deploy/trueup.service starts trueup with (the words between java and -jar
    in its ExecStart), so the suites run trueup as it is deployed."""
    with open(os.path.join(source_root, "deploy", "trueup.service")) as f:
        for line in f:
            if line.startswith("ExecStart="):
                words = shlex.split(line[len("ExecStart="):])
                return words[1:words.index("-jar")]
    raise RuntimeError("deploy/trueup.service has no ExecStart line")


class Trueup:
    def __init__(self, java, jar, workdir, desired_url, identity, known_hosts, user, poll_interval="1s",
                 java_options=(), notify=None, extra_config="", tokens=None, extra_env=None):
        """extra_config: more lines of its config file; tokens: (action token, read token) to use
        rather than new ones (replicas of one trueup share them); extra_env: more variables."""
        self.java = java
        self.java_options = list(java_options)
        self.jar = jar
        self.workdir = workdir
        self.state_dir = os.path.join(workdir, "state")
        self.pidfile = os.path.join(workdir, "trueup.pid")
        # Templates' {secret:NAME}: the file NAME here. Only root (trueup's user) reads it.
        self.secrets_dir = os.path.join(os.path.dirname(workdir), "secrets")
        # The bearer token of the API's actions (pause, resume, abort, retry), as an operator sets it.
        self.token = tokens[0] if tokens else secrets.token_hex(16)
        # The token every read of the API and the dashboard needs (trueup.api.read-token).
        self.read_token = tokens[1] if tokens else secrets.token_hex(16)
        self.env = dict(os.environ)
        self.env.update({
            "TRUEUP_DESIRED_STATE_URL": desired_url,
            "TRUEUP_SSH_IDENTITY": identity,
            "TRUEUP_SSH_KNOWN_HOSTS": known_hosts,
            "TRUEUP_SSH_USER": user,
            "TRUEUP_SECRETS_DIR": self.secrets_dir,
            "TRUEUP_API_TOKEN": self.token,
            "TRUEUP_API_READ_TOKEN": self.read_token,
        })
        self.env.update(extra_env or {})
        self.extra_config = extra_config
        self.poll_interval = poll_interval
        self.notify = notify  # a notify.Receiver, or None for no notifications
        self.process = None
        self.port = None
        self.log = None

    def start(self, log):
        """Starts trueup, logging to the file log, and waits until its API answers."""
        self.launch(log)
        self.wait_answering()

    def launch(self, log):
        """Starts trueup, logging to the file log, without waiting for it."""
        assert not self.running(), "trueup runs already"
        os.makedirs(os.path.join(self.workdir, "config"), exist_ok=True)
        os.makedirs(self.secrets_dir, mode=0o700, exist_ok=True)
        os.chmod(self.secrets_dir, 0o700)
        with open(os.path.join(self.workdir, "config", "application.properties"), "w") as f:
            f.write(CONFIG.format(poll_interval=self.poll_interval, state_dir=self.state_dir))
            if self.notify is not None:
                f.write(NOTIFY.format(url=self.notify.url, secret=self.notify.secret))
            f.write(self.extra_config)
        self.port = _free_port()
        env = dict(self.env, QUARKUS_HTTP_PORT=str(self.port))
        self.log = log
        with open(log, "a") as out:
            out.write("=== e2e: java %s -jar %s (port %d) at %s\n" % (" ".join(self.java_options), self.jar, self.port,
                                                                    time.strftime("%H:%M:%S")))
            out.flush()
            self.process = subprocess.Popen([self.java] + self.java_options + ["-jar", self.jar], cwd=self.workdir, env=env,
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        with open(self.pidfile, "w") as f:
            f.write("%d\n" % self.process.pid)

    def wait_answering(self, timeout=90):
        wait.until("trueup's API to answer (log: %s)" % self.log, self._answers, timeout=timeout, interval=0.1)

    def _answers(self):
        if self.process.poll() is not None:
            raise AssertionError("trueup exited with %s" % self.process.returncode)
        return self.status() is not None

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """Stops trueup as a service manager would: SIGTERM, SIGKILL if it has not exited in 20s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._forget()

    def kill(self):
        """SIGKILL: trueup gets no chance to clean up."""
        self.process.kill()
        self.process.wait(timeout=10)
        self._forget()

    def _forget(self):
        self.process = None
        if os.path.exists(self.pidfile):
            os.remove(self.pidfile)

    def get(self, path):
        """GET path of the API as JSON; None for 404 or when nothing answers."""
        text = self.text(path)
        return None if text is None else json.loads(text)

    def text(self, path, timeout=5):
        """GET path (the API, /q/metrics) as text, with the read token; None for 404 or when nothing answers."""
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path),
                                         headers={"Authorization": "Bearer " + self.read_token})
        try:
            with _HTTP.open(request, timeout=timeout) as response:
                return response.read().decode()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            return None

    def anonymous(self, path):
        """The HTTP status of GET path without any token, redirects not followed."""
        try:
            with _HTTP_AS_IS.open("http://127.0.0.1:%d%s" % (self.port, path), timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    def post(self, path):
        """POST path of the API (an action) with the bearer token; (HTTP status, JSON body)."""
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=b"", method="POST",
                                         headers={"Authorization": "Bearer " + self.token})
        try:
            with _HTTP.open(request, timeout=10) as response:
                return response.status, json.loads(response.read().decode() or "null")
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            try:
                return e.code, json.loads(body)
            except ValueError:
                return e.code, body

    def act(self, app, env, action):
        """POST /api/apps/<app>/<env>/<action>; the action's result, failing unless it answers 202."""
        code, body = self.post("/api/apps/%s/%s/%s" % (app, env, action))
        if code != 202:
            raise AssertionError("POST %s of %s/%s answered %s: %s" % (action, app, env, code, body))
        return body["result"]

    def status(self):
        return self.get("/api/status")

    def app(self, app, env):
        return self.get("/api/apps/%s/%s" % (app, env))


def stop_leftover(pidfile):
    """Ends the trueup a crashed run left, found by the pid it recorded; returns whether there was one."""
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            if b"quarkus-run.jar" not in f.read():
                return False
        os.kill(pid, signal.SIGKILL)
        return True
    except (OSError, ValueError):
        return False


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
