"""Scenario 11's app: a real Django project, "site", deployed by trueup next to hello.

The project is made afresh at each run: Django's and gunicorn's wheels (with what they need) come
from this machine's package mirror with `pip wheel`, for the hosts' interpreter; a throwaway
virtualenv made from them runs `django-admin startproject mysite`; the project gets
requirements.txt pinning exactly those wheels, wheels/, a restart script that runs gunicorn, and
a settings.py that imports what trueup renders on each host (mysite/trueup_settings.py, from
apps/site/settings.tmpl of the desired-state repository, its SECRET_KEY a secret).

The site lives apart from hello on every host (its own path, port, pid and log files) and in
its own files of the desired-state repository, so the other scenarios never see it: remove()
takes it out of the desired state, stops its gunicorns and removes its directory.
"""
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import sqlite3
import urllib.error
import urllib.request

from . import hosts, observe, proc, wait
from .repos import ENV, GitRepo

SITE = "site"
SITE_PATH = "/srv/site"        # the site's base directory on every host
PORT = 8001
SECRET = "django_secret_key"   # the secret the settings template reads
HOST_PYTHON = "/usr/bin/python3"  # the hosts' interpreter (Debian's), which makes the site's envs
PACKAGES = ("django", "gunicorn")
RUN = "/srv/home/run"          # where the restart script keeps gunicorn's pid and log, on each host
PID_FILE = RUN + "/site.pid"
LOG_FILE = RUN + "/site.log"
GUNICORN_HOME = "/srv/home/.gunicorn"  # where newer gunicorns put their control socket (gunicorn.ctl)
MIGRATED_LOG = "db/migrated.log"  # what the migrate hook appends to (in the shared db/), one line a run
WORK = os.path.join(hosts.ROOT, "django")  # this machine's scratch space: the wheels, the throwaway venv

_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))

RESTART = """\
#!/bin/sh
# Restarts the site on this host: stops the gunicorn recorded in $HOME/run/site.pid (and waits
# until it is gone), then starts gunicorn for this release as a daemon on [::]:{port} (IPv4 and IPv6), its
# output in $HOME/run/site.log, and waits until it records its pid. trueup runs it in the current
# release; nothing it starts keeps the SSH command's stdout or stderr.
set -eu
run=${{HOME:?}}/run
pidfile=$run/site.pid
log=$run/site.log
mkdir -p "$run"
if [ -f "$pidfile" ]; then
  old=$(cat "$pidfile")
  kill "$old" 2>/dev/null || true
  i=0
  while kill -0 "$old" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$old" 2>/dev/null; then echo "gunicorn $old did not stop within 10s" >&2; exit 1; fi
  rm -f "$pidfile"
fi
echo "=== restart in $PWD at $(date -u +%H:%M:%S)" >>"$log"
.venv/bin/gunicorn --daemon --pid "$pidfile" --bind [::]:{port} --workers 2 --graceful-timeout 5 \\
  --chdir "$PWD" --error-logfile "$log" --capture-output mysite.wsgi </dev/null >>"$log" 2>&1
i=0
while ! {{ [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }}; do
  i=$((i + 1))
  if [ $i -gt 100 ]; then echo "gunicorn did not start within 10s; $log ends:" >&2; tail -n 20 "$log" >&2; exit 1; fi
  sleep 0.1
done
"""

SETTINGS_IMPORT = """
# What differs per host and stays out of git (SECRET_KEY, ALLOWED_HOSTS, DATABASES, STATIC_ROOT):
# trueup renders it into each release from apps/site/settings.tmpl of the desired-state repository.
from .trueup_settings import *  # noqa: E402,F401,F403
"""

URLS_STATIC = """
# The static files the build hook collected into STATIC_ROOT, served by Django itself: there is
# no web server in front of gunicorn on the test hosts.
from django.conf import settings  # noqa: E402
from django.urls import re_path  # noqa: E402
from django.views.static import serve  # noqa: E402

urlpatterns += [re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT})]
"""

