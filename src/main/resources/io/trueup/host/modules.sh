# Sent with release.sh, which calls it. modules: in $1, a checkout from repo.git (a release, or a
# submodule of it), checks out each submodule whose path is a gitlink at its pinned commit, from
# repo.git (trueup pushed it there; hard links, no network), then theirs, at most 8 deep ($2 the
# depth). trueup checked the names and paths. Variables start with mod_ (release.sh's stay).
modules() {
  [ -f "$1/.gitmodules" ] || return 0
  [ "${2:-0}" -lt 8 ] || fail "release: submodules nested more than 8 deep in $1"
  mod_repo=${mod_repo:-$(pwd -P)/repo.git} mod_paths=
  mod_keys=$(git -C "$1" config -f .gitmodules --name-only --get-regexp '^submodule\..*\.path$') || return 0
  for mod_key in $mod_keys; do
    mod_name=${mod_key#submodule.} && mod_name=${mod_name%.path}
    mod_path=$(git -C "$1" config -f .gitmodules --get "$mod_key")
    set -- "$1" "${2:-0}" $(git -C "$1" ls-files -s -- "$mod_path")
    [ "${3:-}" = 160000 ] || { set -- "$1" "$2"; continue; }
    git --git-dir="$mod_repo" cat-file -e "$4^{commit}" 2>/dev/null ||
      fail "release: submodule $mod_path (in ${1#releases/}) pins commit $4, which repo.git lacks"
    set -- "$1" "$2"
    git -C "$1" config "submodule.$mod_name.url" "$mod_repo"
    mod_paths="$mod_paths $mod_path"
  done
  [ -n "$mod_paths" ] || return 0
  mod_out=$(git -C "$1" -c protocol.file.allow=always submodule --quiet update --init --checkout -- $mod_paths 2>&1) ||
    fail "release: the submodules of ${1#releases/} could not be checked out: $mod_out"
  for mod_path in $mod_paths; do
    mod_exclude=$(git -C "$1/$mod_path" rev-parse --absolute-git-dir)/info
    mkdir -p "$mod_exclude" && printf '%s\n' __pycache__/ '*.py[co]' >> "$mod_exclude/exclude"
    ( modules "$1/$mod_path" $(($2 + 1)) )
  done
}
