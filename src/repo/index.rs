//! `--staged`: the index, stage 0, with git modes and staged blobs.

use super::entries::Builder;
use super::index_file;
use super::listing::descends;
use super::object::{GitObjectView, MAX_ENTRIES, push_git, too_many};
use super::odb::{Blob, Odb};
use super::pipe::{Later, Sink, piped};
use super::submodule::{self, Gitlink};
use super::{MAX_FILE_SIZE, OpenError, SourceKind};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The staged view is a [`GitObjectView`] listed from the index.
pub type IndexView = GitObjectView;

/// The index file `--staged` judges when it is not the repository's own: the one
/// `GIT_INDEX_FILE` names. `git commit -a`, `git commit FILE` and their `--amend` forms
/// build the commit in a temporary index and hand it to the hooks that way; the
/// repository's `index` is then not what is being committed.
pub(crate) fn staged_index_override(repo: &git2::Repository) -> Option<PathBuf> {
    if OUTER_INDEX_IGNORED.load(Ordering::Relaxed) {
        return None;
    }
    index_override(repo, std::env::var_os("GIT_INDEX_FILE").as_deref())
}

/// Set by `relgate test`: the repositories it judges are fixtures it built, and a
/// `GIT_INDEX_FILE` in its environment (a hook of `git commit -a` running the suite)
/// names the index of the repository around them, never theirs.
static OUTER_INDEX_IGNORED: AtomicBool = AtomicBool::new(false);

/// From now on, `--staged` judges each repository's own index, whatever
/// `GIT_INDEX_FILE` says (see [`OUTER_INDEX_IGNORED`]).
pub(crate) fn ignore_outer_index() {
    OUTER_INDEX_IGNORED.store(true, Ordering::Relaxed);
}

/// `value` (of `GIT_INDEX_FILE`) as git resolves it: a relative path from the top of
/// the working tree (git moves there before it reads the index, and runs hooks there).
/// Unset or empty: none.
fn index_override(repo: &git2::Repository, value: Option<&OsStr>) -> Option<PathBuf> {
    let value = Path::new(value.filter(|v| !v.is_empty())?);
    Some(match repo.workdir() {
        Some(top) => top.join(value),
        None => value.to_path_buf(),
    })
}

impl GitObjectView {
    /// The index's stage-0 entries under `prefix`: what `git commit` would
    /// commit. Conflicted paths (stages 1–3) and intent-to-add entries (`git add
    /// -N`: tracked, but left out of the commit's tree) have no staged content
    /// and are not listed.
    #[cfg(test)]
    pub(crate) fn from_index(repo: &git2::Repository, prefix: &[u8]) -> Result<Self, OpenError> {
        Self::from_index_at(repo, &repo.path().join("index"), prefix)
    }

    /// [`GitObjectView::from_index`], of the index file at `path`.
    #[cfg(test)]
    pub(crate) fn from_index_at(
        repo: &git2::Repository,
        path: &Path,
        prefix: &[u8],
    ) -> Result<Self, OpenError> {
        Self::from_index_keeping(repo, path, prefix, None)
    }

    /// [`GitObjectView::from_index_at`], storing only the files that `later` says to
    /// keep ([`Builder::keeping`]), once it says: the index is read meanwhile, and
    /// stored on a thread of its own ([`super::pipe`]).
    pub(crate) fn from_index_keeping(
        repo: &git2::Repository,
        path: &Path,
        prefix: &[u8],
        later: Option<Later>,
    ) -> Result<Self, OpenError> {
        let mut odb = Odb::new(repo, MAX_FILE_SIZE);
        let mut links = Vec::new();
        let mut left_out = false;
        let (mut files, ()) = piped(later, true, |files| {
            list(repo, path, prefix, None, files, &mut links, &mut left_out)
        })?;
        submodule::expand(repo, &mut odb, links, prefix, &mut files)?;
        Ok(GitObjectView::new(SourceKind::Staged, files, odb).leaving_out(left_out))
    }

    /// The index's stage-0 entries under `prefix` (not empty), as
    /// [`GitObjectView::from_index_at`] lists them, but reading the index only until
    /// its entries sort past `prefix`: a run reads its `.relgate/` this way before it
    /// lists the rest. (An index out of order may have more there: the listing of
    /// the whole index finds it out of order, and the run goes the usual way.)
    pub(crate) fn from_index_under(
        repo: &git2::Repository,
        path: &Path,
        prefix: &[u8],
    ) -> Result<Self, OpenError> {
        let mut files = Builder::new();
        list(
            repo,
            path,
            prefix,
            Some(FEW),
            &mut files,
            &mut Vec::new(),
            &mut false,
        )?;
        let odb = Odb::new(repo, MAX_FILE_SIZE);
        Ok(GitObjectView::new(SourceKind::Staged, files, odb))
    }
}

