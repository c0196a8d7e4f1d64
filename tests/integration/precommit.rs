//! The `.pre-commit-hooks.yaml` hook, installed by the real `pre-commit` and
//! `prek` from a clone of this repository's HEAD: a commit is blocked by a
//! violation and accepted once it is fixed.
//!
//! Slow (each manager builds relgate with `cargo install`); both share one cargo
//! target dir under `CARGO_TARGET_TMPDIR`, so only the first build is cold.
//! Skip them locally with `cargo test --test integration -- --skip precommit`.

use crate::common::*;
use crate::tools::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const POLICY: &str = "version: 1\npolicies:\n  - id: CL-1\n    title: A changelog is committed\n    check:\n      exists: CHANGELOG.md\n";

struct Setup {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    repo: Repo,
}

/// A clone of the committed project at HEAD (uncommitted work plays no part)
/// and a repository whose `.pre-commit-config.yaml` points at it.
fn setup() -> Setup {
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
    let repo = Repo::new();
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {sha}\n    hooks:\n      - id: relgate\n",
            src.display()
        ),
    )
    .write(".relgate/policies.yaml", POLICY)
    .write("README.md", "x\n");
    let home = tmp.path().join("home");
    Setup {
        _tmp: tmp,
        home,
        repo,
    }
}

fn run(program: &Path, args: &[&str], s: &Setup, home_var: &str) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(s.repo.path())
        .env(home_var, &s.home)
        // Shared by both managers and kept between runs: only the first build is cold.
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

/// Installs the git hook with `manager`, then commits through it.
fn blocks_then_accepts(manager: &str, home_var: &str) {
    let Some(bin) = tool(manager) else {
        return;
    };
    let s = setup();
    let git_bin = Path::new("git");
    let (ok, out) = run(&bin, &["install"], &s, home_var);
    assert!(ok, "{manager} install:\n{out}");
    let (ok, out) = run(&bin, &["install-hooks"], &s, home_var);
    assert!(ok, "{manager} install-hooks (builds relgate):\n{out}");

    s.repo.git(&["add", "-A"]);
    let (ok, out) = run(
        git_bin,
        &["commit", "-q", "-m", "no changelog"],
        &s,
        home_var,
    );
    assert!(!ok, "{manager}: the hook let a violation through:\n{out}");
    assert!(out.contains("CL-1"), "{manager}:\n{out}");

    s.repo.write("CHANGELOG.md", "# Changelog\n");
    s.repo.git(&["add", "-A"]);
    let (ok, out) = run(
        git_bin,
        &["commit", "-q", "-m", "with changelog"],
        &s,
        home_var,
    );
    assert!(ok, "{manager}: the fixed commit was refused:\n{out}");
    assert_eq!(s.repo.git(&["log", "--format=%s"]), "with changelog");
}

#[test]
fn precommit_pre_commit_blocks_then_accepts() {
    blocks_then_accepts("pre-commit", "PRE_COMMIT_HOME");
}

#[test]
fn precommit_prek_blocks_then_accepts() {
    blocks_then_accepts("prek", "PREK_HOME");
}
