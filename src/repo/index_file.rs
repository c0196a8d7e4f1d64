//! A reader of git's index file (`$GIT_DIR/index`), written by hand, because
//! the libraries were measured and found slower (and one of them wrong).
//!
//! libgit2's `Repository::index` takes ~80 ms on a 100k-file repository, four
//! times `git ls-files -s`: it hashes the whole file, checks every path and
//! allocates every entry and a hash map of them. gitoxide's `gix-index` 0.59
//! (the version that shares `gix-hash` 0.29 and `gix-object` 0.67 with the
//! object store relgate uses; 12 more crates) was measured against this reader
//! in one binary, the two interleaved, on the 100k-file benchmark repository
//! (`benches/gen-repo.sh`, a 9.3 MB version 2 index), 21 repetitions on 2 cores
//! under a load average of 11 (2026-12-07); median (minimum) ms:
//!
//! | | this reader | `gix-index` |
//! |---|---|---|
//! | decoding the index (`--staged`, one `exists` policy) | 12.8 (4.9) | 19.8 (6.6) |
//! | decoding it (`--staged --pack billing-gateway-dr`) | 10.4 (5.2) | 20.3 (7.8) |
//! | decoding it (working tree, same pack) | 9.6 (5.5) | 20.5 (8.9) |
//! | reading and decoding it (working tree, same pack) | 26.1 (11.4) | 35.8 (14.8) |
//! | whole run, CPU: `--staged`, one `exists` policy | 37 | 41 |
//! | whole run, CPU: `--staged`, the pack | 148 | 152 |
//! | whole run, CPU: working tree, the pack | 402 | 409 |
//! | peak RSS, MB: `--staged`, one `exists` policy / the pack | 28.8 / 39.7 | 32.2 / 39.7 |
//!
//! (The `gix-index` decode includes relgate's checks on its entries: no empty
//! path, no NUL byte, folder entries only as sparse folders.) Decoding with
//! `gix-index` is 35% to 60% slower by the minima (55% to 110% by the
//! medians), beyond the 10% a library may cost here (whole runs: 2% to 11% more
//! CPU),
//! and `gix-index` 0.59 misreads a version 2 or 3 index that holds a path of
//! 4095 bytes or more: it does not skip the NUL padding after such a path and
//! fails on the next entry (see the test
//! `a_path_of_4095_bytes_or_more_is_padded_like_any_other`). It does not bound
//! the paths a version 4 index expands to either.
//!
//! This reader reads the file once, a window of 256 KiB at a time (the file is never
//! held whole: 92 MB at a million entries), allocates one buffer for all paths and
//! one vector of entries, and hashes nothing. Like git (which only checks the trailing checksum in `git fsck`), it
//! does not verify the checksum.
//!
//! Accepted (git's `gitformat-index(5)`): versions 2, 3 (extended flags:
//! skip-worktree, intent-to-add) and 4 (paths prefix-compressed against the
//! previous entry), with SHA-1 object ids. A missing file is an empty index, as
//! git treats it. Optional extensions (a signature starting with `A`–`Z`: `TREE`,
//! `REUC`, `UNTR`, `FSMN`, `EOIE`, `IEOT`, …) do not change the entry list and
//! are skipped. A sparse index (an empty `sdir` extension) lists a folder outside
//! the sparse checkout as one entry (mode 040000, path ending in `/`): each such
//! entry is replaced by the files of its tree, as `git ls-files` lists them.
//! Intent-to-add entries (`git add -N`) are listed with their flag: tracked
//! paths of the working tree, but not staged content.
//!
//! Refused, with an error that says what to do: a split index (the `link`
//! extension: the entries live partly in `sharedindex.<id>`), a repository
//! whose objects are not SHA-1, an `sdir` extension with a payload (today it is
//! only a marker; `gix-index` refuses it too), any other required extension,
//! and any corrupt file (the byte offset and what is wrong). A file nobody can
//! read never becomes an empty view. Every length is checked against the file before it is
//! used, the entry count is bounded by [`MAX_ENTRIES`] and the paths a version 4
//! index expands to by [`MAX_PATH_BYTES`].

use super::OpenError;
use super::listing::{descends, join_prefix, path_bytes};
use super::object::{MAX_ENTRIES, git_err, too_many};
use super::tree::walk_tree;
use std::path::Path;

/// The paths of one index add up to at most this many bytes (a version 4 index
/// of n entries can otherwise spell paths whose lengths add up to n²).
pub(crate) const MAX_PATH_BYTES: usize = 256 << 20;

