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
    /// The entries it selects, sorted.
    pub selected: Vec<usize>,
    /// The results that are not "no hit", by entry, sorted.
    pub found: Vec<(usize, Result<Vec<Hit>, EvalError>)>,
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
        judged.selected.binary_search(&i).ok()?;
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

fn address(view: &dyn View) -> usize {
    std::ptr::from_ref(view).cast::<()>().addr()
}
