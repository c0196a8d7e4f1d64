//! File content with a line index: byte offset ↔ 1-based line and column.

/// The bytes of one file, read once and shared, with the start offset of every line.
#[derive(Debug)]
pub struct Content {
    bytes: Vec<u8>,
    line_starts: Vec<usize>,
}

impl Content {
    pub fn new(bytes: Vec<u8>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        if line_starts.len() > 1 && line_starts.last() == Some(&bytes.len()) {
            line_starts.pop();
        }
        Content { bytes, line_starts }
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
        self.line_starts.len()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let end = offset.min(self.bytes.len());
        let col = String::from_utf8_lossy(&self.bytes[start..end])
            .chars()
            .count()
            + 1;
        (line, col)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.bytes.len())
    }

    /// Byte range of 1-based `line`, without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let mut end = self
            .line_starts
            .get(line)
            .map(|n| n - 1)
            .unwrap_or(self.bytes.len());
        if end > start && self.bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
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
