//! The index reader against truncated, corrupt and hostile files.

use super::decode::varint;
use super::tests::{entry, index_bytes, rows, synthetic};
use super::*;
use crate::repo::index::IndexView;
use crate::repo::testutil::{TestRepo, paths};
use crate::repo::{SourceSpec, Target};

/// Small indexes of each version, without extensions.
fn small_indexes() -> Vec<Vec<u8>> {
    let t = TestRepo::new();
    t.write("a.txt", "a");
    t.write("dir/b.txt", "b");
    t.write("dir/c.txt", "c");
    t.git(&["add", "-A"]);
    let mut out = vec![index_bytes(&t)];
    t.git(&["update-index", "--skip-worktree", "a.txt"]);
    out.push(index_bytes(&t));
    t.git(&["update-index", "--index-version", "4"]);
    out.push(index_bytes(&t));
    out
}

#[test]
fn every_truncation_is_an_error() {
    let indexes = small_indexes();
    for (data, v) in indexes.iter().zip([2, 3, 4]) {
        assert_eq!(be32(data, 4), v);
        assert_eq!(parse(data, MAX_PATH_BYTES).unwrap().len(), 3);
        for len in 0..data.len() {
            let r = parse(&data[..len], MAX_PATH_BYTES);
            assert!(
                matches!(r, Err(IndexError::Corrupt { .. })),
                "v{v}, {len} bytes"
            );
        }
    }
}

#[test]
fn truncated_extensions_are_errors_or_change_nothing() {
    // Without the checksum, cutting exactly the optional extensions leaves a
    // well-formed index: the same entries. Every other cut is an error.
    let t = TestRepo::new();
    t.write("a.txt", "a");
    t.write("dir/b.txt", "b");
    t.commit_all("init");
    let data = index_bytes(&t);
    assert!(data.windows(4).any(|w| w == b"TREE"));
    let whole = rows(&parse(&data, MAX_PATH_BYTES).unwrap());
    let mut parsed = 0;
    for len in 0..data.len() {
        if let Ok(f) = parse(&data[..len], MAX_PATH_BYTES) {
            assert_eq!(rows(&f), whole, "{len} bytes");
            parsed += 1;
        }
    }
    assert_eq!(parsed, 1);
}

#[test]
fn flipped_bytes_never_panic() {
    for data in small_indexes() {
        for i in 0..data.len() {
            for mask in [0x01, 0x80, 0xff] {
                let mut d = data.clone();
                d[i] ^= mask;
                let _ = parse(&d, MAX_PATH_BYTES);
            }
        }
    }
}

fn corrupt_at(r: Result<IndexFile, IndexError>) -> (usize, String) {
    match r {
        Err(IndexError::Corrupt { offset, what }) => (offset, what),
        Err(e) => panic!("{e:?}"),
        Ok(f) => panic!("parsed {:?}", rows(&f)),
    }
}

#[test]
fn hostile_and_corrupt_files() {
    let ok = entry(0o100644, 1, b"a", true);
    assert_eq!(ok.len(), 64);
    let f = parse(&synthetic(2, 1, &ok), 100).unwrap();
    assert_eq!(rows(&f), [(b"a".to_vec(), 0o100644, "ab".repeat(20), 0)]);

    assert_eq!(
        corrupt_at(parse(&synthetic(2, 2, &ok), 100)),
        (8, "2 entries cannot fit in a file of 96 bytes".into())
    );
    assert_eq!(
        parse(&synthetic(2, u32::MAX, &ok), 100).err(),
        Some(IndexError::TooMany)
    );
    assert!(matches!(
        parse(&synthetic(5, 1, &ok), 100),
        Err(IndexError::Unsupported(m)) if m.contains("index version 5")
    ));
    // The recorded length disagrees with the NUL.
    let (at, what) = corrupt_at(parse(
        &synthetic(2, 1, &entry(0o100644, 2, b"a", true)),
        100,
    ));
    assert_eq!(
        (at, what.as_str()),
        (74, "a path of 1 bytes where the entry records 2")
    );
    let (at, what) = corrupt_at(parse(&synthetic(2, 1, &entry(0o100644, 0, b"", true)), 100));
    assert_eq!((at, what.as_str()), (74, "an entry with an empty path"));
    // Extended flags in version 2, unknown extended flags in version 3.
    let mut ext = entry(0o100644, 0x4001, b"", false);
    ext.truncate(62);
    ext.extend_from_slice(&[0x80, 0x00, b'a', 0, 0, 0, 0, 0]);
    assert_eq!(
        corrupt_at(parse(&synthetic(2, 1, &ext), 100)).1,
        "extended flags in a version 2 index"
    );
    assert_eq!(
        corrupt_at(parse(&synthetic(3, 1, &ext), 100)).1,
        "unknown extended flags 0x8000"
    );
    // A folder entry that is not a sparse folder.
    let dir = entry(0o040000, 1, b"d", true);
    assert_eq!(
        corrupt_at(parse(&synthetic(2, 1, &dir), 100)),
        (
            12,
            "a folder entry that is not a sparse folder (merged, path ending in `/`)".into()
        )
    );
    // Extensions: optional ones skipped, required unknown ones and `link` refused,
    // lengths checked.
    let with_ext = |sig: &[u8], size: u32, data: &[u8]| {
        let mut body = ok.clone();
        body.extend_from_slice(sig);
        body.extend_from_slice(&size.to_be_bytes());
        body.extend_from_slice(data);
        parse(&synthetic(2, 1, &body), 100)
    };
    assert_eq!(with_ext(b"ZZZZ", 3, b"xyz").unwrap().len(), 1);
    assert!(matches!(
        with_ext(b"abcd", 0, b""),
        Err(IndexError::Unsupported(m)) if m.contains("required extension `abcd`")
    ));
    assert!(matches!(
        with_ext(b"link", 0, b""),
        Err(IndexError::Unsupported(m)) if m.contains("--no-split-index")
    ));
    assert_eq!(
        corrupt_at(with_ext(b"TREE", 4, b"xyz")),
        (
            84,
            "an extension of 4 bytes runs past the end of the data (87 bytes)".into()
        )
    );
    assert_eq!(
        corrupt_at(with_ext(b"TREE", u32::MAX, b"")),
        (
            84,
            format!(
                "an extension of {} bytes runs past the end of the data (84 bytes)",
                u32::MAX
            )
        )
    );
}

