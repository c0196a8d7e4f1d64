//! The paths a `case.yaml` names stay inside: a case is written by whoever wrote the
//! tests, and `relgate test` runs it on a developer's machine or in CI.
//!
//! - Repository paths (`symlinks:` and `modes:` keys, `delete:` items) are plain
//!   relative paths: not absolute, no `.`/`..`/empty component, not inside `.git`. A
//!   `symlinks:` key `/home/me/.bashrc` would otherwise delete that file and plant a link.
//! - `extends:` and `policies:` name files in the tests' folder (`relgate test DIR`, or
//!   the `.relgate/` folder it lies in): relative, no `..` that leaves it, no link on
//!   the way. `/etc/shadow` as a policy
//!   file would otherwise be read, and its lines shown in the error's snippet.
//! - No file of the case's repository is written through a link the case made (a
//!   linked folder in an extended case's `tree/`, or a `symlinks:` key).
//!
//! - `attach:` paths name files of the case's own folder: relative, no `..` that leaves
//!   it, no link on the way (the file itself is then opened as `--attach` opens one).
//!
//! Each problem is an error at the key in `case.yaml`; nothing is read or written.

use super::case::{Case, Raw};
use crate::lang::error::{Code, LoadError, PolicyFile};
use crate::parse::value::Span;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The problems of the paths `raw` names (the case in `dir`, under the tests' `root`).
pub(super) fn check(file: &Arc<PolicyFile>, root: &Path, dir: &Path, raw: &Raw) -> Vec<LoadError> {
    let mut errors = Vec::new();
    let mut err = |span: Span, message: String, label: &str| {
        errors.push(LoadError::new(Code::BadValue, file, span, message).label(label));
    };
    let repo_paths = raw
        .key_spans
        .iter()
        .map(|(field, p, span)| (*field, p.as_str(), *span))
        .chain(
            raw.delete
                .iter()
                .map(|(p, span)| ("delete", p.trim_end_matches('/'), *span)),
        );
    for (field, p, span) in repo_paths {
        if let Some(problem) = repo_path_problem(p) {
            err(
                span,
                format!(
                    "'{field}' names {p}, which {problem}: paths of the case's repository are relative and stay inside it"
                ),
                "not a path inside the repository",
            );
        }
    }
    let named = raw
        .extends
        .iter()
        .map(|(p, span)| ("extends", p, *span))
        .chain(
            raw.policies
                .iter()
                .flatten()
                .map(|(p, span)| ("policies", p, *span)),
        );
    for (field, p, span) in named {
        if let Err(problem) = inside_tests(root, dir, p) {
            err(
                span,
                format!(
                    "'{field}' names {p}, which {problem}: a case names files of the tests' folder {}",
                    root.display()
                ),
                "outside the tests' folder",
            );
        }
    }
    // Attachments are files of the case's own folder (a report the job would produce).
    for (name, p, span) in &raw.attach {
        if let Err(problem) = inside_tests(dir, dir, p) {
            let problem = problem.replace("the tests' folder", "the case's folder");
            err(
                *span,
                format!(
                    "'attach' names {p} for {name}, which {problem}: an attachment is a file of the case's folder {}",
                    dir.display()
                ),
                "outside the case's folder",
            );
        }
    }
    errors
}

/// Why `p` is not a plain relative path of a repository, if it is not.
fn repo_path_problem(p: &str) -> Option<&'static str> {
    let parts: Vec<&str> = p.split('/').collect();
    if p.is_empty() {
        Some("is empty")
    } else if p.starts_with('/') {
        Some("is absolute")
    } else if parts.contains(&"..") {
        Some("has a '..' component")
    } else if parts.iter().any(|c| c.is_empty() || *c == ".") {
        Some("has an empty or '.' component")
    } else if parts.first() == Some(&".git") {
        Some("is inside .git")
    } else {
        None
    }
}

