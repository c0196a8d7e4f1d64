//! JUnit XML test reports (pytest `--junitxml`, Surefire, Gradle, Jest...) as
//! per-suite counts with the suite's position.
//!
//! Why: a release may require evidence that a test suite ran and passed. The
//! report is untrusted input, so anything that is not a well-formed JUnit
//! document is a [`ParseFailure`] with its position; the gate fails closed
//! rather than reading a truncated or foreign file as "no failures".
//!
//! What is read:
//! - The root must be `<testsuite>` or `<testsuites>`; one root only; no text
//!   outside it.
//! - Every `<testsuite>` at any depth is one [`Suite`], in document order
//!   (nested suites are flattened; a parent's own counts are whatever its
//!   attributes say, so summing parents and children may count twice).
//!   `<testsuites>` itself is not a suite: a report without any `<testsuite>`
//!   gives an empty list.
//! - Each count comes from its attribute (`tests`, `failures`, `errors`,
//!   `skipped`, else the older `skips`/`skip`); when the attribute is missing,
//!   from the suite's direct `<testcase>` children (a test case counts once as
//!   failed if it has a `<failure>` child, once as errored with `<error>`, once
//!   as skipped with `<skipped>`). A count that is not a whole number is a
//!   failure. Old pytest wrote `tests` without the skipped tests: a check
//!   should not assume `skipped <= tests`.
//!
//! Safety: quick-xml never expands DTD entities (a DOCTYPE is skipped), only
//! the five predefined entities and character references are decoded in
//! attribute values, and nesting is capped at [`MAX_DEPTH`] elements.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::structured::{Locator, ParseFailure};

/// Deeper element nesting than this is refused.
pub const MAX_DEPTH: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    pub name: String,
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
    pub skipped: u64,
    /// Position of the `<` of the `<testsuite` tag.
    pub line: usize,
    pub column: usize,
}

/// Counts read while the suite is open.
#[derive(Default)]
struct Pending {
    name: String,
    tests: Option<u64>,
    failures: Option<u64>,
    errors: Option<u64>,
    skipped: Option<u64>,
    cases: u64,
    failed: u64,
    errored: u64,
    skipped_cases: u64,
    line: usize,
    column: usize,
}

