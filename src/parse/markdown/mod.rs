//! Markdown as a reader sees it: headings, sections and task-list items from
//! a CommonMark parse, and the text with everything that is not rendered as
//! text blanked out.
//!
//! Policies ask structural questions about documents ("does the DR checklist
//! have a section for this release?", "is every box in it ticked?"), and a
//! pull request is hostile: whatever the gate reads must be what a reviewer
//! sees rendered. A hand-written line scanner cannot follow CommonMark's
//! containers (block quotes, list items that end an unclosed fence, lazy
//! continuation lines, HTML blocks, indented code), so the parse is
//! [`pulldown_cmark`] with GitHub's extensions (task lists, tables,
//! strikethrough, footnotes), read through its offset iterator. On top of it
//! this module keeps relgate's own notions:
//!
//! * A **heading** is every `<h1>`..`<h6>` of the rendering (ATX and setext,
//!   also inside block quotes and list items), with its 1-based line and its
//!   text as written (inline markup kept, HTML comments removed, lines of a
//!   setext heading joined with a space).
//! * A **section** is a heading and the lines after it up to the next heading
//!   of the same or a higher level (`level <= heading.level`), or the end of
//!   the file.
//! * A **task item** is a list item that starts with `[ ]`, `[x]` or `[X]`, in
//!   any list (`-`, `*`, `+`, `1.`, `1)`), nested or in a block quote. Where
//!   common renderers disagree on whether something is an unticked box, it is
//!   one (the reading that fails): a box in a list in a block quote (which
//!   cmark-gfm does not render as a box), and an item whose first line is
//!   empty and whose next line starts with `[ ] ` (a box for markdown-it's
//!   task-list rule, not for cmark-gfm). A ticked box is one only where both
//!   agree (a space and text after it): a ticked box that some renderers do not
//!   show must not make a checklist pass. `tests/corpora/commonmark/renderers/`
//!   holds the cases and both renderers' readings.
//! * **Hidden** text is what is not rendered as text: HTML comments, HTML
//!   blocks, inline HTML tags, fenced and indented code blocks, and link
//!   reference definitions. [`visible`] replaces it with spaces, keeping every
//!   line break, so byte offsets, lines and columns stay those of the file.
//!
//! Lines are those of the file's `\n`s, as everywhere in relgate. CommonMark
//! also ends a line at a lone `\r`; where a lone `\r` puts two blocks on one
//! line, that line belongs to both sections around it (a section never loses
//! a line a reader sees in it).

use crate::parse::lines::LineIndex;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::ops::{Range, RangeInclusive};

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;

/// A heading of the rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1..=6.
    pub level: u8,
    /// The heading text as written, trimmed (see the module doc).
    pub text: String,
    /// 1-based line where the heading starts.
    pub line: usize,
    /// Byte range of the whole heading (a setext heading's underline included).
    pub span: Range<usize>,
}

/// A heading and its body: the lines after the heading up to (not including)
/// the next heading of the same or a higher level (`level <= heading.level`),
/// or the end of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: Heading,
    /// First body line (the line after the heading's last line).
    pub body_start: usize,
    /// Inclusive last body line; `body_end < body_start` when the body is empty.
    pub body_end: usize,
}

impl Section {
    /// The body as an inclusive line range (empty when the body is empty).
    pub fn body(&self) -> RangeInclusive<usize> {
        self.body_start..=self.body_end
    }
}

/// A GitHub task-list item (`- [ ] text`, `1. [x] text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskItem {
    /// 1-based line of the box.
    pub line: usize,
    /// 1-based character column of the `[`.
    pub column: usize,
    /// `[x]` or `[X]`.
    pub checked: bool,
    /// The visible text after the box on its line, trimmed.
    pub text: String,
}

/// Whether `path` names a Markdown file (`*.md`, `*.markdown`, any case): the
/// files whose hidden text the text-searching checks do not read.
pub fn is_markdown(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown")
        }
        _ => false,
    }
}

/// The text the text-searching checks read in `path`: for a Markdown file,
/// unless `raw`, its [`visible`] text; else the text itself. Offsets are
/// those of `text` either way.
pub fn searched<'t>(path: &str, text: &'t str, raw: bool) -> Cow<'t, str> {
    if raw || !is_markdown(path) {
        Cow::Borrowed(text)
    } else {
        visible(text)
    }
}

