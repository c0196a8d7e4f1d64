//! What a policy's checks looked at: the files they selected or read, and the globs
//! that selected nothing. A policy that passes having looked at no file may pass
//! vacuously (a glob with a typo); reports name it.

use crate::repo::View;
use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Entries per page of [`Selection::entries`].
const PAGE: usize = 4096;

/// A per-policy record, filled while the policy's checks run (possibly from several
/// threads; it only counts and sorts, so it stays deterministic).
#[derive(Debug)]
pub struct Selection {
    /// One bit per entry of the view, by index, in pages of [`PAGE`] made when a bit
    /// of theirs is first set: selections of 35k paths per policy are recorded without
    /// hashing or copying a path, and a policy that looks at a few files holds a few
    /// pages, not a bit for every file of the repository.
    entries: Box<[OnceLock<Box<[AtomicU64]>>]>,
    other: Mutex<Other>,
}

#[derive(Debug, Default)]
struct Other {
    /// Paths the view does not list (attachments).
    paths: HashSet<String>,
    unmatched: BTreeSet<String>,
}

impl Selection {
    /// A record for a view of `entries` entries.
    pub fn new(entries: usize) -> Self {
        Selection {
            entries: (0..entries.div_ceil(PAGE))
                .map(|_| OnceLock::new())
                .collect(),
            other: Mutex::default(),
        }
    }

    /// Entry `i` of the view was selected or read.
    pub(crate) fn entry(&self, i: usize) {
        let Some(page) = self.entries.get(i / PAGE) else {
            return;
        };
        let page = page.get_or_init(|| (0..PAGE / 64).map(|_| AtomicU64::new(0)).collect());
        let j = i % PAGE;
        if let Some(w) = page.get(j / 64) {
            w.fetch_or(1 << (j % 64), Ordering::Relaxed);
        }
    }

    /// `path` was selected or read: an entry of `view`, or a path it does not list.
    pub(crate) fn path(&self, view: &dyn View, path: &str) {
        match view.position(path) {
            Some(i) if i / PAGE < self.entries.len() => self.entry(i),
            _ => {
                if let Ok(mut o) = self.other.lock()
                    && !o.paths.contains(path)
                {
                    o.paths.insert(path.to_string());
                }
            }
        }
    }

    /// Why a check looked at no file (`docs/**/*.md matched nothing`).
    pub(crate) fn unmatched(&self, why: String) {
        if let Ok(mut o) = self.other.lock() {
            o.unmatched.insert(why);
        }
    }

    /// How many distinct files were selected or read, and why checks looked at none.
    pub(crate) fn summary(&self) -> (usize, Vec<String>) {
        let bits: usize = self
            .entries
            .iter()
            .filter_map(OnceLock::get)
            .flat_map(|page| page.iter())
            .map(|w| w.load(Ordering::Relaxed).count_ones() as usize)
            .sum();
        match self.other.lock() {
            Ok(o) => (bits + o.paths.len(), o.unmatched.iter().cloned().collect()),
            Err(_) => (bits, Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries are counted once each, across pages; pages no entry touched are not made.
    #[test]
    fn entries_are_counted_once_across_pages() {
        let s = Selection::new(3 * PAGE + 7);
        for i in [0, 5, 5, PAGE - 1, PAGE, 3 * PAGE + 6, 3 * PAGE + 6] {
            s.entry(i);
        }
        s.entry(100 * PAGE);
        s.unmatched("x matched nothing".into());
        assert_eq!(s.summary(), (5, vec!["x matched nothing".to_string()]));
        let made = s.entries.iter().filter(|p| p.get().is_some()).count();
        assert_eq!(made, 3);
    }
}