/// `dir.join(p)` stays in `root` (lexically: `..` is not resolved through a link), and
/// no folder from `root` down to it, nor it, is a symbolic link.
fn inside_tests(root: &Path, dir: &Path, p: &str) -> Result<(), String> {
    let rel = Path::new(p);
    if rel.is_absolute() {
        return Err("is absolute".into());
    }
    let below = dir
        .strip_prefix(root)
        .map_err(|_| "is not below the tests' folder".to_string())?;
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in below.components().chain(rel.components()) {
        match c {
            Component::Normal(n) => parts.push(n),
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err("leaves the tests' folder through '..'".into());
                }
            }
            Component::CurDir => {}
            _ => return Err("is not a relative path".into()),
        }
    }
    let mut at = root.to_path_buf();
    for n in parts {
        at.push(n);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "passes through {}, a symbolic link (relgate never follows links)",
                at.display()
            ));
        }
    }
    Ok(())
}

/// Files of the case's tree (or base) that would be written through a link the case
/// made: a linked entry of a `tree/`, or a `symlinks:` key, that another path lies below.
/// `own` are this case's `symlinks:` keys and where they are written; `extends` where
/// its `extends:` is.
pub(super) fn through_links(
    file: &Arc<PolicyFile>,
    own: &[(&'static str, String, Span)],
    extends: Option<Span>,
    case: &Case,
) -> Vec<LoadError> {
    let is_link =
        |p: &PathBuf| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    let mut errors = Vec::new();
    let trees = std::iter::once((&case.tree, true)).chain(case.base.iter().map(|b| (b, false)));
    for (files, with_links) in trees {
        let link = |q: &str| {
            (with_links && case.symlinks.contains_key(q)) || files.get(q).is_some_and(is_link)
        };
        let paths = files
            .keys()
            .chain(case.symlinks.keys().filter(|_| with_links));
        for p in paths {
            let Some(q) = p
                .match_indices('/')
                .filter_map(|(i, _)| p.get(..i))
                .find(|q| link(q))
            else {
                continue;
            };
            // At this case's own `symlinks:` key when it made the link or the path,
            // else at `extends:` (the link came with the extended case).
            let own = |k: &str| {
                own.iter()
                    .find(|(f, key, _)| *f == "symlinks" && key == k)
                    .map(|(_, _, s)| *s)
            };
            let span = own(q).or_else(|| own(p)).or(extends).unwrap_or_default();
            errors.push(
                LoadError::new(
                    Code::BadValue,
                    file,
                    span,
                    format!(
                        "{p} lies below {q}, which the case makes a symbolic link: it would be written through the link"
                    ),
                )
                .label("a path below a link"),
            );
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths_are_plain_and_relative() {
        for ok in [
            "a",
            "a/b.txt",
            "releases/2024-07-15/notes.md",
            ".relgate/x.yaml",
        ] {
            assert_eq!(repo_path_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "is empty"),
            ("/etc/passwd", "is absolute"),
            ("a/../../x", "has a '..' component"),
            ("a//b", "has an empty or '.' component"),
            ("./a", "has an empty or '.' component"),
            (".git/hooks/pre-commit", "is inside .git"),
        ] {
            assert_eq!(repo_path_problem(bad), Some(why), "{bad}");
        }
    }

    #[test]
    fn named_files_stay_in_the_tests_folder() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("t");
        std::fs::create_dir_all(root.join("a/case")).unwrap();
        let case = root.join("a/case");
        assert!(inside_tests(&root, &case, "../policies.yaml").is_ok());
        assert!(inside_tests(&root, &case, "../../x.yaml").is_ok());
        assert!(inside_tests(&root, &case, "../../../x.yaml").is_err());
        assert!(inside_tests(&root, &case, "/etc/hostname").is_err());
        std::os::unix::fs::symlink("/etc", root.join("a/etc")).unwrap();
        let e = inside_tests(&root, &case, "../etc/hostname").unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
    }
}
