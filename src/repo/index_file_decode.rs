//! Decoding an index file a window at a time (see [`super`]): the window, the
//! entries one by one, the extensions, and the byte readers they share.

use super::*;

/// A window on the bytes of an index file: `buf` holds the bytes from `base` on.
/// Positions are the file's: the decoder and its errors never see the window.
pub(super) struct Window<R> {
    pub(super) src: R,
    pub(super) base: usize,
    pub(super) buf: Vec<u8>,
    /// The file's length.
    pub(super) total: usize,
    /// Bytes read ahead of the entry being decoded.
    pub(super) ahead: usize,
}

impl<R: std::io::Read> Window<R> {
    /// `[from, to)`, if the window holds it.
    pub(super) fn get(&self, from: usize, to: usize) -> Option<&[u8]> {
        self.buf
            .get(from.checked_sub(self.base)?..to.checked_sub(self.base)?)
    }

    /// The bytes from `from` to `to` or to the window's end, whichever is first.
    pub(super) fn upto(&self, from: usize, to: usize) -> &[u8] {
        let to = to.min(self.base + self.buf.len());
        self.get(from, to.max(from)).unwrap_or_default()
    }

    /// Whether the window reaches the end of the file.
    pub(super) fn whole(&self) -> bool {
        self.base + self.buf.len() >= self.total
    }

    /// Drops the bytes before `from` and reads `ahead` more (at least as many as
    /// the window holds: an entry that does not fit doubles it).
    pub(super) fn refill(&mut self, from: usize) -> Result<(), IndexError> {
        let drop = from.saturating_sub(self.base).min(self.buf.len());
        self.buf.drain(..drop);
        self.base += drop;
        let have = self.base + self.buf.len();
        let want = (self.total - have).min(self.ahead.max(self.buf.len()));
        // Room for exactly what is read: grown by doubling, the window held up to
        // twice its size.
        self.buf.reserve_exact(want);
        let got = std::io::Read::read_to_end(
            &mut std::io::Read::take(&mut self.src, want as u64),
            &mut self.buf,
        )
        .map_err(|e| IndexError::Io(e.to_string()))?;
        if got < want {
            return Err(IndexError::Short);
        }
        Ok(())
    }
}

pub(super) fn corrupt(offset: usize, what: impl Into<String>) -> IndexError {
    IndexError::Corrupt {
        offset,
        what: what.into(),
    }
}

/// `data[at..at + n]` when it ends at or before `end`.
pub(super) fn slice<'a, R: std::io::Read>(
    data: &'a Window<R>,
    at: usize,
    n: usize,
    end: usize,
    what: &str,
) -> Result<&'a [u8], IndexError> {
    at.checked_add(n)
        .filter(|&e| e <= end)
        .and_then(|e| data.get(at, e))
        .ok_or_else(|| {
            corrupt(
                at,
                format!("{what} of {n} bytes runs past the end of the data ({end} bytes)"),
            )
        })
}

pub(super) fn be16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(&[x, y]) => u16::from_be_bytes([x, y]),
        _ => 0,
    }
}

pub(super) fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(&[w, x, y, z]) => u32::from_be_bytes([w, x, y, z]),
        _ => 0,
    }
}

/// git's offset varint (`varint.c`): the number and the offset after it.
pub(super) fn varint<R: std::io::Read>(
    data: &Window<R>,
    at: usize,
    end: usize,
) -> Result<(usize, usize), IndexError> {
    let mut pos = at;
    let mut next = || {
        let b = *data
            .get(pos, pos + 1)
            .and_then(|b| b.first())
            .filter(|_| pos < end)
            .ok_or_else(|| corrupt(at, "path prefix length runs past the end of the entries"))?;
        pos += 1;
        Ok::<u8, IndexError>(b)
    };
    let mut c = next()?;
    let mut val = u64::from(c & 0x7f);
    while c & 0x80 != 0 {
        val += 1;
        if val >> 57 != 0 {
            return Err(corrupt(at, "path prefix length overflows"));
        }
        c = next()?;
        val = (val << 7) | u64::from(c & 0x7f);
    }
    let val = usize::try_from(val).map_err(|_| corrupt(at, "path prefix length overflows"))?;
    Ok((val, pos))
}

/// The decoder of the entries, one at a time.
pub(super) struct Entries {
    pub(super) file: IndexFile,
    pub(super) version: u32,
    pub(super) end: usize,
    pub(super) max_names: usize,
    /// The previous entry's path in `file.names` (version 4 paths are written
    /// against it).
    pub(super) prev: (usize, usize),
    /// Bytes of the paths of the entries already handed out ([`Entries::take`]).
    pub(super) spent: usize,
    /// The first entry with an empty path (refused once the extensions say whether
    /// this is a split index).
    pub(super) empty_path: Option<usize>,
}

impl Entries {
    /// The entries decoded so far, handed out: the decoder keeps only the last path
    /// (a version 4 path is written against it).
    pub(super) fn take(&mut self) -> IndexFile {
        let prev = self
            .file
            .names
            .get(self.prev.0..self.prev.1)
            .unwrap_or_default()
            .to_vec();
        self.spent += self.file.names.len() - self.file.first;
        self.prev = (0, prev.len());
        let next = IndexFile {
            first: prev.len(),
            names: prev,
            entries: Vec::new(),
        };
        std::mem::replace(&mut self.file, next)
    }

