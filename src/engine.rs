//! Evaluation: `when` / `unless` / `all` / `any` / `not`, a status per policy,
//! findings in one deterministic order whatever the thread count.

use crate::eval::scanned::{Prior, Scanned};
use crate::eval::selected::Selection;
use crate::eval::{Cx, EvalError, Hit, Subject};
use crate::finding::Finding;
use crate::policy::{Cond, Policy, PolicySet};
use crate::repo::ReadError;
use rayon::prelude::*;

mod for_each;
mod scan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Pass,
    Fail,
    Skip,
    Waived,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Waived => "waived",
        }
    }
}

/// The outcome of one policy.
#[derive(Debug, Clone)]
pub(crate) struct PolicyOutcome {
    pub status: Status,
    /// Why the policy was skipped or exempted, for reports.
    pub reason: Option<String>,
    pub findings: Vec<Finding>,
    /// The policy's help with the run's variables filled in (its findings carry it too).
    pub help: Option<String>,
    /// How many distinct files the policy's checks selected or read.
    pub selected: usize,
    /// Why its checks looked at no file (`docs/**/*.md matched nothing`).
    pub unmatched: Vec<String>,
    /// A `for_each` policy's instances, in path order (empty otherwise).
    pub instances: Vec<Instance>,
}

/// One instance of a `for_each` policy: its path and verdict.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Instance {
    #[serde(rename = "instance")]
    pub path: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Evaluates every policy and returns outcomes in policy order: first every `when`
/// (a policy whose precondition does not hold reads nothing more), then one pass over
/// the files for the checks that judge each file on its own ([`scan`]), then every
/// policy, in parallel.
///
/// Also returns what the pass over the files found (the head's, for the base of a
/// change to reuse), and takes a `prior` pass's results for the files whose blob is
/// the same ([`Prior`]).
pub(crate) fn evaluate_with(
    set: &PolicySet,
    cx: &Cx,
    prior: Option<Prior>,
) -> (Result<Vec<PolicyOutcome>, ReadError>, Scanned) {
    let started: Vec<Started> = set.policies.par_iter().map(|p| start(p, cx)).collect();
    let scanned = scan::run(set, &started, cx, prior);
    let cx = &Cx {
        scan: Some(&scanned),
        ..*cx
    };
    let outcomes: Vec<Result<PolicyOutcome, ReadError>> = set
        .policies
        .par_iter()
        .zip(started.into_par_iter())
        .map(|(p, s)| evaluate_policy(p, s, set, cx))
        .collect();
    // In policy order: when several policies cannot be read, the error is the first
    // policy's, whatever thread finished first (rayon's own collect into a `Result`
    // keeps whichever error it met).
    (outcomes.into_iter().collect(), scanned)
}

/// A policy before its checks run: its record of the files it looks at, and its
/// precondition's hits (`None`: it has none, or it is a `for_each` policy, whose
/// instances each judge theirs).
pub(crate) struct Started {
    selection: Selection,
    when: Option<Result<Vec<Hit>, EvalError>>,
}

impl Started {
    /// Whether the policy's `check` will be judged: no precondition, or one that holds.
    pub(crate) fn judges_check(&self, p: &Policy) -> bool {
        p.for_each.is_none()
            && match &self.when {
                None => true,
                Some(Ok(hits)) => hits.is_empty(),
                Some(Err(_)) => false,
            }
    }
}

fn start(p: &Policy, cx: &Cx) -> Started {
    let selection = Selection::new(cx.view.entries().len());
    let when = match (&p.when, &p.for_each) {
        (Some(when), None) => {
            let cx = &Cx {
                selection: Some(&selection),
                ..*cx
            };
            Some(eval(when, cx))
        }
        _ => None,
    };
    Started { selection, when }
}

fn evaluate_policy(
    p: &Policy,
    started: Started,
    set: &PolicySet,
    cx: &Cx,
) -> Result<PolicyOutcome, ReadError> {
    // Lets the tests prove that a crash on a worker thread ends in exit 2, not a hang
    // (debug builds only).
    #[cfg(debug_assertions)]
    if std::env::var("RELGATE_DEBUG_PANIC").as_deref() == Ok("worker") {
        panic!("RELGATE_DEBUG_PANIC=worker is set");
    }
    let Started { selection, when } = started;
    let cx = &Cx {
        selection: Some(&selection),
        ..*cx
    };
    let mut o = match &p.for_each {
        Some(fe) => for_each::judge(p, fe, set, cx)?,
        None => judge_policy(p, cx, when)?,
    };
    // Files read for the variables it names (`data:` reading pyproject.toml) were
    // looked at too: a policy whose only input is a variable selected that file.
    for v in &p.vars {
        if let Some((file, _)) = cx.vars.data_origin(v) {
            cx.record(file);
        }
    }
    (o.selected, o.unmatched) = selection.summary();
    Ok(o)
}

