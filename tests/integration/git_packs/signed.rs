//! `signers:`: the pinned commit (or annotated tag) must be SSH-signed by a listed key.

use super::{Published, assert_pack_error};
use crate::common::{command, f};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The test key `key` of tests/keys, copied with mode 0600.
pub fn key(dir: &Path, key: &str) -> PathBuf {
    let dest = dir.join(key);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/keys")
            .join(key),
        &dest,
    )
    .unwrap();
    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o600)).unwrap();
    dest
}

pub fn signed_commit(p: &Published, key_file: &Path) {
    p.work.write(
        "packs/basics/NOTES.md",
        &format!("signed with {}\n", key_file.display()),
    );
    p.work.git(&["add", "-A"]);
    let out = command("git")
        .args([
            "-c",
            "user.name=publisher",
            "-c",
            "user.email=p@relgate.invalid",
        ])
        .args(["-c", "gpg.format=ssh", "-c"])
        .arg(format!("user.signingkey={}", key_file.display()))
        .args(["commit", "-q", "-S", "-m", "signed release"])
        .current_dir(p.work.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    p.push(false);
}

#[test]
fn signers_accept_a_listed_key_and_refuse_an_unlisted_key_or_no_signature() {
    let keys = tempfile::tempdir().unwrap();
    let steering = key(keys.path(), "steering-test");
    let checklist = key(keys.path(), "checklist-test");
    let p = Published::new();
    let unsigned = p.head();
    signed_commit(&p, &steering);
    let by_steering = p.head();
    signed_commit(&p, &checklist);
    let by_checklist = p.head();
    let public = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys/steering-test.pub"),
    )
    .unwrap();
    let signers = format!("publisher@example.com {}", public.trim());
    let with = |rev: &str| {
        let r = p.consumer(rev, "");
        r.write(
            ".relgate/config.yaml",
            &p.config(rev, "packs/basics", "")
                .replace("    path:", "    signers: .relgate/publishers\n    path:"),
        );
        r.write(".relgate/publishers", &format!("{signers}\n"));
        r.commit_all("signers");
        r
    };
    let r = with(&by_steering);
    let run = p.run(r.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RB-1", "CHANGELOG.md", None)]);
    let r = with(&by_checklist);
    let run = p.run(r.path(), &["check"]);
    assert_pack_error(
        &run,
        "which is not in the allowed signers .relgate/publishers",
    );
    let r = with(&unsigned);
    let run = p.run(r.path(), &["check"]);
    assert_pack_error(&run, "is not signed");
}

#[test]
fn a_pin_naming_a_signed_annotated_tag_is_verified_on_the_tag() {
    let keys = tempfile::tempdir().unwrap();
    let steering = key(keys.path(), "steering-test");
    let p = Published::new();
    let out = command("git")
        .args([
            "-c",
            "user.name=publisher",
            "-c",
            "user.email=p@relgate.invalid",
        ])
        .args(["-c", "gpg.format=ssh", "-c"])
        .arg(format!("user.signingkey={}", steering.display()))
        .args(["tag", "-s", "v1.0.0", "-m", "basics 1.0.0"])
        .current_dir(p.work.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    p.work.git(&["push", "-q", &p.url(), "refs/tags/v1.0.0"]);
    let tag = p.work.git(&["rev-parse", "v1.0.0"]);
    assert_ne!(tag, p.head());
    let public = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys/steering-test.pub"),
    )
    .unwrap();
    let r = p.consumer(&tag, "");
    r.write(
        ".relgate/config.yaml",
        &p.config(&tag, "packs/basics", "")
            .replace("    path:", "    signers: .relgate/publishers\n    path:"),
    );
    r.write(
        ".relgate/publishers",
        &format!("publisher@example.com {}", public.trim()),
    );
    r.commit_all("pin the tag");
    let run = p.run(r.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RB-1", "CHANGELOG.md", None)]);
    // The commit under the tag is unsigned: pinned by its own id, it is refused.
    r.write(
        ".relgate/config.yaml",
        &p.config(&p.head(), "packs/basics", "")
            .replace("    path:", "    signers: .relgate/publishers\n    path:"),
    );
    let run = p.run(r.path(), &["check"]);
    assert_pack_error(&run, "is not signed");
}
