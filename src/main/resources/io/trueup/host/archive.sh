# Sent first with every command of an app whose transport is archive, and only then: its releases
# are unpacked from an archive of the commit's tree, and no step runs git. The scripts that differ
# for it test $transport. An unpacked release keeps its marks in <release>/.trueup-release/ (see
# marks, marks.sh): HEAD (its commit), manifest (each file's path, kind, exec bit, SHA-256, size
# and mtime, or a link's target, as unpacked), hidden (the shared paths and rendered files put in
# place of the commit's), built (what its build hook made), trueup-switched and trueup-built.
transport=archive
# unpack: makes release directory $1 from the archive that follows the rendered files on fd 3
# (release.sh's fresh, whose variables it reads): its tree, its link to the env, the recipe. The
# archive comes framed (<length>\n<bytes>..., ended by "0 <SHA-256> <length>\n"), and nothing is
# kept unless all of it came, as sent. The stream is read once: a second release made by the same
# command (release.sh's swap of the current release) is a copy of the first.
unpack() {
  if [ -n "${unpacked:-}" ]; then cp -a "$unpacked" "$1"; return; fi
  python3 -I -S -c "$archive_py" unpack "$1" "$sha" <&3
  venv "$1" # (release.sh)
  [ -z "$hidden" ] || recipe_apply "$1"
  unpacked=$1
}
# archived: inspect.sh's check, for an unpacked release $1: says its commit, whether it was built,
# and its first 5 changes from its manifest, in git status's short form; sets pristine=yes when it
# is at its commit with no change.
archived() {
  [ -d "releases/$1" ] || return 0
  head=none
  [ -f "releases/$1/.trueup-release/HEAD" ] && read -r head < "releases/$1/.trueup-release/HEAD"
  say "head $1 $head"
  [ ! -f "releases/$1/.trueup-release/trueup-built" ] || say "built $1"
  changes "$1" "$head" "$(python3 -I -S -c "$archive_py" check "releases/$1" 2>&1)" # (inspect.sh)
}
# as_unpacked: verify.sh's check of release directory $1 (named $2): at its commit with no change.
as_unpacked() {
  [ -f "$1/.trueup-release/manifest" ] || stale "release $2 is gone"
  head=
  read -r head < "$1/.trueup-release/HEAD" || head=
  [ "$head" = "${2%%-*}" ] || stale "release $2 is unpacked from ${head:-nothing}"
  changes=$(python3 -I -S -c "$archive_py" check "$1" 2>&1) || stale "the check of release $2 failed: $changes"
  [ -z "$changes" ] || stale "release $2 was changed by hand"
}
# built_unpacked: hook.sh's built, in an unpacked release: fails when the build changed a file of
# the commit; else notes what it made (no drift) and marks the release built.
built_unpacked() {
  python3 -I -S -c "$archive_py" built . "$TRUEUP_SHA" && : > .trueup-release/trueup-built
}
archive_py='import hashlib, json, os, stat, sys, tarfile
def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)
CUT = "the archive was cut short: trueup'"'"'s connection is gone"
class Frames:
    """The archive on stdin, unframed and counted; never a byte past its end."""
    def __init__(self):
        self.left, self.end, self.total, self.sum, self.trailer = 0, False, 0, hashlib.sha256(), []
    def line(self):
        out = b""
        while not out.endswith(b"\n"):
            byte = os.read(0, 1)
            if not byte:
                fail(CUT)
            out += byte
            if len(out) > 100:
                fail("the archive is not framed as trueup frames it")
        return out.decode("ascii", "replace").split()
    def read(self, size=-1):
        parts, want = [], size if size >= 0 else 1 << 62
        while want > 0 and not self.end:
            if self.left == 0:
                words = self.line()
                if not words or not words[0].isdigit():
                    fail("the archive is not framed as trueup frames it")
                if words[0] == "0":
                    self.end, self.trailer = True, words[1:]
                    break
                self.left = int(words[0])
            chunk = os.read(0, min(self.left, want, 1 << 20))
            if not chunk:
                fail(CUT)
            self.left -= len(chunk)
            want -= len(chunk)
            self.total += len(chunk)
            self.sum.update(chunk)
            parts.append(chunk)
        return b"".join(parts)