/// Judges a policy; `when`: its precondition's hits when already evaluated.
fn judge_policy(
    p: &Policy,
    cx: &Cx,
    when: Option<Result<Vec<Hit>, EvalError>>,
) -> Result<PolicyOutcome, ReadError> {
    match run_policy(p, cx, when) {
        Ok(o) => Ok(o),
        Err(EvalError::Read(e)) => Err(e),
        Err(e @ (EvalError::NeedsBase(_) | EvalError::Unknown(_))) => Ok(outcome(
            p,
            cx,
            Status::Skip,
            Some(e.to_string()),
            Vec::new(),
        )),
        Err(e) => Ok(outcome(
            p,
            cx,
            Status::Fail,
            None,
            vec![Hit::new(e.to_string(), Subject::Policy)],
        )),
    }
}

fn run_policy(
    p: &Policy,
    cx: &Cx,
    pre: Option<Result<Vec<Hit>, EvalError>>,
) -> Result<PolicyOutcome, EvalError> {
    if let Some(when) = &p.when {
        let hits = match pre {
            Some(hits) => hits?,
            None => eval(when, cx)?,
        };
        // A precondition that cannot be judged does not skip: the policy fails with why.
        // Each such finding keeps its subject (the unreadable file is what to fix); a
        // precondition that cannot be evaluated at all (a variable without a value) is
        // an error of the policy, about the policy itself (`judge_policy`).
        let undecided: Vec<Hit> = hits.iter().filter(|h| h.undecided).cloned().collect();
        if !undecided.is_empty() {
            let hits = undecided
                .into_iter()
                .map(|mut h| {
                    h.message = format!("cannot judge the precondition ('when'): {}", h.message);
                    h
                })
                .collect();
            return Ok(outcome(p, cx, Status::Fail, None, hits));
        }
        if let Some(first) = hits.first() {
            let reason = format!("precondition does not hold: {}", first.message);
            return Ok(outcome(p, cx, Status::Skip, Some(reason), Vec::new()));
        }
    }
    let hits = eval(&p.check, cx)?;
    if hits.is_empty() {
        return Ok(outcome(p, cx, Status::Pass, None, hits));
    }
    if let Some(unless) = &p.unless {
        let exempt = eval(unless, cx)?;
        if exempt.is_empty() {
            return Ok(outcome(
                p,
                cx,
                Status::Pass,
                Some(format!(
                    "exempt: its exemption holds ({})",
                    describe(unless)
                )),
                Vec::new(),
            ));
        }
        // Say why the exemption does not apply, on every finding.
        // Once each: two conditions on one missing file say the same thing.
        let mut why: Vec<&str> = Vec::new();
        for h in &exempt {
            if !why.contains(&h.message.as_str()) {
                why.push(&h.message);
            }
        }
        let hits = hits
            .into_iter()
            .map(|mut h| {
                h.message = format!("{} (no exemption: {})", h.message, why.join("; "));
                h
            })
            .collect();
        return Ok(outcome(p, cx, Status::Fail, None, hits));
    }
    Ok(outcome(p, cx, Status::Fail, None, hits))
}

/// A condition in a few words, for reports: the check kinds it combines.
fn describe(c: &Cond) -> String {
    match c {
        Cond::Check { kind, .. } => (*kind).to_string(),
        Cond::All(cs) => format!(
            "all of {}",
            cs.iter().map(describe).collect::<Vec<_>>().join(", ")
        ),
        Cond::Any(cs) => format!(
            "any of {}",
            cs.iter().map(describe).collect::<Vec<_>>().join(", ")
        ),
        Cond::Not(c) => format!("not {}", describe(c)),
    }
}

/// The hits of a condition; empty means it holds.
pub(crate) fn eval(c: &Cond, cx: &Cx) -> Result<Vec<Hit>, EvalError> {
    match c {
        Cond::Check { check, .. } => check.eval(cx),
        Cond::All(cs) => {
            let mut hits = Vec::new();
            for c in cs {
                hits.extend(eval(c, cx)?);
            }
            Ok(hits)
        }
        Cond::Any(cs) => {
            let mut hits = Vec::new();
            for c in cs {
                let h = eval(c, cx)?;
                if h.is_empty() {
                    return Ok(Vec::new());
                }
                hits.extend(h);
            }
            // Each finding says that it is one of several ways, none of which holds
            // (e.g. evidence committed or attached: both findings are shown).
            let note = match cs.len() {
                0 | 1 => None,
                2 => Some(" (either alternative would do; neither holds)".to_string()),
                n => Some(format!(
                    " (any of the {n} alternatives would do; none holds)"
                )),
            };
            if let Some(note) = note {
                for h in &mut hits {
                    h.message.push_str(&note);
                }
            }
            Ok(hits)
        }
        Cond::Not(inner) => {
            let hits = eval(inner, cx)?;
            if hits.is_empty() {
                let holds = format!("'{}' holds, but must not", describe(inner));
                // Say what held, and where, when the check can tell.
                let seen = match inner.as_ref() {
                    Cond::Check { check, .. } => check.held(cx),
                    _ => None,
                };
                return Ok(vec![match seen {
                    Some(h) => Hit::new(format!("{holds}: {}", h.message), h.subject),
                    None => Hit::new(holds, Subject::Policy),
                }]);
            }
            // "Could not judge" is never inverted into a pass: it stays a failure.
            Ok(hits.into_iter().filter(|h| h.undecided).collect())
        }
    }
}

