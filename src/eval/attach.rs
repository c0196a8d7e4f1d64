//! Attachments: files the CI job produced (a git-ignored JUnit report) that
//! `relgate check --attach NAME=PATH` hands over from outside the repository view,
//! and that a check reads with `attachment: NAME` instead of `file:`.
//!
//! Each attachment is read once, before evaluation, with the view's rules: never
//! through a symbolic link (`lstat`, then `O_NOFOLLOW`, then `fstat` on the open file),
//! a regular file only, at most [`MAX_FILE_SIZE`] bytes. A path that cannot be read so
//! is an argument error (exit 2): the workflow, not the pull request, named it.

use super::{At, Blocked, Cx, EvalError, Hit};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::template::{Template, no_escape};
use crate::repo::{Content, MAX_FILE_SIZE};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The prefix of an attachment's name where findings give a path.
pub(crate) const PREFIX: &str = "attachment:";

/// One attachment, read.
#[derive(Debug)]
pub(crate) struct Attached {
    pub path: PathBuf,
    pub content: Arc<Content>,
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
            let content = read_file(path, MAX_FILE_SIZE)
                .map_err(|e| format!("--attach {name}={}: {e}", path.display()))?;
            map.insert(
                name.clone(),
                Attached {
                    path: path.clone(),
                    content: Arc::new(content),
                },
            );
        }
        Ok(Attachments(map))
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

/// Reads a regular file, refusing a symbolic link, a special file and one larger than
/// `max` bytes.
fn read_file(path: &Path, max: u64) -> Result<Content, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| describe(&e))?;
    if meta.file_type().is_symlink() {
        return Err(
            "is a symbolic link; relgate never follows links (pass the file itself)".into(),
        );
    }
    if !meta.file_type().is_file() {
        return Err("is not a regular file".into());
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        // The platform's own O_NOFOLLOW (a link swapped in after the lstat is refused)
        // and O_NONBLOCK (a FIFO swapped in never blocks the open).
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(path)
        .map_err(|e| describe(&e))?;
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
    Ok(Content::new(bytes))
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
        assert_eq!(read_file(&file, 4).unwrap().bytes(), b"abcd");
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
    }
}