SETTINGS_TEMPLATE = """\
# Rendered by trueup for {app}/{env} on {host} from apps/site/settings.tmpl, commit {sha}.
from pathlib import Path

RELEASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "{secret:django_secret_key}"
DEBUG = False
ALLOWED_HOSTS = "{vars.allowed_hosts}".split()
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": RELEASE_DIR / "db" / "db.sqlite3"}}
STATIC_ROOT = RELEASE_DIR / "static"
"""

NOTES_MODELS = """\
from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=200)
"""

NOTES_0001 = """\
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Note",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.CharField(max_length=200)),
            ],
        ),
    ]
"""

# Raises, with the secret in its message: trueup must show the hook's output masked.
NOTES_0002_FAILS = """\
from django.conf import settings
from django.db import migrations

FAILURE = "e2e: migration notes.0002 fails on purpose"


def fail(apps, schema_editor):
    raise RuntimeError("%s (SECRET_KEY is %s)" % (FAILURE, settings.SECRET_KEY))


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]
    operations = [migrations.RunPython(fail)]
"""
FAILURE = "e2e: migration notes.0002 fails on purpose"

APP_YAML = """\
# site: a Django project (django-admin startproject mysite) served by gunicorn on the e2e suite's
# test hosts; made by e2e/harness/django.py for scenario 11.
source: {source}
path: {path}
python: {python}
restart: sh bin/restart
health:
  http: http://{{host}}:{port}/admin/login/
  timeout: 30s
  interval: 200ms
rollout:
  batch: 2
keep: 5
shared: [db/]
config:
  - template: settings.tmpl
    dest: mysite/trueup_settings.py
    mode: "0640"
hooks:
  build: python manage.py collectstatic --noinput
  migrate: python manage.py migrate --noinput && echo "$TRUEUP_HOST $TRUEUP_RELEASE" >> {migrated}
  timeout: 2m
"""

ENV_YAML = """\
# site in the e2e environment.
sha: {sha}
requirementsHash: {requirements_hash}
hosts:
{hosts}vars:
  allowed_hosts: "{allowed_hosts}"
"""


# wheels from the package mirror

def mirror_options(python=HOST_PYTHON):
    """pip's options to fetch from this machine's package mirror and never from the default
    index (unreachable here, and pip retries it slowly): the index URLs pip is configured with
    (`pip config list`, PIP_INDEX_URL, PIP_EXTRA_INDEX_URL) as --index-url and --extra-index-url,
    or --no-index when only find-links are configured. Fails when no mirror is configured."""
    listed = proc.run([python, "-m", "pip", "config", "list"], timeout=60).stdout
    settings = {}
    for line in listed.splitlines():
        m = re.match(r"^(\S+?)\.([a-z-]+)='(.*)'$", line.strip())
        if m:
            settings.setdefault(m.group(2), []).extend(m.group(3).split())
    for name, key in (("PIP_INDEX_URL", "index-url"), ("PIP_EXTRA_INDEX_URL", "extra-index-url"),
                      ("PIP_FIND_LINKS", "find-links")):
        settings.setdefault(key, []).extend(os.environ.get(name, "").split())
    indexes = [u for u in settings.get("index-url", []) + settings.get("extra-index-url", [])
               if "pypi.org" not in u and "pythonhosted.org" not in u]
    indexes = list(dict.fromkeys(indexes))
    links = list(dict.fromkeys(settings.get("find-links", [])))
    if indexes:
        options = ["--index-url", indexes[0]]
        for url in indexes[1:]:
            options += ["--extra-index-url", url]
        return options
    if links:
        return ["--no-index"]
    raise AssertionError("no package mirror is configured for pip (%s -m pip config list: %r; PIP_INDEX_URL, "
                         "PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS unset or pypi.org): scenario 11 needs Django's and "
                         "gunicorn's wheels from one" % (python, listed.strip()))


