//! Attachments: files the CI job produced (a git-ignored JUnit report) that
//! `relgate check --attach NAME=PATH` hands over from outside the repository view,
//! and that a check reads with `attachment: NAME` instead of `file:`.
//!
//! Each attachment is read once, before evaluation, with the view's rules: never
//! through a symbolic link, in any component of its path (a pull request can commit
//! `test-results` as a link to a folder of its own), a regular file only, at most
//! [`MAX_FILE_SIZE`] bytes. The path is opened one component at a time from `/` or the
//! current directory, each with `O_NOFOLLOW` (folders also with `O_DIRECTORY`), so a link
//! swapped in between the look and the open is refused too; `fstat` on the open file
//! checks it is a regular file. An attachment git tracks in the repository under check is
//! refused as well ([`Attachments::refuse_tracked`]): that is the pull request's file, not
//! what the job produced. A path that cannot be read so is an argument error (exit 2): the
//! workflow, not the pull request, named it.

use super::{At, Blocked, Cx, EvalError, Hit};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::template::{Template, no_escape};
use crate::repo::{Content, MAX_FILE_SIZE};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use std::collections::BTreeMap;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The prefix of an attachment's name where findings give a path.
pub(crate) const PREFIX: &str = "attachment:";

/// One attachment, read.
#[derive(Debug)]
pub(crate) struct Attached {
    pub path: PathBuf,
    pub content: Arc<Content>,
    /// The file's absolute path, no link in it (the one that was opened).
    absolute: PathBuf,
}

/// Every `--attach`, by name.
#[derive(Debug, Default)]
pub struct Attachments(BTreeMap<String, Attached>);

/// No attachment (`relgate test`, unit tests).
#[cfg(test)]
pub(crate) static NONE: Attachments = Attachments(BTreeMap::new());

impl Attachments {
    /// Reads every `--attach NAME=PATH` (relative paths from the current directory).
    /// The error says which attachment cannot be read and why.
    pub(crate) fn open(list: &[(String, PathBuf)]) -> Result<Attachments, String> {
        let mut map = BTreeMap::new();
        for (name, path) in list {
            if map.contains_key(name) {
                return Err(format!("--attach {name}= is given twice"));
            }
            let (content, absolute) = read_file(path, MAX_FILE_SIZE)
                .map_err(|e| format!("--attach {name}={}: {e}", path.display()))?;
            map.insert(
                name.clone(),
                Attached {
                    path: path.clone(),
                    content: Arc::new(content),
                    absolute,
                },
            );
        }
        Ok(Attachments(map))
    }