/// `sdir` only marks a sparse index; one with a payload is a form nobody reads
/// yet (neither relgate nor `gix-index`): refused, not skipped.
#[test]
fn a_sparse_directory_extension_with_a_payload_is_refused() {
    let sdir = |payload: &[u8]| {
        let mut body = entry(0o100644, 1, b"a", true);
        body.extend_from_slice(b"sdir");
        body.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
        body.extend_from_slice(payload);
        synthetic(2, 1, &body)
    };
    assert_eq!(parse(&sdir(b""), 100).unwrap().len(), 1);
    let refused = parse(&sdir(b"xyz"), 100).err();
    let Some(IndexError::Unsupported(what)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        what,
        "a sparse-directory extension (`sdir`) with a payload of 3 bytes (at byte 76): \
         relgate, like gitoxide, reads it only as an empty marker; a newer git wrote it \
         (`git sparse-checkout disable` rewrites the index without it)"
    );
    // In a repository: no view of the index, whichever reads it.
    let t = TestRepo::new();
    t.write("a", "a");
    t.commit_all("init");
    std::fs::write(t.abs(".git/index"), sdir(b"xyz")).unwrap();
    let err = IndexView::from_index(&t.repo(), b"").err().unwrap();
    assert!(
        err.to_string().contains("with a payload of 3 bytes"),
        "{err}"
    );
    for source in [SourceSpec::Worktree, SourceSpec::Staged] {
        let target = Target {
            path: t.path().to_path_buf(),
            source,
            base: None,
        };
        let err = crate::repo::open(&target).err().unwrap();
        assert!(err.to_string().contains("(`sdir`) with a payload"), "{err}");
    }
    std::fs::write(t.abs(".git/index"), sdir(b"")).unwrap();
    let staged = IndexView::from_index(&t.repo(), b"").unwrap();
    assert_eq!(paths(&staged), ["a"]);
}

/// git pads every entry of a version 2 or 3 index to 8 bytes, a path of 4095
/// bytes or more (its length field then says "this long or longer") too.
/// (`gix-index` 0.59 does not skip that padding and fails on the next entry.)
#[test]
fn a_path_of_4095_bytes_or_more_is_padded_like_any_other() {
    for len in [4094usize, 4095, 4096, 5000] {
        let long = vec![b'a'; len];
        let flags = u16::try_from(len.min(0xfff)).unwrap();
        let mut body = entry(0o100644, flags, &long, true);
        body.extend(entry(0o100644, 1, b"b", true));
        let f = parse(&synthetic(2, 2, &body), usize::MAX).unwrap();
        let listed: Vec<&[u8]> = f.iter().map(|e| e.path).collect();
        assert_eq!(listed, [&long[..], b"b"], "{len}");
    }
}

