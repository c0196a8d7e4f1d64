//! Packed objects decoded the way git decodes them: every base a delta chain
//! passes through is kept, so the next object on the same chain costs one delta.
//!
//! gitoxide's object store ([`super::odb`]) decodes a packed delta by walking its
//! chain down to the nearest cached object and applying every delta from there,
//! and it caches only the object it was asked for, never the bases on the way.
//! Packs deltify files against their neighbours in long chains (up to 50 deep
//! with git's defaults; 30 in the 100k benchmark's pack): read in path order, the
//! benchmark's 35,019 files took about 92,000 zlib streams that way, where git,
//! whose delta-base cache keeps every base it decodes, inflates about 30,000.
//! Here a chain is decoded from its farthest uncached base up, one gix-pack
//! decode per link, and every base is kept in an LRU of decoded bases per reader
//! (as git's `core.deltaBaseCacheLimit` cache, keyed by pack offset); the packs,
//! their indexes and the delta decoding are gix-pack's. Whatever is not in a
//! pack opened here (loose objects, alternates, a base in another pack, an
//! entry that does not decode) is left to the object store, which also words
//! every error.

use gix_object::Kind;
use gix_pack::data::decode::entry::ResolvedBase;
use gix_pack::data::{Entry, entry::Header};
use std::path::Path;

/// Bytes of decoded bases a reader keeps (what an entry weighs: its bytes and
/// [`OVERHEAD`]). In the benchmark 1 MiB keeps every base the path order
/// comes back to; 4 MiB leaves room for larger files.
const BASES: usize = 4 << 20;
/// What a kept base weighs beyond its bytes (its allocation and LRU node).
const OVERHEAD: usize = 64;
/// Links of a chain decoded one by one; a longer (or cyclic, hostile) chain is
/// left to gix-pack from there on, which checks for cycles.
const MAX_CHAIN: usize = 4096;

/// The packs of one object database (`objects/pack/*.idx` and their `.pack`).
pub(super) struct Packs {
    packs: Vec<Pack>,
}

struct Pack {
    index: gix_pack::index::File,
    data: gix_pack::data::File,
}

/// What one reading thread owns: its zlib stream, its kept bases, and buffers.
pub(super) struct Reader {
    /// The pack that held the last object located.
    last: usize,
    inflate: gix_zlib::Inflate,
    bases: Bases,
    chain: Vec<Entry>,
    scratch: Vec<u8>,
}

/// A packed object located, with its kind and size (nothing decoded yet but,
/// for a delta, the first bytes that give its size).
pub(super) struct Located {
    pack: usize,
    entry: Entry,
    pub(super) kind: Kind,
    pub(super) size: u64,
}