/// `text` with its hidden parts (see the module doc) replaced by spaces, line
/// breaks kept: same length, same lines, same columns.
pub fn visible(text: &str) -> Cow<'_, str> {
    blank(text, &Doc::parse(text).hidden)
}

/// The headings of `text`, in order.
pub fn headings(text: &str) -> Vec<Heading> {
    Doc::parse(text).headings
}

/// The section of the first heading whose text equals `title` exactly (no
/// case folding or Unicode normalisation).
pub fn section(text: &str, title: &str) -> Option<Section> {
    Doc::parse(text).section_where(|h| h == title)
}

/// The section of the first heading whose text (as [`Heading::text`]) satisfies `pred`.
pub fn section_where(text: &str, pred: impl Fn(&str) -> bool) -> Option<Section> {
    Doc::parse(text).section_where(pred)
}

/// The task items whose box is on one of the given 1-based lines (inclusive).
pub fn task_items(text: &str, lines: RangeInclusive<usize>) -> Vec<TaskItem> {
    Doc::parse(text)
        .items
        .into_iter()
        .filter(|i| lines.contains(&i.line))
        .collect()
}

/// The options of the parse: CommonMark with GitHub's extensions that change
/// which blocks there are.
fn options() -> Options {
    Options::ENABLE_TASKLISTS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}

/// Whether `s` (the end of one line, without its `\n`) holds a lone `\r`,
/// which CommonMark reads as a line break.
fn has_lone_cr(s: &str) -> bool {
    s.strip_suffix('\r').unwrap_or(s).contains('\r')
}

/// What one parse yields.
struct Doc<'t> {
    text: &'t str,
    lines: LineIndex,
    headings: Vec<Heading>,
    items: Vec<TaskItem>,
    /// Sorted, disjoint byte ranges of hidden text.
    hidden: Vec<Range<usize>>,
}

