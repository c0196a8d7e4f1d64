//! The working tree's listing: tracked paths from the index, untracked paths from
//! a walk of the folders that honours git's ignore rules, without comparing or
//! hashing any content (libgit2's status did both, for every tracked file).
//!
//! Ignore rules are git's: the `.gitignore` of every folder from the top down
//! (a deeper file overrides a higher one, the last matching line of a file wins,
//! `!` re-includes), then `$GIT_COMMON_DIR/info/exclude`, then
//! `core.excludesFile` (default `$XDG_CONFIG_HOME/git/ignore`). An ignored folder
//! is not entered, so nothing below it can be re-included, as in git. Patterns
//! are compiled by the `ignore` crate's gitignore matcher (ripgrep's), which
//! implements gitignore(5) globbing; the walk itself is ours because that crate's
//! walker opens `.gitignore` files through symbolic links, and a pull request
//! must not make relgate read `/dev/zero` as its ignore rules. Here a
//! `.gitignore` is read only when it is a regular file, through [`Root`], as git
//! (2.32 and later) does for in-tree ignore files.
//!
//! Folders are read in parallel, one level of the tree at a time (no recursion:
//! a hostile tree may nest deeper than a thread's stack). A folder holding a
//! `.git` is a repository of its own: it is listed as one entry
//! ([`EntryKind::Submodule`]) and not entered, like `git ls-files --others`
//! shows `nested/`. Untracked FIFOs, sockets and devices are not listed (git does
//! not list them either); tracked ones are ([`EntryKind::Special`]).

mod cases;
mod tracked;

use super::index::Until;
use super::index_file;
use super::listing::{descends, is_clean, under_prefix};
use super::object::{MAX_ENTRIES, git_err, too_many};
use super::pipe::Sink;
use super::safe_open::{Ancestors, Root, ancestors, gone, os};
use super::submodule::Gitlink;
use super::{EntryKind, OpenError};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tracked::Tracked;

/// A `.gitignore` larger than this is not read (git's own limit is 100 MB).
const MAX_IGNORE_FILE: u64 = 16 * 1024 * 1024;

/// Folders of one level read at a time: what they hold goes into the listing before
/// the next ones are read, so a level's paths are never all held twice.
const SLICE: usize = 64;

/// The paths a folder holds, relative to the working directory, in one buffer: a
/// path costs its bytes and twelve more, not an allocation of its own (a level of a
/// wide tree holds hundreds of thousands).
#[derive(Default)]
struct Found {
    paths: Vec<u8>,
    /// Where each path ends in `paths`, its kind, and its mode as
    /// [`super::View::mode`] says (0 when not looked up yet).
    each: Vec<(u32, EntryKind, u32)>,
}

impl Found {
    fn push(&mut self, full: &[u8], kind: EntryKind, mode: u32) {
        self.paths.extend_from_slice(full);
        let end = u32::try_from(self.paths.len()).unwrap_or(u32::MAX);
        self.each.push((end, kind, mode));
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], EntryKind, u32)> {
        let mut start = 0;
        self.each.iter().map(move |&(end, kind, mode)| {
            let path = self.paths.get(start..end as usize).unwrap_or_default();
            start = end as usize;
            (path, kind, mode)
        })
    }
}

/// A child of a folder, for the case check: listed, a folder to read (at its index),
/// or a folder not read (at its path).
enum Kid {
    Listed,
    Dir(usize),
    Unread(Vec<u8>),
}

/// The ignore files of one folder, above those of its parents.
struct Stack {
    rules: Gitignore,
    parent: Option<Arc<Stack>>,
}

/// What the walk knows before it starts.
struct Walk<'a> {
    root: &'a Root,
    prefix: &'a [u8],
    /// Index paths (all stages), sorted, with the commit of a gitlink.
    tracked: Tracked,
    /// One bit per tracked path the walk listed.
    seen: Vec<AtomicU64>,
    /// `info/exclude` above `core.excludesFile`.
    global: Gitignore,
    ignore_case: bool,
    /// The case check, when the walk tells it ([`cases`]).
    case: Option<cases::Cases>,
}

