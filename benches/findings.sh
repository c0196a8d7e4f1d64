#!/usr/bin/env bash
# Report formats on many findings in one file, side by side in one run:
# 20,000 findings (one per line of a 1.6 MB file), relgate in every format,
# medians of RUNS, each with its ratio to JSON. Each format runs in turn with JSON
# (j, f, j, f, ...), so both see the same load; CPU is user + system time
# (medians), `load` the 1-minute load average when the format's runs start.
# Peak RSS is relgate's in that format (`/usr/bin/time -f %M` of one more run);
# `json` is measured against itself (its ratio is 1 by construction: the line is
# there for its peak RSS).
#
# Every format relgate has. `attestation` writes a verdict, not the findings: its
# output does not grow with them, so its line measures the evaluation and the
# attestation's tree digest (of the one file), not a report; it is listed for its
# peak RSS. `--now` is fixed so that its output is the same from run to run.
#
#   benches/findings.sh [FINDINGS] [RUNS]
#
# RELGATE=path overrides the binary (default: a release build of this checkout).
# benches/same-output.sh compares two binaries' reports on the same file.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20000}
runs=${2:-7}
if [[ -z ${RELGATE:-} ]]; then
  (cd "$here" && cargo build --release --quiet)
  RELGATE=$here/target/release/relgate
fi
# The runs happen in a scratch folder: a relative path is made absolute first.
if [[ $RELGATE == */* && $RELGATE != /* ]]; then
  RELGATE=$PWD/$RELGATE
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q repo
cd repo
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "line %d has TODO marker and some text é to make it longer than usual %d\n", i, i * 7 }' > big.txt
cat > "$work/policy.yaml" <<'YAML'
version: 1
policies:
  - id: NO-TODO
    title: No TODO markers
    check: {not_matches: {files: ['big.txt'], patterns: 'TODO'}}
YAML
git add big.txt
git -c user.name=b -c user.email=b@b commit -qm bench

# shellcheck source=benches/lib.sh
source "$here/benches/lib.sh"
echo "$n findings in one file of $(wc -c < big.txt) bytes; medians of $runs runs; $(nproc) cores"
printf '| %-11s | %8s | %8s | %6s | %8s | %8s | %8s | %5s | %10s |\n' format time JSON ratio CPU "JSON CPU" "peak RSS" load output
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------- ---------- ---------- -------- ---------- ---------- ---------- ------- ------------
run() {
  "$RELGATE" check . --policies "$work/policy.yaml" --now 2026-01-01 --format "$1" \
    --output "$work/out.$1"
}
for format in json human sarif github markdown junit gitlab azure attestation; do
  l=$(load)
  : > "$work/t"
  : > "$work/j"
  for ((i = 0; i < runs; i++)); do
    timed run json >> "$work/j"
    timed run "$format" >> "$work/t"
  done
  t=$(cut -d' ' -f1 "$work/t" | median)
  tc=$(cut -d' ' -f2 "$work/t" | median)
  j=$(cut -d' ' -f1 "$work/j" | median)
  jc=$(cut -d' ' -f2 "$work/j" | median)
  /usr/bin/time -f '%M' -o "$work/rss" "$RELGATE" check . --policies "$work/policy.yaml" \
    --now 2026-01-01 --format "$format" --output "$work/out.$format" > /dev/null 2>&1 || true
  rss=$(($(tail -1 "$work/rss") / 1024))
  size=$(wc -c < "$work/out.$format")
  ratio=$(awk -v t="$t" -v j="$j" 'BEGIN { printf "%.2fx", (j > 0 ? t / j : 0) }')
  printf '| %-11s | %5d ms | %5d ms | %6s | %5d ms | %5d ms | %5d MB | %5s | %7d kB |\n' \
    "$format" "$t" "$j" "$ratio" "$tc" "$jc" "$rss" "$l" "$((size / 1024))"
done
