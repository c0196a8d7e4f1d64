//! Paths from the repository root.
//!
//! A run reads PATH's view: its files, globs and policy names are relative to PATH.
//! Reports place findings for tools that resolve paths from the repository root
//! (GitHub annotations, SARIF's `%SRCROOT%`, a reader at the top of the checkout), so
//! once the run is evaluated every path a report shows — findings' subjects, the
//! definitions of policies read from the repository, the waivers that cover findings
//! and the quoted contents — is joined to PATH's place in the repository. Attachments
//! (`attachment:NAME`) and files from outside the repository keep their names.

use crate::eval::attach::PREFIX as ATTACHMENT;
use crate::finding::{Finding, Subject};
use crate::repo::Content;
use crate::report::PolicyResult;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// `path` of the view under `prefix` (PATH relative to the repository root, `""` at
/// the top), from the root.
pub(crate) fn join(prefix: &str, path: &str) -> String {
    if prefix.is_empty() || path.starts_with(ATTACHMENT) {
        path.to_string()
    } else if path.is_empty() || path == "." {
        prefix.to_string()
    } else {
        format!("{prefix}/{path}")
    }
}

/// Rewrites every path of a run's results from PATH's view to the repository root.
/// `in_repo`: the names of the policy files read from the view (the others are a
/// pack's or a file from outside the repository). Findings stay in the run's order:
/// one prefix keeps their relative order.
pub(crate) fn from_root(
    prefix: &str,
    in_repo: &BTreeSet<String>,
    policies: &mut [PolicyResult],
    findings: &mut [Finding],
    contents: BTreeMap<String, Arc<Content>>,
) -> BTreeMap<String, Arc<Content>> {
    if prefix.is_empty() {
        return contents;
    }
    // Policy files read from disk (a `--policies` path outside the repository): a
    // waiver of theirs is placed in them, under their own name.
    let outside: BTreeSet<String> = policies
        .iter()
        .filter(|p| !in_repo.contains(&p.origin.file))
        .map(|p| p.origin.file.clone())
        .collect();
    let join = |path: &str| {
        if outside.contains(path) {
            path.to_string()
        } else {
            join(prefix, path)
        }
    };
    for p in policies.iter_mut() {
        if in_repo.contains(&p.origin.file) {
            p.origin.file = join(&p.origin.file);
        }
    }
    for f in findings.iter_mut() {
        match &mut f.subject {
            Subject::Line { path, .. } | Subject::File(path) => *path = join(path),
            Subject::Files(paths) => {
                for p in paths.iter_mut() {
                    *p = join(p);
                }
            }
            Subject::Policy | Subject::Repository => {}
        }
        if in_repo.contains(&f.origin.file) {
            f.origin.file = join(&f.origin.file);
        }
        if let Some(w) = &mut f.waived
            && in_repo.contains(&w.path)
        {
            w.path = join(&w.path);
        }
    }
    contents.into_iter().map(|(k, v)| (join(&k), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn joins_below_the_prefix_but_not_attachments() {
        assert_eq!(join("", "a.md"), "a.md");
        assert_eq!(join("svc/api", "a.md"), "svc/api/a.md");
        assert_eq!(join("svc", "."), "svc");
        assert_eq!(join("svc", "attachment:junit"), "attachment:junit");
    }
}