const HEADER_LEN: usize = 12;
const HASH_LEN: usize = 20;
/// Stat data (40 bytes), object id (20), flags (2).
const FIXED_LEN: usize = 62;
/// The smallest entry of any version: the fixed part, a one-byte path and its NUL.
const MIN_ENTRY_LEN: usize = 64;
/// The 12-bit length field of the flags; this value means "this long or longer".
const NAME_MASK: u16 = 0x0fff;
const FLAG_EXTENDED: u16 = 0x4000;
const EXT_SKIP_WORKTREE: u16 = 0x4000;
const EXT_INTENT_TO_ADD: u16 = 0x2000;
const MODE_TYPE: u32 = 0o170000;
const MODE_DIR: u32 = 0o040000;

/// One entry of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexEntry<'a> {
    /// Repository-relative, `/`-separated, as stored (not checked for `..`).
    pub(crate) path: &'a [u8],
    pub(crate) mode: u32,
    pub(crate) oid: git2::Oid,
    /// 0 for a merged path, 1–3 for the sides of a conflict.
    pub(crate) stage: u8,
    pub(crate) skip_worktree: bool,
    /// Added with `git add -N`: a tracked path, but not staged content (`git
    /// commit` and `git write-tree` leave it out of the tree).
    pub(crate) intent_to_add: bool,
}

#[derive(Debug, Clone, Copy)]
struct Raw {
    /// Where the path ends in `names`; it starts where the previous one ends
    /// (paths are stored one after the other: 8 bytes less per entry).
    end: usize,
    mode: u32,
    oid: git2::Oid,
    stage: u8,
    skip_worktree: bool,
    intent_to_add: bool,
}

/// The entries of an index file, in the file's order (by path, then stage).
#[derive(Debug, Default)]
pub(crate) struct IndexFile {
    names: Vec<u8>,
    entries: Vec<Raw>,
    /// Where the first entry's path starts in `names` (a batch of a version 4 index
    /// starts with the path the first one is written against).
    first: usize,
}

/// Why an index file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IndexError {
    /// The bytes are not a well-formed index: at `offset`, `what`.
    Corrupt {
        offset: usize,
        what: String,
    },
    /// A well-formed index in a form relgate does not read, and what to do.
    Unsupported(String),
    TooMany,
    /// The receiver of a batch of entries failed (and kept its error).
    Stopped,
    /// The file could not be read (`Short`: it ended before the length it had
    /// when it was opened).
    Io(String),
    Short,
}

impl IndexFile {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = IndexEntry<'_>> {
        (0..self.entries.len()).filter_map(|i| self.get(i))
    }

    /// Entry `i`, in the file's order.
    pub(crate) fn get(&self, i: usize) -> Option<IndexEntry<'_>> {
        let start = match i.checked_sub(1) {
            Some(p) => self.entries.get(p)?.end,
            None => self.first,
        };
        self.entries.get(i).map(|r| IndexEntry {
            path: self.names.get(start..r.end).unwrap_or_default(),
            mode: r.mode,
            oid: r.oid,
            stage: r.stage,
            skip_worktree: r.skip_worktree,
            intent_to_add: r.intent_to_add,
        })
    }

    fn push(&mut self, e: IndexEntry<'_>) {
        self.names.extend_from_slice(e.path);
        self.entries.push(Raw {
            end: self.names.len(),
            mode: e.mode,
            oid: e.oid,
            stage: e.stage,
            skip_worktree: e.skip_worktree,
            intent_to_add: e.intent_to_add,
        });
    }
}

/// The index of `repo`, every entry that can lie under `prefix` (a
/// repository-relative folder, empty for all) listed; entries elsewhere may be
/// listed too. Sparse folders on the way to or under `prefix` are expanded,
/// others dropped. (The views read it in batches, [`read_each`]; tests read it whole.)
#[cfg(test)]
pub(crate) fn read(repo: &git2::Repository, prefix: &[u8]) -> Result<IndexFile, OpenError> {
    read_at(repo, &repo.path().join("index"), prefix)
}

/// [`read`], of the index file at `path` (the one `GIT_INDEX_FILE` names).
#[cfg(test)]
pub(crate) fn read_at(
    repo: &git2::Repository,
    path: &Path,
    prefix: &[u8],
) -> Result<IndexFile, OpenError> {
    let mut whole = IndexFile::default();
    read_each(repo, path, prefix, usize::MAX, &mut |f, _| {
        whole = f;
        Ok(())
    })?;
    Ok(whole)
}

