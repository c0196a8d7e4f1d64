//! JUnit XML test reports (pytest `--junitxml`, Surefire, Gradle, jest-junit,
//! mocha, Robot Framework, node's test runner, go-junit-report...) as suites
//! and test cases with their positions.
//!
//! Why: a release may require evidence that a test suite ran and passed. The
//! report is untrusted input: anything that is not a well-formed XML document
//! whose root is `<testsuite>` or `<testsuites>` is a [`ParseFailure`] at its
//! position, so the gate fails closed rather than reading a broken or foreign
//! file as "no failures".
//!
//! Well-formedness is roxmltree's, a conforming, strict parser: it refuses
//! `--` in comments, `<` and undefined entities in attribute values, unknown
//! entities, characters XML does not allow (controls, NUL, U+FFFE), bad
//! character references, XML declarations anywhere but at the start, unbound
//! namespace prefixes, attributes run together or repeated, invalid names,
//! `]]>` in text, mismatched or unclosed tags, a second root and text after
//! it. quick-xml (used before) is lenient by design and checks none of these
//! unless told to and some not at all. Added here ([`wellformed`]), found by
//! comparing with expat: the values of the XML declaration (roxmltree only
//! checks its syntax), the reserved `xml` processing-instruction target in
//! any case, character references to surrogates or beyond U+10FFFF, and
//! `xmlns:p=""`. A document type declaration (`<!DOCTYPE`, even without an
//! internal subset) is refused (roxmltree's safe default): no JUnit writer
//! emits one, and entity expansion is not something a gate should do;
//! expat reads them, so this is a deliberate difference. Encodings: see
//! [`decode`]. Every case is checked against expat's verdict in the corpus
//! test (`tests/corpora/junit/`).
//!
//! What is read:
//! - Every `<testsuites>` and `<testsuite>` element (any depth) is a
//!   [`Suite`] in document order; the first is the root.
//! - Every `<testcase>` anywhere is a [`Case`] in document order; it failed
//!   when it has a `<failure>` child, errored with `<error>`, was skipped with
//!   `<skipped>` (Surefire's `<flakyFailure>` and `<rerunFailure>` are not
//!   failures: the test passed on a rerun or also has a `<failure>`).
//! - A suite's [`Suite::counted`] comes from the test cases below it, at any
//!   depth; [`Suite::declared`] is what its attributes say (`tests`,
//!   `failures`, `errors`, `skipped`, else the older `skips`/`skip`); and
//!   [`Suite::judged`] is the worse of its attributes and its contents (its
//!   own test cases plus its nested suites' judged counts): the fewer tests,
//!   the more failures, errors and skips. Tools disagree on what a parent's
//!   attributes count (Robot Framework sums nested suites, node's test runner
//!   counts a nested suite as one test), so neither is trusted alone.
//! - A count attribute that is not a whole number is a failure: the report
//!   cannot be judged.
//!
//! Element names are matched without their namespace prefix.

mod decode;
mod read;
#[cfg(test)]
mod tests;
mod wellformed;

pub use decode::decode;

use super::structured::ParseFailure;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
    pub skipped: u64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tests = self.tests.saturating_add(o.tests);
        self.failures = self.failures.saturating_add(o.failures);
        self.errors = self.errors.saturating_add(o.errors);
        self.skipped = self.skipped.saturating_add(o.skipped);
    }
}

/// The counts a suite's attributes state; `None` where absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Declared {
    pub tests: Option<u64>,
    pub failures: Option<u64>,
    pub errors: Option<u64>,
    pub skipped: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// `true` for `<testsuites>`, `false` for `<testsuite>`.
    pub aggregate: bool,
    pub name: String,
    /// Position of the `<` of the tag.
    pub line: usize,
    pub column: usize,
    pub declared: Declared,
    /// From the test cases below it, at any depth.
    pub counted: Counts,
    /// From its own test cases plus its nested suites' judged counts.
    pub contents: Counts,
    /// The worse of `declared` and `contents`.
    pub judged: Counts,
    /// Its test cases (at any depth) in [`Report::cases`].
    pub cases: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub classname: String,
    pub name: String,
    /// Position of the `<` of the `<testcase` tag.
    pub line: usize,
    pub column: usize,
    /// The failure's message (its `message` attribute, else the first line
    /// of its text, else its `type`), bounded; `Some("")` when it has none.
    pub failure: Option<String>,
    pub error: Option<String>,
    pub skipped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every `<testsuites>` / `<testsuite>`, in document order; the root first.
    pub suites: Vec<Suite>,
    pub cases: Vec<Case>,
}

impl Report {
    /// The root element: the whole report.
    pub fn root(&self) -> Option<&Suite> {
        self.suites.first()
    }

    /// Judged counts of the whole report.
    pub fn totals(&self) -> Counts {
        self.root().map(|s| s.judged).unwrap_or_default()
    }
}

/// Reads a report from its bytes (any encoding [`decode`] reads).
pub fn parse_junit_bytes(bytes: &[u8]) -> Result<Report, ParseFailure> {
    match decode(bytes) {
        Ok(text) => parse_junit(&text),
        Err(e) => {
            let (line, column) =
                crate::parse::lines::Locator::new(&e.before).locate(e.before.len());
            Err(ParseFailure {
                message: e.message,
                line,
                column,
            })
        }
    }
}

/// Reads a report from text (already decoded: an encoding declaration other
/// than UTF-8's is not looked at).
pub fn parse_junit(text: &str) -> Result<Report, ParseFailure> {
    read::read(text)
}

/// `s` for a message: control characters escaped, at most `max` characters
/// (with `…` when cut).
pub fn bounded(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
