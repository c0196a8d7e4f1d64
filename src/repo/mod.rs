//! One read-only view of a git checkout.
//!
//! Checks never touch `std::fs` or git2 directly: they ask a [`View`]. Three
//! sources implement it: the working tree (tracked files plus untracked files
//! git does not ignore, as on disk, with their exact permission bits), the index
//! (staged blobs and git modes) and the tree of any commit. What is read on demand
//! is shared behind an [`Arc`] from a small cache; a pass over many files reads them
//! in passing ([`passing`]), keeping nothing. Content is bytes as stored: on
//! disk for the working tree, the blob for index and commits (no CRLF or other
//! git filters applied either way).
//!
//! Untrusted input: the repository under check may be a hostile pull request.
//! A view never follows a symlink (a symlinked file is reported as
//! [`EntryKind::Symlink`]; a file reached through a symlinked folder is never
//! read), never opens a FIFO, socket or device, and never reads outside the
//! repository root.

mod branch;
pub(crate) mod case;
mod content;
mod diff;
mod entries;
pub(crate) mod index;
mod index_file;
pub mod lfs;
mod listing;
pub mod memory;
mod object;
mod odb;
mod packs;
mod pipe;
pub(crate) mod restricted;
mod safe_open;
mod stats;
mod submodule;
#[cfg(test)]
pub(crate) mod testutil;
mod touched;
mod tracked;
pub(crate) mod tree;
mod walk;
mod worktree;

pub use branch::Branches;
pub use content::Content;
pub use diff::{Change, ChangeStatus, Diff};
pub(crate) use entries::Keep;
pub use entries::{Entries, Entry, EntryRef};
pub use listing::{CACHE_BUDGET, KEEP_BUDGET, adopt, passing};
pub(crate) use pipe::Later;
pub use stats::{RunStats, ViewStats};
pub use touched::Touched;
pub use tracked::tracked;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are not read: checks report them instead.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// What `check` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    Worktree,
    Staged,
    Rev(String),
}

/// The kind of source a view was built from, as the JSON report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Worktree,
    Staged,
    Rev,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (git mode 100644 or 100755).
    File,
    /// A symbolic link; never followed.
    Symlink,
    /// A FIFO, socket or device in the working tree; never opened.
    Special,
    /// A submodule (git mode 160000) whose files are not in the view: it is not
    /// checked out, or its repository lacks the recorded commit. A checked-out
    /// submodule is not an entry: its files are, at the commit the repository
    /// records, below its path. Reading this entry is [`ReadError::Submodule`].
    Submodule,
}

/// Why a file could not be read. The first variants are facts about the
/// repository that a check reports as a finding; `Io` and `Git` mean the run
/// cannot be trusted and end it with exit 2.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    #[error("{path} does not exist")]
    NotFound { path: String },
    #[error("{path} is a symbolic link (to {target}); relgate never follows links")]
    Symlink { path: String, target: String },
    #[error("{path} is not a regular file (FIFO, socket, device or submodule); it is not read")]
    Special { path: String },
    #[error(
        "{path} is reached through a symbolic link or lies outside the repository; it is not read"
    )]
    Outside { path: String },
    #[error(
        "{path} is a submodule that is not checked out here (or lacks the commit the repository records); its files are not scanned: run `git submodule update --init -- {path}` before relgate"
    )]
    Submodule { path: String },
    #[error(
        "{path} is a Git LFS pointer, not the file's content; relgate cannot judge content it does not have (keep the files policies read out of Git LFS)"
    )]
    LfsPointer { path: String },
    #[error("{path} is {size} bytes, over the {max}-byte limit; it is not read")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("git error on {path}: {message}")]
    Git { path: String, message: String },
}

impl ReadError {
    /// `true` when the error is a fact about the repository (a finding), `false` when
    /// the run itself failed.
    pub fn is_finding(&self) -> bool {
        !matches!(self, ReadError::Io { .. } | ReadError::Git { .. })
    }
}

