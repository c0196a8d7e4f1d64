//! Stub.
use super::{Content, Entry, OpenError, ReadError, SourceKind, View};
use std::sync::Arc;

pub struct WorktreeView {
    entries: Vec<Entry>,
}

impl View for WorktreeView {
    fn source(&self) -> SourceKind {
        SourceKind::Worktree
    }
    fn entries(&self) -> &[Entry] {
        &self.entries
    }
    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        Err(ReadError::NotFound { path: path.into() })
    }
    fn link_target(&self, _path: &str) -> Option<String> {
        None
    }
}
impl WorktreeView {
    pub(crate) fn open(
        _repo: &git2::Repository,
        _wd: &std::path::Path,
        _prefix: &str,
    ) -> Result<Self, OpenError> {
        Ok(Self {
            entries: Vec::new(),
        })
    }
}
