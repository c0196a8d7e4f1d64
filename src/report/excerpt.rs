//! The bounded excerpt of a file miette shows for one finding (see [`super::human`]).

use super::snippet::{excerpt_from, excerpt_start};
use crate::output::escape::{display, display_text};
use crate::repo::Content;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

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
