#!/usr/bin/env bash
# The compliant benchmark repository passes, and its --violations variant has every
# planted violation found.
#
#   benches/violations.sh [FILES]
#
# Generates both trees (FILES generated files each, default 100000) in a temporary
# folder, runs `relgate check --pack billing-gateway-dr` on each, prints the policy
# ids that have findings in the variant and exits 1 when the compliant tree does
# not pass or a planted violation is not found. RELGATE=path overrides the binary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
files=${1:-100000}
# The policies the planted violations fail (see plant_violations in gen-repo.sh).
expected=(DR-002 DR-004 DR-005 DR-006 DR-007 DR-008 DR-009 DR-010 DR-011 DR-012 DR-013 DR-015 DR-017)
if [[ -z ${RELGATE:-} ]]; then
  (cd "$here" && cargo build --release --quiet)
  RELGATE=$here/target/release/relgate
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/benches/gen-repo.sh" "$work/compliant" "$files" > /dev/null
"$here/benches/gen-repo.sh" --violations "$work/violations" "$files" > /dev/null
status=0
code=0
(cd "$work/compliant" && "$RELGATE" check . --pack billing-gateway-dr --format json --output "$work/ok.json") || code=$?
echo "compliant tree: exit $code"
if ((code != 0)); then
  status=1
fi
code=0
(cd "$work/violations" && "$RELGATE" check . --pack billing-gateway-dr --format json --output "$work/bad.json") || code=$?
found=$(python3 -c '
import json, sys
report = json.load(open(sys.argv[1]))
ids = sorted({f["policy"] for f in report["findings"]})
print(" ".join(ids))
' "$work/bad.json")
echo "variant: exit $code, findings of: $found"
if ((code == 0)); then
  status=1
fi
for id in "${expected[@]}"; do
  if [[ " $found " != *" $id "* ]]; then
    echo "planted violation not found: $id"
    status=1
  fi
done
if ((status == 0)); then
  echo "all ${#expected[@]} planted violations found"
fi
exit "$status"
