//! Packed objects decoded the way git decodes them: every base a delta chain
//! passes through is kept, so the next object on the same chain costs one delta,
//! and each delta is inflated once.
//!
//! gitoxide's object store ([`super::odb`]) decodes a packed delta by walking its
//! chain down to the nearest cached object and applying every delta from there,
//! and it caches only the object it was asked for, never the bases on the way.
//! Packs deltify files against their neighbours in long chains (up to 50 deep
//! with git's defaults; 30 in the 100k benchmark's pack): read in path order, the
//! benchmark's 35,019 files took about 92,000 zlib streams that way, where git,
//! whose delta-base cache keeps every base it decodes, inflates about 30,000.
//! Here a chain is decoded from its farthest uncached base up and every base is
//! kept in an LRU of decoded bases per reader (as git's
//! `core.deltaBaseCacheLimit` cache, keyed by pack offset).
//!
//! The size limit is checked before anything is decoded but the asked object's
//! own delta: its header declares the size of the object it makes, so that
//! delta is inflated first (once: gix-pack's `decode_header` would inflate its
//! first bytes, then `decode_entry` all of it again, a full Huffman table
//! build each time, 4% of a `--rev` run's CPU), and the bases and the object
//! are decoded only when the limit admits it. A delta over [`BIG_DELTA`] bytes
//! is probed first instead (gix-pack's `decode_header`), so no large buffer is
//! filled for an object that is then refused. The packs, their indexes and
//! zlib are gix-pack's; the delta instructions are applied by [`delta`]
//! (gix-pack's decoder is crate-private). The packs opened are the repository's
//! and those of the databases it borrows from (alternates). Whatever is not in a
//! pack opened here (loose objects, a base in another pack, a chain longer than
//! [`MAX_CHAIN`], an entry that does not decode) is left to the object store,
//! which also words every error.
//!
//! A pack is read through a memory mapping, and every page a read touches
//! stays resident (and counts in the process's RSS) for as long as the mapping
//! lives: Linux maps the 64 KiB around each page faulted on, so reads spread
//! over a large pack would hold most of it (30 MB of the 55 MB pack of a
//! million-file repository). Git bounds what it maps of its packs
//! (`core.packedGitWindowSize`, `core.packedGitLimit`); here the pack's data
//! is mapped afresh once the reads have touched [`WINDOW`] bytes of it
//! (counted per 64 KiB, [`Touched`]), and the old mapping is unmapped when the
//! last reader lets it go (each takes the new one at its next read). A
//! private read-only mapping of an immutable file loses nothing by that: the
//! pages stay in the page cache, and a page read again is a minor fault. That
//! bounds the pack's share of the peak RSS at about [`WINDOW`] per reader at
//! worst, at no measurable CPU cost (as many minor faults either way: the
//! reads seldom return to a page they left). `unsafe` is forbidden in this
//! crate, so `madvise` on gix-pack's mapping is not an option; remapping the
//! file is. The index (28 bytes an object) stays mapped whole: lookups of
//! objects in tree order land anywhere in it, so a window of it would cost
//! a fault at nearly every lookup. A listing that kept what the policies reach
//! has its blobs found ahead of the pass instead, in the order of their ids,
//! when the indexes pass [`LOCATE_OVER`] ([`Packs::locate`]): the index is read
//! through once and mapped afresh, and the reads take the offsets found.

mod delta;
#[cfg(test)]
mod tests;

