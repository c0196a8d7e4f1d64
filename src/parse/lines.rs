//! One line index for every parser: byte offset ↔ 1-based line and column.
//!
//! Lookups are O(log lines) whatever their order and however long the lines
//! are (a minified JSON file is one 8 MB line):
//! - the line is a binary search over the start offsets of the lines;
//! - the column counts characters (not bytes). In an ASCII text it is the byte
//!   distance. Otherwise the characters of a short stretch are counted
//!   directly, and a long one uses a table of character counts taken every
//!   [`BLOCK`] bytes, so no lookup scans more than `2 * BLOCK` bytes.
//!
//! Line breaks are `\n` (a `\r` before it belongs to the break, not to the
//! line's text). An offset just past a final `\n` is on the line after it,
//! where an editor's cursor would be; [`LineIndex::line_count`] does not count
//! that empty last line.

use super::value::Span;

/// Bytes between two entries of the character-count table.
const BLOCK: usize = 256;

/// The start of every line of one text, and what columns need.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Offset where each line starts; the first is 0.
    starts: Vec<usize>,
    len: usize,
    /// `None` when the text is ASCII (column = byte distance); otherwise
    /// `chars_before[k]` = number of characters in `text[..k * BLOCK]`.
    chars_before: Option<Vec<usize>>,
}

impl LineIndex {
    /// Indexes `bytes` in one pass over them (memchr for the line breaks).
    pub fn new(bytes: &[u8]) -> Self {
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let chars_before = (!bytes.is_ascii()).then(|| {
            let mut table = Vec::with_capacity(bytes.len() / BLOCK + 2);
            let mut count = 0;
            for block in bytes.chunks(BLOCK) {
                table.push(count);
                count += char_count(block);
            }
            table.push(count);
            table
        });
        LineIndex {
            starts,
            len: bytes.len(),
            chars_before,
        }
    }

    /// Number of lines: a final line without `\n` counts; the empty text after a
    /// final `\n` does not; an empty text has one empty line.
    pub fn line_count(&self) -> usize {
        if self.starts.len() > 1 && self.starts.last() == Some(&self.len) {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }

    /// 1-based line of a byte offset (offsets past the end are at the end).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based (line, column) of a byte offset of `bytes` (the text this index
    /// was built from); the column counts characters.
    pub fn line_col(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len).min(bytes.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        (line, self.chars_between(bytes, start, offset) + 1)
    }

    /// Byte offset of 1-based `line` and character `column` of `bytes` (the text
    /// this index was built from): the inverse of [`LineIndex::line_col`]. A
    /// column past the end of its line is the end of the line (before its
    /// `\n`); a line past the end of the text is the end of the text.
    pub fn offset(&self, bytes: &[u8], line: usize, column: usize) -> usize {
        let range = self.line_span(line.max(1));
        let range = range.start.min(bytes.len())..range.end.min(bytes.len());
        let wanted = column.saturating_sub(1);
        if self.chars_before.is_none() {
            return (range.start + wanted).min(range.end);
        }
        bytes[range.clone()]
            .iter()
            .enumerate()
            // Character starts: bytes that are not UTF-8 continuation bytes.
            .filter(|(_, b)| (**b as i8) >= -0x40)
            .nth(wanted)
            .map_or(range.end, |(i, _)| range.start + i)
    }

    /// Byte offset where 1-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        match line.checked_sub(1) {
            Some(i) => self.starts.get(i).copied().unwrap_or(self.len),
            None => 0,
        }
    }

    /// Byte range of 1-based `line` without its `\n` (a `\r` before it is kept).
    pub fn line_span(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let end = self.starts.get(line).map_or(self.len, |n| n - 1);
        start.min(end)..end
    }

    /// Byte range of 1-based `line`, without its terminator (`\n` or `\r\n`).
    pub fn line_range(&self, bytes: &[u8], line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let mut end = self.line_span(line).end.min(bytes.len());
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start.min(end)..end
    }

    fn chars_between(&self, bytes: &[u8], start: usize, end: usize) -> usize {
        let Some(table) = &self.chars_before else {
            return end - start;
        };
        if end - start <= 2 * BLOCK {
            return char_count(&bytes[start..end]);
        }
        let before = |at: usize| {
            let block = at / BLOCK;
            table.get(block).copied().unwrap_or(0) + char_count(&bytes[block * BLOCK..at])
        };
        before(end) - before(start)
    }
}

/// Characters in a stretch of UTF-8 (bytes that are not continuation bytes).
fn char_count(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        return bytes.len();
    }
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

