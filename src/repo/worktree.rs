//! The working tree as it is on disk now: tracked files (the index) plus untracked
//! files git does not ignore, with their exact permission bits. The listing is
//! [`super::walk`]'s; this module reads.
//!
//! Never follows a link: a file is opened through [`Root`], which refuses a link
//! in any component of the path (`openat2` with `RESOLVE_NO_SYMLINKS` on Linux,
//! one `O_NOFOLLOW` open per component elsewhere). Before the open, the file is
//! checked with `lstat` (a FIFO or device is never opened); after it, `fstat`
//! checks what was opened. Only when something is refused are the ancestors
//! checked with `lstat`, to say whether the path is a link or lies below one.

use super::entries::Builder;
use super::listing::{self, Listing};
use super::odb::{Blob, Odb};
use super::pipe::{self, Later};
use super::safe_open::{Ancestors, Refused, Root, ancestors, gone};
use super::submodule;
use super::walk;
use super::{Content, Entries, EntryRef, MAX_FILE_SIZE, OpenError, ReadError, SourceKind, View};
use super::{EntryKind, lfs};
use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

pub struct WorktreeView {
    /// The working directory, canonical, held open.
    root: Root,
    /// The view's folder below the working directory, as bytes (empty at the top).
    prefix: Vec<u8>,
    /// Per entry: whether it is one of `objects` (else it is on disk at its path).
    files: Listing<bool>,
    /// Per entry: its mode, once looked up (see [`View::mode`]), else [`UNKNOWN`]
    /// (a file's permission bits, or a special file's whole `st_mode`: 16 bits).
    modes: Vec<AtomicU16>,
    /// The files of submodules, read from their object databases (in `odb`), by path.
    objects: Vec<(Box<str>, Blob)>,
    odb: Odb,
}

/// An entry on disk at its path (an untracked repository inside the working tree,
/// [`EntryKind::Submodule`], is not read); any other is a submodule's file, in
/// [`WorktreeView::objects`]. (One byte an entry, where an enum holding the blob
/// took twenty-four.)
const ON_DISK: bool = false;

/// A mode not looked up yet (no `st_mode` is all ones: file type 0o17 does not exist).
const UNKNOWN: u16 = u16::MAX;

impl WorktreeView {
    /// The working tree under `prefix`; with `later`, listed keeping only the files
    /// it says to keep, once it says ([`pipe::piped`]), the walk telling the case
    /// collisions of every entry ([`walk::Walked::case`]).
    pub(crate) fn open(
        repo: &git2::Repository,
        wd: &Path,
        prefix: &[u8],
        later: Option<Later>,
    ) -> Result<Self, OpenError> {
        Self::listing(repo, wd, prefix, later, None)
    }

    /// Folder `under` alone (`.relgate/`, near the top of the index): the index read
    /// only until its entries sort past it ([`super::index::FEW`] at a time).
    pub(crate) fn open_under(
        repo: &git2::Repository,
        wd: &Path,
        under: &[u8],
    ) -> Result<Self, OpenError> {
        Self::listing(repo, wd, under, None, Some(super::index::FEW))
    }

    fn listing(
        repo: &git2::Repository,
        wd: &Path,
        prefix: &[u8],
        later: Option<Later>,
        few: Option<usize>,
    ) -> Result<Self, OpenError> {
        let root = wd
            .canonicalize()
            .and_then(|p| Root::open(&p))
            .map_err(|e| OpenError::Io(format!("{}: {e}", wd.display())))?;
        let keeping = later.is_some();
        let (mut files, walked) = pipe::piped(later, false, |files| {
            walk::list(repo, &root, prefix, files, ON_DISK, keeping, few)
        })?;
        let mut odb = Odb::new(repo, MAX_FILE_SIZE);
        let mut found = Builder::new();
        submodule::expand(repo, &mut odb, walked.links, prefix, &mut found)?;
        let (found, blobs) = found.finish();
        let mut objects = Vec::with_capacity(found.len());
        for (i, e) in found.iter().enumerate() {
            if let Some(blob) = found.item(&blobs, i) {
                files.push(e.path, e.kind, e.mode, !ON_DISK)?;
                objects.push((e.path.into(), *blob));
            }
        }
        // A submodule's files are not in the walk's case check.
        files.case_is(walked.case.filter(|_| found.is_empty()));
        let files = Listing::new(files);
        Ok(WorktreeView {
            root,
            prefix: prefix.to_vec(),
            modes: (0..files.entries().len())
                .map(|_| AtomicU16::new(UNKNOWN))
                .collect(),
            files,
            objects,
            odb,
        })
    }

