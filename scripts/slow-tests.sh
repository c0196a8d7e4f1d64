#!/usr/bin/env bash
# The slow tests `cargo test` skips (#[ignore]): pre-commit and prek each install the
# shipped `language: rust` hook from a clone of HEAD, building relgate in release mode
# inside their caches (minutes, cold). Run before a release or after changing
# .pre-commit-hooks.yaml or Cargo.toml; `.ci/run` does not.
# Commit first: the managers install from HEAD, not from the work tree.
set -euo pipefail
cd "$(dirname "$0")/.."
CI=true cargo test --test integration -- --ignored --exact \
  precommit::precommit_pre_commit_installs_the_rust_hook \
  precommit::precommit_prek_installs_the_rust_hook "$@"
