//! External tools the integration tests drive (schema validators, linters, hook
//! managers), and a repository that fails several policies in every report format.

use crate::common::*;
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The path of an external tool a test drives. A missing tool fails the test, with or
/// without `CI` set: a test that could not run its tool has judged nothing, and
/// `cargo test` hides what a passing test prints, so a skip would read as a pass
/// (docs/development.md, "External tools").
pub fn tool(name: &str) -> PathBuf {
    match find_tool(name, std::env::var_os("PATH").as_deref()) {
        Some(path) => path,
        None => panic!(
            "{name} is not on PATH, and this test drives the real {name}. \
             `bash .ci/run` installs every tool the tests drive (the Python ones into \
             target/ci-venv: put target/ci-venv/bin first on PATH to run `cargo test` \
             by hand); see docs/development.md"
        ),
    }
}

/// The first executable file called `name` in the directories of `path` (a PATH value).
pub fn find_tool(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| dir.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Runs a tool; returns (exit code, stdout + stderr).
pub fn run_tool(program: &Path, args: &[&str], dir: &Path) -> (i32, String) {
    let out = command(program)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tool runs");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The official SARIF 2.1.0 schema (OASIS), vendored: see `tests/data/README.md`.
pub fn sarif_schema() -> PathBuf {
    test_data("sarif-schema-2.1.0.json")
}

pub const POLICIES: &str = r#"version: 1
vars:
  release: {latest_dir: 'releases/*', date: true}
policies:
  - id: DR-002
    title: Every DR checklist item is ticked
    description: The release checklist is the DR runbook's sign-off.
    help: "Tick each item under '## Release {release}'."
    url: https://example.invalid/dr-002
    check:
      checklist: {file: docs/support/dr-checklist.md, section: 'Release {release}'}
  - id: DR-007
    title: Artifacts 0644
    severity: warning
    check:
      mode: {files: 'releases/{release}/**', mode: '0644'}
  - id: SIGN-1
    title: "Sign-off: present, dated"
    help: "Add a line 'Signed: NAME'"
    check:
      matches: {files: 'docs/*.md', patterns: '^Signed: ', message: "100% of docs need\r\na sign-off, a: b"}
  - id: NOTE-1
    title: Changelog | present
    severity: note
    check:
      exists: CHANGELOG.md
  - id: OK-1
    title: Readme exists
    check:
      exists: README.md
"#;

/// A committed repository with an error with a line (DR-002), an error without
/// a line on a path holding `,`, `:` and `%` (SIGN-1, message with CR LF and `%`),
/// a warning (DR-007), a note (NOTE-1) and a passing policy (OK-1).
pub fn failing_repo() -> Repo {
    let repo = Repo::new();
    repo.write(
        "docs/support/dr-checklist.md",
        "# DR\n\n## Release 2024-07-15\n\n- [x] backups\n- [ ] failover | drill\n",
    )
    .write("docs/a,b:c%.md", "no sign-off here\n")
    .write_mode("releases/2024-07-15/app.bin", "bin\n", 0o755)
    .write("README.md", "readme\n")
    .write(".relgate/policies.yaml", POLICIES)
    .commit_all("failing");
    repo
}

/// The same repository with every policy satisfied.
pub fn passing_repo() -> Repo {
    let repo = failing_repo();
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [ ] failover",
        "- [x] failover",
    )
    .write("docs/a,b:c%.md", "Signed: Ana\n")
    .chmod("releases/2024-07-15/app.bin", 0o644)
    .write("CHANGELOG.md", "# Changelog\n")
    .commit_all("fixed");
    repo
}

/// The project's own folder (the clone under test).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A YAML file of the project (a workflow, the action, a hook manifest) as JSON values.
pub fn yaml(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}
