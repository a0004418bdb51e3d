# Makes releases/<name> a fresh local clone (hard links) checked out at <sha> (or, for an app whose
# transport is archive, the tree unpacked from the archive after the config on fd 3), linked to its env,
# with the shared paths linked in and the rendered config files written. Built under a temporary
# name and renamed into place, so releases/<name> is always complete. A release that exists
# already (modified by hand) is replaced; if it is current, current points at a complete fresh
# copy during the swap.
# $1 base directory  $2 release name  $3 SHA  $4 env directory name
# [then, for each shared path, "d" (a directory) or "f" (a file), its path in the release and the
# link's target; then "--"; then, for each config file, its path in the release, its mode and its
# length in bytes: the files' contents follow one another on fd 3 (the command's stdin), in that
# order, so that no secret is ever on a command line. These need recipe.sh.]
set -eu
base=$1 name=$2 sha=$3 env=$4
shift 4
cd "$base"
lock
tmp=releases/.tmp-$name-$$
old=releases/.old-$name-$$
config=$tmp.config
cleanup() {
  # A failure while current points at the fresh temporary copy: put that copy in place first.
  if [ "$(readlink current 2>/dev/null)" = "$tmp" ]; then
    [ -e "releases/$name" ] || mv "$tmp" "releases/$name"
    relink "releases/$name" current
  fi
  rm -rf "$tmp" "$tmp.2" "$old" "$config" "$tmp.clone" "$tmp.2.clone"
}
at_exit cleanup
# Shared paths and rendered files take the place of what the commit has there (recipe.sh).
hidden= shared= files=
[ $# -eq 0 ] || recipe_read "$@"
# venv: links release directory $1 to its env; fails rather than follow a .venv the commit holds.
venv() {
  if [ -e "$1/.venv" ] || [ -L "$1/.venv" ]; then
    fail "commit $sha holds .venv at its top level, where trueup links the env; refused"
  fi
  ln -s "../../envs/$env" "$1/.venv"
}
fresh() { # $1 the directory to make the release in
  [ "${transport:-}" != archive ] || { unpack "$1"; return; } # (archive.sh)
  # git warns of "an empty repository" even with -q (repo.git's refs are no branches): what it says
  # is kept aside, and said only when the clone fails.
  git clone -q --local --no-checkout repo.git "$1" 2>"$1.clone" || { code=$?; cat "$1.clone" >&2; return "$code"; }
  git -C "$1" -c advice.detachedHead=false checkout -q --detach "$sha"
  modules "$1"  # (modules.sh)
  printf '%s\n' /.venv __pycache__/ '*.py[co]' >> "$1/.git/info/exclude"
  venv "$1"
  [ -z "$hidden" ] || recipe_apply "$1"
}
fresh "$tmp"
if [ ! -e "releases/$name" ] && [ ! -L "releases/$name" ]; then
  mv "$tmp" "releases/$name"
elif [ current -ef "releases/$name" ]; then # (an absolute link too: the swap below keeps current whole)
  relink "$tmp" current
  mv "releases/$name" "$old"
  fresh "$tmp.2"
  mv "$tmp.2" "releases/$name"
  relink "releases/$name" current
else
  mv "releases/$name" "$old"
  mv "$tmp" "releases/$name"
fi
