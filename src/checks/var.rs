//! `var`: a condition on a variable's value, so `when:` can depend on the branch,
//! a version read from a file, or any other variable.

use super::KindSpec;
use crate::eval::{Check, Cx, Eval, Hit, Subject};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::RegexT;
use crate::lang::template::{Template, no_escape};

pub(super) static SPEC: KindSpec = KindSpec {
    name: "var",
    summary: "A variable's value matches a regex or equals a text.",
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
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let name_node = f.node("name");
    let name = f.string("name");
    let matches = f.regex("matches");
    let equals = f.text("equals");
    let span = f.span();
    if let (Some(n), Some(node)) = (&name, name_node) {
        f.lx.var_refs.push((n.clone(), node.span));
    }
    let test = match (matches, equals) {
        (Some(r), None) => Test::Matches(r),
        (None, Some(t)) => Test::Equals(t),
        _ => {
            f.lx.error(
                Code::BadValue,
                span,
                "'var' needs exactly one of 'matches' or 'equals'".to_string(),
            )
            .help = Some("var: {name: branch, matches: '^release/'}".into());
            return None;
        }
    };
    Some(Box::new(Var { name: name?, test }))
}

#[derive(Debug)]
enum Test {
    Matches(RegexT),
    Equals(Template),
}

#[derive(Debug)]
struct Var {
    name: String,
    test: Test,
}

impl Check for Var {
    fn eval(&self, cx: &Cx) -> Eval {
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
        };
        // About the run's inputs (a branch, a `--var`), judged against the repository.
        Ok(hit
            .map(|m| Hit::new(m, Subject::Repository))
            .into_iter()
            .collect())
    }

    fn held(&self, cx: &Cx) -> Option<Hit> {
        let value = cx.vars.get(&self.name)?;
        let test = match &self.test {
            Test::Matches(r) => format!(", which matches '{}'", r.get(cx).ok()?.as_str()),
            Test::Equals(_) => String::new(),
        };
        // A value read from a file is placed at its line there; a branch or a `--var`
        // is about the run's inputs.
        let (subject, from) = match cx.vars.origin(&self.name) {
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
