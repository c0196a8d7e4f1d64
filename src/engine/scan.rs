//! One pass over the files, before the policies are judged: every file that a check
//! judging files one by one selects ([`PerFile`]: `encoding`, `matches`, `not_matches`)
//! is read once, in path order, every selecting check judges it while its content is in
//! hand, and only the results are kept ([`Scanned`]). Memory then stays nearly flat
//! whatever the size of the repository: the content is dropped before the next file.
//!
//! Only the checks of policies whose check will be judged take part (preconditions are
//! evaluated first): a policy whose `when` does not hold reads nothing. Checks under
//! `unless` (judged only when the check fails) and `for_each` instances (judged with
//! their own variables) read for themselves. A failure met reading a file is kept as
//! that file's result and surfaces only where a judged check consumes it. A file this
//! pass reads that another check names (a checklist both scanned for its encoding and
//! read by a `checklist` check) stays in the read cache, so it is read once.
//!
//! With a [`Prior`] (the head's pass, when the base of a change is judged), a file
//! whose path, mode and blob are the same in both takes the head's result for every
//! check that judged it there with the same inputs, and is not read: a base differing
//! from the head in a handful of files reads that handful. A result that was an error
//! is never taken (the file is judged again).

use super::Started;
use crate::eval::render::Rendered;
use crate::eval::scanned::{Judged, PerFile, Prior, Scanned};
use crate::eval::{Cx, EvalError, Hit};
use crate::policy::{Cond, PolicySet};
use rayon::prelude::*;
use std::collections::HashSet;

/// Files per task: neighbours in path order are read by one thread (they tend to share
/// folders on disk and delta bases in a pack).
const CHUNK: usize = 64;

