//! Paths that differ only in case, found from the paths of a view in sorted order
//! ([`CaseFold`]), without holding them.
//!
//! Two paths that differ only in case first differ in one component, below the same
//! folder: so a collision is always between two names of one folder (files or folders
//! holding an entry), and a collision of folders shows again for every pair of paths
//! below them, which only the outermost reports. Sorted paths visit each folder's names
//! in one stretch, so the names kept at any moment are those of the folders on the
//! current path, not the whole listing: a run that does not keep every entry can still
//! tell every collision.

use std::collections::{HashMap, HashSet};

/// Whether a name can collide with another: every collision involves a name with an
/// upper-case or non-ASCII character (two different lower-case ASCII names never do).
pub(crate) fn special(name: &str) -> bool {
    name.bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
}

/// Collects collisions from paths given in byte order ([`CaseFold::push`]).
#[derive(Default)]
pub(crate) struct CaseFold {
    /// The path before.
    prev: String,
    /// `frames[k]` for `k < depth`: the names below the folder made of the first `k`
    /// components of `prev` (the top's for `k = 0`). Frames past `depth` are kept empty
    /// for their room.
    frames: Vec<Frame>,
    depth: usize,
    /// Where each component of `prev` starts.
    starts: Vec<usize>,
    /// (a name, the first name of its group in byte order), full paths.
    found: Vec<(String, String)>,
}

#[derive(Default)]
struct Frame {
    /// The names, each followed by `/` (no name holds one).
    names: String,
    /// How many of them are [`special`].
    specials: usize,
}

impl CaseFold {
    /// The next path, after every path given before in byte order; how the path
    /// before compares with it (`Equal`: the same path, which changes nothing).
    pub(crate) fn push(&mut self, path: &str) -> std::cmp::Ordering {
        let (p, q) = (self.prev.as_bytes(), path.as_bytes());
        let common = common_prefix(p, q);
        if common == p.len() && common == q.len() {
            return std::cmp::Ordering::Equal;
        }
        let order = p.get(common).cmp(&q.get(common));
        // The components both paths share: those that end before `common` (the
        // slashes of `prev` before it), and the one that ends at it in both.
        let whole = self
            .starts
            .iter()
            .skip(1)
            .take_while(|s| **s <= common)
            .count();
        let ends = |s: &[u8]| s.get(common).is_none_or(|b| *b == b'/');
        let (same, from) = if ends(p) && ends(q) {
            (whole + 1, common + 1)
        } else {
            (whole, self.starts.get(whole).copied().unwrap_or(0))
        };
        if from > q.len() {
            // A folder of the path before, given again: nothing new (never sorted).
            return order;
        }
        while self.depth > same + 1 {
            self.close();
        }
        self.starts.truncate(same);
        self.starts.push(from);
        let mut k = same;
        for name in path.get(from..).unwrap_or_default().split('/') {
            if self.frames.len() <= k {
                self.frames.push(Frame::default());
            }
            if let Some(f) = self.frames.get_mut(k) {
                let s = special(name);
                // A plain name is another's lower case only after it in byte order
                // (`A` < `a`), unless that one holds the Kelvin sign (`\u{212a}` > `k`):
                // before the folder's first special name, only those with a `k` can
                // be one's.
                if s || f.specials > 0 || name.as_bytes().contains(&b'k') {
                    f.names.push_str(name);
                    f.names.push('/');
                }
                f.specials += usize::from(s);
            }
            k += 1;
            let next = self.starts.last().copied().unwrap_or(0) + name.len() + 1;
            if next <= q.len() {
                self.starts.push(next);
            }
        }
        self.depth = k;
        self.prev.clear();
        self.prev.push_str(path);
        order
    }

    /// Closes the deepest folder: its names that collide are noted.
    fn close(&mut self) {
        let Some(depth) = self.depth.checked_sub(1) else {
            return;
        };
        self.depth = depth;
        let Some(frame) = self.frames.get_mut(depth) else {
            return;
        };
        if frame.specials > 0 {
            let folder: Vec<&str> = self.prev.split('/').take(depth).collect();
            collide(&folder.join("/"), &frame.names, &mut self.found);
        }
        frame.names.clear();
        frame.specials = 0;
    }

    /// Every collision, (the later name, the first of its group), in byte order of the
    /// later name, a folder's collision hiding those below it.
    pub(crate) fn finish(self) -> Vec<(String, String)> {
        outermost(self.every())
    }

    /// Every collision of every folder, those below a folder's collision too, in no
    /// order (to be put with others before [`outermost`]).
    pub(crate) fn every(mut self) -> Vec<(String, String)> {
        while self.depth > 0 {
            self.close();
        }
        self.found
    }
}

/// How many leading bytes `a` and `b` share, compared eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        if x != y {
            break;
        }
        n += 8;
    }
    let rest = a.get(n..).unwrap_or_default().iter();
    n + rest
        .zip(b.get(n..).unwrap_or_default())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The names of `folder` (each followed by `/`) that differ only in case, into `found`.
