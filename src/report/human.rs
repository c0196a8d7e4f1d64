//! `--format human`: miette diagnostics grouped by file, then a summary.
//!
//! A first line says what was judged (the working tree, the index or a commit, the
//! base, the variables). Each finding shows the offending line with a label, the
//! policy's help and where the policy is defined. Then one verdict line per policy
//! and a summary. Text is laid out in [`RenderOptions::width`] columns (the
//! terminal's, else 100).
//!
//! Colour only when asked (`--color`, a terminal without `NO_COLOR`): verdicts
//! pass green, fail red, skip dim, and a policy whose findings are all below
//! `--fail-on` shows `⚠ warn` (or `ℹ note`) in yellow (cyan), since it fails nothing.
//! Without colour: plain Unicode, byte-identical across runs.
//!
//! Everything from the repository or a policy file (paths, lines, messages,
//! titles) is escaped with [`crate::output::escape`] before miette sees it or
//! before it is coloured, and miette is given only a bounded excerpt of the file
//! per finding. So every escape sequence on standard output is one relgate or
//! miette wrote: a repository's ESC arrives as the text `\x1b`. The five SGR
//! codes used here are written by hand (a styling crate would add nothing).

use super::{RenderOptions, Report};
use crate::engine::Status;
use crate::finding::{Finding, Severity, excerpt_from, excerpt_start};
use crate::output::escape::{display, display_text, is_command_line};
use crate::repo::Content;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::borrow::Cow;
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
    /// Columns a label has after the caret's `╰── ` before the report's width.
    label_room: usize,
}

impl Excerpt {
    /// `width`: the columns of the report; lines longer than fit beside miette's
    /// gutter are cut again (with `…`) around the finding's column.
    fn new(
        path: &str,
        content: &Content,
        line: usize,
        column: Option<usize>,
        width: usize,
    ) -> Option<Excerpt> {
        if line == 0 || line > content.line_count() {
            return None;
        }
        let bytes = |l: usize| &content.bytes()[content.line_range(l)];
        let col = column.unwrap_or(1).saturating_sub(1);
        let from = excerpt_start(bytes(line), column);
        let first_line = line.saturating_sub(1).max(1);
        let last_line = (line + 1).min(content.line_count());
        // Escaped lines, and the finding's column in characters of its escaped line.
        let mut lines = Vec::new();
        let mut caret_chars = 0;
        for l in first_line..=last_line {
            let e = excerpt_from(bytes(l), col, Some(from));
            if l == line {
                let before: String = e.text.chars().take(e.caret).collect();
                caret_chars = display_text(&before).chars().count();
            }
            lines.push(display_text(&e.text).into_owned());
        }
        // miette's gutter: ` NN │ `.
        let gutter = last_line.to_string().len() + 4;
        let avail = width.saturating_sub(gutter).max(20);
        if lines.iter().any(|l| l.chars().count() > avail) {
            let start = if caret_chars < avail * 2 / 3 {
                0
            } else {
                caret_chars - avail / 3
            };
            for l in &mut lines {
                *l = cut(l, start, avail);
            }
            caret_chars = caret_chars - start + usize::from(start > 0);
        }
        let index = line - first_line;
        let caret = lines[..index].iter().map(|l| l.len() + 1).sum::<usize>()
            + lines[index]
                .char_indices()
                .nth(caret_chars)
                .map_or(lines[index].len(), |(i, _)| i);
        Some(Excerpt {
            name: format!("{}:{line}:{}", display(path), column.unwrap_or(1)),
            text: lines.join("\n"),
            first_line,
            caret,
            label_room: width.saturating_sub(gutter + caret_chars + 4),
        })
    }
}

