# Runs a user's command (restart, health, a hook) in a release directory, with the release
# described in TRUEUP_* variables and its virtualenv first on PATH.
# $1 base directory  $2 the command (shell text from desired state)
# [$3 the release's name, or "" for the current release  $4 seconds it may run, or "" for no bound
#  (a hook: that needs hook.sh)  $5 app  $6 environment  $7 host  $8 the SHA that was current
#  before the deploy  $9 what else a hook does: "build", "drain" or "undrain" (see hook.sh)]
set -eu
cd -P "$1"
lock
TRUEUP_BASE=$PWD
if [ -n "${3:-}" ]; then cd -P "releases/$3"; else cd -P current; fi
TRUEUP_RELEASE=$PWD
TRUEUP_SHA=${TRUEUP_RELEASE##*/}
TRUEUP_SHA=${TRUEUP_SHA%%-*}
TRUEUP_VENV=$TRUEUP_RELEASE/.venv
TRUEUP_APP=${5:-} TRUEUP_ENV=${6:-} TRUEUP_HOST=${7:-} TRUEUP_PREVIOUS_SHA=${8:-}
VIRTUAL_ENV=$TRUEUP_VENV
PATH=$TRUEUP_VENV/bin:$PATH
export TRUEUP_BASE TRUEUP_RELEASE TRUEUP_SHA TRUEUP_VENV TRUEUP_APP TRUEUP_ENV TRUEUP_HOST TRUEUP_PREVIOUS_SHA \
  VIRTUAL_ENV PATH
# Unbounded (a restart, a health command): the shell running this (a step's subshell in steps.sh,
# or the health command's own, where nothing follows) becomes the command's, one fork less.
if [ -z "${4:-}" ]; then exec sh -c "$2"; fi
bounded "$2" "$4" "${9:-}"
