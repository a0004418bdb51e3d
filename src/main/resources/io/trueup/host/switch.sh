# Points current at releases/<sha> (atomically), keeping the one it replaced as previous.
# Refuses a release that is missing or whose env is incomplete. Records the time of the switch
# (given by trueup) in the release. A rollback gives a fourth argument: previous is then set back
# to that release (or removed when it is empty).
# $1 base directory  $2 SHA  $3 the time, epoch seconds  [$4 the previous release to restore, or ""]
set -eu
cd "$1"
lock
sha=$2 now=$3
marks "releases/$sha"
[ -d "$marks" ] || fail "release $sha is missing"
[ -f "releases/$sha/.venv/.trueup-complete" ] || fail "the env of release $sha is missing or incomplete"
if [ $# -ge 4 ]; then
  if [ -n "$4" ] && [ -d "releases/$4" ]; then relink "releases/$sha" current "releases/$4" previous
  else relink "releases/$sha" current; rm -f previous; fi
else
  # Where current leads, as the release it resolves to (the shell's test -ef, no process); read
  # as text only when it leads to none.
  cur=
  if [ -L current ]; then
    for r in "releases/$sha" releases/*; do
      [ -L "$r" ] && continue # a person's alias of a release
      if [ current -ef "$r" ]; then cur=$r; break; fi
    done
    [ -n "$cur" ] || cur=$(readlink current 2>/dev/null) || cur=
  fi
  if [ "$cur" != "releases/$sha" ]; then
    if [ -n "$cur" ]; then relink "$cur" previous "releases/$sha" current; else relink "releases/$sha" current; fi
  fi
fi
printf '%s\n' "$now" > "$marks/trueup-switched"
