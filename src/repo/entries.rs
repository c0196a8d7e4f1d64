//! The entries of a view, stored compactly.
//!
//! A listing is what a run keeps longest, and it grows with the repository. Here an
//! entry costs its path's bytes, an end offset (`u32`), its mode (`u16`: every mode git
//! and a file system give fits, a hostile tree's wider ones are kept beside) and its
//! kind (a byte), not a `String` of its own (24 bytes, and an allocation rounded up by the
//! allocator). Entries are packed in blocks of [`BLOCK`]: a block's paths are one
//! string, its offsets, modes, kinds and the view's data for each entry are slices of
//! the block's length. A block is filled to its final size as it is built, so neither
//! the listing nor its building ever holds the slack of a vector grown by doubling
//! (a listing built in one `Vec` held up to twice its size), and entry `i` is found by
//! a division. Paths are not front-coded: a path is a `&str` into its block, which
//! front coding would make a copy on every access.

use super::{EntryKind, OpenError};
use rayon::prelude::*;
use std::cmp::Ordering;

const BLOCK_BITS: u32 = 12;
/// Entries per block.
const BLOCK: usize = 1 << BLOCK_BITS;
/// A mode too wide for a `u16`, stored in [`Entries::wide`].
const WIDE: u16 = u16::MAX;
/// The longest path a listing holds: a block's paths are indexed by `u32`. (Paths on
/// disk are at most 4096 bytes; only a hostile tree or index has longer ones.)
pub const MAX_PATH: usize = (u32::MAX as usize) >> BLOCK_BITS;

/// One path in the view, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the view's root (PATH), `/`-separated, never starting with `/` or containing `..`.
    pub path: String,
    pub kind: EntryKind,
    /// What [`super::View::mode`] answers; `0` in the working tree until it is asked
    /// (the permission bits take an `lstat`, done only for the files a check asks about).
    pub(super) mode: u32,
}

#[cfg(test)]
impl Entry {
    pub(crate) fn new(path: String, kind: EntryKind, mode: u32) -> Entry {
        Entry { path, kind, mode }
    }
}

/// One path in the view, as the listing holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef<'a> {
    /// As [`Entry::path`].
    pub path: &'a str,
    pub kind: EntryKind,
    /// As [`Entry::mode`].
    pub(super) mode: u32,
}

impl EntryRef<'_> {
    pub fn to_entry(self) -> Entry {
        Entry {
            path: self.path.to_string(),
            kind: self.kind,
            mode: self.mode,
        }
    }
}

/// A view's entries, sorted by path (byte order of the names), each path once.
///
/// Entries that came out of order (the working tree's walk) stay where they came, and
/// `order` lists them sorted: four bytes an entry instead of a second copy of the
/// listing beside the first while it is sorted.
#[derive(Default)]
pub struct Entries {
    blocks: Vec<Block>,
    /// Entries stored.
    stored: usize,
    /// Where the `i`th entry (sorted) is stored, when they are not stored in order.
    order: Option<Box<[u32]>>,
    /// The modes of at least [`WIDE`], by where the entry is stored, in order: git
    /// writes and `lstat` gives 16-bit modes, only a crafted tree has wider ones.
    wide: Vec<(u32, u32)>,
    /// What a listing that kept only some entries ([`Builder::keeping`]) worked out
    /// from all of them.
    folded: Option<Box<Folded>>,
}

/// What a listing that does not keep every entry knows of all of them.
#[derive(Debug)]
pub(crate) struct Folded {
    /// Entries listed, kept or not.
    pub listed: usize,
    /// The paths that differ only in case ([`super::case::CaseFold`]); `None` when the
    /// paths did not come sorted, so the listing cannot tell.
    pub case: Option<Vec<(String, String)>>,
}

/// Which paths a listing keeps ([`Builder::keeping`]).
pub(crate) type Keep = std::sync::Arc<dyn Fn(&str) -> bool + Send + Sync>;

