# Appends one line (a JSON object describing a deploy) to <base>/.trueup/history.log. A log that
# the line would take past the limit is first renamed to history.log.1, replacing the one before:
# the host keeps the newest lines, at most about twice the limit. The log's size is kept in
# .trueup/history.size as counted at each append (read by the shell: no process counts it), and
# counted with `wc` only when that is missing or not a number. The count is the estimate below,
# a few bytes over for each %s (so the log rotates a little early), and lines added by hand are
# not in it (so it rotates later): no line is ever lost.
# $1 base directory  $2 the line as a printf format: each %s stands for the next of the values after
# $3, and %% and \\ for % and \ (trueup refers so to the SHAs and hashes the command carries already)
# $3 the limit in bytes  [$4... the values]
set -eu
cd "$1"
lock
[ -d .trueup ] || mkdir -p .trueup
log=.trueup/history.log kept=.trueup/history.size
line=$2 limit=$3
shift 3
# The line's length, counted as its format's and its values' (a few bytes more than it is).
n=$((${#line} + 1))
for value in "$@"; do n=$((n + ${#value})); done
size=0
if [ -s "$log" ]; then
  size=
  [ ! -f "$kept" ] || read -r size < "$kept" || :
  case "$size" in ''|0?*|*[!0-9]*) size=$(wc -c < "$log") ;; esac # (0123 would be octal)
  [ $((size + n)) -le "$limit" ] || { mv -f "$log" "$log.1"; size=0; }
fi
# The format after an empty %s: a line that began with "-" would be taken for an option.
printf "%s$line\n" '' "$@" >> "$log"
printf '%s\n' $((size + n)) > "$kept"
