//! One read-only view of a git checkout.
//!
//! Checks never touch `std::fs` or git2 directly: they ask a [`View`]. Three
//! sources implement it: the working tree (tracked files plus untracked files
//! git does not ignore, as on disk, with their exact permission bits), the index
//! (staged blobs and git modes) and the tree of any commit. Every file is read at
//! most once per run and shared behind an [`Arc`].
//!
//! Untrusted input: the repository under check may be a hostile pull request.
//! A view never follows a symlink (a symlinked file is reported as
//! [`EntryKind::Symlink`]; a file reached through a symlinked folder is never
//! read), never opens a FIFO, socket or device, and never reads outside the
//! repository root.

mod content;
mod diff;
mod index;
mod tree;
mod worktree;

pub use content::Content;
pub use diff::{Change, ChangeStatus, Diff};

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
    /// A submodule (git mode 160000); its content is not part of this repository.
    Submodule,
}

/// One path in the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the view's root (PATH), `/`-separated, never starting with `/` or containing `..`.
    pub path: String,
    pub kind: EntryKind,
    /// Working tree: the permission bits on disk (`st_mode & 0o7777`).
    /// Index and commit: the git mode (`0o100644`, `0o100755`, `0o120000`, `0o160000`).
    pub mode: u32,
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
    fn entries(&self) -> &[Entry];
    /// The entry at `path`, if any (binary search over [`View::entries`]).
    fn entry(&self, path: &str) -> Option<&Entry> {
        let entries = self.entries();
        entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()
            .map(|i| &entries[i])
    }
    /// The content of the regular file at `path`, read at most once per run.
    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError>;
    /// The target of the symlink at `path` (never followed).
    fn link_target(&self, path: &str) -> Option<String>;
    /// Every directory that contains at least one entry, sorted.
    fn dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = Vec::new();
        for e in self.entries() {
            let mut p = e.path.as_str();
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                dirs.push(p.to_string());
            }
        }
        dirs.sort();
        dirs.dedup();
        dirs
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
    /// PATH relative to the repository's working directory (`""` at the top).
    pub prefix: String,
    /// The repository's working directory, if it has one.
    pub workdir: Option<PathBuf>,
}

/// Opens the repository containing `target.path` and builds the view `target.source` names.
pub fn open(target: &Target) -> Result<Opened, OpenError> {
    let repo = git2::Repository::discover(&target.path).map_err(|_| OpenError::NotARepository {
        path: target.path.clone(),
    })?;
    let workdir = repo.workdir().map(Path::to_path_buf);
    let prefix = prefix_of(&target.path, workdir.as_deref())?;
    let head = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .map(|c| c.id());
    let (view, rev): (Arc<dyn View>, Option<git2::Oid>) = match &target.source {
        SourceSpec::Worktree => {
            let wd = workdir.clone().ok_or_else(|| OpenError::Bare {
                path: target.path.clone(),
            })?;
            (
                Arc::new(worktree::WorktreeView::open(&repo, &wd, &prefix)?),
                head,
            )
        }
        SourceSpec::Staged => (Arc::new(index::IndexView::open(&repo, &prefix)?), head),
        SourceSpec::Rev(rev) => {
            let commit = resolve_commit(&repo, rev)?;
            (
                Arc::new(tree::TreeView::open(&repo, commit, &prefix)?),
                Some(commit),
            )
        }
    };
    let (base, diff) = match &target.base {
        None => (None, None),
        Some(b) => {
            let base_commit = resolve_commit(&repo, b)?;
            let merge_base = match rev.or(head) {
                Some(h) => repo
                    .merge_base(base_commit, h)
                    .map_err(|e| OpenError::BadRevision {
                        rev: b.clone(),
                        message: format!(
                            "no merge base with the checked revision: {}",
                            e.message()
                        ),
                    })?,
                None => base_commit,
            };
            let base_view = Arc::new(tree::TreeView::open(&repo, merge_base, &prefix)?);
            let d = diff::Diff::compute(
                &repo,
                merge_base,
                &target.source,
                rev,
                &prefix,
                base_view,
                view.as_ref(),
            )?;
            (Some(merge_base.to_string()), Some(d))
        }
    };
    Ok(Opened {
        view,
        rev: rev.map(|o| o.to_string()),
        base,
        diff,
        prefix,
        workdir,
    })
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

/// PATH relative to the working directory, `/`-separated, `""` for the top.
fn prefix_of(path: &Path, workdir: Option<&Path>) -> Result<String, OpenError> {
    let Some(wd) = workdir else {
        return Ok(String::new());
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
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}
