//! From text to a [`Report`]: roxmltree's well-formedness check, the few
//! checks it leaves out, then suites and test cases in one pass.

use roxmltree::{Document, Error, Node, NodeType, ParsingOptions};

use super::{Case, Counts, Declared, Report, Suite, bounded, wellformed};
use crate::parse::structured::{Locator, ParseFailure};

/// Longest failure message kept, in characters.
const MESSAGE_MAX: usize = 160;
/// Longest name kept, in characters.
const NAME_MAX: usize = 120;

pub(super) fn read(text: &str) -> Result<Report, ParseFailure> {
    let locator = Locator::new(text);
    let fail = |offset: usize, message: String| {
        let (line, column) = locator.locate(offset);
        ParseFailure {
            message,
            line,
            column,
        }
    };
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => return Err(xml_error(text, &locator, &e)),
    };
    wellformed::rest(text, &doc).map_err(|(at, m)| fail(at, not_well_formed(&m)))?;
    let root = doc.root_element();
    let root_name = root.tag_name().name();
    if root_name != "testsuite" && root_name != "testsuites" {
        return Err(fail(
            root.range().start,
            format!(
                "not a JUnit XML report: the root element is <{}>, not <testsuite> or <testsuites>",
                bounded(root_name, NAME_MAX)
            ),
        ));
    }
    walk(root, &locator)
}

/// One open suite while walking: where its element ends, its index.
struct Open {
    end: usize,
    suite: usize,
}

fn walk(root: Node<'_, '_>, locator: &Locator<'_>) -> Result<Report, ParseFailure> {
    let mut suites: Vec<Suite> = Vec::new();
    let mut parents: Vec<Option<usize>> = Vec::new();
    let mut own: Vec<Counts> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    for node in root.descendants().filter(Node::is_element) {
        let range = node.range();
        while open.last().is_some_and(|o| o.end <= range.start) {
            if let Some(o) = open.pop()
                && let Some(s) = suites.get_mut(o.suite)
            {
                s.cases.end = cases.len();
            }
        }
        match node.tag_name().name() {
            name @ ("testsuite" | "testsuites") => {
                let (line, column) = locator.locate(range.start);
                let declared = declared(node).map_err(|message| ParseFailure {
                    message,
                    line,
                    column,
                })?;
                parents.push(open.last().map(|o| o.suite));
                own.push(Counts::default());
                open.push(Open {
                    end: range.end,
                    suite: suites.len(),
                });
                suites.push(Suite {
                    aggregate: name == "testsuites",
                    name: bounded(node.attribute("name").unwrap_or_default(), NAME_MAX),
                    line,
                    column,
                    declared,
                    counted: Counts::default(),
                    contents: Counts::default(),
                    judged: Counts::default(),
                    cases: cases.len()..cases.len(),
                });
            }
            "testcase" => {
                let case = read_case(node, locator);
                if let Some(o) = open.last()
                    && let Some(c) = own.get_mut(o.suite)
                {
                    c.add(Counts {
                        tests: 1,
                        failures: u64::from(case.failure.is_some()),
                        errors: u64::from(case.error.is_some()),
                        skipped: u64::from(case.skipped),
                    });
                }
                cases.push(case);
            }
            _ => {}
        }
    }
    for o in open {
        if let Some(s) = suites.get_mut(o.suite) {
            s.cases.end = cases.len();
        }
    }
    // Children come after their parent: add each suite into its parent,
    // last first, so a suite is complete before it is added.
    for i in (0..suites.len()).rev() {
        let mine = own.get(i).copied().unwrap_or_default();
        let Some(s) = suites.get_mut(i) else { continue };
        s.counted.add(mine);
        s.contents.add(mine);
        s.judged = worse(s.declared, s.contents);
        let (counted, judged) = (s.counted, s.judged);
        if let Some(&Some(p)) = parents.get(i)
            && let Some(parent) = suites.get_mut(p)
        {
            parent.counted.add(counted);
            parent.contents.add(judged);
        }
    }
    Ok(Report { suites, cases })
}