    /// Files over `max` bytes are not read ([`ReadError::TooLarge`]).
    pub(crate) fn with_max_file_size(mut self, max: u64) -> Self {
        self.odb.max_size = max;
        self
    }

    /// The path below the working directory that entry name `path` stands for.
    fn full(&self, path: &str) -> Option<Vec<u8>> {
        let rel = listing::path_bytes(path)?;
        listing::is_clean(&rel).then(|| listing::join_prefix(&self.prefix, &rel))
    }

    /// A path the view does not list: `Outside` when it is reached through a link
    /// (or is not a clean relative path), else `NotFound`. Nothing is opened.
    fn unlisted(&self, path: &str) -> ReadError {
        let Some(full) = self.full(path) else {
            return outside(path);
        };
        match ancestors(self.root.path(), &full, None) {
            Ok(Ancestors::Link) => outside(path),
            _ => not_found(path),
        }
    }

    fn load(&self, entry: EntryRef<'_>, item: bool) -> Result<Arc<Content>, ReadError> {
        let path = entry.path;
        if item != ON_DISK {
            let at = self.objects.binary_search_by(|(p, _)| (**p).cmp(path));
            return match at.ok().and_then(|at| self.objects.get(at)) {
                Some((_, blob)) => self.odb.load(entry, *blob),
                None => Err(not_found(path)),
            };
        }
        if entry.kind == EntryKind::Submodule {
            // An untracked repository inside the working tree: not read.
            return Err(ReadError::Special {
                path: path.to_string(),
            });
        }
        let Some(full) = self.full(path) else {
            return Err(outside(path));
        };
        match entry.kind {
            EntryKind::Special | EntryKind::Submodule => Err(ReadError::Special {
                path: path.to_string(),
            }),
            EntryKind::Symlink | EntryKind::File => {
                let content = self.read_file(path, &full)?;
                lfs::refuse_pointer(path, &content)?;
                Ok(Arc::new(content))
            }
        }
    }

    fn read_file(&self, path: &str, full: &[u8]) -> Result<Content, ReadError> {
        let abs = self.root.join(full);
        // The tree may have changed since it was listed: a folder on the way that is
        // now a link makes the path lie outside, whatever is at its end.
        let refused = || match ancestors(self.root.path(), full, None) {
            Ok(Ancestors::Dirs) => match fs::symlink_metadata(&abs) {
                Ok(m) if m.file_type().is_symlink() => link_error(path, &abs),
                Ok(_) => outside(path),
                Err(e) => fs_error(path, &e),
            },
            Ok(Ancestors::Link) => outside(path),
            Ok(Ancestors::Missing) => not_found(path),
            Err(e) => io_error(path, &e),
        };
        // Decide on the lstat before opening: never open a FIFO or device at all.
        // (Through a linked folder this lstat sees what lies outside, but only its
        // kind: the open below refuses the link, and `refused` says so.)
        let meta = fs::symlink_metadata(&abs).map_err(|e| fs_error(path, &e))?;
        if let Err(e) = self.check_file(path, &abs, &meta) {
            return Err(match e {
                ReadError::Symlink { .. } => refused(),
                e => match ancestors(self.root.path(), full, None) {
                    Ok(Ancestors::Link) => outside(path),
                    _ => e,
                },
            });
        }
        let mut file = match self.root.open_file(full) {
            Ok(f) => f,
            Err(Refused::NotFound) => return Err(not_found(path)),
            Err(Refused::Io(e)) => return Err(io_error(path, &e)),
            // A link on the way: the file itself, or a folder above.
            Err(Refused::Link) => return Err(refused()),
        };
        let meta = file.metadata().map_err(|e| io_error(path, &e))?;
        self.check_file(path, &abs, &meta)?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        Read::by_ref(&mut file)
            .take(self.odb.max_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(path, &e))?;
        let size = bytes.len() as u64;
        if size > self.odb.max_size {
            return Err(too_large(path, size, self.odb.max_size));
        }
        Ok(Content::new(bytes))
    }

