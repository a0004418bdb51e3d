# Builds envs/<name> from the release's wheelhouse, unless it is complete already. pip runs
# isolated from the host's pip configuration and environment and never uses an index, so a
# wheel missing from the wheelhouse is an error. An env is complete when .trueup-complete
# exists; a failed build leaves nothing behind.
# $1 base directory  $2 env name  $3 SHA  $4 requirements path  $5 wheelhouse path  $6 python
set -eu
base=$1 env=$2 sha=$3 req=$4 wheels=$5 py=$6
cd "$base"
lock
base=$(pwd -P)
e=$base/envs/$env
rel=$base/releases/$sha
[ -f "$e/.trueup-complete" ] && exit 0
[ -f "$rel/$req" ] || fail "requirements file $req is not in release $sha"
[ -d "$rel/$wheels" ] || fail "wheelhouse $wheels is not in release $sha"
mkdir -p envs
rm -rf "$e"
done=no
at_exit '[ "$done" = yes ] || rm -rf "$e"' 
export PIP_CONFIG_FILE=/dev/null
set -- install --isolated --no-index --find-links "$rel/$wheels" --no-input --disable-pip-version-check \
  --no-cache-dir -q -r "$rel/$req"
# pip's version from its package alone: importing pip/__init__ takes ~20 ms, `pip --version` ~200 ms.
v=$("$py" -c 'import pip; print(pip.__version__)' 2>/dev/null | sed -n 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
if [ -n "$v" ] && { [ "${v% *}" -ge 23 ] || [ "$v" = "22 3" ]; }; then  # pip --python: pip 22.3 and later
  "$py" -m venv --without-pip "$e"
  "$py" -m pip --python "$e/bin/python" "$@"
else
  "$py" -m venv "$e"
  "$e/bin/python" -m pip "$@"
fi
touch "$e/.trueup-complete"
done=yes
