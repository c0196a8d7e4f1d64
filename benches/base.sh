#!/usr/bin/env bash
# The cost of `--base` (each finding classified new, unchanged or fixed against the
# base's findings) on a small change, against a plain `--rev` run of the same
# commit, side by side in one run.
#
#   benches/base.sh [REPO] [RUNS] [FILES]
#
# REPO (default: a fresh benches/gen-repo.sh tree of 100000 files, kept in
# $TMPDIR/relgate-bench-100k) gets a commit `relgate-bench-change` on top of HEAD that
# changes FILES (default 5) of the files the pack reads (config files and
# Markdown), made with a temporary index: the working tree, the index and HEAD are
# left as they are. Then, medians of RUNS (5), in turn:
#   rev    relgate check --rev relgate-bench-change
#   base   relgate check --rev relgate-bench-change --base HEAD
# The goal (issue: baselines) is base at most 1.3x rev. RELGATE=path overrides the
# binary (default: a release build of this checkout).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:-${TMPDIR:-/tmp}/relgate-bench-100k}
runs=${2:-5}
files=${3:-5}
if [[ ! -d $repo/.git ]]; then
  "$here/benches/gen-repo.sh" "$repo" 100000
fi
if [[ -z ${RELGATE:-} ]]; then
  (cd "$here" && cargo build --release --quiet)
  RELGATE=$here/target/release/relgate
fi
RELGATE=$(realpath "$RELGATE")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"

# The change: FILES files the pack reads, each with one line appended (a comment in
# the config files' syntax, a sentence in Markdown), committed with a scratch index.
git ls-files > "$work/all"
{ grep -E '^(config|services|deploy)/.*\.(ya?ml|env)$' "$work/all" | head -n $((files - files / 2)) || true
  grep -E '^docs/.*\.md$' "$work/all" | head -n $((files / 2)) || true; } > "$work/changed"
export GIT_INDEX_FILE=$work/index
git read-tree HEAD
while read -r path; do
  case $path in
    *.md) line='One more sentence in this change.' ;;
    *) line='# changed by the benchmark' ;;
  esac
  blob=$({ git cat-file blob "HEAD:$path"; echo "$line"; } | git hash-object -w --stdin)
  git update-index --cacheinfo "100644,$blob,$path"
done < "$work/changed"
tree=$(git write-tree)
unset GIT_INDEX_FILE
commit=$(git -c user.name=bench -c user.email=bench@example.com commit-tree "$tree" -p HEAD -m 'benchmark change')
git update-ref refs/heads/relgate-bench-change "$commit"

# shellcheck source=benches/lib.sh
source "$here/benches/lib.sh"
echo "repository: $repo ($(git ls-files | wc -l) files); the change touches $(wc -l < "$work/changed") of them"
echo "relgate: $RELGATE; medians of $runs runs; $(nproc) cores"
echo
printf '| %-6s | %10s | %11s | %8s | %5s | %s\n' run time CPU "peak RSS" load "ratio to rev"
printf '|%s|%s|%s|%s|%s|%s\n' -------- ------------ ------------- ---------- ------- -------------
rev_cmd=("$RELGATE" check . --pack billing-gateway-dr --rev relgate-bench-change --format json --output /dev/null)
base_cmd=("${rev_cmd[@]}" --base HEAD)
load=$(load)
: > "$work/rev"
: > "$work/base"
for ((i = 0; i < runs; i++)); do
  timed "${rev_cmd[@]}" >> "$work/rev"
  timed "${base_cmd[@]}" >> "$work/base"
done
rev_ms=$(cut -d' ' -f1 "$work/rev" | median)
for name in rev base; do
  ms=$(cut -d' ' -f1 "$work/$name" | median)
  cpu=$(cut -d' ' -f2 "$work/$name" | median)
  declare -n cmd=${name}_cmd
  /usr/bin/time -f '%M' -o "$work/rss" "${cmd[@]}" > /dev/null 2>&1 || true
  rss=$(($(tail -1 "$work/rss") / 1024))
  ratio=$(awk -v r="$ms" -v f="$rev_ms" 'BEGIN { printf "%.2fx", (f > 0 ? r / f : 0) }')
  printf '| %-6s | %7d ms | %8d ms | %5d MB | %5s | %s\n' "$name" "$ms" "$cpu" "$rss" "$load" "$ratio"
done