/// At most `avail` characters of `line` from character `start`, `…` marking each cut
/// end (within the `avail`).
fn cut(line: &str, start: usize, avail: usize) -> String {
    let total = line.chars().count();
    if start == 0 && total <= avail {
        return line.to_string();
    }
    let mut out = String::new();
    let mut room = avail;
    if start > 0 {
        out.push('…');
        room -= 1;
    }
    let rest = total.saturating_sub(start);
    let take = if rest > room { room - 1 } else { rest };
    out.extend(line.chars().skip(start).take(take));
    if rest > room {
        out.push('…');
    }
    out
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
    let paint = Paint(opts.color);
    let width = opts.width.max(crate::output::term::MIN_WIDTH);
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .without_primary_span_start();
    let titles: BTreeMap<&str, &str> = r
        .policies
        .iter()
        .map(|p| (p.id.as_str(), p.title.as_str()))
        .collect();
    for line in wrap(&judged(r), width, "  ") {
        writeln!(out, "{line}")?;
    }
    if r.target.trusted.source == "base" || r.target.trusted.bootstrap {
        for line in wrap(&display_text(&r.target.trusted.line()), width, "") {
            writeln!(out, "{line}")?;
        }
    }
    let mut current: Option<Option<&str>> = None;
    for f in r.findings.iter().filter(|f| f.waived.is_none()) {
        if current != Some(f.path.as_deref()) {
            current = Some(f.path.as_deref());
            let shown = f.path.as_deref().map_or("(repository)".into(), display);
            writeln!(out, "{}", paint.paint(BOLD, &format!("── {shown} ──")))?;
        }
        let source = match (&f.path, f.line) {
            (Some(path), Some(line)) => r
                .contents
                .get(path)
                .and_then(|c| Excerpt::new(path, c, line, f.column, width)),
            _ => None,
        };
        // `POLICY: title` when it fits on the line, else the policy alone.
        let label = match titles.get(f.policy.as_str()) {
            Some(t)
                if source.as_ref().is_none_or(|s| {
                    display(&format!("{}: {}", f.policy, t)).chars().count() <= s.label_room
                }) =>
            {
                format!("{}: {}", f.policy, t)
            }
            _ => f.policy.clone(),
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
        // With colour, the line is judged without relgate's own SGR codes.
        for line in s.split_inclusive('\n') {
            let plain = strip_sgr(line);
            if is_command_line(&plain) {
                write!(out, "\\{}", plain.trim_start())?;
            } else {
                write!(out, "{line}")?;
            }
        }
    }
    write_summary(r, opts, out)
}

const GREEN: &str = "32";
const RED: &str = "31";
const YELLOW: &str = "33";
const CYAN: &str = "36";
const DIM: &str = "2";
const BOLD: &str = "1";

/// relgate's own colour, around text that is already escaped.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn paint<'a>(self, sgr: &str, text: &'a str) -> Cow<'a, str> {
        if self.0 {
            Cow::Owned(format!("\x1b[{sgr}m{text}\x1b[0m"))
        } else {
            Cow::Borrowed(text)
        }
    }
}

/// `line` without SGR sequences (`ESC [ … m`): only relgate and miette write ESC.
fn strip_sgr(line: &str) -> Cow<'_, str> {
    if !line.contains('\x1b') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
            Some(j) if after[j..].starts_with('m') => rest = &after[j + 1..],
            _ => {
                out.push('\x1b');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Escaped text cut into lines of at most `width` columns at spaces, the lines
/// after the first indented by `indent` (a word longer than a line is not split).
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let options = textwrap::Options::new(width)
        .subsequent_indent(indent)
        .break_words(false)
        // Only at spaces: a path or `key=value` stays whole (UAX 14 would break after `/`).
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// The first line: what was judged, against what, with which variables (escaped).
fn judged(r: &Report) -> String {
    use crate::repo::SourceKind;
    let t = &r.target;
    let short = |c: &str| c[..c.len().min(12)].to_string();
    let at_head = t
        .rev
        .as_deref()
        .map_or(" (no commit yet)".to_string(), |c| {
            format!(" at HEAD {}", short(c))
        });
    let mut line = match t.source {
        SourceKind::Worktree => format!("judged: the working tree{at_head}"),
        SourceKind::Staged => format!("judged: the index (staged){at_head}"),
        SourceKind::Rev => format!(
            "judged: commit {}",
            t.rev.as_deref().map_or("?".to_string(), short)
        ),
    };
    if t.path != "." {
        line.push_str(&format!(" of {}", display(&t.path)));
    }
    if let Some(b) = &t.base {
        line.push_str(&format!(", changes since base {}", short(b)));
    }
    if r.vars.is_empty() {
        line.push_str("; no variables");
    } else {
        let vars: Vec<String> = r
            .vars
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{}={}", display(k), display(v)),
                None => format!("{} (no value)", display(k)),
            })
            .collect();
        line.push_str(&format!("; vars: {}", vars.join(", ")));
    }
    line
}

