//! The generic pack `release-basics`: its own cases, and the example consuming it as a git pack.

use super::Published;
use super::signed::{key, signed_commit};
use crate::common::Repo;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Copies the folder `from` into `to` (files 0644).
fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

#[test]
fn release_basics_has_a_failing_case_for_each_policy() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = crate::common::relgate_in(
        crate_dir,
        &[
            "test",
            "--pack",
            "./policies/release-basics",
            "--require-failing",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with("8 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_example_passes_with_release_basics_published_signed_and_pinned() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let keys = tempfile::tempdir().unwrap();
    let steering = key(keys.path(), "steering-test");
    // The publisher: the pack folder of this repository, in a signed commit.
    let p = Published::new();
    std::fs::create_dir_all(p.work.path().join("policies/release-basics")).unwrap();
    copy_dir(
        &crate_dir.join("policies/release-basics"),
        &p.work.path().join("policies/release-basics"),
    );
    signed_commit(&p, &steering);
    // The consumer: the example, pinned to that commit.
    let r = Repo::new();
    copy_dir(&crate_dir.join("examples/release-basics"), r.path());
    r.edit(
        ".relgate/config.yaml",
        "https://github.com/relgate/relgate",
        &p.url(),
    );
    r.edit(
        ".relgate/config.yaml",
        "0000000000000000000000000000000000000000",
        &p.head(),
    );
    let public = std::fs::read_to_string(crate_dir.join("tests/keys/steering-test.pub")).unwrap();
    std::fs::write(
        r.path().join(".relgate/signers/pack-publishers"),
        format!("publisher@example.com {}", public.trim()),
    )
    .unwrap();
    r.commit_all("example");
    let run = p.run(
        r.path(),
        &["check", "--var", "branch=release/1.2", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for (id, status) in [
        ("RB-001", "pass"),
        ("RB-002", "skip"),
        ("RB-003", "pass"),
        ("RB-004", "pass"),
        ("RB-005", "pass"),
    ] {
        assert_eq!(run.status(id), status, "{id}");
    }
    // The list of the example names the pin, cached after the check fetched it.
    let list = p.run(r.path(), &["pack", "list"]);
    assert!(
        list.stdout.starts_with(&format!(
            "release-basics  {} policies/release-basics at {}  cached  signers .relgate/signers/pack-publishers",
            p.url(),
            p.head()
        )),
        "{}",
        list.stdout
    );
}