fn outcome(
    p: &Policy,
    cx: &Cx,
    status: Status,
    reason: Option<String>,
    hits: Vec<Hit>,
) -> PolicyOutcome {
    // Rendered once per policy, with every value the run has (a variable without one
    // stays `{name}`).
    let help = p
        .help
        .as_ref()
        .map(|t| t.render_partial(&|n| cx.vars.get(n).map(str::to_string)));
    // One finding per hit, each once: two conditions on one missing file say the
    // same thing. Reports sort all findings together, once. Duplicates are found on
    // the hits themselves (borrowed, not cloned) and the findings are made in a
    // vector of the right size: a policy with 200,000 findings holds them once.
    let hits: Vec<Hit> = hits
        .into_iter()
        .map(|mut h| {
            h.message = crate::finding::bounded(h.message);
            h
        })
        .collect();
    let first: Vec<bool> = {
        let mut seen = std::collections::HashSet::with_capacity(hits.len());
        hits.iter()
            .map(|h| seen.insert((&h.subject, h.severity.unwrap_or(p.severity), &h.message)))
            .collect()
    };
    let mut findings: Vec<Finding> = Vec::with_capacity(first.iter().filter(|k| **k).count());
    for (h, _) in hits.into_iter().zip(first).filter(|(_, k)| *k) {
        findings.push(Finding {
            policy: p.id.clone(),
            severity: h.severity.unwrap_or(p.severity),
            message: h.message,
            subject: h.subject,
            help: help.clone(),
            snippet: None,
            origin: p.origin.clone(),
            waived: None,
            instance: None,
            fingerprint: String::new(),
        });
    }
    PolicyOutcome {
        status,
        reason,
        findings,
        help,
        selected: 0,
        unmatched: Vec::new(),
        instances: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::Subject;
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::eval_yaml;

    fn view() -> MemoryView {
        MemoryView::new(SourceKind::Worktree)
            .file("a", "")
            .file("b", "")
    }

    #[test]
    fn all_any_not() {
        let v = view();
        assert!(eval_yaml("all: [{exists: a}, {exists: b}]", &v, &[]).is_empty());
        assert_eq!(
            eval_yaml("all: [{exists: a}, {exists: x}, {exists: y}]", &v, &[]).len(),
            2
        );
        assert!(eval_yaml("any: [{exists: x}, {exists: b}]", &v, &[]).is_empty());
        // When no alternative holds, every alternative says why.
        assert_eq!(
            eval_yaml("any: [{exists: x}, {exists: y}]", &v, &[]).len(),
            2
        );
        assert!(eval_yaml("not: {exists: x}", &v, &[]).is_empty());
        let hits = eval_yaml("not: {exists: a}", &v, &[]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].message, "'exists' holds, but must not: a exists");
        assert_eq!(hits[0].subject, Subject::File("a".into()));
        // A combination has no one thing that held: the policy itself.
        let hits = eval_yaml("not: {all: [{exists: a}]}", &v, &[]);
        assert_eq!(hits[0].message, "'all of exists' holds, but must not");
        assert_eq!(hits[0].subject, Subject::Policy);
        assert!(eval_yaml("not: {not: {exists: a}}", &v, &[]).is_empty());
    }

    #[test]
    fn not_never_inverts_could_not_judge() {
        let v = view()
            .file_mode("latin1.txt", b"caf\xe9 SECRET\n", 0o100644)
            .symlink("link.txt", "a");
        for path in ["latin1.txt", "link.txt"] {
            let hits = eval_yaml(
                &format!("not: {{matches: {{files: {path}, patterns: SECRET}}}}"),
                &v,
                &[],
            );
            assert_eq!(hits.len(), 1, "{path}: {hits:?}");
            assert!(hits[0].undecided, "{path}: {hits:?}");
            // Twice inverted, still not judged.
            let hits = eval_yaml(
                &format!("not: {{not: {{matches: {{files: {path}, patterns: SECRET}}}}}}"),
                &v,
                &[],
            );
            assert_eq!(hits.len(), 1, "{path}: {hits:?}");
        }
        // A file that was read and does not match is a judged "no": `not` holds.
        assert!(eval_yaml("not: {matches: {files: a, patterns: SECRET}}", &v, &[]).is_empty());
    }
}
