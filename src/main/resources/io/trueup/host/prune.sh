# Removes the named releases and envs. Never removes what current or previous leads to, nor an
# env that a remaining release's .venv leads to (the shell's test -ef: no process, and a link
# made absolute by hand protects its release or env all the same).
# $1 base directory, then release SHAs, then "--", then env names
set -eu
cd "$1"
lock
shift
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  r=releases/$1
  shift
  [ current -ef "$r" ] || [ previous -ef "$r" ] || rm -rf "$r"
done
[ $# -gt 0 ] && shift
for env in "$@"; do
  used=no
  for r in releases/*; do
    if [ "$r/.venv" -ef "envs/$env" ]; then used=yes; break; fi
  done
  [ "$used" = yes ] || rm -rf "envs/$env"
done
