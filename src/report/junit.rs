//! `--format junit`: a JUnit XML report, for the test-result views of Jenkins,
//! GitLab, Azure Pipelines and every other CI that reads JUnit.
//!
//! One `<testsuite name="relgate">` (inside `<testsuites>`) per run, one
//! `<testcase>` per policy, in the run's order: `name` is `ID: title`, `classname`
//! `relgate`. A policy that fails at or above `--fail-on` has one `<failure>` whose
//! text lists its live findings (`path:line: message`, then the help); one skipped
//! has `<skipped message="why">`; waived findings, and findings below `--fail-on`
//! (which fail nothing), are listed in the case's `<system-out>`. The suite's
//! `tests`, `failures`, `errors` and `skipped` count exactly these cases, so a reader
//! that trusts the attributes and one that counts the cases agree.
//!
//! Written by hand, not with an XML crate: the document is a fixed shape of a few
//! elements, and the one thing that needs care is text, which [`text`] handles:
//! repository text is first made inert ([`crate::output::escape`]: controls, which
//! XML 1.0 does not allow anyway, become `\xHH`), then `&`, `<`, `>`, `"` and `'` are
//! escaped as entities, and the two non-characters U+FFFE and U+FFFF (also not
//! allowed in XML) are named as `\u{fffe}`. Attribute values escape line breaks too
//! (`&#10;`), so a message keeps its lines there as well.
//! The document is written as it is made: the suite's counts first (from each case's
//! outcome), then each case, each finding's description escaped straight into it.
//! The output is valid against the JUnit schema of Jenkins' xUnit plugin
//! (`junit-10.xsd`), which the integration tests check.

use super::{Place, Report};
use crate::engine::Status;
use crate::finding::{Finding, Severity};
use crate::output::escape::{display, display_text};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes text for XML character data and attribute values.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Repository text (possibly several lines) made inert, then escaped for XML.
pub fn text(s: &str) -> String {
    xml(&display_text(s))
}

/// One-line repository text (a path, an id) made inert, then escaped for XML.
fn one_line(s: &str) -> String {
    xml(&display(s))
}

/// `path:line: message` and the help, for a failure's text or `<system-out>`.
fn describe(r: &Report, f: &Finding) -> String {
    let at = match r.place(f) {
        Place::File {
            path,
            line: Some(line),
            ..
        } => format!("{path}:{line}"),
        Place::File { path, .. } => path.to_string(),
        Place::Nowhere => Report::about(f, true),
    };
    let mut s = format!("{}: {}: {}", f.severity.as_str(), at, f.message);
    if let Some(w) = &f.waived {
        s = format!(
            "waived until {} ({}, approved by {}): {s}",
            w.expires, w.reason, w.approved_by
        );
    }
    if let Some(help) = &f.help {
        s.push_str("\n  help: ");
        s.push_str(help);
    }
    s
}

/// The source judged, as the JSON report names it.
pub(crate) fn source_name(s: crate::repo::SourceKind) -> &'static str {
    match s {
        crate::repo::SourceKind::Worktree => "worktree",
        crate::repo::SourceKind::Staged => "staged",
        crate::repo::SourceKind::Rev => "rev",
    }
}

/// What one policy's test case says.
enum Outcome {
    Passed,
    Failed,
    Skipped,
}

pub fn render(r: &Report, fail_on: Severity, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Findings by policy, in the run's order, grouped once (references only).
    let mut by_policy: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        by_policy.entry(f.policy.as_str()).or_default().push(f);
    }
    // Each case's outcome first: the suite's counts come before its cases.
    let cases: Vec<(&super::PolicyResult, Outcome, Vec<&Finding>, Vec<&Finding>)> = r
        .policies
        .iter()
        .map(|p| {
            let mine = by_policy.remove(p.id.as_str()).unwrap_or_default();
            let (failing, other): (Vec<&Finding>, Vec<&Finding>) = mine
                .into_iter()
                .partition(|f| r.counts(f) && f.severity >= fail_on);
            let outcome = match p.status {
                Status::Skip => Outcome::Skipped,
                _ if !failing.is_empty() => Outcome::Failed,
                _ => Outcome::Passed,
            };
            (p, outcome, failing, other)
        })
        .collect();
    let failures = cases
        .iter()
        .filter(|c| matches!(c.1, Outcome::Failed))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| matches!(c.1, Outcome::Skipped))
        .count();
    let tests = r.policies.len();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"relgate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    )?;
    writeln!(
        out,
        "  <testsuite name=\"relgate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    )?;
    writeln!(out, "    <properties>")?;
    let t = &r.target;
    let mut props = vec![
        ("relgate.version", env!("CARGO_PKG_VERSION").to_string()),
        ("relgate.source", source_name(t.source).to_string()),
        ("relgate.fail_on", fail_on.as_str().to_string()),
        ("relgate.trusted", t.trusted.line()),
    ];
    if let Some(rev) = &t.rev {
        props.push(("relgate.rev", rev.clone()));
    }
    if let Some(base) = &t.base {
        props.push(("relgate.base", base.clone()));
    }
    for (name, value) in props {
        writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            text(&value)
        )?;
    }
    writeln!(out, "    </properties>")?;
    for (p, outcome, failing, other) in cases {
        write!(
            out,
            "    <testcase name=\"{}\" classname=\"relgate\"",
            one_line(&format!("{}: {}", p.id, p.title))
        )?;
        if matches!(outcome, Outcome::Passed) && other.is_empty() {
            writeln!(out, "/>")?;
            continue;
        }
        writeln!(out, ">")?;
        match outcome {
            Outcome::Failed => {
                let message = match failing.as_slice() {
                    [one] => std::borrow::Cow::Borrowed(one.message.as_str()),
                    many => format!("{} findings", many.len()).into(),
                };
                write!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">",
                    failing[0].severity.as_str(),
                    text(&message),
                )?;
                described(r, &failing, out)?;
                writeln!(out, "</failure>")?;
            }
            Outcome::Skipped => {
                writeln!(
                    out,
                    "      <skipped message=\"{}\"/>",
                    text(p.reason.as_deref().unwrap_or("skipped"))
                )?;
            }
            Outcome::Passed => {}
        }
        if !other.is_empty() {
            write!(out, "      <system-out>")?;
            described(r, &other, out)?;
            writeln!(out, "</system-out>")?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// The findings' descriptions ([`describe`]) as one escaped text, a line break
/// (`&#10;`) between them, written one at a time: [`text`] escapes each character on
/// its own, so this is the text of their descriptions joined by `\n`.
fn described(
    r: &Report,
    findings: &[&Finding],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.write_all(b"&#10;")?;
        }
        out.write_all(text(&describe(r, f)).as_bytes())?;
    }
    Ok(())
}

/// A run that could not evaluate: one case in error, so no reader takes the report
/// for a pass.
pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"relgate\" tests=\"1\" failures=\"0\" errors=\"1\">"
    )?;
    writeln!(
        out,
        "  <testsuite name=\"relgate\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">"
    )?;
    writeln!(
        out,
        "    <testcase name=\"relgate: could not evaluate\" classname=\"relgate\">"
    )?;
    writeln!(
        out,
        "      <error type=\"relgate\" message=\"{0}\">{0}</error>",
        text(message)
    )?;
    writeln!(out, "    </testcase>")?;
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_inert_and_escaped() {
        assert_eq!(
            text("a<b>&\"c\"'d'\n\x1b[31m\u{fffe}]]>"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;\\x1b[31m\\u{fffe}]]&gt;"
        );
        assert_eq!(one_line("x\ny"), "x\\x0ay");
    }
}
