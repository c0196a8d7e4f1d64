//! What every view shares: the sorted entries, per-entry source data, a read-once
//! cache of what was read, and the path rules.
//!
//! Paths are bytes in git and on disk. A view names each entry by an injective
//! text form ([`path_string`]): valid UTF-8 stays as it is, a literal backslash
//! is `\\` and every byte that is not part of valid UTF-8 is `\xHH`. Two
//! byte-distinct paths never share a name (a lossy decoding would merge
//! `override\xFF.env` with `override\u{FFFD}.env` and hide one of them), and the
//! name turns back into the exact bytes ([`path_bytes`]) to open the file.

use super::entries::{Builder, Items};
use super::{Content, Entries, EntryKind, EntryRef, ReadError, ViewStats};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// What a read leaves behind for the next caller: the content itself while the
/// cache is within its budget, else only a weak reference (the content lives as
/// long as a check holds it, and is read again if asked for after that).
#[derive(Clone)]
enum Slot {
    Kept(Arc<Content>),
    Held(Weak<Content>),
    Failed(Arc<ReadError>),
}

/// Shards of the read cache: threads reading different files rarely wait on one lock.
const SHARDS: usize = 16;

/// Bytes of content a report keeps to quote findings from (and, before the files
/// were judged in one pass, what the read cache kept).
pub const CACHE_BUDGET: usize = 256 << 20;

/// Bytes of content the read cache keeps for later readers. The files most checks
/// judge are read in one pass that keeps nothing ([`passing`]); what is read on demand
/// (a checklist, a ledger, a signed file: a few files named by policies) is kept within
/// this, so each is read once. Beyond it memory stays bounded whatever the size of the
/// repository, and a file nobody holds any more is read again if a later check asks.
pub const KEEP_BUDGET: usize = 8 << 20;

