//! Reading blobs and trees from object databases: the repository's own and those
//! of its checked-out submodules, from any thread.
//!
//! libgit2 (the `git2` crate) discovers repositories, resolves revisions and diffs;
//! objects are read with gitoxide's object store (`gix-odb`), which reads packs
//! without a process-wide lock and keeps a zlib stream and a delta-base cache per
//! handle: on 35,000 blobs it measured 2.5 times faster than libgit2 (whose every
//! read takes one global pack lock and allocates a zlib stream). Each reading
//! thread takes a handle of its own from a pool. What is packed is decoded by
//! [`super::packs`] first, which keeps every base of a delta chain as git does
//! (the store keeps only the objects asked for): 25% less CPU on the same blobs.
//! Replacement refs are not applied (as libgit2 does not), and ids are not
//! re-hashed on read (as `git cat-file` does not).

use super::lfs;
use super::listing;
use super::packs::{self, Packs};
use super::{Content, EntryKind, EntryRef, ReadError};
use gix_object::{Find, FindHeader};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A blob (or a link target) in one of the databases of an [`Odb`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Blob {
    /// Which database ([`Odb::add`]'s answer).
    pub(crate) db: u16,
    pub(crate) oid: git2::Oid,
}

/// The object databases a view reads from: the repository's first.
pub(crate) struct Odb {
    stores: Vec<Store>,
    pub(crate) max_size: u64,
    /// Indexes up to this many bytes are not located ahead ([`packs::LOCATE_OVER`]).
    locate_over: u64,
}

/// Why an object could not be read.
#[derive(Debug)]
pub(crate) enum ObjectError {
    Missing(git2::Oid),
    Kind {
        oid: git2::Oid,
        kind: gix_object::Kind,
    },
    Git(String),
}

impl std::fmt::Display for ObjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ObjectError::Missing(oid) => write!(f, "object {oid} is not in the repository"),
            ObjectError::Kind { oid, kind } => write!(f, "object {oid} is a {kind}"),
            ObjectError::Git(m) => f.write_str(m),
        }
    }
}

/// A tree's entry as [`Odb::tree`] lists it.
pub(crate) struct TreeItem<'a> {
    pub(crate) name: &'a [u8],
    /// The mode as the tree stores it (`100644`, `40000`, `160000`, …).
    pub(crate) mode: u32,
    pub(crate) oid: git2::Oid,
    pub(crate) is_tree: bool,
}

impl Odb {
    pub(crate) fn new(repo: &git2::Repository, max_size: u64) -> Self {
        Odb {
            stores: vec![Store::new(repo)],
            max_size,
            locate_over: packs::LOCATE_OVER,
        }
    }

    /// The same, locating ahead whatever the size of the indexes (for a test).
    #[cfg(test)]
    pub(crate) fn locating_any(mut self) -> Self {
        self.locate_over = 0;
        self
    }

    /// Adds the database of `repo` (a submodule's) and returns its number; `None`
    /// past 65,535 databases.
    pub(crate) fn add(&mut self, repo: &git2::Repository) -> Option<u16> {
        let db = u16::try_from(self.stores.len()).ok()?;
        self.stores.push(Store::new(repo));
        Some(db)
    }

