# Makes the base directory and its bare repository, if missing.
# $1 base directory
set -eu
mkdir -p "$1"
cd "$1"
lock
mkdir -p releases envs .trueup
[ -d repo.git ] || git init -q --bare repo.git
