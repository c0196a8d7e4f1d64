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
