//! What a policy's checks looked at: the files they selected or read, and the globs
//! that selected nothing. A policy that passes having looked at no file may pass
//! vacuously (a glob with a typo); reports name it.

use crate::repo::View;
use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A per-policy record, filled while the policy's checks run (possibly from several
/// threads; it only counts and sorts, so it stays deterministic).
#[derive(Debug)]
pub struct Selection {
    /// One bit per entry of the view, by index: selections of 35k paths per policy
    /// are recorded without hashing or copying a path.
    entries: Vec<AtomicU64>,
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
            entries: (0..entries.div_ceil(64))
                .map(|_| AtomicU64::new(0))
                .collect(),
            other: Mutex::default(),
        }
    }

    /// Entry `i` of the view was selected or read.
    pub(crate) fn entry(&self, i: usize) {
        if let Some(w) = self.entries.get(i / 64) {
            w.fetch_or(1 << (i % 64), Ordering::Relaxed);
        }
    }

    /// `path` was selected or read: an entry of `view`, or a path it does not list.
    pub(crate) fn path(&self, view: &dyn View, path: &str) {
        match view.position(path) {
            Some(i) if i / 64 < self.entries.len() => self.entry(i),
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
            .map(|w| w.load(Ordering::Relaxed).count_ones() as usize)
            .sum();
        match self.other.lock() {
            Ok(o) => (bits + o.paths.len(), o.unmatched.iter().cloned().collect()),
            Err(_) => (bits, Vec::new()),
        }
    }
}
