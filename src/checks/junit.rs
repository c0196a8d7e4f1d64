//! `junit`: a JUnit XML report holds a test suite that ran and passed.

use super::KindSpec;
use crate::eval::util::{read, text};
use crate::eval::{At, Check, Cx, Eval, Hit};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::template::{Template, no_escape};
use crate::parse::junit::{Suite, parse_junit};

pub(super) static SPEC: KindSpec = KindSpec {
    name: "junit",
    summary: "A JUnit XML report has the named test suite, with enough tests, no failures or errors, and tests that were not skipped.",
    doc: "The file must be well-formed XML whose root is `<testsuite>` or `<testsuites>` \
(pytest `--junitxml`, Surefire, Gradle, Jest). Every `<testsuite>` named `suite` (every suite \
when `suite` is not given; at least one must exist) must have `tests` ≥ `min_tests`, `failures` ≤ \
`max_failures`, `errors` ≤ `max_errors` and `tests - skipped` ≥ `min_executed`. A missing file or \
a file that does not parse is one finding at the parse error; a missing suite is one finding \
naming the suites found; each failed count is one finding at the suite's `<testsuite` tag.\n\n\
```yaml\ncheck:\n  junit:\n    file: 'releases/{release}/evidence/real_gateway.xml'\n    suite: real_gateway\n```",
    params: &[
        Param {
            name: "file",
            ty: Ty::Path,
            required: true,
            doc: "The JUnit XML report.",
        },
        Param {
            name: "suite",
            ty: Ty::Text,
            required: false,
            doc: "The `name` of the `<testsuite>` to judge (default: every suite).",
        },
        Param {
            name: "min_tests",
            ty: Ty::Int,
            required: false,
            doc: "Least number of tests (default 1).",
        },
        Param {
            name: "max_failures",
            ty: Ty::Int,
            required: false,
            doc: "Most failures allowed (default 0).",
        },
        Param {
            name: "max_errors",
            ty: Ty::Int,
            required: false,
            doc: "Most errors allowed (default 0).",
        },
        Param {
            name: "min_executed",
            ty: Ty::Int,
            required: false,
            doc: "Least number of tests not skipped (default 1).",
        },
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let file = f.path("file");
    let suite = f.text("suite");
    let min_tests = count(f, "min_tests", 1);
    let max_failures = count(f, "max_failures", 0);
    let max_errors = count(f, "max_errors", 0);
    let min_executed = count(f, "min_executed", 1);
    Some(Box::new(Junit {
        file: file?,
        suite,
        min_tests: min_tests?,
        max_failures: max_failures?,
        max_errors: max_errors?,
        min_executed: min_executed?,
    }))
}

/// A count parameter: its default when absent; an error when negative.
fn count(f: &mut Fields, name: &'static str, default: u64) -> Option<u64> {
    let node = f.node(name);
    match f.int(name) {
        None if node.is_none() => Some(default),
        None => None,
        Some(i) => match u64::try_from(i) {
            Ok(u) => Some(u),
            Err(_) => {
                if let Some(n) = node {
                    f.lx.error(
                        Code::BadValue,
                        n.span,
                        format!("'{name}' must not be negative"),
                    );
                }
                None
            }
        },
    }
}

#[derive(Debug)]
struct Junit {
    file: Template,
    suite: Option<Template>,
    min_tests: u64,
    max_failures: u64,
    max_errors: u64,
    min_executed: u64,
}

impl Check for Junit {
    fn eval(&self, cx: &Cx) -> Eval {
        let path = cx.vars.render(&self.file, no_escape)?;
        let content = match read(cx, &path) {
            Ok(c) => c,
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let body = match text(&path, &content) {
            Ok(t) => t,
            Err(hit) => return Ok(vec![hit]),
        };
        let suites = match parse_junit(body) {
            Ok(s) => s,
            Err(e) => {
                return Ok(vec![Hit::at(
                    format!("{path} is not a JUnit XML report: {}", e.message),
                    At::line(&path, e.line, e.column),
                )]);
            }
        };
        let wanted = match &self.suite {
            Some(t) => Some(cx.vars.render(t, no_escape)?),
            None => None,
        };
        let chosen: Vec<&Suite> = suites
            .iter()
            .filter(|s| wanted.as_ref().is_none_or(|w| &s.name == w))
            .collect();
        if chosen.is_empty() {
            let found: Vec<String> = suites.iter().map(|s| format!("'{}'", s.name)).collect();
            let found = if found.is_empty() {
                "it has no testsuite".to_string()
            } else {
                format!("found {}", found.join(", "))
            };
            let message = match &wanted {
                Some(w) => format!("{path} has no testsuite named '{w}' ({found})"),
                None => format!("{path} has no testsuite ({found})"),
            };
            return Ok(vec![Hit::at(message, At::file(&path))]);
        }
        let mut hits = Vec::new();
        for s in chosen {
            let at = At::line(&path, s.line, s.column);
            let label = format!("testsuite '{}'", s.name);
            let executed = s.tests.saturating_sub(s.skipped);
            if s.tests < self.min_tests {
                hits.push(Hit::at(
                    format!(
                        "{label} has {} tests, fewer than {}",
                        s.tests, self.min_tests
                    ),
                    at.clone(),
                ));
            }
            if s.failures > self.max_failures {
                hits.push(Hit::at(
                    format!(
                        "{label} has {} failures (at most {} allowed)",
                        s.failures, self.max_failures
                    ),
                    at.clone(),
                ));
            }
            if s.errors > self.max_errors {
                hits.push(Hit::at(
                    format!(
                        "{label} has {} errors (at most {} allowed)",
                        s.errors, self.max_errors
                    ),
                    at.clone(),
                ));
            }
            if s.tests > 0 && executed < self.min_executed {
                hits.push(Hit::at(
                    format!(
                        "{label} ran {executed} of its {} tests ({} skipped), fewer than {}",
                        s.tests, s.skipped, self.min_executed
                    ),
                    at,
                ));
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    const CHECK: &str = "junit: {file: r.xml, suite: s}";

    fn hits(xml: &str) -> Vec<(String, Option<usize>)> {
        let view = MemoryView::new(SourceKind::Rev).file("r.xml", xml);
        brief(&eval_yaml(CHECK, &view, &[]))
    }

    #[test]
    fn counts_and_shapes() {
        assert!(
            hits("<testsuite name=\"s\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\"/>")
                .is_empty()
        );
        assert_eq!(
            hits(
                "<testsuites>\n<testsuite name=\"s\" tests=\"1\" failures=\"1\" errors=\"2\"/>\n</testsuites>"
            ),
            [("r.xml".into(), Some(2)), ("r.xml".into(), Some(2))]
        );
        assert_eq!(
            hits("<testsuite name=\"s\" tests=\"2\" skipped=\"2\"/>"),
            [("r.xml".into(), Some(1))]
        );
        assert_eq!(
            hits("<testsuite name=\"s\" tests=\"0\"/>"),
            [("r.xml".into(), Some(1))]
        );
        assert_eq!(hits("<html/>"), [("r.xml".into(), Some(1))]);
        assert_eq!(
            hits("<testsuite name=\"t\" tests=\"1\"/>"),
            [("r.xml".into(), None)]
        );
        let view =
            MemoryView::new(SourceKind::Rev).file("r.xml", "<testsuite name=\"t\" tests=\"1\"/>");
        assert_eq!(
            eval_yaml(CHECK, &view, &[])[0].message,
            "r.xml has no testsuite named 's' (found 't')"
        );
        let none = MemoryView::new(SourceKind::Rev);
        assert_eq!(
            eval_yaml(CHECK, &none, &[])[0].message,
            "r.xml does not exist"
        );
    }
}
