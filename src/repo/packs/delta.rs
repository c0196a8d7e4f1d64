//! Git's delta format (`git/delta.h`, `patch-delta.c`): a delta names the size
//! of its base and of its result, then copies ranges of the base or inserts its
//! own bytes. gix-pack has the same decoder but keeps it crate-private (only its
//! whole-chain `decode_entry` is public, which copies every base out of the
//! cache and inflates the asked object's delta a second time to learn its
//! size), so the forty lines are written here, checked as strictly: every range
//! inside the base, the result exactly the size the delta declares.

/// A delta's header: the size of the base it applies to, the size of what it
/// makes, and where its instructions start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    pub(super) base: u64,
    pub(super) result: u64,
    pub(super) len: usize,
}

/// The header at the start of `delta`; `None` when it is truncated or overflows.
pub(super) fn header(delta: &[u8]) -> Option<Header> {
    let (base, a) = varint(delta)?;
    let (result, b) = varint(delta.get(a..)?)?;
    Some(Header {
        base,
        result,
        len: a + b,
    })
}

fn varint(d: &[u8]) -> Option<(u64, usize)> {
    let mut size = 0u64;
    for (i, &byte) in d.iter().enumerate() {
        let shift = u32::try_from(7 * i).ok().filter(|s| *s < u64::BITS)?;
        size |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((size, i + 1));
        }
    }
    None
}

/// Applies the instructions `ops` (a delta after its header) to `base`, into
/// `out` (cleared first), which must come out exactly `size` bytes long.
/// `None` when an instruction is reserved, truncated, reaches outside the base,
/// or the result is not `size` bytes.
pub(super) fn apply(base: &[u8], mut ops: &[u8], size: usize, out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    out.try_reserve_exact(size).ok()?;
    while let Some((&op, rest)) = ops.split_first() {
        ops = rest;
        let bytes = if op & 0x80 != 0 {
            // Copy: which of the 4 offset and 3 size bytes follow, by bit.
            let mut offset = 0usize;
            let mut len = 0usize;
            for bit in 0..7 {
                if op & (1 << bit) != 0 {
                    let (&b, rest) = ops.split_first()?;
                    ops = rest;
                    if bit < 4 {
                        offset |= usize::from(b) << (8 * bit);
                    } else {
                        len |= usize::from(b) << (8 * (bit - 4));
                    }
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            base.get(offset..offset.checked_add(len)?)?
        } else if op == 0 {
            // Reserved.
            return None;
        } else {
            // Insert the next `op` bytes.
            let (bytes, rest) = ops.split_at_checked(usize::from(op))?;
            ops = rest;
            bytes
        };
        if bytes.len() > size - out.len() {
            return None;
        }
        out.extend_from_slice(bytes);
    }
    (out.len() == size).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_instructions_as_git_writes_them() {
        // base 10 bytes, result 300 (0xac 0x02): copy 4 at offset 2, insert "xy",
        // copy 0x10000 (no size byte) is out of range here.
        assert_eq!(
            header(&[10, 0xac, 0x02, 0x91]),
            Some(Header {
                base: 10,
                result: 300,
                len: 3
            })
        );
        assert_eq!(header(&[10, 0xac]), None);
        assert_eq!(header(&[0xff; 11]), None);
        let base = b"0123456789";
        let mut out = Vec::new();
        assert_eq!(
            apply(base, &[0x91, 2, 4, 2, b'x', b'y'], 6, &mut out),
            Some(())
        );
        assert_eq!(out, b"2345xy");
        // Too short, too long, reserved, truncated, outside the base.
        assert_eq!(apply(base, &[0x91, 2, 4], 6, &mut out), None);
        assert_eq!(apply(base, &[0x91, 2, 4, 2, b'x', b'y'], 5, &mut out), None);
        assert_eq!(apply(base, &[0], 0, &mut out), None);
        assert_eq!(apply(base, &[3, b'a'], 3, &mut out), None);
        assert_eq!(apply(base, &[0x91, 8, 4], 4, &mut out), None);
        assert_eq!(apply(base, &[0x80], 0x10000, &mut out), None);
        assert_eq!(apply(base, &[0x91, 2], 1, &mut out), None);
        // A full-width offset and size (bits 0-6) read little-endian.
        let big = vec![7u8; 0x20000];
        assert_eq!(
            apply(&big, &[0xff, 1, 0, 0, 0, 2, 0, 1], 0x10002, &mut out),
            Some(())
        );
        assert_eq!(out.len(), 0x10002);
    }
}
