# Shared by the step scripts: fail with a message, and replace a symlink atomically.
fail() { echo "$*" >&2; exit 1; }
relink() { # $1 target, $2 link: points $2 at $1 by renaming a new link over it
  ln -s "$1" "$2.new.$$" || return 1
  mv -T "$2.new.$$" "$2" 2>/dev/null ||
    python3 -c 'import os, sys; os.replace(sys.argv[1], sys.argv[2])' "$2.new.$$" "$2" ||
    { rm -f "$2.new.$$"; return 1; }
}
