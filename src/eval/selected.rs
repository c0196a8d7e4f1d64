//! What a policy's checks looked at: the files they selected or read, and the globs
//! that selected nothing. A policy that passes having looked at no file may pass
//! vacuously (a glob with a typo); reports name it.

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

/// A per-policy record, filled while the policy's checks run (possibly from several
/// threads; sets keep it deterministic).
#[derive(Debug, Default)]
pub struct Selection(Mutex<Inner>);

#[derive(Debug, Default)]
struct Inner {
    /// Only counted: a hash set (a tree of 35k paths per policy cost more than reading them).
    paths: HashSet<String>,
    unmatched: BTreeSet<String>,
}

impl Selection {
    pub(crate) fn path(&self, path: &str) {
        if let Ok(mut i) = self.0.lock()
            && !i.paths.contains(path)
        {
            i.paths.insert(path.to_string());
        }
    }

    /// Why a check looked at no file (`docs/**/*.md matched nothing`).
    pub(crate) fn unmatched(&self, why: String) {
        if let Ok(mut i) = self.0.lock() {
            i.unmatched.insert(why);
        }
    }

    /// How many distinct files were selected or read, and why checks looked at none.
    pub(crate) fn summary(&self) -> (usize, Vec<String>) {
        match self.0.lock() {
            Ok(i) => (i.paths.len(), i.unmatched.iter().cloned().collect()),
            Err(_) => (0, Vec::new()),
        }
    }
}