    /// A regular file within the size limit, else the error that says what it is.
    fn check_file(&self, path: &str, abs: &Path, meta: &fs::Metadata) -> Result<(), ReadError> {
        let ft = meta.file_type();
        if ft.is_symlink() {
            return Err(link_error(path, abs));
        }
        if !ft.is_file() {
            return Err(ReadError::Special {
                path: path.to_string(),
            });
        }
        if meta.len() > self.odb.max_size {
            return Err(too_large(path, meta.len(), self.odb.max_size));
        }
        Ok(())
    }
}

impl View for WorktreeView {
    fn source(&self) -> SourceKind {
        SourceKind::Worktree
    }

    fn entries(&self) -> &Entries {
        self.files.entries()
    }

    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        let Some(i) = self.files.find(path) else {
            return Err(self.unlisted(path));
        };
        self.read_at(i)
    }

    fn read_at(&self, i: usize) -> Result<Arc<Content>, ReadError> {
        self.files.load(i, |entry, item| self.load(entry, *item))
    }

    fn mode(&self, path: &str) -> Option<u32> {
        let i = self.files.find(path)?;
        let known = self.files.entries().get(i)?.mode;
        if known != 0 {
            return Some(known);
        }
        let slot = self.modes.get(i)?;
        let known = slot.load(Ordering::Relaxed);
        if known != UNKNOWN {
            return Some(u32::from(known));
        }
        // Only what is still there, below real folders, has a mode.
        let full = self.full(path)?;
        if ancestors(self.root.path(), &full, None).ok()? != Ancestors::Dirs {
            return None;
        }
        let meta = fs::symlink_metadata(self.root.join(&full)).ok()?;
        let mode = match walk::kind_and_mode(&meta, false) {
            Some((_, mode)) => mode,
            None => meta.mode(),
        };
        // The first to look it up sets it (a mode too wide to keep is looked up again).
        let narrow = match u16::try_from(mode) {
            Ok(m) if m != UNKNOWN => m,
            _ => return Some(mode),
        };
        match slot.compare_exchange(UNKNOWN, narrow, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => Some(mode),
            Err(first) => Some(u32::from(first)),
        }
    }

    fn dirs(&self) -> Vec<String> {
        self.files.dirs()
    }

    fn stats(&self, paths: bool) -> super::ViewStats {
        self.files.stats(paths)
    }

    fn link_target(&self, path: &str) -> Option<String> {
        listing::target_of(self.read(path))
    }
}

fn link_error(path: &str, abs: &Path) -> ReadError {
    match fs::read_link(abs) {
        Ok(t) => ReadError::Symlink {
            path: path.to_string(),
            target: listing::path_string(std::os::unix::ffi::OsStrExt::as_bytes(t.as_os_str())),
        },
        Err(e) => fs_error(path, &e),
    }
}

fn fs_error(path: &str, e: &io::Error) -> ReadError {
    if gone(e) {
        not_found(path)
    } else {
        io_error(path, e)
    }
}

fn not_found(path: &str) -> ReadError {
    ReadError::NotFound {
        path: path.to_string(),
    }
}

fn outside(path: &str) -> ReadError {
    ReadError::Outside {
        path: path.to_string(),
    }
}

fn too_large(path: &str, size: u64, max: u64) -> ReadError {
    ReadError::TooLarge {
        path: path.to_string(),
        size,
        max,
    }
}

fn io_error(path: &str, e: &io::Error) -> ReadError {
    ReadError::Io {
        path: path.to_string(),
        message: e.to_string(),
    }
}

#[cfg(test)]
#[path = "worktree_tests.rs"]
mod tests;
