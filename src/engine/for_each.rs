//! `for_each`: one instance of a policy per matching directory or file, each judged on
//! its own with the loop variable (and every variable defined from it) set to its path.
//!
//! The policy fails when any instance fails, or when fewer instances than `min` match
//! (a glob with a typo must not pass). Each finding carries its instance and its message
//! starts with it, so every report format shows which instance failed. A `changes` check
//! is scoped to the instance through its templates (`touches: '{chart}/templates/**'`,
//! `must_modify: '{chart}/Chart.yaml'`): one chart's bump never satisfies another's.

use super::{Instance, PolicyOutcome, Status, judge_policy, outcome};
use crate::eval::{Cx, Hit, Subject};
use crate::policy::{ForEach, Policy, PolicySet};
use crate::repo::ReadError;
use rayon::prelude::*;

pub(super) fn judge(
    p: &Policy,
    fe: &ForEach,
    set: &PolicySet,
    cx: &Cx,
) -> Result<PolicyOutcome, ReadError> {
    let rendered = match fe.globs.render(cx) {
        Ok(r) => r,
        Err(e) => {
            let hit = Hit::new(format!("for_each: {e}"), Subject::Policy);
            return Ok(outcome(p, cx, Status::Fail, None, vec![hit]));
        }
    };
    let mut paths: Vec<String> = if fe.dirs {
        cx.view.dirs()
    } else {
        cx.view
            .entries()
            .iter()
            .map(|e| e.path.to_string())
            .collect()
    };
    paths.retain(|path| rendered.selects(path));
    paths.sort();
    paths.dedup();
    let judged: Vec<(String, PolicyOutcome)> = paths
        .par_iter()
        .map(|path| {
            let vars = cx.vars.instance(&set.vars, &fe.name, path, cx.view);
            let icx = Cx { vars: &vars, ..*cx };
            judge_policy(p, &icx, None).map(|o| (path.clone(), o))
        })
        .collect::<Result<_, _>>()?;
    let mut findings = Vec::new();
    let mut instances = Vec::new();
    let mut help = None;
    for (path, o) in judged {
        help = help.or(o.help);
        for mut f in o.findings {
            f.message = crate::finding::bounded(format!("{path}: {}", f.message));
            f.instance = Some(path.clone());
            findings.push(f);
        }
        instances.push(Instance {
            path,
            status: o.status,
            reason: o.reason,
        });
    }
    let too_few = instances.len() < fe.min;
    if too_few {
        let globs: Vec<&str> = fe.globs.include.iter().map(|t| t.raw.as_str()).collect();
        let what = if fe.dirs { "directories" } else { "files" };
        let message = format!(
            "for_each: {} {what} match '{}' (at least {} required): check the glob, or set 'min: 0'",
            instances.len(),
            globs.join("', '"),
            fe.min
        );
        findings.extend(
            outcome(
                p,
                cx,
                Status::Fail,
                None,
                vec![Hit::new(message, Subject::Repository)],
            )
            .findings,
        );
    }
    let any = |s: Status| instances.iter().any(|i| i.status == s);
    let (status, reason) = if too_few || any(Status::Fail) {
        (Status::Fail, None)
    } else if instances.is_empty() {
        (
            Status::Pass,
            Some("no instance (for_each matched nothing; min: 0)".to_string()),
        )
    } else if !any(Status::Pass) {
        let why = instances[0].reason.clone().unwrap_or_default();
        (
            Status::Skip,
            Some(format!(
                "every instance is skipped ({}: {why})",
                instances[0].path
            )),
        )
    } else {
        (Status::Pass, None)
    };
    let help = help.or_else(|| outcome(p, cx, status, None, Vec::new()).help);
    Ok(PolicyOutcome {
        status,
        reason,
        findings,
        help,
        selected: 0,
        unmatched: Vec::new(),
        instances,
    })
}