def make_wheels(wheelhouse, python=HOST_PYTHON):
    """`pip wheel` of Django and gunicorn (and what they need) from the mirror into wheelhouse, for
    the hosts' interpreter; returns {distribution: version}. Caches nothing."""
    os.makedirs(wheelhouse)
    args = [python, "-m", "pip", "wheel", "--wheel-dir", wheelhouse, "--only-binary", ":all:", "--no-cache-dir",
            "--disable-pip-version-check", "--no-input", "--retries", "0", "--timeout", "10", "--progress-bar", "off"]
    args += mirror_options(python) + list(PACKAGES)
    proc.run(args, timeout=180)
    versions = {}
    for name in sorted(os.listdir(wheelhouse)):
        m = re.match(r"^([A-Za-z0-9_.]+)-([^-]+)-.*-none-any\.whl$", name)
        if not m:
            raise AssertionError("pip wheel made %s, not a pure-Python wheel the hosts could install" % name)
        versions[m.group(1).lower().replace("_", "-")] = m.group(2)
    missing = [p for p in PACKAGES if p not in versions]
    if missing:
        raise AssertionError("pip wheel made no wheel of %s: %s" % (", ".join(missing), sorted(os.listdir(wheelhouse))))
    return versions


def requirements(versions):
    return "# Pinned to the wheels in wheels/ (pip wheel %s, by e2e/harness/django.py).\n" % " ".join(PACKAGES) + \
        "".join("%s==%s\n" % (name, version) for name, version in sorted(versions.items()))


def startproject(wheelhouse, venv, into, python=HOST_PYTHON):
    """`django-admin startproject mysite into`, from a throwaway virtualenv built from wheelhouse."""
    proc.run([python, "-m", "venv", "--without-pip", venv], timeout=60)
    env = dict(os.environ, PIP_CONFIG_FILE="/dev/null")
    proc.run([python, "-m", "pip", "--python", os.path.join(venv, "bin", "python"), "install", "--isolated",
              "--no-index", "--only-binary", ":all:", "--find-links", wheelhouse, "--no-compile",
              "--disable-pip-version-check", "-q", "django"], timeout=180, env=env)
    os.makedirs(into)
    proc.run([os.path.join(venv, "bin", "django-admin"), "startproject", "mysite", into], timeout=60)


# the app repository

class SiteRepo(GitRepo):
    """The site's repository: startproject's mysite, with requirements.txt, wheels/ and bin/restart."""

    def create(self):
        """Makes the project afresh (wheels, startproject) and commits it; returns the SHA."""
        shutil.rmtree(WORK, ignore_errors=True)
        shutil.rmtree(self.path, ignore_errors=True)
        wheelhouse = os.path.join(WORK, "wheels")
        self.versions = make_wheels(wheelhouse)
        startproject(wheelhouse, os.path.join(WORK, "venv"), self.path)
        shutil.copytree(wheelhouse, os.path.join(self.path, "wheels"))
        self.write("requirements.txt", requirements(self.versions))
        self.write("bin/restart", RESTART.format(port=PORT))
        settings = self.text("mysite/settings.py")
        self.write("mysite/settings.py", settings + SETTINGS_IMPORT)
        self.write("mysite/urls.py", self.text("mysite/urls.py") + URLS_STATIC)
        self.init()
        return self.commit("site: django-admin startproject mysite, with %s"
                           % ", ".join("%s %s" % kv for kv in sorted(self.versions.items())))

    def text(self, relative):
        with open(os.path.join(self.path, relative)) as f:
            return f.read()

    def change(self, message, files=None, remove=()):
        """Commits files ({relative path: text}) and removals; returns (SHA, requirements hash)."""
        for relative, content in (files or {}).items():
            self.write(relative, content)
        for relative in remove:
            os.remove(os.path.join(self.path, relative))
        sha = self.commit(message)
        return sha, self.requirements_hash(sha)

    def requirements_hash(self, sha):
        data = self.git("show", "%s:requirements.txt" % sha).stdout.encode()
        return "sha256:" + hashlib.sha256(data).hexdigest()

    def with_notes(self):
        """The files of an app `notes` (a model and its first migration), in INSTALLED_APPS."""
        settings = self.text("mysite/settings.py")
        anchor = "'django.contrib.staticfiles',\n"
        if anchor not in settings:
            raise AssertionError("startproject's settings.py has no %r in INSTALLED_APPS" % anchor.strip())
        return {"notes/__init__.py": "", "notes/models.py": NOTES_MODELS, "notes/migrations/__init__.py": "",
                "notes/migrations/0001_initial.py": NOTES_0001,
                "mysite/settings.py": settings.replace(anchor, anchor + "    'notes',\n", 1)}


