# Checks, under the lock, that the base directory is still as the inspection that a deploy was
# planned from saw it (an inspection of an earlier poll, reused when desired state changed so
# that the deploy's first command need not wait for another). Changes nothing. Exits 76 when the
# host is not as seen: trueup inspects it again and plans anew.
# $1 base directory  $2 what current pointed at ("" when missing)  $3 an env that must be
# complete ("" none)  [$4 a release to be switched to as it is: there, at its commit with no
# change (as a fresh clone), linked to env $3]
set -u
stale() { echo "$*" >&2; exit 76; }
cd "$1" 2>/dev/null || stale "the base directory is gone"
lock
[ -d repo.git ] || stale "repo.git is gone"
cur=$(readlink current 2>/dev/null) || cur=
[ "$cur" = "$2" ] || stale "current points at ${cur:-nothing}, not ${2:-nothing} as inspected"
[ -z "$3" ] || [ -f "envs/$3/.trueup-complete" ] || stale "env $3 is gone or incomplete"
[ $# -ge 4 ] || exit 0
r=releases/$4
[ -d "$r/.git" ] || stale "release $4 is gone"
[ "$(readlink "$r/.venv" 2>/dev/null)" = "../../envs/$3" ] || stale "release $4 is not linked to env $3"
head=
[ -f "$r/.git/HEAD" ] && read -r head < "$r/.git/HEAD"
[ "$head" = "$4" ] || stale "release $4 is checked out at ${head:-nothing}"
changes=$(GIT_OPTIONAL_LOCKS=0 git -C "$r" status --porcelain --untracked-files=all 2>&1) ||
  stale "git status in release $4 failed: $changes"
[ -z "$changes" ] || stale "release $4 was changed by hand"
