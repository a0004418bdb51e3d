# Runs the app's stop command in the current release, as run.sh runs restart (run.sh follows
# this guard in the same function): a host without a current release has nothing to stop.
# Same arguments as run.sh.
if [ ! -L "$1/current" ]; then
  echo "no current release in $1: nothing to stop" >&2
  exit 0
fi
