#!/usr/bin/env bash
# `--base` and `--new-only` on the real history of public repositories: a
# `not_matches` policy for `latest` image tags (the case that made the baselines
# issue), judged on each of the last COMMITS commits of each REPO against its
# parent. A finding classified `new` must lie on a line that commit added (else it
# is a false `new`); an `unchanged` one must not (else the change hid its own
# finding). Then a planted change on HEAD: a line inserted above every old finding
# (all must stay unchanged) and one new `:latest` image (exactly one new).
#
#   benches/real-baseline.sh BINARY COMMITS REPO...
set -uo pipefail
bin=$(realpath "$1")
commits=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/policy.yaml" <<'YAML'
version: 1
policies:
  - id: NO-LATEST
    title: Images are pinned, not latest
    help: pin the image to a version or a digest
    check:
      not_matches:
        files: ["**/*.yaml", "**/*.yml"]
        patterns: 'image:\s*["'']?[^\s"'']+:latest\b'
YAML
export HOME=$work GIT_CONFIG_NOSYSTEM=1
for m in "$@"; do
  name=$(basename "${m%/repo}")
  d=$work/$name
  git clone -q "$m" "$d" 2>/dev/null
  cd "$d" || exit 1
  n=0 total_new=0 total_unch=0 false_new=0 false_unch=0 fail=0
  for c in $(git rev-list --first-parent --no-merges -n "$commits" HEAD); do
    git rev-parse -q --verify "$c^" > /dev/null || continue
    out=$("$bin" check . --policies "$work/policy.yaml" --rev "$c" --base "$c^" --new-only --format json 2> /dev/null)
    code=$?
    n=$((n + 1))
    # Lines the commit added, as path:line.
    git diff -U0 "$c^" "$c" | awk '/^\+\+\+ b\//{p=substr($0,7)} /^@@/{split($3,a,","); s=substr(a[1],2); k=(a[2]==""?1:a[2]); for(i=0;i<k;i++) print p":"(s+i)}' | sort -u > "$work/added"
    jq -r '.findings[] | "\(.baseline) \(.path):\(.line)"' <<< "$out" > "$work/f"
    new=$(grep -c '^new ' "$work/f")
    unch=$(grep -c '^unchanged ' "$work/f")
    total_new=$((total_new + new)); total_unch=$((total_unch + unch))
    fn=$(grep '^new ' "$work/f" | cut -d' ' -f2 | sort -u | comm -23 - "$work/added" | wc -l)
    fu=$(grep '^unchanged ' "$work/f" | cut -d' ' -f2 | sort -u | comm -12 - "$work/added" | wc -l)
    false_new=$((false_new + fn)); false_unch=$((false_unch + fu))
    [[ $code == 0 || $new -gt 0 ]] || fail=$((fail + 1))
  done
  echo "$name: $n commits, findings new=$total_new unchanged=$total_unch, false new=$false_new, false unchanged=$false_unch, runs failed without a new finding=$fail"
  # Planted on HEAD: a line above every old finding, and one new latest image.
  git -c user.name=b -c user.email=b@b checkout -q -b planted
  jq -r '.findings[] | .path' <<< "$("$bin" check . --policies "$work/policy.yaml" --format json 2>/dev/null)" | sort -u > "$work/files"
  old=$(wc -l < "$work/files")
  while read -r f; do sed -i '1i # a line above' "$f"; done < "$work/files"
  first=$(head -1 "$work/files")
  [[ -n $first ]] || first=$(git ls-files '*.yaml' | head -1)
  printf '\n# planted\nplanted:\n  image: nginx:latest\n' >> "$first"
  git -c user.name=b -c user.email=b@b commit -qam planted
  out=$("$bin" check . --policies "$work/policy.yaml" --rev HEAD --base HEAD^ --new-only --format json 2> /dev/null)
  code=$?
  echo "  planted: $old files with old findings shifted a line, one latest added: $(jq -r '[.findings[] | .baseline] | group_by(.) | map("\(.[0])=\(length)") | join(" ")' <<< "$out"), fixed=$(jq '.summary.fixed' <<< "$out"), exit $code, new at $(jq -r '[.findings[] | select(.baseline == "new") | "\(.path):\(.line)"] | join(" ")' <<< "$out")"
done
