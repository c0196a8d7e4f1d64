//! Writing a file where a hostile checkout may have planted links.
//!
//! Report files (`--output`, `--also`, the action's `sarif-file`), `init`'s
//! `.relgate/config.yaml` and `install-hook`'s hook are often written inside the
//! checkout under test, and the pull request controls what is there: a committed
//! `relgate.sarif -> ~/.bashrc` or `out -> ~/.ssh` would make a plain `fs::write`
//! overwrite a file outside the report. So:
//!
//! - every folder on the way from `root` (the folder the path is relative to, e.g.
//!   the current directory) to the destination, and the destination itself, is
//!   looked at without following links: a symbolic link is refused, with the path
//!   named; folders above `root` are the user's own set-up and are not judged,
//!   except the destination's own folder, which always is;
//! - missing folders are created, then the bytes go to a new temporary file in the
//!   destination's folder (`create_new`: never an existing file or link) which is
//!   renamed over the destination: a rename replaces the directory entry, so a
//!   hard link planted at the destination is not written through either, and a
//!   reader never sees half a report.

use std::path::{Component, Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "refusing to write {dest}: {link} is a symbolic link, and relgate never writes through links (remove the link or choose another path)"
    )]
    Link { dest: String, link: String },
    #[error("cannot write {dest}: {message}")]
    Io { dest: String, message: String },
}

/// Writes `bytes` to `dest` (a relative path is relative to `root`, usually the
/// current directory) by a temporary file renamed over it; `mode` sets the
/// permission bits on Unix (e.g. `0o755` for a hook).
pub fn write_file(
    root: &Path,
    dest: &Path,
    bytes: &[u8],
    mode: Option<u32>,
) -> Result<(), WriteError> {
    write_file_with(root, dest, mode, &mut |w| w.write_all(bytes))
}