impl Pending {
    fn finish(self) -> Suite {
        Suite {
            name: self.name,
            tests: self.tests.unwrap_or(self.cases),
            failures: self.failures.unwrap_or(self.failed),
            errors: self.errors.unwrap_or(self.errored),
            skipped: self.skipped.unwrap_or(self.skipped_cases),
            line: self.line,
            column: self.column,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Outcome {
    failure: bool,
    error: bool,
    skipped: bool,
}

enum Frame {
    /// A `<testsuite>`: index into the suites list.
    Suite(usize),
    /// A `<testcase>` directly inside the suite `suite`.
    Case {
        suite: usize,
        outcome: Outcome,
    },
    Other,
}

struct Open {
    frame: Frame,
    name: String,
    offset: usize,
}

pub fn parse_junit(text: &str) -> Result<Vec<Suite>, ParseFailure> {
    let locator = Locator::new(text);
    let fail = |offset: usize, message: String| {
        let (line, column) = locator.locate(offset);
        ParseFailure {
            message,
            line,
            column,
        }
    };
    let mut reader = Reader::from_str(text);
    let mut suites: Vec<Pending> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root_seen = false;

    loop {
        let mut start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        if start == 0 && text.starts_with('\u{feff}') {
            // quick-xml skips a byte order mark as part of the first event.
            start = '\u{feff}'.len_utf8();
        }
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                return Err(fail(at, format!("malformed XML: {e}")));
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = local_name(e);
                if stack.is_empty() {
                    if root_seen {
                        return Err(fail(start, format!("second root element <{name}>")));
                    }
                    root_seen = true;
                    if name != "testsuite" && name != "testsuites" {
                        return Err(fail(
                            start,
                            format!("root element is <{name}>, not <testsuite> or <testsuites>"),
                        ));
                    }
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(fail(
                        start,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                let frame = match (name.as_str(), stack.last().map(|o| &o.frame)) {
                    ("testsuite", _) => {
                        let (line, column) = locator.locate(start);
                        let pending = read_suite(e, line, column).map_err(|m| fail(start, m))?;
                        suites.push(pending);
                        Frame::Suite(suites.len() - 1)
                    }
                    ("testcase", Some(Frame::Suite(suite))) => {
                        if let Some(s) = suites.get_mut(*suite) {
                            s.cases += 1;
                        }
                        Frame::Case {
                            suite: *suite,
                            outcome: Outcome::default(),
                        }
                    }
                    (child, Some(Frame::Case { outcome, .. })) => {
                        let mut outcome = *outcome;
                        match child {
                            "failure" => outcome.failure = true,
                            "error" => outcome.error = true,
                            "skipped" => outcome.skipped = true,
                            _ => {}
                        }
                        if let Some(Open {
                            frame: Frame::Case { outcome: o, .. },
                            ..
                        }) = stack.last_mut()
                        {
                            *o = outcome;
                        }
                        Frame::Other
                    }
                    _ => Frame::Other,
                };
                let open = Open {
                    frame,
                    name,
                    offset: start,
                };
                if empty {
                    close(open, &mut suites);
                } else {
                    stack.push(open);
                }
            }
            Event::End(_) => {
                // quick-xml has checked that the end tag matches the open one.
                if let Some(open) = stack.pop() {
                    close(open, &mut suites);
                }
            }
            Event::Text(ref t) => {
                if stack.is_empty() && !t.trim().is_empty() {
                    return Err(fail(start, text_outside(root_seen)));
                }
            }
            Event::CData(_) | Event::GeneralRef(_) => {
                if stack.is_empty() {
                    return Err(fail(start, text_outside(root_seen)));
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            Event::Eof => {
                if let Some(open) = stack.last() {
                    let (line, column) = locator.locate(open.offset);
                    return Err(fail(
                        text.len(),
                        format!(
                            "unexpected end of input: <{}> opened at {line}:{column} is not closed",
                            open.name
                        ),
                    ));
                }
                if !root_seen {
                    return Err(fail(
                        text.len(),
                        "no root element: not a JUnit XML report".to_owned(),
                    ));
                }
                return Ok(suites.into_iter().map(Pending::finish).collect());
            }
        }
    }
}

fn text_outside(root_seen: bool) -> String {
    if root_seen {
        "text after the root element".to_owned()
    } else {
        "text before the root element: not a JUnit XML report".to_owned()
    }
}

fn local_name(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_owned()
}

fn close(open: Open, suites: &mut [Pending]) {
    if let Frame::Case { suite, outcome } = open.frame
        && let Some(s) = suites.get_mut(suite)
    {
        s.failed += u64::from(outcome.failure);
        s.errored += u64::from(outcome.error);
        s.skipped_cases += u64::from(outcome.skipped);
    }
}

fn read_suite(e: &BytesStart<'_>, line: usize, column: usize) -> Result<Pending, String> {
    let mut p = Pending {
        line,
        column,
        ..Pending::default()
    };
    let mut skips = None;
    let mut skip = None;
    for attr in e.attributes() {
        let attr = attr.map_err(|err| format!("malformed attribute in <testsuite>: {err}"))?;
        let key = attr.key.local_name().as_ref().to_owned();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| format!("attribute {key} of <testsuite>: {err}"))?;
        let count = |value: &str| {
            value.trim().parse::<u64>().map_err(|_| {
                format!("attribute {key}={value:?} of <testsuite> is not a whole number")
            })
        };
        match key.as_str() {
            "name" => p.name = value.into_owned(),
            "tests" => p.tests = Some(count(&value)?),
            "failures" => p.failures = Some(count(&value)?),
            "errors" => p.errors = Some(count(&value)?),
            "skipped" => p.skipped = Some(count(&value)?),
            "skips" => skips = Some(count(&value)?),
            "skip" => skip = Some(count(&value)?),
            _ => {}
        }
    }
    p.skipped = p.skipped.or(skips).or(skip);
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(name: &str, counts: [u64; 4], line: usize, column: usize) -> Suite {
        Suite {
            name: name.to_owned(),
            tests: counts[0],
            failures: counts[1],
            errors: counts[2],
            skipped: counts[3],
            line,
            column,
        }
    }

    fn err(text: &str) -> ParseFailure {
        parse_junit(text).unwrap_err()
    }

    #[test]
    fn pytest_report() {
        let text = r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="real_gateway" errors="0" failures="0" skipped="0" tests="3" time="0.05" timestamp="2024-07-15T09:00:00" hostname="ci"><testcase classname="tests.test_gateway" name="test_charge" time="0.01" /></testsuite></testsuites>"#;
        assert_eq!(
            parse_junit(text).unwrap(),
            [suite("real_gateway", [3, 0, 0, 0], 1, 71)]
        );
    }

    #[test]
    fn failures_errors_and_skips() {
        let text = r#"<?xml version="1.0"?>
<testsuites>
  <testsuite name="a" tests="4" failures="1" errors="1" skipped="1">
    <testcase name="ok"/>
    <testcase name="bad"><failure message="assert 1 == 2">trace &amp; more</failure></testcase>
    <testcase name="boom"><error message="E">x</error></testcase>
    <testcase name="later"><skipped message="not now"/></testcase>
  </testsuite>
  <testsuite name="all skipped" tests="2" failures="0" errors="0" skipped="2">
    <testcase name="s1"><skipped/></testcase>
    <testcase name="s2"><skipped/></testcase>
  </testsuite>
</testsuites>
"#;
        assert_eq!(
            parse_junit(text).unwrap(),
            [
                suite("a", [4, 1, 1, 1], 3, 3),
                suite("all skipped", [2, 0, 0, 2], 9, 3)
            ]
        );
    }

    #[test]
    fn missing_attributes_are_counted_from_test_cases() {
        let text = r#"<testsuite name="bare">
  <testcase name="ok"/>
  <testcase name="f"><failure/></testcase>
  <testcase name="f+e"><failure/><failure/><error/></testcase>
  <testcase name="s"><skipped/></testcase>
  <testcase name="x"><system-out>failure</system-out></testcase>
</testsuite>"#;
        assert_eq!(
            parse_junit(text).unwrap(),
            [suite("bare", [5, 2, 1, 1], 1, 1)]
        );
        // Attributes win over the children; missing ones fall back.
        let text = r#"<testsuite tests="10" skips="3"><testcase><failure/></testcase></testsuite>"#;
        assert_eq!(parse_junit(text).unwrap(), [suite("", [10, 1, 0, 3], 1, 1)]);
    }

    #[test]
    fn nested_suites_are_flattened() {
        let text = r#"<testsuites>
<testsuite name="outer" tests="2"><testsuite name="inner"><testcase/><testcase><error/></testcase></testsuite></testsuite>
<testsuite name="empty"/>
</testsuites>"#;
        assert_eq!(
            parse_junit(text).unwrap(),
            [
                suite("outer", [2, 0, 0, 0], 2, 1),
                suite("inner", [2, 0, 1, 0], 2, 35),
                suite("empty", [0, 0, 0, 0], 3, 1)
            ]
        );
        assert_eq!(parse_junit("<testsuites/>").unwrap(), []);
    }

    #[test]
    fn wrong_root() {
        let e = err("<!DOCTYPE html>\n<html><body>hi</body></html>");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (
                2,
                1,
                "root element is <html>, not <testsuite> or <testsuites>"
            )
        );
    }

    #[test]
    fn not_xml_at_all() {
        let e = err("this is not XML\n");
        assert_eq!((e.line, e.column), (1, 1), "{e}");
        let e = err("{\"tests\": 3}");
        assert_eq!((e.line, e.column), (1, 1), "{e}");
        let e = err("");
        assert!(e.message.contains("no root element"), "{e}");
        let e = err("<testsuite/>\n<testsuite/>");
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        let e = err("<testsuite/> trailing");
        assert_eq!((e.line, e.column), (1, 13), "{e}");
    }

    #[test]
    fn truncated_and_malformed() {
        let e =
            err("<testsuites>\n  <testsuite name=\"a\" tests=\"1\">\n    <testcase name=\"t\"/>\n");
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("<testsuite> opened at 2:3"), "{e}");

        let e = err("<testsuites>\n  <testsuite name=\"a\" tests=\"1\"");
        assert_eq!((e.line, e.column), (2, 3), "{e}");

        let e = err("<testsuites>\n<testsuite>\n</testsuites>");
        assert_eq!(e.line, 3, "{e}");

        let e = err("<testsuite tests=\"3\" tests=\"4\"/>");
        assert_eq!((e.line, e.column), (1, 1), "{e}");

        let e = err("<testsuites>\n <testsuite tests=\"three\"/></testsuites>");
        assert_eq!((e.line, e.column), (2, 2), "{e}");
        assert!(e.message.contains("not a whole number"), "{e}");

        let e = err("<testsuite name=\"&xxe;\"/>");
        assert_eq!((e.line, e.column), (1, 1), "{e}");
    }

    #[test]
    fn entities_are_not_expanded() {
        let text = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<testsuite name="a &amp; b &#x41;" tests="1"><testcase>&lol2;</testcase></testsuite>"#;
        assert_eq!(
            parse_junit(text).unwrap(),
            [suite("a & b A", [1, 0, 0, 0], 3, 1)]
        );
    }

    #[test]
    fn byte_order_mark() {
        assert_eq!(
            parse_junit("\u{feff}<testsuite/>").unwrap(),
            [suite("", [0, 0, 0, 0], 1, 2)]
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("<testsuite>{}", "<a>".repeat(10_000));
        let e = err(&text);
        assert!(e.message.contains("nested deeper"), "{e}");
    }
}
