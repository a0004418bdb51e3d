"""What the suite needs on the machine it runs on: Debian packages, a JDK 21+ and trueup's jar."""
import glob
import os
import re
import shutil

from . import proc

# command that shows the package is there -> Debian package that provides it
PACKAGES = {
    "/usr/sbin/sshd": "openssh-server",
    "/usr/bin/ssh-keygen": "openssh-client",
    "/usr/sbin/ip": "iproute2",
    "/usr/bin/unshare": "util-linux",
    "/usr/bin/git": "git",
    "/usr/bin/curl": "curl",
}


def missing_packages():
    """The Debian packages to install: those whose commands are missing, Debian's PostgreSQL server,
    and Debian's python3 with venv and pip (hosts make virtualenvs with /usr/bin/python3)."""
    wanted = {pkg for path, pkg in PACKAGES.items() if not os.path.exists(path)}
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        wanted.add("postgresql")  # the server of scenario 17 (three replicas on one PostgreSQL)
    python = "/usr/bin/python3"
    if not os.path.exists(python) or proc.run([python, "-c", "import venv, ensurepip"], check=False).returncode:
        wanted |= {"python3", "python3-venv"}
    if not os.path.exists(python) or proc.run([python, "-m", "pip", "--version"], check=False).returncode:
        wanted.add("python3-pip")
    return sorted(wanted)


def install(packages, log):
    """apt-get update, then apt-get install of packages; output to log."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    with open(log, "a") as f:
        for args in (["apt-get", "update", "-q"],
                     ["apt-get", "install", "-y", "-q", "--no-install-recommends"] + packages):
            done = proc.run(args, timeout=900, env=env, check=False)
            f.write(done.stdout + done.stderr)
            if done.returncode != 0:
                raise proc.CommandFailed("%s failed (exit %d); see %s" % (" ".join(args), done.returncode, log))


def find_java():
    """A java of JDK 21 or newer: $JAVA_HOME's, then any under /usr/lib/jvm, then the one on PATH."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    candidates += sorted(glob.glob("/usr/lib/jvm/*/bin/java"), reverse=True)
    if shutil.which("java"):
        candidates.append(shutil.which("java"))
    for java in candidates:
        if os.access(java, os.X_OK) and (_major(java) or 0) >= 21:
            return java
    return None


def _major(java):
    done = proc.run([java, "-XshowSettings:properties", "-version"], check=False, timeout=60)
    m = re.search(r"java\.specification\.version = (\d+)", done.stderr + done.stdout)
    return int(m.group(1)) if m else None


def build_jar(source_root, java, log):
    """Packages trueup with the Maven wrapper (tests skipped); returns the runnable jar."""
    env = dict(os.environ, JAVA_HOME=os.path.dirname(os.path.dirname(os.path.realpath(java))))
    with open(log, "a") as f:
        done = proc.run(["./mvnw", "-B", "-q", "-ntp", "package", "-DskipTests"], cwd=source_root, env=env,
                        timeout=1800, check=False)
        f.write(done.stdout + done.stderr)
    jar = os.path.join(source_root, "target", "quarkus-app", "quarkus-run.jar")
    if done.returncode != 0 or not os.path.exists(jar):
        raise proc.CommandFailed("./mvnw package failed (exit %d); see %s" % (done.returncode, log))
    return jar
