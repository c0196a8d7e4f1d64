//! The working tree as it is on disk now: tracked files (the index) plus untracked
//! files git does not ignore, with their exact permission bits.
//!
//! Never follows a link: every ancestor directory below the root is checked with
//! `lstat` when listing and again when reading; a file is opened with
//! `O_NOFOLLOW | O_NONBLOCK`, checked with `fstat`, and (on Linux) its opened path
//! is compared with the path asked for.

use super::listing::{self, Listing};
use super::object::{MAX_ENTRIES, git_err, too_many};
use super::{Content, Entry, EntryKind, MAX_FILE_SIZE, OpenError, ReadError, SourceKind, View};
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `O_NOFOLLOW | O_NONBLOCK`; the values differ between architectures.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "riscv64",
        target_arch = "riscv32",
        target_arch = "loongarch64",
        target_arch = "s390x"
    )
))]
pub(crate) const OPEN_FLAGS: i32 = 0o400000 | 0o4000;
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    )
))]
pub(crate) const OPEN_FLAGS: i32 = 0o100000 | 0o4000;
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
pub(crate) const OPEN_FLAGS: i32 = 0x100 | 0x4;
/// Elsewhere: a plain open, after the `lstat` checks.
#[cfg(not(any(
    all(
        target_os = "linux",
        any(
            target_arch = "x86_64",
            target_arch = "x86",
            target_arch = "riscv64",
            target_arch = "riscv32",
            target_arch = "loongarch64",
            target_arch = "s390x",
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "powerpc",
            target_arch = "powerpc64"
        )
    ),
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd"
)))]
pub(crate) const OPEN_FLAGS: i32 = 0;

pub struct WorktreeView {
    /// The working directory, canonical.
    root: PathBuf,
    prefix: String,
    /// Per entry: its path relative to the working directory, as git stores it.
    files: Listing<Vec<u8>>,
    max_size: u64,
}

/// What lies above a path, checked with `lstat` from the root down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ancestors {
    /// Every ancestor is a real directory.
    Dirs,
    /// An ancestor is a symbolic link.
    Link,
    /// An ancestor is missing or not a directory.
    Missing,
}

impl WorktreeView {
    pub(crate) fn open(
        repo: &git2::Repository,
        wd: &Path,
        prefix: &str,
    ) -> Result<Self, OpenError> {
        let root = wd
            .canonicalize()
            .map_err(|e| OpenError::Io(format!("{}: {e}", wd.display())))?;
        // Path → "may be a directory that is a repository of its own" (a gitlink in
        // the index, or an untracked folder that git reports whole).
        let mut found: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
        let index = repo.index().map_err(git_err)?;
        for e in index.iter() {
            if listing::under_prefix(&e.path, prefix).is_some() {
                let gitlink = e.mode & 0o170000 == 0o160000;
                *found.entry(e.path).or_insert(false) |= gitlink;
            }
        }
        drop(index);
        let mut opts = git2::StatusOptions::new();
        opts.show(git2::StatusShow::Workdir)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        if !prefix.is_empty() {
            opts.pathspec(prefix).disable_pathspec_match(true);
        }
        let statuses = repo.statuses(Some(&mut opts)).map_err(git_err)?;
        for s in statuses.iter() {
            if !s.status().contains(git2::Status::WT_NEW) {
                continue;
            }
            let p = s.path_bytes();
            let (p, dir) = match p.strip_suffix(b"/") {
                Some(d) => (d, true),
                None => (p, false),
            };
            if listing::under_prefix(p, prefix).is_some() {
                *found.entry(p.to_vec()).or_insert(false) |= dir;
            }
        }
        drop(statuses);

        let mut dirs = HashMap::new();
        let mut pairs = Vec::new();
        for (full, maybe_repo) in found {
            if !listing::is_clean(&full) || has_dot_git(&full) {
                continue;
            }
            let Some(rel) = listing::under_prefix(&full, prefix) else {
                continue;
            };
            let path = listing::path_string(rel);
            let io_err = |e: io::Error| OpenError::Io(format!("{}: {e}", root.display()));
            if ancestors(&root, &full, Some(&mut dirs)).map_err(io_err)? != Ancestors::Dirs {
                continue;
            }
            let meta = match fs::symlink_metadata(root.join(os(&full))) {
                Ok(m) => m,
                Err(e) if gone(&e) => continue,
                Err(e) => return Err(OpenError::Io(format!("{path}: {e}"))),
            };
            let ft = meta.file_type();
            let (kind, mode) = if ft.is_file() {
                (EntryKind::File, meta.mode() & 0o7777)
            } else if ft.is_symlink() {
                (EntryKind::Symlink, 0o120000)
            } else if ft.is_dir() {
                if !maybe_repo {
                    continue;
                }
                (EntryKind::Submodule, 0o160000)
            } else {
                (EntryKind::Special, meta.mode())
            };
            if pairs.len() >= MAX_ENTRIES {
                return Err(too_many());
            }
            pairs.push((Entry { path, kind, mode }, full));
        }
        Ok(WorktreeView {
            root,
            prefix: prefix.to_string(),
            files: Listing::new(pairs),
            max_size: MAX_FILE_SIZE,
        })
    }

