//! `--format human`: miette diagnostics grouped by file, then a summary.
//!
//! Each finding shows the offending line with a label, the policy's help and
//! where the policy is defined. Colour only when asked (a terminal without
//! `NO_COLOR`); otherwise plain Unicode, byte-identical across runs.
//!
//! Everything from the repository or a policy file (paths, lines, messages,
//! titles) is escaped with [`crate::output::escape`] before miette sees it, and
//! miette is given only a bounded excerpt of the file per finding.

use super::{RenderOptions, Report};
use crate::engine::Status;
use crate::finding::{Finding, Severity, excerpt_from, excerpt_start};
use crate::output::escape::{display, display_text, is_command_line};
use crate::repo::Content;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::collections::BTreeMap;
use std::fmt;

/// The lines miette shows of one finding: the finding's line and one line of
/// context either side, each cut to the snippet window ([`crate::finding::excerpt`])
/// and escaped. Built per finding from the file's one shared [`Content`], so the
/// cost of a finding does not grow with its file (miette scans the source it is
/// given: a whole file per finding made the report quadratic).
struct Excerpt {
    /// `path:line:column`, escaped: miette's header.
    name: String,
    text: String,
    /// Line number of the first line of `text`.
    first_line: usize,
    /// Byte offset of the finding's column in `text`.
    caret: usize,
}

impl Excerpt {
    fn new(path: &str, content: &Content, line: usize, column: Option<usize>) -> Option<Excerpt> {
        if line == 0 || line > content.line_count() {
            return None;
        }
        let bytes = |l: usize| &content.bytes()[content.line_range(l)];
        let col = column.unwrap_or(1).saturating_sub(1);
        let from = excerpt_start(bytes(line), column);
        let first_line = line.saturating_sub(1).max(1);
        let last_line = (line + 1).min(content.line_count());
        let mut text = String::new();
        let mut caret = 0;
        for l in first_line..=last_line {
            if l > first_line {
                text.push('\n');
            }
            let e = excerpt_from(bytes(l), col, Some(from));
            if l == line {
                let before: String = e.text.chars().take(e.caret).collect();
                caret = text.len() + display_text(&before).len();
            }
            text.push_str(&display_text(&e.text));
        }
        Some(Excerpt {
            name: format!("{}:{line}:{}", display(path), column.unwrap_or(1)),
            text,
            first_line,
            caret,
        })
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line() + self.first_line - 1,
            c.column(),
            c.line_count(),
        )))
    }
}

struct FindingDiag<'a> {
    f: &'a Finding,
    /// The message, escaped.
    message: String,
    /// `POLICY: title`, escaped.
    label: String,
    help: String,
    source: Option<Excerpt>,
}

impl fmt::Debug for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiag<'_> {}

impl Diagnostic for FindingDiag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(display(&self.f.policy)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.clone()),
            source.caret,
            0,
        ))))
    }
}

pub fn render(
    r: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .without_primary_span_start();
    let titles: BTreeMap<&str, &str> = r
        .policies
        .iter()
        .map(|p| (p.id.as_str(), p.title.as_str()))
        .collect();
    if r.target.trusted.source == "base" || r.target.trusted.bootstrap {
        writeln!(out, "{}", display_text(&r.target.trusted.line()))?;
    }
    let mut current: Option<Option<&str>> = None;
    for f in r.findings.iter().filter(|f| f.waived.is_none()) {
        if current != Some(f.path.as_deref()) {
            current = Some(f.path.as_deref());
            let shown = f.path.as_deref().map_or("(repository)".into(), display);
            writeln!(out, "── {shown} ──")?;
        }
        let source = match (&f.path, f.line) {
            (Some(path), Some(line)) => r
                .contents
                .get(path)
                .and_then(|c| Excerpt::new(path, c, line, f.column)),
            _ => None,
        };
        let label = match titles.get(f.policy.as_str()) {
            Some(t) => format!("{}: {}", f.policy, t),
            None => f.policy.clone(),
        };
        let origin = format!("policy {} defined at {}", f.policy, f.origin);
        let help = match &f.help {
            Some(h) => format!("{h}\n{origin}"),
            None => origin,
        };
        let diag = FindingDiag {
            f,
            message: display_text(&f.message).into_owned(),
            label: display(&label).into_owned(),
            help: display_text(&help).into_owned(),
            source,
        };
        let mut s = String::new();
        handler
            .render_report(&mut s, &diag)
            .map_err(|_| std::io::Error::other("cannot render a finding"))?;
        // Text is escaped, but a message line may still read as a workflow command
        // in a CI log (`::stop-commands::`): such a line gets a leading `\`.
        for line in s.split_inclusive('\n') {
            if is_command_line(line) {
                write!(out, "\\{}", line.trim_start())?;
            } else {
                write!(out, "{line}")?;
            }
        }
    }
    write_summary(r, out)
}

fn write_summary(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if !r.findings.is_empty() {
        writeln!(out)?;
    }
    // Waived findings: listed, one line each, under their own heading; they fail nothing.
    let waived: Vec<_> = r.findings.iter().filter(|f| f.waived.is_some()).collect();
    if !waived.is_empty() {
        writeln!(out, "waived:")?;
        for f in waived {
            let place = match (&f.path, f.line) {
                (Some(p), Some(l)) => format!("{}:{l}", display(p)),
                (Some(p), None) => display(p).into_owned(),
                (None, _) => "(repository)".into(),
            };
            if let Some(w) = &f.waived {
                writeln!(
                    out,
                    "~ {} {place}: {} (waived until {}: {}, approved by {}; {}:{})",
                    f.policy,
                    display_text(&f.message),
                    w.expires,
                    display_text(&w.reason),
                    display_text(&w.approved_by),
                    display(&w.path),
                    w.line
                )?;
            }
        }
        writeln!(out)?;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &r.findings {
        *counts.entry(f.policy.as_str()).or_default() += 1;
    }
    for p in &r.policies {
        let mark = match p.status {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::Skip => "-",
            Status::Waived => "~",
        };
        let n = counts.get(p.id.as_str()).copied().unwrap_or(0);
        let extra = match (p.status, &p.reason) {
            (Status::Fail, _) => format!(" ({n} finding{})", if n == 1 { "" } else { "s" }),
            (_, Some(reason)) => format!(" ({})", display(reason)),
            _ => String::new(),
        };
        writeln!(
            out,
            "{mark} {:<5} {} {}{extra}",
            p.status.as_str(),
            display(&p.id),
            display(&p.title)
        )?;
    }
    for line in r.vacuous() {
        writeln!(out, "note: {line}")?;
    }
    let s = r.summary();
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    writeln!(
        out,
        "\n{}: {} passed, {} failed, {} skipped, {} waived; {}, {}, {}",
        n(s.policies, "policy", "policies"),
        s.passed,
        s.failed,
        s.skipped,
        s.waived,
        n(s.errors, "error", "errors"),
        n(s.warnings, "warning", "warnings"),
        n(s.notes, "note", "notes"),
    )
}
