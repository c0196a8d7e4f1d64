use crate::repo::odb::{Blob, Odb};
use crate::repo::testutil::TestRepo;
use crate::repo::{EntryKind, EntryRef, ReadError};

fn entry(path: &str) -> EntryRef<'_> {
    EntryRef {
        path,
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
        odb.load(entry("a.txt"), blob).map(|c| c.bytes().to_vec())
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
    // would read the same bytes, is not asked), each delta's size read from
    // its one inflate, or probed first (as a delta over `BIG_DELTA` is).
    let packs = super::Packs::open(&t.abs(".git/objects"));
    for big_delta in [super::BIG_DELTA, 0] {
        let mut r = super::Reader::new();
        r.big_delta = big_delta;
        let mut out = Vec::new();
        for order in &orders {
            for &i in order {
                let oid = gix_hash::ObjectId::from_hex(ids[i].as_bytes()).unwrap();
                let mut size = None;
                let admit = |kind, s| {
                    assert_eq!(kind, gix_object::Kind::Blob);
                    size = Some(s);
                    Ok::<_, ()>(true)
                };
                assert_eq!(
                    packs.read(&mut r, &oid, None, admit, &mut out),
                    Ok(Some(true))
                );
                assert_eq!(size, Some(want[i].len() as u64 + 1));
                assert_eq!(&out[..want[i].len()], want[i].as_slice(), "version {i}");
            }
        }
    }
    // Mapped afresh after every read (a window of nothing), by four threads
    // at once: the same bytes, and every mapping but the current one let go.
    let mut windowed = super::Packs::open(&t.abs(".git/objects"));
    windowed.window = 0;
    std::thread::scope(|s| {
        for n in 0..4 {
            let (windowed, ids, want) = (&windowed, &ids, &want);
            s.spawn(move || {
                let mut r = super::Reader::new();
                let mut out = Vec::new();
                for i in (0..ids.len()).map(|i| (i * 7 + n) % ids.len()) {
                    let oid = gix_hash::ObjectId::from_hex(ids[i].as_bytes()).unwrap();
                    let any = |_, _| Ok::<_, ()>(true);
                    assert_eq!(
                        windowed.read(&mut r, &oid, None, any, &mut out),
                        Ok(Some(true))
                    );
                    assert_eq!(&out[..want[i].len()], want[i].as_slice(), "version {i}");
                }
            });
        }
    });
    let current = windowed.mapping.lock().unwrap();
    // (A read remaps unless another thread did since it took the mapping.)
    assert!(current.0 > 0 && current.0 <= 4 * ids.len() as u64);
    assert_eq!(std::sync::Arc::strong_count(&current.1), 1);
    drop(current);
    // A refused object decodes no base: the reader keeps nothing.
    let mut r = super::Reader::new();
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let oid = gix_hash::ObjectId::from_hex(id.as_bytes()).unwrap();
        let refuse = |_, _| Ok::<_, ()>(false);
        assert_eq!(
            packs.read(&mut r, &oid, None, refuse, &mut out),
            Ok(Some(false))
        );
        assert!(out.is_empty());
        assert!(r.bases.lru.is_empty(), "version {i}");
    }
    // Each version over the limit is refused with its exact size (the newest
    // stored whole, the others as deltas), and read at the limit.
    for (i, want) in want.iter().enumerate() {
        let size = want.len() as u64 + 1;
        let limited = Odb::new(&repo, size - 1);
        assert!(matches!(
            read(&limited, i),
            Err(ReadError::TooLarge { size: s, .. }) if s == size
        ));
        let exact = Odb::new(&repo, size);
        assert_eq!(read(&exact, i).unwrap().len(), want.len() + 1);
    }
    let absent = gix_hash::ObjectId::from_hex(&[b'1'; 40]).unwrap();
    let any = |_, _| Ok::<_, ()>(true);
    assert_eq!(packs.read(&mut r, &absent, None, any, &mut out), Ok(None));
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
        let any = |_, _| Ok::<_, ()>(true);
        assert_eq!(
            packs.read(&mut r, &oid, None, any, &mut out),
            Ok(Some(true))
        );
        assert_eq!(out, format!("file {i}\n").repeat(50).into_bytes());
    }
    let absent = gix_hash::ObjectId::from_hex(&[b'1'; 40]).unwrap();
    let any = |_, _| Ok::<_, ()>(true);
    assert_eq!(packs.read(&mut r, &absent, None, any, &mut out), Ok(None));
}

