//! Fingerprints: what tells a finding from every other across runs, so that a later
//! run (a merge request's target branch, SARIF's result matching, GitLab's Code
//! Quality comparison) recognises the same finding after unrelated edits.
//!
//! A fingerprint (`relgate/v1`) is the SHA-256, in hex, of these fields, each
//! length-prefixed so no two lists of fields hash alike:
//!
//! - the scheme, `relgate/v1`;
//! - the policy id;
//! - the `for_each` instance (its path), or nothing;
//! - the subject's kind (`line`, `file`, `files`, `policy`, `repository`);
//! - for a finding on a line: the SHA-256 of that whole line, trimmed of ASCII
//!   whitespace (never its number, never its path: a line inserted above it or a
//!   `git mv` of its file keeps it; never its message, which may cite line numbers);
//!   when the file cannot be read, the message with the path taken out;
//! - for any other finding: its message with the subject's path(s) taken out (a
//!   renamed file keeps it; the file's content does not go in, since an edit
//!   elsewhere in the file does not make "this key is missing" a new finding);
//! - its occurrence: 1 for the first finding of the report (in its order: path, line,
//!   column, policy, message) with the same fields above, 2 for the next, and so on.
//!   Two identical findings in one file are told apart by their order; the same line
//!   in several files gets as many fingerprints as it has findings.
//!
//! The line is hashed whole (not the bounded snippet), so two long lines that differ
//! past the snippet's cut are told apart.

use crate::finding::{Finding, Subject};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;

/// The fingerprint scheme: SARIF's `partialFingerprints` key.
pub(crate) const SCHEME: &str = "relgate/v1";

/// The SHA-256 of a line's bytes, trimmed of ASCII whitespace (its line ending too).
pub(crate) fn line_digest(line: &[u8]) -> [u8; 32] {
    Sha256::digest(line.trim_ascii()).into()
}

/// Adds one length-prefixed field.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The message with every path of the subject taken out.
fn without_paths(f: &Finding) -> String {
    let mut message = f.message.clone();
    let paths: Vec<&str> = match &f.subject {
        Subject::Line { path, .. } | Subject::File(path) => vec![path],
        Subject::Files(paths) => paths.iter().map(String::as_str).collect(),
        Subject::Policy | Subject::Repository => Vec::new(),
    };
    for p in paths.into_iter().filter(|p| !p.is_empty()) {
        message = message.replace(p, "");
    }
    message
}

/// Sets every finding's fingerprint. `findings` are in the report's order; `lines`
/// holds, for each, the digest of its line when it has a readable one
/// ([`super::quote::Quoted::lines`]).
pub(crate) fn assign(findings: &mut [Finding], lines: &[Option<[u8; 32]>]) {
    let mut seen: HashMap<[u8; 32], u64> = HashMap::new();
    for (i, f) in findings.iter_mut().enumerate() {
        let mut h = Sha256::new();
        field(&mut h, SCHEME.as_bytes());
        field(&mut h, f.policy.as_bytes());
        field(&mut h, f.instance.as_deref().unwrap_or("").as_bytes());
        field(&mut h, f.subject.kind().as_bytes());
        match (&f.subject, lines.get(i).copied().flatten()) {
            (Subject::Line { .. }, Some(line)) => field(&mut h, &line),
            _ => field(&mut h, without_paths(f).as_bytes()),
        }
        let key: [u8; 32] = h.clone().finalize().into();
        let n = seen.entry(key).or_default();
        *n += 1;
        field(&mut h, &n.to_be_bytes());
        let mut hex = String::with_capacity(64);
        for b in h.finalize() {
            let _ = write!(hex, "{b:02x}");
        }
        f.fingerprint = hex;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Origin, Severity};

    fn finding(subject: Subject, message: &str) -> Finding {
        Finding {
            policy: "P-1".into(),
            severity: Severity::Error,
            message: message.into(),
            subject,
            help: None,
            snippet: None,
            origin: Origin {
                file: "p.yaml".into(),
                line: 1,
                column: 1,
            },
            waived: None,
            instance: None,
            fingerprint: String::new(),
        }
    }

    fn line(path: &str, n: usize) -> Subject {
        Subject::Line {
            path: path.into(),
            line: n,
            column: Some(3),
        }
    }

    fn prints(findings: &mut [Finding], lines: &[Option<[u8; 32]>]) -> Vec<String> {
        assign(findings, lines);
        findings.iter().map(|f| f.fingerprint.clone()).collect()
    }

    /// A line finding is its line's content: not its number, path or message; the
    /// same line twice is told apart by its order.
    #[test]
    fn a_line_finding_is_its_content_and_its_order() {
        let latest = Some(line_digest(b"  image: app:latest\r\n"));
        let other = Some(line_digest(b"image: db:latest"));
        let a = prints(
            &mut [finding(line("a.yaml", 3), "tag latest at line 3")],
            &[latest],
        );
        let moved = prints(
            &mut [finding(line("b/a.yaml", 9), "tag latest at line 9")],
            &[Some(line_digest(b"image: app:latest"))],
        );
        assert_eq!(a, moved);
        assert_eq!(a[0].len(), 64);
        let twice = prints(
            &mut [
                finding(line("a.yaml", 3), "m"),
                finding(line("a.yaml", 5), "m"),
                finding(line("a.yaml", 7), "m"),
            ],
            &[latest, latest, other],
        );
        assert_eq!(twice[0], a[0]);
        assert_ne!(twice[0], twice[1]);
        assert_ne!(twice[2], twice[0]);
        // Another policy, instance or kind is another finding.
        let mut p = finding(line("a.yaml", 3), "m");
        p.policy = "P-2".into();
        let mut i = finding(line("a.yaml", 3), "m");
        i.instance = Some("svc/a".into());
        let others = prints(&mut [p, i], &[latest, latest]);
        assert!(others.iter().all(|o| o != &a[0]), "{others:?}");
        assert_ne!(others[0], others[1]);
    }

    /// A finding without a line is its message with its path(s) taken out: a renamed
    /// file keeps it, another message does not.
    #[test]
    fn a_file_finding_is_its_message_without_its_path() {
        let f = |p: &str| finding(Subject::File(p.into()), &format!("{p} does not exist"));
        let a = prints(&mut [f("docs/runbook.md")], &[None]);
        let b = prints(&mut [f("ops/runbook.md")], &[None]);
        assert_eq!(a, b);
        let c = prints(
            &mut [finding(Subject::File("docs/runbook.md".into()), "is empty")],
            &[None],
        );
        assert_ne!(a, c);
        // An unreadable line falls back to the message, and is not a file finding.
        let d = prints(
            &mut [finding(
                line("docs/runbook.md", 1),
                "docs/runbook.md does not exist",
            )],
            &[None],
        );
        assert_ne!(a, d);
        let repo = prints(&mut [finding(Subject::Repository, "no file")], &[None]);
        let policy = prints(&mut [finding(Subject::Policy, "no file")], &[None]);
        assert_ne!(repo, policy);
    }
}