    /// Decodes the entry at `pos` into `file`: where the next one starts.
    pub(super) fn next<R: std::io::Read>(
        &mut self,
        data: &Window<R>,
        pos: usize,
    ) -> Result<usize, IndexError> {
        let end = self.end;
        let mut pos = pos;
        let entry_at = pos;
        let fixed = slice(data, pos, FIXED_LEN, end, "an entry")?;
        let mode = be32(fixed, 24);
        let oid = git2::Oid::from_bytes(fixed.get(40..60).unwrap_or_default())
            .map_err(|_| corrupt(pos + 40, "object id"))?;
        let flags = be16(fixed, 60);
        let mut name_at = pos + FIXED_LEN;
        let (mut skip_worktree, mut intent_to_add) = (false, false);
        if flags & FLAG_EXTENDED != 0 {
            if self.version < 3 {
                return Err(corrupt(pos + 60, "extended flags in a version 2 index"));
            }
            let ext = be16(slice(data, name_at, 2, end, "extended flags")?, 0);
            if ext & !(EXT_SKIP_WORKTREE | EXT_INTENT_TO_ADD) != 0 {
                return Err(corrupt(
                    name_at,
                    format!("unknown extended flags {ext:#06x}"),
                ));
            }
            skip_worktree = ext & EXT_SKIP_WORKTREE != 0;
            intent_to_add = ext & EXT_INTENT_TO_ADD != 0;
            name_at += 2;
        }
        let start = self.file.names.len();
        if self.version == 4 {
            let (strip, after) = varint(data, name_at, end)?;
            let prev_len = self.prev.1 - self.prev.0;
            let Some(keep) = prev_len.checked_sub(strip) else {
                return Err(corrupt(
                    name_at,
                    format!("the path drops {strip} bytes of a previous path of {prev_len}"),
                ));
            };
            let rest = data.upto(after, end);
            let Some(nul) = memchr::memchr(0, rest) else {
                return Err(corrupt(after, "a path without its terminating NUL"));
            };
            let before = self.spent + (start - self.file.first);
            if before.saturating_add(keep).saturating_add(nul) > self.max_names {
                return Err(corrupt(
                    name_at,
                    format!("the paths add up to more than {} bytes", self.max_names),
                ));
            }
            self.file
                .names
                .extend_from_within(self.prev.0..self.prev.0 + keep);
            self.file
                .names
                .extend_from_slice(rest.get(..nul).unwrap_or_default());
            pos = after + nul + 1;
        } else {
            let rest = data.upto(name_at, end);
            let Some(nul) = memchr::memchr(0, rest) else {
                return Err(corrupt(name_at, "a path without its terminating NUL"));
            };
            self.file
                .names
                .extend_from_slice(rest.get(..nul).unwrap_or_default());
            // NUL padding to a multiple of 8 bytes, counted from the entry's start.
            let size = (name_at - pos + nul + 8) & !7;
            slice(data, pos, size, end, "an entry with its padding")?;
            pos += size;
        }
        let len = self.file.names.len() - start;
        let recorded = flags & NAME_MASK;
        if len == 0 && recorded == 0 {
            // A split index's entries that replace shared ones have no path;
            // refused below, when the extensions say whether it is one.
            self.empty_path.get_or_insert(name_at);
        } else if len != usize::from(recorded) && (recorded < NAME_MASK || len < 0xfff) {
            return Err(corrupt(
                name_at,
                format!("a path of {len} bytes where the entry records {recorded}"),
            ));
        }
        let stage = u8::try_from((flags >> 12) & 3).unwrap_or(0);
        if mode & MODE_TYPE == MODE_DIR && (self.file.names.last() != Some(&b'/') || stage != 0) {
            return Err(corrupt(
                entry_at,
                "a folder entry that is not a sparse folder (merged, path ending in `/`)",
            ));
        }
        self.prev = (start, self.file.names.len());
        self.file.entries.push(Raw {
            end: self.file.names.len(),
            mode,
            oid,
            stage,
            skip_worktree,
            intent_to_add,
        });
        Ok(pos)
    }
}

/// The extension at `pos`: where the next one starts, `None` after the last.
/// Extensions are only checked (their payload is not needed): only their heads
/// must be in the window.
pub(super) fn extension<R: std::io::Read>(
    data: &Window<R>,
    pos: usize,
    end: usize,
) -> Result<Option<usize>, IndexError> {
    if pos >= end {
        return Ok(None);
    }
    let head = slice(data, pos, 8, end, "an extension header")?;
    let sig = head.get(..4).unwrap_or_default();
    let size = usize::try_from(be32(head, 4)).unwrap_or(usize::MAX);
    (pos + 8)
        .checked_add(size)
        .filter(|&e| e <= end)
        .ok_or_else(|| {
            corrupt(
                pos + 8,
                format!("an extension of {size} bytes runs past the end of the data ({end} bytes)"),
            )
        })?;
    match sig {
        b"link" => {
            return Err(IndexError::Unsupported(
                "a split index (its entries are partly in `sharedindex.*`): relgate \
                 does not read it; `git update-index --no-split-index` makes it whole"
                    .to_string(),
            ));
        }
        // `sdir` only says folder entries may occur (they are expanded by
        // `read`); a payload would be a new form of it that nobody reads yet.
        b"sdir" if size > 0 => {
            return Err(IndexError::Unsupported(format!(
                "a sparse-directory extension (`sdir`) with a payload of {size} bytes \
                 (at byte {pos}): relgate, like gitoxide, reads it only as an empty \
                 marker; a newer git wrote it (`git sparse-checkout disable` rewrites \
                 the index without it)"
            )));
        }
        b"sdir" | [b'A'..=b'Z', ..] => {}
        _ => {
            return Err(IndexError::Unsupported(format!(
                "a required extension `{}` relgate does not know (at byte {pos}); \
                 a newer git wrote it",
                String::from_utf8_lossy(sig).escape_debug()
            )));
        }
    }
    Ok(Some(pos + 8 + size))
}
