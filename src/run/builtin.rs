//! Built-in policies: checks relgate runs itself, beside the loaded policies, each
//! listed as a policy only when it finds something. `RELGATE-CASE`: paths that differ
//! only in case; `RELGATE-TRUST`: with `--base`, the change edits what the trusted tree
//! supplies (its version takes effect once merged).

use crate::engine::Status;
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
        .filter(|c| {
            supplied.contains(&c.path)
                || (c.path.starts_with(".relgate/") && !c.path.starts_with(".relgate/tests/"))
        })
        .map(|c| {
            let verb = match c.status {
                ChangeStatus::Added => "adds",
                ChangeStatus::Modified => "modifies",
                ChangeStatus::Deleted => "deletes",
            };
            let base = match c.status {
                ChangeStatus::Added => "the base has none, and that is in force",
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

/// The id of the built-in policy that reports paths differing only in case.
pub(crate) const CASE_POLICY: &str = "RELGATE-CASE";

/// Paths (files or folders) that differ only in case: on macOS and Windows checkouts one
/// of them silently wins. One error per collision, at the second path (byte order).
pub(crate) fn case_collisions(view: &dyn View) -> Option<(PolicyResult, Vec<Finding>)> {
    // Two different names that are both lower-case ASCII never collide: every
    // collision involves a name with an upper-case or non-ASCII character. So only
    // those names, and the names equal to their lower-case forms, are compared.
    let special = |n: &str| n.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase());
    if !view.entries().iter().any(|e| special(&e.path)) {
        // Folders are prefixes of paths: none of them is special either.
        return None;
    }
    let dirs = view.dirs();
    let entries = view.entries();
    // Names are grouped by their lower-case form. A group holds the special names and
    // the plain name equal to that form, if the view has it: found by a binary search
    // in the two sorted lists, so the plain names are never hashed.
    let plain = |key: &str| -> Option<&str> {
        if let Ok(i) = dirs.binary_search_by(|d| d.as_str().cmp(key)) {
            return dirs.get(i).map(String::as_str);
        }
        view.entry(key).map(|e| e.path.as_str())
    };
    let mut groups: std::collections::HashMap<String, Vec<&str>> = std::collections::HashMap::new();
    for name in dirs
        .iter()
        .map(String::as_str)
        .chain(entries.iter().map(|e| e.path.as_str()))
        .filter(|n| special(n))
    {
        groups.entry(name.to_lowercase()).or_default().push(name);
    }
    // (a name, the first name of its group in byte order)
    let mut collisions: Vec<(&str, &str)> = Vec::new();
    for (key, mut names) in groups {
        if !special(&key) {
            names.extend(plain(&key));
        }
        names.sort_unstable();
        names.dedup();
        if let Some((first, rest)) = names.split_first() {
            collisions.extend(rest.iter().map(|n| (*n, *first)));
        }
    }
    if collisions.is_empty() {
        return None;
    }
    collisions.sort_unstable();
    // A collision of folders shows again for every pair of files below them: keep the
    // outermost.
    let mut kept_keys: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut kept: Vec<Finding> = Vec::new();
    for (name, first) in collisions {
        let key = name.to_lowercase();
        let below_kept = key
            .match_indices('/')
            .any(|(i, _)| key.get(..i).is_some_and(|k| kept_keys.contains(k)));
        if below_kept {
            continue;
        }
        kept.push(CASE.finding(
            name,
            format!(
                "{name} and {first} differ only in case: on macOS and Windows checkouts one of them silently replaces the other"
            ),
        ));
        kept_keys.insert(key);
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