    /// Calls `each` for every entry of tree `oid` in database `db`, in tree order.
    pub(crate) fn tree(
        &self,
        db: u16,
        oid: git2::Oid,
        mut each: impl FnMut(TreeItem<'_>),
    ) -> Result<(), ObjectError> {
        let store = self.store(db)?;
        store.with(|r| {
            let data =
                match store.packed(r, oid, None, |kind, _| Ok(kind == gix_object::Kind::Tree))? {
                    Some(true) => gix_object::Data {
                        kind: gix_object::Kind::Tree,
                        object_hash: gix_hash::Kind::Sha1,
                        data: &r.buf,
                    },
                    // In no pack opened here, or not a tree: the object store says what it is.
                    _ => find(&r.handle, oid, &mut r.buf)?,
                };
            if data.kind != gix_object::Kind::Tree {
                return Err(ObjectError::Kind {
                    oid,
                    kind: data.kind,
                });
            }
            for e in gix_object::TreeRefIter::from_bytes(data.data, gix_hash::Kind::Sha1) {
                let e = e.map_err(|e| ObjectError::Git(format!("tree {oid}: {e}")))?;
                each(TreeItem {
                    name: e.filename.as_ref(),
                    mode: u32::from(e.mode.value()),
                    oid: to_git2(e.oid)?,
                    is_tree: e.mode.is_tree(),
                });
            }
            Ok(())
        })
    }

    /// The content of `entry`, stored as `blob`: a file's bytes, else the error
    /// that says why it is not read.
    pub(crate) fn load(&self, entry: EntryRef<'_>, blob: Blob) -> Result<Arc<Content>, ReadError> {
        self.load_at(entry, blob, None)
    }

    /// [`Odb::load`] of a blob [`Odb::locate`] found at `at`, if it was asked.
    pub(crate) fn load_at(
        &self,
        entry: EntryRef<'_>,
        blob: Blob,
        at: Option<u64>,
    ) -> Result<Arc<Content>, ReadError> {
        let path = entry.path;
        match entry.kind {
            EntryKind::Special => Err(ReadError::Special {
                path: path.to_string(),
            }),
            EntryKind::Submodule => Err(ReadError::Submodule {
                path: path.to_string(),
            }),
            EntryKind::File => {
                let content = self.blob(path, blob, at)?;
                lfs::refuse_pointer(path, &content)?;
                Ok(Arc::new(content))
            }
            EntryKind::Symlink => {
                let target = self.blob(path, blob, at)?;
                Err(ReadError::Symlink {
                    path: path.to_string(),
                    target: listing::path_string(target.bytes()),
                })
            }
        }
    }

    /// Where the blob of each of `places` (of `0..n`; the repository's own, as
    /// `blob_at` gives them) is in its packs, by place ([`Packs::locate`]: found in
    /// the order of their ids). Only the places are sorted: 4 bytes a blob. `None`
    /// when the packs' indexes are small enough to be looked up as the blobs are read
    /// ([`packs::LOCATE_OVER`]); the places are not asked for then.
    pub(crate) fn locate(
        &self,
        n: usize,
        places: impl FnOnce() -> Vec<u32>,
        blob_at: impl Fn(u32) -> Option<git2::Oid> + Sync,
    ) -> Option<Box<[u64]>> {
        use rayon::prelude::*;
        let store = self.stores.first()?;
        let packs = store.packs.get_or_init(|| Packs::open(&store.objects));
        if packs.index_bytes() <= self.locate_over {
            return None;
        }
        let mut places = places();
        let mut at = vec![packs::NOWHERE; n].into_boxed_slice();
        places.retain(|p| blob_at(*p).is_some());
        places.par_sort_unstable_by_key(|p| blob_at(*p));
        let found = packs.locate(places.iter().filter_map(|p| blob_at(*p)));
        for (place, found) in places.iter().zip(found) {
            if let Some(slot) = at.get_mut(*place as usize) {
                *slot = found;
            }
        }
        // Readers that are not reading let the former mapping go now (a reader takes
        // the current one at its next read), so the index pages it holds go too.
        for r in store
            .free
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter_mut()
        {
            r.packed.forget_mapping();
        }
        for slot in store.slots.get().into_iter().flatten() {
            if let Some(r) = slot.0.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
                r.packed.forget_mapping();
            }
        }
        Some(at)
    }

    fn store(&self, db: u16) -> Result<&Store, ObjectError> {
        self.stores
            .get(usize::from(db))
            .ok_or_else(|| ObjectError::Git(format!("no object database {db}")))
    }

    fn blob(&self, path: &str, blob: Blob, at: Option<u64>) -> Result<Content, ReadError> {
        let git = |e: ObjectError| ReadError::Git {
            path: path.to_string(),
            message: e.to_string(),
        };
        let oid = blob.oid;
        let store = self.store(blob.db).map_err(git)?;
        // The kind and size from the header first: a blob over the limit is never
        // inflated.
        let admit = |kind, size: u64| {
            if kind != gix_object::Kind::Blob {
                return Err(ObjectError::Kind { oid, kind });
            }
            if size > self.max_size {
                return Ok(Err(ReadError::TooLarge {
                    path: path.to_string(),
                    size,
                    max: self.max_size,
                }));
            }
            Ok(Ok(()))
        };
        store
            .with(|r| {
                let mut refused = None;
                let packed = store.packed(r, oid, at, |kind, size| match admit(kind, size)? {
                    Ok(()) => Ok(true),
                    Err(e) => {
                        refused = Some(e);
                        Ok(false)
                    }
                })?;
                if let Some(e) = refused {
                    return Ok(Err(e));
                }
                if packed == Some(true) {
                    // Decoded into a buffer of its size: handed over, not copied
                    // (without the slack of a larger object it held before).
                    let mut bytes = std::mem::take(&mut r.buf);
                    bytes.shrink_to_fit();
                    return Ok(Ok(Content::new(bytes)));
                }
                let id = to_gix(&oid)?;
                let header = r
                    .handle
                    .try_header(id)
                    .map_err(|e| ObjectError::Git(e.to_string()))?
                    .ok_or(ObjectError::Missing(oid))?;
                if let Err(e) = admit(header.kind, header.size)? {
                    return Ok(Err(e));
                }
                let data = find(&r.handle, oid, &mut r.buf)?;
                Ok(Ok(Content::new(data.data.to_vec())))
            })
            .map_err(git)?
    }
}

