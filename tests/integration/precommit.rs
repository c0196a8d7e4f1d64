//! The shipped `.pre-commit-hooks.yaml` hook under the real `pre-commit` and
//! `prek`.
//!
//! In `cargo test`: each manager's `validate-manifest` accepts the manifest, and a
//! commit is blocked by a violation then accepted once it is fixed, through a
//! `repo: local` hook that runs the already-built test binary with the shipped
//! hook's own arguments and settings (read from the manifest, so they cannot drift).
//!
//! Ignored (run by `scripts/slow-tests.sh`): the real `language: rust` install
//! from a clone of HEAD, where each manager builds relgate in release mode inside
//! its cache. Minutes, so not in every run.

use crate::common::*;
use crate::tools::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const POLICY: &str = "version: 1\npolicies:\n  - id: CL-1\n    title: A changelog is committed\n    check:\n      exists: CHANGELOG.md\n";

fn manifest_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")
}

/// The hook the repository ships, `relgate`. The other hook (`relgate-python`, the
/// same gate installed as a Python package) must run it the same way.
fn shipped_hook() -> Value {
    let text = std::fs::read_to_string(manifest_path()).unwrap();
    let hooks: Value = serde_saphyr::from_str(&text).unwrap();
    let hooks = hooks.as_array().expect("the manifest is a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["relgate", "relgate-python"]);
    for key in [
        "entry",
        "pass_filenames",
        "always_run",
        "stages",
        "minimum_pre_commit_version",
    ] {
        assert_eq!(hooks[1][key], hooks[0][key], "{key}");
    }
    hooks[0].clone()
}

/// The shipped hook as a `repo: local` hook: the same id, arguments, stages and
/// file selection, but `entry` runs the test binary and nothing is built.
fn local_hook() -> Value {
    let mut hook = shipped_hook();
    let entry = hook["entry"].as_str().unwrap().to_string();
    let args = entry
        .strip_prefix("relgate ")
        .unwrap_or_else(|| panic!("the shipped entry does not run relgate: {entry:?}"));
    let bin = env!("CARGO_BIN_EXE_relgate");
    assert!(
        !bin.contains([' ', '\'', '"']),
        "entry is split on spaces: {bin}"
    );
    let hook_map = hook.as_object_mut().unwrap();
    hook_map.insert("entry".into(), json!(format!("{bin} {args}")));
    // `system` (pre-commit 4.4 calls it `unsupported`): run the entry as is.
    hook_map.insert("language".into(), json!("system"));
    hook
}

struct Setup {
    _tmp: tempfile::TempDir,
    /// HOME of the manager and of the git that runs the hook; the managers'
    /// caches (PRE_COMMIT_HOME, PREK_HOME) live under it.
    home: PathBuf,
    repo: Repo,
}

impl Setup {
    /// A repository failing CL-1 whose `.pre-commit-config.yaml` lists `repos`.
    fn new(repos: Value) -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let repo = Repo::new();
        // JSON is YAML: the config is written as JSON so no quoting can go wrong.
        repo.write(
            ".pre-commit-config.yaml",
            &serde_json::to_string_pretty(&json!({ "repos": repos })).unwrap(),
        )
        .write(".relgate/policies.yaml", POLICY)
        .write("README.md", "x\n");
        Setup {
            _tmp: tmp,
            home,
            repo,
        }
    }

    /// `program ARGS` in the repository: isolated, with this set-up's HOME and caches.
    fn run(&self, program: &Path, args: &[&str]) -> (bool, String) {
        let out = command(program)
            .args(args)
            .current_dir(self.repo.path())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("PRE_COMMIT_HOME", self.home.join(".cache/pre-commit"))
            .env("PREK_HOME", self.home.join(".cache/prek"))
            // The slow tests share one cargo target dir, kept between runs.
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit-hook-target"),
            )
            .env("NO_COLOR", "1")
            .env("GIT_AUTHOR_NAME", "relgate")
            .env("GIT_AUTHOR_EMAIL", "t@relgate.invalid")
            .env("GIT_COMMITTER_NAME", "relgate")
            .env("GIT_COMMITTER_EMAIL", "t@relgate.invalid")
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }
}

/// Installs the git hook with `manager`, then commits through it: refused while
/// CHANGELOG.md is missing, accepted once it is staged.
fn blocks_then_accepts(manager: &Path, s: &Setup) {
    let name = manager.file_name().unwrap().to_string_lossy().into_owned();
    let (ok, out) = s.run(manager, &["install"]);
    assert!(ok, "{name} install:\n{out}");
    let (ok, out) = s.run(manager, &["install-hooks"]);
    assert!(ok, "{name} install-hooks:\n{out}");

    s.repo.git(&["add", "-A"]);
    let git = Path::new("git");
    let (ok, out) = s.run(git, &["commit", "-q", "-m", "no changelog"]);
    assert!(!ok, "{name}: the hook let a violation through:\n{out}");
    // relgate's own report, through the manager.
    assert!(
        out.contains("CL-1") && out.contains("CHANGELOG.md does not exist"),
        "{name}:\n{out}"
    );
    let (made, _) = s.run(git, &["rev-parse", "--verify", "-q", "HEAD"]);
    assert!(!made, "{name}: a commit was made");

    s.repo.write("CHANGELOG.md", "# Changelog\n");
    s.repo.git(&["add", "-A"]);
    let (ok, out) = s.run(git, &["commit", "-q", "-m", "with changelog"]);
    assert!(ok, "{name}: the fixed commit was refused:\n{out}");
    assert_eq!(s.repo.git(&["log", "--format=%s"]), "with changelog");
}

