//! A view of git objects: the index (`--staged`) or a commit's tree (`--rev`, and
//! the base of a diff). Entries carry git modes; content is the blob from the
//! object database, size-checked through the object header before it is read.
//! The listing comes from [`super::index`] or [`super::tree`].

use super::lfs;
use super::listing::{self, Listing};
use super::{Content, Entry, EntryKind, MAX_FILE_SIZE, OpenError, ReadError, SourceKind, View};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Hostile trees can reuse one subtree many times (a "tree bomb"): a view lists at
/// most this many entries and refuses the repository beyond.
pub(crate) const MAX_ENTRIES: usize = 4 << 20;

pub struct GitObjectView {
    source: SourceKind,
    files: Listing<git2::Oid>,
    repos: RepoPool,
    max_size: u64,
}

impl GitObjectView {
    /// `pairs`: entries (paths relative to the view's root) with their blob ids.
    pub(crate) fn new(
        repo: &git2::Repository,
        source: SourceKind,
        pairs: Vec<(Entry, git2::Oid)>,
    ) -> Self {
        GitObjectView {
            source,
            files: Listing::new(pairs),
            repos: RepoPool::new(repo),
            max_size: MAX_FILE_SIZE,
        }
    }

    /// Files over `max` bytes are not read ([`ReadError::TooLarge`]).
    pub(crate) fn with_max_file_size(mut self, max: u64) -> Self {
        self.max_size = max;
        self
    }

    fn load(&self, entry: &Entry, oid: git2::Oid) -> Result<Arc<Content>, ReadError> {
        let path = &entry.path;
        match entry.kind {
            EntryKind::Special | EntryKind::Submodule => {
                Err(ReadError::Special { path: path.clone() })
            }
            EntryKind::File => {
                let content = self.blob(path, oid)?;
                lfs::refuse_pointer(path, &content)?;
                Ok(Arc::new(content))
            }
            EntryKind::Symlink => {
                let target = self.blob(path, oid)?;
                Err(ReadError::Symlink {
                    path: path.clone(),
                    target: listing::path_string(target.bytes()),
                })
            }
        }
    }

    fn blob(&self, path: &str, oid: git2::Oid) -> Result<Content, ReadError> {
        let git = |e: git2::Error| ReadError::Git {
            path: path.to_string(),
            message: e.message().to_string(),
        };
        self.repos
            .with(|repo| {
                let odb = repo.odb()?;
                let (size, kind) = odb.read_header(oid)?;
                if kind != git2::ObjectType::Blob {
                    return Ok(Err(ReadError::Git {
                        path: path.to_string(),
                        message: format!("object {oid} is a {kind}, not a blob"),
                    }));
                }
                let size = size as u64;
                if size > self.max_size {
                    return Ok(Err(ReadError::TooLarge {
                        path: path.to_string(),
                        size,
                        max: self.max_size,
                    }));
                }
                let object = odb.read(oid)?;
                Ok(Ok(Content::new(object.data().to_vec())))
            })
            .map_err(git)?
    }
}

impl View for GitObjectView {
    fn source(&self) -> SourceKind {
        self.source
    }

    fn entries(&self) -> &[Entry] {
        self.files.entries()
    }

    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        let Some(i) = self.files.find(path) else {
            return Err(ReadError::NotFound {
                path: path.to_string(),
            });
        };
        self.files.load(i, |entry, oid| self.load(entry, *oid))
    }

    fn link_target(&self, path: &str) -> Option<String> {
        listing::target_of(self.read(path))
    }
}

/// `git2::Repository` is `Send` but not `Sync`: readers on several threads each
/// take a handle of their own (opened on first need, then reused).
struct RepoPool {
    gitdir: PathBuf,
    free: Mutex<Vec<git2::Repository>>,
}

impl RepoPool {
    fn new(repo: &git2::Repository) -> Self {
        RepoPool {
            gitdir: repo.path().to_path_buf(),
            free: Mutex::new(Vec::new()),
        }
    }

    fn with<R>(
        &self,
        f: impl FnOnce(&git2::Repository) -> Result<R, git2::Error>,
    ) -> Result<R, git2::Error> {
        let pooled = self.free.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let repo = match pooled {
            Some(r) => r,
            None => git2::Repository::open(&self.gitdir)?,
        };
        let result = f(&repo);
        self.free
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(repo);
        result
    }
}

/// An entry for a git path (`full`, repository-relative) with a git `mode`, if it
/// lies under `prefix` and is a clean path; `None` for trees and anything else.
pub(crate) fn git_entry(full: &[u8], mode: u32, prefix: &[u8]) -> Option<Entry> {
    if !listing::is_clean(full) {
        return None;
    }
    let rel = listing::under_prefix(full, prefix)?;
    let kind = listing::kind_of_git_mode(mode)?;
    Some(Entry {
        path: listing::path_string(rel),
        kind,
        mode,
    })
}

pub(crate) fn git_err(e: git2::Error) -> OpenError {
    OpenError::Git(e.message().to_string())
}

pub(crate) fn too_many() -> OpenError {
    OpenError::Git(format!(
        "more than {MAX_ENTRIES} entries: refusing the repository (a tree bomb?)"
    ))
}
