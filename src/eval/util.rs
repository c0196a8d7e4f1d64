//! Helpers check kinds share: select files by globs, read them, take their text.

use super::{At, Blocked, Cx, EvalError, Hit, Subject};
use crate::lang::pattern::GlobSet;
use crate::repo::{Content, EntryKind, ReadError};
use std::sync::Arc;

/// The files a glob list selects (sorted, excludes applied; names borrowed from the
/// view, not copied), and one hit per literal path that does not exist.
pub(crate) fn select<'v>(
    cx: &Cx<'v>,
    globs: &GlobSet,
) -> Result<(Vec<&'v str>, Vec<Hit>), EvalError> {
    let set = globs.render(cx)?;
    let view: &'v dyn crate::repo::View = cx.view;
    let entries = view.entries();
    let mut literal: Vec<&'v str> = Vec::new();
    let mut missing = Vec::new();
    for pat in &set.include {
        if pat.glob.is_none() {
            match view.entry(&pat.text) {
                Some(e) if !set.excluded(&pat.text) => literal.push(e.path),
                Some(_) => {}
                None => missing.push(Hit::at(missing_message(cx, &pat.text), At::file(&pat.text))),
            }
        }
    }
    // Entries are sorted, so the matches are too.
    let matched = set.globbed(entries);
    let globbed = matched
        .iter()
        .filter_map(|i| entries.get(*i))
        .map(|e| e.path);
    let paths: Vec<&'v str> = if literal.is_empty() {
        globbed.collect()
    } else {
        let mut all: Vec<&'v str> = literal.iter().copied().chain(globbed).collect();
        all.sort();
        all.dedup();
        all
    };
    if let Some(rec) = cx.selection {
        if paths.is_empty() {
            let texts: Vec<String> = set.include.iter().map(|p| p.text.clone()).collect();
            rec.unmatched(format!("{} matched nothing", texts.join(", ")));
        }
        for i in &matched {
            rec.entry(*i);
        }
        for p in &literal {
            rec.path(cx.view, p);
        }
    }
    Ok((paths, missing))
}

/// The finding when globs select no file: the rendered globs (variables filled in,
/// never the raw `{release}`), at the literal folder of the first one.
pub(crate) fn nothing_selected(cx: &Cx, globs: &GlobSet) -> Result<Hit, EvalError> {
    let set = globs.render(cx)?;
    let texts: Vec<String> = set
        .include
        .iter()
        .map(|p| format!("'{}'", p.text))
        .collect();
    let subject = match set.include.first().map(|p| p.base()) {
        Some(base) if !base.is_empty() => Subject::File(base.to_string()),
        _ => Subject::Repository,
    };
    Ok(Hit::new(
        format!("no file matches {}", texts.join(", ")),
        subject,
    ))
}

/// "X does not exist", naming a symlinked folder on the way when there is one.
pub(crate) fn missing_message(cx: &Cx, path: &str) -> String {
    let mut p = path;
    while let Some(i) = p.rfind('/') {
        p = &p[..i];
        if let Some(e) = cx.view.entry(p)
            && e.kind == EntryKind::Symlink
        {
            return format!(
                "{path} does not exist: {p} is a symbolic link, and relgate never follows links"
            );
        }
    }
    format!("{path} does not exist")
}

/// Reads a file; facts about the repository (missing, symlink, too large) become a hit,
/// failures of the run an error.
pub(crate) fn read(cx: &Cx, path: &str) -> Result<Arc<Content>, Blocked> {
    loaded(cx, path, cx.view.read(path))
}

/// [`read`] on the result of a read already made (by the engine's pass over the files).
pub(crate) fn loaded(
    cx: &Cx,
    path: &str,
    read: Result<Arc<Content>, ReadError>,
) -> Result<Arc<Content>, Blocked> {
    match read {
        Ok(c) => {
            cx.record(path);
            Ok(c)
        }
        Err(ReadError::NotFound { .. }) => Err(Blocked::File(Hit::at(
            missing_message(cx, path),
            At::file(path),
        ))),
        Err(e) if e.is_finding() => Err(Blocked::File(
            Hit::at(e.to_string(), At::file(path)).cannot_judge(),
        )),
        Err(e) => Err(Blocked::Error(EvalError::Read(e))),
    }
}

/// The text of a file, or a hit at the first byte that is not UTF-8.
pub(crate) fn text<'c>(path: &str, content: &'c Content) -> Result<&'c str, Hit> {
    content.text().map_err(|e| {
        let (line, column) = content.line_col(e.valid_up_to());
        Hit::at(
            format!(
                "{path} is not valid UTF-8 (byte {} of the file)",
                e.valid_up_to() + 1
            ),
            At::line(path, line, column),
        )
        .cannot_judge()
    })
}

/// `min_files`: the least number of files a check's globs must select.
pub(crate) const MIN_FILES: crate::lang::kind::Param = crate::lang::kind::Param {
    name: "min_files",
    ty: crate::lang::kind::Ty::Int,
    required: false,
    doc: "Least number of files the globs must select; fewer is a finding (so a glob with a \
typo cannot pass by selecting nothing).",
};

/// Reads `min_files` (not negative); `default` when absent.
pub(crate) fn min_files(f: &mut crate::lang::fields::Fields, default: usize) -> Option<usize> {
    let node = f.node("min_files");
    match f.int("min_files") {
        None if node.is_none() => Some(default),
        None => None,
        Some(i) => match usize::try_from(i) {
            Ok(n) => Some(n),
            Err(_) => {
                if let Some(n) = node {
                    f.lx.error(
                        crate::lang::error::Code::BadValue,
                        n.span,
                        "'min_files' must not be negative",
                    );
                }
                None
            }
        },
    }
}

/// The finding when globs selected fewer than `min` files.
pub(crate) fn too_few(
    cx: &Cx,
    globs: &GlobSet,
    selected: usize,
    min: usize,
) -> Result<Option<Hit>, EvalError> {
    if selected >= min {
        return Ok(None);
    }
    let mut hit = nothing_selected(cx, globs)?;
    if selected > 0 {
        hit.message = format!(
            "{} selected {selected} file{}, fewer than min_files: {min}",
            hit.message.trim_start_matches("no file matches "),
            if selected == 1 { "" } else { "s" }
        );
    } else if min > 1 {
        hit.message = format!("{} (min_files: {min})", hit.message);
    }
    Ok(Some(hit))
}