def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
def unpack(dest, sha):
    frames, files, links = Frames(), {}, set()
    os.mkdir(dest)
    try:
        tar = tarfile.open(fileobj=frames, mode="r|", encoding="utf-8", errors="surrogateescape")
        for m in tar:
            parts = m.name.split("/")
            if m.name.startswith("/") or any(p in ("", ".", "..") for p in parts):
                fail("refused archive entry %r: its path leads out of the release" % m.name)
            if parts[0] in (".trueup-release", ".venv", ".git"):
                fail("refused archive entry %r: %s is trueup'"'"'s own in a release" % (m.name, parts[0]))
            for i in range(1, len(parts)):
                if "/".join(parts[:i]) in links:
                    fail("refused archive entry %r: its path goes through a symbolic link" % m.name)
            path = os.path.join(dest, m.name)
            if m.isdir():
                os.makedirs(path, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if m.isreg():
                exe = bool(m.mode & 0o100)
                h, source = hashlib.sha256(), tar.extractfile(m)
                with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o777 if exe else 0o666), "wb") as f:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        h.update(block)
                        f.write(block)
                st = os.lstat(path)
                files[m.name] = {"kind": "f", "exe": exe, "sha256": h.hexdigest(), "size": st.st_size,
                                 "mtime": st.st_mtime_ns}
            elif m.issym():
                os.symlink(m.linkname, path)
                links.add(m.name)
                files[m.name] = {"kind": "l", "target": m.linkname}
            else:
                fail("refused archive entry %r: neither a file, a directory nor a symbolic link" % m.name)
        while not frames.end:
            frames.read(1 << 16)
    except (tarfile.TarError, OSError, EOFError) as e:
        fail("could not unpack the archive of %s: %s" % (sha, e))
    if frames.trailer != [frames.sum.hexdigest(), str(frames.total)]:
        fail("the archive of %s came altered or cut short (%d bytes)" % (sha, frames.total))
    meta = os.path.join(dest, ".trueup-release")
    os.mkdir(meta)
    with open(os.path.join(meta, "manifest"), "w") as f:
        json.dump(files, f)
    with open(os.path.join(meta, "HEAD"), "w") as f:
        f.write(sha + "\n")
def listed(meta, name):
    try:
        with open(os.path.join(meta, name)) as f:
            return set(json.load(f) if name == "built" else f.read().split("\n")) - {""}
    except FileNotFoundError:
        return set()
def changes(release):
    """Each difference of release from its manifest, as git status --porcelain says it; and what is new."""
    meta = os.path.join(release, ".trueup-release")
    try:
        with open(os.path.join(meta, "manifest")) as f:
            files = json.load(f)
    except (OSError, ValueError) as e:
        return [" D .trueup-release/manifest (%s)" % e], []
    hidden, built = listed(meta, "hidden"), listed(meta, "built")
    def away(name):
        parts = name.split("/")
        return any("/".join(parts[:i]) in hidden for i in range(1, len(parts) + 1))
    def ignored(name):
        parts = name.split("/")
        return (away(name) or parts[0] in (".trueup-release", ".venv") or "__pycache__" in parts
                or name.endswith((".pyc", ".pyo"))
                or any("/".join(parts[:i]) in built for i in range(1, len(parts) + 1)))
    found, new = [], []
    seen = set()
    holding = {"/".join(name.split("/")[:i]) for name in files for i in range(1, name.count("/") + 1)}
    for top, dirs, names in os.walk(release):
        rel = os.path.relpath(top, release)
        prefix = "" if rel == "." else rel + "/"
        for d in list(dirs):
            if os.path.islink(os.path.join(top, d)):
                names.append(d)
                dirs.remove(d)
            elif ignored(prefix + d) and prefix + d not in holding:
                dirs.remove(d)
        for n in names:
            name = prefix + n
            entry = files.get(name)
            if entry is None or away(name):
                if not ignored(name):
                    new.append(name)
                continue
            seen.add(name)
            path = os.path.join(top, n)
            st = os.lstat(path)
            if entry["kind"] == "l":
                if not stat.S_ISLNK(st.st_mode):
                    found.append(" T " + name)
                elif os.readlink(path) != entry["target"]:
                    found.append(" M " + name)
            elif not stat.S_ISREG(st.st_mode):
                found.append(" T " + name)
            elif bool(st.st_mode & 0o100) != entry["exe"]:
                found.append(" M " + name)
            elif (st.st_size, st.st_mtime_ns) != (entry["size"], entry["mtime"]) and digest(path) != entry["sha256"]:
                found.append(" M " + name)
    found += [" D " + name for name in files if name not in seen and not away(name)]
    return found, new
mode, release = sys.argv[1], sys.argv[2]
if mode == "unpack":
    unpack(release, sys.argv[3])
elif mode == "check":
    found, new = changes(release)
    for line in found + ["?? " + name for name in new]:
        print(line)
elif mode == "built":
    found, new = changes(release)
    if found:
        fail("the build changed files of commit %s: %s; a build may only add files"
             % (sys.argv[3], ", ".join(line[3:] for line in found[:10])))
    path = os.path.join(release, ".trueup-release", "built")
    with open(path + ".new", "w") as f:
        json.dump(sorted(listed(os.path.dirname(path), "built") | set(new)), f)
    os.replace(path + ".new", path)
'