impl<'t> Doc<'t> {
    fn parse(text: &'t str) -> Doc<'t> {
        let lines = LineIndex::new(text.as_bytes());
        let mut hidden = Vec::new();
        // Headings: (level, span, content span) until the visible text is known.
        let mut open: Option<(u8, Range<usize>, Option<Range<usize>>)> = None;
        let mut raw_headings = Vec::new();
        let mut markers = Vec::new();
        // A list item just opened, and where: its first content decides whether
        // it is a box that only some renderers see (see [`late_box`]).
        let mut item: Option<usize> = None;
        let mut events = Parser::new_ext(text, options()).into_offset_iter();
        for (event, range) in events.by_ref() {
            if let Some(start) = item {
                match &event {
                    Event::Start(Tag::Paragraph) => {}
                    Event::TaskListMarker(_) => item = None,
                    _ => {
                        item = None;
                        if let Some(at) = late_box(text, &lines, start, range.start) {
                            markers.push((at, false));
                        }
                    }
                }
            }
            if matches!(event, Event::Start(Tag::Item)) {
                item = Some(range.start);
            }
            if let Some((_, _, content)) = &mut open
                && !matches!(event, Event::End(TagEnd::Heading(_)))
            {
                *content = Some(match content.take() {
                    Some(c) => c.start.min(range.start)..c.end.max(range.end),
                    None => range.clone(),
                });
            }
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    open = Some((level as u8, range, None));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(h) = open.take() {
                        raw_headings.push(h);
                    }
                }
                Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) | Event::InlineHtml(_) => {
                    hidden.push(range);
                }
                // A ticked box counts only where common renderers agree on it
                // (see [`late_box`]): markdown-it wants a space and text after it.
                Event::TaskListMarker(true) if !agreed_tick(text, range.start) => {}
                Event::TaskListMarker(checked) => markers.push((range.start, checked)),
                _ => {}
            }
        }
        hidden.extend(
            events
                .reference_definitions()
                .iter()
                .map(|(_, def)| def.span.clone()),
        );
        let hidden = merge(hidden);
        let shown = blank(text, &hidden);
        let headings = raw_headings
            .into_iter()
            .map(|(level, span, content)| Heading {
                level,
                text: content.map_or_else(String::new, |c| {
                    let mut words = shown[c].split(['\n', '\r']).map(str::trim);
                    let first = words.next().unwrap_or_default().to_string();
                    words
                        .filter(|w| !w.is_empty())
                        .fold(first, |acc, w| acc + " " + w)
                        .trim()
                        .to_string()
                }),
                line: lines.line_of(span.start),
                span,
            })
            .collect();
        let items = markers
            .into_iter()
            .map(|(at, checked)| {
                let line = lines.line_of(at);
                let whole = lines.line_span(line);
                let start = whole.start.min(at);
                let after = (at + 3).min(whole.end);
                let rest = &shown[after..whole.end];
                let rest = rest.split('\r').next().unwrap_or_default();
                TaskItem {
                    line,
                    column: text[start..at].chars().count() + 1,
                    checked,
                    text: rest.trim().to_string(),
                }
            })
            .collect();
        Doc {
            text,
            lines,
            headings,
            items,
            hidden,
        }
    }

    fn section_where(&self, pred: impl Fn(&str) -> bool) -> Option<Section> {
        let index = self.headings.iter().position(|h| pred(&h.text))?;
        let heading = self.headings[index].clone();
        // The body starts on the line after the heading, or on the heading's
        // last line when a lone `\r` puts more text after it there.
        let last = self
            .lines
            .line_of(heading.span.end.saturating_sub(1).max(heading.span.start));
        let tail = self.lines.line_span(last);
        let rest = &self.text[heading.span.end.clamp(tail.start, tail.end)..tail.end];
        let body_start = if has_lone_cr(rest) || !rest.trim().is_empty() {
            last
        } else {
            last + 1
        };
        let body_end = match self.headings[index + 1..]
            .iter()
            .find(|h| h.level <= heading.level)
        {
            Some(next) => {
                let before = &self.text[self.lines.line_start(next.line)..next.span.start];
                // Any `\r` before the heading on its line is a lone one.
                if before.contains('\r') {
                    next.line
                } else {
                    next.line - 1
                }
            }
            None => self.lines.line_count(),
        };
        Some(Section {
            heading,
            body_start,
            body_end,
        })
    }
}

/// An unticked box that some common renderers see and others do not, at
/// `content` (the first content of a list item that starts at `item`): a list
/// item whose first line is empty and whose content starts on the next line
/// with `[ ] ` (`-` then `  [ ] text`). markdown-it's GFM task-list rule reads it
/// as a task item; cmark-gfm (GitHub) and pulldown-cmark do not. Where
/// renderers disagree on an unticked box, the gate takes the reading that
/// fails: it is an unticked item. The same with `[x]` is not read as an item
/// (a ticked box some renderers do not show must not make a checklist pass).
fn late_box(text: &str, lines: &LineIndex, item: usize, content: usize) -> Option<usize> {
    (lines.line_of(content) > lines.line_of(item) && text[content..].starts_with("[ ] "))
        .then_some(content)
}

/// Whether the ticked box at `at` (its `[`) is one for markdown-it's task-list
/// rule as well as for cmark-gfm: a space after the `]`, then text on the line.
fn agreed_tick(text: &str, at: usize) -> bool {
    let rest = text.get(at + 3..).unwrap_or_default();
    let line = rest.split(['\n', '\r']).next().unwrap_or_default();
    line.starts_with(' ') && !line.trim().is_empty()
}

/// Sorted, disjoint ranges covering the same bytes as `ranges`.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges.into_iter().filter(|r| !r.is_empty()) {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// `text` with the bytes of `hidden` (sorted, disjoint) replaced by spaces,
/// line breaks kept.
fn blank<'t>(text: &'t str, hidden: &[Range<usize>]) -> Cow<'t, str> {
    if hidden.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut ranges = hidden.iter().peekable();
    for (i, c) in text.char_indices() {
        while ranges.next_if(|r| r.end <= i).is_some() {}
        let inside = ranges.peek().is_some_and(|r| r.start <= i);
        if inside && c != '\n' && c != '\r' {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}