/// Index entries read at a time.
const BATCH: usize = 1 << 14;

/// What reading one folder gives: paths to list, folders to read next.
type DirRead = (Found, Vec<Dir>);

/// A folder to read, relative to the working directory (`""` at the top).
struct Dir {
    rel: Vec<u8>,
    rules: Option<Arc<Stack>>,
    /// The folders whose names count once something is listed below this one.
    watch: cases::Chain,
}

/// What a walk gives besides the paths it lists.
pub(crate) struct Walked {
    /// The gitlinks (tracked submodules), not listed.
    pub links: Vec<Gitlink>,
    /// The paths that differ only in case, as [`super::case::CaseFold`] tells them
    /// from the whole listing, when asked and the walk can tell.
    pub case: Option<Vec<(String, String)>>,
}

/// Lists into `files` (each with `item`) every path of the working tree under
/// `prefix` that git would show: tracked paths that exist on disk (whatever the
/// ignore rules say) and untracked paths that are not ignored, in no particular
/// order. Gives the gitlinks (tracked submodules) instead of listing them, and with
/// `case`, the case collisions of what it listed. With `few`, the index is read that
/// many entries at a time and only until they sort past `prefix` (a folder near the
/// top: `.relgate/`), an index out of order being an error.
pub(crate) fn list<T: Clone>(
    repo: &git2::Repository,
    root: &Root,
    prefix: &[u8],
    files: &mut dyn Sink<T>,
    item: T,
    case: bool,
    few: Option<usize>,
) -> Result<Walked, OpenError> {
    let config = repo
        .config()
        .and_then(|mut c| c.snapshot())
        .map_err(git_err)?;
    let ignore_case = config.get_bool("core.ignorecase").unwrap_or(false);
    // The index in batches: its paths are copied as they come, and the index is
    // never whole beside them.
    let mut tracked = Tracked::new();
    let mut until = few.map(|_| Until::new(prefix));
    let read = index_file::read_each(
        repo,
        &repo.path().join("index"),
        prefix,
        few.unwrap_or(BATCH),
        &mut |index, again| {
            if again {
                tracked = Tracked::new();
                until = few.map(|_| Until::new(prefix));
            }
            for e in index.iter() {
                if let Some(u) = &mut until {
                    u.next(e.path)?;
                }
                if under_prefix(e.path, prefix).is_some() || descends(e.path, prefix) {
                    let gitlink = (e.mode & 0o170000 == 0o160000).then_some(e.oid);
                    tracked.push(e.path, gitlink);
                }
            }
            Ok(())
        },
    );
    match until {
        Some(u) => u.end(read)?,
        None => read?,
    }
    let tracked = tracked.finish();
    if u32::try_from(tracked.size()).is_err() {
        return Err(too_many());
    }
    let mut walk = Walk {
        root,
        prefix,
        seen: (0..tracked.len().div_ceil(64))
            .map(|_| AtomicU64::new(0))
            .collect(),
        tracked,
        global: global_rules(repo, &config, root.path(), ignore_case),
        ignore_case,
        case: case.then(cases::Cases::default),
    };
    walk.untracked_and_seen(files, &item)?;
    let mut after = walk.case.take().map(|c| c.after_walk(prefix));
    let links = walk.tracked_unseen(files, &item, after.as_mut())?;
    if files.listed() > MAX_ENTRIES {
        return Err(too_many());
    }
    Ok(Walked {
        links,
        case: after.and_then(cases::AfterWalk::finish),
    })
}