/// [`write_file`] of what `fill` writes, as it writes it (through a buffer): a large
/// report goes to its file without being held whole in memory first. When `fill`
/// fails, the destination is left as it was.
pub fn write_file_with(
    root: &Path,
    dest: &Path,
    mode: Option<u32>,
    fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    use std::io::Write;
    let shown = || crate::output::display_path(dest);
    let io = |e: std::io::Error| WriteError::Io {
        dest: shown(),
        message: e.to_string(),
    };
    refuse_links(root, dest)?;
    let absolute = root.join(dest);
    let (Some(name), Some(dir)) = (absolute.file_name(), absolute.parent()) else {
        return Err(WriteError::Io {
            dest: shown(),
            message: "the path names no file".into(),
        });
    };
    // A device or a pipe (`--output /dev/null`, `/dev/stdout`, a FIFO the job made) is
    // written to as it is: renaming a file over it would replace the device itself. A
    // repository cannot commit one, so this is never the checkout's doing.
    if let Ok(meta) = std::fs::symlink_metadata(&absolute) {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() || t.is_block_device() || t.is_fifo() || t.is_socket() {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&absolute)
                .map_err(io)?;
            let mut w = std::io::BufWriter::with_capacity(BUFFER, f);
            return fill(&mut w).and_then(|()| w.flush()).map_err(io);
        }
        if t.is_dir() {
            return Err(WriteError::Io {
                dest: shown(),
                message: "is a folder".into(),
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    // Created folders are new, but look again: a folder may have appeared meanwhile.
    refuse_links(root, dest)?;
    let (tmp, file) = temp_file(dir, name).map_err(io)?;
    let written = (|| {
        let mut w = std::io::BufWriter::with_capacity(BUFFER, file);
        fill(&mut w)?;
        let file = w
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        #[cfg(unix)]
        if let Some(m) = mode {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(m))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &absolute)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}

/// The buffer between a report's writer and its file: a few large writes.
const BUFFER: usize = 1 << 16;

/// [`write_file`] relative to the current directory, as an I/O error (for report writers).
pub fn write_report(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_report_with(dest, &mut |w| w.write_all(bytes))
}

/// [`write_file_with`] relative to the current directory, as an I/O error: `fill`'s
/// own error as it is, so a report that cannot be made says why.
pub fn write_report_with(
    dest: &Path,
    fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let root = std::env::current_dir()?;
    let mut failed = None;
    let written = write_file_with(&root, dest, None, &mut |w| {
        fill(w).map_err(|e| {
            let shown = std::io::Error::new(e.kind(), e.to_string());
            failed = Some(e);
            shown
        })
    });
    match failed {
        Some(e) => Err(e),
        None => written.map_err(std::io::Error::other),
    }
}

/// A new file beside the destination, never an existing one.
fn temp_file(dir: &Path, name: &std::ffi::OsStr) -> std::io::Result<(PathBuf, std::fs::File)> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for attempt in 0..100u32 {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(
            ".relgate-{}-{stamp}-{attempt}.tmp",
            std::process::id()
        ));
        let tmp = dir.join(tmp_name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Refuses `dest` when it, its folder, or any folder between `root` and it is a link.
fn refuse_links(root: &Path, dest: &Path) -> Result<(), WriteError> {
    match link_on_the_way(root, dest) {
        Some(link) => Err(WriteError::Link {
            dest: crate::output::display_path(dest),
            link: crate::output::display_path(&link),
        }),
        None => Ok(()),
    }
}

/// The first symbolic link among `path` itself, its folder, and the folders between
/// `root` and it (as the user wrote it), if any.
pub fn link_on_the_way(root: &Path, path: &Path) -> Option<PathBuf> {
    let is_link = |p: &Path| {
        std::fs::symlink_metadata(p)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
    };
    let absolute = root.join(path);
    // Folders from `root` down (lexically: `..` is not resolved through a link).
    let mut judged = Vec::new();
    if let Ok(below) = absolute.strip_prefix(root) {
        let mut p = root.to_path_buf();
        for c in below.components() {
            match c {
                Component::Normal(n) => p.push(n),
                Component::ParentDir => p.push(".."),
                _ => continue,
            }
            judged.push((p.clone(), shown_from(path, &p, root)));
        }
    } else {
        // Above `root`: the user's own set-up, but the file's own folder is judged.
        if let Some(parent) = absolute.parent() {
            judged.push((parent.to_path_buf(), parent.to_path_buf()));
        }
        judged.push((absolute.clone(), path.to_path_buf()));
    }
    judged
        .into_iter()
        .find(|(p, _)| is_link(p))
        .map(|(_, shown)| shown)
}

/// Reads a file the user named (a policy file), never through a link: the file, its
/// folder and the folders between `root` and it must not be symbolic links, and it
/// must be a regular file no larger than `max` bytes. The file opened is checked to
/// be the one looked at (same device and inode), so a link swapped in between is
/// not followed either. On error, the message names the path (escaped) and why;
/// nothing of a refused file is read.
pub fn read_regular(root: &Path, path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let shown = crate::output::display_path(path);
    if let Some(link) = link_on_the_way(root, path) {
        return Err(format!(
            "{shown}: {} is a symbolic link, and relgate never follows links",
            crate::output::display_path(&link)
        ));
    }
    let absolute = root.join(path);
    let meta = std::fs::symlink_metadata(&absolute).map_err(|e| format!("{shown}: {e}"))?;
    if !meta.file_type().is_file() {
        return Err(format!("{shown} is not a regular file; it is not read"));
    }
    if meta.len() > max {
        return Err(format!(
            "{shown} is {} bytes, over the {max}-byte limit; it is not read",
            meta.len()
        ));
    }
    let file = std::fs::File::open(&absolute).map_err(|e| format!("{shown}: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let opened = file.metadata().map_err(|e| format!("{shown}: {e}"))?;
        if (opened.dev(), opened.ino()) != (meta.dev(), meta.ino()) {
            return Err(format!(
                "{shown} changed while it was opened; it is not read"
            ));
        }
    }
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "{shown} is over the {max}-byte limit; it is not read"
        ));
    }
    Ok(bytes)
}

/// The path as the user gave it, cut at the component `p` reached.
fn shown_from(dest: &Path, p: &Path, root: &Path) -> PathBuf {
    if dest.is_absolute() {
        p.to_path_buf()
    } else {
        p.strip_prefix(root)
            .map_or_else(|_| p.to_path_buf(), Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_creates_folders_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_file(root, &root.join("a/b/report.json"), b"one", None).unwrap();
        write_file(root, &root.join("a/b/report.json"), b"two", None).unwrap();
        assert_eq!(std::fs::read(root.join("a/b/report.json")).unwrap(), b"two");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(root.join("a/b")).unwrap().count(), 1);
    }

    /// A report written as it is made: a large one arrives whole; one whose making
    /// fails halfway leaves the previous file as it was, no temporary file behind, and
    /// its own error (not a wrapped one) to the caller.
    #[test]
    fn a_streamed_report_is_whole_or_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let dest = root.join("out/report.sarif");
        let line = [b'x'; 1000];
        write_file_with(root, &dest, None, &mut |w| {
            for _ in 0..1000 {
                w.write_all(&line)?;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(std::fs::read(&dest).unwrap().len(), 1_000_000);
        write_file(root, &dest, b"old", None).unwrap();
        // An absolute destination: relative to no current directory.
        let err = write_report_with(&dest, &mut |w| {
            w.write_all(&line)?;
            Err(std::io::Error::other("no evidence was gathered"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "no evidence was gathered");
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(root.join("out")).unwrap().count(), 1);
    }

    /// A FIFO (like `/dev/null` or `/dev/stdout`, which tests must not touch) is written
    /// to, never replaced by a renamed file.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_device_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let fifo = root.join("pipe");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_file(root, &fifo, b"report", None).unwrap();
        assert_eq!(reader.join().unwrap(), b"report");
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        assert_eq!(
            std::fs::read_dir(root).unwrap().count(),
            1,
            "no temporary file left"
        );
        // A folder is refused.
        std::fs::create_dir(root.join("d")).unwrap();
        assert!(write_file(root, &root.join("d"), b"x", None).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_on_the_way_and_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let victim = root.join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        std::os::unix::fs::symlink(&victim, root.join("r.sarif")).unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("out")).unwrap();
        let e = write_file(root, Path::new("r.sarif"), b"x", None);
        let e = e.unwrap_err().to_string();
        assert!(
            e.starts_with("refusing to write r.sarif: r.sarif is a symbolic link"),
            "{e}"
        );
        let e = write_file(root, &root.join("out/deep/r.sarif"), b"x", None).unwrap_err();
        assert!(e.to_string().contains("/out is a symbolic link"), "{e}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!root.join("real/deep").exists());
    }
}
