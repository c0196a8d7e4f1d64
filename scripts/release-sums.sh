#!/usr/bin/env bash
# Writes DIR/SHA256SUMS: the SHA-256 of every other file in DIR, sorted by name, in
# the format `sha256sum --check` reads. The release publishes it, and the release
# process commits a copy as dist/SHA256SUMS, which the action verifies downloads against.
#
# usage: scripts/release-sums.sh DIR
set -euo pipefail
cd "$1"
if command -v sha256sum >/dev/null 2>&1; then
  sum() { sha256sum "$@"; }
else
  sum() { shasum -a 256 "$@"; }
fi
files=()
while IFS= read -r f; do
  files+=("$f")
done < <(find . -maxdepth 1 -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "release-sums: no file in $1" >&2
  exit 2
fi
sum "${files[@]}" > SHA256SUMS.tmp
mv SHA256SUMS.tmp SHA256SUMS
cat SHA256SUMS