impl Walk<'_> {
    /// The index in the tracked paths of `full`, if tracked, and whether it is a gitlink.
    fn is_tracked(&self, full: &[u8]) -> Option<(usize, bool)> {
        self.tracked
            .find(full)
            .map(|i| (i, self.tracked.gitlink(i).is_some()))
    }

    /// Notes that the walk listed tracked path `i`.
    fn saw(&self, i: usize) {
        if let Some(w) = self.seen.get(i / 64) {
            w.fetch_or(1 << (i % 64), Ordering::Relaxed);
        }
    }

    fn was_seen(&self, i: usize) -> bool {
        self.seen
            .get(i / 64)
            .is_some_and(|w| w.load(Ordering::Relaxed) & (1 << (i % 64)) != 0)
    }

    /// The walk: every path it reaches that is listed (tracked, or untracked and
    /// not ignored), into `files`.
    fn untracked_and_seen<T: Clone>(
        &self,
        files: &mut dyn Sink<T>,
        item: &T,
    ) -> Result<(), OpenError> {
        let mut level = vec![Dir {
            rel: Vec::new(),
            rules: None,
            watch: None,
        }];
        while !level.is_empty() {
            let mut next = Vec::new();
            for slice in level.chunks(SLICE) {
                let results: Vec<Result<DirRead, OpenError>> =
                    slice.par_iter().map(|d| self.read_dir(d)).collect();
                for r in results {
                    let (found, mut dirs) = r?;
                    for (full, kind, mode) in found.iter() {
                        // Every path found lies under the prefix.
                        if let Some(rel) = under_prefix(full, self.prefix) {
                            files.push_bytes(rel, kind, mode, item.clone())?;
                        }
                    }
                    next.append(&mut dirs);
                    if files.listed() > MAX_ENTRIES {
                        return Err(too_many());
                    }
                }
            }
            level = next;
        }
        Ok(())
    }

    fn read_dir(&self, dir: &Dir) -> Result<DirRead, OpenError> {
        let abs = self.root.join(&dir.rel);
        let io = |e: std::io::Error| OpenError::Io(format!("{}: {e}", abs.display()));
        let listing = match fs::read_dir(&abs) {
            Ok(l) => l,
            Err(e) if gone(&e) => return Ok((Found::default(), Vec::new())),
            Err(e) => return Err(io(e)),
        };
        // The children's names in one buffer, with where each ends and its type.
        let mut names = Vec::new();
        let mut children = Vec::new();
        for child in listing {
            let child = child.map_err(io)?;
            let ft = child.file_type().map_err(io)?;
            names.extend_from_slice(child.file_name().as_bytes());
            children.push((names.len(), ft));
        }
        let (names, children) = (&names, &children);
        let named = || {
            let mut start = 0;
            children.iter().map(move |&(end, ft)| {
                let name = names.get(start..end).unwrap_or_default();
                start = end;
                (name, ft)
            })
        };
        // A repository of its own: one entry, not entered.
        if !dir.rel.is_empty() && named().any(|(n, _)| is_dot_git_bytes(n)) {
            let mut nested = Found::default();
            let listed = under_prefix(&dir.rel, self.prefix).is_some();
            if !listed {
                return Ok((nested, Vec::new()));
            }
            if let Some((i, _)) = self.is_tracked(&dir.rel) {
                self.saw(i);
            }
            if let Some(c) = &self.case {
                // Listed itself, and any tracked path below it is listed afterwards.
                cases::mark(&dir.watch);
                c.unread(&dir.rel, dir.watch.clone());
            }
            nested.push(&dir.rel, EntryKind::Submodule, 0o160000);
            return Ok((nested, Vec::new()));
        }
        let rules = match named().find(|(n, ft)| ft.is_file() && *n == b".gitignore") {
            Some(_) => self.load_rules(&dir.rel, &abs).map(|rules| {
                Arc::new(Stack {
                    rules,
                    parent: dir.rules.clone(),
                })
            }),
            None => None,
        }
        .or_else(|| dir.rules.clone());
        let mut files = Found::default();
        let mut dirs = Vec::new();
        let mut full = dir.rel.clone();
        if !full.is_empty() {
            full.push(b'/');
        }
        let base = full.len();
        // The case check's view of the children, when the folder is in the view.
        let in_view = dir.rel == self.prefix || under_prefix(&dir.rel, self.prefix).is_some();
        let mut children: Option<Vec<(cases::Child<'_>, Kid)>> =
            (self.case.is_some() && in_view).then(Vec::new);
        for (name, ft) in named() {
            if is_dot_git_bytes(name) {
                continue;
            }
            full.truncate(base);
            full.extend_from_slice(name);
            if !descends(&full, self.prefix) {
                continue;
            }
            let index = self.is_tracked(&full);
            let tracked = index.map(|(_, gitlink)| gitlink);
            if ft.is_dir() {
                // A tracked submodule comes from the index; an ignored folder is not
                // entered (its tracked files are looked up one by one afterwards).
                let entered = tracked != Some(true) && !self.ignored(rules.as_deref(), &full, true);
                if let Some(c) = &mut children {
                    let kid = if entered {
                        Kid::Dir(dirs.len())
                    } else {
                        Kid::Unread(full.clone())
                    };
                    c.push((cases::Child { name, folder: true }, kid));
                }
                if !entered
                    && full == self.prefix
                    && let Some(c) = &self.case
                {
                    // The view's own folder, ignored: what is tracked in it is listed.
                    c.unread(&full, None);
                }
                if entered {
                    dirs.push(Dir {
                        rel: full.clone(),
                        rules: rules.clone(),
                        watch: dir.watch.clone(),
                    });
                }
                continue;
            }
            if under_prefix(&full, self.prefix).is_none() {
                continue;
            }
            if tracked.is_none()
                && (!(ft.is_file() || ft.is_symlink())
                    || self.ignored(rules.as_deref(), &full, false))
            {
                continue;
            }
            // The kind comes with the folder's listing; the permission bits need an
            // `lstat`, done when a check asks (`mode` 0 until then).
            let (kind, mode) = if ft.is_file() {
                (EntryKind::File, 0)
            } else if ft.is_symlink() {
                (EntryKind::Symlink, 0o120000)
            } else {
                (EntryKind::Special, 0)
            };
            if let Some((i, _)) = index {
                self.saw(i);
            }
            if let Some(c) = &mut children {
                c.push((
                    cases::Child {
                        name,
                        folder: false,
                    },
                    Kid::Listed,
                ));
            }
            files.push(&full, kind, mode);
        }
        if let (Some(cases), Some(children)) = (&self.case, children) {
            if !files.each.is_empty() {
                cases::mark(&dir.watch);
            }
            let rel = under_prefix(&dir.rel, self.prefix).unwrap_or_default();
            let (kids, what): (Vec<_>, Vec<_>) = children.into_iter().unzip();
            let chains = cases.folder(rel, &kids, &dir.watch);
            for (i, kid) in what.into_iter().enumerate() {
                let chain = match &chains {
                    Some(c) => c.get(i).cloned().flatten(),
                    None => dir.watch.clone(),
                };
                match kid {
                    Kid::Listed => {}
                    Kid::Dir(d) => {
                        if let Some(d) = dirs.get_mut(d) {
                            d.watch = chain;
                        }
                    }
                    Kid::Unread(full) => cases.unread(&full, chain),
                }
            }
        }
        Ok((files, dirs))
    }

    /// Tracked paths the walk did not reach (below an ignored folder, a submodule,
    /// or gone), each checked from the top down with `lstat`, into `files`; the
    /// gitlinks among them are returned.
    fn tracked_unseen<T: Clone>(
        &self,
        files: &mut dyn Sink<T>,
        item: &T,
        mut case: Option<&mut cases::AfterWalk>,
    ) -> Result<Vec<Gitlink>, OpenError> {
        let mut dirs = HashMap::new();
        let mut links = Vec::new();
        let root = self.root.path();
        let mut paths = self.tracked.cursor();
        while let Some((i, full)) = paths.next() {
            let gitlink = self.tracked.gitlink(i);
            if gitlink.is_none() && under_prefix(full, self.prefix).is_none()
                || !is_clean(full)
                || full.split(|b| *b == b'/').any(is_dot_git_bytes)
                || self.was_seen(i)
            {
                continue;
            }
            let io = |e: std::io::Error| OpenError::Io(format!("{}: {e}", root.display()));
            if ancestors(root, full, Some(&mut dirs)).map_err(io)? != Ancestors::Dirs {
                continue;
            }
            let meta = match fs::symlink_metadata(root.join(os(full))) {
                Ok(m) => m,
                Err(e) if gone(&e) => continue,
                Err(e) => return Err(io(e)),
            };
            let Some((kind, mode)) = kind_and_mode(&meta, gitlink.is_some()) else {
                continue;
            };
            match gitlink {
                Some(commit) => links.push(Gitlink {
                    full: full.to_vec(),
                    commit,
                }),
                None => {
                    if let Some(rel) = under_prefix(full, self.prefix) {
                        if let Some(c) = case.as_deref_mut() {
                            c.listed(full, &super::listing::path_string(rel));
                        }
                        files.push_bytes(rel, kind, mode, item.clone())?;
                    }
                }
            }
        }
        Ok(links)
    }

    /// Whether git ignores `full`: the deepest `.gitignore` with a matching line
    /// decides, then `info/exclude` and `core.excludesFile`.
    fn ignored(&self, mut rules: Option<&Stack>, full: &[u8], is_dir: bool) -> bool {
        let abs = self.root.join(full);
        while let Some(s) = rules {
            match s.rules.matched(&abs, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => rules = s.parent.as_deref(),
            }
        }
        self.global.matched(&abs, is_dir).is_ignore()
    }

    /// The `.gitignore` of folder `rel`, if it is a regular file that can be read.
    fn load_rules(&self, rel: &[u8], abs: &Path) -> Option<Gitignore> {
        let mut file_rel = rel.to_vec();
        if !file_rel.is_empty() {
            file_rel.push(b'/');
        }
        file_rel.extend_from_slice(b".gitignore");
        let file = self.root.open_file(&file_rel).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() > MAX_IGNORE_FILE {
            return None;
        }
        let mut bytes = Vec::new();
        file.take(MAX_IGNORE_FILE).read_to_end(&mut bytes).ok()?;
        let mut b = GitignoreBuilder::new(abs);
        b.case_insensitive(self.ignore_case).ok()?;
        add_lines(&mut b, &bytes, &self.root.join(&file_rel));
        b.build().ok()
    }
}

