//! The case check of a working tree's walk, for a listing that does not keep every
//! entry: the paths that differ only in case ([`crate::repo::case`]) told from the
//! folders as the walk reads them, not from a sorted listing afterwards.
//!
//! A collision is always between two names of one folder, and the walk reads a
//! folder's children together: the names of a folder that may collide are grouped
//! there. A child that is a file the walk lists is a name of the view. A child folder
//! is one only when something below it is listed, which the walk learns later: each
//! such folder gets a [`Watch`], set by whatever is listed below it (by the walk, or
//! afterwards among the tracked paths the walk did not reach, below a folder it did
//! not enter). Folders the walk did not read (ignored, a repository of its own, a
//! submodule) get their names from those tracked paths alone, which come in byte
//! order: a [`CaseFold`] over them tells their collisions. Most folders have no name
//! with an upper-case or non-ASCII letter, and cost a scan of their names' bytes.

use crate::repo::case::{self, CaseFold, special};
use crate::repo::listing::{join_prefix, path_bytes, path_string};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Whether anything is listed below a folder (and so whether its name counts), and
/// the watch of the folder above it that waits on the same.
pub(super) struct Watch {
    listed: AtomicBool,
    up: Chain,
}

/// The watches of a folder and of the folders above it that wait on it (the nearest
/// first); `None` when none does.
pub(super) type Chain = Option<Arc<Watch>>;

/// Notes that something is listed below every folder of `chain`.
pub(super) fn mark(chain: &Chain) {
    let mut at = chain.as_deref();
    while let Some(w) = at {
        // Whoever set it first marks the folders above.
        if w.listed.swap(true, Ordering::Relaxed) {
            return;
        }
        at = w.up.as_deref();
    }
}

/// A child of a folder the walk read, as [`Cases::folder`] is told of it.
pub(super) struct Child<'a> {
    pub name: &'a [u8],
    /// A folder (else a path the walk lists).
    pub folder: bool,
}

/// A folder's names that may collide, some waiting on what is listed below them.
struct Pending {
    /// The folder, named, relative to the view.
    folder: String,
    /// Each name, with the watch it waits on (none: listed).
    names: Vec<(String, Chain)>,
}

/// What the walk learns of case collisions as it reads folders.
#[derive(Default)]
pub(super) struct Cases {
    pending: Mutex<Vec<Pending>>,
    /// The folders the walk did not read, relative to the working directory, with
    /// the watches that wait on them.
    unread: Mutex<Vec<(Vec<u8>, Chain)>>,
}

impl Cases {
    /// The children of folder `rel` (relative to the view), given the watches `up`
    /// of that folder: for each child, the watches it goes on with (a folder whose
    /// name may collide gets one of its own). `None`: `up` for every child.
    pub(super) fn folder(
        &self,
        rel: &[u8],
        children: &[Child<'_>],
        up: &Chain,
    ) -> Option<Vec<Chain>> {
        // Names with no upper-case letter and only ASCII collide with nothing (a byte
        // that is not UTF-8 is named `\xHH`, which may have an upper-case letter).
        let maybe = |n: &[u8]| n.iter().any(|b| !b.is_ascii() || b.is_ascii_uppercase());
        if !children.iter().any(|c| maybe(c.name)) {
            return None;
        }
        let named: Vec<Cow<'_, str>> = children.iter().map(|c| name_of(c.name)).collect();
        if !named.iter().any(|n| special(n)) {
            return None;
        }
        // Grouped as `case::collide` groups: a special name by its lower case, a
        // plain one by itself (the names of a folder are distinct).
        let mut keys: Vec<(Cow<'_, str>, usize)> = named
            .iter()
            .enumerate()
            .map(|(i, n)| match special(n) {
                true => (Cow::Owned(n.to_lowercase()), i),
                false => (Cow::Borrowed(n.as_ref()), i),
            })
            .collect();
        keys.sort_unstable();
        let mut chains: Vec<Chain> = vec![up.clone(); children.len()];
        let mut names = Vec::new();
        for group in keys.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
            for &(_, i) in group {
                let (Some(child), Some(name)) = (children.get(i), named.get(i)) else {
                    continue;
                };
                let watch = child.folder.then(|| {
                    Arc::new(Watch {
                        listed: AtomicBool::new(false),
                        up: up.clone(),
                    })
                });
                if let (Some(w), Some(c)) = (&watch, chains.get_mut(i)) {
                    *c = Some(w.clone());
                }
                names.push((name.to_string(), watch));
            }
        }
        if names.is_empty() {
            return None;
        }
        let pending = Pending {
            folder: path_string(rel),
            names,
        };
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(pending);
        Some(chains)
    }

    /// Notes a folder the walk does not read (`full`, relative to the working
    /// directory), with the watches that wait on it.
    pub(super) fn unread(&self, full: &[u8], chain: Chain) {
        self.unread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((full.to_vec(), chain));
    }

    /// Ready for the paths listed below the folders the walk did not read.
    pub(super) fn after_walk(self, prefix: &[u8]) -> AfterWalk {
        let mut unread = self
            .unread
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        unread.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        AfterWalk {
            pending: self
                .pending
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            unread,
            fold: CaseFold::default(),
            prefix: prefix.to_vec(),
            tells: true,
        }
    }
}

/// The name of a path's bytes, as the listing names it.
fn name_of(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.contains('\\') => Cow::Borrowed(s),
        _ => Cow::Owned(path_string(bytes)),
    }
}

