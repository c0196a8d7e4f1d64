//! Built-in policies: checks relgate runs itself, beside the loaded policies, each
//! listed as a policy only when it finds something. `RELGATE-CASE`: paths that differ
//! only in case; `RELGATE-TRUST`: with `--base`, the change edits what the trusted tree
//! supplies (its version takes effect once merged); `RELGATE-VARS`: with `--base`, the
//! change moves a `latest_dir` or `data` variable back (an error) or changes it (a note).

use crate::engine::Status;
use crate::eval::vars::{VarDef, Vars};
use crate::finding::{Finding, Origin, Severity, Subject};
use crate::repo::{ChangeStatus, Diff, View};
use crate::report::PolicyResult;
use std::collections::BTreeSet;

/// A check relgate runs itself, listed as a policy only when it finds something.
struct Builtin {
    id: &'static str,
    name: &'static str,
    title: &'static str,
    severity: Severity,
    description: &'static str,
    /// How to fix each finding.
    help: &'static str,
}

impl Builtin {
    fn origin() -> Origin {
        Origin {
            file: "relgate (built-in)".into(),
            line: 1,
            column: 1,
        }
    }

    /// A finding about a whole file or folder.
    fn finding(&self, path: &str, message: String) -> Finding {
        Finding {
            policy: self.id.into(),
            severity: self.severity,
            message,
            subject: Subject::File(path.to_string()),
            help: Some(self.help.into()),
            snippet: None,
            origin: Self::origin(),
            waived: None,
            instance: None,
            fingerprint: String::new(),
        }
    }

    /// The failed policy with its findings, or nothing when there are none.
    fn result(&self, findings: Vec<Finding>) -> Option<(PolicyResult, Vec<Finding>)> {
        if findings.is_empty() {
            return None;
        }
        let policy = PolicyResult {
            id: self.id.into(),
            name: Some(self.name.into()),
            title: self.title.into(),
            severity: self.severity,
            status: Status::Fail,
            reason: None,
            description: Some(self.description.into()),
            help: None,
            url: None,
            origin: Self::origin(),
            in_repo: false,
            selected: 0,
            unmatched: Vec::new(),
            instances: Vec::new(),
            baseline: true,
        };
        Some((policy, findings))
    }
}

const TRUST: Builtin = Builtin {
    id: TRUST_POLICY,
    name: "trusted-tree",
    title: "Changes to what the gate trusts take effect once merged",
    severity: Severity::Note,
    description: "With --base, policies, allowed signers and waivers come from the base revision; a change cannot edit its own gate.",
    help: "Trusted inputs (policies, signers, waivers) are read from the base revision: merge this change first, through the protected branch, for it to take effect.",
};

const CASE: Builtin = Builtin {
    id: CASE_POLICY,
    name: "case-collisions",
    title: "No two paths differ only in case",
    severity: Severity::Error,
    description: "Case-insensitive file systems (macOS, Windows) keep one of two paths that differ only in case; which one depends on the checkout.",
    help: "Rename one of them (git mv), or remove the duplicate.",
};

/// The id of the built-in policy that reports edits to trusted inputs.
pub(crate) const TRUST_POLICY: &str = "RELGATE-TRUST";

/// With `--base`: one note per file the trusted tree supplied (or would supply: anything
/// under `.relgate/`) that the change adds, modifies or deletes.
pub(crate) fn notes(
    diff: &Diff,
    supplied: &BTreeSet<String>,
) -> Option<(PolicyResult, Vec<Finding>)> {
    let findings: Vec<Finding> = diff
        .changes
        .iter()
        .filter(|c| supplied.contains(&c.path) || policy_folder(&c.path).is_some())
        .map(|c| {
            let verb = match c.status {
                ChangeStatus::Added => "adds",
                ChangeStatus::Modified => "modifies",
                ChangeStatus::Deleted => "deletes",
            };
            let base = match (c.status, policy_folder(&c.path)) {
                // A `.relgate/` below the judged folder: the base decides which one
                // governs, so one the change adds, moves or removes changes nothing yet.
                (_, Some(dir)) if !dir.is_empty() && !supplied.contains(&c.path) => {
                    "which .relgate/ governs a folder is decided in the base, and this one is not in force"
                }
                (ChangeStatus::Added, _) => "the base has none, and that is in force",
                _ => "the base's version is in force",
            };
            TRUST.finding(
                &c.path,
                format!(
                    "this change {verb} {}; {base} for this check (it takes effect once merged)",
                    c.path
                ),
            )
        })
        .collect();
    TRUST.result(findings)
}

