//! What every view shares: the sorted entries, per-entry source data, a read-once
//! slot per entry, and the path rules.

use super::{Content, Entry, EntryKind, ReadError};
use std::sync::{Arc, OnceLock};

/// What a slot holds. The error is behind an `Arc` to keep a slot small (one
/// slot per entry, read or not).
type Slot = Result<Arc<Content>, Arc<ReadError>>;

/// Entries sorted by path (byte order, deduplicated), each with the data its view
/// needs to read it (`T`) and a slot that caches the first read.
pub(crate) struct Listing<T> {
    entries: Vec<Entry>,
    items: Vec<T>,
    slots: Vec<OnceLock<Slot>>,
}

impl<T> Listing<T> {
    pub(crate) fn new(mut pairs: Vec<(Entry, T)>) -> Self {
        pairs.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        pairs.dedup_by(|later, earlier| later.0.path == earlier.0.path);
        let mut entries = Vec::with_capacity(pairs.len());
        let mut items = Vec::with_capacity(pairs.len());
        for (e, t) in pairs {
            entries.push(e);
            items.push(t);
        }
        let slots = entries.iter().map(|_| OnceLock::new()).collect();
        Listing {
            entries,
            items,
            slots,
        }
    }

    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Index of the entry at `path`.
    pub(crate) fn find(&self, path: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()
    }

    /// The cached result of reading entry `i`, computed by `load` on first use.
    /// Concurrent callers for the same entry wait for the one that loads it.
    pub(crate) fn load(
        &self,
        i: usize,
        load: impl FnOnce(&Entry, &T) -> Result<Arc<Content>, ReadError>,
    ) -> Result<Arc<Content>, ReadError> {
        let (Some(slot), Some(entry), Some(item)) =
            (self.slots.get(i), self.entries.get(i), self.items.get(i))
        else {
            return Err(ReadError::NotFound {
                path: String::new(),
            });
        };
        match slot.get_or_init(|| load(entry, item).map_err(Arc::new)) {
            Ok(c) => Ok(Arc::clone(c)),
            Err(e) => Err(ReadError::clone(e)),
        }
    }
}

/// The link target carried by a read result, for [`super::View::link_target`].
pub(crate) fn target_of(read: Result<Arc<Content>, ReadError>) -> Option<String> {
    match read {
        Err(ReadError::Symlink { target, .. }) => Some(target),
        _ => None,
    }
}

/// Whether `path` (repository-relative bytes) is one a view may list: non-empty
/// `/`-separated components, none of them `.` or `..`, no NUL.
pub(crate) fn is_clean(path: &[u8]) -> bool {
    !path.is_empty()
        && !path.contains(&0)
        && path
            .split(|b| *b == b'/')
            .all(|c| !c.is_empty() && c != b"." && c != b"..")
}

/// The part of `full` below `prefix` (`""` = everything), if `full` lies under it.
pub(crate) fn under_prefix<'a>(full: &'a [u8], prefix: &str) -> Option<&'a [u8]> {
    if prefix.is_empty() {
        return Some(full);
    }
    let rest = full.strip_prefix(prefix.as_bytes())?;
    let rest = rest.strip_prefix(b"/")?;
    (!rest.is_empty()).then_some(rest)
}

/// `prefix/rel` as repository-relative bytes.
pub(crate) fn join_prefix(prefix: &str, rel: &[u8]) -> Vec<u8> {
    if prefix.is_empty() {
        return rel.to_vec();
    }
    let mut v = Vec::with_capacity(prefix.len() + 1 + rel.len());
    v.extend_from_slice(prefix.as_bytes());
    v.push(b'/');
    v.extend_from_slice(rel);
    v
}

/// An entry path for display and lookup (lossy where the bytes are not UTF-8).
pub(crate) fn path_string(rel: &[u8]) -> String {
    String::from_utf8_lossy(rel).into_owned()
}

/// The kind of a git mode (index entry or tree entry); `None` for a tree.
pub(crate) fn kind_of_git_mode(mode: u32) -> Option<EntryKind> {
    match mode & 0o170000 {
        0o100000 => Some(EntryKind::File),
        0o120000 => Some(EntryKind::Symlink),
        0o160000 => Some(EntryKind::Submodule),
        0o040000 => None,
        _ => Some(EntryKind::Special),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_rules() {
        assert!(is_clean(b"a/b.txt"));
        assert!(!is_clean(b""));
        assert!(!is_clean(b"/a"));
        assert!(!is_clean(b"a//b"));
        assert!(!is_clean(b"a/../b"));
        assert!(!is_clean(b"./a"));
        assert!(!is_clean(b"a/"));
        assert_eq!(under_prefix(b"a/b", ""), Some(&b"a/b"[..]));
        assert_eq!(under_prefix(b"sub/b", "sub"), Some(&b"b"[..]));
        assert_eq!(under_prefix(b"subx/b", "sub"), None);
        assert_eq!(under_prefix(b"sub", "sub"), None);
        assert_eq!(join_prefix("sub", b"b"), b"sub/b".to_vec());
        assert_eq!(join_prefix("", b"b"), b"b".to_vec());
    }
}
