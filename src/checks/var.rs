//! `var`: a condition on a variable's value, so `when:` can depend on the branch,
//! a version read from a file, or any other variable.

mod compare;

use super::KindSpec;
use crate::eval::vars::ValueOrigin;
use crate::eval::{Check, Cx, Eval, EvalError, Hit, Subject};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::RegexT;
use crate::lang::template::{Template, no_escape};
use compare::{COMPARE_WORDS, Compare, Side};
use std::cmp::Ordering;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "var",
    summary: "A variable's value matches a regex, equals a text, or compares with a value as a version, a date or a number.",
    doc: include_str!("var.md"),
    params: &[
        Param {
            name: "name",
            ty: Ty::Id,
            required: true,
            doc: "The variable (declared under `vars:`, passed with `--var`, or built in: `branch`, `base_branch`, `today`, `now`).",
        },
        Param {
            name: "matches",
            ty: Ty::Regex,
            required: false,
            doc: "A regex the value must match; may reference other variables.",
        },
        Param {
            name: "equals",
            ty: Ty::Text,
            required: false,
            doc: "The exact value; may reference other variables.",
        },
        Param {
            name: "greater_than",
            ty: Ty::Text,
            required: false,
            doc: "The value must be greater than this, under `compare`; may reference other variables.",
        },
        Param {
            name: "at_least",
            ty: Ty::Text,
            required: false,
            doc: "The value must be greater than or equal to this, under `compare`.",
        },
        Param {
            name: "less_than",
            ty: Ty::Text,
            required: false,
            doc: "The value must be less than this, under `compare`.",
        },
        Param {
            name: "at_most",
            ty: Ty::Text,
            required: false,
            doc: "The value must be less than or equal to this, under `compare`.",
        },
        Param {
            name: "compare",
            ty: Ty::Enum(COMPARE_WORDS),
            required: false,
            doc: "How `greater_than`, `at_least`, `less_than` and `at_most` order values: `semver` (semver.org 2.0 precedence: pre-releases below their release, build metadata ignored), `date` (`YYYY-MM-DD` or RFC 3339) or `number`. Required with them.",
        },
        Param {
            name: "when_unknown",
            ty: Ty::Enum(&["fail", "skip"]),
            required: false,
            doc: "`skip`: when the variable (or one the condition references) has no value, the policy is `skip` with the reason, instead of failing as could-not-judge (`fail`, the default).",
        },
    ],
    shorthand: None,
    build,
};

/// The ordered comparisons, in the order they are read and reported.
const BOUNDS: [(&str, &[Ordering], &str); 4] = [
    ("greater_than", &[Ordering::Greater], "greater than"),
    (
        "at_least",
        &[Ordering::Greater, Ordering::Equal],
        "at least",
    ),
    ("less_than", &[Ordering::Less], "less than"),
    ("at_most", &[Ordering::Less, Ordering::Equal], "at most"),
];

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let name_node = f.node("name");
    let name = f.string("name");
    let matches = f.regex("matches");
    let equals = f.text("equals");
    let mut bounds = Vec::new();
    for (i, (key, _, _)) in BOUNDS.iter().enumerate() {
        if let Some(t) = f.text(key) {
            bounds.push((i, t));
        }
    }
    let compare_node = f.node("compare").map(|n| n.span);
    let compare = f.choice("compare").and_then(|w| Compare::parse(&w));
    let skip_unknown = f.choice("when_unknown").is_some_and(|w| w == "skip");
    let span = f.span();
    if let (Some(n), Some(node)) = (&name, name_node) {
        f.lx.var_refs.push((n.clone(), node.span));
    }
    let test = match (matches, equals, bounds.is_empty()) {
        (Some(r), None, true) => Test::Matches(r),
        (None, Some(t), true) => Test::Equals(t),
        (None, None, false) => match compare {
            Some(c) => Test::Order(c, bounds),
            None => {
                f.lx.error(
                    Code::MissingKey,
                    span,
                    "'var' with 'greater_than', 'at_least', 'less_than' or 'at_most' needs 'compare'",
                )
                .help = Some(
                    "say how to order the values: compare: semver (or date, or number)".into(),
                );
                return None;
            }
        },
        _ => {
            f.lx.error(
                Code::BadValue,
                span,
                "'var' needs exactly one of 'matches' or 'equals', or comparisons ('greater_than', 'at_least', 'less_than', 'at_most') with 'compare'".to_string(),
            )
            .help = Some("var: {name: branch, matches: '^release/'}".into());
            return None;
        }
    };
    if let (Some(at), false) = (compare_node, matches!(test, Test::Order(..))) {
        f.lx.error(
            Code::BadValue,
            at,
            "'compare' orders 'greater_than', 'at_least', 'less_than' and 'at_most'; this 'var' has none",
        );
        return None;
    }
    Some(Box::new(Var {
        name: name?,
        test,
        skip_unknown,
    }))
}