/// Failure to open the repository at all: exit 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum OpenError {
    #[error("{path} is not inside a git repository")]
    #[diagnostic(
        code(relgate::repo::not_a_repository),
        help("run relgate inside a git checkout, or pass its path: relgate check PATH")
    )]
    NotARepository { path: PathBuf },
    #[error(
        "{path} is a bare repository; relgate needs a working tree (use --rev REV to check a commit)"
    )]
    #[diagnostic(code(relgate::repo::bare))]
    Bare { path: PathBuf },
    #[error("cannot resolve revision '{rev}': {message}")]
    #[diagnostic(
        code(relgate::repo::bad_revision),
        help(
            "give a commit, branch or tag that exists locally (fetch it first in CI: actions/checkout with fetch-depth: 0)"
        )
    )]
    BadRevision { rev: String, message: String },
    #[error(
        "no merge base of '{rev}' and the checked revision: the history is shallow, so the commit where they meet was not fetched"
    )]
    #[diagnostic(
        code(relgate::repo::shallow),
        help(
            "fetch the whole history: actions/checkout with fetch-depth: 0, or `git fetch --unshallow`"
        )
    )]
    Shallow { rev: String },
    #[error("git error: {0}")]
    #[diagnostic(code(relgate::repo::git))]
    Git(String),
    #[error("{0}")]
    #[diagnostic(code(relgate::repo::io))]
    Io(String),
}

/// A read-only view of one revision (or the working tree / index) of a repository.
pub trait View: Send + Sync {
    fn source(&self) -> SourceKind;
    /// All entries, sorted by path (byte order), below the view's root.
    fn entries(&self) -> &Entries;
    /// The index in [`View::entries`] of the entry at `path` (a binary search).
    fn position(&self, path: &str) -> Option<usize> {
        self.entries().position(path)
    }
    /// The entry at `path`, if any.
    fn entry(&self, path: &str) -> Option<EntryRef<'_>> {
        self.position(path).and_then(|i| self.entries().get(i))
    }
    /// The content of the regular file at `path`: while the read cache keeps it (see
    /// [`KEEP_BUDGET`], [`passing`]), every later call (from any thread) returns the
    /// same `Arc`, or the same error.
    /// A path the view does not list is `NotFound` (working tree: `Outside` when it
    /// lies below a symlinked folder or is not a clean relative path).
    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError>;
    /// Gets ready to read most of the files listed (a listing that kept only what the
    /// policies reach): a view of git objects finds them in its packs at once, in the
    /// order of their ids ([`packs`]). Nothing else changes.
    fn prepare_reads(&self) {}
    /// [`View::read`] of the `i`th entry of [`View::entries`], for a caller that walks
    /// them (a pass over the files): the same answer, without searching for the path.
    fn read_at(&self, i: usize) -> Result<Arc<Content>, ReadError> {
        match self.entries().get(i) {
            Some(e) => self.read(e.path),
            None => Err(ReadError::NotFound {
                path: String::new(),
            }),
        }
    }
    /// The mode of the entry at `path`; `None` when the view has no such entry (or
    /// the working tree no longer has the file).
    /// Working tree: for a file, the permission bits on disk (`st_mode & 0o7777`,
    /// e.g. `0o644`, `0o664`, `0o755`), looked up with `lstat` on first call; a
    /// symlink is `0o120000`, a submodule (or an untracked nested repository)
    /// `0o160000`, a special file its whole `st_mode` (type and permission bits).
    /// Index and commit: the git mode (`0o100644`, `0o100755`, `0o120000`, `0o160000`;
    /// old or hostile trees may carry others, e.g. `0o100664`).
    fn mode(&self, path: &str) -> Option<u32> {
        self.entry(path).map(|e| e.mode)
    }
    /// The target of the symlink at `path` (never followed); `None` for anything else.
    fn link_target(&self, path: &str) -> Option<String>;
    /// The git blob id of the entry at `path`, when the view knows it for certain: the
    /// index and a commit's tree do; the working tree does not (its files may differ
    /// from any blob, and hashing them would mean reading them), nor does a view held
    /// in memory. Two entries with the same path, mode and blob id have the same
    /// content, so what was judged of one holds for the other.
    fn blob_id(&self, path: &str) -> Option<git2::Oid> {
        self.blob_at(self.position(path)?).map(|(oid, _)| oid)
    }
    /// [`View::blob_id`] of the `i`th entry, with its git mode (what makes the same
    /// blob the same file: a symlink and a file may share one).
    fn blob_at(&self, i: usize) -> Option<(git2::Oid, u32)> {
        let _ = i;
        None
    }
    /// Every directory that contains at least one entry, sorted.
    fn dirs(&self) -> Vec<String> {
        listing::dirs_of(self.entries())
    }
    /// What the view listed and read so far (`--stats`); with `paths`, the paths of
    /// the files read. A view without a read cache counts only its entries.
    fn stats(&self, paths: bool) -> ViewStats {
        ViewStats {
            listed: self.entries().listed(),
            paths: paths.then(Vec::new),
            ..ViewStats::default()
        }
    }
}

