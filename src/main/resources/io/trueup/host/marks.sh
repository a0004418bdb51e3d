# marks: sets $marks to where release directory $1 keeps its marks (trueup-switched, trueup-built,
# HEAD): .trueup-release/ in a release unpacked from an archive (archive.sh), .git/ in a clone.
marks() {
  if [ -d "$1/.trueup-release" ]; then marks=$1/.trueup-release; else marks=$1/.git; fi
}
