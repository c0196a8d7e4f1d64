//! Checks that judge each selected file on its own (`encoding`, `matches`,
//! `not_matches`), and what the engine's one pass over the files found for them.
//!
//! Before the policies are judged, the engine reads every file that at least one such
//! check selects, once, in path order, runs every selecting check's [`PerFile::judge_file`]
//! while the content is in hand and keeps only the result (the hits, or why the file
//! could not be judged), never the content. A check then takes each file's result from
//! [`Scanned`] instead of reading it ([`judge`]). A result that is a failure of the run
//! (an I/O or git error) is kept too, and surfaces only if a check that is judged
//! consumes it: a file no judged policy needs cannot fail the run.

use super::vars::Vars;
use super::{Cx, EvalError, Hit};
use crate::lang::pattern::GlobSet;
use crate::repo::{Content, ReadError, View};
use std::collections::HashMap;
use std::sync::Arc;

/// A check that judges each selected file on its own.
pub trait PerFile: Send + Sync {
    /// The globs of the files it judges; `None` when it reads none of the view (an
    /// attachment).
    fn files(&self) -> Option<&GlobSet>;

    /// The hits of one selected file: from `read` when the file was read for it, else
    /// reading it now.
    fn judge_file(
        &self,
        cx: &Cx,
        path: &str,
        read: Option<Result<Arc<Content>, ReadError>>,
    ) -> Result<Vec<Hit>, EvalError>;

    /// What its judgement of a file depends on besides the file (its path, mode and
    /// content) and the check itself: the values of the variables its patterns,
    /// section and message name, in order. Two views whose file has the same blob,
    /// judged with the same inputs, get the same result, so the base of a change
    /// reuses the head's ([`Prior`]). `None`: it cannot say, and is judged again.
    fn inputs(&self, cx: &Cx) -> Option<Vec<Option<String>>> {
        let _ = cx;
        None
    }
}

/// The values of the variables `templates` name, in order, for [`PerFile::inputs`].
pub(crate) fn inputs_of<'t>(
    cx: &Cx,
    templates: impl IntoIterator<Item = &'t crate::lang::template::Template>,
) -> Vec<Option<String>> {
    templates
        .into_iter()
        .flat_map(|t| t.vars())
        .map(|name| cx.vars.peek(name).map(str::to_string))
        .collect()
}

/// The index in `head` of the `i`th entry of `base`, when both have the same path,
/// kind, mode and blob (a view that cannot say never matches).
pub(crate) fn same_blob(head: &dyn View, base: &dyn View, i: usize) -> Option<usize> {
    let ours = base.entries().get(i)?;
    // Both listings are sorted and nearly the same: the entry usually sits at the same
    // index (no file added or deleted before it); else a binary search.
    let j = match head.entries().get(i) {
        Some(e) if e.path == ours.path => i,
        _ => head.position(ours.path)?,
    };
    let theirs = head.entries().get(j)?;
    (theirs.kind == ours.kind && head.blob_at(j)? == base.blob_at(i)?).then_some(j)
}

/// What the head of a change found, offered to the pass over the base's files: a
/// file whose path, mode and blob id are the same in both views, selected by the same
/// check with the same [`PerFile::inputs`], takes the head's result instead of being
/// read and judged again. Only results that are not errors are taken: a file the head
/// could not judge is judged again in the base.
#[derive(Clone, Copy)]
pub(crate) struct Prior<'a> {
    pub view: &'a dyn View,
    pub scanned: &'a Scanned,
}

impl Prior<'_> {
    /// The head's index of the entry `base` lists as its `i`th, when both have the
    /// same path, kind, mode and blob (a view that cannot say never matches).
    pub(crate) fn same_blob(&self, base: &dyn View, i: usize) -> Option<usize> {
        same_blob(self.view, base, i)
    }

    /// The head's result for `check` at its entry `j`, when it judged that entry with
    /// `inputs` and the result is not an error.
    pub(crate) fn result(
        &self,
        check: &dyn PerFile,
        inputs: Option<&Vec<Option<String>>>,
        j: usize,
    ) -> Option<Vec<Hit>> {
        let judged = self.scanned.checks.get(&key(check))?;
        if judged.inputs.is_none() || judged.inputs.as_ref() != inputs {
            return None;
        }
        judged
            .selected
            .binary_search(&u32::try_from(j).ok()?)
            .ok()?;
        match judged.found.binary_search_by_key(&j, |(e, _)| *e) {
            Ok(at) => match judged.found.get(at)? {
                (_, Ok(hits)) => Some(hits.clone()),
                (_, Err(_)) => None,
            },
            Err(_) => Some(Vec::new()),
        }
    }
}

/// What one pass over the files found, per check and file.
#[derive(Default)]
pub struct Scanned {
    /// The view and the variables it was made with (addresses): a check judged with
    /// others (a `for_each` instance's variables, another view) reads for itself.
    view: usize,
    vars: usize,
    checks: HashMap<usize, Judged>,
}

/// The results of one check.
#[derive(Default)]
pub(crate) struct Judged {
    /// The entries it selects, sorted (a listing holds at most `u32::MAX`).
    pub selected: Vec<u32>,
    /// The results that are not "no hit", by entry, sorted.
    pub found: Vec<(usize, Result<Vec<Hit>, EvalError>)>,
    /// Its [`PerFile::inputs`] in this pass.
    pub inputs: Option<Vec<Option<String>>>,
}

impl Scanned {
    pub(crate) fn new(view: &dyn View, vars: &Vars) -> Self {
        Scanned {
            view: address(view),
            vars: std::ptr::from_ref(vars).addr(),
            checks: HashMap::new(),
        }
    }

    /// Records the results of `check`.
    pub(crate) fn insert(&mut self, check: &dyn PerFile, judged: Judged) {
        self.checks.insert(key(check), judged);
    }

    /// The result of `path` for `check`, if this pass judged it for `cx`.
    fn get(&self, cx: &Cx, check: &dyn PerFile, path: &str) -> Option<Result<Vec<Hit>, EvalError>> {
        if address(cx.view) != self.view || std::ptr::from_ref(cx.vars).addr() != self.vars {
            return None;
        }
        let judged = self.checks.get(&key(check))?;
        let i = cx.view.position(path)?;
        judged
            .selected
            .binary_search(&u32::try_from(i).ok()?)
            .ok()?;
        Some(match judged.found.binary_search_by_key(&i, |(e, _)| *e) {
            Ok(at) => judged
                .found
                .get(at)
                .map_or(Ok(Vec::new()), |(_, r)| r.clone()),
            Err(_) => Ok(Vec::new()),
        })
    }
}

/// The hits of `path` for `check`: what the pass over the files found, or (when it did
/// not judge the file for this context) the check's own read.
pub(crate) fn judge(cx: &Cx, check: &dyn PerFile, path: &str) -> Result<Vec<Hit>, EvalError> {
    match cx.scan.and_then(|s| s.get(cx, check, path)) {
        Some(r) => r,
        None => check.judge_file(cx, path, None),
    }
}

/// A check's identity for the run: its address (checks live as long as the policy set).
fn key(check: &dyn PerFile) -> usize {
    std::ptr::from_ref(check).cast::<()>().addr()
}

/// A view's identity: its address (the same view reached through two handles).
pub(crate) fn address(view: &dyn View) -> usize {
    std::ptr::from_ref(view).cast::<()>().addr()
}
