# Appends one line (a JSON object describing a deploy) to <base>/.trueup/history.log. A log that
# the line would take past the limit is first renamed to history.log.1, replacing the one before:
# the host keeps the newest lines, at most about twice the limit.
# $1 base directory  $2 the line  $3 the limit in bytes
set -eu
cd "$1"
lock
[ -d .trueup ] || mkdir -p .trueup
log=.trueup/history.log
if [ -s "$log" ]; then
  size=$(wc -c < "$log")
  [ $((size + ${#2} + 1)) -le "$3" ] || mv -f "$log" "$log.1"
fi
printf '%s\n' "$2" >> "$log"