/// Lists the stage-0 entries of the index at `path` under `prefix` into `files`, and
/// the gitlinks on the way to or under it into `links`; with `stop`, only until the
/// entries, in order so far, sort past `prefix`, reading them that many at a time.
/// `left_out`: whether an entry of a conflict stage or an intent-to-add entry was
/// left out.
fn list(
    repo: &git2::Repository,
    path: &Path,
    prefix: &[u8],
    stop: Option<usize>,
    files: &mut dyn Sink<Blob>,
    links: &mut Vec<Gitlink>,
    left_out: &mut bool,
) -> Result<(), OpenError> {
    let mut until = stop.map(|_| Until::new(prefix));
    // The index comes in batches: only the list is ever whole, never the index
    // beside it (at a million entries the two took 170 MB together).
    let batch = stop.unwrap_or(BATCH);
    let read = index_file::read_each(repo, path, prefix, batch, &mut |index, again| {
        if again {
            files.restart()?;
            links.clear();
            until = stop.map(|_| Until::new(prefix));
            *left_out = false;
        }
        // Each name is written straight into the listing, in the file's order.
        for e in (0..index.len()).filter_map(|i| index.get(i)) {
            if let Some(u) = &mut until {
                u.next(e.path)?;
            }
            if e.stage != 0 || e.intent_to_add {
                *left_out = true;
                continue;
            }
            if e.mode & 0o170000 == 0o160000 {
                if descends(e.path, prefix) {
                    links.push(Gitlink {
                        full: e.path.to_vec(),
                        commit: e.oid,
                    });
                }
                continue;
            }
            push_git(files, e.path, e.mode, prefix, Blob { db: 0, oid: e.oid })?;
        }
        if files.listed() > MAX_ENTRIES {
            return Err(too_many());
        }
        Ok(())
    });
    match until {
        Some(u) => u.end(read),
        None => read,
    }
}

/// An index read that stops once its entries sort past a folder: every path below
/// the folder, or on the way to it, sorts before.
pub(crate) struct Until<'a> {
    prefix: &'a [u8],
    last: Vec<u8>,
    past: bool,
}

impl<'a> Until<'a> {
    pub(crate) fn new(prefix: &'a [u8]) -> Self {
        Until {
            prefix,
            last: Vec::new(),
            past: false,
        }
    }

    /// The next entry's path: an error that stops the read once past the folder, or
    /// when the entries come out of order (the read cannot stop then).
    pub(crate) fn next(&mut self, path: &[u8]) -> Result<(), OpenError> {
        if path < self.last.as_slice() {
            return Err(OpenError::Git("the index is out of order".into()));
        }
        if beyond(path, self.prefix) {
            self.past = true;
            return Err(OpenError::Git("past the folder".into()));
        }
        self.last.clear();
        self.last.extend_from_slice(path);
        Ok(())
    }

    /// The read's result, a stop past the folder being its end.
    pub(crate) fn end(self, read: Result<(), OpenError>) -> Result<(), OpenError> {
        match read {
            Err(_) if self.past => Ok(()),
            read => read,
        }
    }
}

/// Whether `path` sorts after every path below folder `prefix` (`prefix/…`).
fn beyond(path: &[u8], prefix: &[u8]) -> bool {
    let n = prefix.len().min(path.len());
    match path.get(..n).cmp(&prefix.get(..n)) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        // `prefix/` sorts after `prefix` and `prefix-x`, and before `prefix0`.
        std::cmp::Ordering::Equal => path.len() > n && path.get(n).is_some_and(|b| *b > b'/'),
    }
}

