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
# with the size; peak RSS at 300k at most 1.5x the 100k peak (printed last, per mode,
# when both sizes run); 1M under 200 MiB.
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
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for n in "${sizes[@]}"; do
  repo=${TMPDIR:-/tmp}/relgate-bench-$n
  if [[ ! -d $repo/.git ]]; then
    "$here/benches/gen-repo.sh" "$repo" "$n" > /dev/null
  fi
  echo "## $n files"
  "$here/benches/modes.sh" "$repo" "$runs" | tee -a "$out"
  echo
done
# The memory goal, when both sizes ran: each mode's peak at 300k over its peak at 100k
# (the peak RSS column of the rows of each size, in the order the sizes ran).
if [[ " ${sizes[*]} " == *" 100000 "* && " ${sizes[*]} " == *" 300000 "* ]]; then
  awk -F'|' -v sizes="${sizes[*]}" '
    BEGIN { n = split(sizes, s, " ") }
    /^\| (worktree|staged|rev|baseline) / {
      mode = $2; gsub(/ /, "", mode); rss = $8; gsub(/[^0-9]/, "", rss)
      seen[mode]++; peak[mode, s[seen[mode]]] = rss
    }
    END {
      printf "peak RSS at 300k / at 100k (goal at most 1.5x):"
      split("worktree staged rev baseline", m, " ")
      for (i = 1; i <= 4; i++)
        if (peak[m[i], 100000] > 0)
          printf " %s %.2fx", m[i], peak[m[i], 300000] / peak[m[i], 100000]
      print ""
    }' "$out"
fi
