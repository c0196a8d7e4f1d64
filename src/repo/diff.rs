//! The change against a base: which files the change touches, and the base's view.

use super::listing;
use super::object::git_err;
use super::{OpenError, SourceSpec, View};
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Added,
    Modified,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Relative to the view's root, `/`-separated.
    pub path: String,
    pub status: ChangeStatus,
}

/// Files that differ between the merge base and the view under check.
pub struct Diff {
    /// The merge base's tree, for comparing facts before and after.
    pub base: Arc<dyn View>,
    /// Sorted by path. A rename is a deletion plus an addition.
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn status(&self, path: &str) -> Option<ChangeStatus> {
        self.changes
            .binary_search_by(|c| c.path.as_str().cmp(path))
            .ok()
            .map(|i| self.changes[i].status)
    }

    /// The changes from `base` to `view`, listings of git trees or of the index: a
    /// merge of the two sorted lists by path, a path whose mode or blob differs being
    /// modified (as git's tree diff with type changes reports it). `None` when either view does not know
    /// the blob of every entry, or lists files of a submodule (git reports the
    /// submodule's path, not its files): then [`Diff::compute`] asks git.
    pub(crate) fn of_listings(view: &dyn View, base: &Arc<dyn View>) -> Option<Diff> {
        use std::cmp::Ordering;
        let (new, old) = (view.entries(), base.entries());
        let mut changes = Vec::new();
        let (mut i, mut j) = (0, 0);
        loop {
            let order = match (new.get(i), old.get(j)) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(n), Some(o)) => n.path.cmp(o.path),
            };
            let (path, status) = match order {
                Ordering::Less => {
                    view.blob_at(i)?;
                    i += 1;
                    (new.get(i - 1)?.path, Some(ChangeStatus::Added))
                }
                Ordering::Greater => {
                    base.blob_at(j)?;
                    j += 1;
                    (old.get(j - 1)?.path, Some(ChangeStatus::Deleted))
                }
                Ordering::Equal => {
                    let same = view.blob_at(i)? == base.blob_at(j)?;
                    i += 1;
                    j += 1;
                    (
                        new.get(i - 1)?.path,
                        (!same).then_some(ChangeStatus::Modified),
                    )
                }
            };
            if let Some(status) = status {
                changes.push(Change {
                    path: path.to_string(),
                    status,
                });
            }
        }
        Some(Diff {
            base: Arc::clone(base),
            changes,
        })
    }

    /// The changes from `merge_base` to the source under check, under `prefix`.
    /// `rev` is the checked commit for [`SourceSpec::Rev`].
    pub(crate) fn compute(
        repo: &git2::Repository,
        merge_base: git2::Oid,
        source: &SourceSpec,
        rev: Option<git2::Oid>,
        prefix: &[u8],
        base: Arc<dyn View>,
    ) -> Result<Diff, OpenError> {
        let base_tree = repo
            .find_commit(merge_base)
            .and_then(|c| c.tree())
            .map_err(git_err)?;
        let mut opts = git2::DiffOptions::new();
        opts.include_typechange(true).ignore_submodules(false);
        if !prefix.is_empty() {
            opts.pathspec(prefix).disable_pathspec_match(true);
        }
        let diff = match source {
            SourceSpec::Worktree => {
                opts.include_untracked(true)
                    .recurse_untracked_dirs(true)
                    .include_ignored(false);
                repo.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))
            }
            SourceSpec::Staged => {
                // The index the staged view lists (`GIT_INDEX_FILE` under a commit hook).
                let index = match super::index::staged_index_override(repo) {
                    Some(path) => git2::Index::open(&path),
                    None => repo.index(),
                }
                .map_err(git_err)?;
                repo.diff_tree_to_index(Some(&base_tree), Some(&index), Some(&mut opts))
            }
            SourceSpec::Rev(name) => {
                let Some(rev) = rev else {
                    return Err(OpenError::BadRevision {
                        rev: name.clone(),
                        message: "no commit to compare with the base".into(),
                    });
                };
                let tree = repo
                    .find_commit(rev)
                    .and_then(|c| c.tree())
                    .map_err(git_err)?;
                repo.diff_tree_to_tree(Some(&base_tree), Some(&tree), Some(&mut opts))
            }
        }
        .map_err(git_err)?;
        let reverted = match source {
            SourceSpec::Worktree => changed_back(repo, &base_tree, &diff)?,
            _ => HashSet::new(),
        };

        let mut changes: Vec<Change> = Vec::new();
        for delta in diff.deltas() {
            let status = match delta.status() {
                git2::Delta::Added | git2::Delta::Untracked => ChangeStatus::Added,
                git2::Delta::Deleted => ChangeStatus::Deleted,
                git2::Delta::Modified
                | git2::Delta::Typechange
                | git2::Delta::Renamed
                | git2::Delta::Copied
                | git2::Delta::Conflicted
                | git2::Delta::Unreadable => {
                    if delta.old_file().exists() || base_has(&base_tree, &delta) {
                        ChangeStatus::Modified
                    } else {
                        ChangeStatus::Added
                    }
                }
                git2::Delta::Unmodified | git2::Delta::Ignored => continue,
            };
            let file = match status {
                ChangeStatus::Deleted => delta.old_file(),
                _ => delta.new_file(),
            };
            let Some(full) = file.path_bytes().or_else(|| delta.old_file().path_bytes()) else {
                continue;
            };
            if status == ChangeStatus::Modified && reverted.contains(full) {
                continue;
            }
            // An untracked folder git reports whole (a nested repository).
            let full = full.strip_suffix(b"/").unwrap_or(full);
            if !listing::is_clean(full) {
                continue;
            }
            let Some(rel) = listing::under_prefix(full, prefix) else {
                continue;
            };
            changes.push(Change {
                path: listing::path_string(rel),
                status,
            });
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        // The same path twice (deleted as one type, added as another): modified.
        changes.dedup_by(|later, earlier| {
            if later.path != earlier.path {
                return false;
            }
            if later.status != earlier.status {
                earlier.status = ChangeStatus::Modified;
            }
            true
        });
        Ok(Diff { base, changes })
    }
}