#[derive(Debug)]
enum Test {
    Matches(RegexT),
    Equals(Template),
    /// Comparisons (indexes into [`BOUNDS`]) under one order.
    Order(Compare, Vec<(usize, Template)>),
}

#[derive(Debug)]
struct Var {
    name: String,
    test: Test,
    /// `when_unknown: skip`.
    skip_unknown: bool,
}

impl Check for Var {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        // Variables only: the files they are worked out from are the variables' reach.
        Some(Vec::new())
    }

    fn eval(&self, cx: &Cx) -> Eval {
        match self.judge(cx) {
            Err(EvalError::NoValue { name, reason }) if self.skip_unknown => {
                Err(EvalError::Unknown(format!(
                    "variable '{name}' has no value ({reason}), and the condition says 'when_unknown: skip'"
                )))
            }
            other => other,
        }
    }

    fn held(&self, cx: &Cx) -> Option<Hit> {
        let value = cx.vars.get(&self.name)?;
        let test = match &self.test {
            Test::Matches(r) => format!(", which matches '{}'", r.get(cx).ok()?.as_str()),
            Test::Equals(_) | Test::Order(..) => String::new(),
        };
        // A value read from a file is placed at its line there; a branch or a `--var`
        // is about the run's inputs.
        let (subject, from) = match cx.vars.data_origin(&self.name) {
            Some((file, line)) => (
                Subject::Line {
                    path: file.to_string(),
                    line,
                    column: None,
                },
                format!(" (read from {file}:{line})"),
            ),
            None => (Subject::Repository, String::new()),
        };
        Some(Hit::new(
            format!("variable '{}' is '{value}'{from}{test}", self.name),
            subject,
        ))
    }
}

impl Var {
    fn judge(&self, cx: &Cx) -> Eval {
        let value = cx.vars.value(&self.name)?;
        let hit = match &self.test {
            Test::Matches(r) => {
                let re = r.get(cx)?;
                (!re.is_match(value)).then(|| {
                    format!(
                        "variable '{}' is '{value}', which does not match '{}'",
                        self.name,
                        re.as_str()
                    )
                })
            }
            Test::Equals(t) => {
                let want = cx.vars.render(t, no_escape)?;
                (value != want)
                    .then(|| format!("variable '{}' is '{value}', not '{want}'", self.name))
            }
            Test::Order(compare, bounds) => return self.order(cx, value, *compare, bounds),
        };
        // About the run's inputs (a branch, a `--var`), judged against the repository.
        Ok(hit
            .map(|m| Hit::new(m, Subject::Repository))
            .into_iter()
            .collect())
    }

