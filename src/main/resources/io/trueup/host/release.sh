# Makes releases/<sha> a fresh local clone (hard links) checked out at <sha>, linked to its env.
# Built under a temporary name and renamed into place, so releases/<sha> is always complete.
# A release that exists already (modified by hand) is replaced; if it is current, current
# points at a complete fresh copy during the swap.
# $1 base directory   $2 SHA   $3 env directory name
set -eu
base=$1 sha=$2 env=$3
cd "$base"
lock
tmp=releases/.tmp-$sha-$$
old=releases/.old-$sha-$$
cleanup() {
  # A failure while current points at the fresh temporary copy: put that copy in place first.
  if [ "$(readlink current 2>/dev/null)" = "$tmp" ]; then
    [ -e "releases/$sha" ] || mv "$tmp" "releases/$sha"
    relink "releases/$sha" current
  fi
  rm -rf "$tmp" "$tmp.2" "$old"
}
at_exit cleanup
fresh() {
  git clone -q --local --no-checkout repo.git "$1"
  git -C "$1" -c advice.detachedHead=false checkout -q --detach "$sha"
  printf '%s\n' /.venv __pycache__/ '*.py[co]' >> "$1/.git/info/exclude"
  ln -s "../../envs/$env" "$1/.venv"
}
fresh "$tmp"
if [ ! -e "releases/$sha" ] && [ ! -L "releases/$sha" ]; then
  mv "$tmp" "releases/$sha"
elif [ "$(readlink current 2>/dev/null)" = "releases/$sha" ]; then
  relink "$tmp" current
  mv "releases/$sha" "$old"
  fresh "$tmp.2"
  mv "$tmp.2" "releases/$sha"
  relink "releases/$sha" current
else
  mv "releases/$sha" "$old"
  mv "$tmp" "releases/$sha"
fi
