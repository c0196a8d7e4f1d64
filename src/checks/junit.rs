//! `junit`: a JUnit XML report holds a test suite that ran and passed.

use super::KindSpec;
use crate::eval::attach::Source;
use crate::eval::{At, Check, Cx, Eval, Hit};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::template::{Template, no_escape};
use crate::parse::junit::{Case, Counts, Declared, Report, Suite, bounded, parse_junit_bytes};

pub(super) static SPEC: KindSpec = KindSpec {
    name: "junit",
    summary: "A JUnit XML report has the named test suite, with enough tests, no failures or errors, and tests that were not skipped.",
    doc: include_str!("junit.md"),
    params: &[
        Param {
            name: "file",
            ty: Ty::Path,
            required: false,
            doc: "The JUnit XML report in the repository (or give `attachment`).",
        },
        crate::eval::attach::PARAM,
        Param {
            name: "suite",
            ty: Ty::Text,
            required: false,
            doc: "The `name` of the `<testsuite>` to judge, at any depth (default: the whole report).",
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
    let file = Source::read(f, "file", true);
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
    file: Source,
    suite: Option<Template>,
    min_tests: u64,
    max_failures: u64,
    max_errors: u64,
    min_executed: u64,
}

/// Test cases named in one finding; the rest are counted.
const NAMED_MAX: usize = 5;

impl Check for Junit {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        self.file.reach()
    }

    fn named(&self, cx: &Cx) -> Vec<String> {
        self.file.named(cx)
    }

    fn named_templates(&self) -> Vec<&crate::lang::template::Template> {
        self.file.named_template()
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let path = self.file.label(cx)?;
        let content = match self.file.load(cx, &path) {
            Ok(c) => c,
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let report = match parse_junit_bytes(content.bytes()) {
            Ok(r) => r,
            Err(e) => {
                return Ok(vec![Hit::at(
                    format!("{path}: {}", e.message),
                    At::line(&path, e.line, e.column),
                )]);
            }
        };
        let wanted = match &self.suite {
            Some(t) => Some(cx.vars.render(t, no_escape)?),
            None => None,
        };
        let chosen: Vec<&Suite> = match &wanted {
            Some(w) => report
                .suites
                .iter()
                .filter(|s| !s.aggregate && &s.name == w)
                .collect(),
            None => report.root().into_iter().collect(),
        };
        if chosen.is_empty() {
            return Ok(vec![Hit::at(
                no_suite(&path, &report, wanted.as_deref().unwrap_or_default()),
                At::file(&path),
            )]);
        }
        let mut hits = Vec::new();
        for s in chosen {
            hits.extend(
                self.judge(&report, s)
                    .into_iter()
                    .map(|m| Hit::at(m, At::line(&path, s.line, s.column))),
            );
        }
        Ok(hits)
    }
}

impl Junit {
    /// The findings on one suite, judged by the worse of its attributes and
    /// its contents.
    fn judge(&self, report: &Report, s: &Suite) -> Vec<String> {
        let label = if s.aggregate {
            "the report (<testsuites>)".to_owned()
        } else {
            format!("testsuite '{}'", s.name)
        };
        let cases = report.cases.get(s.cases.clone()).unwrap_or_default();
        let mut out = Vec::new();
        let j = s.judged;
        if j.tests < self.min_tests {
            out.push(format!(
                "{label} has {}, fewer than {}{}",
                words(j.tests, "test", "tests"),
                self.min_tests,
                disagreement(s, "tests", |c| c.tests, |d| d.tests)
            ));
        }
        if j.failures > self.max_failures {
            out.push(format!(
                "{label} has {} (at most {} allowed){}{}",
                words(j.failures, "failure", "failures"),
                self.max_failures,
                disagreement(s, "failures", |c| c.failures, |d| d.failures),
                named(cases, |c| c.failure.as_deref())
            ));
        }
        if j.errors > self.max_errors {
            out.push(format!(
                "{label} has {} (at most {} allowed){}{}",
                words(j.errors, "error", "errors"),
                self.max_errors,
                disagreement(s, "errors", |c| c.errors, |d| d.errors),
                named(cases, |c| c.error.as_deref())
            ));
        }
        let executed = j.tests.saturating_sub(j.skipped);
        if j.tests > 0 && executed < self.min_executed {
            out.push(format!(
                "{label} ran {executed} of its {} ({} skipped), fewer than {}{}",
                words(j.tests, "test", "tests"),
                j.skipped,
                self.min_executed,
                disagreement(s, "skipped", |c| c.skipped, |d| d.skipped)
            ));
        }
        out
    }
}

/// `n` and the word for it, singular when one (`1 failure`, `2 failures`).
fn words(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `; it says failures="0" but 2 of its test cases failed`, when the
/// suite's attribute and its contents disagree; empty when they agree.
fn disagreement(
    s: &Suite,
    key: &str,
    count: fn(&Counts) -> u64,
    declared: fn(&Declared) -> Option<u64>,
) -> String {
    let Some(said) = declared(&s.declared) else {
        return String::new();
    };
    let shown = count(&s.contents);
    if said == shown {
        return String::new();
    }
    let only_cases = count(&s.counted) == shown;
    let what = match (key, only_cases) {
        ("tests", true) => format!("it lists {}", words(shown, "test case", "test cases")),
        ("failures", true) => format!("{shown} of its test cases failed"),
        ("errors", true) => format!("{shown} of its test cases errored"),
        ("skipped", true) => format!("{shown} of its test cases were skipped"),
        (_, _) => format!("its test cases and nested suites count {shown}"),
    };
    format!("; it says {key}=\"{said}\" but {what}, so it is judged by the worse")
}

/// `: a.b::c (line 5: message); ...` for the cases `outcome` picks.
fn named(cases: &[Case], outcome: fn(&Case) -> Option<&str>) -> String {
    let picked: Vec<(&Case, &str)> = cases
        .iter()
        .filter_map(|c| outcome(c).map(|m| (c, m)))
        .collect();
    if picked.is_empty() {
        return String::new();
    }
    let mut parts: Vec<String> = picked
        .iter()
        .take(NAMED_MAX)
        .map(|(c, m)| {
            let name = if c.classname.is_empty() {
                c.name.clone()
            } else {
                format!("{}::{}", c.classname, c.name)
            };
            if m.is_empty() {
                format!("{name} (line {})", c.line)
            } else {
                format!("{name} (line {}: {m})", c.line)
            }
        })
        .collect();
    if picked.len() > NAMED_MAX {
        parts.push(format!("and {} more", picked.len() - NAMED_MAX));
    }
    format!(": {}", parts.join("; "))
}

/// No `<testsuite>` has the wanted name: say which ones there are.
fn no_suite(path: &str, report: &Report, wanted: &str) -> String {
    let names: Vec<String> = report
        .suites
        .iter()
        .filter(|s| !s.aggregate)
        .map(|s| format!("'{}'", s.name))
        .collect();
    let found = match names.len() {
        0 => "it has no testsuite".to_owned(),
        n if n > 10 => format!("found {} and {} more", names[..10].join(", "), n - 10),
        _ => format!("found {}", names.join(", ")),
    };
    format!(
        "{path} has no testsuite named '{}' ({found})",
        bounded(wanted, 120)
    )
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    const CHECK: &str = "junit: {file: r.xml, suite: s}";

    fn run(check: &str, xml: &str) -> Vec<(String, Option<usize>)> {
        let view = MemoryView::new(SourceKind::Rev).file("r.xml", xml);
        let hits = eval_yaml(check, &view, &[]);
        brief(&hits)
            .into_iter()
            .zip(&hits)
            .map(|((_, line), h)| (h.message.clone(), line))
            .collect()
    }

    fn hits(xml: &str) -> Vec<(String, Option<usize>)> {
        run(CHECK, xml)
    }

    const OK: &str = "<testcase name=\"a\"/>";

    #[test]
    fn passing_suites() {
        let two = format!(
            "<testsuite name=\"s\" tests=\"2\" skipped=\"1\">{OK}<testcase name=\"b\"><skipped/></testcase></testsuite>"
        );
        assert_eq!(hits(&two), []);
        let nested = format!(
            "<testsuites>\n<testsuite name=\"s\">\n<testsuite name=\"t\">{OK}</testsuite></testsuite></testsuites>"
        );
        assert_eq!(hits(&nested), []);
        assert_eq!(run("junit: {file: r.xml}", &nested), []);
    }

    #[test]
    fn failures_are_named() {
        let xml = "<testsuites>\n<testsuite name=\"s\" tests=\"3\" failures=\"1\" errors=\"1\">\n<testcase classname=\"pkg.mod\" name=\"t1\"><failure message=\"assert 1 == 2\">trace</failure></testcase>\n<testcase name=\"t2\"><error>Traceback\nboom</error></testcase>\n<testcase name=\"t3\"/>\n</testsuite>\n</testsuites>";
        assert_eq!(
            hits(xml),
            [
                (
                    "testsuite 's' has 1 failure (at most 0 allowed): pkg.mod::t1 (line 3: assert 1 == 2)".into(),
                    Some(2)
                ),
                (
                    "testsuite 's' has 1 error (at most 0 allowed): t2 (line 4: Traceback)".into(),
                    Some(2)
                ),
            ]
        );
    }

    #[test]
    fn a_nested_failure_fails_the_parent_that_says_zero() {
        let xml = "<testsuite name=\"s\" tests=\"2\" failures=\"0\">\n  <testcase name=\"a\"/>\n  <testsuite name=\"inner\">\n    <testcase classname=\"c\" name=\"deep\"><failure message=\"no\"/></testcase>\n  </testsuite>\n</testsuite>";
        assert_eq!(
            hits(xml),
            [(
                "testsuite 's' has 1 failure (at most 0 allowed); it says failures=\"0\" but 1 of its test cases failed, so it is judged by the worse: c::deep (line 4: no)".into(),
                Some(1)
            )]
        );
        // Without `suite`, the whole report is judged.
        assert_eq!(
            run("junit: {file: r.xml}", xml)[0].0,
            "testsuite 's' has 1 failure (at most 0 allowed); it says failures=\"0\" but 1 of its test cases failed, so it is judged by the worse: c::deep (line 4: no)"
        );
    }

    #[test]
    fn attributes_worse_than_the_cases() {
        assert_eq!(
            hits(&format!("<testsuite name=\"s\" tests=\"1\" failures=\"2\">{OK}</testsuite>")),
            [(
                "testsuite 's' has 2 failures (at most 0 allowed); it says failures=\"2\" but 0 of its test cases failed, so it is judged by the worse".into(),
                Some(1)
            )]
        );
        assert_eq!(
            hits("<testsuite name=\"s\" tests=\"9\"/>"),
            [(
                "testsuite 's' has 0 tests, fewer than 1; it says tests=\"9\" but it lists 0 test cases, so it is judged by the worse".into(),
                Some(1)
            )]
        );
        assert_eq!(
            hits("<testsuite name=\"s\" tests=\"2\" skipped=\"2\"><testcase/><testcase><skipped/></testcase></testsuite>"),
            [(
                "testsuite 's' ran 0 of its 2 tests (2 skipped), fewer than 1; it says skipped=\"2\" but 1 of its test cases were skipped, so it is judged by the worse".into(),
                Some(1)
            )]
        );
    }

    #[test]
    fn many_failures_are_counted_not_all_named() {
        let cases: String = (1..=8)
            .map(|i| format!("<testcase name=\"t{i}\"><failure/></testcase>\n"))
            .collect();
        let found = hits(&format!("<testsuite name=\"s\">\n{cases}</testsuite>"));
        assert_eq!(
            found[0].0,
            "testsuite 's' has 8 failures (at most 0 allowed): t1 (line 2); t2 (line 3); t3 (line 4); t4 (line 5); t5 (line 6); and 3 more"
        );
    }

    #[test]
    fn unreadable_or_missing() {
        assert_eq!(
            hits("<testsuite name=\"s\" tests=\"1\">&nbsp;</testsuite>"),
            [(
                "r.xml: not well-formed XML: the entity &nbsp; is not defined (XML defines only &amp; &lt; &gt; &quot; &apos;)".into(),
                Some(1)
            )]
        );
        assert_eq!(
            hits("<html/>"),
            [(
                "r.xml: not a JUnit XML report: the root element is <html>, not <testsuite> or <testsuites>".into(),
                Some(1)
            )]
        );
        assert_eq!(
            hits("<testsuite name=\"t\" tests=\"1\"/>"),
            [("r.xml has no testsuite named 's' (found 't')".into(), None)]
        );
        let none = MemoryView::new(SourceKind::Rev);
        assert_eq!(
            eval_yaml(CHECK, &none, &[])[0].message,
            "r.xml does not exist"
        );
    }
}