/// A text and its line index: what the parsers hold while they report positions.
pub struct Locator<'a> {
    text: &'a str,
    index: LineIndex,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Locator {
            text,
            index: LineIndex::new(text.as_bytes()),
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        self.index.line_col(self.text.as_bytes(), offset)
    }

    /// Byte offset of 1-based `line` and character `column` (see [`LineIndex::offset`]).
    pub fn offset(&self, line: usize, column: usize) -> usize {
        self.index.offset(self.text.as_bytes(), line, column)
    }

    /// The [`Span`] of `len` bytes from `offset` (clamped to the text).
    pub fn span(&self, offset: usize, len: usize) -> Span {
        let offset = offset.min(self.text.len());
        let (line, column) = self.locate(offset);
        Span {
            line,
            column,
            offset,
            len: len.min(self.text.len() - offset),
        }
    }

    /// The text of 1-based `line` without its terminator (`""` past the end).
    pub fn line_text(&self, line: usize) -> &'a str {
        if line == 0 || line > self.index.starts.len() {
            return "";
        }
        let range = self.index.line_range(self.text.as_bytes(), line);
        self.text.get(range).unwrap_or("")
    }

    /// A failure at a byte offset.
    pub fn failure(&self, offset: usize, message: impl Into<String>) -> super::value::ParseFailure {
        let (line, column) = self.locate(offset);
        super::value::ParseFailure {
            message: message.into(),
            line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\r\nc\u{e9}d\n\nlast";
        let l = Locator::new(text);
        assert_eq!(l.index.line_count(), 4);
        assert_eq!(l.locate(0), (1, 1));
        assert_eq!(l.locate(4), (2, 1));
        assert_eq!(l.locate(7), (2, 3));
        assert_eq!(l.line_text(1), "ab");
        assert_eq!(l.line_text(2), "c\u{e9}d");
        assert_eq!(l.line_text(3), "");
        assert_eq!(l.line_text(4), "last");
        assert_eq!(l.line_text(5), "");
        assert_eq!(l.locate(text.len()), (4, 5));
        assert_eq!(l.locate(usize::MAX), (4, 5));
    }

    #[test]
    fn trailing_newline_adds_no_line_but_the_end_is_after_it() {
        let i = LineIndex::new(b"a\nb\n");
        assert_eq!(i.line_count(), 2);
        assert_eq!(i.line_col(b"a\nb\n", 4), (3, 1));
        assert_eq!(LineIndex::new(b"").line_count(), 1);
        assert_eq!(LineIndex::new(b"").line_col(b"", 0), (1, 1));
        assert_eq!(i.line_range(b"a\nb\n", 2), 2..3);
    }

    #[test]
    fn long_lines_ascii_and_not() {
        let text = format!("{}é\nx", "a".repeat(10_000));
        let l = Locator::new(&text);
        assert_eq!(l.locate(10_000), (1, 10_001));
        assert_eq!(l.locate(10_002), (1, 10_002));
        assert_eq!(l.locate(10_003), (2, 1));
        assert_eq!(l.line_text(2), "x");
        // Every offset of a long mixed line agrees with counting from its start.
        let text = "é a ü ".repeat(300) + "\n" + &"x€".repeat(400);
        let l = Locator::new(&text);
        for (offset, _) in text.char_indices() {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = 1 + text[..offset].matches('\n').count();
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(l.locate(offset), (line, column), "{offset}");
        }
        let ascii = "k".repeat(5_000);
        assert_eq!(Locator::new(&ascii).locate(4_321), (1, 4_322));
    }

    #[test]
    fn offsets_of_lines_and_columns_invert_locate() {
        for text in ["ab\r\nc\u{e9}d\n\nlast", "ab\ncd\n", "\u{e9}\nx", ""] {
            let l = Locator::new(text);
            for (offset, _) in text.char_indices() {
                let (line, column) = l.locate(offset);
                assert_eq!(l.offset(line, column), offset, "{text:?} {offset}");
            }
        }
        let l = Locator::new("ab\ncd\n");
        assert_eq!(l.offset(2, 2), 4);
        // Past the end of a line: the end of that line; past the last line: the end.
        assert_eq!(l.offset(1, 9), 2);
        assert_eq!(l.offset(9, 1), 6);
        assert_eq!(l.offset(0, 0), 0);
        assert_eq!(Locator::new("\u{e9}\nx").offset(1, 2), 2);
        let long = "é".repeat(1_000) + "x";
        assert_eq!(Locator::new(&long).offset(1, 1_001), 2_000);
        let s = Locator::new("a: b\nc: d\n").span(8, 99);
        assert_eq!((s.line, s.column, s.offset, s.len), (2, 4, 8, 2));
    }
}
