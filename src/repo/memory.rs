//! An in-memory view: for unit tests of check kinds, and for policy tests that
//! describe a repository without building one.

use super::{Content, Entries, Entry, EntryKind, ReadError, SourceKind, View};
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct MemoryView {
    source: SourceKind,
    list: Vec<Entry>,
    /// `list`, as views hold entries.
    entries: Entries,
    files: BTreeMap<String, Arc<Content>>,
    links: BTreeMap<String, String>,
}

impl MemoryView {
    pub fn new(source: SourceKind) -> MemoryView {
        MemoryView {
            source,
            list: Vec::new(),
            entries: Entries::default(),
            files: BTreeMap::new(),
            links: BTreeMap::new(),
        }
    }

    /// A regular file with the usual mode for the source (0644 on disk, 100644 in git).
    pub fn file(self, path: &str, text: &str) -> MemoryView {
        let mode = if self.source == SourceKind::Worktree {
            0o644
        } else {
            0o100644
        };
        self.file_mode(path, text.as_bytes(), mode)
    }

    pub fn file_mode(mut self, path: &str, bytes: &[u8], mode: u32) -> MemoryView {
        self.files
            .insert(path.to_string(), Arc::new(Content::new(bytes.to_vec())));
        self.push(path, EntryKind::File, mode)
    }

    pub fn symlink(mut self, path: &str, target: &str) -> MemoryView {
        self.links.insert(path.to_string(), target.to_string());
        self.push(path, EntryKind::Symlink, 0o120000)
    }

    /// Adds an entry (a path over [`super::entries::MAX_PATH`] bytes, which no view
    /// lists, is left out).
    fn push(mut self, path: &str, kind: EntryKind, mode: u32) -> MemoryView {
        let mut list = std::mem::take(&mut self.list);
        list.retain(|e| e.path != path);
        list.push(Entry {
            path: path.to_string(),
            kind,
            mode,
        });
        list.sort_by(|a, b| a.path.cmp(&b.path));
        if let Ok(entries) = Entries::of(&list) {
            self.entries = entries;
            self.list = list;
        }
        self
    }
}

impl View for MemoryView {
    fn source(&self) -> SourceKind {
        self.source
    }

    fn entries(&self) -> &Entries {
        &self.entries
    }

    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        if let Some(target) = self.links.get(path) {
            return Err(ReadError::Symlink {
                path: path.into(),
                target: target.clone(),
            });
        }
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| ReadError::NotFound { path: path.into() })
    }

    fn link_target(&self, path: &str) -> Option<String> {
        self.links.get(path).cloned()
    }
}