/// Kind and mode of what `lstat` says; `None` for a folder that is not a
/// repository of its own.
pub(crate) fn kind_and_mode(meta: &fs::Metadata, gitlink: bool) -> Option<(EntryKind, u32)> {
    let ft = meta.file_type();
    if ft.is_file() {
        Some((EntryKind::File, meta.mode() & 0o7777))
    } else if ft.is_symlink() {
        Some((EntryKind::Symlink, 0o120000))
    } else if ft.is_dir() {
        gitlink.then_some((EntryKind::Submodule, 0o160000))
    } else {
        Some((EntryKind::Special, meta.mode()))
    }
}

/// `info/exclude` and `core.excludesFile`, rooted at the working directory.
fn global_rules(
    repo: &git2::Repository,
    config: &git2::Config,
    root: &Path,
    ignore_case: bool,
) -> Gitignore {
    let mut b = GitignoreBuilder::new(root);
    let _ = b.case_insensitive(ignore_case);
    let excludes = config.get_path("core.excludesfile").ok().or_else(|| {
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(xdg.join("git/ignore"))
    });
    // The user's own files, outside the repository: read as git reads them.
    for file in [excludes, Some(repo.commondir().join("info/exclude"))]
        .into_iter()
        .flatten()
    {
        if let Ok(bytes) = fs::read(&file) {
            add_lines(&mut b, &bytes, &file);
        }
    }
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

/// The lines of an ignore file, as git splits them (a UTF-8 byte order mark at
/// the start is skipped, `\r\n` ends a line like `\n`). A line that is not a
/// valid pattern is skipped, as git matches nothing with it.
fn add_lines(b: &mut GitignoreBuilder, bytes: &[u8], from: &Path) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    for line in bytes.split(|c| *c == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = String::from_utf8_lossy(line);
        let _ = b.add_line(Some(from.to_path_buf()), &line);
    }
}

/// `.git` in any case: on case-insensitive file systems `.GIT` is the same folder.
pub(crate) fn is_dot_git_bytes(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b".git")
}
