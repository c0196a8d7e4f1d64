//! `changes`: a change that alters a flag (or touches some files) must also modify
//! other files. Needs `--base`; without one the policy is `skip`.

use super::KindSpec;
use crate::eval::flags::FlagFacts;
use crate::eval::render::Pat;
use crate::eval::{At, Check, Cx, Eval, EvalError, Hit};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::GlobSet;
use crate::repo::{ChangeStatus, Diff};

pub(super) static SPEC: KindSpec = KindSpec {
    name: "changes",
    summary: "If the change (against --base) alters a flag or touches some files, it also modifies every `must_modify` path.",
    doc: include_str!("changes.md"),
    params: &[
        Param {
            name: "flag",
            ty: Ty::Id,
            required: false,
            doc: "Trigger: a flag variable whose assignments the change alters.",
        },
        Param {
            name: "touches",
            ty: Ty::Globs,
            required: false,
            doc: "Trigger: paths or globs of files the change adds, modifies or deletes.",
        },
        Param {
            name: "exclude",
            ty: Ty::Globs,
            required: false,
            doc: "With `touches`: globs of files that do not fire the trigger.",
        },
        Param {
            name: "must_modify",
            ty: Ty::Globs,
            required: true,
            doc: "Paths or globs the change must add or modify (a glob: at least one matching file) when the trigger fires.",
        },
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let flag_node = f.node("flag");
    let flag = f.string("flag");
    let touches = f.globs("touches");
    let exclude = f.globs("exclude");
    let must = f.globs("must_modify");
    let span = f.span();
    if let (Some(n), Some(v)) = (flag_node, &flag) {
        f.lx.flag_refs.push((v.clone(), n.span));
    }
    let trigger = match (flag, touches) {
        (Some(var), None) => Trigger::Flag(var),
        (None, Some(include)) => Trigger::Touches(GlobSet {
            ignore_case: false,
            include,
            exclude: exclude.unwrap_or_default(),
        }),
        _ => {
            f.lx.error(
                crate::lang::error::Code::BadValue,
                span,
                "check 'changes' needs exactly one of 'flag' or 'touches'",
            );
            return None;
        }
    };
    Some(Box::new(Changes {
        trigger,
        must_modify: GlobSet {
            ignore_case: false,
            include: must?,
            exclude: Vec::new(),
        },
    }))
}

#[derive(Debug)]
enum Trigger {
    Flag(String),
    Touches(GlobSet),
}

#[derive(Debug)]
struct Changes {
    trigger: Trigger,
    must_modify: GlobSet,
}

impl Check for Changes {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        // A flag trigger's files are the flag variable's reach.
        let mut out = crate::eval::reach::Reached::globs(&self.must_modify);
        if let Trigger::Touches(g) = &self.trigger {
            out.extend(crate::eval::reach::Reached::globs(g));
        }
        Some(out)
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let Some(diff) = cx.diff else {
            return Err(EvalError::NeedsBase(
                "this policy compares the change with a base revision".into(),
            ));
        };
        let Some((what, at)) = self.fired(cx, diff)? else {
            cx.record_unmatched(match &self.trigger {
                Trigger::Touches(_) => "the change touches none of its trigger paths".into(),
                Trigger::Flag(var) => format!("the change does not alter the flag '{var}'"),
            });
            return Ok(Vec::new());
        };
        let must = self.must_modify.render(cx)?;
        let mut hits = Vec::new();
        for pat in &must.include {
            if modified(diff, pat) {
                continue;
            }
            hits.push(Hit::at(
                format!("{what} but does not modify {}", pat.text),
                at.clone(),
            ));
        }
        Ok(hits)
    }
}

impl Changes {
    /// What fired the trigger (for messages) and where, or `None`.
    fn fired(&self, cx: &Cx, diff: &Diff) -> Result<Option<(String, At)>, EvalError> {
        match &self.trigger {
            Trigger::Touches(globs) => {
                let set = globs.render(cx)?;
                Ok(diff.changes.iter().find(|c| set.selects(&c.path)).map(|c| {
                    let verb = match c.status {
                        ChangeStatus::Added => "adds",
                        ChangeStatus::Modified => "modifies",
                        ChangeStatus::Deleted => "deletes",
                    };
                    (format!("the change {verb} {}", c.path), At::file(&c.path))
                }))
            }
            Trigger::Flag(var) => {
                let now = cx.vars.flag(var)?;
                // The base's files with the same blob as the head's say the same.
                let before =
                    now.def
                        .scan_reusing(diff.base.as_ref(), cx.vars, Some((cx.view, now)))?;
                Ok(flag_change(&before, now))
            }
        }
    }
}

