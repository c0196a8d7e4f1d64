#!/usr/bin/env bash
# Installs the relgate that action.yml runs, and writes its absolute path as the step
# output `path`. Modes (the action's `install` input, in INPUT_INSTALL):
#
#   auto (default; `true` is the same): `binary` when this revision of the action has a
#     release checksum for the runner (dist/VERSION and an entry of dist/SHA256SUMS),
#     else `source`, with a notice saying so (before the first release, and on a branch
#     or commit of the action that is not a release, there are no checksums).
#   binary: download the release binary of the version in
#     dist/VERSION for this runner's OS and architecture, and verify its SHA-256 against
#     dist/SHA256SUMS, both committed in the action at its tag. A mismatch, a missing
#     entry or an unsupported platform exits 2 before anything is run.
#   source: build the action's own source with the pinned toolchain, from the action's
#     folder (never from the checkout, whose rust-toolchain.toml or .cargo/config.toml
#     belong to the pull request), into an emptied $RUNNER_TEMP/relgate-target, with
#     the cargo home $RUNNER_TEMP/relgate-cargo whose cached crate archives are first
#     checked against Cargo.lock (see verify_cached_crates).
#   false: use the relgate on PATH.
#
# `action-install.sh key` prints the cache key of the crates the source build downloads
# instead (nothing built is ever cached).
#
# RELGATE_INSTALL_BASE_URL replaces https://github.com/relgate/relgate/releases/download
# and exists for the tests, which serve a release folder on http://127.0.0.1: it accepts
# only https://HOST[:PORT][/PATH] and http://127.0.0.1[:PORT][/PATH], parsed (see
# check_base_url). The checksum is verified whatever the URL.
set -euo pipefail

# The toolchain of `install: source`; CI tests the source with it.
toolchain=1.95.0
action_dir=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"

fail() {
  echo "::error title=relgate install::$*"
  echo "relgate install: $*" >&2
  exit 2
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# relgate opens the files it judges through POSIX no-follow paths (openat2, O_NOFOLLOW):
# it is built for Linux and macOS only.
[ "${RUNNER_OS:-}" = Windows ] &&
  fail "relgate runs on Linux and macOS runners, not Windows: run this job on ubuntu-latest or macos-latest"
exe=relgate

# Keeps only the cached crate archives (.crate) whose SHA-256 is the checksum the
# action's Cargo.lock records for NAME-VERSION; deletes every other one, so cargo
# downloads it again and verifies that download. Cargo checks a checksum when it
# downloads, not when it finds an archive already in its cache, and a cache entry holds
# whatever its saver put in it.
verify_cached_crates() {
  local cache=$1 lock=$2 want file base sum
  [ -d "$cache" ] || return 0
  # NAME-VERSION CHECKSUM, one a line, from the [[package]] tables.
  want=$(awk '
    /^\[\[package\]\]/ { name = ""; version = "" }
    /^name = "/ { name = $3; gsub(/"/, "", name) }
    /^version = "/ { version = $3; gsub(/"/, "", version) }
    /^checksum = "/ { sum = $3; gsub(/"/, "", sum); print name "-" version " " sum }
  ' "$lock")
  while IFS= read -r -d '' file; do
    base=${file##*/}
    base=${base%.crate}
    sum=$(awk -v k="$base" '$1 == k { print $2; exit }' <<< "$want")
    if [ -z "$sum" ] || [ ! -f "$file" ] || [ -L "$file" ] || [ "$(sha256 "$file")" != "$sum" ]; then
      echo "relgate install: $base.crate in the cache is not the archive Cargo.lock names; removed (cargo downloads it again)" >&2
      rm -rf -- "$file"
    fi
  done < <(find "$cache" -name '*.crate' -print0)
}

install_source() {
  command -v rustup >/dev/null 2>&1 ||
    fail "install: source needs rustup on the runner (GitHub's hosted runners have it)"
  rustup toolchain install "$toolchain" --profile minimal --no-self-update >&2
  # A cargo home of its own, the one the action caches: only the index and the crate
  # archives come from the cache; unpacked sources and the target folder are never
  # reused (cargo trusts both as they are).
  local cargo_home="$RUNNER_TEMP/relgate-cargo" target="$RUNNER_TEMP/relgate-target"
  rm -rf -- "$cargo_home/registry/src" "$cargo_home/git" "$target"
  verify_cached_crates "$cargo_home/registry/cache" "$action_dir/Cargo.lock"
  # The explicit +toolchain outranks any rust-toolchain.toml; the working directory is
  # the action's folder, not the workspace.
  (cd "$action_dir" &&
    CARGO_HOME="$cargo_home" CARGO_TARGET_DIR="$target" \
      cargo "+$toolchain" build --locked --release --bin relgate >&2) ||
    fail "building relgate from $action_dir failed"
  bin="$target/release/$exe"
}