/// What `relgate check` was asked to read.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub source: SourceSpec,
    pub base: Option<String>,
}

/// An opened repository: the view under check, and the change against a base.
pub struct Opened {
    pub view: Arc<dyn View>,
    /// The commit the view was built from (`--rev`), else HEAD if any.
    pub rev: Option<String>,
    /// The resolved merge base when `--base` was given.
    pub base: Option<String>,
    pub diff: Option<Diff>,
    /// With `--base REV`: the tree of REV itself (not the merge base), from which
    /// everything the gate trusts is read, and its commit.
    pub trusted: Option<(Arc<dyn View>, String)>,
    /// PATH relative to the repository's working directory (`""` at the top).
    pub prefix: String,
    /// The repository's working directory, if it has one.
    pub workdir: Option<PathBuf>,
    /// The checked branch (`--rev`'s name when it is a branch, else HEAD's) and
    /// the branch `--base` names, when git knows them.
    pub branch: Option<String>,
    pub base_branch: Option<String>,
}

/// Opens the repository containing `target.path` and builds the view `target.source` names.
pub fn open(target: &Target) -> Result<Opened, OpenError> {
    open_with_limit(target, MAX_FILE_SIZE)
}

/// [`open`], with views that refuse files over `max_file_size` bytes
/// ([`ReadError::TooLarge`]) instead of [`MAX_FILE_SIZE`].
pub fn open_with_limit(target: &Target, max_file_size: u64) -> Result<Opened, OpenError> {
    open_keeping(target, max_file_size, None)
}

