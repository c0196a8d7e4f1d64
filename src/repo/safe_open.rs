//! Opening a file below the working directory without ever following a
//! symbolic link, in any component of its path.
//!
//! On Linux (5.6 and later) one `openat2` call with `RESOLVE_BENEATH |
//! RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS` lets the kernel refuse any link on
//! the way and any escape from the root. Elsewhere, and where `openat2` is not
//! available (older kernels, seccomp filters that answer `ENOSYS` or `EPERM`),
//! the path is opened one component at a time from the root's descriptor, each
//! with `O_NOFOLLOW` (folders also with `O_DIRECTORY`). The flags are the
//! platform's own constants, through `rustix`'s safe API (the crate forbids
//! `unsafe`).

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Flags for the file itself: read only, never a link, never block on a FIFO
/// opened in a race, never become the controlling terminal.
fn file_flags() -> OFlags {
    OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY
}

fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

/// The working directory, held open: every file is opened relative to it.
pub(crate) struct Root {
    path: PathBuf,
    dir: OwnedFd,
}

/// Why [`Root::open_file`] opened nothing.
#[derive(Debug)]
pub(crate) enum Refused {
    /// A component of the path (maybe the file itself) is a symbolic link, or the
    /// path would leave the root.
    Link,
    /// Nothing there, or a component is not a folder.
    NotFound,
    Io(io::Error),
}

impl Root {
    /// `path` must be canonical (no link in it).
    pub(crate) fn open(path: &Path) -> io::Result<Root> {
        let dir = rustix::fs::open(path, dir_flags(), Mode::empty())?;
        Ok(Root {
            path: path.to_path_buf(),
            dir,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// `rel` (clean, relative, `/`-separated) as an absolute path.
    pub(crate) fn join(&self, rel: &[u8]) -> PathBuf {
        self.path.join(os(rel))
    }

    /// Opens `rel` for reading, refusing a link anywhere on the way.
    pub(crate) fn open_file(&self, rel: &[u8]) -> Result<fs::File, Refused> {
        if !super::listing::is_clean(rel) {
            return Err(Refused::Link);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::fs::ResolveFlags;
            let resolve =
                ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
            match rustix::fs::openat2(&self.dir, os(rel), file_flags(), Mode::empty(), resolve) {
                Ok(fd) => return Ok(fs::File::from(fd)),
                // Not available here: the portable walk below.
                Err(Errno::NOSYS | Errno::PERM | Errno::INVAL) => {}
                // A rename raced the lookup: the walk below decides.
                Err(Errno::AGAIN) => {}
                Err(e) => return Err(refused(e)),
            }
        }
        self.open_by_components(rel)
    }

    /// The portable way: one `openat` per component, each with `O_NOFOLLOW`.
    pub(crate) fn open_by_components(&self, rel: &[u8]) -> Result<fs::File, Refused> {
        if !super::listing::is_clean(rel) {
            return Err(Refused::Link);
        }
        let mut parts = rel.split(|b| *b == b'/').peekable();
        let mut dir: Option<OwnedFd> = None;
        while let Some(part) = parts.next() {
            let at = dir.as_ref().unwrap_or(&self.dir);
            if parts.peek().is_none() {
                return rustix::fs::openat(at, os(part), file_flags(), Mode::empty())
                    .map(fs::File::from)
                    .map_err(refused);
            }
            match rustix::fs::openat(at, os(part), dir_flags(), Mode::empty()) {
                Ok(fd) => dir = Some(fd),
                // `O_DIRECTORY | O_NOFOLLOW` on a link is `ENOTDIR` on Linux: say which.
                Err(Errno::NOTDIR) => {
                    let st = rustix::fs::statat(at, os(part), AtFlags::SYMLINK_NOFOLLOW);
                    return Err(match st {
                        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                            Refused::Link
                        }
                        _ => Refused::NotFound,
                    });
                }
                Err(e) => return Err(refused(e)),
            }
        }
        Err(Refused::NotFound)
    }
}

fn refused(e: Errno) -> Refused {
    match e {
        Errno::LOOP | Errno::XDEV | Errno::MLINK => Refused::Link,
        Errno::NOENT | Errno::NOTDIR => Refused::NotFound,
        e => Refused::Io(io::Error::from(e)),
    }
}

/// What lies above a path, checked with `lstat` from the root down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ancestors {
    /// Every ancestor is a real directory.
    Dirs,
    /// An ancestor is a symbolic link.
    Link,
    /// An ancestor is missing or not a directory.
    Missing,
}

/// Checks every ancestor directory of `full` (relative to `root`) with `lstat`,
/// from the top down, remembering directories in `cache` when given.
pub(crate) fn ancestors(
    root: &Path,
    full: &[u8],
    mut cache: Option<&mut std::collections::HashMap<Vec<u8>, Ancestors>>,
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

pub(crate) fn os(bytes: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(bytes))
}

pub(crate) fn gone(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testutil::TestRepo;
    use std::io::Read;

    fn root(t: &TestRepo) -> Root {
        Root::open(&t.path().canonicalize().unwrap()).unwrap()
    }

    fn read(f: Result<fs::File, Refused>) -> String {
        let mut s = String::new();
        f.unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn both_ways_refuse_every_link_on_the_way() {
        let t = TestRepo::new();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("x.md"), "secret").unwrap();
        t.write("real/y.md", "y");
        t.symlink(elsewhere.path().to_str().unwrap(), "out");
        t.symlink("real", "alias");
        t.symlink("real/y.md", "link.md");
        t.mkfifo("pipe");
        let r = root(&t);
        type Open = fn(&Root, &[u8]) -> Result<fs::File, Refused>;
        for open in [Root::open_file as Open, Root::open_by_components as Open] {
            assert_eq!(read(open(&r, b"real/y.md")), "y");
            for link in [&b"out/x.md"[..], b"alias/y.md", b"link.md"] {
                assert!(matches!(open(&r, link), Err(Refused::Link)), "{link:?}");
            }
            assert!(matches!(open(&r, b"nope/x"), Err(Refused::NotFound)));
            assert!(matches!(open(&r, b"real/y.md/z"), Err(Refused::NotFound)));
            // A FIFO opens without blocking (callers refuse it on its `fstat`).
            assert!(open(&r, b"pipe").is_ok());
        }
        for bad in [&b"../x"[..], b"/etc/passwd", b"real/../real/y.md", b"a//b"] {
            assert!(matches!(r.open_by_components(bad), Err(Refused::Link)));
            assert!(matches!(r.open_file(bad), Err(Refused::Link)), "{bad:?}");
        }
    }
}