    /// Files over `max` bytes are not read ([`ReadError::TooLarge`]).
    pub(crate) fn with_max_file_size(mut self, max: u64) -> Self {
        self.max_size = max;
        self
    }

    /// A path the view does not list: `Outside` when it is reached through a link
    /// (or is not a clean relative path), else `NotFound`. Nothing is opened.
    fn unlisted(&self, path: &str) -> ReadError {
        let outside = ReadError::Outside {
            path: path.to_string(),
        };
        if !listing::is_clean(path.as_bytes()) {
            return outside;
        }
        let full = listing::join_prefix(&self.prefix, path.as_bytes());
        match ancestors(&self.root, &full, None) {
            Ok(Ancestors::Link) => outside,
            _ => ReadError::NotFound {
                path: path.to_string(),
            },
        }
    }

    fn load(&self, entry: &Entry, full: &[u8]) -> Result<Arc<Content>, ReadError> {
        let path = entry.path.as_str();
        // Again at read time: the tree may have changed since it was listed.
        match ancestors(&self.root, full, None) {
            Ok(Ancestors::Dirs) => {}
            Ok(Ancestors::Link) => return Err(outside(path)),
            Ok(Ancestors::Missing) => return Err(not_found(path)),
            Err(e) => return Err(io_error(path, &e)),
        }
        let abs = self.root.join(os(full));
        match entry.kind {
            EntryKind::Special | EntryKind::Submodule => Err(ReadError::Special {
                path: path.to_string(),
            }),
            EntryKind::Symlink => Err(link_error(path, &abs)),
            EntryKind::File => self.read_file(path, &abs).map(Arc::new),
        }
    }

