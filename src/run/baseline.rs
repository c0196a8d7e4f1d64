//! `--base`: each finding of the change is `new` or `unchanged`, by its fingerprint
//! ([`crate::report::fingerprint`]) against the findings of the merge base's tree,
//! judged with the same trusted policies and the base's own variables; base findings
//! the change no longer has are `fixed`.
//!
//! The base is the trusted side (a commit of the branch the change goes into), so a
//! change cannot make its own findings pre-existing. Fingerprints are counted as a
//! multiset: five identical old findings and a sixth added make one `new`. A finding
//! on a line the change wrote is `new` even when the base has its fingerprint (a
//! re-indented or moved line: [`crate::repo::Touched`]).
//!
//! `--new-only` without `--base` (the index or the working tree) classifies against
//! `HEAD` the same way; what is trusted does not move (the tree under check's
//! policies judge both sides).
//!
//! Files whose blob is the same in the head and the base are not judged twice: the
//! base's pass over the files takes the head's results for them
//! ([`crate::eval::scanned::Prior`]), its flag variables take the head's facts for
//! the same config files ([`crate::eval::flags::FlagPrior`]), and the lines its
//! findings quote come from the head's copy (already read). A change of a handful of
//! files reads a handful in the base. Only git views (`--rev`, `--staged`) know their
//! blob ids: a check of the working tree judges the base in full (proving a file
//! identical to a blob would mean reading and hashing it).

use super::results;
use crate::eval::Cx;
use crate::eval::scanned::{Prior, Scanned};
use crate::eval::vars::{Branches, Vars};
use crate::finding::{Finding, Subject};
use crate::policy::PolicySet;
use crate::repo::{Diff, Touched, View};
use crate::report::Baseline;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The base's findings, sorted, quoted and fingerprinted as the change's are, or
/// `None` when the base could not be judged (then every finding of the change is
/// `new`: nothing is taken as pre-existing without evidence).
pub(crate) fn base_findings(
    set: &PolicySet,
    cx: &Cx,
    base: &dyn View,
    overrides: &[(String, String)],
    branches: &Branches,
    in_repo: &BTreeSet<String>,
    head: (&Arc<dyn View>, &Scanned),
) -> Option<Vec<Finding>> {
    let reuse = reuse();
    let flags = reuse.then(|| cx.vars.flag_prior(base, head.0.clone()));
    let vars = Vars::resolve_reusing(&set.vars, overrides, base, cx.now, branches, flags);
    let base_cx = Cx {
        view: base,
        trusted: cx.trusted,
        vars: &vars,
        now: cx.now,
        diff: None,
        attachments: cx.attachments,
        selection: None,
        scan: None,
    };
    let prior = reuse.then_some(Prior {
        view: cx.view,
        scanned: head.1,
    });
    let mut outcomes = crate::engine::evaluate_with(set, &base_cx, prior).0.ok()?;
    super::waive::apply(set, &mut outcomes, cx.now);
    let (_, mut findings) = results(set, outcomes, in_repo);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let quoted = crate::report::quote::quote(&mut findings, 0, &|path: &str| match cx
        .attachments
        .by_label(path)
    {
        Some(c) => Some(c.clone()),
        // The head's copy of the same blob (read by its own report) quotes the same.
        None => match prior.and_then(|p| p.same_blob(base, base.position(path)?)) {
            Some(_) => cx.view.read(path).ok(),
            None => base.read(path).ok(),
        },
    });
    crate::report::fingerprint::assign(&mut findings, &quoted.lines);
    Some(findings)
}

/// Whether the base reuses the head's results: always, except in a debug build with
/// `RELGATE_NO_REUSE=1`, which lets the tests prove that reuse changes no output.
pub(super) fn reuse() -> bool {
    #[cfg(debug_assertions)]
    if std::env::var("RELGATE_NO_REUSE").as_deref() == Ok("1") {
        return false;
    }
    true
}

/// Classifies `findings` (fingerprinted) against the base's: the fingerprints of
/// the unchanged ones, and the base findings that are gone. `diff` is the change
/// against that base and `view` the tree under check (for the lines the change wrote).
pub(crate) fn classify(
    findings: &[Finding],
    base: Option<Vec<Finding>>,
    diff: &Diff,
    view: &dyn View,
) -> Baseline {
    let base = base.unwrap_or_default();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for f in &base {
        *count.entry(f.fingerprint.as_str()).or_default() += 1;
    }
    // Per file, asked only for files with a finding the base has too.
    let mut touched: HashMap<&str, Touched> = HashMap::new();
    let mut unchanged = BTreeSet::new();
    for f in findings {
        if let Some(n) = count.get_mut(f.fingerprint.as_str())
            && *n > 0
        {
            if let Subject::Line { path, line, .. } = &f.subject
                && touched
                    .entry(path.as_str())
                    .or_insert_with(|| diff.touched(path, view))
                    .contains(*line)
            {
                continue;
            }
            *n -= 1;
            unchanged.insert(f.fingerprint.clone());
        }
    }
    let head: BTreeSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let fixed = base
        .iter()
        .filter(|f| !head.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    Baseline {
        unchanged,
        fixed,
        ..Baseline::default()
    }
}
