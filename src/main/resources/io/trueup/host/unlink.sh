# Undeploys the app from this host once it is stopped: removes current, and previous with it (a
# rollback after an undeploy is not a thing, and a later first deploy must not find an old release
# there to roll back to). Releases, envs, shared paths, repo.git and the history stay until a
# person removes them. A host without the base directory has nothing to undeploy.
# $1 base directory
set -eu
if ! cd "$1" 2>/dev/null; then
  echo "no base directory $1: nothing to undeploy" >&2
  exit 0
fi
lock
rm -f current previous