thread_local! {
    /// Set while [`passing`] runs on this thread.
    static PASSING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The content [`adopt`] hands to the read it makes on this thread.
    static ADOPTED: std::cell::RefCell<Option<Arc<Content>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `read` (reads of views on this thread) so that the read cache keeps nothing of
/// what it reads: for a pass over many files that uses each once and keeps only what it
/// found. A file already in the cache is taken from it; a file read this way counts as
/// read, and a later read of it reads it again.
pub fn passing<R>(read: impl FnOnce() -> R) -> R {
    let before = PASSING.with(|p| p.replace(true));
    let r = read();
    PASSING.with(|p| p.set(before));
    r
}

/// Puts `content`, read by [`passing`] as entry `path` of `view`, into the read cache
/// after all (e.g. a file with findings, which the report quotes), within
/// [`CACHE_BUDGET`], instead of reading it again when asked for. The one read of
/// `view` it makes takes `content` instead of reading.
pub fn adopt(view: &dyn super::View, path: &str, content: Arc<Content>) {
    ADOPTED.with(|a| *a.borrow_mut() = Some(content));
    let _ = view.read(path);
    ADOPTED.with(|a| a.borrow_mut().take());
}

/// Entries sorted by path (byte order of the names, deduplicated), each with the
/// data its view needs to read it (`T`), and a cache of the reads made so far.
/// Only files somebody read take memory in the cache.
pub(crate) struct Listing<T> {
    entries: Entries,
    items: Items<T>,
    read: [Mutex<HashMap<usize, Arc<OnceLock<Slot>>>>; SHARDS],
    /// Bytes the cache keeps, and how many it may.
    kept: AtomicUsize,
    /// Bytes it keeps that [`adopt`] gave it.
    adopted: AtomicUsize,
    budget: usize,
    /// Reads made (for tests of what a run touches).
    loads: AtomicUsize,
    /// Reads that gave content, and the bytes they gave (`--stats`).
    contents: AtomicUsize,
    bytes: AtomicU64,
    /// The folders of the entries, once asked for.
    dirs: OnceLock<Vec<String>>,
    /// One bit per entry read by [`passing`] (and not kept), for the stats.
    passed: Vec<AtomicU64>,
}

impl<T> Listing<T> {
    /// The listing of what `built` holds (sorted and deduplicated by
    /// [`Builder::finish`]).
    pub(crate) fn new(built: Builder<T>) -> Self
    where
        T: Clone,
    {
        let (entries, items) = built.finish();
        Listing {
            passed: (0..entries.len().div_ceil(64))
                .map(|_| AtomicU64::new(0))
                .collect(),
            entries,
            items,
            read: std::array::from_fn(|_| Mutex::new(HashMap::new())),
            kept: AtomicUsize::new(0),
            adopted: AtomicUsize::new(0),
            budget: KEEP_BUDGET,
            loads: AtomicUsize::new(0),
            contents: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            dirs: OnceLock::new(),
        }
    }

    /// The same listing with a cache of `budget` bytes.
    #[cfg(test)]
    pub(crate) fn with_budget(mut self, budget: usize) -> Self {
        self.budget = budget;
        self
    }

    pub(crate) fn entries(&self) -> &Entries {
        &self.entries
    }

    /// Every folder that holds an entry, sorted (computed once).
    pub(crate) fn dirs(&self) -> Vec<String> {
        self.dirs.get_or_init(|| dirs_of(&self.entries)).clone()
    }

    /// What the listing keeps beside entry `i` (a git view: its blob).
    pub(crate) fn item(&self, i: usize) -> Option<&T> {
        self.entries.item(&self.items, i)
    }

    /// Index of the entry at `path`.
    pub(crate) fn find(&self, path: &str) -> Option<usize> {
        self.entries.position(path)
    }

    /// The cached result of reading entry `i`, computed by `load` on first use.
    /// Concurrent callers for the same entry wait for the one that loads it.
    pub(crate) fn load(
        &self,
        i: usize,
        load: impl Fn(EntryRef<'_>, &T) -> Result<Arc<Content>, ReadError>,
    ) -> Result<Arc<Content>, ReadError> {
        let (Some(entry), Some(item)) = (self.entries.get(i), self.entries.item(&self.items, i))
        else {
            return Err(ReadError::NotFound {
                path: String::new(),
            });
        };
        if PASSING.with(std::cell::Cell::get) {
            let cached = self.read[i % SHARDS]
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&i)
                .cloned();
            if cached.is_none() {
                self.loads.fetch_add(1, Ordering::Relaxed);
                let c = load(entry, item)?;
                self.contents.fetch_add(1, Ordering::Relaxed);
                self.bytes
                    .fetch_add(c.bytes().len() as u64, Ordering::Relaxed);
                if let Some(w) = self.passed.get(i / 64) {
                    w.fetch_or(1 << (i % 64), Ordering::Relaxed);
                }
                return Ok(c);
            }
        }
        loop {
            let cell = {
                let mut shard = self.read[i % SHARDS]
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                Arc::clone(shard.entry(i).or_default())
            };
            let mut fresh = None;
            let slot = cell.get_or_init(|| {
                if let Some(c) = ADOPTED.with(|a| a.borrow_mut().take()) {
                    return self.adopted(c);
                }
                self.loads.fetch_add(1, Ordering::Relaxed);
                match load(entry, item) {
                    Ok(c) => {
                        self.contents.fetch_add(1, Ordering::Relaxed);
                        self.bytes
                            .fetch_add(c.bytes().len() as u64, Ordering::Relaxed);
                        let slot = self.keep(&c);
                        fresh = Some(c);
                        slot
                    }
                    Err(e) => Slot::Failed(Arc::new(e)),
                }
            });
            if let Some(c) = fresh {
                return Ok(c);
            }
            match slot {
                Slot::Kept(c) => return Ok(Arc::clone(c)),
                Slot::Failed(e) => return Err(ReadError::clone(e)),
                Slot::Held(w) => {
                    if let Some(c) = w.upgrade() {
                        return Ok(c);
                    }
                    // Dropped by everyone who read it: read again, once for all
                    // who ask now.
                    let mut shard = self.read[i % SHARDS]
                        .lock()
                        .unwrap_or_else(|p| p.into_inner());
                    if shard.get(&i).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                        shard.remove(&i);
                    }
                }
            }
        }
    }

    /// What the cache keeps of a content read by [`passing`] and adopted: itself
    /// within [`CACHE_BUDGET`] (beyond [`KEEP_BUDGET`]: what a report quotes).
    fn adopted(&self, c: Arc<Content>) -> Slot {
        let size = c.bytes().len();
        let fits = self
            .adopted
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |k| {
                k.checked_add(size).filter(|n| *n <= CACHE_BUDGET)
            })
            .is_ok();
        if fits {
            Slot::Kept(c)
        } else {
            Slot::Held(Arc::downgrade(&c))
        }
    }

    /// What the cache keeps of a content just read: itself within the budget.
    fn keep(&self, c: &Arc<Content>) -> Slot {
        let size = c.bytes().len();
        let fits = self
            .kept
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |k| {
                k.checked_add(size).filter(|n| *n <= self.budget)
            })
            .is_ok();
        if fits {
            Slot::Kept(Arc::clone(c))
        } else {
            Slot::Held(Arc::downgrade(c))
        }
    }

    /// What was listed and read so far; with `paths`, the paths of the files read.
    pub(crate) fn stats(&self, paths: bool) -> ViewStats {
        // Every entry whose content was read has a slot that is not a failure (a
        // content read again after it was freed still has one).
        let mut read: Vec<usize> = Vec::new();
        for shard in &self.read {
            let shard = shard.lock().unwrap_or_else(|p| p.into_inner());
            read.extend(
                shard
                    .iter()
                    .filter(|(_, cell)| matches!(cell.get(), Some(Slot::Kept(_) | Slot::Held(_))))
                    .map(|(i, _)| *i),
            );
        }
        for (w, bits) in self.passed.iter().enumerate() {
            let mut bits = bits.load(Ordering::Relaxed);
            while bits != 0 {
                read.push(w * 64 + bits.trailing_zeros() as usize);
                bits &= bits - 1;
            }
        }
        read.sort_unstable();
        read.dedup();
        ViewStats {
            listed: self.entries.listed(),
            read: read.len(),
            reads: self.contents.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            paths: paths.then(|| {
                read.iter()
                    .filter_map(|i| self.entries.path(*i).map(str::to_string))
                    .collect()
            }),
        }
    }

    /// How many reads were made (for tests of what a run touches).
    #[cfg(test)]
    pub(crate) fn read_count(&self) -> usize {
        self.loads.load(Ordering::Relaxed)
    }
}

