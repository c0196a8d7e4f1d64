#!/usr/bin/env bash
# Packages one release binary the way the GitHub release publishes it:
#   OUTDIR/relgate-TARGET.tar.gz (a .zip for Windows targets) holding
#   relgate-TARGET/relgate[.exe], README.md and CHANGELOG.md.
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
case "$target" in
  *windows*) exe=relgate.exe ;;
  *) exe=relgate ;;
esac
cp "$binary" "$stage/$name/$exe"
chmod 0755 "$stage/$name/$exe"
cp "$root/README.md" "$root/CHANGELOG.md" "$stage/$name/"

cd "$stage"
case "$target" in
  *windows*)
    rm -f "$outdir/$name.zip"
    if command -v 7z >/dev/null 2>&1; then
      7z a -tzip -bd "$outdir/$name.zip" "$name" >/dev/null
    else
      zip -qr "$outdir/$name.zip" "$name"
    fi
    echo "$outdir/$name.zip"
    ;;
  *)
    tar -czf "$outdir/$name.tar.gz" --owner=0 --group=0 "$name" 2>/dev/null ||
      tar -czf "$outdir/$name.tar.gz" "$name"
    echo "$outdir/$name.tar.gz"
    ;;
esac