/// The index file at `path` (the repository's, or the one `GIT_INDEX_FILE` names), every
/// entry that can lie under `prefix` (a repository-relative folder, empty for all)
/// listed, sparse folders on the way to or under `prefix` expanded, others dropped;
/// the entries handed to `each` `batch` at a time, in the file's order:
/// the whole index is never held (its entries take 68 MB at a million). `each(entries,
/// again)`: `again` says the file changed while it was read and was read again whole,
/// and these are all its entries (forget the batches before).
pub(crate) fn read_each(
    repo: &git2::Repository,
    path: &Path,
    prefix: &[u8],
    batch: usize,
    each: &mut dyn FnMut(IndexFile, bool) -> Result<(), OpenError>,
) -> Result<(), OpenError> {
    let config = repo.config().map_err(git_err)?;
    if let Ok(format) = config.get_string("extensions.objectformat")
        && !format.eq_ignore_ascii_case("sha1")
    {
        return Err(OpenError::Git(format!(
            "{}: objects are named by {format}; relgate reads SHA-1 repositories only",
            repo.path().display()
        )));
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return each(IndexFile::default(), false);
        }
        Err(e) => return Err(OpenError::Io(format!("{}: {e}", path.display()))),
    };
    let io = |e: std::io::Error| OpenError::Io(format!("{}: {e}", path.display()));
    let len = usize::try_from(file.metadata().map_err(io)?.len()).unwrap_or(usize::MAX);
    let mut failed = None;
    let mut give = |f: IndexFile| {
        expand_sparse(repo, f, prefix)
            .and_then(|f| each(f, false))
            .map_err(|e| {
                failed = Some(e);
                IndexError::Stopped
            })
    };
    let parsed = parse_from(&file, len, WINDOW, MAX_PATH_BYTES, batch, &mut give);
    if let Some(e) = failed {
        return Err(e);
    }
    // A file that changed length while it was read is read again whole, as one
    // read would.
    let again = match parsed {
        Err(IndexError::Short) => true,
        _ => file.metadata().map_err(io)?.len() != len as u64,
    };
    let parsed = if again {
        parse(&std::fs::read(path).map_err(io)?, MAX_PATH_BYTES)
    } else {
        parsed
    };
    let rest = parsed.map_err(|e| open_error(path, e))?;
    each(expand_sparse(repo, rest, prefix)?, again)
}

/// Bytes of the index file read ahead of the entry being decoded: the file is
/// read a window at a time and never held whole (92 MB at a million entries;
/// only an entry longer than the window makes it grow). A window that stays in the
/// cache is decoded from there, and reused pages are not faulted in again: 256 KiB
/// read the 27 MB index of the 300k-file benchmark 2% faster than 4 MiB did.
const WINDOW: usize = 256 << 10;

fn open_error(path: &Path, e: IndexError) -> OpenError {
    match e {
        IndexError::Corrupt { offset, what } => OpenError::Git(format!(
            "{}: corrupt index at byte {offset}: {what} (`git status` shows whether git can \
             read it; `git read-tree HEAD` rebuilds it from HEAD, dropping staged changes)",
            path.display()
        )),
        IndexError::Unsupported(what) => OpenError::Git(format!("{}: {what}", path.display())),
        IndexError::TooMany => too_many(),
        IndexError::Stopped => OpenError::Io(format!("{}: not read to its end", path.display())),
        IndexError::Io(e) => OpenError::Io(format!("{}: {e}", path.display())),
        IndexError::Short => OpenError::Io(format!(
            "{}: the file shrank while it was read",
            path.display()
        )),
    }
}

/// Reads the entries of an index file's bytes. Sparse folder entries are kept
/// as they are (see [`read`]). Paths may add up to `max_names` bytes.
pub(crate) fn parse(data: &[u8], max_names: usize) -> Result<IndexFile, IndexError> {
    parse_from(
        data,
        data.len(),
        data.len(),
        max_names,
        usize::MAX,
        &mut |_| Ok(()),
    )
}

