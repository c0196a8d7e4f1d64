#!/usr/bin/env bash
# The slow tests `cargo test` skips (#[ignore]); `.ci/run` does not run them. Run before
# a release or after changing pyproject.toml, Cargo.toml or .pre-commit-hooks.yaml.
# - distribution::wheel_installs_into_a_fresh_venv_and_runs: maturin builds the wheel in
#   its own target dir (minutes cold), installs it into a fresh venv and runs it, then
#   uses it as a pre-commit `language: python` hook (offline: pip reads the built wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
CI=true cargo test --test integration -- --ignored --exact \
  distribution::wheel_installs_into_a_fresh_venv_and_runs "$@"
