//! Text from the repository (file names, lines, values) shown on a terminal or in a
//! CI job log, where a control character is an instruction: ESC starts colour,
//! cursor movement or an OSC 52 clipboard write, CR and backspace overwrite what
//! was printed, a newline starts a line the runner may read as a workflow command
//! (`::stop-commands::`). One function, [`display`], makes such text inert; every
//! human and standard-error output goes through it (the GitHub format escapes
//! with it too, then applies the workflow-command encoding).
//!
//! Escaped: C0 controls (tab kept where text may span lines, see [`display_text`]),
//! DEL, C1 controls, and the Unicode bidirectional overrides and isolates (which
//! reorder what a reader sees: "Trojan Source"). They become `\xHH` (below U+0080)
//! or `\u{HHHH}`, so the escaped form names the character; the backslash itself
//! is left as it is (a regex in a message stays readable).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

fn needs_escape(c: char, keep_newline: bool) -> bool {
    match c {
        '\t' => !keep_newline,
        '\n' => !keep_newline,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidirectional embeddings, overrides, isolates and marks that reorder text.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => true,
        '\u{61c}' => true,
        _ => false,
    }
}

fn escape(s: &str, keep_newline: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c, keep_newline)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !needs_escape(c, keep_newline) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// The escaped form of one character, when [`display`] escapes it.
pub fn escaped_char(c: char) -> Option<String> {
    needs_escape(c, false).then(|| display(c.encode_utf8(&mut [0; 4])).into_owned())
}

/// One-line text (a file name, a source line, a value) made inert for a terminal or
/// a job log: every control character, newline and tab included, is escaped.
pub fn display(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Text that may span lines (a message, a help text): as [`display`], but line
/// breaks (`\n`) and tabs are kept. A line that would then read as a workflow
/// command is neutralised by the writer of standard error ([`Inert`]) and by the
/// human report.
pub fn display_text(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// A path, lossily decoded, as [`display`] shows it.
pub fn display_path(p: &Path) -> String {
    display(&p.to_string_lossy()).into_owned()
}

/// Whether a line would be read by a CI runner as a command: GitHub Actions reads
/// `::name …::` and the older `##[name]` after leading whitespace.
pub fn is_command_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("::") || t.starts_with("##[")
}

/// A line made safe for a job log: controls escaped (tabs kept), and a line that a
/// runner would read as a command gets a leading `\`.
pub fn inert_line(line: &str) -> Cow<'_, str> {
    let escaped = escape(line, true);
    if is_command_line(&escaped) {
        Cow::Owned(format!("\\{}", escaped.trim_start()))
    } else {
        escaped
    }
}

/// A writer for standard error: relgate writes no control character and no
/// workflow command there, so whatever passes is made inert line by line
/// ([`inert_line`]), whoever produced it. Bytes are held until a line is complete;
/// [`std::io::Write::flush`] and drop write the rest.
pub struct Inert<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> Inert<W> {
    pub fn new(inner: W) -> Self {
        Inert {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, line: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(line);
        let (body, nl) = match text.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (&*text, ""),
        };
        self.inner.write_all(inert_line(body).as_bytes())?;
        self.inner.write_all(nl.as_bytes())
    }
}

impl<W: std::io::Write> std::io::Write for Inert<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(i) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=i).collect();
            self.emit(&line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.emit(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Inert<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn escapes_every_control() {
        for (raw, shown) in [
            ("plain é/ü.md", "plain é/ü.md"),
            ("a\x1b[31mred", "a\\x1b[31mred"),
            ("osc\x1b]52;c;ZXZpbA==\x07", "osc\\x1b]52;c;ZXZpbA==\\x07"),
            ("over\rwrite\x08", "over\\x0dwrite\\x08"),
            ("two\nlines\t", "two\\x0alines\\x09"),
            ("c1\u{9b}31m", "c1\\u{9b}31m"),
            ("rtl\u{202e}txt.md", "rtl\\u{202e}txt.md"),
            ("del\x7f", "del\\x7f"),
            (r"keeps \d+ as is", r"keeps \d+ as is"),
        ] {
            assert_eq!(display(raw), shown, "{raw:?}");
        }
        assert_eq!(display_text("a\n\tb\r"), "a\n\tb\\x0d");
    }

    #[test]
    fn standard_error_carries_no_command() {
        let mut out = Vec::new();
        {
            let mut w = Inert::new(&mut out);
            write!(w, "relgate: x\n  ::stop-commands::tok\n##[error]x\n").unwrap();
            write!(w, "no newline \x1b]52;c;x\x07").unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "relgate: x\n\\::stop-commands::tok\n\\##[error]x\nno newline \\x1b]52;c;x\\x07"
        );
    }
}
