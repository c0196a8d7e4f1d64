#!/usr/bin/env bash
# relgate against its floor at several repository sizes, in one table: each REPO
# through benches/modes.sh (every mode, medians of RUNS), its rows prefixed with the
# repository's number of files. Sizes that are missing are generated once with
# benches/gen-repo.sh (1,000,000 files take about ten minutes and 4 GB).
#
#   benches/scale.sh [RUNS] [FILES...]     (default: 5 25000 100000 300000)
#
# Repositories are kept in $TMPDIR/relgate-bench-<FILES> between runs. RELGATE=path
# overrides the binary (default: a release build of this checkout). The goals
# (issue: scale): the ratio to the floor at most 1.3x in every mode and not growing
# with the size; peak RSS at 300k at most 1.5x the 100k peak; 1M under 200 MiB.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
shift || true
sizes=("$@")
if [[ ${#sizes[@]} == 0 ]]; then
  sizes=(25000 100000 300000)
fi
if [[ -z ${RELGATE:-} ]]; then
  (cd "$here" && cargo build --release --quiet)
  RELGATE=$here/target/release/relgate
fi
RELGATE=$(realpath "$RELGATE")
export RELGATE
for n in "${sizes[@]}"; do
  repo=${TMPDIR:-/tmp}/relgate-bench-$n
  if [[ ! -d $repo/.git ]]; then
    "$here/benches/gen-repo.sh" "$repo" "$n" > /dev/null
  fi
  echo "## $n files"
  "$here/benches/modes.sh" "$repo" "$runs"
  echo
done