use gix_object::Kind;
use gix_pack::data::Entry;
use gix_pack::data::decode::header::ResolvedBase;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes of decoded bases a reader keeps (what an entry weighs: its bytes and
/// [`OVERHEAD`]). In the benchmark 1 MiB keeps every base the path order
/// comes back to; 4 MiB leaves room for larger files.
const BASES: usize = 4 << 20;
/// What a kept base weighs beyond its bytes (its allocation and LRU node).
const OVERHEAD: usize = 64;
/// Links of a chain walked; a longer (or cyclic, hostile) chain is left to the
/// object store, which checks for cycles.
const MAX_CHAIN: usize = 4096;
/// A delta over this many bytes has the size of its object probed before it
/// is inflated (most are a few hundred bytes).
const BIG_DELTA: u64 = 1 << 20;
/// Bytes of a pack's data mapped at once: once the reads have touched more
/// (counted in [`CHUNK`]s), the pack is mapped afresh, which lets the pages
/// go (see [`Touched`]). 1 MiB against 4 MiB: the same time, and a `--rev` run
/// of the 300k benchmark peaks at 33 MB instead of 37 (the 100k one at 21 MB
/// instead of 22).
const WINDOW: u64 = 1 << 20;
/// What a page fault maps of a file: Linux maps the 16 pages around the one
/// faulted on ("fault-around", 64 KiB).
const CHUNK: u64 = 64 << 10;

/// The packs of one object database (`objects/pack/*.idx` and their `.pack`).
pub(super) struct Packs {
    /// The current mapping and its generation.
    mapping: Mutex<(u64, Arc<Mapping>)>,
    generation: AtomicU64,
    /// [`WINDOW`], lowered by tests to map the packs afresh after every read.
    window: u64,
}

/// Where [`Packs::locate`] found no object: in no pack opened here.
pub(super) const NOWHERE: u64 = u64::MAX;
/// Indexes up to this size are not worth locating ahead ([`Packs::locate`]): their
/// pages stay resident, but never more than this, and each lookup as the object is
/// read costs less than sorting and looking up beforehand (7% of the wall time of a
/// `--staged` run of the 25k and 100k benchmarks, whose indexes are 0.7 and 2.5 MB).
pub(super) const LOCATE_OVER: u64 = 4 << 20;
/// The bits of an offset in a place [`Packs::locate`] gives (packs past 256 TiB are not
/// located).
const OFFSET_BITS: u32 = 48;

/// One mapping of every pack.
struct Mapping {
    packs: Vec<Arc<Pack>>,
}

struct Pack {
    /// Mapped whole, for as long as the packs are open (see the module doc).
    index: Arc<gix_pack::index::File>,
    /// How many of its objects' ids start with each byte or a lower one (as the
    /// index's own fan-out table, which `gix-pack` keeps private).
    fan: Arc<[u32; 256]>,
    data: gix_pack::data::File,
    touched: Touched,
}

/// What one reading thread owns: its zlib stream, its kept bases, and buffers.
pub(super) struct Reader {
    /// The pack that held the last object located.
    last: usize,
    inflate: gix_zlib::Inflate,
    bases: Bases,
    /// The links of the chain under decoding, nearest first.
    chain: Vec<Entry>,
    /// The asked object's delta, and one link's.
    delta: Vec<u8>,
    scratch: Vec<u8>,
    /// [`BIG_DELTA`], lowered by tests to take the probing path.
    big_delta: u64,
    /// The mapping of the packs this reader reads, and its generation.
    mapping: Option<(u64, Arc<Mapping>)>,
}

/// Where a delta chain ends: a kept base, or an object stored whole.
enum End {
    Kept(Arc<Base>),
    Whole(Entry, Kind),
}

impl Packs {
    /// The packs under `objects` whose index and data agree; a pack that does not
    /// open is skipped (the object store reads its objects, or says why not).
    pub(super) fn open(objects: &Path) -> Packs {
        // The repository's own packs, then those of the databases it borrows from
        // (`objects/info/alternates`, as `git clone --shared` or a CI's reference
        // repository leaves it), resolved as gitoxide resolves them; alternates that
        // do not resolve are left to the object store, which says why.
        let borrowed = std::env::current_dir()
            .ok()
            .and_then(|cwd| gix_odb::alternate::resolve(objects.to_path_buf(), &cwd).ok())
            .unwrap_or_default();
        let mut idx: Vec<PathBuf> = Vec::new();
        for dir in std::iter::once(objects.to_path_buf()).chain(borrowed) {
            let mut here: Vec<PathBuf> = std::fs::read_dir(dir.join("pack"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                .collect();
            here.sort();
            idx.extend(here);
        }
        let mut packs = Vec::new();
        for path in idx {
            let Ok(id) = u32::try_from(packs.len()) else {
                break;
            };
            let Ok(index) = gix_pack::index::File::at(&path, gix_hash::Kind::Sha1) else {
                continue;
            };
            // Kept bases are keyed by this id: one per pack opened here.
            if let Some(pack) = Pack::open(Arc::new(index), id, None) {
                packs.push(Arc::new(pack));
            }
        }
        Packs {
            mapping: Mutex::new((0, Arc::new(Mapping { packs }))),
            generation: AtomicU64::new(0),
            window: WINDOW,
        }
    }

    /// The bytes of the indexes opened (28 an object: id, CRC, offset).
    pub(super) fn index_bytes(&self) -> u64 {
        let current = self.mapping.lock().unwrap_or_else(|p| p.into_inner());
        current
            .1
            .packs
            .iter()
            .map(|p| u64::from(p.index.num_objects()) * 28)
            .sum()
    }

    /// Where each of the objects `ids` (in the order of their ids) is: its pack (the
    /// top 16 bits) and offset there, or [`NOWHERE`]; found in the order of the ids,
    /// then every index is mapped afresh.
    ///
    /// A run reads in path order, which is no order of the ids: looking each object
    /// up in an index as it is read lands anywhere in it, and every page touched stays
    /// resident (6.4 MB of the 300k benchmark's index, a fifth of a `--staged` run's
    /// peak). Looked up in the order of the ids, the index is read through once, and
    /// the mapping made afresh lets its pages go; a read given where its object is
    /// ([`Packs::read`]) does not touch the index.
    pub(super) fn locate(&self, ids: impl Iterator<Item = git2::Oid>) -> Vec<u64> {
        let mapping = {
            let current = self.mapping.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(&current.1)
        };
        let at = ids
            .map(|id| {
                let oid = gix_hash::oid::from_bytes_unchecked(id.as_bytes());
                mapping
                    .packs
                    .iter()
                    .enumerate()
                    .find_map(|(k, p)| {
                        let i = lookup(&p.index, &p.fan, oid)?;
                        let offset = p.index.pack_offset_at_index(i);
                        let k = u64::try_from(k)
                            .ok()
                            .filter(|k| *k < 1 << (64 - OFFSET_BITS))?;
                        (offset < 1 << OFFSET_BITS).then_some(k << OFFSET_BITS | offset)
                    })
                    .unwrap_or(NOWHERE)
            })
            .collect();
        drop(mapping);
        // Every index mapped afresh: the pages the lookups touched go with the old one.
        let mut current = self.mapping.lock().unwrap_or_else(|p| p.into_inner());
        let packs = current
            .1
            .packs
            .iter()
            .map(|old| {
                gix_pack::index::File::at(old.index.path(), gix_hash::Kind::Sha1)
                    .ok()
                    .and_then(|index| Pack::open(Arc::new(index), old.data.id, Some(old)))
                    .map_or_else(|| Arc::clone(old), Arc::new)
            })
            .collect();
        let generation = current.0.wrapping_add(1);
        *current = (generation, Arc::new(Mapping { packs }));
        self.generation.store(generation, Ordering::Release);
        at
    }

    /// Object `oid` decoded into `out` when `admit(kind, size)` says so:
    /// `Some(true)` when it was, `Some(false)` when `admit` refused it (nothing
    /// decoded), `None` when no pack opened here decodes it. `at`: where
    /// [`Packs::locate`] found it, if it was asked.
    pub(super) fn read<E>(
        &self,
        r: &mut Reader,
        oid: &gix_hash::oid,
        at: Option<u64>,
        admit: impl FnOnce(Kind, u64) -> Result<bool, E>,
        out: &mut Vec<u8>,
    ) -> Result<Option<bool>, E> {
        let mapping = self.mapping(r);
        let read = mapping.read(r, oid, at, admit, out);
        if mapping
            .packs
            .get(r.last)
            .is_some_and(|p| p.touched.bytes() > self.window)
        {
            self.remap(r.last, &mapping);
        }
        read
    }

    /// The current mapping of the packs, which `r` holds from now on.
    fn mapping(&self, r: &mut Reader) -> Arc<Mapping> {
        let generation = self.generation.load(Ordering::Acquire);
        if let Some((g, m)) = &r.mapping
            && *g == generation
        {
            return Arc::clone(m);
        }
        let current = self.mapping.lock().unwrap_or_else(|p| p.into_inner());
        r.mapping = Some((current.0, Arc::clone(&current.1)));
        Arc::clone(&current.1)
    }

    /// Maps the data of pack `i` afresh, unless another reader did it since
    /// `was` was current (or it no longer opens, when it stays as it was).
    fn remap(&self, i: usize, was: &Arc<Mapping>) {
        let mut current = self.mapping.lock().unwrap_or_else(|p| p.into_inner());
        if !Arc::ptr_eq(&current.1, was) {
            return;
        }
        let Some(old) = was.packs.get(i) else {
            return;
        };
        let Some(pack) = Pack::open(Arc::clone(&old.index), old.data.id, Some(old)) else {
            return;
        };
        let mut packs = was.packs.clone();
        packs[i] = Arc::new(pack);
        let generation = current.0.wrapping_add(1);
        *current = (generation, Arc::new(Mapping { packs }));
        self.generation.store(generation, Ordering::Release);
    }
}

impl Mapping {
    /// [`Packs::read`] in this mapping of the packs.
    fn read<E>(
        &self,
        r: &mut Reader,
        oid: &gix_hash::oid,
        at: Option<u64>,
        admit: impl FnOnce(Kind, u64) -> Result<bool, E>,
        out: &mut Vec<u8>,
    ) -> Result<Option<bool>, E> {
        let Some((pack, entry)) = self.locate(r, oid, at) else {
            return Ok(None);
        };
        let Some(p) = self.packs.get(pack) else {
            return Ok(None);
        };
        if let Some(kind) = entry.header.as_kind() {
            if !admit(kind, entry.decompressed_size)? {
                return Ok(Some(false));
            }
            return Ok(p.inflate(&entry, &mut r.inflate, out).map(|()| true));
        }
        // Kept already, as the base of an object read before.
        if let Some(kept) = r.bases.get(p.data.id, entry.data_offset) {
            if !admit(kept.kind, kept.data.len() as u64)? {
                return Ok(Some(false));
            }
            out.clear();
            out.extend_from_slice(&kept.data);
            return Ok(Some(true));
        }
        let Some(end) = p.chain(r, &entry) else {
            return Ok(None);
        };
        let kind = match &end {
            End::Kept(base) => base.kind,
            End::Whole(_, kind) => *kind,
        };
        // The size the object's delta declares, before any base is decoded.
        let big = entry.decompressed_size > r.big_delta;
        let size = if big {
            let resolve = |id: &gix_hash::oid| Ok(p.base(id).map(ResolvedBase::InPack));
            match p
                .data
                .decode_header(entry.clone(), &mut r.inflate, &resolve)
            {
                Ok(h) => h.object_size,
                Err(_) => return Ok(None),
            }
        } else {
            let Some(h) = p.delta(&entry, r) else {
                return Ok(None);
            };
            h.result
        };
        if !admit(kind, size)? {
            return Ok(Some(false));
        }
        if big && p.delta(&entry, r).is_none_or(|h| h.result != size) {
            return Ok(None);
        }
        Ok(p.decode(r, end, size, out).map(|()| true))
    }

    /// The pack that holds `oid`, and its entry there (at `at`, when it was located).
    fn locate(
        &self,
        r: &mut Reader,
        oid: &gix_hash::oid,
        at: Option<u64>,
    ) -> Option<(usize, Entry)> {
        let found = at.filter(|at| *at != NOWHERE).map(|at| {
            let pack = usize::try_from(at >> OFFSET_BITS).unwrap_or(usize::MAX);
            (pack, at & ((1 << OFFSET_BITS) - 1))
        });
        if let Some((pack, offset)) = found {
            let entry = self.packs.get(pack)?.entry(offset)?;
            r.last = pack;
            return Some((pack, entry));
        }
        // The pack of the last object first: a repository that was fetched into
        // many times has many packs, and neighbouring files are mostly in one.
        let first = r.last;
        let others = (0..self.packs.len()).filter(move |&i| i != first);
        let found = std::iter::once(first)
            .chain(others)
            .find_map(|pack| Some((pack, self.packs.get(pack)?.base(oid)?)))?;
        r.last = found.0;
        Some(found)
    }
}

/// The fan-out table of `index`: entry `b`, how many ids start with a byte `<= b`.
/// Read from the file's header (1 KiB); worked out from the ids when the header does
/// not agree with the mapped index (a binary search per byte touches pages across the
/// whole index, which then stay resident: 15 MB at a million objects).
fn fan_out(index: &gix_pack::index::File) -> [u32; 256] {
    read_fan(index).unwrap_or_else(|| fan_of_ids(index))
}

fn read_fan(index: &gix_pack::index::File) -> Option<[u32; 256]> {
    use std::io::Read;
    let at = match index.version() {
        gix_pack::index::Version::V1 => 0,
        gix_pack::index::Version::V2 => 8,
    };
    let mut head = vec![0u8; at + 1024];
    std::fs::File::open(index.path())
        .ok()?
        .read_exact(&mut head)
        .ok()?;
    let words = head.get(at..)?.as_chunks::<4>().0;
    let fan: [u32; 256] =
        std::array::from_fn(|b| words.get(b).map_or(u32::MAX, |w| u32::from_be_bytes(*w)));
    // Counts that never fall and end at the index's own number: a file replaced since
    // it was mapped is not taken.
    (fan.windows(2).all(|w| w[0] <= w[1]) && fan[255] == index.num_objects()).then_some(fan)
}

fn fan_of_ids(index: &gix_pack::index::File) -> [u32; 256] {
    let n = index.num_objects();
    let first = |i: u32| index.oid_at_index(i).first_byte();
    std::array::from_fn(|b| {
        // The ids are sorted: the first whose leading byte is above `b`.
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if usize::from(first(mid)) <= b {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    })
}

/// The position of `oid` in `index`, found as `gix-pack`'s `lookup` finds it (the
/// fan-out, then a binary search) but comparing ids by their first 8 bytes as one
/// number before the rest: its comparison called `memcmp` at every step, 2% of the
/// CPU of a `--staged` run that reads 35,000 blobs.
pub(super) fn lookup(
    index: &gix_pack::index::File,
    fan: &[u32; 256],
    oid: &gix_hash::oid,
) -> Option<u32> {
    let key = oid.as_bytes();
    let head = |id: &[u8]| id.first_chunk::<8>().map_or(0, |h| u64::from_be_bytes(*h));
    let b = usize::from(*key.first()?);
    let mut lo = match b.checked_sub(1) {
        Some(below) => *fan.get(below)?,
        None => 0,
    };
    let mut hi = *fan.get(b)?;
    let k = head(key);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let id = index.oid_at_index(mid).as_bytes();
        match head(id).cmp(&k).then_with(|| id.cmp(key)) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

impl Pack {
    /// The data of the pack of `index`, mapped, when they agree (and it is the
    /// same pack as `was`, when it is mapped again).
    fn open(index: Arc<gix_pack::index::File>, id: u32, was: Option<&Pack>) -> Option<Pack> {
        let path = index.path().with_extension("pack");
        let mut data = gix_pack::data::File::at(path, gix_hash::Kind::Sha1).ok()?;
        if index.pack_checksum() != data.checksum() || index.num_objects() != data.num_objects() {
            return None;
        }
        if was.is_some_and(|w| w.data.checksum() != data.checksum()) {
            return None;
        }
        data.id = id;
        let touched = Touched::new(data.data_len());
        let fan = match was {
            Some(w) => Arc::clone(&w.fan),
            None => Arc::new(fan_out(&index)),
        };
        Some(Pack {
            index,
            fan,
            data,
            touched,
        })
    }

    /// The entry of `oid` in this pack.
    fn base(&self, oid: &gix_hash::oid) -> Option<Entry> {
        let i = lookup(&self.index, &self.fan, oid)?;
        self.entry(self.index.pack_offset_at_index(i))
    }

    /// The entry whose header is at `offset`.
    fn entry(&self, offset: u64) -> Option<Entry> {
        let entry = self.data.entry(offset).ok()?;
        self.touched.mark(offset, entry.data_offset);
        Some(entry)
    }

    /// `entry` inflated into `out`: an object stored whole, or a delta.
    fn inflate(&self, entry: &Entry, z: &mut gix_zlib::Inflate, out: &mut Vec<u8>) -> Option<()> {
        let size = usize::try_from(entry.decompressed_size).ok()?;
        out.clear();
        out.try_reserve_exact(size).ok()?;
        out.resize(size, 0);
        let read = self.data.decompress_entry(entry, z, out).ok()?;
        self.touched
            .mark(entry.data_offset, entry.data_offset + read as u64);
        Some(())
    }

    /// The delta `entry` inflated into `r.delta`, and its header.
    fn delta(&self, entry: &Entry, r: &mut Reader) -> Option<delta::Header> {
        self.inflate(entry, &mut r.inflate, &mut r.delta)?;
        delta::header(&r.delta)
    }

    /// The links of the chain of the delta `entry` into `r.chain`, from its
    /// base down to (not including) where it ends.
    fn chain(&self, r: &mut Reader, entry: &Entry) -> Option<End> {
        r.chain.clear();
        let mut cursor = entry.clone();
        loop {
            let base = match cursor.header {
                gix_pack::data::entry::Header::OfsDelta { base_distance } => {
                    self.entry(cursor.checked_base_pack_offset(base_distance)?)?
                }
                gix_pack::data::entry::Header::RefDelta { base_id } => self.base(&base_id)?,
                _ => return None,
            };
            if let Some(kept) = r.bases.get(self.data.id, base.data_offset) {
                return Some(End::Kept(kept));
            }
            if let Some(kind) = base.header.as_kind() {
                return Some(End::Whole(base, kind));
            }
            if r.chain.len() >= MAX_CHAIN {
                return None;
            }
            r.chain.push(base.clone());
            cursor = base;
        }
    }

    /// The object whose delta is in `r.delta` (declaring `size`), decoded into
    /// `out` from the end of its chain up through `r.chain`, every base kept.
    fn decode(&self, r: &mut Reader, end: End, size: u64, out: &mut Vec<u8>) -> Option<()> {
        let id = self.data.id;
        let mut base = match end {
            End::Kept(base) => base,
            End::Whole(entry, kind) => {
                let mut data = Vec::new();
                self.inflate(&entry, &mut r.inflate, &mut data)?;
                r.bases.put(id, entry.data_offset, Base { data, kind })
            }
        };
        let chain = std::mem::take(&mut r.chain);
        for link in chain.iter().rev() {
            self.inflate(link, &mut r.inflate, &mut r.scratch)?;
            let mut data = Vec::new();
            apply(&base.data, &r.scratch, &mut data)?;
            let kind = base.kind;
            base = r.bases.put(id, link.data_offset, Base { data, kind });
        }
        r.chain = chain;
        let h = apply(&base.data, &r.delta, out)?;
        (h.result == size).then_some(())
    }
}

/// `delta` (with its header) applied to `base` into `out`; its header.
fn apply(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> Option<delta::Header> {
    let h = delta::header(delta)?;
    if h.base != base.len() as u64 {
        return None;
    }
    let size = usize::try_from(h.result).ok()?;
    delta::apply(base, delta.get(h.len..)?, size, out)?;
    Some(h)
}

impl Reader {
    /// Lets the mapping it holds go; it takes the current one at its next read.
    pub(super) fn forget_mapping(&mut self) {
        self.mapping = None;
    }

    pub(super) fn new() -> Self {
        Reader {
            last: 0,
            inflate: gix_zlib::Inflate::default(),
            bases: Bases::new(),
            chain: Vec::new(),
            delta: Vec::new(),
            scratch: Vec::new(),
            big_delta: BIG_DELTA,
            mapping: None,
        }
    }
}

/// The [`CHUNK`]s of a pack's data that the reads touched since it was mapped
/// (what of it the process holds, as far as they know).
struct Touched {
    chunks: Vec<AtomicU64>,
    count: AtomicU64,
}

impl Touched {
    fn new(len: usize) -> Self {
        let words = (len as u64).div_ceil(CHUNK).div_ceil(64);
        Touched {
            chunks: (0..words).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
        }
    }

    /// Bytes `from..to` of the pack were read.
    fn mark(&self, from: u64, to: u64) {
        for chunk in from / CHUNK..=to.saturating_sub(1).max(from) / CHUNK {
            let bit = 1u64 << (chunk % 64);
            let Some(word) = usize::try_from(chunk / 64)
                .ok()
                .and_then(|w| self.chunks.get(w))
            else {
                return;
            };
            if word.load(Ordering::Relaxed) & bit == 0
                && word.fetch_or(bit, Ordering::Relaxed) & bit == 0
            {
                self.count.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn bytes(&self) -> u64 {
        self.count.load(Ordering::Relaxed).saturating_mul(CHUNK)
    }
}

/// Decoded bases by (pack, offset), least recently used first out.
struct Bases {
    lru: clru::CLruCache<(u32, u64), Arc<Base>, std::hash::RandomState, Weight>,
}

struct Base {
    data: Vec<u8>,
    kind: Kind,
}

struct Weight;

impl clru::WeightScale<(u32, u64), Arc<Base>> for Weight {
    fn weight(&self, _: &(u32, u64), base: &Arc<Base>) -> usize {
        base.data.len() + OVERHEAD
    }
}

impl Bases {
    fn new() -> Self {
        let cap = std::num::NonZeroUsize::MIN.saturating_add(BASES - 1);
        Bases {
            lru: clru::CLruCache::with_config(clru::CLruCacheConfig::new(cap).with_scale(Weight)),
        }
    }

    fn get(&mut self, pack: u32, offset: u64) -> Option<Arc<Base>> {
        self.lru.get(&(pack, offset)).cloned()
    }

    /// Keeps `base` (unless it weighs more than the whole cache) and returns it.
    fn put(&mut self, pack: u32, offset: u64, base: Base) -> Arc<Base> {
        let base = Arc::new(base);
        let _ = self.lru.put_with_weight((pack, offset), Arc::clone(&base));
        base
    }
}
