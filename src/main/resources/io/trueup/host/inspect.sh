# Reports the state of one app's base directory, read-only (no index refresh, no locks).
# $1 base directory   $2 desired SHA (also checked when it is not current)
set -u
base=$1 want=$2
if ! cd "$base" 2>/dev/null; then echo "base missing"; exit 0; fi
echo "base present"
if [ -d repo.git ]; then
  echo "repo yes"
  if git --git-dir=repo.git cat-file -e "$want^{commit}" 2>/dev/null; then echo "object yes"; else echo "object no"; fi
else
  echo "repo no"
fi
echo "current $(readlink current 2>/dev/null)"
echo "previous $(readlink previous 2>/dev/null)"
for r in releases/*; do
  [ -d "$r" ] || continue
  t=$(cat "$r/.git/trueup-switched" 2>/dev/null) || t=0
  echo "release ${r#releases/} ${t:-0} $(readlink "$r/.venv" 2>/dev/null)"
done
for r in releases/.tmp-* releases/.old-*; do
  [ -e "$r" ] && echo "leftover $r"
done
for e in envs/*; do
  [ -d "$e" ] || continue
  if [ -f "$e/.trueup-complete" ]; then echo "env ${e#envs/}"; else echo "partial ${e#envs/}"; fi
done
check() {
  [ -d "releases/$1" ] || return 0
  head=$(git -C "releases/$1" rev-parse -q --verify HEAD 2>/dev/null) || head=none
  echo "head $1 $head"
  GIT_OPTIONAL_LOCKS=0 git -C "releases/$1" status --porcelain --untracked-files=all 2>&1 | head -n 5 |
    while IFS= read -r line; do echo "change $1 $line"; done
}
cur=$(readlink current 2>/dev/null) || cur=
cur=${cur#releases/}
[ -n "$cur" ] && check "$cur"
[ "$cur" = "$want" ] || check "$want"
exit 0
