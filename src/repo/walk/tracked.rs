//! The index's paths as the walk holds them while it runs: sorted, each once, front
//! coded. At a million files this is what the walk holds longest beside the listing
//! it builds, and sorted paths share most of their bytes with the one before
//! (`services/billing/config/a.yaml`, `services/billing/config/b.yaml`): each path is
//! stored as the length it shares with the previous one and the rest, and every
//! [`RESTART`]th whole, so that a lookup is a binary search over those and a short
//! scan. A path costs about the bytes that differ and two, where it cost all its
//! bytes and four.

/// Every this many paths one is stored whole.
const RESTART: usize = 16;

#[derive(Default)]
pub(super) struct Tracked {
    /// Per path: the length shared with the one before and the length of the rest
    /// (LEB128), then the rest.
    bytes: Vec<u8>,
    /// Where each [`RESTART`]th path starts in `bytes`.
    restarts: Vec<usize>,
    len: usize,
    /// The last path pushed, whole.
    last: Vec<u8>,
    /// The commit of each gitlink, by path index, sorted.
    gitlinks: Vec<(usize, git2::Oid)>,
    /// Whether the paths came sorted so far.
    sorted: bool,
}

fn put(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A number written by [`put`] at `*at`, moving past it.
fn get(bytes: &[u8], at: &mut usize) -> usize {
    let mut n = 0usize;
    let mut shift = 0;
    while let Some(b) = bytes.get(*at) {
        *at += 1;
        n |= usize::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    n
}

/// The paths in order, decoded into a buffer of its own.
pub(super) struct Cursor<'a> {
    t: &'a Tracked,
    at: usize,
    next: usize,
    path: Vec<u8>,
}

impl Cursor<'_> {
    /// The next path and its index.
    pub(super) fn next(&mut self) -> Option<(usize, &[u8])> {
        if self.next >= self.t.len {
            return None;
        }
        let (shared, rest) = self.t.entry(&mut self.at);
        self.path.truncate(shared);
        self.path.extend_from_slice(rest);
        self.next += 1;
        Some((self.next - 1, &self.path))
    }
}

