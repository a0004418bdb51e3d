# marks: sets $marks to where release directory $1 keeps its marks (trueup-switched, trueup-built,
# HEAD), by the app's transport, never by what the commit's tree holds: .trueup-release/ in a
# release unpacked from an archive (archive.sh sets $transport; its unpacker refuses a tree with a
# .trueup-release), .git/ in a clone.
marks() {
  if [ "${transport:-}" = archive ]; then marks=$1/.trueup-release; else marks=$1/.git; fi
}
