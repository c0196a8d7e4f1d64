//! The trusted tree: where everything the gate trusts comes from.
//!
//! With `--base REV` it is the tree of REV itself (the target branch as it is now, not
//! the merge base: a branch forked before a policy was added is still judged by it);
//! without, the tree under check. Policy files (`.relgate/` and `--policies` paths that
//! lie inside the repository), allowed-signers files and waivers are read from it,
//! through a repository view (no link followed, nothing outside the root). Paths outside
//! the repository are the workflow's own and are read from disk.
//!
//! A change that adds the first policies of a repository whose base has none is
//! evaluated as a preview of its own policies (bootstrap). A change that edits what the
//! trusted tree supplies gets one note per file ([`super::builtin::notes`]).

use super::sources::{is_policy_file, read_policy_dir, read_policy_paths, read_view_files};
use crate::lang::error::{Code, LoadError, LoadErrors};
use crate::repo::{Content, Entries, EntryRef, ReadError, SourceKind, View};
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
    fn entries(&self) -> &Entries {
        self.inner.entries()
    }
    fn entry(&self, path: &str) -> Option<EntryRef<'_>> {
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

/// The policy files of a run, as `(name, text)`.
pub(crate) struct PolicyFiles {
    pub files: Vec<(String, String)>,
    /// The names of those read from the repository (its paths), not from disk.
    pub in_repo: BTreeSet<String>,
    /// The base has no policies: these are the change's own.
    pub bootstrap: bool,
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
) -> Result<PolicyFiles, LoadErrors> {
    let from_repo = |files: Vec<(String, String)>, bootstrap: bool| PolicyFiles {
        in_repo: files.iter().map(|(n, _)| n.clone()).collect(),
        files,
        bootstrap,
    };
    if !paths.is_empty() {
        let mut files = Vec::new();
        let mut in_repo = BTreeSet::new();
        let mut errors = Vec::new();
        for p in paths {
            match inside(root, p) {
                Some(rel) => {
                    let mut found = Vec::new();
                    collect_from_view(trusted, p, &rel, &mut found, &mut errors);
                    in_repo.extend(found.iter().map(|(n, _)| n.clone()));
                    files.append(&mut found);
                }
                None => match read_policy_paths(std::slice::from_ref(p)) {
                    Ok(mut f) => files.append(&mut f),
                    Err(mut e) => errors.append(&mut e.0),
                },
            }
        }
        return if errors.is_empty() {
            Ok(PolicyFiles {
                files,
                in_repo,
                bootstrap: false,
            })
        } else {
            Err(LoadErrors(errors))
        };
    }
    let files = read_policy_dir(trusted)?;
    if files.is_empty() && has_base && !has_packs {
        let own = read_policy_dir(checked)?;
        if !own.is_empty() {
            return Ok(from_repo(own, true));
        }
    }
    Ok(from_repo(files, false))
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
    let mut found: Vec<EntryRef<'_>> = view
        .entries()
        .iter()
        .filter(|e| e.path == rel || (e.path.starts_with(&prefix) && is_policy_file(e.path)))
        .filter(|e| !e.path.starts_with(".relgate/tests/"))
        .filter(|e| e.path == rel || !cases.iter().any(|c| e.path.starts_with(c.as_str())))
        .collect();
    found.sort_by(|a, b| a.path.cmp(b.path));
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
    read_view_files(view, found.iter().map(|e| e.path), files, errors);
}

/// Whether `view` has a policy file in `dir/.relgate/` (`dir` relative to the view's
/// root, `""` for the root), outside its `tests/`. Entries are sorted: the lookup is a
/// binary search and a walk over that folder's entries only.
pub(crate) fn has_policies(view: &dyn View, dir: &str) -> bool {
    let folder = if dir.is_empty() {
        ".relgate/".to_string()
    } else {
        format!("{dir}/.relgate/")
    };
    let entries = view.entries();
    let start = entries.partition_point(|e| e.path < folder.as_str());
    entries
        .iter_from(start)
        .take_while(|e| e.path.starts_with(&folder))
        .any(|e| {
            is_policy_file(e.path)
                && !e
                    .path
                    .get(folder.len()..)
                    .is_some_and(|rest| rest.starts_with("tests/"))
        })
}

