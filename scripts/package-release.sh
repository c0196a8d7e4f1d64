#!/usr/bin/env bash
# Packages one release binary the way the GitHub release publishes it:
#   OUTDIR/relgate-TARGET.tar.gz holding relgate-TARGET/relgate, README.md and
#   CHANGELOG.md (relgate is built for Linux and macOS only).
# Used by .github/workflows/release.yml and by the distribution tests.
#
# usage: scripts/package-release.sh TARGET BINARY OUTDIR
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUTDIR" >&2
  exit 2
fi
target=$1 binary=$2 outdir=$3
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
name="relgate-$target"
mkdir "$stage/$name"
cp "$binary" "$stage/$name/relgate"
chmod 0755 "$stage/$name/relgate"
cp "$root/README.md" "$root/CHANGELOG.md" "$stage/$name/"

cd "$stage"
tar -czf "$outdir/$name.tar.gz" --owner=0 --group=0 "$name" 2>/dev/null ||
  tar -czf "$outdir/$name.tar.gz" "$name"
echo "$outdir/$name.tar.gz"