    /// Refuses an attachment that is a file git tracks in the repository under check
    /// (in its index, or in the commit checked or HEAD): a report the pull request
    /// committed is its own claim, not evidence the job produced.
    pub(crate) fn refuse_tracked(&self, opened: &crate::repo::Opened) -> Result<(), String> {
        let Some(workdir) = &opened.workdir else {
            return Ok(());
        };
        let workdir = workdir
            .canonicalize()
            .map_err(|e| format!("{}: {e}", workdir.display()))?;
        for (name, a) in &self.0 {
            let Ok(rel) = a.absolute.strip_prefix(&workdir) else {
                continue;
            };
            let tracked = crate::repo::tracked(&workdir, opened.rev.as_deref(), rel)
                .map_err(|e| format!("--attach {name}={}: {e}", a.path.display()))?;
            if tracked {
                return Err(format!(
                    "--attach {name}={}: is {}, a file the repository under check tracks: \
                     attach what the job produced, not a file of the pull request",
                    a.path.display(),
                    rel.display()
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Attached> {
        self.0.get(name)
    }

    /// Every attachment is read once, whole (`--stats`); paths are `attachment:NAME`.
    pub(crate) fn stats(&self, paths: bool) -> crate::repo::ViewStats {
        let bytes = self
            .0
            .values()
            .map(|a| a.content.bytes().len() as u64)
            .sum();
        crate::repo::ViewStats {
            listed: self.0.len(),
            read: self.0.len(),
            reads: self.0.len(),
            bytes,
            paths: paths.then(|| self.0.keys().map(|n| format!("{PREFIX}{n}")).collect()),
        }
    }

    /// The content of `attachment:NAME`, for snippets in reports.
    pub(crate) fn by_label(&self, label: &str) -> Option<&Arc<Content>> {
        let name = label.strip_prefix(PREFIX)?;
        self.0.get(name).map(|a| &a.content)
    }
}

/// Reads a regular file of at most `max` bytes, refusing a symbolic link in any component
/// of `path` (named in the error), a special file and a larger file. Returns the content
/// and the file's absolute path.
fn read_file(path: &Path, max: u64) -> Result<(Content, PathBuf), String> {
    let (file, absolute) = open_no_links(path)?;
    let mut file = std::fs::File::from(file);
    let meta = file.metadata().map_err(|e| describe(&e))?;
    if !meta.file_type().is_file() {
        return Err("is not a regular file".into());
    }
    let mut bytes = Vec::new();
    Read::by_ref(&mut file)
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| describe(&e))?;
    if bytes.len() as u64 > max {
        return Err(format!("is larger than the limit of {max} bytes"));
    }
    Ok((Content::new(bytes), absolute))
}

/// Opens `path` one component at a time from `/` (absolute) or the current directory,
/// never following a link: each component is looked at (`lstat`) and opened with
/// `O_NOFOLLOW`. The current directory is the kernel's physical path, so with no link
/// on the way the absolute path returned is the very file opened.
fn open_no_links(path: &Path) -> Result<(OwnedFd, PathBuf), String> {
    let dir_flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    // O_NONBLOCK: a FIFO never blocks the open; O_NOCTTY: never a controlling terminal.
    let file_flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let (dir, mut absolute) = if path.is_absolute() {
        (
            rustix::fs::open("/", dir_flags, Mode::empty()),
            PathBuf::from("/"),
        )
    } else {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?;
        (rustix::fs::open(".", dir_flags, Mode::empty()), cwd)
    };
    let mut dir = dir.map_err(|e| errno(e, path))?;
    let components: Vec<Component> = path.components().collect();
    let Some(Component::Normal(file_name)) = components.last() else {
        return Err("is not a regular file".into());
    };
    let mut shown = PathBuf::new();
    for c in &components[..components.len() - 1] {
        shown.push(c.as_os_str());
        match c {
            Component::Normal(name) => {
                if is_link(&dir, name, &shown)? {
                    return Err(link_error(&shown));
                }
                dir = rustix::fs::openat(&dir, *name, dir_flags, Mode::empty()).map_err(|e| {
                    if e == Errno::LOOP {
                        link_error(&shown)
                    } else {
                        errno(e, &shown)
                    }
                })?;
                absolute.push(name);
            }
            Component::ParentDir => {
                dir = rustix::fs::openat(&dir, "..", dir_flags, Mode::empty())
                    .map_err(|e| errno(e, &shown))?;
                absolute.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    shown.push(file_name);
    if is_link(&dir, file_name, &shown)? {
        return Err(
            "is a symbolic link; relgate never follows links (pass the file itself)".into(),
        );
    }
    let file = rustix::fs::openat(&dir, *file_name, file_flags, Mode::empty()).map_err(|e| {
        if e == Errno::LOOP {
            "is a symbolic link; relgate never follows links (pass the file itself)".into()
        } else {
            errno(e, path)
        }
    })?;
    absolute.push(file_name);
    Ok((file, absolute))
}

/// Whether `name` in `dir` is a symbolic link (`lstat`); `shown` (the path as given, up
/// to that component) names it in an error.
fn is_link(dir: &OwnedFd, name: &std::ffi::OsStr, shown: &Path) -> Result<bool, String> {
    rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
        .map(|st| FileType::from_raw_mode(st.st_mode) == FileType::Symlink)
        .map_err(|e| errno(e, shown))
}

/// `shown` (the path as given, up to a component) is a link.
fn link_error(shown: &Path) -> String {
    format!(
        "{} is a symbolic link; relgate never follows links (pass a path without links)",
        shown.display()
    )
}

/// A failed look-up or open on the way to the file.
fn errno(e: Errno, at: &Path) -> String {
    match e {
        Errno::NOENT | Errno::NOTDIR => "does not exist".into(),
        _ => format!("cannot be read: {}: {e}", at.display()),
    }
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "does not exist".into(),
        _ => format!("cannot be read: {e}"),
    }
}

/// The `attachment` parameter of the kinds that read one file.
pub(crate) const PARAM: Param = Param {
    name: "attachment",
    ty: Ty::Id,
    required: false,
    doc: "Instead of `file`: the name of a file the CI job produced and passed with \
`relgate check --attach NAME=PATH` (e.g. a git-ignored test report).",
};

/// Where a check reads its one file: a path in the repository, or an attachment.
#[derive(Debug)]
pub(crate) enum Source {
    File(Template),
    Attachment(String),
}

impl Source {
    /// Reads `key` (a path) and `attachment`: exactly one must be given.
    pub(crate) fn read(f: &mut Fields, key: &'static str, path: bool) -> Option<Source> {
        let file_node = f.node(key).is_some();
        let file = if !file_node {
            None
        } else if path {
            f.path(key)
        } else {
            f.text(key)
        };
        let att_node = f.node("attachment");
        let att = f.string("attachment");
        match (file_node, att_node) {
            (true, Some(n)) => {
                f.lx.error(
                    Code::BadValue,
                    n.span,
                    format!("give either '{key}' or 'attachment', not both"),
                )
                .help = Some(format!(
                    "to accept either, write `any:` with one check on '{key}' and one on 'attachment'"
                ));
                None
            }
            (false, None) => {
                let span = f.span();
                f.lx.error(
                    Code::MissingKey,
                    span,
                    format!("the check needs '{key}' or 'attachment'"),
                )
                .help = Some(format!(
                    "'{key}': a file of the repository; 'attachment': a file passed with --attach NAME=PATH"
                ));
                None
            }
            (true, None) => file.map(Source::File),
            (false, Some(_)) => att.map(Source::Attachment),
        }
    }

    /// The path findings name: the rendered path, or `attachment:NAME`.
    /// The file of the view it reads, rendered (none for an attachment).
    pub(crate) fn named(&self, cx: &Cx) -> Vec<String> {
        match self {
            Source::File(t) => cx.vars.render(t, no_escape).into_iter().collect(),
            Source::Attachment(_) => Vec::new(),
        }
    }

    /// The file it names, as [`crate::eval::Check::reach`] declares it.
    pub(crate) fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(
            self.named_template()
                .into_iter()
                .map(crate::eval::reach::Reached::path)
                .collect(),
        )
    }

    /// [`Source::named`] as a template.
    pub(crate) fn named_template(&self) -> Vec<&Template> {
        match self {
            Source::File(t) => vec![t],
            Source::Attachment(_) => Vec::new(),
        }
    }

    pub(crate) fn label(&self, cx: &Cx) -> Result<String, EvalError> {
        match self {
            Source::File(t) => Ok(cx.vars.render(t, no_escape)?),
            Source::Attachment(n) => Ok(format!("{PREFIX}{n}")),
        }
    }

    /// The on-disk name whose extension tells a format (the attachment's path).
    pub(crate) fn name_hint(&self, cx: &Cx, label: &str) -> String {
        match self {
            Source::File(_) => label.to_string(),
            Source::Attachment(n) => cx
                .attachments
                .get(n)
                .map(|a| a.path.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    /// The content at `label` (from [`Source::label`]); a missing file or attachment
    /// is a hit.
    pub(crate) fn load(&self, cx: &Cx, label: &str) -> Result<Arc<Content>, Blocked> {
        match self {
            Source::File(_) => super::util::read(cx, label),
            Source::Attachment(n) => attachment(cx, n),
        }
    }
}

/// The content of attachment `name`, or a hit naming the flag to pass.
pub(crate) fn attachment(cx: &Cx, name: &str) -> Result<Arc<Content>, Blocked> {
    let label = format!("{PREFIX}{name}");
    match cx.attachments.get(name) {
        Some(a) => {
            cx.record(&label);
            Ok(a.content.clone())
        }
        None => Err(Blocked::File(Hit::at(
            format!(
                "attachment '{name}' was not passed: run relgate check with --attach {name}=PATH"
            ),
            At::file(&label),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::read_file;

    #[test]
    fn reads_regular_files_only_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.xml");
        std::fs::write(&file, "abcd").unwrap();
        let (content, absolute) = read_file(&file, 4).unwrap();
        assert_eq!(content.bytes(), b"abcd");
        assert_eq!(absolute, file);
        assert_eq!(
            read_file(&file, 3).err().unwrap(),
            "is larger than the limit of 3 bytes"
        );
        let link = dir.path().join("l.xml");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(
            read_file(&link, 4)
                .err()
                .unwrap()
                .starts_with("is a symbolic link")
        );
        assert_eq!(
            read_file(dir.path(), 4).err().unwrap(),
            "is not a regular file"
        );
        assert_eq!(
            read_file(&dir.path().join("none"), 4).err().unwrap(),
            "does not exist"
        );
        // A linked folder on the way is refused and named, wherever it is.
        let linked = dir.path().join("linked");
        std::os::unix::fs::symlink(dir.path(), &linked).unwrap();
        assert_eq!(
            read_file(&linked.join("r.xml"), 4).err().unwrap(),
            format!(
                "{} is a symbolic link; relgate never follows links (pass a path without links)",
                linked.display()
            )
        );
        // `..` is the physical parent, and the absolute path names the file opened.
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let (_, absolute) = read_file(&dir.path().join("sub/../r.xml"), 4).unwrap();
        assert_eq!(absolute, file);
    }
}