/// Fewer tests, more failures, errors and skips.
fn worse(d: Declared, c: Counts) -> Counts {
    Counts {
        tests: d.tests.map_or(c.tests, |t| t.min(c.tests)),
        failures: d.failures.map_or(c.failures, |n| n.max(c.failures)),
        errors: d.errors.map_or(c.errors, |n| n.max(c.errors)),
        skipped: d.skipped.map_or(c.skipped, |n| n.max(c.skipped)),
    }
}

fn read_case(node: Node<'_, '_>, locator: &Locator<'_>) -> Case {
    let (line, column) = locator.locate(node.range().start);
    let mut case = Case {
        classname: bounded(node.attribute("classname").unwrap_or_default(), NAME_MAX),
        name: bounded(node.attribute("name").unwrap_or_default(), NAME_MAX),
        line,
        column,
        failure: None,
        error: None,
        skipped: false,
    };
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "failure" if case.failure.is_none() => case.failure = Some(message(child)),
            "error" if case.error.is_none() => case.error = Some(message(child)),
            "skipped" => case.skipped = true,
            _ => {}
        }
    }
    case
}

/// A failure's or error's message: its `message` attribute, else the first
/// non-blank line of its text, else its `type`.
fn message(node: Node<'_, '_>) -> String {
    let first_line = |s: &str| {
        s.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| l.chars().take(MESSAGE_MAX + 1).collect::<String>())
    };
    // The first line of the text without copying all of it (a stack trace
    // may be megabytes).
    let text_line = || {
        node.children()
            .filter(|c| c.node_type() == NodeType::Text)
            .filter_map(|c| c.text())
            .find_map(first_line)
    };
    let m = node
        .attribute("message")
        .and_then(first_line)
        .or_else(text_line)
        .or_else(|| node.attribute("type").and_then(first_line))
        .unwrap_or_default();
    bounded(&m, MESSAGE_MAX)
}

fn declared(node: Node<'_, '_>) -> Result<Declared, String> {
    let mut d = Declared::default();
    let (mut skips, mut skip) = (None, None);
    let tag = node.tag_name().name();
    for attr in node.attributes() {
        let key = attr.name();
        let slot = match key {
            "tests" => &mut d.tests,
            "failures" => &mut d.failures,
            "errors" => &mut d.errors,
            "skipped" => &mut d.skipped,
            "skips" => &mut skips,
            "skip" => &mut skip,
            _ => continue,
        };
        let value = attr.value();
        *slot = Some(value.trim().parse::<u64>().map_err(|_| {
            format!(
                "cannot judge the report: attribute {key}=\"{}\" of <{tag}> is not a whole number",
                bounded(value, 40)
            )
        })?);
    }
    d.skipped = d.skipped.or(skips).or(skip);
    Ok(d)
}

pub(super) fn not_well_formed(detail: &str) -> String {
    format!("not well-formed XML: {detail}")
}

