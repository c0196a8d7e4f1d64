//! Submodules: a submodule's files are part of what a repository deploys, so a
//! view lists them, read at the commit the repository records for the
//! submodule (its gitlink), below the submodule's path, by the same rules as
//! the repository's own files. In every view (working tree, index, commit) they
//! come from the submodule's object database: the recorded commit is what the
//! change ships, whatever the submodule's working tree holds.
//!
//! A submodule whose repository is not here (not initialised, not fetched) or
//! lacks the recorded commit stays one entry of kind [`EntryKind::Submodule`];
//! reading it is [`super::ReadError::Submodule`], which names the command that
//! fetches it. Checks that select files must report such an entry: its files
//! could be anything.
//!
//! Which repository: the submodule as libgit2 finds it (`.gitmodules` and the
//! working tree), else a repository at its path in the working tree, else
//! `$GIT_COMMON_DIR/modules/<path>`. Any repository holding the recorded commit
//! gives the same files (the commit id is a hash of them), so a hostile
//! `.gitmodules` cannot change what is read, only whether it is found.
//! Submodules nest up to [`MAX_DEPTH`] levels.

use super::entries::Builder;
use super::listing::under_prefix;
use super::object::{MAX_ENTRIES, too_many};
use super::odb::{Blob, Odb};
use super::tree::walk_tree;
use super::{EntryKind, OpenError};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Submodules inside submodules are read this many levels deep; deeper ones
/// stay unscanned entries.
pub(crate) const MAX_DEPTH: usize = 4;

/// A gitlink: a submodule at `full` (repository-relative), at `commit`.
#[derive(Debug, Clone)]
pub(crate) struct Gitlink {
    pub(crate) full: Vec<u8>,
    pub(crate) commit: git2::Oid,
}

/// Adds to `files` the files of every submodule in `links` that can be read,
/// and an unscanned [`EntryKind::Submodule`] entry for every other one under
/// `prefix`. Gitlinks carry no blob: an unscanned entry's [`Blob`] is its commit.
pub(crate) fn expand(
    repo: &git2::Repository,
    odb: &mut Odb,
    links: Vec<Gitlink>,
    prefix: &[u8],
    files: &mut Builder<Blob>,
) -> Result<(), OpenError> {
    // (the repository the links are in, its path in the view's repository, its links)
    type Level = Vec<(Option<git2::Repository>, Vec<u8>, Vec<Gitlink>)>;
    let mut level: Level = vec![(None, Vec::new(), links)];
    for depth in 0..=MAX_DEPTH {
        let mut next: Level = Vec::new();
        for (parent, base, links) in level {
            let parent = parent.as_ref().unwrap_or(repo);
            for link in links {
                let sub = (depth < MAX_DEPTH)
                    .then(|| open(parent, &base, &link))
                    .flatten()
                    .and_then(|sub| odb.add(&sub).map(|db| (sub, db)));
                let Some((sub, db)) = sub else {
                    unscanned(&link, prefix, files)?;
                    continue;
                };
                let mut inner = Vec::new();
                let tree = sub
                    .find_commit(link.commit)
                    .and_then(|c| c.tree().map(|t| t.id()));
                match tree {
                    Ok(tree) => walk_tree(odb, db, tree, &link.full, prefix, files, &mut inner)?,
                    Err(_) => {
                        unscanned(&link, prefix, files)?;
                        continue;
                    }
                }
                if files.listed() > MAX_ENTRIES {
                    return Err(too_many());
                }
                next.push((Some(sub), link.full, inner));
            }
        }
        level = next;
    }
    Ok(())
}

fn unscanned(link: &Gitlink, prefix: &[u8], files: &mut Builder<Blob>) -> Result<(), OpenError> {
    let Some(rel) = under_prefix(&link.full, prefix) else {
        return Ok(());
    };
    let blob = Blob {
        db: 0,
        oid: link.commit,
    };
    files.push_bytes(rel, EntryKind::Submodule, 0o160000, blob)
}

/// The submodule's repository, if it is here and holds the recorded commit.
/// `base`: where `parent` lies in the view's repository (empty for the repository itself).
fn open(parent: &git2::Repository, base: &[u8], link: &Gitlink) -> Option<git2::Repository> {
    let has = |r: git2::Repository| {
        let found = r.find_commit(link.commit).is_ok();
        found.then_some(r)
    };
    let rel = under_prefix(&link.full, base)?;
    let path = Path::new(OsStr::from_bytes(rel));
    let found = std::str::from_utf8(rel)
        .ok()
        .and_then(|p| parent.find_submodule(p).ok())
        .and_then(|sm| sm.open().ok())
        .and_then(has);
    if found.is_some() {
        return found;
    }
    let here = |dir: &Path| {
        git2::Repository::open_ext(
            dir,
            git2::RepositoryOpenFlags::NO_SEARCH,
            std::iter::empty::<&OsStr>(),
        )
        .ok()
        .filter(|r| r.path() != parent.path())
        .and_then(has)
    };
    parent
        .workdir()
        .and_then(|wd| here(&wd.join(path)))
        .or_else(|| here(&parent.commondir().join("modules").join(path)))
}
