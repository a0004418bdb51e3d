# What run.sh needs for a hook: sent only with commands that run hooks.
# bounded: runs $1 (shell text) for at most $2 seconds: past them it is stopped (TERM, then KILL
# 5 s later), with its children when setsid is there, and exits 124. Its output goes to
# .trueup/hook.log, and its last lines to stderr once it ends, so that a hook whose command lost
# trueup's connection runs to its end rather than dying at its next line of output. $3 says what
# else it does: "build" checks what the build did (see built); "drain" (beforeSwitch) marks the
# host .trueup/drained before it runs, "undrain" (afterSwitch) removes the mark once it succeeds,
# so that a host taken out of its load balancer and not put back is seen by inspection.
bounded() {
  log=$TRUEUP_BASE/.trueup/hook.log
  [ "$3" != drain ] || : > "$TRUEUP_BASE/.trueup/drained"
  # A process group of its own when setsid is there, so that stopping the command stops its children.
  if command -v setsid >/dev/null 2>&1; then setsid sh -c "$1" >"$log" 2>&1 & else sh -c "$1" >"$log" 2>&1 & fi
  pid=$!
  # The timer stopped before its sleep is noted stops the sleep all the same.
  (
    trap 'stop=1' TERM
    sleep "$2" & sleeper=$!
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    [ -z "${stop:-}" ] || { kill "$sleeper" 2>/dev/null; exit 0; }
    wait "$sleeper" || exit 0
    trap 'kill "$sleeper" 2>/dev/null; exit 124' TERM
    echo "trueup: stopping the command: it ran longer than ${2}s" >> "$log"
    kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    sleep 5 & sleeper=$!
    wait "$sleeper" || exit 124
    kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    exit 124
  ) </dev/null >/dev/null 2>&1 3<&- &
  timer=$!
  code=0
  wait "$pid" || code=$?
  kill "$timer" 2>/dev/null || true
  timed=0
  wait "$timer" || timed=$?
  [ "$timed" -ne 124 ] || code=124
  if [ "$code" -eq 0 ] && [ "$3" = build ]; then built >>"$log" 2>&1 || code=$?; fi
  [ "$code" -ne 0 ] || [ "$3" != undrain ] || rm -f "$TRUEUP_BASE/.trueup/drained"
  tail -n 40 "$log" >&2 || true
  exit "$code"
}
# built: after a build that succeeded, in its release: what it made belongs to the release, and
# is kept out of its git status (written to .git/info/exclude, every name escaped), so that it is
# no drift; a build that changed files of the commit fails, as the release would no longer be its
# commit. Marks the release .git/trueup-built: a release without it is made and built again.
built() {
  [ "${transport:-}" != archive ] || { built_unpacked; return; } # (archive.sh)
  "$TRUEUP_VENV/bin/python" -c 'import subprocess, sys
def git(*args):
    return [p for p in subprocess.run(("git",) + args, check=True, stdout=subprocess.PIPE).stdout.split(b"\0") if p]
changed = git("diff", "HEAD", "--name-only", "-z")
if changed:
    sys.exit("the build changed files of commit %s: %s; a build may only add files"
             % (sys.argv[1], ", ".join(p.decode(errors="replace") for p in changed[:10])))
def pattern(path):
    if b"\n" in path:
        sys.exit("the build made a file whose name holds a newline, which git cannot ignore: %r" % path)
    escaped = b"".join(b"\\" + bytes([c]) if bytes([c]) in b"\\*?[" else bytes([c]) for c in path)
    stripped = escaped.rstrip(b" ")
    return b"/" + stripped + b"\\ " * (len(escaped) - len(stripped)) + b"\n"
made = git("ls-files", "-z", "--others", "--exclude-standard", "--directory")
with open(".git/info/exclude", "ab") as exclude:
    exclude.writelines(pattern(p) for p in made)' "$TRUEUP_SHA" && : > .git/trueup-built
}