/// A clone made with `--shared` has no pack of its own: its objects are in the
/// packs of the database it borrows from (`objects/info/alternates`), and the
/// pack reader opens those too (chains of alternates included), not only the
/// repository's own.
#[test]
fn packs_of_alternates() {
    let t = TestRepo::new();
    t.write("a.txt", &"borrowed\n".repeat(50));
    t.commit_all("init");
    t.git(&["repack", "-adq"]);
    let id = t.git(&["rev-parse", "HEAD:a.txt"]);
    let first = t.abs("inner/first");
    t.git(&["clone", "-q", "--shared", ".", first.to_str().unwrap()]);
    let second = t.abs("inner/second");
    t.git(&[
        "clone",
        "-q",
        "--shared",
        first.to_str().unwrap(),
        second.to_str().unwrap(),
    ]);
    let oid = gix_hash::ObjectId::from_hex(id.as_bytes()).unwrap();
    for clone in [&first, &second] {
        let objects = clone.join(".git/objects");
        assert!(objects.join("info/alternates").exists());
        assert!(std::fs::read_dir(objects.join("pack")).map_or(true, |mut d| d.next().is_none()));
        let packs = super::Packs::open(&objects);
        let (mut r, mut out) = (super::Reader::new(), Vec::new());
        let any = |_, _| Ok::<_, ()>(true);
        assert_eq!(
            packs.read(&mut r, &oid, None, any, &mut out),
            Ok(Some(true))
        );
        assert_eq!(out, "borrowed\n".repeat(50).into_bytes());
    }
    std::fs::remove_dir_all(t.abs("inner")).unwrap();
}

/// A pack whose delta entries were damaged on disk: every version that needs a
/// damaged delta is an error that names the object (never other bytes, never an
/// empty file), whichever reader decodes it, and the others still read.
#[test]
fn a_damaged_delta_is_an_error() {
    let t = TestRepo::new();
    let mut text: String = (0..200).map(|i| format!("line {i}\n")).collect();
    let mut ids = Vec::new();
    for v in 0..12 {
        text = text.replacen(&format!("line {}\n", v * 9), &format!("v{v}\n"), 1);
        t.write("a.txt", &text);
        t.commit_all(&format!("v{v}"));
        ids.push(t.git(&["rev-parse", "HEAD:a.txt"]));
    }
    t.git(&["repack", "-adfq", "--depth=50", "--window=50"]);
    t.git(&["prune-packed"]);
    let dir = t.abs(".git/objects/pack");
    let idx = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .unwrap();
    // `SHA-1 type size size-in-pack offset [depth base]`: damage the middle
    // byte of the compressed data of every other delta of a.txt.
    let verify = t.git(&["verify-pack", "-v", idx.to_str().unwrap()]);
    let mut damaged = Vec::new();
    let mut pack = std::fs::read(idx.with_extension("pack")).unwrap();
    let deltas = verify.lines().filter_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() == 7 && ids.iter().any(|id| id == f[0])).then(|| {
            let (in_pack, offset): (usize, usize) = (f[3].parse().unwrap(), f[4].parse().unwrap());
            (f[0].to_string(), offset + in_pack / 2 + 1)
        })
    });
    for (n, (id, at)) in deltas.enumerate() {
        if n % 2 == 0 {
            pack[at] ^= 0x55;
            damaged.push(id);
        }
    }
    assert!(damaged.len() >= 3, "{verify}");
    std::fs::write(idx.with_extension("pack"), pack).unwrap();
    let repo = t.repo();
    for order in [false, true] {
        let odb = Odb::new(&repo, u64::MAX);
        let mut failed = Vec::new();
        let mut list: Vec<usize> = (0..ids.len()).collect();
        if order {
            list.reverse();
        }
        for i in list {
            let blob = Blob {
                db: 0,
                oid: git2::Oid::from_str(&ids[i]).unwrap(),
            };
            match odb.load(entry("a.txt"), blob) {
                Ok(c) => {
                    assert!(!damaged.contains(&ids[i]), "version {i}");
                    let want = t.git(&["cat-file", "blob", &ids[i]]);
                    assert_eq!(c.bytes(), format!("{want}\n").as_bytes());
                }
                Err(ReadError::Git { path, message }) => {
                    assert_eq!(path, "a.txt");
                    assert!(message.contains("ack entry"), "{message}");
                    failed.push(i);
                }
                Err(e) => panic!("version {i}: {e:?}"),
            }
        }
        // Some read, some (at least the damaged) did not.
        assert!(failed.len() >= damaged.len() && failed.len() < ids.len());
    }
    // The damaged ones themselves never read.
    let odb = Odb::new(&repo, u64::MAX);
    for id in &damaged {
        let blob = Blob {
            db: 0,
            oid: git2::Oid::from_str(id).unwrap(),
        };
        assert!(odb.load(entry("a.txt"), blob).is_err(), "{id}");
    }
}

