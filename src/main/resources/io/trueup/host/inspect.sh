# Reports the state of one app's base directory, read-only (no index refresh, no locks): the body
# of trueup_inspect, which the inspection calls, and the last command of a deploy after its steps
# (steps.sh's end), so that what the host holds then travels with that command's answer.
# It runs on every host at every poll, so it starts few processes: the shell's `test -ef` tells
# where each link leads (one `ls` reads those that lead to no release or env), its `read` reads
# files, one `git status` checks the desired release, and whether repo.git holds the desired
# commit is asked only when that release is not there unchanged.
# $1 base directory   $2 desired release name (<sha>, or <sha>-<config hash>); "" for none: then the
# links, releases and envs alone, as a deploy's last command says them (no `git status`: a deploy
# planned from that report verifies what it switches to itself)
# [$3... the files rendered into the desired release: their SHA-256 is reported; needs digests.sh]
# What it finds is said at its end in one write (`say` gathers the lines), so that it travels in
# one packet rather than one a line (with dash as /bin/sh; bash may still write a line at a time).
set -u
base=$1 want=$2
shift 2
nl='
'
said=
say() { said="$said$*$nl"; }
if ! cd "$base" 2>/dev/null; then echo "base missing"; exit 0; fi
say "base present"
# An app whose transport is archive (archive.sh) has no repo.git: its base is prepared once releases/ is.
if [ -d repo.git ] || { [ "${transport:-}" = archive ] && [ -d releases ]; }; then repo=yes; else repo=no; fi
say "repo $repo"
# Taken out of its load balancer by hooks.beforeSwitch and not put back by hooks.afterSwitch.
[ ! -f .trueup/drained ] || say "drained yes"
# Who holds the lock: a deploy keeps it from its first command to its last. Not the lock of the
# command this report ends (steps.sh's end), which goes with it: held by its owner, not kept.
# (A directory .trueup/lock, with the line in owner, is an earlier trueup's lock.)
owner=
if [ -d .trueup/lock ]; then held=.trueup/lock/owner; else held=.trueup/lock; fi
[ ! -f "$held" ] || { read -r owner < "$held"; } 2>/dev/null || :
if [ -n "$owner" ]; then
  if [ -z "${lockfile:-}" ] || [ "${TRUEUP_LOCK_HOLD:-}" = 1 ] || [ "${owner%% *}" != "${TRUEUP_LOCK_OWNER:-}" ]; then
    say "lock $owner"
  fi
