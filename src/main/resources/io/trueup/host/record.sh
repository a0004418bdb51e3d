# Appends one line (a JSON object describing a deploy) to <base>/.trueup/history.log. A log that
# the line would take past the limit is first renamed to history.log.1, replacing the one before:
# the host keeps the newest lines, at most about twice the limit.
# $1 base directory  $2 the line as a printf format: each %s stands for the next of the values after
# $3, and %% and \\ for % and \ (trueup refers so to the SHAs and hashes the command carries already)
# $3 the limit in bytes  [$4... the values]
set -eu
cd "$1"
lock
[ -d .trueup ] || mkdir -p .trueup
log=.trueup/history.log
line=$2 limit=$3
shift 3
if [ -s "$log" ]; then
  size=$(wc -c < "$log")
  # The line's length, counted as its format's and its values' (a few bytes more than it is).
  n=${#line}
  for value in "$@"; do n=$((n + ${#value})); done
  [ $((size + n + 1)) -le "$limit" ] || mv -f "$log" "$log.1"
fi
# The format after an empty %s: a line that began with "-" would be taken for an option.
printf "%s$line\n" '' "$@" >> "$log"
