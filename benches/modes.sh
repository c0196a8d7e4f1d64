#!/usr/bin/env bash
# relgate in its three modes against each mode's floor, side by side, with peak RSS.
#
#   benches/modes.sh [REPO] [RUNS]
#
# REPO defaults to a fresh benches/gen-repo.sh tree of 100000 files (kept in
# $TMPDIR/relgate-bench-100k between runs). RELGATE=path overrides the binary
# (default: a release build of this checkout). Times are medians of RUNS (5).
#
# The floor of a mode is what any tool that judges the same files must at least do:
#   working tree   `git ls-files -s`, then `cat` of exactly the files the pack reads,
#                  in 2 parallel streams
#   --staged       `git ls-files -s`, then `git cat-file --batch` of those blobs, 2 streams
#   --rev HEAD     `git ls-tree -r HEAD`, then `git cat-file --batch` of those blobs, 2 streams
# "The files the pack reads" are its globs, as a regular expression below.
# CPU is relgate's user + system time in one run: on a machine shared with other
# work, wall times swing and the CPU column says more.
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

# The billing-gateway-dr pack's files: flag config files outside its excluded
# folders, the Markdown it checks for encoding, README.md and the releases tree.
flag='(^|/)(\.env(\.[^/]*)?|[^/]*\.(env|ya?ml|json|toml|sh)|Dockerfile(\.[^/]*)?)$'
excluded='^(docs|quality/reports|releases|\.relgate)/'
git ls-files -s > "$work/index"
awk '{ sub(/^[^\t]*\t/, ""); print }' "$work/index" > "$work/all"
{
  grep -E "$flag" "$work/all" | grep -Ev "$excluded" || true
  grep -E '^(docs|quality|releases)/.*\.md$' "$work/all" || true
  grep -E '^(README\.md|releases/.*)$' "$work/all" || true
} | sort -u > "$work/read"
tr '\n' '\0' < "$work/read" > "$work/read0"
# Blob ids of the same files, in two halves.
awk -F'\t' 'NR == FNR { want[$0] = 1; next } ($2 in want) { split($1, m, " "); print m[2] }' \
  "$work/read" "$work/index" > "$work/blobs"
half=$(( ($(wc -l < "$work/blobs") + 1) / 2 ))
split -l "$half" "$work/blobs" "$work/blobs."

floor_worktree() {
  git ls-files -s > /dev/null
  xargs -0 -P 2 -n 1000 cat < "$work/read0" > /dev/null
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
rss_and_code() { # peak RSS in MB, CPU seconds (user + system) and exit code of one run of "$@"
  local code=0
  /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" > /dev/null 2>&1 || code=$?
  tail -1 "$work/rss" | awk -v c="$code" '{ printf "%d %.2f %d\n", $1 / 1024, $2 + $3, c }'
}

echo "repository: $repo ($(wc -l < "$work/all") files, the pack reads $(wc -l < "$work/read"))"
echo "relgate: $RELGATE; medians of $runs runs; $(nproc) cores"
echo
printf '| %-12s | %10s | %10s | %6s | %13s | %8s | %4s |\n' mode relgate floor ratio "peak RSS" "CPU" exit
printf '|%s|%s|%s|%s|%s|%s|%s|\n' -------------- ------------ ------------ -------- --------------- ---------- ------
for mode in worktree staged rev; do
  case $mode in
    worktree) args=() ;;
    staged) args=(--staged) ;;
    rev) args=(--rev HEAD) ;;
  esac
  cmd=("$RELGATE" check . --pack billing-gateway-dr "${args[@]}" --format json --output /dev/null)
  r=$(ms "${cmd[@]}")
  f=$(ms "floor_$mode")
  read -r rss cpu code < <(rss_and_code "${cmd[@]}")
  ratio=$(awk -v r="$r" -v f="$f" 'BEGIN { printf "%.1fx", (f > 0 ? r / f : 0) }')
  printf '| %-12s | %7d ms | %7d ms | %6s | %10d MB | %6s s | %4d |\n' "$mode" "$r" "$f" "$ratio" "$rss" "$cpu" "$code"
done