# the site as trueup and the hosts show it

class Site:
    """The site on the suite's hosts: its desired state, its secret, and what trueup and each host
    say of it. Keeps every text trueup's API answered, to look for secrets in."""

    def __init__(self, world):
        self.w = world
        self.hosts = world.hosts
        self.repo = SiteRepo(os.path.join(hosts.ROOT, "repos", SITE))
        self.app_file = "apps/%s/app.yaml" % SITE
        self.env_file = "apps/%s/%s.yaml" % (SITE, ENV)
        self.template_file = "apps/%s/settings.tmpl" % SITE
        self.secret_file = os.path.join(world.trueup.secrets_dir, SECRET)
        self.answers = []  # (path, text) of every API answer read

    # desired state and secret

    def env_text(self, sha, requirements_hash):
        return ENV_YAML.format(sha=sha, requirements_hash=requirements_hash,
                               hosts="".join('  - "%s"\n' % h.address for h in self.hosts),
                               allowed_hosts=" ".join([h.ip for h in self.hosts] + [h.address for h in self.hosts if h.ip6]
                                                      + ["127.0.0.1", "localhost"]))

    def add(self, sha, requirements_hash):
        """Commits apps/site/ (app.yaml, e2e.yaml, settings.tmpl) to the desired-state repository."""
        d = self.w.desired
        d.write(self.app_file, APP_YAML.format(source=self.repo.path, path=SITE_PATH, python=HOST_PYTHON, port=PORT,
                                               migrated=MIGRATED_LOG))
        d.write(self.template_file, SETTINGS_TEMPLATE)
        d.write(self.env_file, self.env_text(sha, requirements_hash))
        return d.commit("site: e2e environment at %s" % sha[:12])

    def deploy(self, sha, requirements_hash, message):
        return self.w.desired.commit_file(self.env_file, self.env_text(sha, requirements_hash), message)

    def write_secret(self, value):
        """Writes the secret file on the controller (trueup reads it at each rendering)."""
        tmp = self.secret_file + ".new"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(value + "\n")
        os.replace(tmp, self.secret_file)

    @staticmethod
    def new_secret():
        return "e2e-" + secrets.token_urlsafe(36)

    # trueup's API

    def read(self, path, parse=True):
        text = self.w.trueup.text(path)
        if text is not None:
            self.answers.append((path, text))
        if not parse or text is None:
            return text
        return json.loads(text)

    def api(self):
        return self.read("/api/apps/%s/%s" % (SITE, ENV))

    def history(self):
        return self.read("/api/apps/%s/%s/history" % (SITE, ENV)) or []

    def api_host(self, doc, host):
        return next((h for h in (doc or {}).get("hosts", []) if h["host"] == host.address), None)

    def synced(self, sha, not_releases=None):
        """Probe: the API says Synced at sha on every host, each host's release is of sha (and not
        one of not_releases {host number: release}), and each answers 200 on /admin/login/."""
        doc = self.api()
        if doc is None:
            raise AssertionError("no status for %s/%s yet" % (SITE, ENV))
        if doc["status"] != "Synced" or doc["sha"] != sha:
            raise AssertionError("API: %s at %s, error %s" % (doc["status"], (doc["sha"] or "")[:12], doc["error"]))
        for host in self.hosts:
            h = self.api_host(doc, host)
            if h is None or h["state"] != "Synced" or h["sha"] != sha or not (h["release"] or "").startswith(sha):
                raise AssertionError("API: %s is %s" % (host, h))
            if not_releases and h["release"] == not_releases.get(host.number):
                raise AssertionError("API: %s still runs release %s" % (host, h["release"]))
            code, _ = http_get(host, "/admin/login/")
            if code != 200:
                raise AssertionError("%s answers %s on /admin/login/" % (host, code))
        return doc

    def wait_synced(self, sha, not_releases=None, timeout=90):
        return wait.until("site Synced at %s on every host, each answering 200" % sha[:12],
                          lambda: self.synced(sha, not_releases), timeout=timeout, interval=0.2)

    def releases(self, doc=None):
        """{host number: the release the API says the host runs}."""
        doc = doc or self.api()
        return {h.number: (self.api_host(doc, h) or {}).get("release") for h in self.hosts}

    # the hosts

    def layout(self, host):
        return SiteLayout(host)

    def layouts(self):
        return {h.number: SiteLayout(h) for h in self.hosts}

    def describe(self):
        """The API's view, the last rollouts and each host's site directory, for a person reading a failure."""
        lines = []
        try:
            lines.append("GET /api/apps/%s/%s: %s" % (SITE, ENV, self.w.trueup.text("/api/apps/%s/%s" % (SITE, ENV))))
            lines.append("history: %s" % (self.w.trueup.text("/api/apps/%s/%s/history" % (SITE, ENV)) or "")[:6000])
        except Exception as e:
            lines.append("API: %s" % e)
        for host in self.hosts:
            layout = SiteLayout(host)
            lines.append("%s: current %s, previous %s, releases %s, envs %s, gunicorn %s (cwd %s), migrations %s, "
                         "migrate hook runs %s" % (host, layout.current, layout.previous, sorted(layout.releases),
                                                   sorted(layout.envs), gunicorn_pid(host), serving_release(host),
                                                   len(applied_migrations(host) or ()), migrate_runs(host)))
        return "\n".join(lines) + "\n"

    def remove(self):
        """Takes the site away while trueup is stopped: out of the desired state (so that the
        next trueup never knows it), its gunicorns and any command still working in its directory
        stopped, /srv/site, its pid and log files and gunicorn's control socket gone from every
        host. Run at the start and at the end of scenario 11."""
        assert not self.w.trueup.running(), "the site is removed while trueup is stopped"
        d = self.w.desired
        if os.path.exists(os.path.join(d.path, "apps", SITE)):
            d.git("rm", "-r", "-q", "apps/%s" % SITE)
            d.commit("site: removed after scenario 11")
        for host in self.hosts:
            stop_site(host)
            shutil.rmtree(host.path(SITE_PATH), ignore_errors=True)
            shutil.rmtree(host.path(GUNICORN_HOME), ignore_errors=True)
            for path in (PID_FILE, LOG_FILE):
                if os.path.exists(host.path(path)):
                    os.remove(host.path(path))