/// The folder whose `.relgate/` holds `path` (`""`: the judged folder's own), when
/// `path` lies in one (outside its `tests/`).
fn policy_folder(path: &str) -> Option<&str> {
    let (dir, rest) = match path.strip_prefix(".relgate/") {
        Some(rest) => ("", rest),
        None => {
            let i = path.find("/.relgate/")?;
            (path.get(..i)?, path.get(i + "/.relgate/".len()..)?)
        }
    };
    (!rest.starts_with("tests/")).then_some(dir)
}

/// The id of the built-in policy that reports variables the change moves.
pub(crate) const VARS_POLICY: &str = "RELGATE-VARS";

const VARS: Builtin = Builtin {
    id: VARS_POLICY,
    name: "variables-move-forward",
    title: "The change does not move a release or version variable back",
    severity: Severity::Error,
    description: "With --base, every latest_dir and data variable is also computed in the base: a change that renames the current release out of its pattern, or sets a version back, would otherwise be judged as an older release whose checks pass.",
    help: "Keep the base's release or version (restore the folder or the value). Going back is a change of its own, merged first through the protected branch; a branch behind the base merges or rebases onto it.",
};

/// With `--base`: each `latest_dir` and `data` variable whose value in the tree under
/// check differs from its value in the base (`base`): an error when it sorts before it
/// (both dates, or both semantic versions), else a note. Located at the variable's
/// definition; never waivable (built-in findings are added after waivers apply).
pub(crate) fn moved_vars(
    head: &Vars,
    base: &[(&VarDef, Result<String, String>)],
) -> Option<(PolicyResult, Vec<Finding>)> {
    let mut findings = Vec::new();
    for (def, in_base) in base {
        let (Some(Ok(now)), Ok(was)) = (head.result(&def.name), in_base) else {
            continue;
        };
        if now == was {
            continue;
        }
        let name = &def.name;
        let (severity, message) = match order(now, was) {
            Some(std::cmp::Ordering::Less) => (
                Severity::Error,
                format!(
                    "the change moves {name} back from {was} to {now}: the policies would judge {now}, and the base is at {was}"
                ),
            ),
            Some(_) => (
                Severity::Note,
                format!("the change moves {name} from {was} to {now}"),
            ),
            None => (
                Severity::Note,
                format!(
                    "the change changes {name} from {was} to {now} (not both dates or versions: their order is not judged)"
                ),
            ),
        };
        findings.push(Finding {
            severity,
            subject: Subject::Policy,
            origin: Origin {
                file: def.file.name.clone(),
                line: def.span.line,
                column: def.span.column,
            },
            ..VARS.finding("", message)
        });
    }
    let worst = findings.iter().map(|f| f.severity).max()?;
    let (mut policy, findings) = VARS.result(findings)?;
    policy.severity = worst;
    Some((policy, findings))
}

/// How `a` sorts against `b` as dates (`YYYY-MM-DD`) or semantic versions (an optional
/// leading `v`); `None` for values that are not both one or the other.
fn order(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    use crate::parse::dates::is_iso_date;
    if is_iso_date(a) && is_iso_date(b) {
        return Some(a.cmp(b));
    }
    let version = |s: &str| semver::Version::parse(s.strip_prefix('v').unwrap_or(s)).ok();
    Some(version(a)?.cmp_precedence(&version(b)?))
}