/// [`open_with_limit`], the index or commit under check listed keeping only the
/// regular files that `later` says to keep, once it says ([`entries::Builder::keeping`];
/// a commit is walked meanwhile); the working tree and the base are listed whole.
pub(crate) fn open_keeping(
    target: &Target,
    max_file_size: u64,
    later: Option<Later>,
) -> Result<Opened, OpenError> {
    // Objects libgit2 reads (diffs against --base; views read through `odb`, which
    // does not re-hash either) are read as `git cat-file` reads them: zlib and delta
    // checks, but no SHA-1 of every blob (git verified them when they were fetched
    // or written).
    git2::opts::strict_hash_verification(false);
    let repo = git2::Repository::discover(&target.path).map_err(|e| match e.code() {
        git2::ErrorCode::NotFound => OpenError::NotARepository {
            path: target.path.clone(),
        },
        // e.g. a repository owned by another user (libgit2's safe.directory check)
        _ => OpenError::Git(format!("{}: {}", target.path.display(), e.message())),
    })?;
    let workdir = repo.workdir().map(Path::to_path_buf);
    let prefix = prefix_of(&target.path, workdir.as_deref())?;
    let prefix = prefix.as_slice();
    let head = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .map(|c| c.id());
    let bare = || OpenError::Bare {
        path: target.path.clone(),
    };
    // With --base, the base's tree (the trusted tree, and usually the merge base) is
    // listed on a thread of its own, with a handle of its own, beside the view under
    // check: the two listings are the largest part of opening.
    let base_commit = target.base.as_ref().map(|b| resolve_commit(&repo, b));
    let gitdir = repo.path().to_path_buf();
    let (view_rev, base_listing) = std::thread::scope(|s| {
        let listing = match &base_commit {
            Some(Ok(commit)) => {
                let (commit, gitdir) = (*commit, &gitdir);
                Some(s.spawn(move || {
                    let repo = git2::Repository::open(gitdir).map_err(object::git_err)?;
                    tree::TreeView::from_commit(&repo, commit, prefix)
                }))
            }
            _ => None,
        };
        // The view, its commit, and whether its listing says what changed since a
        // commit (its entries' blobs and modes are what git's diff compares).
        type Listed = (Arc<dyn View>, Option<git2::Oid>, bool);
        let view_rev = (|| -> Result<Listed, OpenError> {
            Ok(match &target.source {
                SourceSpec::Worktree => {
                    let wd = workdir.as_deref().ok_or_else(bare)?;
                    let view = worktree::WorktreeView::open(&repo, wd, prefix, later)?;
                    (
                        Arc::new(view.with_max_file_size(max_file_size)),
                        head,
                        false,
                    )
                }
                SourceSpec::Staged => {
                    if workdir.is_none() {
                        return Err(bare());
                    }
                    let path = index::staged_index_override(&repo)
                        .unwrap_or_else(|| repo.path().join("index"));
                    let view = index::IndexView::from_index_keeping(&repo, &path, prefix, later)?;
                    // Conflicts and intent-to-add entries are not listed: git says.
                    let listed = !view.left_out();
                    (
                        Arc::new(view.with_max_file_size(max_file_size)),
                        head,
                        listed,
                    )
                }
                SourceSpec::Rev(rev) => {
                    let commit = resolve_commit(&repo, rev)?;
                    let view = tree::TreeView::from_commit_keeping(&repo, commit, prefix, later)?;
                    (
                        Arc::new(view.with_max_file_size(max_file_size)),
                        Some(commit),
                        true,
                    )
                }
            })
        })();
        let listed = listing.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (view_rev, listed)
    });
    let (view, rev, diff_listed) = view_rev?;
    let (base, diff, trusted) = match &target.base {
        None => (None, None, None),
        Some(b) => {
            let base_commit = match base_commit {
                Some(resolved) => resolved?,
                None => resolve_commit(&repo, b)?,
            };
            let listed = match base_listing {
                Some(listed) => listed?,
                None => tree::TreeView::from_commit(&repo, base_commit, prefix)?,
            };
            let trusted: Arc<dyn View> = Arc::new(listed.with_max_file_size(max_file_size));
            let merge_base = match rev {
                Some(checked) => {
                    repo.merge_base(base_commit, checked).map_err(|e| {
                        // A shallow clone cuts the history before the branches meet:
                        // say so, not that they have nothing in common.
                        if repo.is_shallow() {
                            OpenError::Shallow { rev: b.clone() }
                        } else {
                            OpenError::BadRevision {
                                rev: b.clone(),
                                message: format!(
                                    "no merge base with the checked revision: {}",
                                    e.message()
                                ),
                            }
                        }
                    })?
                }
                // No commit yet (worktree/staged in a new repository): the base itself.
                None => base_commit,
            };
            // Usually the base is where the change branched off: its tree is listed
            // once, for trust and for the comparison.
            let base_view: Arc<dyn View> = if merge_base == base_commit {
                Arc::clone(&trusted)
            } else {
                Arc::new(
                    tree::TreeView::from_commit(&repo, merge_base, prefix)?
                        .with_max_file_size(max_file_size),
                )
            };
            // Two commits, or the index and a commit: their listings (path, mode, blob,
            // in path order) say what changed without reading a tree again.
            let listed = match diff_listed {
                true => diff::Diff::of_listings(view.as_ref(), &base_view),
                false => None,
            };
            let d = match listed {
                Some(d) => d,
                None => {
                    diff::Diff::compute(&repo, merge_base, &target.source, rev, prefix, base_view)?
                }
            };
            (
                Some(merge_base.to_string()),
                Some(d),
                Some((trusted, base_commit.to_string())),
            )
        }
    };
    let rev_name = match &target.source {
        SourceSpec::Rev(r) => Some(r.as_str()),
        _ => None,
    };
    Ok(Opened {
        branch: branch::name_of(&repo, rev_name),
        base_branch: target
            .base
            .as_deref()
            .and_then(|b| branch::name_of(&repo, Some(b))),
        view,
        rev: rev.map(|o| o.to_string()),
        base,
        diff,
        trusted,
        prefix: listing::path_string(prefix),
        workdir,
    })
}