impl Tracked {
    pub(super) fn new() -> Tracked {
        Tracked {
            sorted: true,
            ..Tracked::default()
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Bytes held for the paths.
    pub(super) fn size(&self) -> usize {
        self.bytes.len()
    }

    /// Adds an index path (the index's entries come sorted, all stages of a path
    /// together): a path listed twice is one, a gitlink if either is.
    pub(super) fn push(&mut self, path: &[u8], gitlink: Option<git2::Oid>) {
        let same = self.len > 0 && self.last == path;
        if !same {
            self.sorted &= self.len == 0 || self.last.as_slice() < path;
            let shared = if self.len.is_multiple_of(RESTART) {
                self.restarts.push(self.bytes.len());
                0
            } else {
                self.last
                    .iter()
                    .zip(path)
                    .take_while(|(a, b)| a == b)
                    .count()
            };
            let rest = path.get(shared..).unwrap_or_default();
            put(&mut self.bytes, shared);
            put(&mut self.bytes, rest.len());
            self.bytes.extend_from_slice(rest);
            self.last.clear();
            self.last.extend_from_slice(path);
            self.len += 1;
        }
        let i = self.len - 1;
        if let Some(oid) = gitlink
            && self.gitlinks.last().is_none_or(|(j, _)| *j != i)
        {
            self.gitlinks.push((i, oid));
        }
    }

    /// The paths sorted (an index out of order is sorted as git would read it), each
    /// once.
    pub(super) fn finish(mut self) -> Tracked {
        self.last = Vec::new();
        if self.sorted {
            self.bytes.shrink_to_fit();
            self.restarts.shrink_to_fit();
            return self;
        }
        let mut all: Vec<(Vec<u8>, Option<git2::Oid>)> = Vec::with_capacity(self.len);
        let mut c = self.cursor();
        while let Some((i, path)) = c.next() {
            all.push((path.to_vec(), self.gitlink(i)));
        }
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let mut t = Tracked::new();
        for (path, gitlink) in all {
            t.push(&path, gitlink);
        }
        t.finish()
    }

    pub(super) fn cursor(&self) -> Cursor<'_> {
        Cursor {
            t: self,
            at: 0,
            next: 0,
            path: Vec::new(),
        }
    }

    /// The path stored at `*at`, moving past it: the length it shares with the path
    /// before it, and the rest.
    fn entry(&self, at: &mut usize) -> (usize, &[u8]) {
        let shared = get(&self.bytes, at);
        let rest = get(&self.bytes, at);
        let end = at.saturating_add(rest).min(self.bytes.len());
        let rest = self.bytes.get(*at..end).unwrap_or_default();
        *at = end;
        (shared, rest)
    }

    /// The path stored whole at restart `k`.
    fn restart(&self, k: usize) -> &[u8] {
        let Some(&start) = self.restarts.get(k) else {
            return &[];
        };
        self.entry(&mut { start }).1
    }

    /// The index of `full`, if tracked. The paths after a restart are compared as
    /// they are stored, without being put together: a path that shares more with the
    /// one before than that one shares with `full` sorts where that one does.
    pub(super) fn find(&self, full: &[u8]) -> Option<usize> {
        // The last restart whose path is at most `full`.
        let (mut lo, mut hi) = (0, self.restarts.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.restart(mid) <= full {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let k = lo.checked_sub(1)?;
        let mut at = *self.restarts.get(k)?;
        // How many bytes the last path read shares with `full`, which it sorts before.
        let mut common = 0;
        for i in k * RESTART..(k * RESTART + RESTART).min(self.len) {
            let (shared, rest) = self.entry(&mut at);
            if shared > common {
                // Like the path before it up to where that one differs from `full`.
                continue;
            }
            // This path is `full[..shared]` and `rest`.
            let tail = full.get(shared..).unwrap_or_default();
            match rest.cmp(tail) {
                std::cmp::Ordering::Less => {
                    common = shared + rest.iter().zip(tail).take_while(|(a, b)| a == b).count();
                }
                std::cmp::Ordering::Equal => return Some(i),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }

    pub(super) fn gitlink(&self, i: usize) -> Option<git2::Oid> {
        let at = self.gitlinks.binary_search_by_key(&i, |(j, _)| *j).ok()?;
        self.gitlinks.get(at).map(|(_, oid)| *oid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path is found at its index, nothing else is, and the cursor gives them
    /// back in order: sorted input, unsorted input, repeats, long shared prefixes.
    #[test]
    fn paths_are_found_and_read_back() {
        let mut paths: Vec<Vec<u8>> = Vec::new();
        for d in 0..40 {
            for f in 0..7 {
                paths.push(format!("services/svc{d:02}/config/{f}.yaml").into_bytes());
            }
        }
        paths.push(vec![b'x'; 300]);
        paths.push(b"a".to_vec());
        paths.push(b"\xff\xfe/\x00".to_vec());
        let mut want = paths.clone();
        want.sort();
        want.dedup();
        for order in [want.clone(), paths.iter().rev().cloned().collect()] {
            let mut t = Tracked::new();
            for p in &order {
                t.push(p, None);
                t.push(p, None);
            }
            let t = t.finish();
            assert_eq!(t.len(), want.len());
            let mut c = t.cursor();
            let mut got = Vec::new();
            while let Some((i, p)) = c.next() {
                assert_eq!(i, got.len());
                got.push(p.to_vec());
            }
            assert_eq!(got, want);
            for (i, p) in want.iter().enumerate() {
                assert_eq!(t.find(p), Some(i), "{p:?}");
                let mut near = p.clone();
                near.push(b'0');
                assert_eq!(t.find(&near), None);
                near.truncate(p.len().saturating_sub(1));
                if !want.contains(&near) {
                    assert_eq!(t.find(&near), None);
                }
            }
            assert_eq!(t.find(b""), None);
            assert_eq!(t.find(b"zzz"), None);
        }
    }

    #[test]
    fn gitlinks_are_kept_by_index() {
        let oid = git2::Oid::from_bytes(&[7; 20]).unwrap();
        let mut t = Tracked::new();
        t.push(b"a", None);
        t.push(b"sub", Some(oid));
        t.push(b"sub", None);
        let t = t.finish();
        assert_eq!(t.gitlink(1), Some(oid));
        assert_eq!(t.gitlink(0), None);
    }
}
