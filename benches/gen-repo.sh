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
# with the flag. As in a payments monorepo, one config file in five assigns
# BILLING_GATEWAY_ENABLE_REAL, off, in its format's usual form (a dotenv line, a
# YAML mapping key, a Kubernetes env list entry, a Compose `NAME=VALUE` item, a
# JSON key, a TOML key, a shell export, a Dockerfile ENV): about 5,000 files at
# 100,000, every one of which relgate must parse. The rest is source code and
# assets nobody reads. The tree is compliant: `relgate check --pack
# billing-gateway-dr` is meant to pass on it.
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
  flag = "BILLING_GATEWAY_ENABLE_REAL"
  # Sizes as in a real monorepo (a config file of 1 to 2 kB, a doc of 2 kB): a
  # licence header and shared defaults that every file of a kind repeats.
  lic = "# Copyright 2024 Example Payments Ltd. All rights reserved.\n#\n# Licensed under the Example Payments internal licence. Do not distribute\n# outside the company. Owners: platform-team; reviewers: billing-oncall.\n# Changes to this file are deployed by the release pipeline; see the\n# service runbook before editing limits, timeouts or replica counts.\n"
  ypad = lic "defaults:\n  region: eu-west-1\n  tier: standard\n  resources:\n    requests: {cpu: 250m, memory: 256Mi}\n    limits: {cpu: \"1\", memory: 512Mi}\n  probes:\n    liveness: {path: /healthz, port: 8080, periodSeconds: 10, failureThreshold: 3}\n    readiness: {path: /ready, port: 8080, periodSeconds: 5, failureThreshold: 6}\n  annotations:\n    prometheus.io/scrape: \"true\"\n    prometheus.io/port: \"9090\"\n    owner: platform-team\n  retries: {max: 3, backoffMs: 200, jitter: true}\n  tls: {minVersion: \"1.2\", ciphers: [ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256]}\n"
  jpad = "\"meta\": {\"owner\": \"platform-team\", \"tier\": \"standard\", \"region\": \"eu-west-1\"}, \"endpoints\": [{\"name\": \"charge\", \"path\": \"/v1/charges\", \"timeoutMs\": 2500}, {\"name\": \"refund\", \"path\": \"/v1/refunds\", \"timeoutMs\": 4000}, {\"name\": \"status\", \"path\": \"/v1/status\", \"timeoutMs\": 500}], \"retry\": {\"max\": 3, \"backoffMs\": 200}, \"currencies\": [\"EUR\", \"USD\", \"GBP\", \"BRL\"], "
  tpad = lic "\n[limits]\nrps = 100\nburst = 250\nmax_body_bytes = 1048576\n\n[timeouts]\nconnect_ms = 500\nread_ms = 2500\nwrite_ms = 2500\n\n[tls]\nmin_version = \"1.2\"\nverify = true\n"
  epad = "# Shared settings of every service; secrets come from the vault, not from here.\nAPP_ENV=staging\nREGION=eu-west-1\nHTTP_PORT=8080\nMETRICS_PORT=9090\nDB_POOL_MIN=2\nDB_POOL_MAX=20\nDB_TIMEOUT_MS=5000\nCACHE_TTL_SECONDS=300\nRETRY_MAX=3\nRETRY_BACKOFF_MS=200\nOTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317\nOTEL_SERVICE_VERSION=1.4.2\n"
  dpad = lic "FROM registry.example.com/base/alpine:3.20 AS build\nWORKDIR /src\nCOPY . .\nRUN apk add --no-cache ca-certificates tzdata && adduser -D -u 10001 app\n"
  spad = lic "set -eu\n\nlog() { printf \047%s %s\\n\047 \"$(date -u +%FT%TZ)\" \"$*\" >&2; }\n\nwait_for() {\n  for _ in 1 2 3 4 5; do\n    nc -z \"$1\" \"$2\" && return 0\n    sleep 2\n  done\n  return 1\n}\n\nwait_for db 5432 || { log \047database unreachable\047; exit 1; }\n"
  mpad = "\n## Contexto\n\nEste documento descreve o funcionamento do serviço, as dependências, os alertas\ne os procedimentos de operação. Revise-o a cada release e registre as alterações\nno histórico abaixo. Em caso de dúvida, fale com o time de plantão de billing.\n\n## Operação\n\n1. Verifique os painéis de latência e de taxa de erro antes de qualquer mudança.\n2. Aplique a mudança em staging e aguarde quinze minutos de observação.\n3. Promova para produção em janelas aprovadas, nunca às sextas-feiras.\n4. Registre a execução no canal de mudanças com o link do pipeline.\n\n## Alertas\n\n| alerta | limiar | ação |\n|---|---|---|\n| latência p99 | 800 ms por 5 min | escalar para o plantão |\n| erros 5xx | 2% por 5 min | pausar o rollout |\n| fila de eventos | 10 mil mensagens | acionar o time de dados |\n\n## Histórico\n\n- 2024-05-02: revisão geral, novos limiares de latência.\n- 2024-06-18: inclusão do alerta de fila de eventos.\n"
  for (i = 0; i < n; i++) {
    a = i % 300; k = i % 100
    # One config file in five assigns the flag (off); YAML rotates three forms.
    f = int(i / 100) % 5
    on = (f == 0); form = int(i / 500) % 3
    if (k < 9) {
      put("docs/area" a "/doc" i ".md", "# Doc " i "\n\nTexto em português: ação, lições, negócios.\n\n- item one\n- item two\n" mpad)
    } else if (k < 14) {
      t = ypad "service:\n  name: svc" i "\n  replicas: 2\n  env:\n    LOG_LEVEL: info\n    TIMEOUT_MS: \"2500\"\n"
      if (on && form == 0) t = t "    " flag ": \"false\"\n"
      if (on && form == 1) t = ypad "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc" i "\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/svc" i ":1.4.2\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: " flag "\n              value: \"0\"\n"
      if (on && form == 2) t = ypad "services:\n  app" i ":\n    image: svc" i ":latest\n    environment:\n      - LOG_LEVEL=info\n      - " flag "=0\n"
      put("services/svc" a "/config/app" i ".yaml", t)
    } else if (k < 17) {
      put("charts/chart" a "/templates/deployment" i ".yaml", lic "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\n  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  selector:\n    matchLabels:\n      {{- include \"chart.selectorLabels\" . | nindent 6 }}\n  template:\n    metadata:\n      {{- with .Values.podAnnotations }}\n      annotations:\n        {{- toYaml . | nindent 8 }}\n      {{- end }}\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n          ports:\n            - containerPort: {{ .Values.service.port }}\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n")
    } else if (k < 18) {
      put("services/svc" a "/config/dup" i ".yaml", ypad "logging:\n  level: info\n  level: debug\ncache:\n  ttl: 30\n  ttl: 60\n")
    } else if (k < 24) {
      put("services/svc" a "/data/settings" i ".json", "{\"id\": " i ", " jpad "\"tags\": [\"a\", \"b\"], \"limits\": {\"rps\": 100}" (on ? ", \"env\": {\"" flag "\": \"0\"}" : "") "}\n")
    } else if (k < 28) {
      put("services/svc" a "/config/app" i ".toml", tpad "\n[server]\nport = 8080\nname = \"svc" i "\"\n" (on ? "\n[env]\n" flag " = false\n" : ""))
    } else if (k < 32) {
      put("services/svc" a "/deploy/app" i ".env", epad "FEATURE_X=1\nLOG_LEVEL=debug\n" (on ? flag "=0\n" : ""))
    } else if (k < 33) {
      put("services/svc" a "/docker/Dockerfile." i, dpad "\nFROM alpine:3.20\nENV LOG_LEVEL=info\n" (on ? "ENV " flag "=0\n" : "") "CMD [\"/app\"]\n")
    } else if (k < 35) {
      put("services/svc" a "/scripts/run" i ".sh", "#!/bin/sh\n" spad (on ? "export " flag "=0\n" : "") "exec /app --port 8080\n")
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
# Build output a CI job leaves behind (1% of FILES), ignored: untracked files a
# working-tree check must list, and ignored ones it must skip, as git does.
printf 'node_modules/\nbuild/\n*.log\n' >> .gitignore
mkdir -p build/obj web/node_modules/dep
awk -v n="$((files / 100))" 'BEGIN {
  for (i = 0; i < n; i++) {
    p = "build/obj/o" i ".o"; printf "obj %d\n", i > p; close(p)
    p = "web/node_modules/dep/m" i ".js"; printf "module.exports = %d;\n", i > p; close(p)
  }
}'
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