/// [`parse`] of the `total` bytes `src` reads, read `ahead` bytes at a time
/// ([`Window`]): an entry that fails to decode in a window that does not reach the
/// end of the file is decoded again once the window holds more, so the answer (and
/// every error's offset and text) is the one the whole file gives.
fn parse_from(
    src: impl std::io::Read,
    total: usize,
    ahead: usize,
    max_names: usize,
    batch: usize,
    each: &mut dyn FnMut(IndexFile) -> Result<(), IndexError>,
) -> Result<IndexFile, IndexError> {
    let mut data = Window {
        src,
        base: 0,
        buf: Vec::new(),
        total,
        ahead: ahead.max(HEADER_LEN),
    };
    data.refill(0)?;
    if total < HEADER_LEN + HASH_LEN {
        return Err(corrupt(
            total,
            format!(
                "the file ends after {} bytes, before its header and checksum ({} bytes)",
                total,
                HEADER_LEN + HASH_LEN
            ),
        ));
    }
    if data.get(0, 4) != Some(b"DIRC") {
        return Err(corrupt(0, "no `DIRC` signature: this is not a git index"));
    }
    let version = be32(data.upto(0, HEADER_LEN), 4);
    if !(2..=4).contains(&version) {
        return Err(IndexError::Unsupported(format!(
            "index version {version}: relgate reads versions 2, 3 and 4 \
             (`git update-index --index-version 4` rewrites it)"
        )));
    }
    let count = usize::try_from(be32(data.upto(0, HEADER_LEN), 8)).unwrap_or(usize::MAX);
    if count > MAX_ENTRIES {
        return Err(IndexError::TooMany);
    }
    // Entries and extensions end where the trailing checksum starts.
    let end = total - HASH_LEN;
    if count > (end - HEADER_LEN) / MIN_ENTRY_LEN {
        return Err(corrupt(
            8,
            format!("{count} entries cannot fit in a file of {} bytes", total),
        ));
    }
    let file = IndexFile {
        names: Vec::with_capacity((end - HEADER_LEN - count * (FIXED_LEN - 2)).min(batch)),
        entries: Vec::with_capacity(count.min(batch)),
        first: 0,
    };
    let mut entries = Entries {
        file,
        version,
        end,
        max_names,
        prev: (0, 0),
        spent: 0,
        empty_path: None,
    };
    let mut pos = HEADER_LEN;
    for _ in 0..count {
        let names = entries.file.names.len();
        pos = loop {
            match entries.next(&data, pos) {
                Ok(next) => break next,
                Err(e) if data.whole() => return Err(e),
                Err(_) => {
                    entries.file.names.truncate(names);
                    data.refill(pos)?;
                }
            }
        };
        if entries.file.len() >= batch {
            each(entries.take())?;
        }
    }
    let Entries {
        file, empty_path, ..
    } = entries;
    loop {
        match extension(&data, pos, end) {
            Ok(Some(next)) => pos = next,
            Ok(None) => break,
            Err(e) if data.whole() => return Err(e),
            Err(_) => data.refill(pos)?,
        }
    }
    if let Some(at) = empty_path {
        return Err(corrupt(at, "an entry with an empty path"));
    }
    Ok(file)
}

/// Replaces every sparse folder entry that can hold paths under `prefix` by the
/// files and gitlinks of its tree (skip-worktree entries, as git expands them),
/// and drops the others.
fn expand_sparse(
    repo: &git2::Repository,
    file: IndexFile,
    prefix: &[u8],
) -> Result<IndexFile, OpenError> {
    if !file.entries.iter().any(|r| r.mode & MODE_TYPE == MODE_DIR) {
        return Ok(file);
    }
    let odb = super::odb::Odb::new(repo, super::MAX_FILE_SIZE);
    let mut out = IndexFile {
        names: Vec::with_capacity(file.names.len()),
        entries: Vec::with_capacity(file.entries.len()),
        first: 0,
    };
    for e in file.iter() {
        if out.len() >= MAX_ENTRIES {
            return Err(too_many());
        }
        if e.mode & MODE_TYPE != MODE_DIR {
            out.push(e);
            continue;
        }
        let dir = e.path.strip_suffix(b"/").unwrap_or(e.path);
        if !descends(dir, prefix) {
            continue;
        }
        let (mut listed, mut links) = (super::entries::Builder::new(), Vec::new());
        walk_tree(&odb, 0, e.oid, dir, prefix, &mut listed, &mut links)?;
        let (listed, blobs) = listed.finish();
        let mut files: Vec<(Vec<u8>, u32, git2::Oid)> = listed
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| {
                let rel = path_bytes(entry.path)?;
                Some((
                    join_prefix(prefix, &rel),
                    entry.mode,
                    listed.item(&blobs, i)?.oid,
                ))
            })
            .chain(links.into_iter().map(|l| (l.full, 0o160000, l.commit)))
            .collect();
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if out.len().saturating_add(files.len()) > MAX_ENTRIES {
            return Err(too_many());
        }
        for (path, mode, oid) in files {
            out.push(IndexEntry {
                path: &path,
                mode,
                oid,
                stage: 0,
                skip_worktree: true,
                intent_to_add: false,
            });
        }
    }
    Ok(out)
}

#[path = "index_file_decode.rs"]
mod decode;
use decode::{Entries, Window, be32, corrupt, extension};

#[cfg(test)]
#[path = "index_file_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "index_file_hostile_tests.rs"]
mod hostile_tests;