class SiteLayout:
    """A host's /srv/site, read through the host's directory on this machine."""

    def __init__(self, host):
        self.host = host
        self.base = host.path(SITE_PATH)
        self.current = _basename(observe.readlink(os.path.join(self.base, "current")))
        self.previous = _basename(observe.readlink(os.path.join(self.base, "previous")))
        self.releases = {name: os.stat(os.path.join(self.base, "releases", name)).st_ino
                         for name in observe.listdir(os.path.join(self.base, "releases")) if not name.startswith(".")}
        self.envs = observe.listdir(os.path.join(self.base, "envs"))

    def path(self, *parts, release=None):
        return os.path.join(self.base, "releases", release or self.current, *parts)

    def switched_at(self, release):
        try:
            with open(self.path(".git", "trueup-switched", release=release)) as f:
                return f.read().strip()
        except OSError:
            return None


# one host's site, seen from outside

def http_get(host, path):
    """(status, body) of GET http://<host>:8001<path> from this machine; (None, error) if nothing answers."""
    try:
        with _HTTP.open("http://%s:%d%s" % (host.ip, PORT, path), timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:
        return None, str(e).encode()


def run_on(host, script, timeout=60):
    """Runs shell text on host as the SSH user, inside the host's namespaces (those of its sshd:
    its network, and /srv bound to its own directory), with a clean environment; returns the
    completed process (check its returncode)."""
    if not host.sshd_running():
        raise AssertionError("sshd of %s does not run: cannot enter its namespaces" % host)
    return proc.run(["nsenter", "--target", str(host.sshd.pid), "--mount", "--net", "--",
                     "setpriv", "--reuid", hosts.USER, "--regid", hosts.USER, "--init-groups", "--",
                     "env", "-i", "HOME=/srv/home", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                     "sh", "-c", script], timeout=timeout, check=False)


def manage(host, python_code, timeout=60):
    """`python manage.py shell -c python_code` in the host's current release; returns its stdout."""
    done = run_on(host, "cd %s/current && exec .venv/bin/python manage.py shell -c %s"
                  % (SITE_PATH, shlex.quote(python_code)), timeout=timeout)
    if done.returncode != 0:
        raise AssertionError("manage.py shell on %s exited %d: %s" % (host, done.returncode,
                                                                      (done.stderr or done.stdout).strip()[-1500:]))
    return done.stdout


def database(host):
    return host.path(SITE_PATH + "/shared/db/db.sqlite3")


def query(host, sql):
    """Rows of sql on the host's site database (read-only); None when there is no database file."""
    path = database(host)
    if not os.path.exists(path):
        return None
    connection = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=5)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def applied_migrations(host):
    """{(app, name)} of django_migrations on the host: None when it has no database, an empty set
    when the database has no such table (nothing was ever migrated there)."""
    try:
        rows = query(host, "SELECT app, name FROM django_migrations")
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return set()
        raise
    return None if rows is None else {tuple(r) for r in rows}


