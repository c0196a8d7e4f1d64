//! Which lines of a file the change wrote: the lines a finding may not call
//! pre-existing (`--base`, `--new-only`).
//!
//! A finding keeps its fingerprint when its line's content is the same, so an edit that
//! only re-indents a line, or moves it within the file, would leave it `unchanged`. The
//! change wrote that line, though: it is the change's own. The lines are git's own
//! answer, the added lines of a line diff (libgit2's, through `git2::Patch`) between the
//! base's file and the change's. Asked only for the files that have a finding the base
//! has too, never for the whole change.
//!
//! A file the change adds is written whole, unless it is another file of the base
//! moved: then only the lines the move changed count. The base file it came from is
//! one the change deletes, most alike (git's rule for a rename: at least half of the
//! lines kept), tried in name order with files of the same name first and at most
//! [`MAX_RENAME_CANDIDATES`] of them.

use super::{ChangeStatus, Diff, View};
use std::collections::BTreeSet;

/// Deleted files compared with one added file to find where it was moved from.
pub const MAX_RENAME_CANDIDATES: usize = 32;

/// The lines (1-based, in the change's file) the change wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    /// The file is the base's, unchanged.
    None,
    /// These lines of a file the change modifies (or moves).
    Lines(BTreeSet<usize>),
    /// Every line: a new file, or one that could not be compared (so nothing in it is
    /// taken as pre-existing without evidence).
    All,
}

impl Touched {
    pub fn contains(&self, line: usize) -> bool {
        match self {
            Touched::None => false,
            Touched::Lines(l) => l.contains(&line),
            Touched::All => true,
        }
    }
}

impl Diff {
    /// The lines of `path` (in `view`, the tree under check) the change wrote.
    pub fn touched(&self, path: &str, view: &dyn View) -> Touched {
        let status = match self.status(path) {
            None | Some(ChangeStatus::Deleted) => return Touched::None,
            Some(s) => s,
        };
        let Ok(new) = view.read(path) else {
            return Touched::All;
        };
        match status {
            ChangeStatus::Deleted => Touched::None,
            ChangeStatus::Modified => match self.base.read(path) {
                Ok(old) => added_lines(old.bytes(), new.bytes()).unwrap_or(Touched::All),
                Err(_) => Touched::All,
            },
            ChangeStatus::Added => self.moved_from(path, new.bytes()),
        }
    }

    /// The lines an added file changed against the deleted base file it was moved
    /// from, or all of them.
    fn moved_from(&self, path: &str, new: &[u8]) -> Touched {
        let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let own = name(path);
        let mut deleted: Vec<&str> = self
            .changes
            .iter()
            .filter(|c| c.status == ChangeStatus::Deleted)
            .map(|c| c.path.as_str())
            .collect();
        deleted.sort_by_key(|p| name(p) != own);
        let lines = new.split(|b| *b == b'\n').count();
        let mut best: Option<BTreeSet<usize>> = None;
        for old in deleted.into_iter().take(MAX_RENAME_CANDIDATES) {
            let Ok(old) = self.base.read(old) else {
                continue;
            };
            let Some(Touched::Lines(added)) = added_lines(old.bytes(), new) else {
                continue;
            };
            let kept = lines.saturating_sub(added.len());
            if kept * 2 >= lines && best.as_ref().is_none_or(|b| added.len() < b.len()) {
                best = Some(added);
            }
        }
        best.map_or(Touched::All, Touched::Lines)
    }
}

/// The added lines of a line diff from `old` to `new`; `None` when git cannot diff
/// them as text (a binary file).
fn added_lines(old: &[u8], new: &[u8]) -> Option<Touched> {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0);
    let patch = git2::Patch::from_buffers(old, None, new, None, Some(&mut opts)).ok()?;
    if patch.delta().flags().is_binary() {
        return None;
    }
    let mut lines = BTreeSet::new();
    for h in 0..patch.num_hunks() {
        let n = patch.num_lines_in_hunk(h).ok()?;
        for l in 0..n {
            let line = patch.line_in_hunk(h, l).ok()?;
            if line.origin() == '+'
                && let Some(at) = line.new_lineno()
            {
                lines.insert(usize::try_from(at).ok()?);
            }
        }
    }
    Some(Touched::Lines(lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::SourceKind;
    use crate::repo::memory::MemoryView;
    use std::sync::Arc;

    fn view(files: &[(&str, &str)]) -> MemoryView {
        files
            .iter()
            .fold(MemoryView::new(SourceKind::Rev), |v, (p, c)| v.file(p, c))
    }

    fn diff(base: &[(&str, &str)], changes: &[(&str, ChangeStatus)]) -> Diff {
        Diff {
            base: Arc::new(view(base)),
            changes: changes
                .iter()
                .map(|(p, s)| crate::repo::Change {
                    path: p.to_string(),
                    status: *s,
                })
                .collect(),
        }
    }

    fn lines(l: &[usize]) -> Touched {
        Touched::Lines(l.iter().copied().collect())
    }

    #[test]
    fn the_lines_a_modification_wrote() {
        let d = diff(
            &[("a.yaml", "one\nimage: x:latest\nthree\n")],
            &[("a.yaml", ChangeStatus::Modified)],
        );
        let head = view(&[("a.yaml", "zero\none\n  image: x:latest\nthree\n")]);
        assert_eq!(d.touched("a.yaml", &head), lines(&[1, 3]));
        assert!(!d.touched("a.yaml", &head).contains(2));
    }

    #[test]
    fn a_moved_file_keeps_its_lines_and_a_new_one_is_written_whole() {
        let d = diff(
            &[("old/v.yaml", "a\nb\nc\nd\n"), ("x.yaml", "unrelated\n")],
            &[
                ("new/v.yaml", ChangeStatus::Added),
                ("old/v.yaml", ChangeStatus::Deleted),
                ("other.yaml", ChangeStatus::Added),
                ("x.yaml", ChangeStatus::Deleted),
            ],
        );
        let head = view(&[
            ("new/v.yaml", "a\nb\nC\nd\n"),
            ("other.yaml", "q\nr\n"),
            ("same.yaml", "s\n"),
        ]);
        assert_eq!(d.touched("new/v.yaml", &head), lines(&[3]));
        assert_eq!(d.touched("other.yaml", &head), Touched::All);
        assert_eq!(d.touched("same.yaml", &head), Touched::None);
        // Not in the change's view (unreadable): nothing in it is pre-existing.
        let d = diff(&[], &[("gone.yaml", ChangeStatus::Modified)]);
        assert_eq!(d.touched("gone.yaml", &head), Touched::All);
    }
}