    fn order(&self, cx: &Cx, value: &str, compare: Compare, bounds: &[(usize, Template)]) -> Eval {
        let mut hits = Vec::new();
        for (i, t) in bounds {
            let (key, wanted, words) = BOUNDS[*i];
            let other = cx.vars.render(t, no_escape)?;
            let ord = match compare.order(value, &other) {
                Ok(o) => o,
                Err((side, why)) => {
                    // Which side, why, and where that value comes from.
                    let (var, shown) = match side {
                        Side::Left => (Some(self.name.as_str()), value),
                        Side::Right => (single_var(t), other.as_str()),
                    };
                    let what = match (side, var) {
                        (Side::Left, _) => format!("variable '{}'", self.name),
                        (Side::Right, Some(v)) => format!("'{key}' (variable '{v}')"),
                        (Side::Right, None) => format!("'{key}'"),
                    };
                    let (subject, from) = place(cx, var);
                    hits.push(
                        Hit::new(
                            format!(
                                "cannot compare as {}: {what} is '{shown}', {why}{from}",
                                compare.name()
                            ),
                            subject,
                        )
                        .cannot_judge(),
                    );
                    continue;
                }
            };
            if !wanted.contains(&ord) {
                let (subject, _) = place(cx, Some(&self.name));
                let subject = match subject {
                    Subject::Policy => Subject::Repository,
                    s => s,
                };
                let against = match single_var(t) {
                    Some(v) => format!("'{other}' ({v})"),
                    None => format!("'{other}'"),
                };
                hits.push(Hit::new(
                    format!(
                        "variable '{}' is '{value}', which is not {words} {against} (compared as {})",
                        self.name,
                        compare.name()
                    ),
                    subject,
                ));
            }
        }
        Ok(hits)
    }
}

/// The variable a template consists of alone (`'{chart_version}'`), if it does.
fn single_var(t: &Template) -> Option<&str> {
    let vars: Vec<&str> = t.vars().collect();
    match vars.as_slice() {
        [v] if t.raw.trim() == format!("{{{v}}}") => Some(v),
        _ => None,
    }
}

/// Where a finding about a variable's value goes: the data file's line it was read from,
/// else the policy (with where the variable is defined or set, in words).
fn place(cx: &Cx, var: Option<&str>) -> (Subject, String) {
    match var.and_then(|v| cx.vars.origin(v).map(|o| (v, o))) {
        Some((_, ValueOrigin::Data { path, line, column })) => (
            Subject::Line {
                path: path.clone(),
                line: *line,
                column: Some(*column),
            },
            String::new(),
        ),
        Some((v, ValueOrigin::Definition { file, line, column })) => (
            Subject::Policy,
            format!(" (variable '{v}' is defined at {file}:{line}:{column})"),
        ),
        Some((v, ValueOrigin::CommandLine)) => {
            (Subject::Policy, format!(" (set with --var {v}=...)"))
        }
        Some((v, ValueOrigin::Builtin)) => (Subject::Policy, format!(" ('{v}' is built in)")),
        Some((v, ValueOrigin::Instance)) => (
            Subject::Policy,
            format!(" ('{v}' is the path of this instance)"),
        ),
        None => (Subject::Policy, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::eval_yaml;

    #[test]
    fn matches_and_equals() {
        let view = MemoryView::new(SourceKind::Worktree);
        let branch = [("branch", "release/1.4")];
        let both = [("branch", "release/1.4"), ("v", "1.4")];
        let holds = |yaml: &str, vars: &[(&str, &str)]| eval_yaml(yaml, &view, vars).is_empty();
        assert!(holds("var: {name: branch, matches: '^release/'}", &branch));
        assert!(holds(
            "var: {name: branch, matches: '^release/{v}$'}",
            &both
        ));
        assert!(holds("var: {name: v, equals: '1.4'}", &both[1..]));
        // The variable is matched literally: '.' is not any character.
        assert!(!holds(
            "var: {name: branch, matches: '^release/{v}$'}",
            &[("branch", "release/1x4"), ("v", "1.4")]
        ));
        let hits = eval_yaml("var: {name: branch, equals: main}", &view, &branch);
        assert_eq!(
            hits[0].message,
            "variable 'branch' is 'release/1.4', not 'main'"
        );
        let hits = eval_yaml("var: {name: branch, matches: '^main$'}", &view, &branch);
        assert_eq!(
            hits[0].message,
            "variable 'branch' is 'release/1.4', which does not match '^main$'"
        );
    }
}
