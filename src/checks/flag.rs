//! `flag`: a config flag (a `flag:` variable) is off, or on.

use super::KindSpec;
use crate::eval::flags::FlagFacts;
use crate::eval::{At, Check, Cx, Eval, Hit, Subject};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::parse::assign::FlagState;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "flag",
    summary: "A flag variable is off (no config file turns it on) or on.",
    doc: include_str!("flag.md"),
    params: &[
        Param {
            name: "var",
            ty: Ty::Id,
            required: true,
            doc: "The flag variable (declared under `vars:` with `flag:`).",
        },
        Param {
            name: "is",
            ty: Ty::Enum(&["off", "on"]),
            required: true,
            doc: "`off`: no config file turns the flag on; `on`: some config file does.",
        },
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let var_node = f.node("var");
    let var = f.string("var");
    let is = f.choice("is");
    if let (Some(n), Some(v)) = (var_node, &var) {
        f.lx.flag_refs.push((v.clone(), n.span));
    }
    Some(Box::new(Flag {
        var: var?,
        on: is? == "on",
    }))
}

#[derive(Debug)]
struct Flag {
    var: String,
    /// `is: on`.
    on: bool,
}

impl Check for Flag {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        // The flag variable's facts: its files are the variable's reach.
        Some(Vec::new())
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let facts = cx.vars.flag(&self.var)?;
        if let Some(rec) = cx.selection {
            for i in &facts.scanned {
                rec.entry(*i as usize);
            }
        }
        if self.on {
            return Ok(if facts.is_on() {
                Vec::new()
            } else {
                vec![Hit::new(
                    off_message(facts),
                    Subject::files(facts.assignments.iter().map(|a| a.path.clone()).collect()),
                )]
            });
        }
        let mut hits = on_hits(facts);
        // A submodule that is not checked out: a warning naming it and how to fetch it.
        for (path, why) in &facts.unscanned {
            let mut h = Hit::at(
                format!("{why}; {} may be set there", facts.def.name),
                At::file(path),
            );
            h.severity = Some(crate::finding::Severity::Warning);
            hits.push(h);
        }
        Ok(hits)
    }
}

/// Why the flag is not on, for `is: on` (and a `when:` that skips).
fn off_message(facts: &FlagFacts) -> String {
    let name = &facts.def.name;
    match facts.assignments.len() {
        0 => format!("{name} is off: no config file assigns it"),
        1 => format!("{name} is off: its one assignment is off"),
        n => format!("{name} is off: all {n} assignments are off"),
    }
}

/// One hit per assignment that is on or unknown and per config file that does not parse.
pub(super) fn on_hits(facts: &FlagFacts) -> Vec<Hit> {
    let name = &facts.def.name;
    let mut hits = Vec::new();
    for a in &facts.assignments {
        let at = At::line(&a.path, a.line, a.column);
        hits.push(match a.state {
            FlagState::Off => continue,
            FlagState::On => Hit::at(format!("{name} is on here ('{}')", a.value), at),
            FlagState::Unknown if a.reason.is_some() => Hit::at(
                format!(
                    "{}; {name} counts as on (fail closed)",
                    a.reason.as_deref().unwrap_or_default()
                ),
                at,
            )
            .cannot_judge(),
            FlagState::Unknown => Hit::at(
                format!(
                    "{name} cannot be proven off ('{}' is not one of {}) so it counts as on",
                    a.value,
                    facts.off_words()
                ),
                at,
            )
            .cannot_judge(),
        });
    }
    for f in &facts.failures {
        let at = match (f.line, f.column) {
            (Some(l), Some(c)) => At::line(&f.path, l, c),
            _ => At::file(&f.path),
        };
        let why = if f.parse {
            format!("cannot parse {}: {}", f.path, f.message)
        } else {
            f.message.clone()
        };
        hits.push(Hit::at(format!("{why}; {name} counts as on (fail closed)"), at).cannot_judge());
    }
    hits
}

#[cfg(test)]
mod tests {
    use crate::eval::Cx;
    use crate::eval::vars::Vars;
    use crate::policy::{Inputs, load};
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::brief;

    const POLICY: &str = "version: 1\nvars:\n  f:\n    flag: {name: FLAG, files: ['**/*.env', '**/*.yaml'], exclude: 'docs/**'}\n  mode: {from: f, map: {'on': real, 'off': sandbox}}\npolicies:\n  - id: OFF\n    title: t\n    check: {flag: {var: f, is: 'off'}}\n  - id: ON\n    title: t\n    check: {flag: {var: f, is: 'on'}}\n";

    fn eval(view: &MemoryView) -> (Vec<Vec<crate::eval::Hit>>, Option<String>) {
        let set = load(&Inputs {
            files: vec![("t.yaml".into(), POLICY.into())],
            ..Inputs::default()
        })
        .unwrap();
        let now = jiff::Timestamp::UNIX_EPOCH;
        let vars = Vars::resolve(&set.vars, &[], view, now, &Default::default());
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
        let hits = set
            .policies
            .iter()
            .map(|p| crate::engine::eval(&p.check, &cx).unwrap())
            .collect();
        (hits, vars.get("mode").map(str::to_string))
    }

    #[test]
    fn off_on_unknown_and_broken() {
        let off = MemoryView::new(SourceKind::Rev)
            .file("a.env", "FLAG=0\n")
            .file("docs/x.env", "FLAG=1\n");
        let (hits, mode) = eval(&off);
        assert!(hits[0].is_empty());
        assert_eq!(hits[1][0].message, "FLAG is off: its one assignment is off");
        assert_eq!(mode.as_deref(), Some("sandbox"));

        let on = MemoryView::new(SourceKind::Rev)
            .file("a.env", "FLAG=0\nFLAG=yes\n")
            .file("b.yaml", "x:\n  FLAG: ${REAL}\n")
            .file("c.yaml", "FLAG: [\n");
        let (hits, mode) = eval(&on);
        assert_eq!(
            brief(&hits[0]),
            [
                ("a.env".into(), Some(2)),
                ("b.yaml".into(), Some(2)),
                ("c.yaml".into(), Some(1))
            ]
        );
        assert_eq!(hits[0][0].message, "FLAG is on here ('yes')");
        assert_eq!(
            hits[0][1].message,
            "FLAG cannot be proven off ('${REAL}' is not one of 0, false, no, off, '') so it counts as on"
        );
        assert!(hits[0][2].message.starts_with("cannot parse c.yaml: "));
        assert!(hits[1].is_empty());
        assert_eq!(mode.as_deref(), Some("real"));
    }

    #[test]
    fn references_must_name_flag_variables() {
        let yaml = "version: 1\nvars:\n  r: x\n  m: {from: nope, map: {a: b}}\npolicies:\n  - id: A\n    title: t\n    check: {flag: {var: r, is: 'off'}}\n";
        let errs = load(&Inputs {
            files: vec![("t.yaml".into(), yaml.into())],
            ..Inputs::default()
        })
        .unwrap_err();
        let msgs: Vec<&str> = errs.0.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "unknown variable '{nope}'",
                "variable 'r' is not a flag variable"
            ]
        );
    }
}
