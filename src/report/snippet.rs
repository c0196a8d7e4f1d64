//! Snippets: the bounded piece of a line every report shows of a finding. Cut here
//! only, from the one read of each file ([`super::quote`]); the human report's
//! excerpts ([`super::excerpt`]) cut their lines the same way.

use crate::repo::Content;

/// The most characters a snippet shows of a line (plus `…` at a cut end).
pub(crate) const SNIPPET_CHARS: usize = 160;
/// Characters kept before the column when a long line is cut.
const SNIPPET_BEFORE: usize = 60;

/// A bounded piece of one line: what reports show of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Excerpt {
    /// The text (lossily decoded), with `…` where the line was cut.
    pub(crate) text: String,
    /// 0-based character index of the finding's column in `text`.
    pub(crate) caret: usize,
}

/// The byte offset `n` characters into `bytes`, counting as `String::from_utf8_lossy`
/// does (one character per maximal invalid sequence); `bytes.len()` when shorter.
fn advance(bytes: &[u8], mut n: usize) -> usize {
    // Every character takes a byte at least: no more bytes than `n`, all of them.
    if bytes.len() <= n {
        return bytes.len();
    }
    let mut pos = 0;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        let k = n.min(valid.len());
        if valid.as_bytes()[..k].is_ascii() {
            // Fast path: ASCII bytes are characters.
            if k == n {
                return pos + k;
            }
            n -= k;
            pos += k;
        } else {
            for (i, _) in valid.char_indices() {
                if n == 0 {
                    return pos + i;
                }
                n -= 1;
            }
            pos += valid.len();
        }
        if !chunk.invalid().is_empty() {
            if n == 0 {
                return pos;
            }
            n -= 1;
            pos += chunk.invalid().len();
        }
    }
    pos
}

/// At most [`SNIPPET_CHARS`] characters of 1-based `line` around 1-based `column`
/// (from [`SNIPPET_BEFORE`] characters before it). The work is bounded by the
/// column and the window, never by the line: a 14 MB one-line file costs a finding
/// no more than a short line does.
pub(crate) fn excerpt(content: &Content, line: usize, column: Option<usize>) -> Excerpt {
    let bytes = &content.bytes()[content.line_range(line)];
    excerpt_from(bytes, column.unwrap_or(1).saturating_sub(1), None)
}

/// [`excerpt`] of a line's bytes, at 0-based character `col`; `from` forces the first
/// character shown (for context lines cut like the line they surround).
pub(crate) fn excerpt_from(bytes: &[u8], col: usize, from: Option<usize>) -> Excerpt {
    let start_char = from.unwrap_or_else(|| {
        if bytes.len() <= SNIPPET_CHARS {
            0
        } else {
            col.saturating_sub(SNIPPET_BEFORE)
        }
    });
    let start = advance(bytes, start_char);
    let end = start + advance(&bytes[start..], SNIPPET_CHARS);
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    text.push_str(&String::from_utf8_lossy(&bytes[start..end]));
    if end < bytes.len() {
        text.push('…');
    }
    Excerpt {
        text,
        caret: usize::from(start > 0) + col.saturating_sub(start_char),
    }
}

/// The first character an [`excerpt`] of this line at `column` shows (so context
/// lines can be cut at the same place).
pub(crate) fn excerpt_start(bytes: &[u8], column: Option<usize>) -> usize {
    if bytes.len() <= SNIPPET_CHARS {
        0
    } else {
        column
            .unwrap_or(1)
            .saturating_sub(1)
            .saturating_sub(SNIPPET_BEFORE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_whole() {
        let e = excerpt_from(b"key: value", 5, None);
        assert_eq!(
            e,
            Excerpt {
                text: "key: value".into(),
                caret: 5
            }
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(70_000), "b".repeat(70_000));
        let e = excerpt_from(line.as_bytes(), 70_000, None);
        assert_eq!(e.text.chars().count(), SNIPPET_CHARS + 2);
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert_eq!(e.text.chars().nth(e.caret), Some('X'));
        // Multi-byte and invalid bytes count as the lossy decoding counts them.
        let mut line = "é".repeat(100).into_bytes();
        line.extend_from_slice(b"\xff\xfeX");
        line.extend(std::iter::repeat_n(b'z', 200));
        let e = excerpt_from(&line, 102, None);
        assert_eq!(e.text.chars().nth(e.caret), Some('X'), "{}", e.text);
        assert!(e.text.contains("é\u{fffd}\u{fffd}X"), "{}", e.text);
        // The column at the end of a line.
        let e = excerpt_from(b"abc", 3, None);
        assert_eq!((e.text.as_str(), e.caret), ("abc", 3));
    }
}