#[test]
fn version_4_prefixes_are_bounded() {
    // Each entry keeps the whole previous path and adds 8 bytes: n entries spell
    // paths of n²·4 bytes from a file of 80·n.
    let step = |strip: u8| {
        let mut e = entry(0o100644, 0xfff, b"", false);
        e.truncate(62);
        e.push(strip);
        e.extend_from_slice(b"abcdefgh\0");
        e
    };
    let body: Vec<u8> = (0..200).flat_map(|_| step(0)).collect();
    let f = parse(&synthetic(4, 200, &body), usize::MAX);
    assert!(
        matches!(f, Err(IndexError::Corrupt { ref what, .. }) if what.contains("records 4095"))
    );
    let mut first = entry(0o100644, 0xfff, &[b'a'; 4095], false);
    first.insert(62, 0);
    let body: Vec<u8> = first
        .into_iter()
        .chain((1..1000).flat_map(|_| step(0)))
        .collect();
    let (_, what) = corrupt_at(parse(&synthetic(4, 1000, &body), 1 << 20));
    assert_eq!(what, "the paths add up to more than 1048576 bytes");
    // Dropping more than the previous path has.
    let (at, what) = corrupt_at(parse(&synthetic(4, 1, &step(1)), 100));
    assert_eq!(
        (at, what.as_str()),
        (74, "the path drops 1 bytes of a previous path of 0")
    );
    // A prefix length that never ends, or overflows.
    let mut e = entry(0o100644, 1, b"", false);
    e.truncate(62);
    e.extend_from_slice(&[0xff; 12]);
    e.push(0);
    let (_, what) = corrupt_at(parse(&synthetic(4, 1, &e), 100));
    assert_eq!(what, "path prefix length overflows");
}

#[test]
fn varints_are_git_s() {
    let whole = |bytes: &[u8]| Window {
        src: &b""[..],
        base: 0,
        buf: bytes.to_vec(),
        total: bytes.len(),
        ahead: 1,
    };
    // git's encode_varint: 0 → 00, 127 → 7f, 128 → 80 00, 16511 → ff 7f, 16512 → 80 80 00.
    for (bytes, want) in [
        (&[0x00][..], 0),
        (&[0x7f], 127),
        (&[0x80, 0x00], 128),
        (&[0xff, 0x7f], 16511),
        (&[0x80, 0x80, 0x00], 16512),
    ] {
        assert_eq!(
            varint(&whole(bytes), 0, bytes.len()),
            Ok((want, bytes.len()))
        );
    }
    assert!(varint(&whole(&[0x80]), 0, 1).is_err());
}

/// The file is read a window at a time and its entries may be handed out in
/// batches: whatever the window's and the batch's size, every index, cut anywhere or
/// with any byte changed, decodes to what the whole file gives (the same entries in
/// the same order, or the same error at the same offset with the same text), the
/// bound on a version 4 index's paths included.
#[test]
fn reading_in_windows_answers_as_the_whole_file() {
    let t = TestRepo::new();
    t.write("a.txt", "a");
    t.write(&format!("{}/long.txt", "d".repeat(150)), "l");
    t.write("dir/b.txt", "b");
    t.commit_all("init");
    t.git(&["update-index", "--skip-worktree", "a.txt"]);
    let mut indexes = small_indexes();
    indexes.push(index_bytes(&t));
    t.git(&["update-index", "--index-version", "4"]);
    indexes.push(index_bytes(&t));
    let answer = |r: Result<IndexFile, IndexError>| match r {
        Ok(f) => Ok(rows(&f)),
        Err(e) => Err(e),
    };
    let mut checked = 0;
    for data in &indexes {
        let mut variants: Vec<Vec<u8>> = (0..=data.len()).map(|n| data[..n].to_vec()).collect();
        variants.extend((0..data.len()).map(|i| {
            let mut d = data.clone();
            d[i] ^= 0xff;
            d
        }));
        for d in &variants {
            for max in [MAX_PATH_BYTES, 30] {
                let whole = answer(parse(d, max));
                for (ahead, batch) in [(1, 1), (5, 2), (64, usize::MAX), (97, 3)] {
                    // Handed out `batch` entries at a time: the same entries, in order.
                    let mut got = Vec::new();
                    let rest = parse_from(&d[..], d.len(), ahead, max, batch, &mut |f| {
                        assert_eq!(f.len(), batch);
                        got.extend(rows(&f));
                        Ok(())
                    });
                    let windowed = answer(rest).map(|rest| [got, rest].concat());
                    assert_eq!(windowed, whole, "{} bytes, window {ahead}", d.len());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000);
    // A file that ends before the length it had when it was opened is an error.
    let data = &indexes[0];
    assert_eq!(
        parse_from(
            &data[..data.len() - 30],
            data.len(),
            64,
            MAX_PATH_BYTES,
            usize::MAX,
            &mut |_| Ok(())
        )
        .err(),
        Some(IndexError::Short)
    );
}
