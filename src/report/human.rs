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
//! per finding (whose box [`Excerpt::draw`] draws as miette would, for speed). So every escape sequence on standard output is one relgate or
//! miette wrote: a repository's ESC arrives as the text `\x1b`. The five SGR
//! codes used here are written by hand (a styling crate would add nothing).

use super::excerpt::{Excerpt, Layout};
use super::{RenderOptions, Report};
use crate::engine::Status;
use crate::finding::{Finding, Severity};
use crate::output::escape::{display, display_text, is_command_line};
use miette::{Diagnostic, GraphicalReportHandler, LabeledSpan};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

struct FindingDiag<'a> {
    f: &'a Finding,
    /// The message, escaped.
    message: String,
    /// `POLICY: title`, escaped.
    label: String,
    /// `None`: the footer is appended from [`Footers`].
    help: Option<String>,
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
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
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
    let paint = Paint(opts.color);
    let width = opts.width.max(crate::output::term::MIN_WIDTH);
    let layout = Layout::new(opts.color, width);
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
    if let Some(note) = r.baseline.as_ref().and_then(|b| b.note.as_deref()) {
        for line in wrap(&display_text(note), width, "  ") {
            writeln!(out, "{line}")?;
        }
    }
    // Each finding's block is rendered on its own (in parallel), then written in order.
    // With --base (or --new-only): the change's own findings first, then the
    // pre-existing ones in a section of their own (each part in report order).
    let mut shown: Vec<&Finding> = r.findings.iter().filter(|f| f.waived.is_none()).collect();
    shown.sort_by_key(|f| r.baseline_state(f) == Some("unchanged"));
    let old_from = shown
        .iter()
        .position(|f| r.baseline_state(f) == Some("unchanged"));
    // Findings of one policy share their help: its wrapped footer is rendered once.
    let helps: Vec<String> = shown.iter().map(|f| help_of(f)).collect();
    let mut footers = Footers::default();
    for (f, help) in shown.iter().zip(&helps) {
        if !footers.0.contains_key(help) {
            let footer = footer_of(r, f, &titles, &layout, help)?;
            footers.0.insert(help.clone(), footer);
        }
    }
    // Grouped by what the findings are about: a file, several files, a policy, the
    // repository.
    let mut current: Option<String> = None;
    // A chunk at a time, so the blocks of a long report are not all held at once.
    let mut i = 0;
    for (chunk, helps) in shown.chunks(CHUNK).zip(helps.chunks(CHUNK)) {
        // Findings often share their message (a pattern found on many lines): each
        // worker keeps the heads it rendered.
        let blocks: Vec<std::io::Result<String>> = chunk
            .par_iter()
            .zip(helps)
            .map_init(Heads::default, |heads, (f, help)| {
                render_finding(r, f, help, &titles, &layout, &footers, heads)
            })
            .collect();
        for (f, block) in chunk.iter().zip(blocks) {
            if Some(i) == old_from {
                writeln!(out)?;
                for line in wrap(&pre_existing_heading(r, &shown[i..]), width, "  ") {
                    writeln!(out, "{}", paint.paint(BOLD, &line))?;
                }
                current = None;
            }
            i += 1;
            let about = Report::about(f, false);
            if current.as_ref() != Some(&about) {
                let shown = display(&about);
                writeln!(out, "{}", paint.paint(BOLD, &format!("── {shown} ──")))?;
                current = Some(about);
            }
            out.write_all(block?.as_bytes())?;
        }
    }
    write_summary(r, opts, out)
}

/// The heading of the pre-existing findings: how many, and under `--new-only` how
/// many of them do not count.
fn pre_existing_heading(r: &Report, old: &[&Finding]) -> String {
    let n = super::count(old.len(), "finding", "findings");
    if r.baseline.as_ref().is_some_and(|b| b.new_only) {
        let not = old.iter().filter(|f| r.pre_existing_not_counted(f)).count();
        format!(
            "pre-existing: {n} the base already had ({not} not counted: --new-only; a policy with 'baseline: false' counts its own)"
        )
    } else {
        format!("pre-existing: {n} the base already had")
    }
}

/// Findings rendered together (in parallel), then written.
const CHUNK: usize = 1024;

/// Footers by help text: `None` when miette's report does not end with the
/// footer alone (then each finding is rendered whole).
#[derive(Default)]
struct Footers(std::collections::HashMap<String, Option<String>>);

/// A finding's help: the policy's, and where the policy is defined.
fn help_of(f: &Finding) -> String {
    let origin = format!("policy {} defined at {}", f.policy, f.origin);
    let help = match &f.help {
        Some(h) => format!("{h}\n{origin}"),
        None => origin,
    };
    display_text(&help).into_owned()
}

