//! `--rev REV` and the base of a diff: a commit's tree, walked recursively, with
//! the checked-out submodules it records (see [`super::submodule`]).

use super::listing::descends;
use super::object::{GitObjectView, MAX_ENTRIES, git_entry, git_err, too_many};
use super::odb::{Blob, Odb};
use super::submodule::{self, Gitlink};
use super::{Entry, MAX_FILE_SIZE, OpenError, SourceKind};

/// A commit's view is a [`GitObjectView`] listed from its tree.
pub type TreeView = GitObjectView;

impl GitObjectView {
    /// Every blob, symlink and gitlink of `commit`'s tree under `prefix`.
    pub(crate) fn from_commit(
        repo: &git2::Repository,
        commit: git2::Oid,
        prefix: &[u8],
    ) -> Result<Self, OpenError> {
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(git_err)?;
        let mut odb = Odb::new(repo, MAX_FILE_SIZE);
        let mut pairs = Vec::new();
        let mut links = Vec::new();
        walk_tree(repo, tree.id(), b"", prefix, 0, &mut pairs, &mut links)?;
        submodule::expand(repo, &mut odb, links, prefix, &mut pairs)?;
        Ok(GitObjectView::new(SourceKind::Rev, pairs, odb))
    }
}

/// Lists the tree `tree` of `repo` (database `db`), whose root lies at `base`
/// in the view's repository: blobs and symlinks under `prefix` into `pairs`,
/// gitlinks on the way to or under `prefix` into `links`.
pub(crate) fn walk_tree(
    repo: &git2::Repository,
    tree: git2::Oid,
    base: &[u8],
    prefix: &[u8],
    db: u16,
    pairs: &mut Vec<(Entry, Blob)>,
    links: &mut Vec<Gitlink>,
) -> Result<(), OpenError> {
    let mut visited = 0usize;
    // Explicit stack: a hostile tree may nest deeper than the call stack allows.
    let mut stack: Vec<(Vec<u8>, git2::Oid)> = vec![(base.to_vec(), tree)];
    while let Some((dir, id)) = stack.pop() {
        let tree = repo.find_tree(id).map_err(git_err)?;
        for te in tree.iter() {
            visited += 1;
            if visited > 2 * MAX_ENTRIES {
                return Err(too_many());
            }
            let name = te.name_bytes();
            if name.is_empty() || name.contains(&b'/') {
                continue;
            }
            let mut full = dir.clone();
            if !full.is_empty() {
                full.push(b'/');
            }
            full.extend_from_slice(name);
            let mode = u32::try_from(te.filemode()).unwrap_or(0);
            if te.kind() == Some(git2::ObjectType::Tree) {
                if descends(&full, prefix) && name != b"." && name != b".." {
                    stack.push((full, te.id()));
                }
            } else if mode & 0o170000 == 0o160000 {
                if descends(&full, prefix) {
                    links.push(Gitlink {
                        full,
                        commit: te.id(),
                    });
                }
            } else if let Some(entry) = git_entry(&full, mode, prefix) {
                if pairs.len() >= MAX_ENTRIES {
                    return Err(too_many());
                }
                pairs.push((entry, Blob { db, oid: te.id() }));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testutil::{TestRepo, paths};
    use crate::repo::{EntryKind, ReadError, View};

    fn commit(t: &TestRepo, rev: &str) -> git2::Oid {
        git2::Oid::from_str(&t.git(&["rev-parse", rev])).unwrap()
    }

    #[test]
    fn commits_content_and_modes() {
        let t = TestRepo::new();
        t.write("a.txt", "one\n");
        t.write("run.sh", "#!/bin/sh\n");
        t.chmod("run.sh", 0o755);
        t.symlink("a.txt", "link");
        t.commit_all("first");
        let first = commit(&t, "HEAD");
        std::fs::create_dir(t.abs("sm")).unwrap();
        t.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{first},sm"),
        ]);
        t.write("a.txt", "two\n");
        t.write("sub/deep/x.txt", "x\n");
        t.commit_all("second");
        t.write("a.txt", "worktree\n");

        let repo = t.repo();
        let head = TreeView::from_commit(&repo, commit(&t, "HEAD"), b"").unwrap();
        let prev = TreeView::from_commit(&repo, commit(&t, "HEAD~1"), b"").unwrap();
        assert_eq!(head.source(), SourceKind::Rev);
        assert_eq!(head.read("a.txt").unwrap().bytes(), b"two\n");
        assert_eq!(prev.read("a.txt").unwrap().bytes(), b"one\n");
        assert_eq!(paths(&prev), ["a.txt", "link", "run.sh"]);
        assert_eq!(
            paths(&head),
            ["a.txt", "link", "run.sh", "sm", "sub/deep/x.txt"]
        );
        let modes: Vec<(EntryKind, u32)> =
            head.entries().iter().map(|e| (e.kind, e.mode)).collect();
        assert_eq!(
            modes,
            [
                (EntryKind::File, 0o100644),
                (EntryKind::Symlink, 0o120000),
                (EntryKind::File, 0o100755),
                (EntryKind::Submodule, 0o160000),
                (EntryKind::File, 0o100644),
            ]
        );
        assert_eq!(head.link_target("link").as_deref(), Some("a.txt"));
        // A gitlink to a commit no repository here has: not scanned, and said so.
        assert!(matches!(head.read("sm"), Err(ReadError::Submodule { .. })));
        assert!(matches!(
            head.read("sub/deep"),
            Err(ReadError::NotFound { .. })
        ));
        assert_eq!(head.dirs(), ["sub", "sub/deep"]);
    }

    #[test]
    fn prefix_walks_only_below_it() {
        let t = TestRepo::new();
        t.write("top.txt", "t");
        t.write("sub/a.txt", "a");
        t.write("sub/d/b.txt", "b");
        t.write("subx/c.txt", "c");
        t.write("s/sub/e.txt", "e");
        t.commit_all("init");
        let repo = t.repo();
        let head = commit(&t, "HEAD");
        let v = TreeView::from_commit(&repo, head, b"sub").unwrap();
        assert_eq!(paths(&v), ["a.txt", "d/b.txt"]);
        assert_eq!(v.read("d/b.txt").unwrap().bytes(), b"b");
        let v = TreeView::from_commit(&repo, head, b"sub/d").unwrap();
        assert_eq!(paths(&v), ["b.txt"]);
        let v = TreeView::from_commit(&repo, head, b"missing").unwrap();
        assert!(v.entries().is_empty());
    }
}
