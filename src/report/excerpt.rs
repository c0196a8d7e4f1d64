//! The bounded excerpt of a file shown for one finding (see [`super::human`]), the
//! box miette draws around it, and the [`Layout`] (miette's handler and theme) of the
//! human report.
//!
//! [`Excerpt::draw`] writes that box itself, for the one shape relgate's findings have
//! (one label, empty, at one caret, on at most three short lines), byte for byte as
//! miette's `GraphicalReportHandler` draws it with the same theme. Written by hand
//! because miette's general layout (any number of labels, multi-line spans, gutters),
//! which reads the excerpt three times and lays it out a character at a time, made the
//! human report 3.2x the JSON report on 20,000 findings (most of it in drawing excerpts);
//! the tests compare both drawings over many excerpts, with and without colour. Where
//! the shortcut does not apply, miette draws (the [`SourceCode`] implementation below).
//! miette still renders the rest of each finding: its head (policy and wrapped
//! message) and its help.

use super::snippet::{excerpt_from, excerpt_start};
use crate::output::escape::{display, display_text};
use crate::repo::Content;
use miette::{
    GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents, ThemeCharacters,
};
use std::borrow::Cow;

/// The lines miette shows of one finding: the finding's line and one line of
/// context either side, each cut to the snippet window ([`super::snippet::excerpt`])
/// and escaped. Built per finding from the file's one shared [`Content`], so the
/// cost of a finding does not grow with its file (miette scans the source it is
/// given: a whole file per finding made the report quadratic).
pub(super) struct Excerpt {
    /// `path:line:column`, escaped: miette's header.
    name: String,
    text: String,
    /// Line number of the first line of `text`.
    first_line: usize,
    /// Byte offset of the finding's column in `text`.
    pub(super) caret: usize,
    /// Columns a label has after the caret's `╰── ` before the report's width.
    pub(super) label_room: usize,
}

impl Excerpt {
    /// `width`: the columns of the report; lines longer than fit beside miette's
    /// gutter are cut again (with `…`) around the finding's column.
    pub(super) fn new(
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
                let end = e
                    .text
                    .char_indices()
                    .nth(e.caret)
                    .map_or(e.text.len(), |(i, _)| i);
                caret_chars = display_text(&e.text[..end]).chars().count();
            }
            let escaped = match display_text(&e.text) {
                Cow::Owned(escaped) => Some(escaped),
                Cow::Borrowed(_) => None,
            };
            lines.push(escaped.unwrap_or(e.text));
        }
        // miette's gutter: ` NN │ `.
        let gutter = last_line.to_string().len() + 4;
        let avail = width.saturating_sub(gutter).max(20);
        // (A line has no more characters than bytes.)
        if lines
            .iter()
            .any(|l| l.len() > avail && l.chars().count() > avail)
        {
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

/// How findings are laid out: miette's handler, its theme for the excerpt boxes
/// drawn without it ([`Excerpt::draw`]), and the report's width.
pub(super) struct Layout {
    pub(super) handler: GraphicalReportHandler,
    pub(super) pen: Pen,
    pub(super) width: usize,
}

impl Layout {
    pub(super) fn new(color: bool, width: usize) -> Layout {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme.clone())
            .with_width(width)
            .with_links(false)
            .without_primary_span_start()
            // Words end at blanks: the Unicode line-breaking rules cost a third of a long
            // report and break nothing here that a blank does not.
            .with_word_separator(textwrap::WordSeparator::AsciiSpace);
        Layout {
            handler,
            pen: Pen::new(&theme),
            width,
        }
    }
}

/// Columns between tab stops: miette's default, which the report keeps.
const TAB_WIDTH: usize = 4;

/// What [`Excerpt::draw`] takes of a miette theme: its characters, and its styles as
/// the escape codes they write before and after a text (none without colour).
pub(super) struct Pen {
    ch: ThemeCharacters,
    link: (String, String),
    linum: (String, String),
    /// The first label's style; `None` when the theme has none.
    highlight: Option<(String, String)>,
}

impl Pen {
    pub(super) fn new(theme: &GraphicalTheme) -> Pen {
        // (miette does not name owo-colors' `Style`: a macro, not a closure.)
        macro_rules! codes {
            ($style:expr) => {
                (
                    $style.prefix_formatter().to_string(),
                    $style.suffix_formatter().to_string(),
                )
            };
        }
        let st = &theme.styles;
        Pen {
            ch: theme.characters.clone(),
            link: codes!(st.link),
            linum: codes!(st.linum),
            highlight: st.highlights.first().map(|s| codes!(s)),
        }
    }
}

