# Checks, under the lock, that the base directory is still as the inspection that a deploy was
# planned from saw it (an inspection of an earlier poll, reused when desired state changed so
# that the deploy's first command need not wait for another). Changes nothing but git's index of
# the release to be switched to (below). Exits $EX_NOT_AS_SEEN when the host is not as seen: trueup
# inspects it again and plans anew.
# $1 base directory  $2 what current pointed at ("" when missing)  $3 what previous pointed at
# $4 the desired env  $5 what must hold besides, comma-separated: "complete" when the plan does
# not build that env; "built" when the release below must have run its build hook to its end
# [$6 a release to be switched to as it is: there, at its commit with no change (as a fresh
# clone), linked to env $4; then, for each file rendered into it, its path and its SHA-256
# (needs digests.sh)]
set -u
stale() { echo "$*" >&2; exit "$EX_NOT_AS_SEEN"; }
cd "$1" 2>/dev/null || stale "the base directory is gone"
lock
[ "${transport:-}" = archive ] || [ -d repo.git ] || stale "repo.git is gone"
# as_seen: whether link $1 points at $2 ("" for no link), as the inspection read it. A link is
# taken as seen when it resolves to the same file as $3 (default $2: the target from here) by the
# shell's test -ef, with no process; only one that does not is read (common.sh's readlinks, one
# `ls`) and compared as text, which also sets $target for the message.
as_seen() {
  if [ -z "$2" ]; then [ ! -L "$1" ] && return 0; else [ -L "$1" ] && [ "$1" -ef "${3:-$2}" ] && return 0; fi
  readlinks "$1"
  linked "$1"
  [ "$target" = "$2" ]
}
as_seen current "$2" || stale "current points at ${target:-nothing}, not ${2:-nothing} as inspected"
as_seen previous "$3" || stale "previous points at ${target:-nothing}, not ${3:-nothing} as inspected"
case ",$5," in *,complete,*) [ -f "envs/$4/.trueup-complete" ] || stale "env $4 is gone or incomplete" ;; esac
[ $# -ge 6 ] || exit 0
r=releases/$6
if [ "${transport:-}" = archive ]; then
  as_unpacked "$r" "$6" # (archive.sh)
else
[ -d "$r/.git" ] || stale "release $6 is gone"
head=
[ -f "$r/.git/HEAD" ] && read -r head < "$r/.git/HEAD"
[ "$head" = "${6%%-*}" ] || stale "release $6 is checked out at ${head:-nothing}"
# Unlike inspection's, this git status may write the release's index (git's record of its files'
# sizes and times; never their content), under the lock: a release checked out within the second
# its index was written has every file racily clean, which each status would read and hash again,
# and which git's refreshed index spares every later one (this release's next verify and the polls).
changes=$(git -C "$r" status --porcelain --untracked-files=all 2>&1) ||
  stale "git status in release $6 failed: $changes"
[ -z "$changes" ] || stale "release $6 was changed by hand"
fi
as_seen "$r/.venv" "../../envs/$4" "envs/$4" || stale "release $6 is not linked to env $4"
marks "$r" # (marks.sh)
case ",$5," in *,built,*) [ -f "$marks/trueup-built" ] || stale "release $6 was not built to its end" ;; esac
release=$6
shift 6
# The files rendered into it, as rendered (digests.sh).
while [ $# -ge 2 ]; do
  sum=$(cd "$r" && digests "$1")
  [ "${sum%%  *}" = "$2" ] || stale "config file $1 of release $release was changed by hand"
  shift 2
done
