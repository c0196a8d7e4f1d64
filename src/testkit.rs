//! Helpers for unit tests: evaluate a condition written in YAML against an
//! in-memory view. They load policies and run the engine, so they live at the top.

use crate::eval::vars::Vars;
use crate::eval::{Cx, Hit};

/// Evaluates one condition, written in YAML, against an in-memory view (unit tests).
pub(crate) fn eval_yaml(
    check: &str,
    view: &crate::repo::memory::MemoryView,
    vars: &[(&str, &str)],
) -> Vec<Hit> {
    use crate::policy::{Inputs, load};
    let indented: String = check.lines().map(|l| format!("      {l}\n")).collect();
    let yaml = format!("version: 1\npolicies:\n  - id: T\n    title: t\n    check:\n{indented}");
    let inputs = Inputs {
        files: vec![("t.yaml".into(), yaml)],
        packs: Vec::new(),
        remote: None,
        var_names: vars.iter().map(|(k, _)| k.to_string()).collect(),
    };
    let set = match load(&inputs) {
        Ok(s) => s,
        Err(e) => panic!(
            "{:?}",
            e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>()
        ),
    };
    let overrides: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let now = jiff::Timestamp::UNIX_EPOCH;
    let vars = Vars::resolve(&set.vars, &overrides, view, now, &Default::default());
    let cx = Cx {
        view,
        trusted: view,
        vars: &vars,
        now,
        diff: None,
        attachments: &crate::eval::attach::NONE,
        selection: None,
        scan: None,
    };
    match crate::engine::eval(&set.policies[0].check, &cx) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    }
}

/// `(message, path, line)` of hits, for compact assertions.
pub(crate) fn brief(hits: &[Hit]) -> Vec<(String, Option<usize>)> {
    hits.iter()
        .map(|h| {
            (
                h.subject.path().unwrap_or_default().to_string(),
                h.subject.line(),
            )
        })
        .collect()
}