/// The case check once the walk is done: the tracked paths it did not reach come.
pub(super) struct AfterWalk {
    pending: Vec<Pending>,
    unread: Vec<(Vec<u8>, Chain)>,
    /// The paths listed below unread folders.
    fold: CaseFold,
    prefix: Vec<u8>,
    /// Whether it can still tell every collision.
    tells: bool,
}

impl AfterWalk {
    /// The unread folder `full` is, or lies below, if any.
    fn unread_above(&self, full: &[u8]) -> Option<&Chain> {
        let mut end = full.len();
        loop {
            let at = full.get(..end)?;
            if let Ok(i) = self.unread.binary_search_by(|(p, _)| p.as_slice().cmp(at)) {
                return self.unread.get(i).map(|(_, c)| c);
            }
            end = at.iter().rposition(|b| *b == b'/')?;
        }
    }

    /// A path listed after the walk (`full`, relative to the working directory,
    /// named `name` in the view), after those before in byte order.
    pub(super) fn listed(&mut self, full: &[u8], name: &str) {
        let parent = full
            .iter()
            .rposition(|b| *b == b'/')
            .and_then(|i| full.get(..i));
        match parent.and_then(|p| self.unread_above(p)) {
            Some(chain) => mark(chain),
            // In a folder the walk read (which changed since): its names there are
            // not all known.
            None => self.tells = false,
        }
        if self.fold.push(name) != std::cmp::Ordering::Less {
            // Named out of byte order (`\xHH` sorts apart from its byte).
            self.tells = false;
        }
    }

    /// Every collision, as [`CaseFold::finish`] gives them from the whole listing;
    /// `None` when it cannot tell.
    pub(super) fn finish(mut self) -> Option<Vec<(String, String)>> {
        if !self.tells {
            return None;
        }
        let mut found = Vec::new();
        for p in &self.pending {
            let mut names = String::new();
            for (name, watch) in &p.names {
                if watch
                    .as_ref()
                    .is_none_or(|w| w.listed.load(Ordering::Relaxed))
                {
                    names.push_str(name);
                    names.push('/');
                }
            }
            case::collide(&p.folder, &names, &mut found);
        }
        // Of the paths after the walk, only the collisions in folders it did not read:
        // those in folders it read are told above, from all their names.
        for (name, first) in std::mem::take(&mut self.fold).every() {
            let folder = name
                .rfind('/')
                .map_or("", |i| name.get(..i).unwrap_or_default());
            let full = match folder {
                "" => Some(self.prefix.clone()),
                f => path_bytes(f).map(|f| join_prefix(&self.prefix, &f)),
            };
            if full.is_some_and(|f| self.unread_above(&f).is_some()) {
                found.push((name, first));
            }
        }
        Some(case::outermost(found))
    }
}
