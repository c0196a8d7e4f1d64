//! A view that lists only the entries a set of policies can reach (`eval::reach`), as a
//! listing that keeps only those would: every other file is absent from it (not
//! listed, not read, no mode), its statistics are the whole view's. Entries that are
//! no regular file (links, submodules, special files) are few and decide how the paths
//! below them read (a file inside a linked folder is refused, not missing; a submodule
//! that is not checked out is named): they are always kept.
//!
//! Debug builds evaluate through it when `RELGATE_DEBUG_RESTRICT=1` is set (release
//! builds never do), so that the whole test suite checks that no policy looks at a
//! path its declarations leave out: a run on the restricted view must give the same
//! report.

use super::{Entries, Entry, EntryKind, ReadError, SourceKind, View, ViewStats};
use crate::repo::Content;
use std::sync::Arc;

pub(crate) struct Restricted {
    inner: Arc<dyn View>,
    entries: Entries,
    /// Where each kept entry is in the inner view.
    at: Vec<usize>,
}

impl Restricted {
    pub(crate) fn new(
        inner: Arc<dyn View>,
        keeps: &dyn Fn(&str) -> bool,
    ) -> Result<Restricted, super::OpenError> {
        let mut kept: Vec<Entry> = Vec::new();
        let mut at = Vec::new();
        for (i, e) in inner.entries().iter().enumerate() {
            if e.kind != EntryKind::File || keeps(e.path) {
                kept.push(e.to_entry());
                at.push(i);
            }
        }
        Ok(Restricted {
            entries: Entries::of(&kept)?,
            inner,
            at,
        })
    }

    /// Whether the inner view answers for `path`: it is listed, or lies below a
    /// listed entry that is no folder (a link, a submodule), which the inner view
    /// refuses for that reason.
    fn listed(&self, path: &str) -> bool {
        self.entries.position(path).is_some()
            || path.match_indices('/').any(|(i, _)| {
                path.get(..i)
                    .is_some_and(|p| self.entries.position(p).is_some())
            })
    }
}

impl View for Restricted {
    fn source(&self) -> SourceKind {
        self.inner.source()
    }

    fn entries(&self) -> &Entries {
        &self.entries
    }

    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        if self.listed(path) {
            self.inner.read(path)
        } else {
            Err(ReadError::NotFound {
                path: path.to_string(),
            })
        }
    }

    fn read_at(&self, i: usize) -> Result<Arc<Content>, ReadError> {
        match self.at.get(i) {
            Some(j) => self.inner.read_at(*j),
            None => Err(ReadError::NotFound {
                path: String::new(),
            }),
        }
    }

    fn mode(&self, path: &str) -> Option<u32> {
        self.listed(path).then(|| self.inner.mode(path)).flatten()
    }

    fn link_target(&self, path: &str) -> Option<String> {
        self.listed(path)
            .then(|| self.inner.link_target(path))
            .flatten()
    }

    fn blob_at(&self, i: usize) -> Option<(git2::Oid, u32)> {
        self.inner.blob_at(*self.at.get(i)?)
    }

    fn stats(&self, paths: bool) -> ViewStats {
        self.inner.stats(paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::memory::MemoryView;

    #[test]
    fn only_kept_files_and_every_link_are_listed() {
        let inner: Arc<dyn View> = Arc::new(
            MemoryView::new(SourceKind::Worktree)
                .file("docs/a.md", "a")
                .file("src/b.rs", "b")
                .symlink("releases", "/etc"),
        );
        let r = Restricted::new(inner, &|p| p.ends_with(".md")).unwrap();
        let listed: Vec<&str> = r.entries().iter().map(|e| e.path).collect();
        assert_eq!(listed, ["docs/a.md", "releases"]);
        assert_eq!(r.read("docs/a.md").unwrap().text().unwrap(), "a");
        assert!(matches!(
            r.read("src/b.rs"),
            Err(ReadError::NotFound { .. })
        ));
        assert_eq!(r.mode("src/b.rs"), None);
        // Below a kept link, the inner view answers (and says why).
        assert!(r.listed("releases/1/dr.md"));
        assert!(!r.listed("src/b.rs/x"));
        // Statistics are the whole view's.
        assert_eq!(r.stats(false).listed, 3);
    }
}
