"""The two git repositories a scenario changes with plain commits: the app and the desired state."""
import hashlib
import os
import shutil

from . import proc, wheels

APP = "hello"
ENV = "e2e"
APP_PATH = "/srv/hello"  # the app's base directory on every host

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "e2e", "GIT_AUTHOR_EMAIL": "e2e@trueup.invalid",
    "GIT_COMMITTER_NAME": "e2e", "GIT_COMMITTER_EMAIL": "e2e@trueup.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
}


class GitRepo:
    def __init__(self, path):
        self.path = path

    def git(self, *args, check=True):
        return proc.run(["git", "-c", "commit.gpgsign=false", "-C", self.path] + list(args), env=_GIT_ENV,
                        check=check)

    def init(self):
        os.makedirs(self.path, exist_ok=True)
        proc.run(["git", "init", "-q", "-b", "main", self.path], env=_GIT_ENV)

    def head(self):
        return self.git("rev-parse", "HEAD").stdout.strip()

    def write(self, relative, content):
        path = os.path.join(self.path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(path, mode) as f:
            f.write(content)

    def read(self, relative, rev="HEAD"):
        return self.git("show", "%s:%s" % (rev, relative)).stdout

    def commit(self, message):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.head()


class AppRepo(GitRepo):
    """The app: a copy of e2e/app with its wheelhouse (wheels/) committed next to it."""

    def __init__(self, path, source):
        super().__init__(path)
        self.source = source  # e2e/app

    def create(self):
        shutil.copytree(self.source, self.path, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.init()
        self.add_greeting("1.0")
        return self.commit("hello: the e2e app with greeting 1.0 in its wheelhouse")

    def add_greeting(self, version, hello=None):
        """Builds greeting <version> into wheels/; commit it with the change that needs it."""
        return wheels.greeting(os.path.join(self.source, "libs", "greeting"), version,
                               os.path.join(self.path, "wheels"), hello)

    def change(self, message, files):
        """Commits new contents of files ({relative path: text}); returns the new SHA."""
        for relative, content in files.items():
            self.write(relative, content)
        return self.commit(message)

    def requirements_hash(self, sha):
        data = self.git("show", "%s:requirements.txt" % sha).stdout.encode()
        return "sha256:" + hashlib.sha256(data).hexdigest()


APP_YAML = """\
# hello on the e2e suite's test hosts; see desired-state/apps/hello/app.yaml for every field.
source: {source}
path: {path}
python: /usr/bin/python3
restart: sh bin/restart
stop: sh bin/stop
health:
  http: http://{{host}}:8000/healthz
  timeout: {health_timeout}
  interval: 200ms
rollout:
  batch: 1
keep: {keep}
"""

ENV_YAML = """\
# hello in the e2e environment: which commit runs on which test hosts.
sha: {sha}
requirementsHash: {requirements_hash}
hosts:
{hosts}
{extra}"""


class DesiredRepo(GitRepo):
    """The desired-state repository trueup watches: apps/hello/app.yaml and apps/hello/e2e.yaml."""

    env_file = "apps/%s/%s.yaml" % (APP, ENV)

    def __init__(self, path, app_source, hosts, health_timeout="6s", keep=4):
        super().__init__(path)
        self.app_source = app_source
        self.hosts = hosts
        self.health_timeout = health_timeout
        self.keep = keep
        self.transport = None  # the environment's transport, when a scenario sets one

    def create(self, sha, requirements_hash):
        self.init()
        self.write("apps/%s/app.yaml" % APP, APP_YAML.format(source=self.app_source, path=APP_PATH,
                                                              health_timeout=self.health_timeout, keep=self.keep))
        self.write(self.env_file, self.env_text(sha, requirements_hash))
        return self.commit("hello: e2e environment at %s" % sha[:12])

    def env_text(self, sha, requirements_hash, batch=None, pause=None, hosts=None):
        """The environment file; batch and pause (a duration such as "4s") set its rollout policy;
        hosts (default: every test host) are the hosts it lists."""
        rollout = "".join("  %s: %s\n" % (k, v) for k, v in (("batch", batch), ("pause", pause)) if v is not None)
        extra = "rollout:\n" + rollout if rollout else ""
        if self.transport:
            extra += "transport: %s\n" % self.transport
        return ENV_YAML.format(sha=sha, requirements_hash=requirements_hash,
                               hosts="".join('  - "%s"\n' % h.address for h in (self.hosts if hosts is None else hosts)),
                               extra=extra)

    def deploy(self, sha, requirements_hash, batch=None, message=None, pause=None, hosts=None):
        """Commits a bump of the pinned SHA (a deploy, as a person would merge it), or of the hosts
        listed (default: every test host); returns the commit."""
        self.write(self.env_file, self.env_text(sha, requirements_hash, batch, pause, hosts))
        return self.commit(message or "Deploy hello %s" % sha[:12])

    def commit_file(self, relative, text, message):
        self.write(relative, text)
        return self.commit(message)

    def revert_head(self):
        self.git("revert", "--no-edit", "HEAD")
        return self.head()
