#!/usr/bin/env bash
# relgate in its three modes against each mode's floor, side by side, with CPU time,
# peak RSS, the load average, and whether relgate read exactly the floor's files.
#
#   benches/modes.sh [REPO] [RUNS]
#
# REPO defaults to a fresh benches/gen-repo.sh tree of 100000 files (kept in
# $TMPDIR/relgate-bench-100k between runs). RELGATE=path overrides the binary
# (default: a release build of this checkout). Times are medians of RUNS (5), relgate
# and its floor run in turn (r, f, r, f, ...) so that both see the same load.
#
# The floor of a mode is what any tool that judges the same files must at least do:
#   working tree   `git ls-files -s` (the index), then beside each other
#                  `git ls-files --others --exclude-standard` (the untracked files
#                  that are not ignored) and `cat` of exactly the files the pack
#                  reads, in 2 parallel streams
#   --staged       `git ls-files -s`, then `git cat-file --batch` of those blobs, 2 streams
#   --rev HEAD     `git ls-tree -r HEAD`, then `git cat-file --batch` of those blobs, 2 streams
# "The files the pack reads" are its globs, as a regular expression below; the
# `stats` column says whether relgate's `--stats=paths` lists exactly those files
# (and lists as many entries as git: tracked plus untracked, the index, the tree).
# The old working-tree floor (index and reads, no untracked walk) is the
# `baseline` line.
# relgate's CPU and the floor's are user + system time (medians, all processes);
# peak RSS is relgate's (the median of as many more runs of the timed command). `load` is the
# 1-minute load average when the mode's runs start.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${2:-5}
repo=${1:-${TMPDIR:-/tmp}/relgate-bench-100k}
if [[ ! -d $repo/.git ]]; then
  "$here/benches/gen-repo.sh" "$repo" 100000
fi
if [[ -z ${RELGATE:-} ]]; then
  (cd "$here" && cargo build --release --quiet)
  RELGATE=$here/target/release/relgate
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"

# The files whose content the billing-gateway-dr pack needs: the flag's config
# files outside its excluded folders, the Markdown it checks for encoding (which
# holds every Markdown file its other checks read), and the files its single-file
# checks name outside those: the ledger (data, deadline), and the DR checklist's
# signature and signers (signature). The release's artifacts are only lstat'ed
# (mode), never read.
flag='(^|/)(\.env(\.[^/]*)?|[^/]*\.(env|ya?ml|json|toml|sh)|Dockerfile(\.[^/]*)?)$'
excluded='^(docs|quality/reports|releases|\.relgate)/'
named='^(releases/ledger\.json|docs/support/dr-checklist\.md\.sig|\.relgate/signers/dr-checklist)$'
git ls-files -s > "$work/index"
awk '{ sub(/^[^\t]*\t/, ""); print }' "$work/index" | sort -u > "$work/all"
git ls-files --others --exclude-standard > "$work/untracked"
{
  grep -E "$flag" "$work/all" | grep -Ev "$excluded" || true
  grep -E '^(docs|quality|releases)/.*\.md$' "$work/all" || true
  grep -E "$named" "$work/all" || true
} | LC_ALL=C sort -u > "$work/read"
tr '\n' '\0' < "$work/read" > "$work/read0"
# Blob ids of the same files, in two halves.
awk -F'\t' 'NR == FNR { want[$0] = 1; next } ($2 in want) { split($1, m, " "); print m[2] }' \
  "$work/read" "$work/index" > "$work/blobs"
half=$(( ($(wc -l < "$work/blobs") + 1) / 2 ))
split -l "$half" "$work/blobs" "$work/blobs."
tracked=$(wc -l < "$work/all")
in_tree=$(git ls-tree -r HEAD | wc -l)

