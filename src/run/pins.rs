//! With `--base`: a change that moves the pin of a git pack, or adds or removes a pack,
//! gets a `RELGATE-TRUST` note naming the old and the new commit. The base's list and
//! pins are the ones in force (they come from the trusted tree like every policy); the
//! note says what takes effect once the change is merged.

use super::builtin::TRUST_POLICY;
use crate::finding::{Finding, Origin, Severity, Subject};
use crate::policy::remote::{PackDecl, declared};
use crate::repo::View;

/// A pack's identity across the two trees, and its pin.
fn key(d: &PackDecl) -> (String, Option<String>) {
    match d {
        PackDecl::Git { url, path, rev, .. } => (format!("{url} {path}"), Some(rev.clone())),
        PackDecl::Local { path } => (format!("local {path}"), None),
        PackDecl::Shipped(n) => (format!("shipped {n}"), None),
    }
}

fn describe(d: &PackDecl) -> String {
    match d {
        PackDecl::Git { url, .. } => format!("git pack {} ({url})", d.name()),
        PackDecl::Local { path } => format!("local pack {path}"),
        PackDecl::Shipped(n) => format!("pack {n}"),
    }
}

/// One note per pack whose pin the change moves, and per pack it adds or removes, in
/// the trusted policy files `files` (`(path, text)` of the base) as `checked` has them.
pub(crate) fn notes(files: &[(String, String)], checked: &dyn View) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, base_text) in files {
        let Some(now) = checked
            .read(path)
            .ok()
            .and_then(|c| c.text().ok().map(str::to_string))
        else {
            continue;
        };
        if &now == base_text {
            continue;
        }
        let before = declared(path, base_text);
        let after = declared(path, &now);
        let note = |line: usize, message: String| {
            Finding {
            policy: TRUST_POLICY.into(),
            severity: Severity::Note,
            message,
            subject: Subject::Line {
                path: path.clone(),
                line,
                column: None,
            },
            help: Some("Pack declarations and pins are read from the base revision: merge this change first, through the protected branch, for the new pin to take effect.".into()),
            snippet: None,
            origin: Origin {
                file: "relgate (built-in)".into(),
                line: 1,
                column: 1,
            },
            waived: None,
            instance: None,
            fingerprint: String::new(),
        }
        };
        for a in &after {
            let (k, rev) = key(&a.decl);
            match before.iter().find(|b| key(&b.decl).0 == k) {
                Some(b) => {
                    let old = key(&b.decl).1;
                    if old != rev
                        && let (Some(old), Some(new)) = (old, rev)
                    {
                        out.push(note(a.span.line, format!(
                            "this change moves the pin of {} from {old} to {new}; the base's pin {old} is in force for this check (the new one takes effect once merged)",
                            describe(&a.decl)
                        )));
                    }
                }
                None => out.push(note(a.span.line, format!(
                    "this change adds {}{}; the base does not declare it, and it is not loaded for this check (it takes effect once merged)",
                    describe(&a.decl),
                    rev.map(|r| format!(" at {r}")).unwrap_or_default()
                ))),
            }
        }
        for b in &before {
            let (k, rev) = key(&b.decl);
            if !after.iter().any(|a| key(&a.decl).0 == k) {
                out.push(note(1, format!(
                    "this change removes {}{}; the base declares it, and it is in force for this check (the removal takes effect once merged)",
                    describe(&b.decl),
                    rev.map(|r| format!(" at {r}")).unwrap_or_default()
                )));
            }
        }
    }
    out
}
