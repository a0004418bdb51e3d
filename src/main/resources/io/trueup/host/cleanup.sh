# Removes what an interrupted step left: temporary releases (releases/.tmp-*, releases/.old-*), new
# links never renamed (.trueup/links/*, common.sh's relink) and envs never completed
# (envs/<requirements hash> without .trueup-complete), nothing else. Under the lock, so no step of
# any controller is building them now. If an interrupted replacement of the current release left
# current on a temporary copy, that copy is put in place first.
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
rm -rf releases/.tmp-* releases/.old-* .trueup/links/*
# Only the names trueup gives envs (envs/<64 hex digits>, the requirements hash): anything else in
# envs/ is not trueup's, complete or not.
for e in envs/*; do
  name=${e#envs/}
  [ "${#name}" -eq 64 ] || continue
  case "$name" in *[!0-9a-f]*) continue ;; esac
  if [ -d "$e" ] && [ ! -L "$e" ] && [ ! -f "$e/.trueup-complete" ]; then rm -rf "$e"; fi
done
