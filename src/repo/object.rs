//! A view of git objects: the index (`--staged`) or a commit's tree (`--rev`, and
//! the base of a diff). Entries carry git modes; content is the blob from the
//! object database, size-checked through the object header before it is read.
//! The listing comes from [`super::index`] or [`super::tree`].

use super::entries::Builder;
use super::listing::{self, Listing};
use super::odb::{Blob, Odb};
use super::pipe::Sink;
use super::{Content, Entries, EntryKind, OpenError, ReadError, SourceKind, View};
use std::sync::Arc;

/// Hostile trees can reuse one subtree many times (a "tree bomb"): a view lists at
/// most this many entries and refuses the repository beyond.
pub(crate) const MAX_ENTRIES: usize = 4 << 20;

pub struct GitObjectView {
    source: SourceKind,
    files: Listing<Blob>,
    odb: Odb,
    /// Where each entry's blob is in the packs, once [`View::prepare_reads`] found them.
    located: std::sync::OnceLock<Box<[u64]>>,
    /// An index that had entries it does not list (conflict stages, intent-to-add).
    left_out: bool,
}

impl GitObjectView {
    /// `files`: entries (paths relative to the view's root) with their blobs in `odb`.
    pub(crate) fn new(source: SourceKind, files: Builder<Blob>, odb: Odb) -> Self {
        GitObjectView {
            source,
            files: Listing::new(files),
            odb,
            located: std::sync::OnceLock::new(),
            left_out: false,
        }
    }

    /// Whether the index listed had entries it leaves out (conflict stages,
    /// intent-to-add entries), which git's diff of the index reports and a diff of
    /// listings would not.
    pub(crate) fn left_out(&self) -> bool {
        self.left_out
    }

    /// The same view, of an index that had entries it left out (or not).
    pub(crate) fn leaving_out(mut self, left_out: bool) -> Self {
        self.left_out = left_out;
        self
    }

    /// Files over `max` bytes are not read ([`ReadError::TooLarge`]).
    pub(crate) fn with_max_file_size(mut self, max: u64) -> Self {
        self.odb.max_size = max;
        self
    }
}

impl View for GitObjectView {
    fn source(&self) -> SourceKind {
        self.source
    }

    fn entries(&self) -> &Entries {
        self.files.entries()
    }

    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        let Some(i) = self.files.find(path) else {
            return Err(ReadError::NotFound {
                path: path.to_string(),
            });
        };
        self.read_at(i)
    }

    fn prepare_reads(&self) {
        let entries = self.files.entries();
        if self.located.get().is_some() {
            return;
        }
        let places = || {
            (0..entries.len())
                .filter(|i| {
                    entries
                        .get(*i)
                        .is_some_and(|e| matches!(e.kind, EntryKind::File | EntryKind::Symlink))
                })
                .filter_map(|i| u32::try_from(i).ok())
                .collect()
        };
        let blob_at = |place: u32| {
            let blob = self.files.item(place as usize)?;
            (blob.db == 0).then_some(blob.oid)
        };
        if let Some(located) = self.odb.locate(entries.len(), places, blob_at) {
            let _ = self.located.set(located);
        }
    }

    fn read_at(&self, i: usize) -> Result<Arc<Content>, ReadError> {
        let at = self.located.get().and_then(|l| l.get(i).copied());
        self.files
            .load(i, |entry, blob| self.odb.load_at(entry, *blob, at))
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

    /// Only the repository's own blobs: a file listed from a submodule's database is
    /// not an object of this repository (git compares the submodule by its gitlink).
    fn blob_at(&self, i: usize) -> Option<(git2::Oid, u32)> {
        let entry = self.files.entries().get(i)?;
        let blob = self.files.item(i)?;
        (blob.db == 0).then_some((blob.oid, entry.mode))
    }
}

/// Adds to `files` the entry for a git path (`full`, repository-relative) with a git
/// `mode`, if it lies under `prefix` and is a clean path; nothing for trees and
/// anything else.
pub(crate) fn push_git(
    files: &mut (impl Sink<Blob> + ?Sized),
    full: &[u8],
    mode: u32,
    prefix: &[u8],
    blob: Blob,
) -> Result<(), OpenError> {
    match listable(full, mode, prefix) {
        Some((rel, kind)) => files.push_bytes(rel, kind, mode, blob),
        None => Ok(()),
    }
}

/// The part of a clean `full` below `prefix`, and the kind its git mode gives.
fn listable<'a>(full: &'a [u8], mode: u32, prefix: &[u8]) -> Option<(&'a [u8], EntryKind)> {
    if !listing::is_clean(full) {
        return None;
    }
    let rel = listing::under_prefix(full, prefix)?;
    Some((rel, listing::kind_of_git_mode(mode)?))
}

pub(crate) fn git_err(e: git2::Error) -> OpenError {
    OpenError::Git(e.message().to_string())
}

pub(crate) fn too_many() -> OpenError {
    OpenError::Git(format!(
        "more than {MAX_ENTRIES} entries: refusing the repository (a tree bomb?)"
    ))
}