/// Paths the working-tree diff reports modified although the working file is the base's
/// again. libgit2 emulates `git diff <base>` by merging base→index with index→workdir, and a
/// file committed or staged on the branch, then restored to the base's content in the
/// working tree only, comes out as modified; `must_modify` would then count a file the change
/// leaves as it was. Such candidates are compared with the base directly (git's filters and
/// modes apply), and those without a difference are dropped.
fn changed_back(
    repo: &git2::Repository,
    base_tree: &git2::Tree<'_>,
    diff: &git2::Diff<'_>,
) -> Result<HashSet<Vec<u8>>, OpenError> {
    let candidates: Vec<Vec<u8>> = diff
        .deltas()
        .filter(|d| d.status() == git2::Delta::Modified)
        .filter_map(|d| d.new_file().path_bytes().map(<[u8]>::to_vec))
        .collect();
    if candidates.is_empty() {
        return Ok(HashSet::new());
    }
    let mut opts = git2::DiffOptions::new();
    opts.include_typechange(true)
        .ignore_submodules(false)
        .disable_pathspec_match(true);
    for p in &candidates {
        opts.pathspec(p.as_slice());
    }
    let direct = repo
        .diff_tree_to_workdir(Some(base_tree), Some(&mut opts))
        .map_err(git_err)?;
    let differ: HashSet<&[u8]> = direct
        .deltas()
        .filter(|d| d.status() != git2::Delta::Unmodified)
        .flat_map(|d| [d.old_file().path_bytes(), d.new_file().path_bytes()])
        .flatten()
        .collect();
    Ok(candidates
        .into_iter()
        .filter(|p| !differ.contains(p.as_slice()))
        .collect())
}

