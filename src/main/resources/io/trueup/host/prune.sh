# Removes the named releases and envs. Never removes what current or previous points at,
# nor an env that a remaining release links to.
# $1 base directory, then release SHAs, then "--", then env names
set -eu
cd "$1"
lock
shift
cur=$(readlink current 2>/dev/null) || cur=
prev=$(readlink previous 2>/dev/null) || prev=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  r=releases/$1
  shift
  [ "$r" = "$cur" ] || [ "$r" = "$prev" ] || rm -rf "$r"
done
[ $# -gt 0 ] && shift
for env in "$@"; do
  used=no
  for r in releases/*; do
    [ "$(readlink "$r/.venv" 2>/dev/null)" = "../../envs/$env" ] && used=yes
  done
  [ "$used" = yes ] || rm -rf "envs/$env"
done
