# Runs a user's command (restart, health) in the current release directory, with the
# release described in TRUEUP_* variables.
# $1 base directory  $2 the command (shell text from desired state)
set -eu
cd -P "$1"
lock
TRUEUP_BASE=$PWD
cd -P current
TRUEUP_RELEASE=$PWD
TRUEUP_SHA=${TRUEUP_RELEASE##*/}
TRUEUP_VENV=$TRUEUP_RELEASE/.venv
export TRUEUP_BASE TRUEUP_RELEASE TRUEUP_SHA TRUEUP_VENV
sh -c "$2"