pub(crate) fn collide(folder: &str, names: &str, found: &mut Vec<(String, String)>) {
    let full = |name: &str| {
        if folder.is_empty() {
            name.to_string()
        } else {
            format!("{folder}/{name}")
        }
    };
    let names = names.split_terminator('/');
    let mut groups: HashMap<String, Vec<&str>> = HashMap::new();
    for n in names.clone().filter(|n| special(n)) {
        groups.entry(n.to_lowercase()).or_default().push(n);
    }
    // A plain name joins the group of its own text (the special names' lower case).
    for n in names.filter(|n| !special(n)) {
        if let Some(g) = groups.get_mut(n) {
            g.push(n);
        }
    }
    for mut g in groups.into_values() {
        g.sort_unstable();
        g.dedup();
        if let Some((first, rest)) = g.split_first() {
            found.extend(rest.iter().map(|n| (full(n), full(first))));
        }
    }
}

/// The collisions not below a folder collision kept before them (in byte order).
pub(crate) fn outermost(mut collisions: Vec<(String, String)>) -> Vec<(String, String)> {
    collisions.sort_unstable();
    let mut kept_keys: HashSet<String> = HashSet::new();
    let mut kept = Vec::new();
    for (name, first) in collisions {
        let key = name.to_lowercase();
        let below_kept = key
            .match_indices('/')
            .any(|(i, _)| key.get(..i).is_some_and(|k| kept_keys.contains(k)));
        if below_kept {
            continue;
        }
        kept_keys.insert(key);
        kept.push((name, first));
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(paths: &[String]) -> Vec<(String, String)> {
        let mut f = CaseFold::default();
        for p in paths {
            f.push(p);
        }
        f.finish()
    }

    /// What relgate did before it folded a stream: every path and folder at once,
    /// grouped by the whole path's lower case.
    fn whole(paths: &[String]) -> Vec<(String, String)> {
        let mut dirs: Vec<&str> = paths
            .iter()
            .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        let all: HashSet<&str> = dirs
            .iter()
            .copied()
            .chain(paths.iter().map(String::as_str))
            .collect();
        let mut groups: HashMap<String, Vec<&str>> = HashMap::new();
        for n in all.iter().filter(|n| special(n)) {
            groups.entry(n.to_lowercase()).or_default().push(n);
        }
        let mut collisions = Vec::new();
        for (key, mut names) in groups {
            if !special(&key) && all.contains(key.as_str()) {
                names.push(all.get(key.as_str()).copied().unwrap_or_default());
            }
            names.sort_unstable();
            names.dedup();
            if let Some((first, rest)) = names.split_first() {
                collisions.extend(rest.iter().map(|n| (n.to_string(), first.to_string())));
            }
        }
        outermost(collisions)
    }

    #[test]
    fn a_folded_stream_finds_what_the_whole_listing_finds() {
        // Names that collide in ASCII and beyond (É/é, the Kelvin sign and k).
        let names = [
            "a", "A", "b", "B", "\u{c9}", "\u{e9}", "\u{212a}", "k", "aB", "ab",
        ];
        let mut next = crate::repo::testutil::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut collided = 0;
        for _ in 0..3000 {
            let count = 1 + next(12);
            let mut paths: Vec<String> = (0..count)
                .map(|_| {
                    let depth = 1 + next(3);
                    (0..depth)
                        .map(|_| names[next(names.len())])
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect();
            paths.sort();
            paths.dedup();
            // A listing never holds a file and a folder of the same path.
            let copy = paths.clone();
            paths.retain(|p| !copy.iter().any(|q| q.starts_with(&format!("{p}/"))));
            let want = whole(&paths);
            collided += usize::from(!want.is_empty());
            assert_eq!(fold(&paths), want, "{paths:?}");
        }
        assert!(collided > 500, "the cases collide often enough: {collided}");
    }

    /// What `push` says of the path before is what comparing them says, in order or
    /// not, a folder given again after what it holds included.
    #[test]
    fn a_push_compares_the_path_with_the_one_before() {
        let paths = [
            "a", "a/b", "a/b", "a", "a/c", "ab", "a/b/c", "", "b", "a\u{e9}", "a~", "a/b/",
        ];
        let mut f = CaseFold::default();
        let mut prev = String::new();
        for p in paths {
            assert_eq!(f.push(p), prev.as_str().cmp(p), "{prev:?} then {p:?}");
            if prev.as_str() != p {
                prev = p.to_string();
            }
        }
    }

    #[test]
    fn a_hostile_listing_with_a_file_and_a_folder_of_one_name_folds_alike() {
        for paths in [
            &["a", "a/B", "a/b"][..],
            &["A", "a", "a/x"],
            &["K/\u{212a}", "K/k", "K/k/x"],
        ] {
            let mut paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
            paths.sort();
            assert_eq!(fold(&paths), whole(&paths), "{paths:?}");
            assert!(!fold(&paths).is_empty(), "{paths:?}");
        }
    }

    #[test]
    fn a_collision_is_named_at_the_later_path_with_the_first() {
        let paths: Vec<String> = [
            "README.md",
            "Readme.md",
            "docs/A/x",
            "docs/a/y",
            "readme.md",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            fold(&paths),
            [
                ("Readme.md".to_string(), "README.md".to_string()),
                ("docs/a".to_string(), "docs/A".to_string()),
                ("readme.md".to_string(), "README.md".to_string()),
            ]
        );
    }
}