def migrate_runs(host):
    """The lines the migrate hook appended on the host: "<host> <release dir>", one per run."""
    try:
        with open(host.path(SITE_PATH + "/shared/" + MIGRATED_LOG)) as f:
            return [line.split() for line in f.read().splitlines() if line.strip()]
    except OSError:
        return []


def gunicorn_pid(host):
    """The gunicorn master the restart script recorded on the host, if it runs."""
    return observe.running_pid(host, PID_FILE)


def serving_release(host):
    """The name of the release directory the host's gunicorn master runs in (its working directory)."""
    pid = gunicorn_pid(host)
    if pid is None:
        return None
    return _basename(observe.readlink("/proc/%d/cwd" % pid))


def installed(env):
    """{distribution: version} of what the env's site-packages hold (from the *.dist-info names)."""
    found = {}
    for lib in observe.listdir(os.path.join(env, "lib")):
        for name in observe.listdir(os.path.join(env, "lib", lib, "site-packages")):
            m = re.match(r"^([A-Za-z0-9_.]+)-([^-]+)\.dist-info$", name)
            if m:
                found[m.group(1).lower().replace("_", "-")] = m.group(2)
    return found


def stop_site(host):
    """Stops the host's gunicorns and anything else still working in /srv/site there (by pid)."""
    pids = [pid for pid, command in host.processes().items()
            if "gunicorn" in command or _names_site(command) or _cwd_in_site(pid)]
    hosts._stop(pids)


def _names_site(command):
    return any(word == SITE_PATH or word.startswith(SITE_PATH + "/") for word in command.split())


def _cwd_in_site(pid):
    return (observe.readlink("/proc/%d/cwd" % pid) or "").startswith(SITE_PATH + "/")


def _basename(link):
    return link.rstrip("/").rsplit("/", 1)[-1] if link else None
