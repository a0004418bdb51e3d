# What inspect.sh and verify.sh need for an app with config: sent only to such apps.
# rendered: reports the files rendered into release $1 ($2...) as they are now, as
# "rendered <release> <hex> <path>" lines.
rendered() {
  sums=$(cd "releases/$1" && shift && digests "$@")
  set -f
  IFS='
'
  for line in $sums; do
    say "rendered $1 ${line%%  *} ${line#*  }" # (inspect.sh)
  done
  unset IFS
  set +f
}
# digests: the SHA-256 of each file given, as "<hex>  <path>" lines, in the working directory; a
# file that is not there is left out.
digests() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$@" 2>/dev/null || true
  else
    python3 -c 'import hashlib, sys
for p in sys.argv[1:]:
    try:
        print(hashlib.sha256(open(p, "rb").read()).hexdigest() + "  " + p)
    except OSError:
        pass' "$@"
  fi
}