fn base_has(base: &git2::Tree<'_>, delta: &git2::DiffDelta<'_>) -> bool {
    delta
        .old_file()
        .path()
        .is_some_and(|p| base.get_path(p).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testutil::{TestRepo, paths};
    use crate::repo::{Opened, Target, open};
    use std::path::Path;

    /// main: keep, mod, del, sub/x, sub/y. `feature` branches off, modifies mod and
    /// sub/x, deletes del, adds add. main then moves on (main-only.txt), which
    /// must not show: the diff is against the merge base.
    fn branched() -> TestRepo {
        let t = TestRepo::new();
        for f in ["keep.txt", "mod.txt", "del.txt", "sub/x.txt", "sub/y.txt"] {
            t.write(f, f);
        }
        t.commit_all("base");
        t.git(&["checkout", "-q", "-b", "feature"]);
        t.write("mod.txt", "changed");
        t.write("sub/x.txt", "changed");
        t.write("add.txt", "new");
        std::fs::remove_file(t.abs("del.txt")).unwrap();
        t.commit_all("feature");
        t.git(&["checkout", "-q", "main"]);
        t.write("main-only.txt", "m");
        t.commit_all("main moves on");
        t.git(&["checkout", "-q", "feature"]);
        t
    }

    fn check(path: &Path, source: SourceSpec) -> Opened {
        open(&Target {
            path: path.to_path_buf(),
            source,
            base: Some("main".into()),
        })
        .unwrap()
    }

    fn changes(o: &Opened) -> Vec<(String, ChangeStatus)> {
        let d = o.diff.as_ref().unwrap();
        d.changes
            .iter()
            .map(|c| (c.path.clone(), c.status))
            .collect()
    }

    fn expect(list: &[(&str, ChangeStatus)]) -> Vec<(String, ChangeStatus)> {
        list.iter().map(|(p, s)| (p.to_string(), *s)).collect()
    }

    use ChangeStatus::{Added, Deleted, Modified};

    #[test]
    fn rev_against_merge_base() {
        let t = branched();
        let o = check(t.path(), SourceSpec::Rev("feature".into()));
        let merge_base = t.git(&["merge-base", "main", "feature"]);
        assert_eq!(o.base.as_deref(), Some(merge_base.as_str()));
        assert_eq!(o.rev, Some(t.git(&["rev-parse", "feature"])));
        assert_eq!(
            changes(&o),
            expect(&[
                ("add.txt", Added),
                ("del.txt", Deleted),
                ("mod.txt", Modified),
                ("sub/x.txt", Modified),
            ])
        );
        let d = o.diff.as_ref().unwrap();
        assert_eq!(d.status("mod.txt"), Some(Modified));
        assert_eq!(d.status("keep.txt"), None);
        assert_eq!(d.status("main-only.txt"), None);
        assert_eq!(d.base.read("mod.txt").unwrap().bytes(), b"mod.txt");
        assert_eq!(o.view.read("mod.txt").unwrap().bytes(), b"changed");
        assert!(d.base.entry("add.txt").is_none());
    }

    #[test]
    fn worktree_and_staged() {
        let t = branched();
        t.write("keep.txt", "staged edit");
        t.git(&["add", "keep.txt"]);
        t.write("untracked.txt", "u");
        t.write("sub/y.txt", "unstaged edit");
        t.write("ignored.log", "i");
        t.write(".git/info/exclude", "*.log\n");

        let o = check(t.path(), SourceSpec::Worktree);
        assert_eq!(
            changes(&o),
            expect(&[
                ("add.txt", Added),
                ("del.txt", Deleted),
                ("keep.txt", Modified),
                ("mod.txt", Modified),
                ("sub/x.txt", Modified),
                ("sub/y.txt", Modified),
                ("untracked.txt", Added),
            ])
        );
        assert_eq!(o.view.read("sub/y.txt").unwrap().bytes(), b"unstaged edit");

        let o = check(t.path(), SourceSpec::Staged);
        assert_eq!(
            changes(&o),
            expect(&[
                ("add.txt", Added),
                ("del.txt", Deleted),
                ("keep.txt", Modified),
                ("mod.txt", Modified),
                ("sub/x.txt", Modified),
            ])
        );
        assert_eq!(o.view.read("sub/y.txt").unwrap().bytes(), b"sub/y.txt");
    }

    #[test]
    fn paths_relative_to_a_subdirectory() {
        let t = branched();
        t.write("sub/new.txt", "n");
        for source in [
            SourceSpec::Worktree,
            SourceSpec::Staged,
            SourceSpec::Rev("HEAD".into()),
        ] {
            let o = check(&t.abs("sub"), source.clone());
            assert_eq!(o.prefix, "sub");
            let mut want = vec![("x.txt", Modified)];
            if source == SourceSpec::Worktree {
                want.push(("new.txt", Added));
                want.sort_by_key(|c| c.0);
            }
            assert_eq!(changes(&o), expect(&want), "{source:?}");
            let base = &o.diff.as_ref().unwrap().base;
            assert_eq!(paths(base.as_ref()), ["x.txt", "y.txt"]);
        }
    }

    #[test]
    fn a_file_changed_back_in_the_working_tree_is_not_a_change() {
        // feature committed mod.txt and sub/x.txt; the working tree restores both to the
        // base's content, one staged and one not: against the base, neither changed.
        let t = branched();
        t.write("mod.txt", "mod.txt");
        t.write("sub/x.txt", "sub/x.txt");
        t.git(&["add", "sub/x.txt"]);
        for source in [SourceSpec::Worktree, SourceSpec::Staged] {
            let o = check(t.path(), source.clone());
            let d = o.diff.as_ref().unwrap();
            assert_eq!(d.status("sub/x.txt"), None, "{source:?}");
            let want = (source == SourceSpec::Staged).then_some(Modified);
            assert_eq!(d.status("mod.txt"), want, "{source:?}");
        }
        // A mode change alone is still a change.
        t.chmod("keep.txt", 0o755);
        let o = check(t.path(), SourceSpec::Worktree);
        assert_eq!(o.diff.as_ref().unwrap().status("keep.txt"), Some(Modified));
    }

    #[test]
    fn a_type_change_is_one_modification() {
        let t = branched();
        std::fs::remove_file(t.abs("mod.txt")).unwrap();
        t.symlink("keep.txt", "mod.txt");
        let o = check(t.path(), SourceSpec::Worktree);
        assert_eq!(o.diff.as_ref().unwrap().status("mod.txt"), Some(Modified));
        t.commit_all("link");
        let o = check(t.path(), SourceSpec::Rev("HEAD".into()));
        assert_eq!(o.diff.as_ref().unwrap().status("mod.txt"), Some(Modified));
    }

    /// Commits files under `a/` and `b.txt`, then a gitlink `a/sm`, and marks that
    /// commit `main-base`; gives another commit id for the gitlink to move to.
    fn base_with_a_gitlink(t: &TestRepo) -> String {
        for f in [
            "a/keep.txt",
            "a/mod.txt",
            "a/del.txt",
            "a/mode.sh",
            "a/link",
            "a/dir",
            "b.txt",
        ] {
            t.write(f, f);
        }
        let sub = t.git(&["hash-object", "-w", "--stdin"]);
        t.commit_all("base");
        let head = t.git(&["rev-parse", "HEAD"]);
        t.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},a/sm"),
        ]);
        t.git(&["commit", "-q", "-m", "submodule"]);
        t.git(&["branch", "main-base"]);
        sub
    }

    /// Stages a change of every kind git's diff tells apart: content, mode, a file
    /// become a link or a folder, a deletion, the same content moved, a gitlink moved.
    fn change_every_way(t: &TestRepo, sub: &str) {
        t.write("a/mod.txt", "changed");
        t.chmod("a/mode.sh", 0o755);
        std::fs::remove_file(t.abs("a/del.txt")).unwrap();
        std::fs::remove_file(t.abs("a/link")).unwrap();
        t.symlink("keep.txt", "a/link");
        std::fs::remove_file(t.abs("a/dir")).unwrap();
        t.write("a/dir/inside.txt", "x");
        t.write("a/moved.txt", "b.txt");
        std::fs::remove_file(t.abs("b.txt")).unwrap();
        t.git(&["add", "-A"]);
        t.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{sub},a/sm"),
        ]);
    }

    /// Two commits compared by their listings say what git's tree diff says: adds,
    /// deletions, content and mode changes, a file that became a link or a folder, a
    /// submodule moved to another commit, the same content moved; at the top and under
    /// a prefix.
    #[test]
    fn listings_agree_with_gits_tree_diff() {
        let t = TestRepo::new();
        let sub = base_with_a_gitlink(&t);
        t.git(&["checkout", "-q", "-b", "feature"]);
        change_every_way(&t, &sub);
        t.git(&["commit", "-q", "-m", "feature"]);
        for at in [t.path().to_path_buf(), t.abs("a")] {
            let o = open(&Target {
                path: at.clone(),
                source: SourceSpec::Rev("feature".into()),
                base: Some("main-base".into()),
            })
            .unwrap();
            let listed = changes(&o);
            let repo = git2::Repository::open(t.path()).unwrap();
            let merge_base = git2::Oid::from_str(o.base.as_deref().unwrap()).unwrap();
            let rev = o.rev.as_deref().map(|r| git2::Oid::from_str(r).unwrap());
            let prefix: &[u8] = if at == t.path() { b"" } else { b"a" };
            let git = Diff::compute(
                &repo,
                merge_base,
                &SourceSpec::Rev("feature".into()),
                rev,
                prefix,
                Arc::clone(&o.diff.as_ref().unwrap().base),
            )
            .unwrap();
            let git: Vec<(String, ChangeStatus)> = git
                .changes
                .iter()
                .map(|c| (c.path.clone(), c.status))
                .collect();
            assert_eq!(listed, git, "{at:?}");
            assert!(listed.len() >= 8, "{listed:?}");
        }
    }

    /// The index, too: a diff of its listing and the base's says what git's diff of
    /// the index against the base says (mode and type changes, a file become a
    /// folder, a gitlink moved), with and without a prefix. An index with an
    /// intent-to-add entry or a conflict, which its listing leaves out, is diffed by git.
    #[test]
    fn the_index_listing_agrees_with_gits_index_diff() {
        let t = TestRepo::new();
        let sub = base_with_a_gitlink(&t);
        change_every_way(&t, &sub);
        // Not staged: the working tree differs, the index is what is judged.
        t.write("a/keep.txt", "unstaged");
        let by_git = |prefix: &[u8], o: &Opened| -> Vec<(String, ChangeStatus)> {
            let repo = git2::Repository::open(t.path()).unwrap();
            let merge_base = git2::Oid::from_str(o.base.as_deref().unwrap()).unwrap();
            let base = Arc::clone(&o.diff.as_ref().unwrap().base);
            let git = Diff::compute(&repo, merge_base, &SourceSpec::Staged, None, prefix, base);
            git.unwrap()
                .changes
                .iter()
                .map(|c| (c.path.clone(), c.status))
                .collect()
        };
        let staged = |at: &Path| {
            open(&Target {
                path: at.to_path_buf(),
                source: SourceSpec::Staged,
                base: Some("main-base".into()),
            })
            .unwrap()
        };
        for at in [t.path().to_path_buf(), t.abs("a")] {
            let prefix: &[u8] = if at == t.path() { b"" } else { b"a" };
            let o = staged(&at);
            let base = Arc::clone(&o.diff.as_ref().unwrap().base);
            let listed = Diff::of_listings(o.view.as_ref(), &base).unwrap();
            let listed: Vec<(String, ChangeStatus)> = listed
                .changes
                .iter()
                .map(|c| (c.path.clone(), c.status))
                .collect();
            assert_eq!(listed, by_git(prefix, &o), "{at:?}");
            assert_eq!(changes(&o), listed, "{at:?}");
            assert!(listed.len() >= 8, "{listed:?}");
        }
        // An intent-to-add entry: left out of the listing, reported by git.
        t.write("a/later.txt", "x");
        t.git(&["add", "-N", "a/later.txt"]);
        let o = staged(t.path());
        let git = by_git(b"", &o);
        assert_eq!(changes(&o), git);
        let base = Arc::clone(&o.diff.as_ref().unwrap().base);
        let listed = Diff::of_listings(o.view.as_ref(), &base).unwrap();
        assert_ne!(listed.changes.len(), git.len(), "{git:?}");
    }

    /// An index in conflict leaves the conflicted path out of its listing: git says
    /// what changed, the conflicted path among it.
    #[test]
    fn an_index_in_conflict_is_diffed_by_git() {
        let t = TestRepo::new();
        t.write("a.txt", "a");
        t.commit_all("first");
        t.git(&["branch", "main-base"]);
        t.conflict_on_c_txt();
        let o = open(&Target {
            path: t.path().to_path_buf(),
            source: SourceSpec::Staged,
            base: Some("main-base".into()),
        })
        .unwrap();
        assert!(o.view.entry("c.txt").is_none());
        let base = Arc::clone(&o.diff.as_ref().unwrap().base);
        let listed = Diff::of_listings(o.view.as_ref(), &base).unwrap();
        assert!(!listed.changes.iter().any(|c| c.path == "c.txt"));
        assert!(
            changes(&o).iter().any(|(p, _)| p == "c.txt"),
            "{:?}",
            changes(&o)
        );
    }

    /// A submodule whose repository is here is listed file by file, but git's tree diff
    /// names the submodule: a change that moves it is the submodule's path, as before.
    #[test]
    fn a_moved_submodule_is_its_path_as_git_says() {
        let lib = TestRepo::new();
        lib.write("config/.env", "A=0");
        lib.commit_all("one");
        let t = TestRepo::new();
        t.write("app.txt", "x");
        t.add_submodule(&lib, "vendor/lib");
        t.commit_all("base");
        t.git(&["branch", "main-base"]);
        t.git(&["checkout", "-q", "-b", "feature"]);
        t.write("vendor/lib/config/.env", "A=1");
        t.git(&["-C", "vendor/lib", "commit", "-q", "-a", "-m", "two"]);
        t.commit_all("move the submodule");
        let o = open(&Target {
            path: t.path().to_path_buf(),
            source: SourceSpec::Rev("feature".into()),
            base: Some("main-base".into()),
        })
        .unwrap();
        assert!(o.view.entry("vendor/lib/config/.env").is_some());
        assert_eq!(changes(&o), expect(&[("vendor/lib", Modified)]));
    }
}