/// Every folder that holds one of `entries` (sorted by path), sorted.
pub(crate) fn dirs_of(entries: &Entries) -> Vec<String> {
    let mut dirs: std::collections::HashSet<&str> = std::collections::HashSet::new();
    // Entries are sorted: neighbours mostly share their folder, compared, not hashed.
    let mut last = "";
    for e in entries {
        let Some(i) = e.path.rfind('/') else {
            continue;
        };
        let mut p = e.path.get(..i).unwrap_or_default();
        if p == last {
            continue;
        }
        last = p;
        // A folder already listed has its parents listed too.
        while dirs.insert(p) {
            match p.rfind('/') {
                Some(i) => p = p.get(..i).unwrap_or_default(),
                None => break,
            }
        }
    }
    let mut dirs: Vec<&str> = dirs.into_iter().collect();
    dirs.sort_unstable();
    dirs.into_iter().map(str::to_string).collect()
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

/// The part of `full` below `prefix` (empty = everything), if `full` lies under it.
pub(crate) fn under_prefix<'a>(full: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    if prefix.is_empty() {
        return Some(full);
    }
    let rest = full.strip_prefix(prefix)?;
    let rest = rest.strip_prefix(b"/")?;
    (!rest.is_empty()).then_some(rest)
}

/// `prefix/rel` as repository-relative bytes.
pub(crate) fn join_prefix(prefix: &[u8], rel: &[u8]) -> Vec<u8> {
    if prefix.is_empty() {
        return rel.to_vec();
    }
    let mut v = Vec::with_capacity(prefix.len() + 1 + rel.len());
    v.extend_from_slice(prefix);
    v.push(b'/');
    v.extend_from_slice(rel);
    v
}

/// Whether directory `dir` can hold paths under `prefix` (is above it or below it).
pub(crate) fn descends(dir: &[u8], prefix: &[u8]) -> bool {
    let p = prefix;
    p.is_empty()
        || dir == p
        || (p.starts_with(dir) && p.get(dir.len()) == Some(&b'/'))
        || (dir.starts_with(p) && dir.get(p.len()) == Some(&b'/'))
}

/// The name of a path: its bytes where they are UTF-8, `\\` for a backslash and
/// `\xHH` for every other byte. Injective, and [`path_bytes`] inverts it.
pub(crate) fn path_string(rel: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(rel)
        && !s.contains('\\')
    {
        return s.to_owned();
    }
    let mut s = String::with_capacity(rel.len());
    for chunk in rel.utf8_chunks() {
        let valid = chunk.valid();
        if valid.contains('\\') {
            s.push_str(&valid.replace('\\', "\\\\"));
        } else {
            s.push_str(valid);
        }
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02X}"));
        }
    }
    s
}

/// The bytes a name stands for; `None` when `name` is no name [`path_string`]
/// gives (e.g. `\x41`, which would be `A`, or a lone backslash).
pub(crate) fn path_bytes(name: &str) -> Option<Vec<u8>> {
    if !name.contains('\\') {
        return Some(name.as_bytes().to_vec());
    }
    let mut out = Vec::with_capacity(name.len());
    let b = name.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'\\') => {
                out.push(b'\\');
                i += 2;
            }
            Some(b'x') => {
                let hex = std::str::from_utf8(b.get(i + 2..i + 4)?).ok()?;
                if hex.bytes().any(|h| h.is_ascii_lowercase()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 4;
            }
            _ => return None,
        }
    }
    (path_string(&out) == name).then_some(out)
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
#[path = "listing_tests.rs"]
mod tests;
