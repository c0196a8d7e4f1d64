//! The change against a base: which files the change touches, and the base's view.

use super::{OpenError, SourceSpec, View};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Added,
    Modified,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Relative to the view's root, `/`-separated.
    pub path: String,
    pub status: ChangeStatus,
}

/// Files that differ between the merge base and the view under check.
pub struct Diff {
    /// The merge base's tree, for comparing facts before and after.
    pub base: Arc<dyn View>,
    /// Sorted by path. A rename is a deletion plus an addition.
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn status(&self, path: &str) -> Option<ChangeStatus> {
        self.changes
            .binary_search_by(|c| c.path.as_str().cmp(path))
            .ok()
            .map(|i| self.changes[i].status)
    }

    pub(crate) fn compute(
        _repo: &git2::Repository,
        _merge_base: git2::Oid,
        _source: &SourceSpec,
        _rev: Option<git2::Oid>,
        _prefix: &str,
        _base: Arc<dyn View>,
        _view: &dyn View,
    ) -> Result<Diff, OpenError> {
        Err(OpenError::Git("diff not implemented yet".into()))
    }
}