/// The `.relgate/` folder of PATH in the commit `--rev` names or the index
/// (`target.source`), listed and read alone (no other tree of the commit is read; the
/// index only until its entries sort past the folder), as a view held in memory with
/// the paths a listing of PATH gives them (`.relgate/…`): where a run reads its
/// policies from before it lists the rest. Its `tests/` are left out (no policy is
/// read from there). `None` when it cannot be read so: anything but a file or a link
/// in it, a file over the size limit, any error (the run then lists and reads as
/// usual, and says why there).
pub(crate) fn policy_folder(target: &Target) -> Option<Arc<dyn View>> {
    let repo = git2::Repository::discover(&target.path).ok()?;
    let prefix = prefix_of(&target.path, repo.workdir()).ok()?;
    let mut under = prefix;
    if !under.is_empty() {
        under.push(b'/');
    }
    under.extend_from_slice(b".relgate");
    let (folder, kind) = match &target.source {
        SourceSpec::Rev(rev) => {
            let commit = resolve_commit(&repo, rev).ok()?;
            let folder = tree::TreeView::from_commit(&repo, commit, &under).ok()?;
            (Arc::new(folder) as Arc<dyn View>, SourceKind::Rev)
        }
        SourceSpec::Staged => {
            repo.workdir()?;
            let path =
                index::staged_index_override(&repo).unwrap_or_else(|| repo.path().join("index"));
            let folder = index::IndexView::from_index_under(&repo, &path, &under).ok()?;
            (Arc::new(folder) as Arc<dyn View>, SourceKind::Staged)
        }
        SourceSpec::Worktree => {
            let wd = repo.workdir()?;
            let folder = worktree::WorktreeView::open_under(&repo, wd, &under).ok()?;
            (Arc::new(folder) as Arc<dyn View>, SourceKind::Worktree)
        }
    };
    let mut view = memory::MemoryView::new(kind);
    for e in folder.entries() {
        if e.path.starts_with("tests/") {
            continue;
        }
        let path = format!(".relgate/{}", e.path);
        // (The working tree looks a file's mode up when asked.)
        let mode = folder.mode(e.path).unwrap_or(e.mode);
        view = match (e.kind, folder.read(e.path)) {
            (EntryKind::File, Ok(c)) => view.file_mode(&path, c.bytes(), mode),
            (EntryKind::Symlink, Err(ReadError::Symlink { target, .. })) => {
                view.symlink(&path, &target)
            }
            _ => return None,
        };
    }
    Some(Arc::new(view))
}

/// The change of the index or the working tree under `target.path` since `HEAD`, and
/// `HEAD`'s commit, for `check --new-only` without `--base`: only what findings are
/// classified against, nothing trusted (policies, signers and waivers stay the tree
/// under check's). `None` in a repository without a commit yet.
pub fn since_head(target: &Target) -> Result<Option<(Diff, String)>, OpenError> {
    let repo = git2::Repository::discover(&target.path)
        .map_err(|e| OpenError::Git(format!("{}: {}", target.path.display(), e.message())))?;
    let Some(head) = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .map(|c| c.id())
    else {
        return Ok(None);
    };
    let prefix = prefix_of(&target.path, repo.workdir())?;
    let base = tree::TreeView::from_commit(&repo, head, &prefix)?;
    let diff = diff::Diff::compute(
        &repo,
        head,
        &target.source,
        Some(head),
        &prefix,
        Arc::new(base),
    )?;
    Ok(Some((diff, head.to_string())))
}

fn resolve_commit(repo: &git2::Repository, rev: &str) -> Result<git2::Oid, OpenError> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|e| OpenError::BadRevision {
            rev: rev.to_string(),
            message: e.message().to_string(),
        })
}