struct Block {
    paths: Box<str>,
    /// Where each entry's path ends in `paths`.
    ends: Box<[u32]>,
    modes: Box<[u16]>,
    kinds: Box<[EntryKind]>,
}

impl Entries {
    pub fn len(&self) -> usize {
        match &self.order {
            Some(order) => order.len(),
            None => self.stored,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries the view listed: [`Entries::len`], unless the listing kept only some.
    pub fn listed(&self) -> usize {
        self.folded.as_ref().map_or(self.len(), |f| f.listed)
    }

    /// What a listing that kept only some entries worked out from all of them.
    pub(crate) fn folded(&self) -> Option<&Folded> {
        self.folded.as_deref()
    }

    /// Where the `i`th entry is stored.
    fn slot(&self, i: usize) -> Option<usize> {
        match &self.order {
            Some(order) => order.get(i).map(|k| *k as usize),
            None => (i < self.stored).then_some(i),
        }
    }

    /// The `i`th entry.
    pub fn get(&self, i: usize) -> Option<EntryRef<'_>> {
        self.stored_at(self.slot(i)?)
    }

    fn stored_at(&self, k: usize) -> Option<EntryRef<'_>> {
        let b = self.blocks.get(k >> BLOCK_BITS)?;
        let j = k & (BLOCK - 1);
        Some(EntryRef {
            path: b.path(j)?,
            kind: *b.kinds.get(j)?,
            mode: match *b.modes.get(j)? {
                WIDE => self.wide_mode(k),
                m => u32::from(m),
            },
        })
    }

    /// The mode of the entry stored `k`th, marked [`WIDE`].
    fn wide_mode(&self, k: usize) -> u32 {
        wide_mode(&self.wide, k)
    }

    /// The path of the `i`th entry.
    pub fn path(&self, i: usize) -> Option<&str> {
        self.stored_path(self.slot(i)?)
    }

    fn stored_path(&self, k: usize) -> Option<&str> {
        self.blocks.get(k >> BLOCK_BITS)?.path(k & (BLOCK - 1))
    }