/// Index entries made into listed files at a time.
const BATCH: usize = 1 << 14;
/// Index entries read at a time when only a folder's are wanted: `.relgate/` sorts
/// near the top, so the index is read little further.
pub(crate) const FEW: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testutil::{TestRepo, paths};
    use crate::repo::{EntryKind, ReadError, View};
    use std::sync::Arc;

    #[test]
    fn a_folder_of_the_index_is_read_until_the_entries_sort_past_it() {
        let t = TestRepo::new();
        crate::repo::testutil::relgate_among_neighbours(&t);
        let repo = t.repo();
        let index = repo.path().join("index");
        let under = GitObjectView::from_index_under(&repo, &index, b".relgate").unwrap();
        assert_eq!(paths(&under), ["p.yaml", "q/r.yaml"]);
        assert_eq!(under.read("q/r.yaml").unwrap().bytes(), b"x\n");
        // The index broken past the folder: its entries are read all the same, and
        // never what lies past them (the whole index does not read).
        let mut bytes = std::fs::read(&index).unwrap();
        let len = bytes.len();
        bytes[len * 2 / 3..len - 20].fill(0xff);
        let cut = t.abs("cut-index");
        std::fs::write(&cut, &bytes).unwrap();
        let under = GitObjectView::from_index_under(&repo, &cut, b".relgate").unwrap();
        assert_eq!(paths(&under), ["p.yaml", "q/r.yaml"]);
        assert!(GitObjectView::from_index_at(&repo, &cut, b"").is_err());
    }

    #[test]
    fn a_path_is_beyond_a_folder_when_it_sorts_after_all_below_it() {
        for (path, beyond_it) in [
            ("a/b/c", false),
            ("a/b", false),
            ("a/b-x/c", false),
            ("a/b.txt", false),
            ("a", false),
            ("a/a/z", false),
            ("a/b0", true),
            ("a/bc/d", true),
            ("a/c", true),
            ("b", true),
        ] {
            assert_eq!(beyond(path.as_bytes(), b"a/b"), beyond_it, "{path}");
        }
    }

    #[test]
    fn staged_content_and_modes() {
        let t = TestRepo::new();
        t.write("a.txt", "committed\n");
        t.write("sub/b.txt", "b\n");
        t.commit_all("init");
        t.write("a.txt", "edited, not staged\n");
        t.write("run.sh", "#!/bin/sh\n");
        t.chmod("run.sh", 0o755);
        t.symlink("a.txt", "link");
        t.git(&["add", "run.sh", "link"]);
        t.write("untracked.txt", "u");
        let v = IndexView::from_index(&t.repo(), b"").unwrap();
        assert_eq!(v.source(), SourceKind::Staged);
        assert_eq!(paths(&v), ["a.txt", "link", "run.sh", "sub/b.txt"]);
        assert_eq!(v.read("a.txt").unwrap().bytes(), b"committed\n");
        let modes: Vec<(EntryKind, u32)> = v.entries().iter().map(|e| (e.kind, e.mode)).collect();
        assert_eq!(
            modes,
            [
                (EntryKind::File, 0o100644),
                (EntryKind::Symlink, 0o120000),
                (EntryKind::File, 0o100755),
                (EntryKind::File, 0o100644),
            ]
        );
        assert_eq!(v.read("run.sh").unwrap().bytes(), b"#!/bin/sh\n");
        assert!(matches!(
            v.read("link"),
            Err(ReadError::Symlink { target, .. }) if target == "a.txt"
        ));
        assert_eq!(v.link_target("link").as_deref(), Some("a.txt"));
        assert_eq!(v.link_target("a.txt"), None);
        assert!(matches!(
            v.read("untracked.txt"),
            Err(ReadError::NotFound { .. })
        ));
        let once = v.read("a.txt").unwrap();
        assert!(Arc::ptr_eq(&once, &v.read("a.txt").unwrap()));
    }

    #[test]
    fn prefix_and_size_limit() {
        let t = TestRepo::new();
        t.write("top.txt", "t");
        t.write("sub/a.txt", "0123456789");
        t.write("sub/d/b.txt", "b");
        t.git(&["add", "-A"]);
        let v = IndexView::from_index(&t.repo(), b"sub")
            .unwrap()
            .with_max_file_size(9);
        assert_eq!(paths(&v), ["a.txt", "d/b.txt"]);
        assert!(matches!(
            v.read("a.txt"),
            Err(ReadError::TooLarge {
                size: 10,
                max: 9,
                ..
            })
        ));
        assert_eq!(v.read("d/b.txt").unwrap().bytes(), b"b");
    }

    #[test]
    fn conflicted_paths_have_no_staged_content() {
        let t = TestRepo::new();
        t.write("c.txt", "base\n");
        t.write("ok.txt", "ok\n");
        t.commit_all("init");
        t.conflict_on_c_txt();
        let v = IndexView::from_index(&t.repo(), b"").unwrap();
        assert_eq!(paths(&v), ["ok.txt"]);
    }

    /// The staged view lists the tree `git write-tree` makes from the index (what
    /// `git commit` would commit): the same paths, modes and blob ids, whatever
    /// intent-to-add, skip-worktree, staged, unstaged and removed paths the index
    /// holds, in index versions 3 and 4.
    #[test]
    fn the_staged_view_is_the_tree_git_write_tree_makes() {
        let t = TestRepo::new();
        t.write("README.md", "r\n");
        t.write("gone.txt", "g\n");
        t.write("sub/skip.txt", "s\n");
        t.write("sub/deep/kept.yaml", "k: 1\n");
        t.write("run.sh", "#!/bin/sh\n");
        t.chmod("run.sh", 0o755);
        t.symlink("README.md", "link");
        t.commit_all("init");
        t.write("docs/runbook.md", "# Runbook\n");
        t.write("sub/new.txt", "n\n");
        t.write("README.md", "edited, not staged\n");
        t.write("sub/deep/kept.yaml", "k: 2\n");
        t.write("added.txt", "a\n");
        t.git(&["add", "-N", "docs/runbook.md", "sub/new.txt"]);
        t.git(&["add", "sub/deep/kept.yaml", "added.txt"]);
        t.git(&["rm", "-q", "--cached", "gone.txt"]);
        t.git(&["update-index", "--skip-worktree", "sub/skip.txt"]);
        for version in ["3", "4"] {
            t.git(&["update-index", "--index-version", version]);
            let tree = t.git(&["write-tree"]);
            let want: Vec<(String, u32, String)> = t
                .git(&["ls-tree", "-r", &tree])
                .lines()
                .map(|line| {
                    let (head, path) = line.split_once('\t').unwrap();
                    let f: Vec<&str> = head.split(' ').collect();
                    let mode = u32::from_str_radix(f[0], 8).unwrap();
                    (path.to_string(), mode, f[2].to_string())
                })
                .collect();
            assert_eq!(want.len(), 6, "{want:?}");
            let v = IndexView::from_index(&t.repo(), b"").unwrap();
            let got: Vec<(String, u32, String)> = v
                .entries()
                .iter()
                .map(|e| {
                    let bytes = match e.kind {
                        EntryKind::Symlink => v.link_target(e.path).unwrap().into_bytes(),
                        _ => v.read(e.path).unwrap().bytes().to_vec(),
                    };
                    let id = git2::Oid::hash_object(git2::ObjectType::Blob, &bytes).unwrap();
                    (e.path.to_string(), e.mode, id.to_string())
                })
                .collect();
            assert_eq!(got, want, "index version {version}");
        }
    }

    #[test]
    fn git_index_file_is_read_from_the_top_of_the_working_tree() {
        let t = TestRepo::new();
        let repo = t.repo();
        assert_eq!(index_override(&repo, None), None);
        assert_eq!(index_override(&repo, Some(OsStr::new(""))), None);
        let top = repo.workdir().unwrap().to_path_buf();
        assert_eq!(
            index_override(&repo, Some(OsStr::new(".git/next-index-1.lock"))),
            Some(top.join(".git/next-index-1.lock"))
        );
        assert_eq!(
            index_override(&repo, Some(OsStr::new("/abs/index"))),
            Some(PathBuf::from("/abs/index"))
        );
        // The view lists that index, not the repository's.
        t.write("a.txt", "a");
        t.write("b.txt", "b");
        t.git(&["add", "a.txt"]);
        let other = t.path().join(".git/other-index");
        let out = std::process::Command::new("git")
            .args(["add", "b.txt"])
            .current_dir(t.path())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_INDEX_FILE", &other)
            .output()
            .unwrap();
        assert!(out.status.success());
        let v = IndexView::from_index_at(&repo, &other, b"").unwrap();
        assert_eq!(paths(&v), ["b.txt"]);
        assert_eq!(
            paths(&IndexView::from_index(&repo, b"").unwrap()),
            ["a.txt"]
        );
    }

    #[test]
    fn many_threads_share_one_read() {
        let t = TestRepo::new();
        t.write("a.txt", "a");
        t.git(&["add", "-A"]);
        let v = IndexView::from_index(&t.repo(), b"").unwrap();
        let all: Vec<_> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|_| s.spawn(|| v.read("a.txt").unwrap()))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(all.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
    }
}
