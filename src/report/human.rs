//! `--format human`: miette diagnostics grouped by file, then a summary.
//!
//! Each finding shows the offending line with a label, the policy's help and
//! where the policy is defined. Colour only when asked (a terminal without
//! `NO_COLOR`); otherwise plain Unicode, byte-identical across runs.

use super::{RenderOptions, Report};
use crate::engine::Status;
use crate::finding::{Finding, Severity};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

struct FindingDiag<'a> {
    f: &'a Finding,
    title: Option<&'a str>,
    source: Option<NamedSource<String>>,
    offset: usize,
}

impl fmt::Debug for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.f.message)
    }
}

impl fmt::Display for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.f.message)
    }
}

impl std::error::Error for FindingDiag<'_> {}

impl Diagnostic for FindingDiag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.f.policy))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let origin = format!("policy {} defined at {}", self.f.policy, self.f.origin);
        Some(Box::new(match &self.f.help {
            Some(h) => format!("{h}\n{origin}"),
            None => origin,
        }))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(match &self.title {
                Some(t) => format!("{}: {t}", self.f.policy),
                None => self.f.policy.clone(),
            }),
            self.offset,
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
        .with_links(false);
    if r.target.trusted.source == "base" || r.target.trusted.bootstrap {
        writeln!(out, "{}", r.target.trusted.line())?;
    }
    let mut current: Option<Option<&str>> = None;
    for f in &r.findings {
        if current != Some(f.path.as_deref()) {
            current = Some(f.path.as_deref());
            writeln!(out, "── {} ──", f.path.as_deref().unwrap_or("(repository)"))?;
        }
        let (source, offset) = match (
            &f.path,
            f.line,
            f.path.as_ref().and_then(|p| r.contents.get(p)),
        ) {
            (Some(path), Some(line), Some(content)) => {
                let start = content.line_start(line);
                let col = f.column.unwrap_or(1).saturating_sub(1);
                let text = String::from_utf8_lossy(content.bytes()).into_owned();
                let line_text = &text[start.min(text.len())..];
                let off = start + line_text.char_indices().nth(col).map_or(0, |(i, _)| i);
                (Some(NamedSource::new(path.clone(), text)), off)
            }
            _ => (None, 0),
        };
        let title = r
            .policies
            .iter()
            .find(|p| p.id == f.policy)
            .map(|p| p.title.as_str());
        let diag = FindingDiag {
            f,
            title,
            source,
            offset,
        };
        let mut s = String::new();
        handler
            .render_report(&mut s, &diag)
            .map_err(|_| std::io::Error::other("cannot render a finding"))?;
        write!(out, "{s}")?;
    }
    write_summary(r, out)
}

fn write_summary(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if !r.findings.is_empty() {
        writeln!(out)?;
    }
    for p in &r.policies {
        let mark = match p.status {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::Skip => "-",
            Status::Waived => "~",
        };
        let n = r.findings.iter().filter(|f| f.policy == p.id).count();
        let extra = match (p.status, &p.reason) {
            (Status::Fail, _) => format!(" ({n} finding{})", if n == 1 { "" } else { "s" }),
            (_, Some(reason)) => format!(" ({reason})"),
            _ => String::new(),
        };
        writeln!(
            out,
            "{mark} {:<5} {} {}{extra}",
            p.status.as_str(),
            p.id,
            p.title
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