/// How the flag's assignments differ between `before` and `now`, located at the
/// first new or altered assignment (else the file of a removed one).
fn flag_change(before: &FlagFacts, now: &FlagFacts) -> Option<(String, At)> {
    let (old, new) = (before.pairs(), now.pairs());
    if old == new {
        return None;
    }
    let name = &now.def.name;
    if let Some(a) = now
        .assignments
        .iter()
        .find(|a| !old.contains(&(a.path.clone(), a.value.clone())))
    {
        return Some((
            format!(
                "the change sets {name} to '{}' in {} (base: {})",
                a.value,
                a.path,
                summary(&old, &a.path)
            ),
            At::line(&a.path, a.line, a.column),
        ));
    }
    if let Some(f) = now
        .failures
        .iter()
        .find(|f| !old.contains(&(f.path.clone(), "<unreadable>".into())))
    {
        let at = match (f.line, f.column) {
            (Some(l), Some(c)) => At::line(&f.path, l, c),
            _ => At::file(&f.path),
        };
        return Some((
            format!(
                "the change makes {} unreadable, so {name} may be on there",
                f.path
            ),
            at,
        ));
    }
    let gone = old.iter().find(|p| !new.contains(p))?;
    Some((
        format!(
            "the change removes the assignment {name}='{}' from {}",
            gone.1, gone.0
        ),
        At::file(&gone.0),
    ))
}

/// What the base assigned in `path` (the other files' assignments are beside the point).
fn summary(pairs: &[(String, String)], path: &str) -> String {
    let here: Vec<String> = pairs
        .iter()
        .filter(|(p, _)| p == path)
        .map(|(_, v)| format!("'{v}'"))
        .collect();
    if here.is_empty() {
        "not assigned there".into()
    } else {
        here.join(", ")
    }
}

/// The change adds or modifies the path (a glob: some matching path).
fn modified(diff: &Diff, pat: &Pat) -> bool {
    diff.changes
        .iter()
        .any(|c| c.status != ChangeStatus::Deleted && pat.matches(&c.path))
}

#[cfg(test)]
mod tests {
    use crate::eval::Cx;
    use crate::eval::vars::Vars;
    use crate::policy::{Inputs, load};
    use crate::repo::memory::MemoryView;
    use crate::repo::{Change, ChangeStatus, Diff, SourceKind};
    use crate::testkit::brief;
    use std::sync::Arc;

    const POLICY: &str = "version: 1\nvars:\n  f:\n    flag: {name: FLAG, files: '**/*.env'}\npolicies:\n  - id: F\n    title: t\n    check: {changes: {flag: f, must_modify: [ledger.json, 'notes/*.md']}}\n  - id: T\n    title: t\n    check: {changes: {touches: 'config/**', exclude: 'config/*.md', must_modify: ledger.json}}\n";

    fn eval(base: MemoryView, now: &MemoryView, changed: &[&str]) -> Vec<Vec<crate::eval::Hit>> {
        let set = load(&Inputs {
            files: vec![("t.yaml".into(), POLICY.into())],
            ..Inputs::default()
        })
        .unwrap();
        let ts = jiff::Timestamp::UNIX_EPOCH;
        let vars = Vars::resolve(&set.vars, &[], now, ts, &Default::default());
        let diff = Diff {
            base: Arc::new(base),
            changes: changed
                .iter()
                .map(|p| Change {
                    path: p.to_string(),
                    status: ChangeStatus::Modified,
                })
                .collect(),
        };
        let cx = Cx {
            view: now,
            trusted: now,
            vars: &vars,
            now: ts,
            diff: Some(&diff),
            attachments: &crate::eval::attach::NONE,
            selection: None,
            scan: None,
        };
        set.policies
            .iter()
            .map(|p| crate::engine::eval(&p.check, &cx).unwrap())
            .collect()
    }

    #[test]
    fn flag_and_file_triggers() {
        let base = || MemoryView::new(SourceKind::Rev).file("config/a.env", "X=1\nFLAG=0\n");
        let same = MemoryView::new(SourceKind::Rev).file("config/a.env", "X=2\nFLAG=0\n");
        let hits = eval(base(), &same, &["config/a.env"]);
        assert!(hits[0].is_empty());
        assert_eq!(brief(&hits[1]), [("config/a.env".into(), None)]);

        let on = MemoryView::new(SourceKind::Rev).file("config/a.env", "X=1\nFLAG=1\n");
        let hits = eval(base(), &on, &["config/a.env", "notes/r.md"]);
        assert_eq!(brief(&hits[0]), [("config/a.env".into(), Some(2))]);
        assert_eq!(
            hits[0][0].message,
            "the change sets FLAG to '1' in config/a.env (base: '0') but does not modify ledger.json"
        );
        let hits = eval(base(), &on, &["config/a.env", "ledger.json", "notes/r.md"]);
        assert!(hits.iter().all(Vec::is_empty));

        let removed = MemoryView::new(SourceKind::Rev).file("config/a.env", "X=1\n");
        let hits = eval(base(), &removed, &["config/a.env", "config/b.md"]);
        assert_eq!(
            hits[0][0].message,
            "the change removes the assignment FLAG='0' from config/a.env but does not modify ledger.json"
        );
        assert_eq!(hits[0].len(), 2);
        // Only excluded files touched: the file trigger does not fire.
        assert!(eval(base(), &same, &["config/b.md"])[1].is_empty());
    }
}
