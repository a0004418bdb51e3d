# Runs a host command's steps (each a step_* function above) one after another, each in a subshell
# of its own, with the lock held from before the first step until the last one ends. The lines
# after these functions, written by trueup (HostCommands.command), say which steps run, with which
# function and which of the command's arguments: `begin` once, then `step` for each, then `end`.
#
# Each step's own output goes to stderr, and its stdin is /dev/null: the command's stdin is kept as
# fd 3 for the steps that read it, release (the rendered config) and confirm (trueup's word to go
# on). Stdout carries only these lines:
#   start <step>            the step begins
#   done <step>             it succeeded
#   warned <step> <code>    it failed, and it is a step that may fail (prune, record): the next runs
#   failed <step> <code>    it failed: no further step runs and the command exits with <code>
#   seen                    after the last step, when `end` is given inspect.sh's arguments: the
#                           lines after it are what the base directory holds as the command leaves it
# How a step ended is said with the next step's start, in one write (so one packet on the wire,
# where /bin/sh is dash; bash writes a builtin's output a line at a time at first), and after the
# last step by `end`; a failure at once.
home=$PWD
ended=
# When trueup's end of the channel is gone, the next progress line raises SIGPIPE (and sshd may
# send HUP or TERM): exit through the exit hooks, so that the lock goes too. The steps' subshells
# get the default handlers back.
trap 'exit 141' PIPE
trap 'exit 129' HUP
trap 'exit 143' TERM
exec 3<&0 </dev/null

begin() { # $1 base directory  $2 its app/environment  [$3 "make": make it when missing, for prepare]
  if [ $# -ge 3 ] && [ ! -d "$1" ]; then mkdir -p "$1" || exit 1; fi
  # A missing base directory is left to the first step to report; one that is not this
  # app/environment's ends the command before any step (owned).
  if cd "$1" 2>/dev/null; then
    owned "$2"
    lock
    cd "$home" || exit 1
  fi
}

step() { # $1 step name  $2 "stop" or "warn" (on failure)  $3 its function  then the step's arguments
  name=$1 onfail=$2 fn=$3
  shift 3
  printf '%s' "${ended}start $name$nl"
  ended=
  ( exit_hooks=; case "$name" in confirm|release) ;; *) exec 3<&- ;; esac; "step_$fn" "$@" ) >&2
  code=$?
  if [ "$code" -eq 0 ]; then
    ended="done $name$nl"
  elif [ "$onfail" = warn ]; then
    ended="warned $name $code$nl"
  else
    echo "failed $name $code"
    exit "$code"
  fi
}

end() { # says how the last step ended  [$@ inspect.sh's arguments: then what the base directory holds]
  if [ $# -eq 0 ]; then
    printf '%s' "$ended"
    return
  fi
  seen=$(trueup_inspect "$@")
  printf '%s' "${ended}seen$nl$seen$nl"
}