/// The folders a `.relgate/` above `prefix` may lie in, nearest first, ending with the
/// repository's root (`""`); `prefix` itself is not included.
fn ancestors(prefix: &str) -> Vec<&str> {
    let mut out: Vec<&str> = prefix
        .match_indices('/')
        .map(|(i, _)| prefix.get(..i).unwrap_or(""))
        .collect();
    out.reverse();
    if !prefix.is_empty() {
        out.push("");
    }
    out
}

/// Opens the repository for a run. With `--base` and no `--policies`/`--pack`
/// (`discover`), which `.relgate/` governs PATH is decided in the base tree, never on the
/// change's disk: PATH's own, else the nearest ancestor's up to the repository's root,
/// and that folder is judged. Only when the base has none at any of those levels are the
/// change's own previewed (bootstrap), from its nearest `.relgate/` (the change may add
/// one anywhere; it governs nothing the base already governs).
///
/// Returns the opened repository and the folder it judges.
pub(crate) fn open_governed(
    target: &crate::repo::Target,
    discover: bool,
) -> Result<(crate::repo::Opened, PathBuf), crate::repo::OpenError> {
    use crate::repo::{Target, open};
    let opened = open(target)?;
    let here = || target.path.clone();
    let (Some((base, _)), Some(workdir)) = (&opened.trusted, opened.workdir.clone()) else {
        return Ok((opened, here()));
    };
    if !discover || opened.prefix.is_empty() || has_policies(base.as_ref(), "") {
        return Ok((opened, here()));
    }
    // The base has no `.relgate/` at PATH: its ancestors are read from the root.
    let at = |dir: &str| Target {
        path: if dir.is_empty() {
            workdir.clone()
        } else {
            workdir.join(dir)
        },
        source: target.source.clone(),
        base: target.base.clone(),
    };
    let root = open(&at(""))?;
    let Some((base_root, _)) = &root.trusted else {
        return Ok((opened, here()));
    };
    let prefix = opened.prefix.clone();
    let above = ancestors(&prefix);
    let chosen = match above.iter().find(|a| has_policies(base_root.as_ref(), a)) {
        Some(a) => a.to_string(),
        // Bootstrap: the change's own nearest `.relgate/`, from PATH up.
        None => match std::iter::once(prefix.as_str())
            .chain(above.iter().copied())
            .find(|a| has_policies(root.view.as_ref(), a))
        {
            Some(a) => a.to_string(),
            None => return Ok((opened, here())),
        },
    };
    if chosen == prefix {
        Ok((opened, here()))
    } else if chosen.is_empty() {
        drop(opened);
        Ok((root, workdir))
    } else {
        drop((opened, root));
        let t = at(&chosen);
        Ok((open(&t)?, t.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testutil::{TestRepo, head_view};

    #[test]
    fn ancestors_are_nearest_first_and_end_at_the_root() {
        assert_eq!(ancestors("a/b/c"), ["a/b", "a", ""]);
        assert_eq!(ancestors("a"), [""]);
        assert!(ancestors("").is_empty());
    }

    #[test]
    fn a_relgate_folder_counts_when_it_holds_a_policy_outside_its_tests() {
        let t = TestRepo::new();
        t.write(".relgate/tests/c/case.yaml", "x\n");
        t.write("a/.relgate/README.md", "x\n");
        t.write("b/.relgate/p.yml", "x\n");
        t.write("b/.relgate-x/p.yaml", "x\n");
        t.commit_all("init");
        let view = head_view(&t.repo());
        assert!(!has_policies(&view, ""));
        assert!(!has_policies(&view, "a"));
        assert!(has_policies(&view, "b"));
        assert!(!has_policies(&view, "c"));
    }
}