impl Excerpt {
    /// The box miette draws of this excerpt with `label` (escaped) at the caret, in the
    /// theme of `pen` (its `GraphicalReportHandler` with the default context and tab
    /// width, whatever the report's width: lines are cut to fit before this), or `None`
    /// where miette draws it differently from the usual shape: a caret past the end of
    /// the last line (miette shows no label there) or no highlight style.
    pub(super) fn draw(&self, label: &str, pen: &Pen) -> Option<String> {
        let (hl_on, hl_off) = pen.highlight.as_ref()?;
        if self.caret >= self.text.len() {
            return None;
        }
        let mut lines: Vec<&str> = self.text.split('\n').collect();
        // miette shows no empty last line.
        if lines.len() > 1 && lines.last() == Some(&"") {
            lines.pop();
        }
        // The caret's line and its byte in it.
        let mut start = 0;
        let mut at = None;
        for (i, line) in lines.iter().enumerate() {
            if self.caret <= start + line.len() {
                at = Some((i, self.caret - start));
                break;
            }
            start += line.len() + 1;
        }
        let (index, byte) = at?;
        let ch = &pen.ch;
        let last = (self.first_line + lines.len() - 1).to_string();
        let linum_width = last.len();
        let mut out = String::with_capacity(2 * self.text.len() + label.len() + 256);
        let spaces = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
        // `╭─[name]`, then each line after its number, then `╰────`.
        spaces(&mut out, linum_width + 2);
        out.push(ch.ltop);
        out.push(ch.hbar);
        out.push('[');
        out.push_str(&pen.link.0);
        out.push_str(&self.name);
        out.push_str(&pen.link.1);
        out.push_str("]\n");
        // ` NN · `: the gutter of a line under a line.
        let under = |out: &mut String| {
            spaces(out, linum_width + 2);
            out.push(ch.vbar_break);
            out.push(' ');
        };
        for (i, line) in lines.iter().enumerate() {
            let number = (self.first_line + i).to_string();
            out.push(' ');
            out.push_str(&pen.linum.0);
            spaces(&mut out, linum_width - number.len());
            out.push_str(&number);
            out.push_str(&pen.linum.1);
            out.push(' ');
            out.push(ch.vbar);
            out.push(' ');
            // Tabs become spaces to the next stop.
            if line.contains('\t') {
                for (c, w) in widths(line) {
                    match c {
                        '\t' => spaces(&mut out, w),
                        c => out.push(c),
                    }
                }
            } else {
                out.push_str(line);
            }
            out.push('\n');
            if i == index {
                let before = &line[..byte];
                let caret: usize = if before.bytes().all(|b| (b' '..=b'~').contains(&b)) {
                    before.len()
                } else {
                    widths(before).map(|(_, w)| w).sum()
                };
                under(&mut out);
                out.push_str(hl_on);
                spaces(&mut out, caret);
                out.push(ch.uarrow);
                out.push_str(hl_off);
                out.push('\n');
                under(&mut out);
                spaces(&mut out, caret);
                out.push_str(hl_on);
                out.push(ch.lbot);
                out.push(ch.hbar);
                out.push(ch.hbar);
                out.push(' ');
                // miette styles the label, then the label's line.
                out.push_str(hl_on);
                out.push_str(label);
                out.push_str(hl_off);
                out.push_str(hl_off);
                out.push('\n');
            }
        }
        spaces(&mut out, linum_width + 2);
        out.push(ch.lbot);
        out.extend(std::iter::repeat_n(ch.hbar, 4));
        out.push('\n');
        Some(out)
    }
}

/// Each character of `text` with its columns, as miette counts them: a tab to the
/// next stop, nothing for an SGR sequence (the text is escaped, so it has none), else
/// its Unicode width by `unicode-width` 0.1 (the version miette depends on).
fn widths(text: &str) -> impl Iterator<Item = (char, usize)> + '_ {
    let mut column = 0;
    let mut escaped = false;
    text.chars().map(move |c| {
        let w = match (escaped, c) {
            (false, '\t') => TAB_WIDTH - column % TAB_WIDTH,
            (false, '\x1b') => {
                escaped = true;
                0
            }
            (false, c) => unicode_width::UnicodeWidthChar::width(c).unwrap_or(0),
            (true, 'm') => {
                escaped = false;
                0
            }
            (true, _) => 0,
        };
        column += w;
        (c, w)
    })
}

/// At most `avail` characters of `line` from character `start`, `…` marking each cut
/// end (within the `avail`).
pub(super) fn cut(line: &str, start: usize, avail: usize) -> String {
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