/// The lookup finds every object of a pack where `gix-pack`'s finds it, and no id
/// the pack does not hold: ids a bit away from each one (the same first 8 bytes,
/// the same leading byte, the neighbours of the fan-out's bounds).
#[test]
fn lookup_agrees_with_gix_pack() {
    let t = TestRepo::new();
    for i in 0..300 {
        t.write(&format!("f{i}.txt"), &format!("file {i}\n"));
    }
    t.commit_all("many");
    t.git(&["repack", "-adq"]);
    let packs = t.path().join(".git/objects/pack");
    let idx = std::fs::read_dir(&packs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .unwrap();
    let index = gix_pack::index::File::at(&idx, gix_hash::Kind::Sha1).unwrap();
    let fan = super::fan_out(&index);
    assert!(index.num_objects() > 300);
    assert_eq!(fan[255], index.num_objects());
    // The header's table, read, is the one the ids give.
    assert_eq!(super::read_fan(&index), Some(super::fan_of_ids(&index)));
    for i in 0..index.num_objects() {
        let id = index.oid_at_index(i).to_owned();
        assert_eq!(super::lookup(&index, &fan, &id), Some(i));
        assert_eq!(index.lookup(id), Some(i));
        for byte in [19, 8, 7, 1, 0] {
            let mut other = id.as_bytes().to_vec();
            other[byte] ^= 1;
            let other = gix_hash::ObjectId::from_bytes_or_panic(&other);
            assert_eq!(
                super::lookup(&index, &fan, &other),
                index.lookup(other),
                "{other}"
            );
        }
    }
    for edge in [[0u8; 20], [0xff; 20]] {
        let id = gix_hash::ObjectId::from_bytes_or_panic(&edge);
        assert_eq!(super::lookup(&index, &fan, &id), index.lookup(id));
    }
}

/// Objects found ahead of their reads, in the order of their ids: each packed one at
/// the pack and offset its index gives, a loose or absent one nowhere (read as
/// before); a read given where its object is reads it from there, and the indexes
/// are mapped afresh.
#[test]
fn objects_located_ahead_read_the_same() {
    let t = TestRepo::new();
    let mut ids = Vec::new();
    for v in 0..3 {
        t.write(&format!("f{v}.txt"), &format!("file {v}\n").repeat(50));
        t.commit_all(&format!("v{v}"));
        t.git(&["repack", "-dq"]);
        ids.push(t.git(&["rev-parse", &format!("HEAD:f{v}.txt")]));
    }
    // One loose object, in no pack.
    t.write("loose.txt", "loose\n");
    ids.push(t.git(&["hash-object", "-w", "loose.txt"]));
    let absent = "1".repeat(40);
    let packs = super::Packs::open(&t.abs(".git/objects"));
    let oid = |hex: &str| gix_hash::ObjectId::from_hex(hex.as_bytes()).unwrap();
    let mut sorted: Vec<(gix_hash::ObjectId, &str)> = ids
        .iter()
        .chain([&absent])
        .map(|h| (oid(h), h.as_str()))
        .collect();
    sorted.sort_unstable();
    let keys = sorted
        .iter()
        .map(|(o, _)| git2::Oid::from_bytes(o.as_bytes()).unwrap());
    let generation = packs.generation.load(std::sync::atomic::Ordering::Acquire);
    let at = packs.locate(keys);
    assert_eq!(
        packs.generation.load(std::sync::atomic::Ordering::Acquire),
        generation + 1
    );
    let mapping = packs.mapping.lock().unwrap().1.clone();
    for ((id, _), at) in sorted.iter().zip(&at) {
        let expected = mapping.packs.iter().enumerate().find_map(|(k, p)| {
            let i = p.index.lookup(id)?;
            Some((k as u64) << super::OFFSET_BITS | p.index.pack_offset_at_index(i))
        });
        assert_eq!(*at, expected.unwrap_or(super::NOWHERE), "{id}");
    }
    assert_eq!(at.iter().filter(|a| **a == super::NOWHERE).count(), 2);
    let mut r = super::Reader::new();
    let mut out = Vec::new();
    let where_ = |hex: &str| at[sorted.iter().position(|(_, h)| *h == hex).unwrap()];
    for (i, hex) in ids.iter().enumerate().take(3) {
        let any = |_, _| Ok::<_, ()>(true);
        let read = packs.read(&mut r, &oid(hex), Some(where_(hex)), any, &mut out);
        assert_eq!(read, Ok(Some(true)));
        assert_eq!(out, format!("file {i}\n").repeat(50).into_bytes());
    }
    // Neither the loose nor the absent one is in a pack: left to the object store.
    for hex in [ids[3].as_str(), absent.as_str()] {
        let any = |_, _| Ok::<_, ()>(true);
        let read = packs.read(&mut r, &oid(hex), Some(where_(hex)), any, &mut out);
        assert_eq!(read, Ok(None));
    }
    // A read takes the word it is given: told that file 0 is where file 1 is, it
    // reads file 1 (the places only ever come from the indexes, as above).
    let any = |_, _| Ok::<_, ()>(true);
    let read = packs.read(&mut r, &oid(&ids[0]), Some(where_(&ids[1])), any, &mut out);
    assert_eq!(read, Ok(Some(true)));
    assert_eq!(out, "file 1\n".repeat(50).into_bytes());
    // Through the view's database, by place: the loose one reads too.
    let blob_at = |p: u32| ids.get(p as usize).map(|h| git2::Oid::from_str(h).unwrap());
    // A small index is looked up as the blobs are read, not located ahead.
    let odb = Odb::new(&t.repo(), 1 << 20);
    assert!(
        odb.locate(ids.len() + 1, || vec![3, 1, 0, 4, 2], blob_at)
            .is_none()
    );
    let odb = odb.locating_any();
    let places = odb
        .locate(ids.len() + 1, || vec![3, 1, 0, 4, 2], blob_at)
        .unwrap();
    assert_eq!(places.len(), 5);
    assert_eq!(places[4], super::NOWHERE);
    for (i, hex) in ids.iter().enumerate() {
        let blob = Blob {
            db: 0,
            oid: git2::Oid::from_str(hex).unwrap(),
        };
        let read = odb.load_at(entry("f.txt"), blob, Some(places[i])).unwrap();
        let want = if i == 3 {
            "loose\n".to_string()
        } else {
            format!("file {i}\n").repeat(50)
        };
        assert_eq!(read.bytes(), want.as_bytes());
    }
}
