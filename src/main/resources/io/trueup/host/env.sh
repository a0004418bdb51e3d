# Builds envs/<name> from the release's wheelhouse, unless it is complete already. pip runs
# isolated from the host's pip configuration and environment, never uses an index and installs
# wheels only (nothing is compiled on a host), so a wheel missing from the wheelhouse is an
# error, which names the package. An env is complete when .trueup-complete exists; a failed
# build leaves nothing behind.
# $1 base directory  $2 env name  $3 release name  $4 requirements path  $5 wheelhouse path  $6 python
set -eu
base=$1 env=$2 release=$3 req=$4 wheels=$5 py=$6
cd "$base"
lock
base=$(pwd -P)
e=$base/envs/$env
rel=$base/releases/$release
[ -f "$e/.trueup-complete" ] && exit 0
[ -f "$rel/$req" ] || fail "requirements file $req is not in release $release"
[ -d "$rel/$wheels" ] || fail "wheelhouse $wheels is not in release $release"
mkdir -p envs
rm -rf "$e"
done=no
at_exit '[ "$done" = yes ] || rm -rf "$e"' 
export PIP_CONFIG_FILE=/dev/null
set -- install --isolated --no-index --only-binary :all: --find-links "$rel/$wheels" --no-input \
  --disable-pip-version-check --no-cache-dir -q -r "$rel/$req"
# Says which package has no wheel that fits, and how to make one, when pip found none.
nowheel() { # $1 pip's error output
  want=$(printf '%s\n' "$1" | sed -n 's/.*No matching distribution found for \([A-Za-z0-9._-]*\).*/\1/p' | head -n 1)
  [ -n "$want" ] || return 0
  key=$(printf '%s' "$want" | tr 'A-Z_.' 'a-z--')
  found= sdist=
  for f in "$rel/$wheels"/*; do
    file=${f##*/}
    [ "$(printf '%s' "${file%%-[0-9]*}" | tr 'A-Z_.' 'a-z--')" = "$key" ] || continue
    case "$file" in *.whl) found="$found $file" ;; *) sdist=$file ;; esac
  done
  if [ -n "$found" ]; then
    echo "$want has wheels in the wheelhouse $wheels, but none fits this host:$found; its python is" \
      "$("$py" -c 'import sys, sysconfig; print(sys.version.split()[0], "on", sysconfig.get_platform())' 2>&1)." \
      "Make one on a machine like it, with pip wheel --no-deps --wheel-dir $wheels $want, and commit it" >&2
  elif [ -n "$sdist" ]; then
    echo "$want has no wheel in the wheelhouse $wheels, only $sdist: trueup installs wheels only," \
      "so that nothing is compiled on a host. Make one where it can be built, with" \
      "pip wheel --no-deps --wheel-dir $wheels $sdist, and commit it" >&2
  else
    echo "$want has no wheel in the wheelhouse $wheels: make one with pip wheel --wheel-dir $wheels $want" \
      "(it brings the wheels of what $want needs too), and commit them" >&2
  fi
}
# pip's version from its package alone: importing pip/__init__ takes ~20 ms, `pip --version` ~200 ms.
v=$("$py" -c 'import pip; print(pip.__version__)' 2>/dev/null | sed -n 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
if [ -n "$v" ] && { [ "${v% *}" -ge 23 ] || [ "$v" = "22 3" ]; }; then  # pip --python: pip 22.3 and later
  "$py" -m venv --without-pip "$e"
  set -- "$py" -m pip --python "$e/bin/python" "$@"
else
  "$py" -m venv "$e"
  set -- "$e/bin/python" -m pip "$@"
fi
# pip's errors are kept, to be read if it fails, and then passed on to stderr.
errors=$e/.trueup-pip-errors
if ! "$@" 2>"$errors"; then
  out=$(cat "$errors")
  rm -f "$errors"
  printf '%s\n' "$out" >&2
  nowheel "$out"
  exit 1
fi
[ ! -s "$errors" ] || cat "$errors" >&2
rm -f "$errors"
touch "$e/.trueup-complete"
done=yes