fi
# The links: current and previous, each said as the release it leads to (releases/<name>), and
# each release's .venv as the env it leads to (../../envs/<name>, from the release). The shell's
# test -ef finds which, with no process; only a link that leads to none of them (dangling, or
# pointing elsewhere) is read, by one `ls` for all such: each as `... <name> -> <target>`; our
# names hold no spaces. QUOTING_STYLE from a login environment would make GNU ls quote them.
# Lines are split with IFS, not read from a here-document, which some shells write to a temporary file.
cur= prev= venvs=' ' unread= near=
for link in current previous; do
  [ -L "$link" ] || continue
  target=
  for r in releases/*; do
    # A link of a person's there (an alias of a release) is no release of its own.
    [ -L "$r" ] && continue
    if [ "$link" -ef "$r" ]; then target=$r; break; fi
  done
  case "$link" in current) cur=$target ;; *) prev=$target ;; esac
  [ -n "$target" ] || unread="$unread $link"
done
for v in releases/*/.venv; do
  [ -L "$v" ] || continue
  target=
  # The env of the release before is tried first: most releases share theirs.
  if [ -n "$near" ] && [ "$v" -ef "$near" ]; then target=$near
  else
    for e in envs/*; do
      [ -L "$e" ] && continue
      if [ "$v" -ef "$e" ]; then target=$e near=$e; break; fi
    done
  fi
  if [ -n "$target" ]; then v=${v#releases/}; venvs="$venvs${v%/.venv}=../../$target "
  else unread="$unread $v"; fi
done
if [ -n "$unread" ]; then
  set -f
  links=$(QUOTING_STYLE=literal LC_ALL=C ls -ld $unread 2>/dev/null)
  IFS=$nl
  for line in $links; do
    case "$line" in *" -> "*) ;; *) continue ;; esac
    target=${line#* -> } name=${line%% -> *}
    name=${name##* }
    case "$name" in
      current) cur=$target ;;
      previous) prev=$target ;;
      releases/*/.venv) name=${name#releases/}; venvs="$venvs${name%/.venv}=$target " ;;
    esac
  done
  unset IFS
  set +f
fi
say "current $cur"
say "previous $prev"
# Envs before releases: each env named by a SHA-256 is said with a number (`env <hash> @<n>`), by
# which a release's link to it is said: `@<n>` rather than the link's target, ../../envs/<hash>,
# 75 characters a release. A name with a newline would say lines of its own: it is not said.
n=0 numbered=' '
for e in envs/*; do
  [ -d "$e" ] || continue
  e=${e#envs/} label=
  case "$e" in *"$nl"*) continue ;; esac
  case "$e" in *[!0123456789abcdef]*) ;; *)
    if [ ${#e} -eq 64 ]; then
      n=$((n + 1)) label=" @$n"
      numbered="$numbered../../envs/$e=@$n "
    fi ;;
  esac
  if [ -f "envs/$e/.trueup-complete" ]; then say "env $e$label"; else say "partial $e$label"; fi
done
for r in releases/*; do
  [ -d "$r" ] || continue
  t=0
  marks "$r" # (marks.sh)
  [ -f "$marks/trueup-switched" ] && read -r t < "$marks/trueup-switched"
  r=${r#releases/}
  case "$venvs" in *" $r="*) v=${venvs#*" $r="}; v=${v%% *} ;; *) v= ;; esac
  case "$v" in
    @*) v=./$v ;; # someone's own link: never taken for a number
    *) case "$numbered" in *" $v=@"*) v=${numbered#*" $v="}; v=${v%% *} ;; esac ;;
  esac
  say "release $r ${t:-0} $v"
done
for r in releases/.tmp-* releases/.old-*; do
  [ -e "$r" ] && say "leftover $r"
done
# A new link that switch made but did not rename over its old one (common.sh's relink: a command
# cut off between its ln and its mv). Dangling there: its target is relative to the base directory.
# Not while another command holds the lock: it may be that switch, between its ln and its mv.
if [ -z "$owner" ] || [ -n "${lockfile:-}" ]; then
  for r in .trueup/links/*; do
    { [ -L "$r" ] || [ -e "$r" ]; } && say "leftover $r"
  done
fi
pristine=no
check() { # $1 release name; sets pristine=yes when it is at its commit with no change
  [ -d "releases/$1" ] || return 0
  # A release's HEAD is detached at its commit: .git/HEAD holds the SHA. Anything else, ask git.
  head=none
  [ -f "releases/$1/.git/HEAD" ] && read -r head < "releases/$1/.git/HEAD"
  case "$head" in
    *[!0-9a-f]*|'') head=$(git -C "releases/$1" rev-parse -q --verify HEAD 2>/dev/null) || head=none ;;
  esac
  say "head $1 $head"
  [ ! -f "releases/$1/.git/trueup-built" ] || say "built $1"
  changes "$1" "$head" "$(GIT_OPTIONAL_LOCKS=0 git -C "releases/$1" status --porcelain --untracked-files=all 2>&1)"
}
changes() { # $1 release name  $2 its commit  $3 its changes, one a line (git status --porcelain's form)
  # Says the first 5 changes; sets pristine=yes when the release is at its commit with none.
  n=0
  set -f
  IFS=$nl
  for line in $3; do
    [ $n -lt 5 ] && say "change $1 $line"
    n=$((n + 1))
  done
  unset IFS
  set +f
  if [ "$2" = "${1%%-*}" ] && [ $n -eq 0 ]; then pristine=yes; else pristine=no; fi
}
# Only the desired release is checked: when current is another release, it is replaced whatever
# its state, and checking it would cost a `git status` at every deploy.
if [ -n "$want" ]; then
  if [ "${transport:-}" = archive ]; then archived "$want"; else check "$want"; fi # (archive.sh)
  [ $# -eq 0 ] || [ ! -d "releases/$want" ] || rendered "$want" "$@"  # (digests.sh)
  # The commit matters only for making its release again; "object" is not said when it is not asked.
  if [ "$repo" = yes ] && [ "$pristine" = no ] && [ "${transport:-}" != archive ]; then
    if git --git-dir=repo.git cat-file -e "${want%%-*}^{commit}" 2>/dev/null; then say "object yes"; else say "object no"; fi
  fi
fi
printf '%s' "$said"
exit 0
