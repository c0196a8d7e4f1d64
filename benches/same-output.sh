#!/usr/bin/env bash
# Whether two relgate binaries write the same bytes in every report format, on one
# repository: FINDINGS findings in one file (as benches/findings.sh makes it), plus a
# second file with findings on several kinds of lines (tabs, CRLF, a long line,
# markup, a waived finding), checked once plainly and once with --base against the
# commit before (new, unchanged and fixed findings), and with --new-only too.
#
#   benches/same-output.sh OLD NEW [FINDINGS]
#
# Prints `same` or `DIFFERENT` per format and run, and exits 1 when any differs.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
n=${3:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q repo
cd repo
commit() { git -c user.name=b -c user.email=b@b commit -qm "$1"; }
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "line %d has TODO marker and some text é to make it longer than usual %d\n", i, i * 7 }' > big.txt
printf 'a TODO one FIXME\n\tTODO <b>|*x*|</b> @team #12 https://x.example\r\nTODO %s\nkept\n' \
  "$(head -c 3000 /dev/zero | tr '\0' 'y')" > odd.txt
mkdir -p .relgate
cat > .relgate/policies.yaml <<'YAML'
version: 1
policies:
  - id: NO-TODO
    title: No TODO markers
    help: Remove the marker or open an issue.
    check: {not_matches: {files: ['*.txt'], patterns: 'TODO'}}
  - id: NO-FIXME
    title: No FIXME markers
    severity: warning
    check: {not_matches: {files: ['*.txt'], patterns: 'FIXME'}}
waivers:
  - {policy: NO-FIXME, paths: [odd.txt], reason: known, approved_by: lead, expires: '2026-02-01'}
YAML
printf 'FIXME old\nTODO gone\n' > gone.txt
git add -A
commit base
git rm -q gone.txt
printf 'TODO new one\n' >> odd.txt
git add -A
commit change
status=0
for args in "" "--base HEAD~1" "--base HEAD~1 --new-only"; do
  for format in json human sarif github markdown junit gitlab azure attestation; do
    # shellcheck disable=SC2086
    "$old" check . $args --now 2026-01-01 --format "$format" --output "$work/old" > /dev/null 2>&1 || true
    # shellcheck disable=SC2086
    "$new" check . $args --now 2026-01-01 --format "$format" --output "$work/new" > /dev/null 2>&1 || true
    if cmp -s "$work/old" "$work/new"; then
      echo "same       $format ${args:-(no base)} ($(wc -c < "$work/new") bytes)"
    else
      echo "DIFFERENT  $format ${args:-(no base)}"
      status=1
    fi
  done
done
exit $status
