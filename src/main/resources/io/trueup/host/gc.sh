# Keeps repo.git from growing without bound, at most once per interval: deletes every
# refs/trueup/<sha> (one per pushed commit) and refs/trueup/modules/<sha>/* (its submodules'
# commits) whose commit no release in releases/ is made from, then runs `git gc`, at the lowest priority, dropping the objects nothing refers to that are older than
# the given time (younger ones may be a push of another controller about to make its release).
# Releases are clones that hard-link their objects (`git clone --local`, no alternates), so they
# never need repo.git's objects. When it last ran is in .trueup/gc-at; a time there that is later
# than now (a clock set back) counts as long ago.
# First, each time it runs (not once per interval, and for both transports), it removes the
# scripts of trueup's commands kept in .trueup/scripts (see HostCommands.SCRIPTS) that this trueup
# does not send, once a day old: those of an older version (another replica may run one for a day).
# $1 base directory  $2 now (epoch seconds)  $3 the interval in seconds  $4 keep unreferenced
# objects younger than this (epoch seconds)  $5 the names of the scripts this trueup sends,
# separated by spaces (any other name, one of an older naming included, is another version's).
# An app whose transport is archive has no repository to collect.
set -eu
cd "$1"
lock
now=$2 every=$3 expire=$4
sends=" $5 "
if [ -d .trueup/scripts ]; then
  find .trueup/scripts -mindepth 1 -maxdepth 1 -type f -mtime +0 | while read -r part; do
    name=${part##*/}
    case "$sends" in *" $name "*) ;; *) rm -f "$part" || : ;; esac
  done
fi
[ "${transport:-}" != archive ] && [ -d repo.git ] || exit 0
at=
[ ! -f .trueup/gc-at ] || read -r at < .trueup/gc-at || at=
case "$at" in
  ''|*[!0-9]*) ;;
  *) if [ "$at" -le "$now" ] && [ "$now" -lt $((at + every)) ]; then exit 0; fi ;;
esac
printf '%s\n' "$now" > .trueup/gc-at
git --git-dir=repo.git for-each-ref --format='%(refname)' refs/trueup/ | while read -r ref; do
  sha=${ref#refs/trueup/}
  # A submodule's commit, refs/trueup/modules/<sha>/<its sha>, goes with the release of <sha>.
  case "$sha" in modules/*) sha=${sha#modules/} sha=${sha%%/*} ;; esac
  made=no
  for r in "releases/$sha" "releases/$sha"-*; do
    [ ! -d "$r" ] || made=yes
  done
  [ "$made" = yes ] || printf 'delete %s\n' "$ref"
done | git --git-dir=repo.git update-ref --stdin
nice git --git-dir=repo.git gc --quiet --prune="@$expire"
