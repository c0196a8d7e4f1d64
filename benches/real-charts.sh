#!/usr/bin/env bash
# Usage: benches/real-charts.sh BINARY REPO...: the billing pack's flag definition on public chart
# repositories: findings with the flag assigned nowhere, then with two planted assignments (in
# the working tree, then staged: `--staged` reads the policies first and lists only what they
# reach).
set -uo pipefail
bin=$(realpath "$1"); shift
policy='version: 1
vars:
  real_billing:
    flag:
      name: BILLING_GATEWAY_ENABLE_REAL
      files: ["**/.env", "**/.env.*", "**/*.env", "**/*.yml", "**/*.yaml", "**/*.json", "**/*.toml",
              "**/Dockerfile", "**/Dockerfile.*", "**/*.sh"]
      exclude: ["docs/**", "quality/reports/**", "releases/**", ".relgate/**"]
      case: insensitive
policies:
  - id: FLAG-OFF
    title: Real billing stays off
    check:
      flag: {var: real_billing, is: "off"}
'
for m in "$@"; do
  name=$(basename "${m%/repo}"); name=${name%.git}
  d=${TMPDIR:-/tmp}/relgate-real/$name; rm -rf "$d"; mkdir -p "$(dirname "$d")"
  git clone -q "$m" "$d" 2>/dev/null
  cd "$d" || exit 1
  mkdir -p .relgate && printf '%s' "$policy" > .relgate/flag.yaml
  files=$(git ls-files | wc -l)
  tpl=$(git ls-files | grep -E '/templates/[^/]+\.ya?ml$' | head -1)
  vals=$(git ls-files | grep -E '/values\.yaml$' | head -1)
  # No chart: a Kubernetes manifest and a Compose-style YAML file instead.
  [ -n "$tpl" ] || tpl=$(git ls-files | grep -E '\.ya?ml$' | grep -v '^\.' | sed -n 1p)
  [ -n "$vals" ] || vals=$(git ls-files | grep -E '\.ya?ml$' | grep -v '^\.' | sed -n 2p)
  out=$(HOME=${TMPDIR:-/tmp}/relgate-real GIT_CONFIG_NOSYSTEM=1 "$bin" check . --format json 2>/dev/null)
  n0=$(jq '.findings | length' <<<"$out")
  parse0=$(jq '[.findings[] | select(.message | test("cannot parse"))] | length' <<<"$out")
  printf '\n  - name: BILLING_GATEWAY_ENABLE_REAL\n    value: "1"\n' >> "$tpl"
  printf '\nextraEnv:\n  BILLING_GATEWAY_ENABLE_REAL: "true"\n' >> "$vals"
  out=$(HOME=${TMPDIR:-/tmp}/relgate-real GIT_CONFIG_NOSYSTEM=1 "$bin" check . --format json 2>/dev/null)
  planted=$(jq -r '[.findings[] | "\(.path):\(.line)"] | join(" ")' <<<"$out")
  git add -A
  out=$(HOME=${TMPDIR:-/tmp}/relgate-real GIT_CONFIG_NOSYSTEM=1 "$bin" check . --staged --format json 2>/dev/null)
  staged=$(jq -r '[.findings[] | "\(.path):\(.line)"] | join(" ")' <<<"$out")
  same=$([ "$staged" = "$planted" ] && echo same || echo "DIFFERENT: $staged")
  echo "$name files=$files clean: findings=$n0 (cannot-parse $parse0) | planted in $tpl, $vals -> $(jq '.findings|length' <<<"$out") findings: $planted | staged: $same"
done
