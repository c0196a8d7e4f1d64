//! A git pack's files at its pinned commit: the policy files and manifest the loader
//! reads ([`read_tree`]), and the whole folder `relgate test --pack` writes out
//! ([`Packs::extract`]). Symbolic links are never followed.

use super::fetch::{Packs, err, pinned_commit};
use super::remote::{PackContent, PackDecl, PackError, is_pack_policy};
use std::path::Path;

impl Packs {
    /// Writes a git pack's whole folder at its pin (policies, `pack.yaml`, `tests/`) into
    /// `dest`, verified as for loading; symbolic links are left out.
    pub(crate) fn extract(&self, decl: &PackDecl, dest: &Path) -> Result<(), PackError> {
        let PackDecl::Git {
            url,
            rev,
            path,
            signers,
        } = decl
        else {
            return Err(err(
                format!("{} is not a git pack", decl.name()),
                "name a git pack declared in the repository's policy files",
            ));
        };
        if !self.is_cached(url, rev) {
            if self.offline {
                return Err(err(
                    format!("pack {} is not in the pack cache", decl.name()),
                    "run `relgate pack fetch`",
                ));
            }
            self.fetch(url, rev)?;
        }
        let repo = self.open(url)?;
        let commit = pinned_commit(&repo, rev, signers.as_deref(), self)?;
        let tree = commit
            .tree()
            .map_err(|e| err(format!("cannot read {rev}: {}", e.message()), ""))?;
        let tree = if path.is_empty() {
            tree
        } else {
            tree.get_path(Path::new(path))
                .and_then(|e| repo.find_tree(e.id()))
                .map_err(|_| err(format!("commit {rev} has no folder '{path}'"), ""))?
        };
        let mut problem = None;
        let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() != Some(git2::ObjectType::Blob) || entry.filemode() == 0o120000 {
                return git2::TreeWalkResult::Ok;
            }
            let to = dest.join(dir).join(entry.name().unwrap_or("_"));
            let written = repo
                .find_blob(entry.id())
                .map_err(|e| e.message().to_string())
                .and_then(|b| {
                    to.parent()
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|_| std::fs::write(&to, b.content()))
                        .map_err(|e| e.to_string())
                });
            match written {
                Ok(()) => git2::TreeWalkResult::Ok,
                Err(e) => {
                    problem = Some(err(format!("cannot write {}: {e}", to.display()), ""));
                    git2::TreeWalkResult::Abort
                }
            }
        });
        match problem {
            Some(p) => Err(p),
            None => Ok(()),
        }
    }
}

/// The pack's files in `commit` below `path` (a folder, or one file).
pub(super) fn read_tree(
    repo: &git2::Repository,
    commit: &git2::Commit,
    path: &str,
    decl: &PackDecl,
    rev: &str,
) -> Result<PackContent, PackError> {
    let tree = commit.tree().map_err(|e| {
        err(
            format!("cannot read the tree of {rev}: {}", e.message()),
            "",
        )
    })?;
    let short = &rev[..12.min(rev.len())];
    let missing = || {
        err(
            format!("commit {short} has no folder or file '{path}'"),
            "fix 'path' (a folder of policy files, or one file, inside that commit)",
        )
    };
    let (root_tree, single) = if path.is_empty() {
        (tree, None)
    } else {
        let entry = tree.get_path(Path::new(path)).map_err(|_| missing())?;
        match entry.kind() {
            Some(git2::ObjectType::Tree) => {
                (repo.find_tree(entry.id()).map_err(|_| missing())?, None)
            }
            Some(git2::ObjectType::Blob) if entry.filemode() != 0o120000 => {
                (tree, Some(entry.id()))
            }
            _ => return Err(missing()),
        }
    };
    let mut files = Vec::new();
    let mut manifest = None;
    let mut problem = None;
    let blob_text = |id: git2::Oid, name: &str| -> Result<String, PackError> {
        let blob = repo.find_blob(id).map_err(|e| {
            err(
                format!("cannot read {name} of {short}: {}", e.message()),
                "",
            )
        })?;
        String::from_utf8(blob.content().to_vec())
            .map_err(|_| err(format!("{name} of {short} is not valid UTF-8"), ""))
    };
    if let Some(id) = single {
        let name = path.rsplit('/').next().unwrap_or(path).to_string();
        files.push((name.clone(), blob_text(id, &name)?));
    } else {
        let _ = root_tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let rel = format!("{dir}{}", entry.name().unwrap_or(""));
            if entry.kind() != Some(git2::ObjectType::Blob) {
                return git2::TreeWalkResult::Ok;
            }
            let wanted = rel == "pack.yaml" || is_pack_policy(&rel);
            if !wanted {
                return git2::TreeWalkResult::Ok;
            }
            if entry.filemode() == 0o120000 {
                problem = Some(err(
                    format!(
                        "{rel} of pack {} is a symbolic link, and relgate never follows links",
                        decl.name()
                    ),
                    "commit the policy file itself",
                ));
                return git2::TreeWalkResult::Abort;
            }
            match blob_text(entry.id(), &rel) {
                Ok(t) if rel == "pack.yaml" => manifest = Some(t),
                Ok(t) => files.push((rel, t)),
                Err(e) => {
                    problem = Some(e);
                    return git2::TreeWalkResult::Abort;
                }
            }
            git2::TreeWalkResult::Ok
        });
    }
    if let Some(p) = problem {
        return Err(p);
    }
    files.sort();
    if files.is_empty() {
        return Err(err(
            format!("'{path}' of commit {short} holds no policy file (*.yaml, *.yml)"),
            "point 'path' at the pack's folder",
        ));
    }
    Ok(PackContent {
        label: format!("pack:{}@{}", decl.name(), &rev[..7.min(rev.len())]),
        manifest,
        files,
    })
}
