#!/usr/bin/env bash
# The slow tests `cargo test` skips (#[ignore]); `.ci/run` does not run them:
# - pre-commit and prek each install the shipped `language: rust` hook from a clone of
#   HEAD, building relgate in release mode inside their caches (minutes, cold);
# - maturin builds the wheel in its own target dir (minutes cold), which installs into a
#   fresh venv and runs, then serves as a `language: python` pre-commit hook (offline:
#   pip reads the built wheel);
# - the YAML flag scan's fast path against the value tree on every YAML file of a
#   generated benchmark repository (benches/gen-repo.sh, 20,000 files).
# Run before a release or after changing .pre-commit-hooks.yaml, Cargo.toml or
# pyproject.toml. Commit first: the managers install from HEAD, not from the work tree.
# The tools come from the same virtual environment as .ci/run's (.ci/tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/tools.sh
. .ci/tools.sh
ci_tools
CI=true cargo test --test integration -- --ignored --exact \
  precommit::precommit_pre_commit_installs_the_rust_hook \
  precommit::precommit_prek_installs_the_rust_hook \
  distribution::wheel_installs_into_a_fresh_venv_and_runs "$@"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
benches/gen-repo.sh "$corpus/repo" 20000 > /dev/null
# A name that matches nothing runs nothing and passes: the one test must have run.
RELGATE_YAML_CORPUS="$corpus/repo" cargo test --lib -- --ignored --exact \
  parse::assign::yaml_events::tests::a_benchmark_corpus_reads_as_the_tree_reads_it \
  | tee "$corpus/out"
grep -q '^test result: ok. 1 passed' "$corpus/out"
