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
# last step by `end`; a failure at once. The start of a quick step (the words in $quick_steps,
# which trueup puts before this script) waits too, said with the next line, as long as what waits
# is only such starts and the ends of inert steps ($inert_steps: they change nothing trueup acts
# on): a command cut off meanwhile is blamed on an earlier step, and the end of a step that changed
# something is never held back while another runs.
home=$PWD
ended=
holding=yes
# When trueup's end of the channel is gone, the next progress line raises SIGPIPE (and sshd may
# send HUP or TERM): exit through the exit hooks, so that the lock goes too. The steps' subshells
# get the default handlers back.
trap 'exit 141' PIPE
trap 'exit 129' HUP
trap 'exit 143' TERM
exec 3<&0 </dev/null

begin() { # $1 base directory (each step's first argument)  $2 its app/environment  [$3 "make": make it when missing, for prepare]
  trueup_base=$1
  if [ $# -ge 3 ] && [ ! -d "$1" ]; then mkdir -p "$1" || exit 1; fi
  # A missing base directory is left to the first step to report; one that is not this
  # app/environment's ends the command before any step (owned).
  if cd "$1" 2>/dev/null; then
    owned "$2"
    lock
    cd "$home" || exit 1
  fi
}

step() { # $1 step name  $2 "stop" or "warn" (on failure)  $3 its function  then the step's arguments after the base directory
  name=$1 onfail=$2 fn=$3
  shift 3
  case "$holding$quick_steps" in
    yes*" $name "*) ended="${ended}start $name$nl" ;;
    *) printf '%s' "${ended}start $name$nl"; ended= holding=yes ;;
  esac
  ( exit_hooks=; case "$name" in confirm|release) ;; *) exec 3<&- ;; esac; "step_$fn" "$trueup_base" "$@" ) >&2
  code=$?
  if [ "$code" -eq 0 ]; then
    ended="${ended}done $name$nl"
    case "$inert_steps" in *" $name "*) ;; *) holding= ;; esac
  elif [ "$onfail" = warn ]; then
    ended="${ended}warned $name $code$nl" holding=
  else
    printf '%s' "${ended}failed $name $code$nl"
    exit "$code"
  fi
}

end() { # says how the last step ended  [$@ inspect.sh's arguments after the base directory: then what it holds]
  if [ $# -eq 0 ]; then
    printf '%s' "$ended"
    return
  fi
  seen=$(trueup_inspect "$trueup_base" "$@")
  printf '%s' "${ended}seen$nl$seen$nl"
}
