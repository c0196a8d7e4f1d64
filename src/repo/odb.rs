//! Reading blobs from object databases: the repository's own and those of its
//! checked-out submodules, from any thread.
//!
//! `git2::Repository` is `Send` but not `Sync`: each reading thread takes a handle
//! of its own from a pool (opened on first need, then reused), so blobs are read
//! in parallel with one object-database handle per thread.

use super::lfs;
use super::listing;
use super::{Content, Entry, EntryKind, ReadError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A blob (or a link target) in one of the databases of an [`Odb`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Blob {
    /// Which database ([`Odb::add`]'s answer).
    pub(crate) db: u16,
    pub(crate) oid: git2::Oid,
}

/// The object databases a view reads from: the repository's first.
pub(crate) struct Odb {
    pools: Vec<RepoPool>,
    pub(crate) max_size: u64,
}

impl Odb {
    pub(crate) fn new(repo: &git2::Repository, max_size: u64) -> Self {
        Odb {
            pools: vec![RepoPool::new(repo.path().to_path_buf())],
            max_size,
        }
    }

    /// Adds the database of `repo` (a submodule's) and returns its number; `None`
    /// past 65,535 databases.
    pub(crate) fn add(&mut self, repo: &git2::Repository) -> Option<u16> {
        let db = u16::try_from(self.pools.len()).ok()?;
        self.pools.push(RepoPool::new(repo.path().to_path_buf()));
        Some(db)
    }

    /// Runs `f` with a handle on database `db`, taken from (and given back to) its
    /// pool: any thread may call this.
    pub(crate) fn with_repo<R>(
        &self,
        db: u16,
        f: impl FnOnce(&git2::Repository) -> Result<R, git2::Error>,
    ) -> Result<R, git2::Error> {
        match self.pools.get(usize::from(db)) {
            Some(pool) => pool.with(f),
            None => Err(git2::Error::from_str(&format!("no object database {db}"))),
        }
    }

    /// The content of `entry`, stored as `blob`: a file's bytes, else the error
    /// that says why it is not read.
    pub(crate) fn load(&self, entry: &Entry, blob: Blob) -> Result<Arc<Content>, ReadError> {
        let path = &entry.path;
        match entry.kind {
            EntryKind::Special => Err(ReadError::Special { path: path.clone() }),
            EntryKind::Submodule => Err(ReadError::Submodule { path: path.clone() }),
            EntryKind::File => {
                let content = self.blob(path, blob)?;
                lfs::refuse_pointer(path, &content)?;
                Ok(Arc::new(content))
            }
            EntryKind::Symlink => {
                let target = self.blob(path, blob)?;
                Err(ReadError::Symlink {
                    path: path.clone(),
                    target: listing::path_string(target.bytes()),
                })
            }
        }
    }

    fn blob(&self, path: &str, blob: Blob) -> Result<Content, ReadError> {
        let git = |e: git2::Error| ReadError::Git {
            path: path.to_string(),
            message: e.message().to_string(),
        };
        let Some(pool) = self.pools.get(usize::from(blob.db)) else {
            return Err(ReadError::Git {
                path: path.to_string(),
                message: format!("no object database {}", blob.db),
            });
        };
        let oid = blob.oid;
        pool.with(|repo| {
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

/// Handles on one repository, one per thread that reads at a time.
struct RepoPool {
    gitdir: PathBuf,
    free: Mutex<Vec<git2::Repository>>,
}

impl RepoPool {
    fn new(gitdir: PathBuf) -> Self {
        RepoPool {
            gitdir,
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