    fn read_file(&self, path: &str, abs: &Path) -> Result<Content, ReadError> {
        // The parent, resolved, must be the parent as named: no link on the way.
        let parent = abs.parent().unwrap_or(&self.root);
        match parent.canonicalize() {
            Ok(real) if real == parent => {}
            Ok(_) => return Err(outside(path)),
            Err(e) if gone(&e) => return Err(not_found(path)),
            Err(e) => return Err(io_error(path, &e)),
        }
        // Decide on the lstat before opening: never open a FIFO or device at all.
        let meta = fs::symlink_metadata(abs).map_err(|e| fs_error(path, &e))?;
        self.check_file(path, abs, &meta)?;
        let mut file = match fs::OpenOptions::new()
            .read(true)
            .custom_flags(OPEN_FLAGS)
            .open(abs)
        {
            Ok(f) => f,
            Err(e) if gone(&e) => return Err(not_found(path)),
            Err(e) => {
                return match fs::symlink_metadata(abs) {
                    Ok(m) if m.file_type().is_symlink() => Err(link_error(path, abs)),
                    _ => Err(io_error(path, &e)),
                };
            }
        };
        let meta = file.metadata().map_err(|e| io_error(path, &e))?;
        self.check_file(path, abs, &meta)?;
        if !opened_at(&file, abs) {
            return Err(outside(path));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        Read::by_ref(&mut file)
            .take(self.max_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(path, &e))?;
        let size = bytes.len() as u64;
        if size > self.max_size {
            return Err(too_large(path, size, self.max_size));
        }
        Ok(Content::new(bytes))
    }

    /// A regular file within the size limit, else the error that says what it is.
    fn check_file(&self, path: &str, abs: &Path, meta: &fs::Metadata) -> Result<(), ReadError> {
        let ft = meta.file_type();
        if ft.is_symlink() {
            return Err(link_error(path, abs));
        }
        if !ft.is_file() {
            return Err(ReadError::Special {
                path: path.to_string(),
            });
        }
        if meta.len() > self.max_size {
            return Err(too_large(path, meta.len(), self.max_size));
        }
        Ok(())
    }
}

impl View for WorktreeView {
    fn source(&self) -> SourceKind {
        SourceKind::Worktree
    }

    fn entries(&self) -> &[Entry] {
        self.files.entries()
    }

    fn read(&self, path: &str) -> Result<Arc<Content>, ReadError> {
        let Some(i) = self.files.find(path) else {
            return Err(self.unlisted(path));
        };
        self.files.load(i, |entry, full| self.load(entry, full))
    }

    fn link_target(&self, path: &str) -> Option<String> {
        listing::target_of(self.read(path))
    }
}

/// Checks every ancestor directory of `full` (relative to `root`) with `lstat`,
/// from the top down, remembering directories in `cache` when given.
fn ancestors(
    root: &Path,
    full: &[u8],
    mut cache: Option<&mut HashMap<Vec<u8>, Ancestors>>,
) -> io::Result<Ancestors> {
    let slashes = full
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'/')
        .map(|(i, _)| i);
    for i in slashes {
        let dir = full.get(..i).unwrap_or_default();
        let known = cache.as_deref().and_then(|c| c.get(dir)).copied();
        let state = match known {
            Some(s) => s,
            None => {
                let s = match fs::symlink_metadata(root.join(os(dir))) {
                    Ok(m) if m.file_type().is_dir() => Ancestors::Dirs,
                    Ok(m) if m.file_type().is_symlink() => Ancestors::Link,
                    Ok(_) => Ancestors::Missing,
                    Err(e) if gone(&e) => Ancestors::Missing,
                    Err(e) => return Err(e),
                };
                if let Some(c) = cache.as_deref_mut() {
                    c.insert(dir.to_vec(), s);
                }
                s
            }
        };
        if state != Ancestors::Dirs {
            return Ok(state);
        }
    }
    Ok(Ancestors::Dirs)
}

/// Whether the opened file is the file at `abs` (Linux: through `/proc/self/fd`;
/// where that is not available the checks before the open stand alone).
#[cfg(target_os = "linux")]
fn opened_at(file: &fs::File, abs: &Path) -> bool {
    use std::os::fd::AsRawFd;
    match fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
        Ok(real) => real == abs,
        Err(_) => true,
    }
}

#[cfg(not(target_os = "linux"))]
fn opened_at(_file: &fs::File, _abs: &Path) -> bool {
    true
}

fn has_dot_git(full: &[u8]) -> bool {
    full.split(|b| *b == b'/')
        .any(|c| c.eq_ignore_ascii_case(b".git"))
}

fn os(bytes: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(bytes))
}

