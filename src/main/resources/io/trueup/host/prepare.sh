# Makes the base directory and its bare repository (none for an app whose transport is archive), if missing. The command's begin (steps.sh) has
# made the directory, and marked it as trueup's (owned, common.sh), or refused one that is not.
# $1 base directory
set -eu
mkdir -p "$1"
cd "$1"
lock
mkdir -p releases envs .trueup
[ "${transport:-}" = archive ] || [ -d repo.git ] || git init -q --bare repo.git
