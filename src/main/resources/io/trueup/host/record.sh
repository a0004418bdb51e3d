# Appends one line (a JSON object describing a deploy) to <base>/.trueup/history.log.
# $1 base directory  $2 the line
set -eu
cd "$1"
lock
[ -d .trueup ] || mkdir -p .trueup
printf '%s\n' "$2" >> .trueup/history.log
