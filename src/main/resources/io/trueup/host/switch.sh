# Points current at releases/<sha> (atomically), keeping the one it replaced as previous.
# Refuses a release that is missing or whose env is incomplete.
# $1 base directory  $2 SHA
set -eu
cd "$1"
sha=$2
[ -d "releases/$sha/.git" ] || fail "release $sha is missing"
[ -f "releases/$sha/.venv/.trueup-complete" ] || fail "the env of release $sha is missing or incomplete"
cur=$(readlink current 2>/dev/null) || cur=
if [ "$cur" != "releases/$sha" ]; then
  [ -z "$cur" ] || relink "$cur" previous
  relink "releases/$sha" current
fi
date +%s > "releases/$sha/.git/trueup-switched"
