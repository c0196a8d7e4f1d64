//! A case's expectations against the report of its evaluation: one line per
//! difference, `-` for what was expected and not found, `+` for what was found and
//! not expected, so a failing case reads like a diff.

use super::case::{Case, Expected};
use crate::finding::{Finding, Severity};
use crate::report::Report;

pub(super) fn compare(case: &Case, report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    let known = |id: &str| report.policies.iter().any(|p| p.id == id);
    let file = &case.file.name;
    // Statuses.
    for (id, want, span) in &case.expect.status {
        // `--only` / `--skip` left it out: its expectations are not checked.
        if report.not_selected.contains(id) {
            continue;
        }
        match report.policies.iter().find(|p| &p.id == id) {
            None => problems.push(format!(
                "{file}:{}:{}: no policy '{id}' among the policies under test",
                span.line, span.column
            )),
            Some(p) if p.status.as_str() != want => {
                let why = p
                    .reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default();
                problems.push(format!(
                    "status {id}: expected {want}, got {}{why}",
                    p.status.as_str()
                ));
            }
            Some(_) => {}
        }
    }
    // Findings: for each policy named, exactly the listed ones.
    let mut policies: Vec<&str> = Vec::new();
    for (e, span) in &case.expect.findings {
        if report.not_selected.contains(&e.policy) {
            continue;
        }
        if !known(&e.policy) {
            problems.push(format!(
                "{file}:{}:{}: no policy '{}' among the policies under test",
                span.line, span.column, e.policy
            ));
            continue;
        }
        if !policies.contains(&e.policy.as_str()) {
            policies.push(&e.policy);
        }
    }
    for id in policies {
        let expected: Vec<&Expected> = case
            .expect
            .findings
            .iter()
            .map(|(e, _)| e)
            .filter(|e| e.policy == id)
            .collect();
        let mut actual: Vec<Option<&Finding>> = report
            .findings
            .iter()
            .filter(|f| f.policy == id)
            .map(Some)
            .collect();
        let mut missing = Vec::new();
        for e in expected {
            let hit = actual
                .iter_mut()
                .find(|a| a.is_some_and(|f| matches(e, f)))
                .and_then(Option::take);
            if hit.is_none() {
                missing.push(e);
            }
        }
        for e in missing {
            let msg = e
                .message
                .as_ref()
                .map(|m| format!(" message containing '{m}'"))
                .unwrap_or_default();
            problems.push(format!(
                "- {} {}{msg}",
                e.policy,
                place(e.path.as_deref(), e.line)
            ));
        }
        for f in actual.into_iter().flatten() {
            problems.push(format!(
                "+ {} {}: {}",
                f.policy,
                place(f.path(), f.line()),
                f.message
            ));
        }
    }
    if let Some(want) = case.expect.exit {
        let got = if report.fails(Severity::Error) { 1 } else { 0 };
        if want != got {
            problems.push(format!("exit: expected {want}, got {got}"));
        }
    }
    problems
}

fn matches(e: &Expected, f: &Finding) -> bool {
    e.path.as_deref() == f.path()
        && e.line == f.line()
        && e.message
            .as_ref()
            .is_none_or(|m| f.message.contains(m.as_str()))
}

fn place(path: Option<&str>, line: Option<usize>) -> String {
    match (path, line) {
        (Some(p), Some(l)) => format!("{p}:{l}"),
        (Some(p), None) => p.to_string(),
        (None, _) => "(the run)".into(),
    }
}