/// PATH relative to the working directory, `/`-separated bytes, empty for the top.
fn prefix_of(path: &Path, workdir: Option<&Path>) -> Result<Vec<u8>, OpenError> {
    let Some(wd) = workdir else {
        return Ok(Vec::new());
    };
    let abs = path
        .canonicalize()
        .map_err(|e| OpenError::Io(format!("{}: {e}", path.display())))?;
    let wd = wd
        .canonicalize()
        .map_err(|e| OpenError::Io(format!("{}: {e}", wd.display())))?;
    let rel = abs
        .strip_prefix(&wd)
        .map_err(|_| OpenError::NotARepository {
            path: path.to_path_buf(),
        })?;
    let parts: Vec<&[u8]> = rel
        .components()
        .map(|c| std::os::unix::ffi::OsStrExt::as_bytes(c.as_os_str()))
        .collect();
    Ok(parts.join(&b'/'))
}

#[cfg(test)]
mod tests {
    use super::testutil::{TestRepo, paths};
    use super::*;

    fn target(path: &Path, source: SourceSpec, base: Option<&str>) -> Target {
        Target {
            path: path.to_path_buf(),
            source,
            base: base.map(str::to_string),
        }
    }

    #[test]
    fn through_a_symlinked_path_and_from_a_subdirectory() {
        let t = TestRepo::new();
        t.write("top.txt", "t");
        t.write("sub/a.txt", "a");
        t.commit_all("init");
        let links = tempfile::tempdir().unwrap();
        let link = links.path().join("repo");
        std::os::unix::fs::symlink(t.path(), &link).unwrap();
        for source in [
            SourceSpec::Worktree,
            SourceSpec::Staged,
            SourceSpec::Rev("HEAD".into()),
        ] {
            let o = open(&target(&link.join("sub"), source.clone(), Some("HEAD"))).unwrap();
            assert_eq!(o.prefix, "sub", "{source:?}");
            assert_eq!(paths(o.view.as_ref()), ["a.txt"], "{source:?}");
            assert_eq!(o.view.read("a.txt").unwrap().bytes(), b"a");
            assert!(o.diff.unwrap().changes.is_empty());
            let o = open(&target(&link, source.clone(), None)).unwrap();
            assert_eq!(o.prefix, "");
            assert_eq!(paths(o.view.as_ref()), ["sub/a.txt", "top.txt"]);
        }
    }

    #[test]
    fn a_repository_without_commits() {
        let t = TestRepo::new();
        t.write("a.txt", "a");
        t.write("b.txt", "b");
        t.git(&["add", "a.txt"]);
        let o = open(&target(t.path(), SourceSpec::Worktree, None)).unwrap();
        assert_eq!(o.rev, None);
        assert_eq!(paths(o.view.as_ref()), ["a.txt", "b.txt"]);
        let o = open(&target(t.path(), SourceSpec::Staged, None)).unwrap();
        assert_eq!(paths(o.view.as_ref()), ["a.txt"]);
        assert_eq!(o.view.source(), SourceKind::Staged);
        assert!(matches!(
            open(&target(t.path(), SourceSpec::Rev("HEAD".into()), None)),
            Err(OpenError::BadRevision { .. })
        ));
        assert!(matches!(
            open(&target(t.path(), SourceSpec::Worktree, Some("main"))),
            Err(OpenError::BadRevision { .. })
        ));
    }

    #[test]
    fn errors() {
        let plain = tempfile::tempdir().unwrap();
        assert!(matches!(
            open(&target(plain.path(), SourceSpec::Worktree, None)),
            Err(OpenError::NotARepository { .. })
        ));
        let t = TestRepo::new();
        t.write("a.txt", "a");
        t.commit_all("init");
        t.git(&["checkout", "-q", "--orphan", "unrelated"]);
        t.commit_all("unrelated");
        assert!(matches!(
            open(&target(t.path(), SourceSpec::Worktree, Some("main"))),
            Err(OpenError::BadRevision { .. })
        ));
        assert!(matches!(
            open(&target(t.path(), SourceSpec::Rev("nope".into()), None)),
            Err(OpenError::BadRevision { .. })
        ));
        let bare = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("git")
            .args(["clone", "-q", "--bare"])
            .arg(t.path())
            .arg(bare.path().join("b.git"))
            .env("GIT_CONFIG_GLOBAL", crate::repo::testutil::empty_config())
            .output()
            .unwrap();
        assert!(out.status.success());
        let b = bare.path().join("b.git");
        for source in [SourceSpec::Worktree, SourceSpec::Staged] {
            assert!(matches!(
                open(&target(&b, source, None)),
                Err(OpenError::Bare { .. })
            ));
        }
        let o = open(&target(&b, SourceSpec::Rev("main".into()), None)).unwrap();
        assert_eq!(paths(o.view.as_ref()), ["a.txt"]);
        assert_eq!(o.workdir, None);
    }

