//! Hostile pull requests (issue 12): every test builds the repository an attacker
//! would commit, runs the real binary and asserts that the gate fails closed, writes
//! nothing outside its report and lets none of the repository's bytes act on the
//! terminal or the job log.

use crate::common::*;

/// `not:`, `when:` and `unless:` over a file relgate cannot read: "could not judge"
/// is never inverted into a pass, never turned into a skip, never an exemption.
#[test]
fn combinators_never_invert_could_not_judge() {
    let repo = Repo::new();
    repo.write("README.md", "ok\n")
        .write_bytes("config/latin1.env", b"caf\xe9\nSECRET=1\n", 0o644)
        .symlink("config/link.env", "../README.md")
        .commit_all("c");
    // Over the 16 MiB limit, one line.
    let big = vec![b'a'; 16 * 1024 * 1024 + 1];
    repo.write_bytes("config/big.env", &big, 0o644)
        .commit_all("big");
    for path in ["config/latin1.env", "config/link.env", "config/big.env"] {
        let yaml = format!(
            "version: 1\npolicies:\n  - id: NOT\n    title: no secret\n    check:\n      not: {{matches: {{files: '{path}', patterns: SECRET}}}}\n  - id: WHEN\n    title: secret files are documented\n    when: {{matches: {{files: '{path}', patterns: SECRET}}}}\n    check: {{exists: docs/secrets.md}}\n  - id: UNLESS\n    title: readme or waiver\n    check: {{exists: MISSING.md}}\n    unless: {{not: {{matches: {{files: '{path}', patterns: SECRET}}}}}}\n"
        );
        let r = repo.check_yaml(&yaml, &[]);
        assert_eq!(r.code, 1, "{path}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.status("NOT"), "fail", "{path}");
        assert_eq!(r.status("WHEN"), "fail", "{path}");
        assert_eq!(r.status("UNLESS"), "fail", "{path}");
        let findings = r.findings();
        for id in ["NOT", "WHEN"] {
            assert!(
                findings.iter().any(|(p, f, _)| p == id && f == path),
                "{id} {path}: {findings:?}"
            );
        }
        let messages = r.messages();
        let when = messages
            .iter()
            .filter(|m| m.starts_with("cannot judge the precondition ('when'): "))
            .count();
        assert_eq!(when, 1, "{path}: {messages:?}");
    }
}

const EXISTS_README: &str =
    "version: 1\npolicies:\n  - id: R\n    title: readme\n    check: {exists: README.md}\n";

/// A victim file outside the checkout, and a repository whose committed links point at it.
fn linked_repo() -> (Repo, tempfile::TempDir) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("bashrc"), "keep\n").unwrap();
    let repo = Repo::new();
    repo.write("README.md", "x\n")
        .symlink(
            "relgate.sarif",
            &outside.path().join("bashrc").display().to_string(),
        )
        .symlink("out", &outside.path().display().to_string())
        .commit_all("links");
    (repo, outside)
}

fn untouched(outside: &tempfile::TempDir) {
    let mut names: Vec<String> = std::fs::read_dir(outside.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bashrc"]);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("bashrc")).unwrap(),
        "keep\n"
    );
}

#[test]
fn reports_are_never_written_through_a_link() {
    let (repo, outside) = linked_repo();
    let p = Policies::new(EXISTS_README);
    let pol = p.path();
    for args in [
        vec!["--output", "relgate.sarif"],
        vec!["--also", "sarif=relgate.sarif"],
        vec!["--also", "json=out/report.json"],
        vec!["--output", "out/new/report.json"],
    ] {
        let mut all = vec!["check", "--policies", &pol, "--format", "sarif"];
        all.extend(&args);
        let r = repo.relgate(&all);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .contains("is a symbolic link, and relgate never writes through links"),
            "{args:?}: {}",
            r.stderr
        );
        untouched(&outside);
    }
    // Also when the run could not evaluate (the error report is a report too).
    let r = repo.relgate(&["check", "--pack", "nope", "--also", "sarif=relgate.sarif"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("relgate.sarif is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);
    // A plain path is written, by a rename (no temporary file left beside it).
    let r = repo.relgate(&[
        "check",
        "--policies",
        &pol,
        "--output",
        "reports/r.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<_> = std::fs::read_dir(repo.path().join("reports"))
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn init_and_install_hook_never_write_through_a_link() {
    let (repo, outside) = linked_repo();
    repo.symlink(".relgate", &outside.path().display().to_string());
    let r = repo.relgate(&["init"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(".relgate is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);

    repo.symlink(".githooks", &outside.path().display().to_string());
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let r = repo.relgate(&["install-hook"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(".githooks is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);
    // A hook that is itself a link is neither read nor replaced.
    repo.remove(".githooks");
    repo.symlink(
        ".githooks/pre-commit",
        &outside.path().join("bashrc").display().to_string(),
    );
    let r = repo.relgate(&["install-hook", "--force"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("pre-commit is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);
}