/// The id of the built-in policy that reports paths differing only in case.
pub(crate) const CASE_POLICY: &str = "RELGATE-CASE";

/// Paths (files or folders) that differ only in case: on macOS and Windows checkouts one
/// of them silently wins. One error per collision, at the second path (byte order), a
/// collision of folders hiding those below it ([`crate::repo::case`]).
pub(crate) fn case_collisions(view: &dyn View) -> Option<(PolicyResult, Vec<Finding>)> {
    use crate::repo::case::{CaseFold, special};
    // A listing that kept only some entries folded every one as it listed them.
    let found = match view.entries().folded().and_then(|f| f.case.clone()) {
        Some(found) => found,
        None => {
            if !view.entries().iter().any(|e| special(e.path)) {
                // Folders are prefixes of paths: none of them is special either.
                return None;
            }
            let mut fold = CaseFold::default();
            for e in view.entries() {
                fold.push(e.path);
            }
            fold.finish()
        }
    };
    let kept: Vec<Finding> = found
        .into_iter()
        .map(|(name, first)| {
            CASE.finding(
                &name,
                format!(
                    "{name} and {first} differ only in case: on macOS and Windows checkouts one of them silently replaces the other"
                ),
            )
        })
        .collect();
    if kept.is_empty() {
        return None;
    }
    CASE.result(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testutil::{TestRepo, head_view};

    #[test]
    fn case_collisions_name_each_later_path_once_and_keep_the_outermost_folder() {
        let t = TestRepo::new();
        for f in [
            "README.md",
            "Readme.md",
            "readme.md",
            "docs/A/x.md",
            "docs/a/x.md",
            "docs/a/y.md",
            "x/\u{c9}.txt",
            "x/\u{e9}.txt",
            "plain/lower.txt",
            "plain/Other.txt",
        ] {
            t.write(f, "x\n");
        }
        t.commit_all("init");
        let view = head_view(&t.repo());
        let (policy, findings) = case_collisions(&view).unwrap();
        assert_eq!(policy.id, CASE_POLICY);
        let got: Vec<(String, String)> = findings
            .iter()
            .map(|f| (f.path().unwrap().to_string(), f.message.clone()))
            .collect();
        let tail = ": on macOS and Windows checkouts one of them silently replaces the other";
        let want: Vec<(String, String)> = [
            ("Readme.md", "Readme.md and README.md differ only in case"),
            ("docs/a", "docs/a and docs/A differ only in case"),
            ("readme.md", "readme.md and README.md differ only in case"),
            (
                "x/\u{e9}.txt",
                "x/\u{e9}.txt and x/\u{c9}.txt differ only in case",
            ),
        ]
        .iter()
        .map(|(p, m)| (p.to_string(), format!("{m}{tail}")))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn values_compare_as_dates_or_versions_only() {
        use std::cmp::Ordering::*;
        assert_eq!(order("2024-06-03", "2024-07-15"), Some(Less));
        assert_eq!(order("1.10.0", "1.9.0"), Some(Greater));
        assert_eq!(order("v1.3.9", "1.4.0"), Some(Less));
        assert_eq!(order("1.4.0-rc.1", "1.4.0"), Some(Less));
        // Not both dates, not both versions: not ordered.
        assert_eq!(order("2024-06-03", "1.4.0"), None);
        assert_eq!(order("v9", "v10"), None);
        assert_eq!(order("2024-02-30", "2024-01-01"), None);
    }

    #[test]
    fn no_case_collision_is_no_policy() {
        let t = TestRepo::new();
        for f in [
            "README.md",
            "docs/Guide.md",
            "docs/guide-2.md",
            "b/readme.md",
        ] {
            t.write(f, "x\n");
        }
        t.commit_all("init");
        let view = head_view(&t.repo());
        assert!(case_collisions(&view).is_none());
    }
}
