//! Stub.
use super::{Content, Entry, OpenError, ReadError, SourceKind, View};
use std::sync::Arc;

pub struct IndexView {
    entries: Vec<Entry>,
}

impl View for IndexView {
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
impl IndexView {
    pub(crate) fn open(_repo: &git2::Repository, _prefix: &str) -> Result<Self, OpenError> {
        Ok(Self {
            entries: Vec::new(),
        })
    }
}
