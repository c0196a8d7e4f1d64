# Sourced by .ci/run and scripts/slow-tests.sh (from the repository root): installs the
# external tools the integration tests drive, and puts them first on PATH.
#
# The Python clients (.ci/requirements.txt) go into a virtual environment of their own,
# target/ci-venv, never into whatever python3 is first on PATH: that works with a system
# Python marked externally managed (PEP 668) and leaves the machine's packages alone.
# The environment is made once and reinstalled only when requirements.txt changes (a
# copy of it inside the environment records what was installed), so a second run costs
# one file comparison. `rm -rf target/ci-venv` (or `cargo clean`) starts afresh.

ci_venv=target/ci-venv

ci_tools() {
  local req=.ci/requirements.txt stamp="$ci_venv/requirements.txt"
  # A venv whose interpreter no longer runs (the base Python was upgraded or removed)
  # is made again.
  if [ -e "$ci_venv" ] && ! "$ci_venv/bin/python" -c '' >/dev/null 2>&1; then
    rm -rf "$ci_venv"
  fi
  if [ ! -x "$ci_venv/bin/python" ]; then
    echo "ci: creating the virtual environment $ci_venv" >&2
    if ! python3 -m venv "$ci_venv"; then
      # Debian and Ubuntu ship venv's pip bootstrap separately (python3-venv).
      rm -rf "$ci_venv"
      if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq python3-venv
        python3 -m venv "$ci_venv"
      else
        echo "ci: 'python3 -m venv' failed: install Python's venv module (python3-venv)" >&2
        return 1
      fi
    fi
  fi
  if ! cmp -s "$req" "$stamp"; then
    echo "ci: installing .ci/requirements.txt into $ci_venv" >&2
    rm -f "$stamp"
    "$ci_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    cp "$req" "$stamp"
  fi
  PATH="$PWD/$ci_venv/bin:$PATH"
  export PATH
  # The action's shell steps use jq, as GitHub's runners provide it.
  if ! command -v jq >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq jq
  fi
}