/// roxmltree's error, placed and worded for a reader of the report.
fn xml_error(text: &str, locator: &Locator<'_>, e: &Error) -> ParseFailure {
    let end = locator.locate(text.len());
    let (detail, (line, column)) = match e {
        Error::NoRootNode => (
            "the document has no root element (an empty or comment-only file is not a report)"
                .to_owned(),
            end,
        ),
        Error::UnclosedRootNode | Error::UnexpectedEndOfStream => (
            "the document ends before its root element is closed (a truncated report?)"
                .to_owned(),
            end,
        ),
        Error::DtdDetected => (
            "a document type declaration (<!DOCTYPE ...>) is not read in a test report (no JUnit writer emits one; relgate does not expand entities)"
                .to_owned(),
            text.find("<!DOCTYPE")
                .map_or((1, 1), |at| locator.locate(at)),
        ),
        Error::NodesLimitReached | Error::AttributesLimitReached | Error::NamespacesLimitReached => {
            ("the document is too large to read".to_owned(), (1, 1))
        }
        other => {
            let pos = other.pos();
            let detail = match other {
                Error::UnknownNamespace(prefix, _) => format!(
                    "the namespace prefix '{}' is not declared",
                    bounded(prefix, 40)
                ),
                Error::UnexpectedCloseTag(expected, actual, _) => format!(
                    "the end tag </{}> does not match the open element <{}>",
                    bounded(actual, 40),
                    bounded(expected, 40)
                ),
                Error::UnknownEntityReference(name, _) => format!(
                    "the entity &{};  is not defined (XML defines only &amp; &lt; &gt; &quot; &apos;)",
                    bounded(name, 40)
                )
                .replace(";  ", "; "),
                Error::MalformedEntityReference(_) => {
                    "a '&' that does not start an entity or character reference (write &amp;)"
                        .to_owned()
                }
                Error::InvalidAttributeValue(_) => {
                    "a '<' inside an attribute value (write &lt;)".to_owned()
                }
                Error::DuplicatedAttribute(name, _) => {
                    format!("the attribute '{}' is repeated", bounded(name, 40))
                }
                Error::UnexpectedDeclaration(_) => {
                    "an XML declaration that is not at the very start of the document".to_owned()
                }
                Error::NonXmlChar(c, _) => {
                    format!("the character U+{:04X} is not allowed in XML", u32::from(*c))
                }
                Error::InvalidComment(_) => {
                    "a comment that contains '--' or ends with '-'".to_owned()
                }
                Error::InvalidCharacterData(pos) => {
                    // roxmltree places it at the end of the text node.
                    let end = locator.offset(pos.row as usize, pos.col as usize);
                    let at = text.get(..end).and_then(|t| t.rfind("]]>")).unwrap_or(end);
                    let (line, column) = locator.locate(at);
                    return ParseFailure {
                        message: not_well_formed("']]>' in text (write ]]&gt;)"),
                        line,
                        column,
                    };
                }
                Error::InvalidName(_) => "an invalid element or attribute name".to_owned(),
                Error::EntityReferenceLoop(_) => "an entity reference loop".to_owned(),
                Error::InvalidChar(b'"' | b'\'', b'<', _) => {
                    "a '<' inside an attribute value (write &lt;)".to_owned()
                }
                Error::InvalidChar(expected, actual, _) => format!(
                    "expected '{}' but found {}",
                    char::from(*expected).escape_default(),
                    shown_byte(*actual)
                ),
                Error::InvalidChar2(expected, actual, _) => {
                    format!("expected {expected} but found {}", shown_byte(*actual))
                }
                Error::InvalidString(close @ ("-->" | "?>"), _) => {
                    let open = if *close == "-->" { "<!--" } else { "<?" };
                    let kind = if open == "<!--" { "comment" } else { "processing instruction" };
                    if let Some(at) = unclosed(text, open, close) {
                        return ParseFailure {
                            message: not_well_formed(&format!("a {kind} that is never closed with '{close}'")),
                            line: locator.locate(at).0,
                            column: locator.locate(at).1,
                        };
                    }
                    format!("expected '{close}'")
                }
                Error::InvalidString(expected, _) => format!("expected '{expected}'"),
                Error::InvalidXmlPrefixUri(_)
                | Error::UnexpectedXmlUri(_)
                | Error::UnexpectedXmlnsUri(_)
                | Error::InvalidElementNamePrefix(_)
                | Error::DuplicatedNamespace(..) => {
                    "a namespace declaration XML does not allow".to_owned()
                }
                _ => {
                    let at = locator.offset(pos.row as usize, pos.col as usize);
                    if text[at..].starts_with('<') {
                        "markup that is not allowed here".to_owned()
                    } else {
                        "text outside the root element (is this a JUnit XML report?)".to_owned()
                    }
                }
            };
            (detail, (pos.row as usize, pos.col as usize))
        }
    };
    ParseFailure {
        message: not_well_formed(&detail),
        line,
        column,
    }
}

fn shown_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", char::from(b))
    } else if b == b' ' {
        "a space".to_owned()
    } else {
        format!("byte 0x{b:02X}")
    }
}

/// Where the construct that `open` starts and `close` never ends begins:
/// the first `open` with no `close` after it.
fn unclosed(text: &str, open: &str, close: &str) -> Option<usize> {
    let last_close = text.rfind(close).map_or(0, |c| c + close.len());
    text[last_close..].find(open).map(|i| last_close + i)
}
