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
//! - the name across an escaped line break, once every such break is joined
//!   the way the format joins it: YAML double-quoted scalars drop the break and
//!   the next line's leading blanks, TOML multi-line basic strings drop the
//!   break and all whitespace after it, shell, dotenv and Dockerfile drop the
//!   escape and the break (a Dockerfile's escape is `\` or `` ` ``). The search
//!   runs on the text with every `\` or `` ` ``, blanks, a line break and the
//!   whitespace after it removed: a superset of every format's joining (a name
//!   has no blank, so removing more blanks can only spell more), and a file whose
//!   joined text does not spell the name is not read for it. A Helm template
//!   whose shell snippet continues lines with `\` is therefore only parsed when
//!   the joined lines spell the name;
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
        if memchr::memchr(0, bytes).is_some() || std::str::from_utf8(bytes).is_err() {
            return true;
        }
        let hex = matches!(
            format,
            ConfigFormat::Json | ConfigFormat::Yaml | ConfigFormat::Toml
        );
        if hex && has_hex_escape(bytes) {
            return true;
        }
        if format == ConfigFormat::Shell && memchr::memmem::find(bytes, b"$'").is_some() {
            return true;
        }
        // The text as the format reads it across escaped line breaks (the bytes
        // themselves when there is none): the name must be in it.
        let joined = join_escaped_breaks(bytes);
        let text = joined.as_deref().unwrap_or(bytes);
        if joined.is_some() && self.finder.find(text).is_some() {
            return true;
        }
        match format {
            ConfigFormat::Dockerfile | ConfigFormat::Shell | ConfigFormat::Dotenv => {
                self.spelled_between_quotes(text)
            }
            ConfigFormat::Json | ConfigFormat::Yaml | ConfigFormat::Toml => false,
        }
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

/// A `\\` followed by `u`, `U` or `x`: an escape that can spell any character.
fn has_hex_escape(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\\', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'u' | b'U' | b'x')))
}

/// The bytes with every escaped line break joined: a `\\` or `` ` ``, blanks,
/// a line break (LF, CRLF or CR) and all whitespace after it are removed.
/// `None` when there is no escaped line break (the bytes read as they are).
fn join_escaped_breaks(bytes: &[u8]) -> Option<Vec<u8>> {
    joined_with_map(bytes).map(|(j, _)| j)
}

/// Joined bytes, and where each joined piece starts: pairs of (offset in the
/// joined bytes, offset in the original bytes), in order.
type Joined = (Vec<u8>, Vec<(usize, usize)>);

/// [`join_escaped_breaks`], with where each joined piece starts.
fn joined_with_map(bytes: &[u8]) -> Option<Joined> {
    let mut out: Option<Joined> = None;
    // Where the bytes not yet copied to `out` start.
    let mut copied = 0;
    for i in memchr::memchr2_iter(b'\\', b'`', bytes) {
        if i < copied {
            continue;
        }
        let rest = &bytes[i + 1..];
        let blanks = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        if !matches!(rest.get(blanks), Some(b'\n' | b'\r')) {
            continue;
        }
        let after = rest[blanks..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        let (out, map) = out.get_or_insert_with(|| (Vec::with_capacity(bytes.len()), vec![(0, 0)]));
        out.extend_from_slice(&bytes[copied..i]);
        copied = i + 1 + blanks + after;
        map.push((out.len(), copied));
    }
    let (mut out, map) = out?;
    out.extend_from_slice(&bytes[copied..]);
    Some((out, map))
}

/// Where `name` starts in `bytes`: its first occurrence, or else the first
/// place where it starts once escaped line breaks are joined (as
/// [`Narrower::could_assign`] finds it), as a byte offset into `bytes`. For the
/// message of a file that does not parse: the line that names the setting.
pub fn first_spelling(bytes: &[u8], name: &str) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    if let Some(at) = memchr::memmem::find(bytes, name.as_bytes()) {
        return Some(at);
    }
    let (joined, map) = joined_with_map(bytes)?;
    let at = memchr::memmem::find(&joined, name.as_bytes())?;
    // The last piece that starts at or before `at`.
    let k = map.partition_point(|&(j, _)| j <= at).saturating_sub(1);
    let (j, o) = map[k];
    Some(o + (at - j))
}

#[cfg(test)]
mod tests;