fn gone(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

fn link_error(path: &str, abs: &Path) -> ReadError {
    match fs::read_link(abs) {
        Ok(t) => ReadError::Symlink {
            path: path.to_string(),
            target: t.to_string_lossy().into_owned(),
        },
        Err(e) => fs_error(path, &e),
    }
}

fn fs_error(path: &str, e: &io::Error) -> ReadError {
    if gone(e) {
        not_found(path)
    } else {
        io_error(path, e)
    }
}

fn not_found(path: &str) -> ReadError {
    ReadError::NotFound {
        path: path.to_string(),
    }
}

fn outside(path: &str) -> ReadError {
    ReadError::Outside {
        path: path.to_string(),
    }
}

fn too_large(path: &str, size: u64, max: u64) -> ReadError {
    ReadError::TooLarge {
        path: path.to_string(),
        size,
        max,
    }
}

fn io_error(path: &str, e: &io::Error) -> ReadError {
    ReadError::Io {
        path: path.to_string(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testutil::{TestRepo, paths};
    use std::time::Duration;

    fn view(t: &TestRepo, prefix: &str) -> WorktreeView {
        WorktreeView::open(&t.repo(), t.path(), prefix).unwrap()
    }

    fn kind(v: &WorktreeView, path: &str) -> Option<(EntryKind, u32)> {
        v.entry(path).map(|e| (e.kind, e.mode))
    }

    #[test]
    fn tracked_and_untracked_not_ignored_not_deleted() {
        let t = TestRepo::new();
        t.write(".gitignore", "*.log\nbuild/\n");
        t.write("a.txt", "a\n");
        t.write("sub/deep/b.txt", "b\n");
        t.write("gone.txt", "x\n");
        t.commit_all("init");
        t.write("new/u.txt", "u\n");
        t.write("x.log", "ignored\n");
        t.write("build/out.txt", "ignored\n");
        t.write("staged.txt", "s\n");
        t.git(&["add", "staged.txt"]);
        std::fs::remove_file(t.abs("gone.txt")).unwrap();
        let v = view(&t, "");
        assert_eq!(
            paths(&v),
            [
                ".gitignore",
                "a.txt",
                "new/u.txt",
                "staged.txt",
                "sub/deep/b.txt"
            ]
        );
        assert_eq!(v.source(), SourceKind::Worktree);
        assert_eq!(v.read("a.txt").unwrap().bytes(), b"a\n");
        assert_eq!(v.read("new/u.txt").unwrap().bytes(), b"u\n");
        assert!(matches!(
            v.read("gone.txt"),
            Err(ReadError::NotFound { .. })
        ));
        // Ignored files exist on disk but are not part of the view.
        assert!(matches!(v.read("x.log"), Err(ReadError::NotFound { .. })));
        assert!(matches!(v.read("../x"), Err(ReadError::Outside { .. })));
        assert!(matches!(
            v.read("/etc/passwd"),
            Err(ReadError::Outside { .. })
        ));
        assert_eq!(v.dirs(), ["new", "sub", "sub/deep"]);
    }

    #[test]
    fn exact_permission_bits() {
        let t = TestRepo::new();
        for (name, mode) in [("a", 0o644), ("b", 0o664), ("c", 0o755), ("d", 0o600)] {
            t.write(name, "x");
            t.chmod(name, mode);
        }
        t.commit_all("init");
        t.write("e", "untracked");
        t.chmod("e", 0o640);
        let v = view(&t, "");
        assert_eq!(kind(&v, "a"), Some((EntryKind::File, 0o644)));
        assert_eq!(kind(&v, "b"), Some((EntryKind::File, 0o664)));
        assert_eq!(kind(&v, "c"), Some((EntryKind::File, 0o755)));
        assert_eq!(kind(&v, "d"), Some((EntryKind::File, 0o600)));
        assert_eq!(kind(&v, "e"), Some((EntryKind::File, 0o640)));
    }

    #[test]
    fn symlink_to_outside_is_reported_not_followed() {
        let t = TestRepo::new();
        let elsewhere = tempfile::tempdir().unwrap();
        let secret = elsewhere.path().join("secret.txt");
        std::fs::write(&secret, "secret").unwrap();
        t.symlink(secret.to_str().unwrap(), "link");
        t.commit_all("init");
        t.symlink("link", "untracked-link");
        let v = view(&t, "");
        assert_eq!(kind(&v, "link"), Some((EntryKind::Symlink, 0o120000)));
        assert_eq!(
            kind(&v, "untracked-link"),
            Some((EntryKind::Symlink, 0o120000))
        );
        match v.read("link") {
            Err(ReadError::Symlink { path, target }) => {
                assert_eq!(path, "link");
                assert_eq!(target, secret.to_str().unwrap());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(v.link_target("link").as_deref(), secret.to_str());
        assert_eq!(v.link_target("untracked-link").as_deref(), Some("link"));
    }

    #[test]
    fn nothing_is_read_through_a_symlinked_folder() {
        let t = TestRepo::new();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("x.md"), "secret").unwrap();
        // docs/x.md was tracked; the PR replaces docs with a link to elsewhere.
        t.write("docs/x.md", "tracked");
        t.write("real_docs/y.md", "y");
        t.commit_all("init");
        std::fs::remove_dir_all(t.abs("docs")).unwrap();
        t.symlink(elsewhere.path().to_str().unwrap(), "docs");
        t.symlink("real_docs", "alias");
        let v = view(&t, "");
        assert_eq!(paths(&v), ["alias", "docs", "real_docs/y.md"]);
        assert_eq!(kind(&v, "docs"), Some((EntryKind::Symlink, 0o120000)));
        assert!(matches!(
            v.read("docs/x.md"),
            Err(ReadError::Outside { .. })
        ));
        assert!(matches!(
            v.read("alias/y.md"),
            Err(ReadError::Outside { .. })
        ));
        assert_eq!(v.read("real_docs/y.md").unwrap().bytes(), b"y");
    }

    #[test]
    fn a_folder_swapped_for_a_link_after_listing_is_not_read() {
        let t = TestRepo::new();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("x.md"), "secret").unwrap();
        t.write("docs/x.md", "tracked");
        t.write("a.txt", "a");
        t.commit_all("init");
        let v = view(&t, "");
        assert_eq!(kind(&v, "docs/x.md"), Some((EntryKind::File, 0o644)));
        std::fs::remove_dir_all(t.abs("docs")).unwrap();
        t.symlink(elsewhere.path().to_str().unwrap(), "docs");
        assert!(matches!(
            v.read("docs/x.md"),
            Err(ReadError::Outside { .. })
        ));
        // The file itself swapped for a link: reported as a link, not followed.
        std::fs::remove_file(t.abs("a.txt")).unwrap();
        t.symlink(elsewhere.path().join("x.md").to_str().unwrap(), "a.txt");
        assert!(matches!(v.read("a.txt"), Err(ReadError::Symlink { .. })));
    }

    #[test]
    fn each_defence_stands_alone() {
        let t = TestRepo::new();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("x.md"), "secret").unwrap();
        t.symlink(elsewhere.path().to_str().unwrap(), "docs");
        let v = view(&t, "");
        let through = v.root.join("docs/x.md");
        // Without the lstat walk: the canonical parent differs.
        assert!(matches!(
            v.read_file("docs/x.md", &through),
            Err(ReadError::Outside { .. })
        ));
        // Without both: the opened file is not the one named.
        let f = fs::File::open(&through).unwrap();
        assert!(!opened_at(&f, &through));
        assert!(opened_at(
            &f,
            &elsewhere.path().canonicalize().unwrap().join("x.md")
        ));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn opening_a_link_fails_with_nofollow() {
        let t = TestRepo::new();
        t.write("a.txt", "a");
        t.symlink("a.txt", "l");
        let err = fs::OpenOptions::new()
            .read(true)
            .custom_flags(OPEN_FLAGS)
            .open(t.abs("l"))
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(40), "ELOOP expected: {err}");
    }

    #[test]
    fn fifo_is_special_and_never_opened() {
        let t = TestRepo::new();
        t.write("pipe", "was a file");
        t.commit_all("init");
        std::fs::remove_file(t.abs("pipe")).unwrap();
        t.mkfifo("pipe");
        t.mkfifo("untracked-pipe");
        let v = Arc::new(view(&t, ""));
        assert_eq!(kind(&v, "pipe").map(|k| k.0), Some(EntryKind::Special));
        // git itself does not list untracked FIFOs, sockets or devices.
        assert_eq!(kind(&v, "untracked-pipe"), None);
        let (tx, rx) = std::sync::mpsc::channel();
        let v2 = Arc::clone(&v);
        std::thread::spawn(move || {
            let _ = tx.send((v2.read("pipe"), v2.read("untracked-pipe")));
        });
        let (tracked, untracked) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(matches!(tracked, Err(ReadError::Special { .. })));
        assert!(matches!(untracked, Err(ReadError::NotFound { .. })));
    }

    #[test]
    fn over_the_limit_is_not_read() {
        let t = TestRepo::new();
        t.write("big", "01234567890");
        t.write("fits", "0123456789");
        let v = view(&t, "").with_max_file_size(10);
        match v.read("big") {
            Err(ReadError::TooLarge { size, max, .. }) => assert_eq!((size, max), (11, 10)),
            other => panic!("{other:?}"),
        }
        assert_eq!(v.read("fits").unwrap().bytes().len(), 10);
    }

    #[test]
    fn each_file_is_read_once() {
        let t = TestRepo::new();
        t.write("a.txt", "first");
        let v = view(&t, "");
        let first = v.read("a.txt").unwrap();
        t.write("a.txt", "second");
        let again = v.read("a.txt").unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(again.bytes(), b"first");
        let v = view(&t, "");
        let all: Vec<Arc<Content>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| v.read("a.txt").unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(all.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
    }

    #[test]
    fn prefix_lists_relative_paths_below_it() {
        let t = TestRepo::new();
        t.write("top.txt", "t");
        t.write("sub/a.txt", "a");
        t.write("subx/b.txt", "b");
        t.commit_all("init");
        t.write("sub/deep/u.txt", "u");
        let v = view(&t, "sub");
        assert_eq!(paths(&v), ["a.txt", "deep/u.txt"]);
        assert_eq!(v.read("a.txt").unwrap().bytes(), b"a");
        assert!(matches!(v.read("top.txt"), Err(ReadError::NotFound { .. })));
    }

    #[test]
    fn submodules_and_conflicts() {
        let t = TestRepo::new();
        t.write("c.txt", "base\n");
        t.commit_all("init");
        let head = t.git(&["rev-parse", "HEAD"]);
        std::fs::create_dir(t.abs("sm")).unwrap();
        t.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},sm"),
        ]);
        t.git(&["commit", "-q", "-m", "submodule"]);
        t.git(&["checkout", "-q", "-b", "other"]);
        t.write("c.txt", "other\n");
        t.commit_all("other");
        t.git(&["checkout", "-q", "main"]);
        t.write("c.txt", "main\n");
        t.commit_all("main");
        assert!(!t.git_ok(&["merge", "other"]));
        // An untracked repository inside the working tree: git reports the folder.
        let nested = TestRepo::new();
        nested.write("n.txt", "n");
        nested.commit_all("nested");
        std::fs::rename(nested.path(), t.abs("nested")).unwrap();
        let v = view(&t, "");
        assert_eq!(paths(&v), ["c.txt", "nested", "sm"]);
        assert_eq!(kind(&v, "nested"), Some((EntryKind::Submodule, 0o160000)));
        assert_eq!(kind(&v, "sm"), Some((EntryKind::Submodule, 0o160000)));
        assert!(matches!(v.read("sm"), Err(ReadError::Special { .. })));
        assert!(v.read("c.txt").unwrap().text().unwrap().contains("<<<<<<<"));
    }
}
