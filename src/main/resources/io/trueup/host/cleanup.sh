# Removes what an interrupted step left: temporary releases and envs never completed. Under
# the lock, so no step of any controller is building them now. If an interrupted replacement
# of the current release left current on a temporary copy, that copy is put in place first.
# $1 base directory
set -eu
cd "$1"
lock
cur=$(readlink current 2>/dev/null) || cur=
case "$cur" in
  releases/.tmp-*|releases/.old-*)
    name=${cur#releases/.???-}
    name=${name%-*}
    [ -d "releases/$name" ] || mv "$cur" "releases/$name"
    relink "releases/$name" current
    ;;
esac
rm -rf releases/.tmp-* releases/.old-*
for e in envs/*; do
  if [ -d "$e" ] && [ ! -f "$e/.trueup-complete" ]; then rm -rf "$e"; fi
done