type Handle = gix_odb::Cache<gix_odb::store::Handle<Arc<gix_odb::Store>>>;

/// One object store and the handles of the threads that read from it.
struct Store {
    objects: PathBuf,
    store: std::sync::OnceLock<Result<Arc<gix_odb::Store>, String>>,
    /// Its packs, opened for [`packs`]' decoding.
    packs: std::sync::OnceLock<Packs>,
    /// A reader for each thread of the pool, by its index: a thread takes its own,
    /// so two threads never contend for one lock (a shared pool's lock, taken twice
    /// a file, cost 2-3% of the CPU of a run on 2 cores).
    /// (Made by the first thread of a pool that reads: asking for the pool's size
    /// sooner would start rayon's default pool before the run builds its own.)
    slots: std::sync::OnceLock<Box<[Slot]>>,
    /// Readers of the threads outside the pool.
    free: Mutex<Vec<Reader>>,
}

/// One thread's reader, on a cache line of its own.
#[repr(align(128))]
#[derive(Default)]
struct Slot(Mutex<Option<Reader>>);

/// What one reading thread holds: an object-store handle, the packs' reader
/// and a buffer for what they decode.
struct Reader {
    handle: Handle,
    packed: packs::Reader,
    buf: Vec<u8>,
}

impl Store {
    fn new(repo: &git2::Repository) -> Self {
        // Linked worktrees share the common directory's objects.
        Store {
            objects: repo.commondir().join("objects"),
            store: std::sync::OnceLock::new(),
            packs: std::sync::OnceLock::new(),
            slots: std::sync::OnceLock::new(),
            free: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` with a reader of its own, taken from (and given back to) the
    /// thread's slot, or the pool of the others: any thread may call this.
    fn with<R>(
        &self,
        f: impl FnOnce(&mut Reader) -> Result<R, ObjectError>,
    ) -> Result<R, ObjectError> {
        let slot = rayon::current_thread_index().and_then(|i| {
            self.slots
                .get_or_init(|| {
                    (0..rayon::current_num_threads())
                        .map(|_| Slot::default())
                        .collect()
                })
                .get(i)
        });
        let pooled = match slot {
            Some(s) => s.0.lock().unwrap_or_else(|p| p.into_inner()).take(),
            None => self.free.lock().unwrap_or_else(|p| p.into_inner()).pop(),
        };
        let mut reader = match pooled {
            Some(r) => r,
            None => {
                // A handle decodes the delta chains of what [`packs`] leaves to it;
                // without a cache of decoded bases it inflates every chain from its
                // base, object after object: 1 MiB of them, by pack offset.
                let handle = self.open()?.to_cache_arc().with_pack_cache(|| {
                    Box::new(gix_pack::cache::lru::MemoryCappedHashmap::new(1 << 20))
                });
                Reader {
                    handle,
                    packed: packs::Reader::new(),
                    buf: Vec::new(),
                }
            }
        };
        let result = f(&mut reader);
        // A huge buffer is not kept for the next read.
        if reader.buf.capacity() > 1 << 20 {
            reader.buf = Vec::new();
        }
        match slot {
            Some(s) => *s.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(reader),
            None => self
                .free
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(reader),
        }
        result
    }

    /// Object `oid` from a pack [`packs`] opened, decoded into `r.buf` when
    /// `admit(kind, size)` says so: `Some(true)` when it was, `Some(false)` when
    /// `admit` refused it, `None` when no pack opened here decodes it (the object
    /// store is asked then).
    fn packed(
        &self,
        r: &mut Reader,
        oid: git2::Oid,
        at: Option<u64>,
        admit: impl FnOnce(gix_object::Kind, u64) -> Result<bool, ObjectError>,
    ) -> Result<Option<bool>, ObjectError> {
        let packs = self.packs.get_or_init(|| Packs::open(&self.objects));
        packs.read(&mut r.packed, to_gix(&oid)?, at, admit, &mut r.buf)
    }

    fn open(&self) -> Result<&Arc<gix_odb::Store>, ObjectError> {
        self.store
            .get_or_init(|| open_store(&self.objects))
            .as_ref()
            .map_err(|e| ObjectError::Git(e.clone()))
    }
}

fn open_store(objects: &Path) -> Result<Arc<gix_odb::Store>, String> {
    gix_odb::Store::at_opts(
        objects.to_path_buf(),
        gix_hash::Kind::Sha1,
        &mut std::iter::empty(),
        gix_odb::store::init::Options::default(),
    )
    .map(Arc::new)
    .map_err(|e| format!("{}: {e}", objects.display()))
}

fn find<'a>(
    h: &Handle,
    oid: git2::Oid,
    buf: &'a mut Vec<u8>,
) -> Result<gix_object::Data<'a>, ObjectError> {
    h.try_find(to_gix(&oid)?, buf)
        .map_err(|e| ObjectError::Git(e.to_string()))?
        .ok_or(ObjectError::Missing(oid))
}

fn to_gix(oid: &git2::Oid) -> Result<&gix_hash::oid, ObjectError> {
    gix_hash::oid::try_from_bytes(oid.as_bytes()).map_err(|e| ObjectError::Git(e.to_string()))
}

fn to_git2(oid: &gix_hash::oid) -> Result<git2::Oid, ObjectError> {
    git2::Oid::from_bytes(oid.as_bytes()).map_err(|e| ObjectError::Git(e.message().to_string()))
}

#[cfg(test)]
mod tests {
    use crate::repo::index::IndexView;
    use crate::repo::testutil::{TestRepo, head_view, paths};
    use crate::repo::{ReadError, View};

    /// Loose objects, then the same objects packed (most of them as deltas): the
    /// same bytes, and the size limit still read from the header.
    #[test]
    fn loose_and_packed_objects_read_alike() {
        let t = TestRepo::new();
        let big: String = (0..2000).map(|i| format!("line {i}\n")).collect();
        t.write("a.txt", &big);
        t.write("sub/b.txt", "b\n");
        t.commit_all("one");
        t.write("a.txt", &format!("{big}one more\n"));
        t.commit_all("two");
        let read = |t: &TestRepo| {
            let repo = t.repo();
            let v = head_view(&repo);
            (paths(&v), v.read("a.txt").unwrap().bytes().to_vec())
        };
        let loose = read(&t);
        t.git(&["repack", "-adq", "--depth=10"]);
        t.git(&["prune-packed"]);
        assert!(
            std::fs::read_dir(t.abs(".git/objects/pack"))
                .unwrap()
                .count()
                >= 2
        );
        assert_eq!(read(&t), loose);
        assert_eq!(loose.1.len(), big.len() + "one more\n".len());
        let repo = t.repo();
        let small = head_view(&repo).with_max_file_size(100);
        assert!(matches!(
            small.read("a.txt"),
            Err(ReadError::TooLarge { size, max: 100, .. }) if size == loose.1.len() as u64
        ));
        assert_eq!(small.read("sub/b.txt").unwrap().bytes(), b"b\n");
    }

    /// A linked worktree reads the common directory's objects; a clone made with
    /// `--shared` reads its alternate's.
    #[test]
    fn linked_worktrees_and_alternates() {
        let t = TestRepo::new();
        t.write("a.txt", "shared\n");
        t.commit_all("init");
        let linked = t.abs("inner/linked-wt");
        t.git(&["worktree", "add", "-q", linked.to_str().unwrap()]);
        let repo = git2::Repository::open(&linked).unwrap();
        let v = IndexView::from_index(&repo, b"").unwrap();
        assert_eq!(v.read("a.txt").unwrap().bytes(), b"shared\n");
        std::fs::remove_dir_all(&linked).unwrap();

        let clone = t.abs("inner/shared-clone");
        t.git(&["clone", "-q", "--shared", ".", clone.to_str().unwrap()]);
        assert!(clone.join(".git/objects/info/alternates").exists());
        let repo = git2::Repository::open(&clone).unwrap();
        let v = head_view(&repo);
        assert_eq!(v.read("a.txt").unwrap().bytes(), b"shared\n");
        std::fs::remove_dir_all(&clone).unwrap();
    }

    /// A blob the database lacks (a partial clone, a damaged repository) is an
    /// error that names it, never an empty file.
    #[test]
    fn a_missing_blob_is_an_error() {
        let t = TestRepo::new();
        t.write("a.txt", "gone\n");
        t.write("b.txt", "kept\n");
        t.commit_all("init");
        let id = t.git(&["rev-parse", "HEAD:a.txt"]);
        std::fs::remove_file(t.abs(&format!(".git/objects/{}/{}", &id[..2], &id[2..]))).unwrap();
        let repo = t.repo();
        let v = head_view(&repo);
        match v.read("a.txt") {
            Err(ReadError::Git { path, message }) => {
                assert_eq!(path, "a.txt");
                assert_eq!(message, format!("object {id} is not in the repository"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(v.read("b.txt").unwrap().bytes(), b"kept\n");
    }
}
