#!/usr/bin/env bash
# Generates a large repository for benchmarks: the billing-gateway example plus
# FILES generated files (default 100000), committed.
#
#   benches/gen-repo.sh [--violations] DIR [FILES]
#
# Of the generated files, about 35% are files the billing-gateway-dr pack reads:
# Markdown under docs/ (9%) and config files in every format the flag scan reads
# (.env, YAML, JSON, TOML, Dockerfile, shell), some YAML being Helm templates (Go
# templates, not YAML) and some YAML with duplicate keys that have nothing to do
# with the flag. The rest is source code and assets nobody reads. The tree is
# compliant: `relgate check --pack billing-gateway-dr` is meant to pass on it.
#
# With --violations, the same tree gets one planted violation per check kind the
# pack uses (see plant_violations below; benches/violations.sh checks they are all
# found), each in a file of its own so that no violation hides another.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
violations=0
if [[ ${1:-} == --violations ]]; then
  violations=1
  shift
fi
dir=${1:?usage: gen-repo.sh [--violations] DIR [FILES]}
files=${2:-100000}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cp -r "$here/examples/billing-gateway/." "$dir"
chmod -R u+w "$dir"
cd "$dir"
# awk writes every file (a shell loop takes minutes at 100k files): a first pass
# prints the folders to create, the second writes the files.
gen() {
  awk -v n="$files" -v mode="$1" '
function put(path, text,    d) {
  if (mode == "dirs") {
    d = path; sub(/\/[^\/]*$/, "", d)
    if (!(d in made)) { made[d] = 1; print d }
  } else {
    printf "%s", text > path; close(path)
  }
}
BEGIN {
  for (i = 0; i < n; i++) {
    a = i % 300; k = i % 100
    if (k < 9) {
      put("docs/area" a "/doc" i ".md", "# Doc " i "\n\nTexto em português: ação, lições, negócios.\n\n- item one\n- item two\n")
    } else if (k < 14) {
      put("services/svc" a "/config/app" i ".yaml", "service:\n  name: svc" i "\n  replicas: 2\n  env:\n    LOG_LEVEL: info\n    TIMEOUT_MS: \"2500\"\n")
    } else if (k < 17) {
      put("charts/chart" a "/templates/deployment" i ".yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\n  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n")
    } else if (k < 18) {
      put("services/svc" a "/config/dup" i ".yaml", "logging:\n  level: info\n  level: debug\ncache:\n  ttl: 30\n")
    } else if (k < 24) {
      put("services/svc" a "/data/settings" i ".json", "{\"id\": " i ", \"tags\": [\"a\", \"b\"], \"limits\": {\"rps\": 100}}\n")
    } else if (k < 28) {
      put("services/svc" a "/config/app" i ".toml", "[server]\nport = 8080\nname = \"svc" i "\"\n")
    } else if (k < 32) {
      put("services/svc" a "/deploy/app" i ".env", "FEATURE_X=1\nLOG_LEVEL=debug\n")
    } else if (k < 33) {
      put("services/svc" a "/docker/Dockerfile." i, "FROM alpine:3.20\nENV LOG_LEVEL=info\nCMD [\"/app\"]\n")
    } else if (k < 35) {
      put("services/svc" a "/scripts/run" i ".sh", "#!/bin/sh\nset -eu\nexec /app --port 8080\n")
    } else if (k < 75) {
      put("src/mod" a "/f" i ".rs", "pub fn f" i "() -> u32 {\n    " i "\n}\n")
    } else if (k < 90) {
      put("web/pkg" a "/m" i ".ts", "export const v" i " = " i ";\n")
    } else {
      put("assets/set" a "/a" i ".txt", "asset " i "\n")
    }
  }
}'
}
gen dirs | xargs mkdir -p
gen files
# One violation per check kind; the policies each one fails are in benches/violations.sh.
plant_violations() {
  # checklist (DR-002), and the checklist no longer matches its signature (DR-017)
  sed -i '7s/^- \[x\]/- [ ]/' docs/support/dr-checklist.md
  # exists (DR-004)
  rm docs/observability-stack.md
  # captures (DR-005): the runbook's revision predates the release
  sed -i 's/^rev\. 2024-07-15/rev. 2024-01-02/' quality/observability/runbooks/disaster-recovery.md
  # matches (DR-006)
  sed -i 's/BillingGatewayIdempotency/BillingGatewayIdem/' quality/observability/runbooks/critical-alerts.md
  # mode (DR-007)
  chmod 755 releases/2024-07-15/MANIFEST.txt
  # flag (DR-009), deep in the generated config files; with real billing on, the
  # README's mode (not_matches, DR-008), the evidence (junit, DR-010) and the
  # ledger's last flag (DR-012) are wrong too
  printf 'BILLING_GATEWAY_ENABLE_REAL=1\n' >> "$(ls services/svc28/deploy/*.env | head -n 1)"
  # data (DR-011): an entry whose 'by' is empty
  sed -i '2s/"by": "João Lima"/"by": ""/' releases/ledger.json
  # deadline (DR-013): the rollback's lessons learned are missing
  rm quality/reports/2024-06-05-licoes-aprendidas.md
  # encoding (DR-015): UTF-8 read as Mac Roman
  printf '# Notas\n\nNegócios em andamento: neg√≥cios, a√ßa√£o.\n' > docs/area7/mojibake.md
}
if ((violations)); then
  plant_violations
fi
git init -q
git add -A
git -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false commit -qm bench
# Packed, as a clone is.
git repack -adq
echo "$dir: $(git ls-files | wc -l) files"
