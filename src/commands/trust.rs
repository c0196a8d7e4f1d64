//! The trusted tree: where everything the gate trusts comes from.
//!
//! With `--base REV` it is the tree of REV itself (the target branch as it is now, not
//! the merge base: a branch forked before a policy was added is still judged by it);
//! without, the tree under check. Policy files (`.relgate/` and `--policies` paths that
//! lie inside the repository), allowed-signers files and waivers are read from it,
//! through a repository view (no link followed, nothing outside the root). Paths outside
//! the repository are the workflow's own and are read from disk.
//!
//! A change that edits what the trusted tree supplies gets one note per file, saying the
//! base's version is in force; a change that adds the first policies of a repository
//! whose base has none is evaluated as a preview of its own policies (bootstrap).

use super::{is_policy_file, read_policy_dir, read_policy_paths, read_view_files};
use crate::engine::Status;
use crate::finding::{Finding, Origin, Severity};
use crate::lang::error::{Code, LoadError, LoadErrors};
use crate::repo::{ChangeStatus, Content, Diff, Entry, ReadError, SourceKind, View};
use crate::report::PolicyResult;
pub(crate) use crate::report::Trusted;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A view that remembers which files were read through it (the trusted inputs a run used).
pub(crate) struct Recording {
    inner: Arc<dyn View>,
    read: Mutex<BTreeSet<String>>,
}

impl Recording {
    pub(crate) fn new(inner: Arc<dyn View>) -> Recording {
        Recording {
            inner,
            read: Mutex::new(BTreeSet::new()),
        }
    }

    /// Every path read so far.
    pub(crate) fn paths(&self) -> BTreeSet<String> {
        match self.read.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

impl View for Recording {
    fn source(&self) -> SourceKind {
        self.inner.source()
    }
    fn entries(&self) -> &[Entry] {
        self.inner.entries()
    }
    fn entry(&self, path: &str) -> Option<&Entry> {
        self.inner.entry(path)
    }
    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        match self.read.lock() {
            Ok(mut g) => {
                g.insert(path.to_string());
            }
            Err(p) => {
                p.into_inner().insert(path.to_string());
            }
        }
        self.inner.read(path)
    }
    fn link_target(&self, path: &str) -> Option<String> {
        self.inner.link_target(path)
    }
    fn mode(&self, path: &str) -> Option<u32> {
        self.inner.mode(path)
    }
    fn dirs(&self) -> Vec<String> {
        self.inner.dirs()
    }
    fn stats(&self, paths: bool) -> crate::repo::ViewStats {
        self.inner.stats(paths)
    }
}

/// The policy files of a run: `--policies` (inside the repository: from the trusted
/// tree; outside: from disk), else `.relgate/` of the trusted tree. With a base that has
/// no policy and nothing else to run, the change's own `.relgate/` (bootstrap).
pub(crate) fn policy_files(
    paths: &[PathBuf],
    root: &Path,
    trusted: &dyn View,
    checked: &dyn View,
    has_base: bool,
    has_packs: bool,
) -> Result<(Vec<(String, String)>, bool), LoadErrors> {
    if !paths.is_empty() {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for p in paths {
            match inside(root, p) {
                Some(rel) => collect_from_view(trusted, p, &rel, &mut files, &mut errors),
                None => match read_policy_paths(std::slice::from_ref(p)) {
                    Ok(mut f) => files.append(&mut f),
                    Err(mut e) => errors.append(&mut e.0),
                },
            }
        }
        return if errors.is_empty() {
            Ok((files, false))
        } else {
            Err(LoadErrors(errors))
        };
    }
    let files = read_policy_dir(trusted)?;
    if files.is_empty() && has_base && !has_packs {
        let own = read_policy_dir(checked)?;
        if !own.is_empty() {
            return Ok((own, true));
        }
    }
    Ok((files, false))
}

/// `p` relative to the view's root, when it lies inside it (`""` for the root itself).
/// Compared lexically (no link is resolved) against the root as given and canonical.
fn inside(root: &Path, p: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let lexical = |q: &Path| {
        let mut norm = PathBuf::new();
        for c in cwd.join(q).components() {
            match c {
                std::path::Component::ParentDir => {
                    norm.pop();
                }
                std::path::Component::CurDir => {}
                c => norm.push(c),
            }
        }
        norm
    };
    let path = lexical(p);
    let roots = [
        lexical(root),
        root.canonicalize().unwrap_or_else(|_| lexical(root)),
    ];
    let rel = roots.iter().find_map(|r| path.strip_prefix(r).ok())?;
    let text = rel.to_str()?.to_string();
    Some(text.trim_matches('/').to_string())
}

/// A policy file or folder of the trusted tree.
fn collect_from_view(
    view: &dyn View,
    shown: &Path,
    rel: &str,
    files: &mut Vec<(String, String)>,
    errors: &mut Vec<LoadError>,
) {
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    // Policy test cases (a folder holding `case.yaml`, and its fixtures) are not policies.
    let cases: Vec<String> = view
        .entries()
        .iter()
        .filter_map(|e| e.path.strip_suffix("/case.yaml").map(|d| format!("{d}/")))
        .collect();
    let mut found: Vec<&Entry> = view
        .entries()
        .iter()
        .filter(|e| e.path == rel || (e.path.starts_with(&prefix) && is_policy_file(&e.path)))
        .filter(|e| !e.path.starts_with(".relgate/tests/"))
        .filter(|e| e.path == rel || !cases.iter().any(|c| e.path.starts_with(c.as_str())))
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    if found.is_empty() {
        errors.push(LoadError::global(
            Code::Io,
            format!(
                "{} holds no policy file in the trusted tree (with --base, policy paths inside the repository are read from the base)",
                shown.display()
            ),
        ));
        return;
    }
    read_view_files(view, found.iter().map(|e| e.path.as_str()), files, errors);
}

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
            path: Some(path.to_string()),
            line: None,
            column: None,
            help: Some(self.help.into()),
            snippet: None,
            origin: Self::origin(),
            waived: None,
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
            selected: 0,
            unmatched: Vec::new(),
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
            .map(|f| (f.path.clone().unwrap(), f.message.clone()))
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
