# The part of release.sh for an app with shared paths or config: sent only to such apps.
# recipe_read: reads release.sh's arguments after the first four (see there): checks the shared
# paths on the host and reads the rendered files from fd 3 into $config. Sets hidden (every path
# that the commit's files give way to), shared and files.
recipe_read() {
  nl='
'
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    [ $# -ge 3 ] || fail "release: a shared path without its kind, path and target"
    hidden="$hidden$2$nl" shared="$shared$1 $2 $3$nl"
    if [ "$1" = d ]; then
      mkdir -p "shared/$2"
    elif [ ! -e "shared/$2" ] && [ ! -L "shared/$2" ]; then
      fail "shared file $2 is missing: put it in $(pwd -P)/shared/$2 on this host (or render it with config)"
    fi
    shift 3
  done
  [ $# -eq 0 ] || shift
  # The rendered files, read once from fd 3 into a directory only this user can read.
  [ $# -eq 0 ] || { mkdir -p releases && (umask 077 && mkdir "$config"); }
  i=0
  while [ $# -ge 3 ]; do
    i=$((i + 1))
    hidden="$hidden$1$nl" files="$files$i $1 $2$nl"
    (umask 077 && dd bs=1 count="$3" of="$config/$i" 2>/dev/null <&3) || fail "could not read config file $1"
    [ "$(wc -c < "$config/$i")" -eq "$3" ] || fail "config file $1 was cut short: trueup's connection is gone"
    shift 3
  done
}
# within: fails unless no directory on the way to path $2 in release $1 is a symbolic link (one of
# the commit's), which would lead a shared path or a rendered file out of the release.
within() {
  at=$1 rest=$2
  while case "$rest" in */*) true ;; *) false ;; esac; do
    at=$at/${rest%%/*} rest=${rest#*/}
    [ ! -L "$at" ] || fail "$2: ${at#"$1"/} is a symbolic link in the commit; a shared path or a config file must not lead out of the release"
  done
}
# make_room: makes path $2 in release $1 ready to take a shared link or a rendered file: nothing
# on the way out of the release, its directory there, and what the commit has at it gone.
make_room() {
  within "$1" "$2"
  case "$2" in */*) mkdir -p "$1/${2%/*}" ;; esac
  rm -rf "${1:?}/$2"
}
# recipe_apply: in the fresh clone $1, links the shared paths and writes the rendered files, in
# place of what the commit has there, which then counts as unchanged (skip-worktree), and keeps
# them out of the release's git status, which still tells every other change.
recipe_apply() {
  dir=$1
  set -f
  IFS=$nl
  for entry in $shared; do
    IFS=' '
    set -- $entry
    make_room "$dir" "$2"
    ln -s "$3" "$dir/$2"
  done
  IFS=$nl
  for entry in $files; do
    IFS=' '
    set -- $entry
    make_room "$dir" "$2"
    (umask 077 && cp "$config/$1" "$dir/$2")
    chmod "$3" "$dir/$2"
  done
  IFS=$nl
  if [ "${transport:-}" = archive ]; then
    printf '%s\n' $hidden >> "$dir/.trueup-release/hidden" # (archive.sh: out of the manifest's check)
  else
  printf '/%s\n' $hidden >> "$dir/.git/info/exclude"
  git -C "$dir" ls-files -z -- $hidden | git -C "$dir" update-index -z --skip-worktree --stdin
  fi
  unset IFS
  set +f
}
