# Shared by the step scripts: failing with a message, exit hooks, the lock, the check that the base
# directory is trueup's, and replacing a symlink atomically.
fail() { echo "$*" >&2; exit 1; }

exit_hooks=
lockfile=
at_exit() { # $1 shell code to run on exit, before the hooks registered earlier
  exit_hooks="$1${exit_hooks:+; $exit_hooks}"
  trap "$exit_hooks" EXIT
}

# lock: holds <base>/.trueup/lock while this command runs, so that two controllers (or a person
# running the same steps) never change one base directory at once; with TRUEUP_LOCK_HOLD=1 it is
# kept when the command ends, for the next command of the same deploy (same TRUEUP_LOCK_OWNER),
# which takes it again and renews it (its time is what the TTL counts from); the deploy's last
# command, without TRUEUP_LOCK_HOLD, frees it. A busy lock exits $EX_LOCKED (EX_TEMPFAIL: try later). A
# lock untouched for TRUEUP_LOCK_TTL minutes (30 when not given), or one left by an earlier run of
# this same controller (the same TRUEUP_LOCK_OWNER up to its "/", <controller>/<run>, another run)
# whose command is gone, is taken over, and the takeover is said on stderr. Does nothing without
# TRUEUP_LOCK_OWNER, or when this command holds the lock already (steps.sh takes it before its steps).
# The lock is a file holding its owner's line, made by the shell itself (take_lock); a directory
# .trueup/lock holding the line in owner is the lock of an earlier trueup, read and taken over alike.
lock() {
  [ -n "${TRUEUP_LOCK_OWNER:-}" ] && [ -z "${lockfile:-}" ] || return 0
  [ -d .trueup ] || mkdir -p .trueup
  since=${TRUEUP_LOCK_SINCE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)} holder= made=yes
  if ! take_lock; then
    made=
    # A reader that finds no line yet (the lock just made) counts it as taken: holder unknown.
    read_lock .trueup/lock
    holder=${lock_line:-unknown}
  fi
  if [ -n "${holder:-}" ] && [ "${holder%% *}" = "$TRUEUP_LOCK_OWNER" ]; then
    # Kept by an earlier command of this deploy: taken again, since the time it was first taken,
    # once that command is gone (one trueup gave up on, a hung restart say, may still run here).
    pid=${holder##* pid }
    case "$pid" in
      ''|*[!0-9]*) ;;
      *) if [ "$pid" != "$$" ] && kill -0 "$pid" 2>/dev/null; then
           echo "locked by $holder (a command of this trueup that still runs here)" >&2
           exit "$EX_LOCKED"
         fi ;;
    esac
    since=${holder#* since }
    since=${since%% pid *}
  elif [ -n "${holder:-}" ]; then
    stale=$(find .trueup/lock -maxdepth 0 -mmin +"${TRUEUP_LOCK_TTL:-30}" 2>/dev/null) || stale=
    case "$holder" in
      "${TRUEUP_LOCK_OWNER%/*}/"*)
        # Left by an earlier run of this controller: stale once its step's process is gone
        # (a killed controller's step may still run on the host).
        if [ "${holder%% *}" != "$TRUEUP_LOCK_OWNER" ]; then
          pid=${holder##* pid }
          case "$pid" in
            ''|*[!0-9]*) stale=own ;;
            *) kill -0 "$pid" 2>/dev/null || stale=own ;;
          esac
        fi ;;
    esac
    if [ -z "$stale" ]; then
      echo "locked by $holder" >&2
      exit "$EX_LOCKED"
    fi
    # Renaming is atomic: of several takers, one moves the stale lock away; the others wait. One
    # that found the lock stale before another taker replaced it with its own would move that
    # one: what it moved must be the line it found stale, or it puts it back (a hard link, made
    # only where no lock is) and waits.
    mv .trueup/lock ".trueup/lock.stale.$$" 2>/dev/null || { echo "locked by another controller" >&2; exit "$EX_LOCKED"; }
    stale_line=$lock_line
    read_lock ".trueup/lock.stale.$$"
    if [ "$lock_line" != "$stale_line" ]; then
      if [ -d ".trueup/lock.stale.$$" ]; then mv -T ".trueup/lock.stale.$$" .trueup/lock 2>/dev/null || :
      else ln ".trueup/lock.stale.$$" .trueup/lock 2>/dev/null || :; fi
      rm -rf ".trueup/lock.stale.$$"
      echo "locked by another controller" >&2
      exit "$EX_LOCKED"
    fi
    rm -rf ".trueup/lock.stale.$$"
    take_lock || { echo "locked by another controller" >&2; exit "$EX_LOCKED"; }
    made=yes
    echo "trueup: took over the lock of $holder" >&2
  fi
  if [ -z "$made" ]; then
    # Taken again from an earlier command of this deploy: its line written again in place, which
    # renews the lock too (the TTL counts from the file's time, that of the last command that held
    # it). A write that failed (a full disk) left it empty: this deploy's lock, it goes.
    [ -f .trueup/lock ] && { printf '%s since %s pid %s\n' "$TRUEUP_LOCK_OWNER" "$since" "$$" > .trueup/lock; } 2>/dev/null || {
      [ ! -f .trueup/lock ] || [ -s .trueup/lock ] || rm -f .trueup/lock
      echo "cannot write the lock .trueup/lock again (is the disk full?)" >&2
      exit "$EX_LOCKED"
    }
  fi
  lockfile=$PWD/.trueup/lock # absolute: the exit hook removes it from wherever the shell is then
  [ "${TRUEUP_LOCK_HOLD:-}" = 1 ] || at_exit 'rm -f "$lockfile"'
}