floor_baseline() {
  git ls-files -s > /dev/null
  xargs -0 -P 2 -n 1000 cat < "$work/read0" > /dev/null
}
floor_worktree() {
  git ls-files -s > /dev/null
  git ls-files --others --exclude-standard > /dev/null &
  xargs -0 -P 2 -n 1000 cat < "$work/read0" > /dev/null
  wait
}
floor_objects() {
  "$@" > /dev/null
  for part in "$work"/blobs.*; do
    git cat-file --batch < "$part" > /dev/null &
  done
  wait
}
floor_staged() { floor_objects git ls-files -s; }
floor_rev() { floor_objects git ls-tree -r HEAD; }

# shellcheck source=benches/lib.sh
source "$here/benches/lib.sh"

echo "repository: $repo ($tracked tracked files, $(wc -l < "$work/untracked") untracked, the pack reads $(wc -l < "$work/read"))"
echo "relgate: $RELGATE; medians of $runs runs; $(nproc) cores"
echo
printf '| %-12s | %10s | %10s | %6s | %11s | %11s | %8s | %5s | %5s |\n' \
  mode relgate floor ratio "relgate CPU" "floor CPU" "peak RSS" load stats
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------- ------------ ------------ -------- \
  ------------- ------------- ---------- ------- -------
for mode in worktree staged rev baseline; do
  case $mode in
    worktree | baseline) args=() ;;
    staged) args=(--staged) ;;
    rev) args=(--rev HEAD) ;;
  esac
  cmd=("$RELGATE" check . --pack billing-gateway-dr "${args[@]}" --format json --output /dev/null)
  load=$(load)
  : > "$work/r"
  : > "$work/f"
  for ((i = 0; i < runs; i++)); do
    timed "${cmd[@]}" >> "$work/r"
    timed "floor_$mode" >> "$work/f"
  done
  r=$(cut -d' ' -f1 "$work/r" | median)
  rc=$(cut -d' ' -f2 "$work/r" | median)
  f=$(cut -d' ' -f1 "$work/f" | median)
  fc=$(cut -d' ' -f2 "$work/f" | median)
  # Peak RSS of the timed command: the median of as many more runs (one run's peak
  # moves by a few MB with when the threads' work lands); what relgate listed and
  # read from another (`--stats=paths` holds the read paths: not part of the peak).
  : > "$work/rss"
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%M' -a -o "$work/rss" "${cmd[@]}" > /dev/null 2>&1 || true
  done
  rss=$(($(grep -E '^[0-9]+$' "$work/rss" | median) / 1024))
  code=0
  "${cmd[@]:0:${#cmd[@]}-2}" --output "$work/out.json" --stats=paths > /dev/null 2>&1 || code=$?
  case $mode in
    worktree | baseline) listed=$((tracked + $(wc -l < "$work/untracked"))) ;;
    staged) listed=$tracked ;;
    rev) listed=$in_tree ;;
  esac
  python3 - "$work/out.json" > "$work/paths" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["stats"]["checked"]
print(s["listed"])
print("\n".join(s["paths"]))
PY
  stats=no
  if [[ $code == 0 && $(head -1 "$work/paths") == "$listed" ]] \
    && tail -n +2 "$work/paths" | LC_ALL=C sort | cmp -s - "$work/read"; then
    stats=yes
  fi
  ratio=$(awk -v r="$r" -v f="$f" 'BEGIN { printf "%.2fx", (f > 0 ? r / f : 0) }')
  printf '| %-12s | %7d ms | %7d ms | %6s | %8d ms | %8d ms | %5d MB | %5s | %5s |\n' \
    "$mode" "$r" "$f" "$ratio" "$rc" "$fc" "$rss" "$load" "$stats"
  if [[ $stats == no ]]; then
    echo "  relgate (exit $code) listed $(head -1 "$work/paths") entries (git: $listed); read but not in the floor / in the floor but not read:"
    tail -n +2 "$work/paths" | LC_ALL=C sort | comm -3 - "$work/read" | head -5 | sed 's/^/    /'
  fi
done