    /// What `items` (built with these entries) holds for the `i`th entry.
    pub(crate) fn item<'a, T>(&self, items: &'a Items<T>, i: usize) -> Option<&'a T> {
        items.get(self.slot(i)?)
    }

    pub fn first(&self) -> Option<EntryRef<'_>> {
        self.get(0)
    }

    pub fn last(&self) -> Option<EntryRef<'_>> {
        self.get(self.len().checked_sub(1)?)
    }

    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// The entries from the `i`th on.
    pub fn iter_from(&self, i: usize) -> Iter<'_> {
        Iter {
            entries: self,
            next: i.min(self.len()),
            end: self.len(),
        }
    }

    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = EntryRef<'_>> {
        (0..self.len()).into_par_iter().map(move |i| self.at(i))
    }

    /// The `i`th entry, which exists (`i` < [`Entries::len`]).
    fn at(&self, i: usize) -> EntryRef<'_> {
        self.get(i).unwrap_or(EntryRef {
            path: "",
            kind: EntryKind::Special,
            mode: 0,
        })
    }

    /// The index of the entry at `path` (a binary search).
    pub fn position(&self, path: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.path(mid)?.cmp(path) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The index of the first entry for which `pred` is false (`pred` holds for a
    /// prefix of the entries), as [`slice::partition_point`].
    pub fn partition_point(&self, mut pred: impl FnMut(EntryRef<'_>) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some(e) if pred(e) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }

    /// The entries of `list` (sorted by path, each once), e.g. for a view held in memory.
    pub(crate) fn of(list: &[Entry]) -> Result<Entries, OpenError> {
        let mut b = Builder::new();
        for e in list {
            b.push(&e.path, e.kind, e.mode, ())?;
        }
        Ok(b.finish().0)
    }
}

/// The mode of the entry stored `k`th, marked [`WIDE`], in `wide` ([`Entries::wide`]).
fn wide_mode(wide: &[(u32, u32)], k: usize) -> u32 {
    let k = u32::try_from(k).unwrap_or(u32::MAX);
    match wide.binary_search_by_key(&k, |(at, _)| *at) {
        Ok(at) => wide.get(at).map_or(u32::from(WIDE), |(_, m)| *m),
        Err(_) => u32::from(WIDE),
    }
}

impl Block {
    fn path(&self, j: usize) -> Option<&str> {
        let start = match j.checked_sub(1) {
            Some(k) => *self.ends.get(k)?,
            None => 0,
        };
        let end = *self.ends.get(j)?;
        self.paths.get(start as usize..end as usize)
    }
}

/// The entries in order.
#[derive(Clone)]
pub struct Iter<'a> {
    entries: &'a Entries,
    next: usize,
    end: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = EntryRef<'a>;

    fn next(&mut self) -> Option<EntryRef<'a>> {
        if self.next >= self.end {
            return None;
        }
        self.next += 1;
        self.entries.get(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<EntryRef<'a>> {
        self.next = self.next.saturating_add(n).min(self.end);
        self.next()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        self.entries.get(self.end)
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Entries {
    type Item = EntryRef<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The data a view keeps beside each entry (`T`), in the entries' blocks.
pub(crate) struct Items<T> {
    blocks: Vec<Box<[T]>>,
}

impl<T> Items<T> {
    /// What is stored `i`th (see [`Entries::item`]).
    fn get(&self, i: usize) -> Option<&T> {
        self.blocks.get(i >> BLOCK_BITS)?.get(i & (BLOCK - 1))
    }
}

/// Builds [`Entries`] (and the [`Items`] beside them) one entry at a time, in the
/// order the entries come; [`Builder::finish`] sorts them if they did not come sorted
/// (the listings of trees and of the index come sorted).
pub(crate) struct Builder<T> {
    done: Entries,
    items: Vec<Box<[T]>>,
    /// The block being filled.
    paths: String,
    ends: Vec<u32>,
    modes: Vec<u16>,
    kinds: Vec<EntryKind>,
    open: Vec<T>,
    /// Whether every entry so far came after the one before.
    sorted: bool,
    /// Which entries it keeps, and what it works out from every one.
    keep: Option<Keeping>,
}

/// A listing that keeps only some entries: every regular file `keep` refuses is
/// counted and folded into the case check, not stored.
struct Keeping {
    /// `None` until it is told ([`Builder::keep_from_now`]).
    keep: Option<Keep>,
    listed: usize,
    case: CaseCheck,
}

/// How a listing that keeps only some entries tells the case collisions of all.
enum CaseCheck {
    /// Folding the paths as they come: the fold also holds the path before, kept or
    /// not, and `sorted` says whether every path came after the one before (the fold
    /// needs them sorted).
    Fold {
        fold: super::case::CaseFold,
        sorted: bool,
    },
    /// As the lister tells them ([`Builder::case_is`]), for entries that do not come
    /// sorted; `None` until it does, or when it cannot.
    Told(Option<Vec<(String, String)>>),
}

impl CaseCheck {
    fn fold() -> Self {
        CaseCheck::Fold {
            fold: super::case::CaseFold::default(),
            sorted: true,
        }
    }
}

impl<T: Clone> Builder<T> {
    pub(crate) fn new() -> Self {
        Builder {
            done: Entries::default(),
            items: Vec::new(),
            paths: String::new(),
            ends: Vec::new(),
            modes: Vec::new(),
            kinds: Vec::new(),
            open: Vec::new(),
            sorted: true,
            keep: None,
        }
    }

    /// A builder that stores only the regular files `keep` keeps (and every entry
    /// that is not one: links, submodules, special files, which are few and decide
    /// how the paths below them read), counting and folding into the case check
    /// ([`super::case`]) every entry. The entries must come sorted for the fold.
    /// Without `keep`, it stores every entry until it is told what to keep
    /// ([`Builder::keep_from_now`]).
    pub(crate) fn keeping(keep: Option<Keep>) -> Self {
        Builder {
            keep: Some(Keeping {
                keep,
                listed: 0,
                case: CaseCheck::fold(),
            }),
            ..Builder::new()
        }
    }

    /// The same builder, for entries that do not come sorted: it does not fold them
    /// (nor leave out a name given twice in a row), and the lister tells the case
    /// collisions ([`Builder::case_is`]).
    pub(crate) fn unfolded(mut self) -> Self {
        if let Some(k) = &mut self.keep {
            k.case = CaseCheck::Told(None);
        }
        self
    }

    /// The case collisions of every entry listed, as the lister tells them (`None`:
    /// it cannot), for a builder that does not fold ([`Builder::unfolded`]).
    pub(crate) fn case_is(&mut self, case: Option<Vec<(String, String)>>) {
        if let Some(Keeping {
            case: CaseCheck::Told(told),
            ..
        }) = &mut self.keep
        {
            *told = case;
        }
    }

    /// Stores only the regular files `keep` keeps: those stored so far are filtered
    /// now, those to come as they come. (A builder that does not fold stores them all.)
    pub(crate) fn keep_from_now(&mut self, keep: Keep) {
        let Some(mut keeping) = self.keep.take() else {
            return;
        };
        let mut before = std::mem::replace(self, Builder::new());
        before.close();
        // Block by block, each let go once filtered: the entries stored before and
        // those kept of them are never all held together.
        let mut k = 0;
        for (block, items) in before.done.blocks.into_iter().zip(before.items) {
            for (j, item) in items.iter().enumerate() {
                let at = k;
                k += 1;
                let (Some(path), Some(&kind), Some(&mode)) =
                    (block.path(j), block.kinds.get(j), block.modes.get(j))
                else {
                    continue;
                };
                let mode = match mode {
                    WIDE => wide_mode(&before.done.wide, at),
                    m => u32::from(m),
                };
                if kind == EntryKind::File && !keep(path) {
                    continue;
                }
                // Every path was accepted once: none is refused again.
                let start = self.paths.len();
                self.paths.push_str(path);
                let _ = self.store(start, kind, mode, item.clone());
            }
        }
        keeping.keep = Some(keep);
        self.keep = Some(keeping);
    }

    /// Forgets every entry given so far, keeping what it keeps.
    pub(crate) fn restart(&mut self) {
        *self = match self.keep.take() {
            Some(Keeping {
                keep,
                case: CaseCheck::Told(_),
                ..
            }) => Builder::keeping(keep).unfolded(),
            Some(k) => Builder::keeping(k.keep),
            None => Builder::new(),
        };
    }

    /// Entries stored so far.
    pub(crate) fn len(&self) -> usize {
        self.done.stored + self.ends.len()
    }

    /// Entries listed so far, stored or not (what [`super::object::MAX_ENTRIES`] bounds).
    pub(crate) fn listed(&self) -> usize {
        self.keep.as_ref().map_or_else(|| self.len(), |k| k.listed)
    }

    /// Adds an entry named `name`. While the entries come sorted, an entry with the
    /// same name as the one before is left out (the first of the same bytes is kept);
    /// [`Builder::finish`] does the same for entries that did not come sorted.
    pub(crate) fn push(
        &mut self,
        name: &str,
        kind: EntryKind,
        mode: u32,
        item: T,
    ) -> Result<(), OpenError> {
        let start = self.paths.len();
        self.paths.push_str(name);
        self.pushed(start, kind, mode, item)
    }

    /// Adds the entry at path `rel` (bytes), named as [`super::listing::path_string`] names it.
    pub(crate) fn push_bytes(
        &mut self,
        rel: &[u8],
        kind: EntryKind,
        mode: u32,
        item: T,
    ) -> Result<(), OpenError> {
        let start = self.paths.len();
        match std::str::from_utf8(rel) {
            Ok(s) if !s.contains('\\') => self.paths.push_str(s),
            _ => self.paths.push_str(&super::listing::path_string(rel)),
        }
        self.pushed(start, kind, mode, item)
    }

    /// Keeps the name just written at `start..` in the open block's paths.
    fn pushed(
        &mut self,
        start: usize,
        kind: EntryKind,
        mode: u32,
        item: T,
    ) -> Result<(), OpenError> {
        let len = self.paths.len() - start;
        if len > MAX_PATH {
            return Err(OpenError::Git(format!(
                "a path of {len} bytes (over {MAX_PATH}): refusing the repository"
            )));
        }
        let name = self.paths.get(start..).unwrap_or_default();
        if let Some(k) = &mut self.keep {
            if let CaseCheck::Fold { fold, sorted } = &mut k.case {
                // (The fold compares the path with the one before as it takes it.)
                match fold.push(name) {
                    Ordering::Equal if k.listed > 0 => {
                        self.paths.truncate(start);
                        return Ok(());
                    }
                    Ordering::Greater => *sorted = false,
                    _ => {}
                }
            }
            k.listed += 1;
            if kind == EntryKind::File && k.keep.as_ref().is_some_and(|keep| !keep(name)) {
                self.paths.truncate(start);
                return Ok(());
            }
        }
        self.store(start, kind, mode, item)
    }

    /// Stores the entry whose name was just written at `start..` of the open block's
    /// paths (unless it is the name before, while they come sorted).
    fn store(
        &mut self,
        start: usize,
        kind: EntryKind,
        mode: u32,
        item: T,
    ) -> Result<(), OpenError> {
        let name = self.paths.get(start..).unwrap_or_default();
        let before = match self.ends.len().checked_sub(1) {
            Some(k) => {
                let from = k.checked_sub(1).and_then(|k| self.ends.get(k)).copied();
                self.paths.get(from.unwrap_or(0) as usize..start)
            }
            None => self
                .done
                .stored
                .checked_sub(1)
                .and_then(|k| self.done.stored_path(k)),
        };
        match before.map(|b| b.cmp(name)) {
            Some(Ordering::Equal) if self.sorted => {
                self.paths.truncate(start);
                return Ok(());
            }
            Some(Ordering::Greater) => self.sorted = false,
            _ => {}
        }
        if self.ends.is_empty() {
            self.ends.reserve_exact(BLOCK);
            self.modes.reserve_exact(BLOCK);
            self.kinds.reserve_exact(BLOCK);
            self.open.reserve_exact(BLOCK);
        }
        // A block holds at most BLOCK paths of at most MAX_PATH bytes: within u32.
        self.ends
            .push(u32::try_from(self.paths.len()).unwrap_or(u32::MAX));
        match u16::try_from(mode) {
            Ok(m) if m != WIDE => self.modes.push(m),
            _ => {
                // Stored where the end just pushed is.
                let at = u32::try_from(self.len() - 1).unwrap_or(u32::MAX);
                self.done.wide.push((at, mode));
                self.modes.push(WIDE);
            }
        }
        self.kinds.push(kind);
        self.open.push(item);
        if self.ends.len() == BLOCK {
            self.close();
        }
        Ok(())
    }

    /// Moves the open block into the finished ones, each part at its exact size.
    fn close(&mut self) {
        if self.ends.is_empty() {
            return;
        }
        // The next block's paths are about as long as this one's.
        let next = String::with_capacity(self.paths.len() + self.paths.len() / 8);
        let paths = std::mem::replace(&mut self.paths, next).into_boxed_str();
        let ends = std::mem::take(&mut self.ends).into_boxed_slice();
        self.done.stored += ends.len();
        self.done.blocks.push(Block {
            paths,
            ends,
            modes: std::mem::take(&mut self.modes).into_boxed_slice(),
            kinds: std::mem::take(&mut self.kinds).into_boxed_slice(),
        });
        self.items
            .push(std::mem::take(&mut self.open).into_boxed_slice());
    }

    /// The entries, sorted by name with each name once (the first that came), and
    /// the data beside them.
    pub(crate) fn finish(mut self) -> (Entries, Items<T>) {
        self.close();
        self.paths = String::new();
        let (mut entries, items) = (self.done, Items { blocks: self.items });
        if let Some(k) = self.keep {
            let case = match k.case {
                CaseCheck::Fold { fold, sorted } => sorted.then(|| fold.finish()),
                CaseCheck::Told(told) => told,
            };
            entries.folded = Some(Box::new(Folded {
                listed: k.listed,
                case,
            }));
        }
        if self.sorted {
            return (entries, items);
        }
        // A stable sort of where they are: the first of the same name is the one that
        // came first. (At most MAX_ENTRIES, within u32.)
        let mut order: Vec<u32> = (0..entries.stored)
            .filter_map(|k| u32::try_from(k).ok())
            .collect();
        order.sort_by(|a, b| {
            entries
                .stored_path(*a as usize)
                .cmp(&entries.stored_path(*b as usize))
        });
        order.dedup_by(|later, earlier| {
            entries.stored_path(*later as usize) == entries.stored_path(*earlier as usize)
        });
        entries.order = Some(order.into_boxed_slice());
        (entries, items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(names: &[&str]) -> (Entries, Items<usize>) {
        let mut b = Builder::new();
        for (i, n) in names.iter().enumerate() {
            b.push(n, EntryKind::File, 0o100644, i).unwrap();
        }
        b.finish()
    }

    fn names(e: &Entries) -> Vec<&str> {
        e.iter().map(|e| e.path).collect()
    }

    #[test]
    fn sorted_and_unsorted_input_list_each_name_once_the_first_kept() {
        let (e, items) = build(&["a", "b", "b", "c"]);
        assert_eq!(names(&e), ["a", "b", "c"]);
        assert_eq!(e.item(&items, 1), Some(&1));
        assert_eq!(e.item(&items, 2), Some(&3));
        let (e, items) = build(&["c", "b", "a", "b", "c"]);
        assert_eq!(names(&e), ["a", "b", "c"]);
        assert_eq!(
            (0..3)
                .map(|i| *e.item(&items, i).unwrap())
                .collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert_eq!(e.item(&items, 3), None);
        assert_eq!(e.position("b"), Some(1));
        assert_eq!(e.position("bb"), None);
    }

    #[test]
    fn a_keeping_listing_stores_what_it_keeps_and_counts_and_folds_every_entry() {
        let keep: Keep = std::sync::Arc::new(|p: &str| p.ends_with(".md"));
        let mut b = Builder::keeping(Some(keep.clone()));
        for (i, (n, kind)) in [
            ("Docs/x.rs", EntryKind::File),
            ("README.md", EntryKind::File),
            ("docs/a.md", EntryKind::File),
            ("docs/b.rs", EntryKind::File),
            ("docs/b.rs", EntryKind::File),
            ("link", EntryKind::Symlink),
            ("src/a.rs", EntryKind::File),
        ]
        .into_iter()
        .enumerate()
        {
            b.push(n, kind, 0o100644, i).unwrap();
        }
        assert_eq!((b.len(), b.listed()), (3, 6));
        let (e, items) = b.finish();
        assert_eq!(names(&e), ["README.md", "docs/a.md", "link"]);
        assert_eq!(e.item(&items, 2), Some(&5));
        assert_eq!(e.len(), 3);
        let folded = e.folded().unwrap();
        assert_eq!((e.listed(), folded.listed), (6, 6));
        // Folded from every path, kept or not.
        assert_eq!(
            folded.case,
            Some(vec![("docs".to_string(), "Docs".to_string())])
        );
        // Out of order, the fold cannot tell.
        let mut b = Builder::keeping(Some(keep));
        for n in ["b.md", "a.md"] {
            b.push(n, EntryKind::File, 0o100644, ()).unwrap();
        }
        let (e, _) = b.finish();
        assert_eq!(names(&e), ["a.md", "b.md"]);
        assert_eq!(e.folded().unwrap().case, None);
        // Without a filter nothing is folded: the listing is whole.
        let (e, _) = build(&["a", "b"]);
        assert!(e.folded().is_none());
        assert_eq!(e.listed(), 2);
    }

    #[test]
    fn a_listing_told_what_to_keep_late_filters_what_it_stored_before() {
        let keep: Keep = std::sync::Arc::new(|p: &str| p.ends_with(".md"));
        let list = [
            ("Docs/x.rs", EntryKind::File, 0o100644),
            ("README.md", EntryKind::File, 0o100755),
            ("docs/a.md", EntryKind::File, 0o1_000_000),
            ("docs/b.rs", EntryKind::File, 0o100644),
            ("link", EntryKind::Symlink, 0o120000),
            ("src/a.rs", EntryKind::File, 0o100644),
            ("src/z.md", EntryKind::File, 0o2_000_000),
        ];
        // Told before any entry, after some, after all; and never: what a builder
        // told from the start keeps, or everything.
        for told in [Some(0), Some(3), Some(7), None] {
            for sorted in [true, false] {
                let mut b = Builder::keeping(None);
                let order: Vec<usize> = if sorted {
                    (0..list.len()).collect()
                } else {
                    (0..list.len()).rev().collect()
                };
                for (k, &i) in order.iter().enumerate() {
                    if told == Some(k) {
                        b.keep_from_now(keep.clone());
                    }
                    let (n, kind, mode) = list[i];
                    b.push(n, kind, mode, i).unwrap();
                }
                if told == Some(list.len()) {
                    b.keep_from_now(keep.clone());
                }
                let (e, items) = b.finish();
                let want: &[&str] = match told {
                    Some(_) => &["README.md", "docs/a.md", "link", "src/z.md"],
                    None => &list.map(|(n, _, _)| n),
                };
                assert_eq!(names(&e), want, "{told:?} {sorted}");
                for (i, got) in e.iter().enumerate() {
                    let at = list.iter().position(|(n, _, _)| *n == got.path).unwrap();
                    assert_eq!((got.kind, got.mode), (list[at].1, list[at].2));
                    assert_eq!(e.item(&items, i), Some(&at));
                }
                let folded = e.folded().unwrap();
                assert_eq!(folded.listed, 7);
                let case = vec![("docs".to_string(), "Docs".to_string())];
                assert_eq!(folded.case, sorted.then_some(case));
            }
        }
    }

    /// Told late, after entries of several blocks, with wide modes among them: the
    /// blocks filtered one by one keep each kept entry's mode and item.
    #[test]
    fn a_listing_told_late_filters_block_by_block() {
        let n = 3 * BLOCK + 7;
        let name = |i: usize| format!("d/{i:06}.{}", if i.is_multiple_of(3) { "md" } else { "rs" });
        let mode = |i: usize| {
            if i.is_multiple_of(5) {
                0o1_000_000 + i as u32
            } else {
                0o100644
            }
        };
        let keep: Keep = std::sync::Arc::new(|p: &str| p.ends_with(".md"));
        for told in [BLOCK - 1, 2 * BLOCK + 3, n] {
            let mut b = Builder::keeping(None);
            for i in 0..n {
                if i == told {
                    b.keep_from_now(keep.clone());
                }
                b.push(&name(i), EntryKind::File, mode(i), i).unwrap();
            }
            if told == n {
                b.keep_from_now(keep.clone());
            }
            let (e, items) = b.finish();
            let want: Vec<usize> = (0..n).filter(|i| i.is_multiple_of(3)).collect();
            assert_eq!(e.len(), want.len(), "{told}");
            for (k, &i) in want.iter().enumerate() {
                let got = e.get(k).unwrap();
                assert_eq!((got.path, got.mode), (name(i).as_str(), mode(i)), "{told}");
                assert_eq!(e.item(&items, k), Some(&i));
            }
        }
    }

    #[test]
    fn entries_across_blocks_are_found_by_index_and_by_path() {
        let all: Vec<String> = (0..3 * BLOCK + 5).map(|i| format!("d/{i:06}")).collect();
        let mut b = Builder::new();
        // Out of order: every second name first.
        for (i, n) in all.iter().enumerate().rev() {
            b.push(n, EntryKind::Symlink, 0o120000, i).unwrap();
        }
        let (e, items) = b.finish();
        assert_eq!(e.len(), all.len());
        for (i, n) in all.iter().enumerate() {
            assert_eq!(e.path(i), Some(n.as_str()));
            assert_eq!(e.position(n), Some(i));
            assert_eq!(e.item(&items, i), Some(&i));
            assert_eq!(e.get(i).unwrap().kind, EntryKind::Symlink);
            assert_eq!(e.get(i).unwrap().mode, 0o120000);
        }
        assert_eq!(e.get(all.len()), None);
        assert_eq!(e.iter().rev().count(), all.len());
        assert_eq!(e.iter_from(all.len() - 2).count(), 2);
        assert_eq!(e.partition_point(|x| x.path < "d/004100"), 4100);
        assert_eq!(e.par_iter().count(), all.len());
        assert_eq!(
            e.iter().nth(BLOCK).map(|x| x.path),
            Some(all[BLOCK].as_str())
        );
    }

    /// Every mode reads back as pushed, the 16-bit ones and the wider ones a crafted
    /// tree may carry, across blocks, sorted or not, the first of a name kept.
    #[test]
    fn modes_of_every_width_read_back() {
        let modes = [
            0,
            0o100644,
            0o160000,
            0xFFFE,
            0xFFFF,
            0x1_0000,
            0o1100644,
            u32::MAX,
        ];
        let n = 2 * BLOCK + 3;
        let mode = |i: usize| modes[i % modes.len()];
        for sorted in [true, false] {
            let mut b = Builder::new();
            let order: Vec<usize> = if sorted {
                (0..n).collect()
            } else {
                (0..n).rev().collect()
            };
            for i in order {
                let name = format!("d/{i:06}");
                b.push(&name, EntryKind::File, mode(i), ()).unwrap();
                // The same name again, wider: the first stays.
                b.push(&name, EntryKind::File, u32::MAX - 1, ()).unwrap();
            }
            let (e, _) = b.finish();
            assert_eq!(e.len(), n);
            for i in 0..n {
                assert_eq!(e.get(i).unwrap().mode, mode(i), "{sorted} {i}");
            }
        }
    }

    #[test]
    fn names_are_the_injective_forms_of_the_bytes() {
        let mut b = Builder::new();
        b.push_bytes(b"a\\b", EntryKind::File, 0, ()).unwrap();
        b.push_bytes(b"a\xffb", EntryKind::File, 0, ()).unwrap();
        b.push_bytes(b"plain", EntryKind::File, 0, ()).unwrap();
        let (e, _) = b.finish();
        assert_eq!(names(&e), ["a\\\\b", "a\\xFFb", "plain"]);
    }

    #[test]
    fn a_path_over_the_limit_is_refused() {
        let mut b = Builder::new();
        let long = "x".repeat(MAX_PATH + 1);
        assert!(b.push(&long, EntryKind::File, 0, ()).is_err());
        b.push(&long[..MAX_PATH], EntryKind::File, 0, ()).unwrap();
        assert_eq!(b.finish().0.len(), 1);
    }
}
