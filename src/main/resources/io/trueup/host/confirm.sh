# Waits for trueup's word to go on to the switch: the line "go" on the command's stdin (fd 3, kept
# by steps.sh), which trueup sends when it hears this step start, that is, once every step before
# it has succeeded. Without that word the command ends here, before the switch, exiting $EX_NO_WORD, and
# what the steps before made stays for the next deploy: a host never switches and restarts with
# no trueup there to check its health and switch it back. No word is end of file (trueup's
# connection is gone), any other line, or nothing for $2 seconds: a connection that died without
# a word from either end (a link cut) must not hold the lock for longer.
# $1 base directory (unused)  $2 seconds to wait
# The line is read by a child that a timer kills (a signal does not interrupt bash's read); the
# timer takes its sleep along when it is stopped, and neither holds the channel's streams.
( IFS= read -r word && [ "$word" = go ] ) <&3 >/dev/null 2>&1 &
reader=$!
(
  # Stopped before its sleep is noted, it stops the sleep all the same.
  trap 'stop=1' TERM
  sleep "$2" & sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  [ -z "${stop:-}" ] || { kill "$sleeper" 2>/dev/null; exit 0; }
  wait "$sleeper" && kill "$reader"
) </dev/null >/dev/null 2>&1 3<&- &
timer=$!
wait "$reader" 2>/dev/null
code=$?
kill "$timer" 2>/dev/null
# No word: this deploy goes no further, so a lock kept for the deploy's next command
# (TRUEUP_LOCK_HOLD) goes now: there is none. Without TRUEUP_LOCK_HOLD the command's exit frees it
# (once: a second removal could take away a lock another controller has made meanwhile).
[ "$code" -eq 0 ] || [ "${TRUEUP_LOCK_HOLD:-}" != 1 ] || [ -z "${lockfile:-}" ] || rm -f "$lockfile"
case $code in
  0) ;;
  1) echo "no word from trueup to switch (its connection is gone, or it said no); stopped before the switch" >&2; exit "$EX_NO_WORD" ;;
  *) echo "no word from trueup to switch within $2s; stopped before the switch" >&2; exit "$EX_NO_WORD" ;;
esac