# take_lock: makes .trueup/lock holding this command's owner line, unless it is there. The shell's
# noclobber opens it with O_EXCL: of several takers only one makes it, and no process is started.
# The time comes from trueup (TRUEUP_LOCK_SINCE) rather than from one more process here. A lock
# made whose line cannot be written (a full disk) is removed, and the command ends: an empty
# lock would hold off every controller for the TTL.
take_lock() {
  set -C
  { command exec 9> .trueup/lock; } 2>/dev/null
  taken=$?
  set +C
  [ "$taken" -eq 0 ] || return 1
  if { printf '%s since %s pid %s\n' "$TRUEUP_LOCK_OWNER" "$since" "$$" >&9; } 2>/dev/null; then
    exec 9>&-
    return 0
  fi
  exec 9>&-
  rm -f .trueup/lock
  echo "cannot write the lock .trueup/lock (is the disk full?)" >&2
  exit 1
}

# read_lock: sets $lock_line to the first line of lock $1 ("" when it has none yet, or is gone): a
# file, or an earlier trueup's directory holding it in owner.
read_lock() {
  lock_line=
  if [ -d "$1" ]; then { read -r lock_line < "$1/owner"; } 2>/dev/null || :
  else { read -r lock_line < "$1"; } 2>/dev/null || :; fi
}

# owned: goes on only in a base directory of this app/environment ($1, "app/env"), the current
# directory: one whose .trueup/base names it on its first line. trueup writes that mark when it
# finds the directory empty (it just made it, or a person made it for trueup), holding only shared/
# (where a person puts an app's shared files before its first deploy) and lost+found (a volume
# mounted there), or with the layout an earlier trueup made there without a mark (repo.git and
# releases/, with current or .trueup/), or with a mark that names no one. Anything else, another
# app/environment's directory included, is not ours: it exits $EX_NOT_OURS, touching nothing, so
# that no step ever removes what this app/environment did not make.
owned() {
  owner=
  [ ! -f .trueup/base ] || { read -r owner || :; } < .trueup/base # its first line, read by the shell
  case "$owner" in
    "$1") return 0 ;;
    */*)
      echo "not ours: $PWD is the base directory of $owner (.trueup/base), not of $1: two app/environments never" \
        "share one, so that neither removes the other's releases. Give $1 a path of its own" >&2
      exit "$EX_NOT_OURS"
      ;;
  esac
  if [ ! -f .trueup/base ]; then
    listing=$(ls -A .) || { echo "cannot list $PWD to see whether it is trueup's" >&2; exit 1; }
    if [ -n "$(printf '%s\n' "$listing" | grep -vx -e shared -e lost+found)" ] &&
      ! { [ -f repo.git/HEAD ] && [ -d releases ] && { [ -L current ] || [ -d .trueup ]; }; }; then
      echo "not ours: $PWD is not empty and trueup did not make it (it has no .trueup/base): trueup deploys only" \
        "into a directory of its own, to remove nothing of anyone else's there. Set path to a directory that does" \
        "not exist yet or is empty; if this one holds only the releases of $1, write $1 into $PWD/.trueup/base" >&2
      exit "$EX_NOT_OURS"
    fi
  fi
  mkdir -p .trueup &&
    printf '%s\n%s\n' "$1" "The base directory of $1: trueup makes and removes what is in it." > .trueup/base &&
    return 0
  echo "cannot mark $PWD as the base directory of $1 (.trueup/base)" >&2
  exit 1
}

nl='
'
# readlinks: reads the links it is given (names without spaces) with one `ls`, for `linked`.
# QUOTING_STYLE from a login environment would make GNU ls quote them.
readlinks() {
  links=$(QUOTING_STYLE=literal LC_ALL=C ls -ld "$@" 2>/dev/null) || :
}

# linked: sets $target to where link $1, read by `readlinks`, points ("" when it is no link or missing).
linked() {
  target=
  set -f
  IFS=$nl
  for line in $links; do
    case "$line" in *" $1 -> "*) target=${line#*" $1 -> "}; break ;; esac
  done
  unset IFS
  set +f
}

# relink: points links in the base directory (current, previous) at their targets, each by renaming
# a new link over it, so that none is ever missing or half made; given pairs ($1 target, $2 link
# [, $3 target, $4 link]), renamed in that order. The new links are made in .trueup/links/ under
# the names they take, so that one `mv` renames them all (each rename a rename(2), atomic); where
# mv will not (a mv that follows the old link into its directory), python3 renames them.
relink() {
  [ -d .trueup/links ] || mkdir -p .trueup/links || return 1
  pairs=$(($# / 2))
  while [ "$pairs" -gt 0 ]; do
    # A directory there is refused before any link is renamed (mv would rename the others).
    if [ -d "$2" ] && [ ! -L "$2" ]; then echo "$PWD/$2 is a directory, not a link: not replaced" >&2; return 1; fi
    # One left by a command cut off here goes first (rm only then): ln would make the new link
    # inside a directory that one leads to.
    if [ -e ".trueup/links/$2" ] || [ -L ".trueup/links/$2" ]; then rm -rf ".trueup/links/$2" || return 1; fi
    ln -s "$1" ".trueup/links/$2" || return 1
    set -- "$@" ".trueup/links/$2"
    shift 2
    pairs=$((pairs - 1))
  done
  mv -f "$@" . 2>/dev/null ||
    python3 -c 'import os, sys
for new in sys.argv[1:]:
    if os.path.lexists(new): os.replace(new, os.path.basename(new))' "$@"
}