impl Packs {
    /// The packs under `objects` whose index and data agree; a pack that does not
    /// open is skipped (the object store reads its objects, or says why not).
    pub(super) fn open(objects: &Path) -> Packs {
        let mut idx: Vec<_> = std::fs::read_dir(objects.join("pack"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        idx.sort();
        let mut packs = Vec::new();
        for path in idx {
            let Ok(id) = u32::try_from(packs.len()) else {
                break;
            };
            let Ok(index) = gix_pack::index::File::at(&path, gix_hash::Kind::Sha1) else {
                continue;
            };
            let Ok(mut data) =
                gix_pack::data::File::at(path.with_extension("pack"), gix_hash::Kind::Sha1)
            else {
                continue;
            };
            if index.pack_checksum() != data.checksum() || index.num_objects() != data.num_objects()
            {
                continue;
            }
            // Kept bases are keyed by this id: one per pack opened here.
            data.id = id;
            packs.push(Pack { index, data });
        }
        Packs { packs }
    }

    /// Where `oid` is packed, with its kind and size; `None` when no pack opened
    /// here has it, or its header does not decode here.
    pub(super) fn locate(&self, r: &mut Reader, oid: &gix_hash::oid) -> Option<Located> {
        // The pack of the last object first: a repository that was fetched into
        // many times has many packs, and neighbouring files are mostly in one.
        let first = r.last;
        let others = (0..self.packs.len()).filter(move |&i| i != first);
        std::iter::once(first).chain(others).find_map(|pack| {
            let p = self.packs.get(pack)?;
            let entry = p.base(oid)?;
            let (kind, size) = match entry.header.as_kind() {
                Some(kind) => (kind, entry.decompressed_size),
                None => {
                    let resolve = |id: &gix_hash::oid| {
                        Ok(p.base(id)
                            .map(gix_pack::data::decode::header::ResolvedBase::InPack))
                    };
                    let h = p
                        .data
                        .decode_header(entry.clone(), &mut r.inflate, &resolve)
                        .ok()?;
                    (h.kind, h.object_size)
                }
            };
            r.last = pack;
            Some(Located {
                pack,
                entry,
                kind,
                size,
            })
        })
    }

    /// The bytes of the object `at` locates, in `out`; `None` when they do not
    /// decode here. Every base of its chain is kept for the next object.
    pub(super) fn decode(&self, r: &mut Reader, at: &Located, out: &mut Vec<u8>) -> Option<()> {
        let p = self.packs.get(at.pack)?;
        let id = p.data.id;
        let resolve =
            |oid: &gix_hash::oid, _: &mut Vec<u8>| Ok(p.base(oid).map(ResolvedBase::InPack));
        // The bases down to the first one kept, or to the root of the chain.
        r.chain.clear();
        let mut cursor = at.entry.clone();
        // (None when the object itself is kept, as the base of one read before.)
        while r.chain.len() < MAX_CHAIN && !r.bases.has(id, at.entry.data_offset) {
            let base = match cursor.header {
                Header::OfsDelta { base_distance } => p
                    .data
                    .entry(cursor.checked_base_pack_offset(base_distance)?)
                    .ok()?,
                Header::RefDelta { base_id } => p.base(&base_id)?,
                _ => break,
            };
            r.chain.push(base.clone());
            if r.bases.has(id, base.data_offset) {
                break;
            }
            cursor = base;
        }
        // From the farthest base up: each costs one delta (the root one inflate).
        r.bases.keep = true;
        for base in r.chain.iter().rev() {
            if r.bases.has(id, base.data_offset) {
                continue;
            }
            let decoded = p.data.decode_entry(
                base.clone(),
                &mut r.scratch,
                &mut r.inflate,
                &resolve,
                &mut r.bases,
            );
            let Ok(outcome) = decoded else {
                r.bases.keep = false;
                return None;
            };
            // gix-pack keeps what it resolved from deltas, not a whole object.
            if !base.header.is_delta() {
                gix_pack::cache::DecodeEntry::put(
                    &mut r.bases,
                    id,
                    base.data_offset,
                    &r.scratch,
                    outcome.kind,
                    outcome.compressed_size,
                );
            }
        }
        // The object itself is not kept: files are read once.
        r.bases.keep = false;
        p.data
            .decode_entry(
                at.entry.clone(),
                out,
                &mut r.inflate,
                &resolve,
                &mut r.bases,
            )
            .ok()
            .map(|_| ())
    }
}

impl Pack {
    /// The entry of `oid` in this pack.
    fn base(&self, oid: &gix_hash::oid) -> Option<Entry> {
        let i = self.index.lookup(oid)?;
        self.data.entry(self.index.pack_offset_at_index(i)).ok()
    }
}

impl Reader {
    pub(super) fn new() -> Self {
        Reader {
            last: 0,
            inflate: gix_zlib::Inflate::default(),
            bases: Bases::new(),
            chain: Vec::new(),
            scratch: Vec::new(),
        }
    }
}

/// Decoded bases by (pack, offset), least recently used first out.
struct Bases {
    lru: clru::CLruCache<(u32, u64), Base, std::hash::RandomState, Weight>,
    /// Whether what gix-pack resolves is kept (bases) or not (the object asked for).
    keep: bool,
}

struct Base {
    data: Vec<u8>,
    kind: Kind,
    compressed_size: usize,
}

struct Weight;

impl clru::WeightScale<(u32, u64), Base> for Weight {
    fn weight(&self, _: &(u32, u64), base: &Base) -> usize {
        base.data.len() + OVERHEAD
    }
}

impl Bases {
    fn new() -> Self {
        let cap = std::num::NonZeroUsize::MIN.saturating_add(BASES - 1);
        Bases {
            lru: clru::CLruCache::with_config(clru::CLruCacheConfig::new(cap).with_scale(Weight)),
            keep: false,
        }
    }

    fn has(&self, pack: u32, offset: u64) -> bool {
        self.lru.contains(&(pack, offset))
    }
}

impl gix_pack::cache::DecodeEntry for Bases {
    fn put(&mut self, pack: u32, offset: u64, data: &[u8], kind: Kind, compressed_size: usize) {
        if self.keep {
            // A base heavier than the whole cache is not kept.
            let _ = self.lru.put_with_weight(
                (pack, offset),
                Base {
                    data: data.to_vec(),
                    kind,
                    compressed_size,
                },
            );
        }
    }

    fn get(&mut self, pack: u32, offset: u64, out: &mut Vec<u8>) -> Option<(Kind, usize)> {
        let base = self.lru.get(&(pack, offset))?;
        out.clear();
        out.extend_from_slice(&base.data);
        Some((base.kind, base.compressed_size))
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::odb::{Blob, Odb};
    use crate::repo::testutil::TestRepo;
    use crate::repo::{Entry, EntryKind, ReadError};

    fn entry(path: &str) -> Entry {
        Entry {
            path: path.to_string(),
            kind: EntryKind::File,
            mode: 0o100644,
        }
    }

    /// Forty versions of one file packed as deep delta chains: every version
    /// reads as `git cat-file` prints it, in any order, with bases kept
    /// between reads and without (a fresh database per read); a version over
    /// the size limit is refused with its exact size, read from its delta.
    #[test]
    fn deep_delta_chains_read_as_git_reads_them() {
        let t = TestRepo::new();
        let mut text: String = (0..300).map(|i| format!("line {i}\n")).collect();
        let mut ids = Vec::new();
        for v in 0..40 {
            text = text.replacen(&format!("line {}\n", v * 7), &format!("v{v}\n"), 1);
            text.push_str(&format!("added in {v}\n"));
            t.write("a.txt", &text);
            t.commit_all(&format!("v{v}"));
            ids.push(t.git(&["rev-parse", "HEAD:a.txt"]));
        }
        t.git(&["repack", "-adfq", "--depth=50", "--window=50"]);
        t.git(&["prune-packed"]);
        // The pack does hold long chains (else this would test nothing).
        let idx = t.git(&["rev-parse", "--git-path", "objects/pack"]);
        let packs = std::fs::read_dir(t.abs(&idx)).unwrap();
        let idx = packs
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "idx"))
            .unwrap();
        let verify = t.git(&["verify-pack", "-v", idx.to_str().unwrap()]);
        let deepest = verify
            .lines()
            .filter_map(|l| l.strip_prefix("chain length = "))
            .filter_map(|l| l.split(':').next()?.parse::<usize>().ok())
            .max()
            .unwrap_or(0);
        assert!(deepest >= 20, "{verify}");

        let repo = t.repo();
        let want: Vec<Vec<u8>> = ids
            .iter()
            .map(|id| t.git(&["cat-file", "blob", id]).into_bytes())
            .collect();
        let read = |odb: &Odb, i: usize| {
            let blob = Blob {
                db: 0,
                oid: git2::Oid::from_str(&ids[i]).unwrap(),
            };
            odb.load(&entry("a.txt"), blob).map(|c| c.bytes().to_vec())
        };
        let kept = Odb::new(&repo, u64::MAX);
        let orders: [Vec<usize>; 3] = [
            (0..ids.len()).collect(),
            (0..ids.len()).rev().collect(),
            (0..ids.len()).map(|i| (i * 17) % ids.len()).collect(),
        ];
        for order in &orders {
            for &i in order {
                // `git cat-file` output lost its last newline to the trim.
                let mut got = read(&kept, i).unwrap();
                assert_eq!(got.pop(), Some(b'\n'));
                assert_eq!(got, want[i], "version {i}");
                let fresh = Odb::new(&repo, u64::MAX);
                assert_eq!(read(&fresh, i).unwrap().len(), want[i].len() + 1);
            }
        }
        // The packs themselves decode every version (the object store, which
        // would read the same bytes, is not asked).
        let packs = super::Packs::open(&t.abs(".git/objects"));
        let mut r = super::Reader::new();
        let mut out = Vec::new();
        for order in &orders {
            for &i in order {
                let oid = gix_hash::ObjectId::from_hex(ids[i].as_bytes()).unwrap();
                let at = packs.locate(&mut r, &oid).unwrap();
                assert_eq!(at.size, want[i].len() as u64 + 1);
                packs.decode(&mut r, &at, &mut out).unwrap();
                assert_eq!(&out[..want[i].len()], want[i].as_slice(), "version {i}");
            }
        }
        let size = want[39].len() as u64 + 1;
        let limited = Odb::new(&repo, size - 1);
        assert!(matches!(
            read(&limited, 39),
            Err(ReadError::TooLarge { size: s, .. }) if s == size
        ));
        assert_eq!(read(&limited, 0).unwrap().len(), want[0].len() + 1);
    }

    /// Objects spread over several packs (a repository fetched into without a
    /// repack) are found in each, whichever pack held the one before.
    #[test]
    fn objects_in_several_packs() {
        let t = TestRepo::new();
        let mut ids = Vec::new();
        for v in 0..4 {
            t.write(&format!("f{v}.txt"), &format!("file {v}\n").repeat(50));
            t.commit_all(&format!("v{v}"));
            // Packs what is loose: one more pack per commit.
            t.git(&["repack", "-dq"]);
            ids.push(t.git(&["rev-parse", &format!("HEAD:f{v}.txt")]));
        }
        let dir = std::fs::read_dir(t.abs(".git/objects/pack")).unwrap();
        let count = dir
            .filter(|e| {
                let path = e.as_ref().unwrap().path();
                path.extension().is_some_and(|x| x == "idx")
            })
            .count();
        assert_eq!(count, 4);
        let packs = super::Packs::open(&t.abs(".git/objects"));
        let mut r = super::Reader::new();
        let mut out = Vec::new();
        for i in [3, 0, 2, 1, 1, 3] {
            let oid = gix_hash::ObjectId::from_hex(ids[i].as_bytes()).unwrap();
            let at = packs.locate(&mut r, &oid).unwrap();
            packs.decode(&mut r, &at, &mut out).unwrap();
            assert_eq!(out, format!("file {i}\n").repeat(50).into_bytes());
        }
        let absent = gix_hash::ObjectId::from_hex(&[b'1'; 40]).unwrap();
        assert!(packs.locate(&mut r, &absent).is_none());
    }
}