    #[test]
    fn the_limit_reaches_every_view() {
        let t = TestRepo::new();
        t.write("a.txt", "0123456789");
        t.commit_all("init");
        for source in [
            SourceSpec::Worktree,
            SourceSpec::Staged,
            SourceSpec::Rev("HEAD".into()),
        ] {
            let o = open_with_limit(&target(t.path(), source, Some("HEAD")), 5).unwrap();
            let too_large = |r: Result<Arc<Content>, ReadError>| {
                matches!(
                    r,
                    Err(ReadError::TooLarge {
                        size: 10,
                        max: 5,
                        ..
                    })
                )
            };
            assert!(too_large(o.view.read("a.txt")));
            assert!(too_large(o.diff.unwrap().base.read("a.txt")));
        }
    }

    #[test]
    fn checked_out_submodules_are_read_at_the_recorded_commit() {
        let lib = TestRepo::new();
        lib.write("config/.env", "REAL=0\n");
        lib.write("inner.txt", "v1");
        lib.commit_all("v1");
        let t = TestRepo::new();
        t.write("top.txt", "t");
        t.add_submodule(&lib, "vendor/lib");
        t.commit_all("add lib");
        // The submodule moves on in its own working tree and history; the superproject
        // still records v1, and that is what every view reads.
        let sub = t.abs("vendor/lib");
        std::fs::write(sub.join("config/.env"), "REAL=1\n").unwrap();
        for source in [
            SourceSpec::Worktree,
            SourceSpec::Staged,
            SourceSpec::Rev("HEAD".into()),
        ] {
            let o = open(&target(t.path(), source.clone(), None)).unwrap();
            assert_eq!(
                paths(o.view.as_ref()),
                [
                    ".gitmodules",
                    "top.txt",
                    "vendor/lib/config/.env",
                    "vendor/lib/inner.txt"
                ],
                "{source:?}"
            );
            let env = o.view.read("vendor/lib/config/.env").unwrap();
            assert_eq!(env.bytes(), b"REAL=0\n", "{source:?}");
            let o = open(&target(&t.abs("vendor"), source.clone(), None)).unwrap();
            assert_eq!(paths(o.view.as_ref()), ["lib/config/.env", "lib/inner.txt"]);
        }
        // A clone that did not fetch the submodule: one entry, that says so when read.
        let clone = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("git")
            .args(["clone", "-q"])
            .arg(t.path())
            .arg(clone.path().join("c"))
            .env("GIT_CONFIG_GLOBAL", crate::repo::testutil::empty_config())
            .output()
            .unwrap();
        assert!(out.status.success());
        for source in [
            SourceSpec::Worktree,
            SourceSpec::Staged,
            SourceSpec::Rev("HEAD".into()),
        ] {
            let o = open(&target(&clone.path().join("c"), source.clone(), None)).unwrap();
            assert_eq!(
                paths(o.view.as_ref()),
                [".gitmodules", "top.txt", "vendor/lib"],
                "{source:?}"
            );
            let e = o.view.entry("vendor/lib").unwrap();
            assert_eq!(e.kind, EntryKind::Submodule);
            assert_eq!(o.view.mode("vendor/lib"), Some(0o160000));
            let err = o.view.read("vendor/lib").unwrap_err();
            assert!(err.is_finding());
            assert!(
                err.to_string()
                    .contains("run `git submodule update --init -- vendor/lib`"),
                "{err}"
            );
        }
    }
}
