//! Which config files could assign a setting at all: a byte search that
//! decides, before any parsing, whether a file needs to be read for a name.
//!
//! A file's bytes can assign `NAME` only if they can spell it. In every format
//! relgate reads, a key or variable name is spelled by its own characters,
//! except through the escapes below; so a file that contains none of these
//! cannot assign `NAME`, whether or not it parses:
//!
//! - the name itself, byte for byte;
//! - an escape that yields a character: `\u` (JSON, YAML, TOML), `\U` (YAML,
//!   TOML), `\x` (YAML, TOML 1.1). The other escapes (`\n`, `\t`, `\"`, YAML's
//!   `\_`, `\N`, ...) yield no letter, digit, `_`, `.` or `-`;
//! - an escaped line break, which joins two lines with nothing between them: a
//!   `\` (or a Dockerfile's `` ` `` escape) followed by blanks and a line break
//!   (YAML double-quoted scalars, TOML multi-line strings, shell, Dockerfile);
//! - in shell, dotenv and Dockerfile text, where words are put together from
//!   quoted and unquoted parts: the name once every `"`, `'`, `\`, `` ` `` and
//!   `$` is taken out (`export "BILLING_"'GATEWAY'…`), and in shell any `$'`
//!   (ANSI-C quoting decodes `\x41`). A name built at run time (`eval`,
//!   `declare "$x=1"`) is out of reach of any reading of the file;
//! - a NUL byte (UTF-16 or UTF-32 text, which YAML readers decode; the ASCII
//!   letters of such a file are not contiguous bytes), or bytes that are not
//!   UTF-8 at all.
//!
//! Everything else that YAML could use to build a key keeps the name's bytes in
//! the same file (anchors, aliases and merge keys copy text that is written out
//! elsewhere in the file), or puts a space into it (line folding). A `!!binary`
//! key is read as its base64 text, not as a name. Names made of other
//! characters than ASCII letters, digits, `_`, `.` and `-` are never narrowed:
//! every file is parsed for them.
//!
//! The search is memchr's (the well-kept, SIMD crate that `regex` already uses).

use super::assign::ConfigFormat;
use memchr::memmem::Finder;

/// A name prepared for searching many files.
pub struct Narrower<'n> {
    finder: Finder<'n>,
    /// `false` when the name has characters an escape not listed above could
    /// spell: then every file could assign it.
    narrows: bool,
}

impl<'n> Narrower<'n> {
    pub fn new(name: &'n str) -> Self {
        let narrows = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        Narrower {
            finder: Finder::new(name.as_bytes()),
            narrows,
        }
    }

    /// Whether a file of `format` with these bytes could assign the name: when
    /// `false`, relgate need not read it further (no assignment, no failure).
    pub fn could_assign(&self, format: ConfigFormat, bytes: &[u8]) -> bool {
        if !self.narrows || self.finder.find(bytes).is_some() {
            return true;
        }
        let escapes = match format {
            ConfigFormat::Json | ConfigFormat::Yaml | ConfigFormat::Toml => {
                has_spelling_escape(bytes, b'\\', true)
            }
            ConfigFormat::Dockerfile => {
                has_spelling_escape(bytes, b'\\', false)
                    || has_spelling_escape(bytes, b'`', false)
                    || self.spelled_between_quotes(bytes)
            }
            ConfigFormat::Shell => {
                has_spelling_escape(bytes, b'\\', false)
                    || memchr::memmem::find(bytes, b"$'").is_some()
                    || self.spelled_between_quotes(bytes)
            }
            ConfigFormat::Dotenv => {
                has_spelling_escape(bytes, b'\\', false) || self.spelled_between_quotes(bytes)
            }
        };
        escapes || memchr::memchr(0, bytes).is_some() || std::str::from_utf8(bytes).is_err()
    }
}

impl Narrower<'_> {
    /// Whether the name appears once quotes, escapes and `$` are taken out of
    /// the text: a shell word is put together from quoted and unquoted parts
    /// (`export "BILLING_"'GATEWAY'…=1`, `declare NA\ME=1`, `NA$''ME`).
    fn spelled_between_quotes(&self, bytes: &[u8]) -> bool {
        const QUOTING: &[u8] = b"\"'\\`$";
        if !bytes.iter().any(|b| QUOTING.contains(b)) {
            return false;
        }
        let bare: Vec<u8> = bytes
            .iter()
            .copied()
            .filter(|b| !QUOTING.contains(b))
            .collect();
        self.finder.find(&bare).is_some()
    }
}

/// An `escape` followed by blanks and a line break, or (with `hex`) by `u`,
/// `U` or `x`.
fn has_spelling_escape(bytes: &[u8], escape: u8, hex: bool) -> bool {
    memchr::memchr_iter(escape, bytes).any(|i| {
        let rest = &bytes[i + 1..];
        if hex && matches!(rest.first(), Some(b'u' | b'U' | b'x')) {
            return true;
        }
        let blanks = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        matches!(rest.get(blanks), Some(b'\n' | b'\r'))
    })
}

#[cfg(test)]
mod tests;