fn local_blocks_then_accepts(manager: &str) {
    let bin = tool(manager);
    let s = Setup::new(json!([{ "repo": "local", "hooks": [local_hook()] }]));
    blocks_then_accepts(&bin, &s);
}

#[test]
fn precommit_pre_commit_blocks_then_accepts() {
    local_blocks_then_accepts("pre-commit");
}

#[test]
fn precommit_prek_blocks_then_accepts() {
    local_blocks_then_accepts("prek");
}

/// Under pre-commit, `git commit -a`, `git commit FILE` and `git commit --amend -a`
/// hand the hook a temporary index (`GIT_INDEX_FILE`): the hook judges that one, so
/// deleting CHANGELOG.md on disk and committing with `-a` is refused although
/// `.git/index` still has it.
#[test]
fn precommit_pre_commit_judges_the_index_git_is_committing() {
    let bin = tool("pre-commit");
    let s = Setup::new(json!([{ "repo": "local", "hooks": [local_hook()] }]));
    let (ok, out) = s.run(&bin, &["install"]);
    assert!(ok, "install:\n{out}");
    s.repo.write("CHANGELOG.md", "# Changelog\n");
    s.repo.git(&["add", "-A"]);
    let git = Path::new("git");
    let (ok, out) = s.run(git, &["commit", "-q", "-m", "with changelog"]);
    assert!(ok, "{out}");
    s.repo.remove("CHANGELOG.md");
    let forms: [&[&str]; 3] = [
        &["commit", "-q", "-a", "-m", "all"],
        &["commit", "-q", "-m", "only", "--", "CHANGELOG.md"],
        &["commit", "-q", "--amend", "-a", "-m", "amended"],
    ];
    for args in forms {
        let (ok, out) = s.run(git, args);
        assert!(
            !ok,
            "git {args:?}: the hook let a violation through:\n{out}"
        );
        assert!(
            out.contains("CHANGELOG.md does not exist"),
            "{args:?}:\n{out}"
        );
        assert_eq!(s.repo.git(&["log", "--format=%s"]), "with changelog");
    }
}

/// `validate-manifest` accepts the shipped manifest and rejects a broken copy (so
/// the acceptance means something).
fn validates_the_manifest(manager: &str) {
    let bin = tool(manager);
    let (code, out) = run_tool(
        &bin,
        &["validate-manifest", ".pre-commit-hooks.yaml"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 0, "{manager} validate-manifest:\n{out}");

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(manifest_path()).unwrap();
    assert!(text.contains("language: rust\n"), "{text}");
    let broken = text.replace("language: rust\n", "language: no-such-language\n");
    std::fs::write(dir.path().join(".pre-commit-hooks.yaml"), broken).unwrap();
    let (code, out) = run_tool(
        &bin,
        &["validate-manifest", ".pre-commit-hooks.yaml"],
        dir.path(),
    );
    assert_ne!(code, 0, "{manager} accepted an unknown language:\n{out}");
}

#[test]
fn precommit_pre_commit_validates_the_shipped_manifest() {
    validates_the_manifest("pre-commit");
}

#[test]
fn precommit_prek_validates_the_shipped_manifest() {
    validates_the_manifest("prek");
}

/// The real install: `manager` clones this repository at HEAD (uncommitted work
/// plays no part) and builds the `language: rust` hook with cargo.
fn installed_blocks_then_accepts(manager: &str) {
    let bin = tool(manager);
    let tmp = tempfile::tempdir().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sha = git(manifest, &["rev-parse", "HEAD"]);
    let src = tmp.path().join("relgate-src");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            manifest.to_str().unwrap(),
            src.to_str().unwrap(),
        ],
    );
    git(&src, &["checkout", "-q", &sha]);
    assert!(
        src.join(".pre-commit-hooks.yaml").is_file(),
        "HEAD has no .pre-commit-hooks.yaml: commit it first"
    );
    let s = Setup::new(json!([{
        "repo": src.to_str().unwrap(),
        "rev": sha,
        "hooks": [{ "id": "relgate" }],
    }]));
    blocks_then_accepts(&bin, &s);
}

#[test]
#[ignore = "builds relgate in release mode in pre-commit's cache: scripts/slow-tests.sh"]
fn precommit_pre_commit_installs_the_rust_hook() {
    installed_blocks_then_accepts("pre-commit");
}

#[test]
#[ignore = "builds relgate in release mode in prek's cache: scripts/slow-tests.sh"]
fn precommit_prek_installs_the_rust_hook() {
    installed_blocks_then_accepts("prek");
}