/// Judges every file the per-file checks of the judged policies select.
pub(super) fn run(set: &PolicySet, started: &[Started], cx: &Cx, prior: Option<Prior>) -> Scanned {
    // Each with whether it lies under a `not:` (which, when the check holds, reads
    // again to say where: its files are kept).
    let mut checks: Vec<(&dyn PerFile, bool)> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    for (p, s) in set.policies.iter().zip(started) {
        if !s.judges_check(p) {
            continue;
        }
        collect(&p.check, cx, false, Some(&mut checks), &mut named);
        if let Some(unless) = &p.unless {
            collect(unless, cx, false, None, &mut named);
        }
    }
    let mut scanned = Scanned::new(cx.view, cx.vars);
    // (entry, check) for every file a check selects, in path order (`u32`: a listing
    // holds at most that many entries, and a run has fewer checks).
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut selections: Vec<Option<Vec<u32>>> = Vec::with_capacity(checks.len());
    for (k, (check, _)) in checks.iter().enumerate() {
        // A check whose globs cannot be rendered says so when judged.
        let selected = check
            .files()
            .and_then(|globs| globs.render(cx).ok())
            .map(|set| selected(cx, &set));
        if let (Some(sel), Ok(k)) = (&selected, u32::try_from(k)) {
            pairs.extend(sel.iter().map(|i| (*i, k)));
        }
        selections.push(selected);
    }
    let inputs: Vec<Option<Vec<Option<String>>>> =
        checks.iter().map(|(check, _)| check.inputs(cx)).collect();
    pairs.sort_unstable();
    let wanted: HashSet<usize> = named.iter().filter_map(|n| cx.view.position(n)).collect();
    // Where each file's pairs start (four bytes a file, not a slice of sixteen).
    let starts: Vec<u32> = (0..pairs.len())
        .filter(|k| *k == 0 || pairs.get(k - 1).map(|p| p.0) != pairs.get(*k).map(|p| p.0))
        .filter_map(|k| u32::try_from(k).ok())
        .collect();
    let entries = cx.view.entries();
    let found: Vec<(usize, usize, Result<Vec<Hit>, EvalError>)> = starts
        .par_chunks(CHUNK)
        .enumerate()
        .flat_map_iter(|(c, chunk)| {
            // The pairs of this chunk's files, up to where the next chunk's start.
            let end = starts
                .get((c + 1) * CHUNK)
                .map_or(pairs.len(), |s| *s as usize);
            let from = chunk.first().map_or(end, |s| *s as usize);
            let mut out = Vec::new();
            for file in pairs
                .get(from..end)
                .unwrap_or_default()
                .chunk_by(|a, b| a.0 == b.0)
            {
                let Some((i, e)) = file
                    .first()
                    .and_then(|(i, _)| Some((*i as usize, entries.get(*i as usize)?)))
                else {
                    continue;
                };
                // The head's results, for the checks it judged this same blob with.
                let head = prior.and_then(|p| Some((p, p.same_blob(cx.view, i)?)));
                let mut left: Vec<usize> = Vec::with_capacity(file.len());
                for (_, k) in file {
                    let k = *k as usize;
                    let reused = head.and_then(|(p, j)| {
                        let (check, _) = checks.get(k)?;
                        p.result(*check, inputs.get(k)?.as_ref(), j)
                    });
                    match reused {
                        Some(hits) if hits.is_empty() => {}
                        Some(hits) => out.push((k, i, Ok(hits))),
                        None => left.push(k),
                    }
                }
                if left.is_empty() {
                    continue;
                }
                let keep = wanted.contains(&i)
                    || file
                        .iter()
                        .any(|(_, k)| checks.get(*k as usize).is_some_and(|(_, negated)| *negated));
                let read = if keep {
                    cx.view.read_at(i)
                } else {
                    crate::repo::passing(|| cx.view.read_at(i))
                };
                let mut hit = false;
                for k in &left {
                    let Some((check, _)) = checks.get(*k) else {
                        continue;
                    };
                    let r = check.judge_file(cx, e.path, Some(read.clone()));
                    if !matches!(&r, Ok(hits) if hits.is_empty()) {
                        hit |= r.is_ok();
                        out.push((*k, i, r));
                    }
                }
                // A file with findings is quoted by the report: kept, not read again.
                if let (true, Ok(content)) = (hit && !keep, read) {
                    crate::repo::adopt(cx.view, e.path, content);
                }
            }
            out
        })
        .collect();
    let mut judged: Vec<Judged> = selections
        .iter_mut()
        .zip(inputs)
        .map(|(s, inputs)| Judged {
            selected: s.take().unwrap_or_default(),
            found: Vec::new(),
            inputs,
        })
        .collect();
    for (k, i, r) in found {
        if let Some(j) = judged.get_mut(k) {
            j.found.push((i, r));
        }
    }
    for ((check, _), judged) in checks.iter().zip(judged) {
        scanned.insert(*check, judged);
    }
    scanned
}

/// The per-file checks of `c` (into `checks`, when given, each with whether it lies
/// under a `not:`) and the files its checks name (into `named`).
fn collect<'p>(
    c: &'p Cond,
    cx: &Cx,
    negated: bool,
    mut checks: Option<&mut Vec<(&'p dyn PerFile, bool)>>,
    named: &mut Vec<String>,
) {
    match c {
        Cond::Check { check, .. } => {
            named.extend(check.named(cx));
            if let (Some(checks), Some(per_file)) = (checks, check.per_file()) {
                checks.push((per_file, negated));
            }
        }
        Cond::All(cs) | Cond::Any(cs) => {
            for c in cs {
                collect(c, cx, negated, checks.as_deref_mut(), named);
            }
        }
        Cond::Not(c) => collect(c, cx, true, checks, named),
    }
}

/// The entries `set` selects, sorted: as [`crate::eval::util::select`] selects them.
fn selected(cx: &Cx, set: &Rendered) -> Vec<u32> {
    let mut sel: Vec<u32> = set
        .include
        .iter()
        .filter(|p| p.glob.is_none() && !set.excluded(&p.text))
        .filter_map(|p| cx.view.position(&p.text))
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    sel.extend(
        set.globbed(cx.view.entries())
            .into_iter()
            .filter_map(|i| u32::try_from(i).ok()),
    );
    sel.sort_unstable();
    sel.dedup();
    sel
}
