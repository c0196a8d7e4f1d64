//! File content with a line index: byte offset ↔ 1-based line and column.
//!
//! The index is the crate's one line index ([`crate::parse::lines::LineIndex`]), so a
//! finding's position is computed the same way as a parser's, in O(log lines) whatever
//! the length of the line. One difference is kept on purpose: an offset just past a
//! final `\n` is on the last line here (a finding "at the end of the file" points at
//! its last line, not at a line the file does not have).

use crate::parse::lines::LineIndex;

/// The bytes of one file, read once and shared, with its line index (built on the
/// first question about lines: most files read are never located in).
#[derive(Debug)]
pub struct Content {
    bytes: Vec<u8>,
    lines: std::sync::OnceLock<LineIndex>,
}

impl Content {
    pub fn new(bytes: Vec<u8>) -> Self {
        Content {
            bytes,
            lines: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.bytes))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The content as UTF-8, or the first invalid byte's position.
    pub fn text(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.bytes)
    }

    /// Number of lines (a final line without `\n` counts; an empty file has one empty line).
    pub fn line_count(&self) -> usize {
        self.index().line_count()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.index().line_of(offset).min(self.line_count())
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, column) = self.index().line_col(&self.bytes, offset);
        if line > self.line_count() {
            // Just past a final line break: the end of the last line.
            let last = self.line_count();
            let range = self.line_range(last);
            let (_, c) = self.index().line_col(&self.bytes, range.end);
            return (last, c);
        }
        (line, column)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.index().line_start(line)
    }

    /// Byte range of 1-based `line`, without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        self.index().line_range(&self.bytes, line)
    }

    /// The text of 1-based `line` (lossy where it is not UTF-8).
    pub fn line_text(&self, line: usize) -> String {
        String::from_utf8_lossy(&self.bytes[self.line_range(line)]).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let c = Content::new("ab\r\nc\u{e9}d\n\nlast".as_bytes().to_vec());
        assert_eq!(c.line_count(), 4);
        assert_eq!(c.line_col(0), (1, 1));
        assert_eq!(c.line_col(4), (2, 1));
        assert_eq!(c.line_col(7), (2, 3));
        assert_eq!(c.line_text(1), "ab");
        assert_eq!(c.line_text(2), "c\u{e9}d");
        assert_eq!(c.line_text(3), "");
        assert_eq!(c.line_text(4), "last");
        assert_eq!(c.line_of(c.bytes().len()), 4);
    }

    #[test]
    fn trailing_newline_adds_no_line() {
        assert_eq!(Content::new(b"a\nb\n".to_vec()).line_count(), 2);
        assert_eq!(Content::new(Vec::new()).line_count(), 1);
    }
}