/// The footer miette renders for `help`: the report of `f` with it, less the same
/// report without it.
fn footer_of(
    r: &Report,
    f: &Finding,
    titles: &BTreeMap<&str, &str>,
    layout: &Layout,
    help: &str,
) -> std::io::Result<Option<String>> {
    let with = diagnostic(r, f, titles, layout, Some(help.to_string()))?;
    let without = diagnostic(r, f, titles, layout, None)?;
    Ok(with.strip_prefix(&without).map(str::to_string))
}

/// One finding as miette sees it: escaped text, and the excerpt of its line.
fn finding_diag<'a>(
    r: &Report,
    f: &'a Finding,
    titles: &BTreeMap<&str, &str>,
    width: usize,
    help: Option<String>,
) -> FindingDiag<'a> {
    let source = match (f.path(), f.line()) {
        (Some(path), Some(line)) => r
            .contents
            .get(path)
            .and_then(|c| Excerpt::new(path, c, line, f.column(), width)),
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
    FindingDiag {
        f,
        message: display_text(&f.message).into_owned(),
        label: display(&label).into_owned(),
        help,
        source,
    }
}

/// One finding's diagnostic as miette renders it.
fn diagnostic(
    r: &Report,
    f: &Finding,
    titles: &BTreeMap<&str, &str>,
    layout: &Layout,
    help: Option<String>,
) -> std::io::Result<String> {
    let diag = finding_diag(r, f, titles, layout.width, help);
    miette_render(&layout.handler, &diag)
}

fn miette_render(handler: &GraphicalReportHandler, diag: &FindingDiag) -> std::io::Result<String> {
    let mut s = String::new();
    handler
        .render_report(&mut s, diag)
        .map_err(|_| std::io::Error::other("cannot render a finding"))?;
    Ok(s)
}

/// The heads miette rendered (policy and message, without excerpt or help), by
/// policy, severity and message: all they depend on.
type Heads<'a> = std::collections::HashMap<(&'a str, Severity, &'a str), String>;

/// One finding's diagnostic without its help, as miette renders it, but with its
/// excerpt's box drawn by [`Excerpt::draw`] when it can (byte for byte what miette
/// draws, at a fraction of the cost): miette renders the head, the policy and the
/// message (it draws the box after them, before the help), once per message in `heads`.
fn drawn<'a>(
    r: &Report,
    f: &'a Finding,
    titles: &BTreeMap<&str, &str>,
    layout: &Layout,
    heads: &mut Heads<'a>,
) -> std::io::Result<String> {
    let mut diag = finding_diag(r, f, titles, layout.width, None);
    let Some(block) = diag
        .source
        .as_ref()
        .and_then(|s| s.draw(&diag.label, &layout.pen))
    else {
        return miette_render(&layout.handler, &diag);
    };
    let key = (f.policy.as_str(), f.severity, f.message.as_str());
    let head = match heads.get(&key) {
        Some(head) => head,
        None => {
            diag.source = None;
            let head = miette_render(&layout.handler, &diag)?;
            heads.entry(key).or_insert(head)
        }
    };
    let mut s = String::with_capacity(head.len() + block.len() + 512);
    s.push_str(head);
    s.push_str(&block);
    Ok(s)
}

/// One finding's block: its diagnostic, lines that could read as a CI workflow
/// command escaped.
fn render_finding<'a>(
    r: &Report,
    f: &'a Finding,
    help: &str,
    titles: &BTreeMap<&str, &str>,
    layout: &Layout,
    footers: &Footers,
    heads: &mut Heads<'a>,
) -> std::io::Result<String> {
    let s = match footers.0.get(help) {
        Some(Some(footer)) => {
            let mut s = drawn(r, f, titles, layout, heads)?;
            s.push_str(footer);
            s
        }
        _ => diagnostic(r, f, titles, layout, Some(help.to_string()))?,
    };
    // Text is escaped, but a message line may still read as a workflow command
    // in a CI log (`::stop-commands::`): such a line gets a leading `\`.
    // With colour, the line is judged without relgate's own SGR codes.
    if !s
        .split_inclusive('\n')
        .any(|line| is_command_line(&strip_sgr(line)))
    {
        return Ok(s);
    }
    let mut block = String::with_capacity(s.len() + 8);
    for line in s.split_inclusive('\n') {
        let plain = strip_sgr(line);
        if is_command_line(&plain) {
            block.push('\\');
            block.push_str(plain.trim_start());
        } else {
            block.push_str(line);
        }
    }
    Ok(block)
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

mod summary;
use summary::{judged, write_summary};

#[cfg(test)]
#[path = "human_tests.rs"]
mod tests;