# Refuses (exit 2, before any request) a base URL that is not https://HOST[:PORT][/PATH]
# or, for the tests, http://127.0.0.1[:PORT][/PATH]. The URL is taken apart, not matched
# by prefix: in http://127.0.0.1:x@evil.example the host is evil.example (127.0.0.1:x is
# user info), so user info is refused outright, and so is any character outside a plain
# URL path (a query, a fragment or a backslash can also move the host curl sees).
check_base_url() {
  local url=$1 scheme rest authority host
  case "$url" in
    https://*) scheme=https rest=${url#https://} ;;
    http://*) scheme=http rest=${url#http://} ;;
    *) fail "RELGATE_INSTALL_BASE_URL must be an https:// URL (http://127.0.0.1 is for tests): '$url'" ;;
  esac
  # Where curl (and a browser) end the authority: the first / ? # or \\.
  authority=${rest%%[/?#\\]*}
  case "$authority" in
    *@*) fail "RELGATE_INSTALL_BASE_URL must not carry user info (NAME@ before the host): '$url'" ;;
  esac
  [[ "$rest" =~ ^[A-Za-z0-9._~/:-]*$ ]] ||
    fail "RELGATE_INSTALL_BASE_URL holds a character outside a plain URL path (letters, digits, . _ ~ - / :): '$url'"
  [[ "$authority" =~ ^([A-Za-z0-9.-]+)(:[0-9]{1,5})?$ ]] ||
    fail "RELGATE_INSTALL_BASE_URL has no valid HOST[:PORT] after $scheme://: '$url'"
  host=${BASH_REMATCH[1]}
  if [ "$scheme" = http ] && [ "$host" != 127.0.0.1 ]; then
    fail "RELGATE_INSTALL_BASE_URL must be an https:// URL; http is for tests, on host 127.0.0.1 only: '$url'"
  fi
}

install_binary() {
  local version_file="$action_dir/dist/VERSION" sums="$action_dir/dist/SHA256SUMS"
  [ -f "$version_file" ] && [ -s "$sums" ] ||
    fail "this revision of the action has no release checksums (dist/VERSION, dist/SHA256SUMS): use a released tag of the action, or set install: source"
  local version
  version=$(tr -d ' \r\n' < "$version_file")
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
    fail "dist/VERSION holds no version: '$version'"

  local target ext
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) target=x86_64-unknown-linux-musl ext=tar.gz ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ext=tar.gz ;;
    macOS/X64) target=x86_64-apple-darwin ext=tar.gz ;;
    macOS/ARM64) target=aarch64-apple-darwin ext=tar.gz ;;
    *) fail "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: set install: source" ;;
  esac
  local file="relgate-$target.$ext"

  local expected
  expected=$(awk -v f="$file" '$2 == f || $2 == "*" f { print $1 }' "$sums")
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] ||
    fail "dist/SHA256SUMS has no single checksum for $file"

  local base=${RELGATE_INSTALL_BASE_URL:-https://github.com/relgate/relgate/releases/download}
  local proto
  check_base_url "$base"
  case "$base" in
    https://*) proto=(--proto '=https' --proto-redir '=https' --tlsv1.2) ;;
    *) proto=(--proto '=http' --max-redirs 0) ;;
  esac
  local url="$base/v$version/$file"
  local dest="$RUNNER_TEMP/relgate-$version-$target"
  rm -rf "$dest"
  mkdir -p "$dest"
  cd "$dest"
  curl "${proto[@]}" --fail --location --silent --show-error --retry 3 \
    --connect-timeout 20 --max-time 300 --output "$file" "$url" ||
    fail "could not download $url"

  local actual
  actual=$(sha256 "$file")
  if [ "$actual" != "$expected" ]; then
    rm -f "$file"
    fail "checksum mismatch for $url: expected $expected (dist/SHA256SUMS), got $actual; the download is not the released file and was not run"
  fi

  tar -xzf "$file"
  rm -f "$file"
  bin="$dest/relgate-$target/$exe"
  [ -f "$bin" ] && [ ! -L "$bin" ] || fail "$file holds no relgate-$target/$exe"
  echo "relgate $version ($target) verified: sha256 $actual" >&2
}

# The release archive's target for this runner, or nothing (exit 1).
runner_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    *) return 1 ;;
  esac
}

# Whether this revision of the action lists a release binary for the runner: a version
# in dist/VERSION and a checksum line for its archive in dist/SHA256SUMS (install_binary
# checks both again, strictly, before it downloads anything).
released_for_runner() {
  local version_file="$action_dir/dist/VERSION" sums="$action_dir/dist/SHA256SUMS" target
  [ -f "$version_file" ] && [ -s "$sums" ] || return 1
  target=$(runner_target) || return 1
  awk -v f="relgate-$target.tar.gz" '$2 == f || $2 == "*" f { found = 1 } END { exit !found }' "$sums"
}

mode=${1:-install}
if [ "$mode" = key ]; then
  lock=$(sha256 "$action_dir/Cargo.lock")
  echo "key=relgate-crates-${RUNNER_OS:-}-${RUNNER_ARCH:-}-${lock:0:16}" >> "$GITHUB_OUTPUT"
  exit 0
fi

bin=
case "${INPUT_INSTALL:-auto}" in
  auto | true)
    if released_for_runner; then
      install_binary
    else
      echo "::notice title=relgate install::this revision of the action has no release checksum for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?} (dist/SHA256SUMS): building relgate from the action's own source with the pinned toolchain $toolchain (install: auto). Use a released tag of the action for the verified binary."
      install_source
    fi
    ;;
  binary) install_binary ;;
  source) install_source ;;
  false)
    bin=$(command -v relgate) || fail "install: false, but no relgate on PATH"
    ;;
  *) fail "install must be auto, binary, source or false, not '${INPUT_INSTALL}'" ;;
esac
case "$bin" in
  /* | [A-Za-z]:*) ;;
  *) bin="$PWD/$bin" ;;
esac
[ -x "$bin" ] || fail "$bin is not an executable"
# What this script installed must run; a relgate of your own (install: false) is run
# only by the check step, which reports a crash itself.
if [ "${INPUT_INSTALL:-auto}" != false ]; then
  "$bin" --version >&2 || fail "$bin does not run"
fi
echo "path=$bin" >> "$GITHUB_OUTPUT"