fn write_summary(
    r: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let paint = Paint(opts.color);
    let width = opts.width.max(crate::output::term::MIN_WIDTH);
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
                let text = format!(
                    "~ {} {place}: {} (waived until {}: {}, approved by {}; {}:{})",
                    display(&f.policy),
                    display_text(&f.message),
                    w.expires,
                    display_text(&w.reason),
                    display_text(&w.approved_by),
                    display(&w.path),
                    w.line
                );
                for line in wrap(&text, width, "  ") {
                    writeln!(out, "{}", paint.paint(DIM, &line))?;
                }
            }
        }
        writeln!(out)?;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    // The highest severity of each policy's live findings: below --fail-on, a failing
    // policy fails nothing, and says so.
    let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in &r.findings {
        *counts.entry(f.policy.as_str()).or_default() += 1;
        if f.waived.is_none() {
            let w = worst.entry(f.policy.as_str()).or_insert(f.severity);
            *w = (*w).max(f.severity);
        }
    }
    let (mut failed, mut warned) = (0, 0);
    for p in &r.policies {
        let severity = worst.get(p.id.as_str()).copied().unwrap_or(p.severity);
        let (mark, word, sgr) = match p.status {
            Status::Pass => ("✓", "pass", GREEN),
            Status::Fail if severity >= opts.fail_on => ("✗", "fail", RED),
            Status::Fail if severity == Severity::Warning => ("⚠", "warn", YELLOW),
            Status::Fail => ("ℹ", "note", CYAN),
            Status::Skip => ("-", "skip", DIM),
            Status::Waived => ("~", "waived", DIM),
        };
        match word {
            "fail" => failed += 1,
            "warn" | "note" => warned += 1,
            _ => {}
        }
        let n = counts.get(p.id.as_str()).copied().unwrap_or(0);
        let extra = match (p.status, &p.reason) {
            (Status::Fail, _) => format!(" ({n} finding{})", if n == 1 { "" } else { "s" }),
            (_, Some(reason)) => format!(" ({})", display(reason)),
            _ => String::new(),
        };
        let head = format!("{mark} {word:<5} ");
        let indent = " ".repeat(head.chars().count());
        let text = format!("{}{} {}{extra}", head, display(&p.id), display(&p.title));
        for (i, line) in wrap(&text, width, &indent).iter().enumerate() {
            let shown = match (p.status, i) {
                (Status::Skip | Status::Waived, _) => paint.paint(sgr, line),
                (_, 0) => {
                    let rest = line.strip_prefix(head.as_str()).unwrap_or(line);
                    Cow::Owned(format!("{}{rest}", paint.paint(sgr, &head)))
                }
                _ => Cow::Borrowed(line.as_str()),
            };
            writeln!(out, "{shown}")?;
        }
    }
    for line in r.vacuous() {
        for l in wrap(&format!("note: {}", display_text(&line)), width, "  ") {
            writeln!(out, "{l}")?;
        }
    }
    let s = r.summary();
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    let warned = if warned > 0 {
        format!(", {warned} warned")
    } else {
        String::new()
    };
    let line = format!(
        "{}: {} passed, {failed} failed{warned}, {} skipped, {} waived; {}, {}, {}",
        n(s.policies, "policy", "policies"),
        s.passed,
        s.skipped,
        s.waived,
        n(s.errors, "error", "errors"),
        n(s.warnings, "warning", "warnings"),
        n(s.notes, "note", "notes"),
    );
    // Red when the run fails, yellow when it passes with findings, else green.
    let sgr = if r.fails(opts.fail_on) {
        RED
    } else if r.findings.iter().any(|f| f.waived.is_none()) {
        YELLOW
    } else {
        GREEN
    };
    writeln!(out)?;
    for l in wrap(&line, width, "  ") {
        writeln!(out, "{}", paint.paint(sgr, &l))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{cut, strip_sgr, wrap};

    #[test]
    fn cuts_keep_the_window_and_mark_the_ends() {
        for (line, start, avail, want) in [
            ("short", 0, 10, "short"),
            ("0123456789abcdef", 0, 10, "012345678…"),
            ("0123456789abcdef", 4, 10, "…456789ab…"),
            ("0123456789abcdef", 8, 10, "…89abcdef"),
            ("é日本語テキスト", 2, 4, "…本語…"),
        ] {
            assert_eq!(cut(line, start, avail), want, "{line} {start} {avail}");
            assert!(cut(line, start, avail).chars().count() <= avail);
        }
    }

    #[test]
    fn sgr_codes_are_stripped_and_nothing_else() {
        assert_eq!(strip_sgr("\x1b[31m::error::x\x1b[0m"), "::error::x");
        assert_eq!(strip_sgr("a\x1b[1;32mb"), "ab");
        assert_eq!(strip_sgr("\\x1b[31m kept"), "\\x1b[31m kept");
        assert_eq!(strip_sgr("\x1b]52;c;x"), "\x1b]52;c;x");
    }

    #[test]
    fn wraps_only_at_spaces() {
        assert_eq!(
            wrap("vars: a=docs/x/y/z.md, b=1", 12, "  "),
            ["vars:", "  a=docs/x/y/z.md,", "  b=1"]
        );
    }
}
