"""Running commands: every one bounded in time, its failure reported with its output."""
import subprocess


class CommandFailed(Exception):
    pass


def run(args, timeout=60, check=True, input=None, env=None, cwd=None):
    """Runs args (a list) and returns the completed process; raises CommandFailed when check and it fails."""
    try:
        done = subprocess.run(args, input=input, capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=cwd)
    except subprocess.TimeoutExpired as e:
        raise CommandFailed("%s: no exit within %ss" % (" ".join(map(str, args)), timeout)) from e
    if check and done.returncode != 0:
        raise CommandFailed("%s: exit %d: %s" % (" ".join(map(str, args)), done.returncode,
                                                 (done.stderr or done.stdout).strip()[-2000:]))
    return done


def out(args, **kwargs):
    """Runs args and returns its stdout, stripped."""
    return run(args, **kwargs).stdout.strip()
