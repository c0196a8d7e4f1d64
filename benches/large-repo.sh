#!/usr/bin/env bash
# Benchmark: relgate on a generated large repository, against the floor of reading
# every file once (what any checker must at least do).
#
#   benches/large-repo.sh [FILES]        # default 20000 files; needs a release build
#
# Prints the median of 5 runs of each and the ratio. hyperfine is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-20000}
cargo build --release --quiet
bin=$PWD/target/release/relgate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
cp -r examples/billing-gateway "$repo"
chmod -R u+w "$repo"
(
  cd "$repo"
  git init -q
  for ((i = 0; i < files; i++)); do
    d=$((i % 200))
    case $((i % 5)) in
      0) mkdir -p "docs/area$d" && printf '# Doc %d\n\nTexto em português: ação, lições, negócios.\n' "$i" > "docs/area$d/doc$i.md" ;;
      1) mkdir -p "config/svc$d" && printf 'service:\n  name: svc%d\n  env:\n    LOG_LEVEL: info\n' "$i" > "config/svc$d/app$i.yaml" ;;
      2) mkdir -p "deploy/env$d" && printf 'FEATURE_X=1\nLOG_LEVEL=debug\n' > "deploy/env$d/app$i.env" ;;
      3) mkdir -p "src/mod$d" && printf 'fn f%d() {}\n' "$i" > "src/mod$d/f$i.rs" ;;
      4) mkdir -p "data/set$d" && printf '{"id": %d, "tags": ["a", "b"]}\n' "$i" > "data/set$d/d$i.json" ;;
    esac
  done
  git add -A && git -c user.name=b -c user.email=b@b commit -qm bench
)
check=("$bin" check "$repo" --pack billing-gateway-dr --format json --output /dev/null)
floor=(bash -c "cd '$repo' && git ls-files -z | xargs -0 cat > /dev/null")
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs 5 -n relgate "${check[*]}" -n floor "${floor[*]}"
  exit 0
fi
median() {
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
r=$(median "${check[@]}")
f=$(median "${floor[@]}")
echo "files: $(cd "$repo" && git ls-files | wc -l)"
echo "relgate check --pack billing-gateway-dr: ${r} ms (median of 5)"
echo "floor (read every tracked file once):      ${f} ms (median of 5)"
awk -v r="$r" -v f="$f" 'BEGIN { if (f > 0) printf "ratio: %.1fx the floor\n", r / f }'
