//! Which config files could assign a setting at all: a byte search that
//! decides, before any parsing, whether a file needs to be read for a name.
//!
//! A file's bytes can assign `NAME` only if they can spell it. In every format
//! relgate reads, a key or variable name is spelled by its own characters,
//! except through the escapes below; so a file that contains none of these
//! cannot assign `NAME`, whether or not it parses:
//!
//! - the name itself, byte for byte;
//! - the name once every escaped line break is joined the way the format
//!   joins it: YAML double-quoted scalars drop the break and the next line's
//!   leading blanks, TOML multi-line basic strings drop the break and all
//!   whitespace after it, shell, dotenv and Dockerfile drop the escape and the
//!   break (a Dockerfile's escape is `\` or `` ` ``). The search runs on the
//!   text with every `\` or `` ` ``, blanks, a line break and the whitespace
//!   after it removed: a superset of every format's joining (a name has no
//!   blank, so removing more blanks can only spell more). A Helm template whose
//!   shell snippet continues lines with `\` is parsed only when the joined
//!   lines spell the name;
//! - in JSON, YAML and TOML, the name once the escapes that yield a character
//!   are decoded as well: `\u` (JSON, YAML, TOML), `\U` (YAML, TOML), `\x`
//!   (YAML, TOML 1.1). The other escapes (`\n`, `\t`, `\"`, YAML's `\_`,
//!   `\N`, ...) yield no letter, digit, `_`, `.` or `-`. An escape is decoded
//!   wherever it is, also where the format reads it literally (a plain YAML
//!   scalar, a single-quoted string): that is sound because one key is read
//!   either with all its escapes decoded (a double-quoted string, found in the
//!   decoded text) or with none (found in the bytes as they are). A CRD whose
//!   regular expressions hold `\x7f` is therefore not parsed for the name;
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
        if format == ConfigFormat::Shell && memchr::memmem::find(bytes, b"$'").is_some() {
            return true;
        }
        // The text as the format reads it across escaped line breaks and, where
        // the format has them, character escapes: the name must be in it.
        let hex = matches!(
            format,
            ConfigFormat::Json | ConfigFormat::Yaml | ConfigFormat::Toml
        );
        let read = Unescaped::new(bytes, hex);
        let text = read.as_ref().map_or(bytes, |u| u.bytes.as_slice());
        if read.is_some() && self.finder.find(text).is_some() {
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

/// A text with its escaped line breaks joined and (optionally) its character
/// escapes decoded, and where each of its pieces came from.
struct Unescaped {
    bytes: Vec<u8>,
    /// (offset in `bytes`, offset in the original) where each piece starts, in
    /// order: the bytes of a piece are the original's from that offset on.
    map: Vec<(usize, usize)>,
}

/// What a decoded escape that is no ASCII character becomes: a byte that is in
/// no name (names narrowed are ASCII).
const NOT_A_NAME_BYTE: u8 = 0xFF;

impl Unescaped {
    /// `None` when the bytes read as they are (no escape to join or decode).
    ///
    /// - with `hex` (the formats whose strings have escapes), `\\` is one
    ///   escaped backslash: copied, and what follows is no escape. Elsewhere a
    ///   Dockerfile's `\\` before a line break still continues the line.
    /// - `\` or `` ` ``, blanks, a line break (LF, CRLF or CR) and all whitespace
    ///   after it are removed: at least what any format's joining removes.
    /// - with `hex`, `\xHH`, `\uHHHH` and `\UHHHHHHHH` become the character
    ///   they encode (the same character in YAML, JSON and TOML strings).
    fn new(bytes: &[u8], hex: bool) -> Option<Unescaped> {
        let mut out: Option<Unescaped> = None;
        // Where the bytes not yet copied to `out` start.
        let mut copied = 0;
        for i in memchr::memchr2_iter(b'\\', b'`', bytes) {
            if i < copied {
                continue;
            }
            let rest = &bytes[i + 1..];
            if hex && bytes[i] == b'\\' && rest.first() == Some(&b'\\') {
                // Skipped by the `i < copied` test next time round: copied with
                // the next piece.
                let u = out.get_or_insert_with(|| Unescaped::start(bytes.len()));
                u.bytes.extend_from_slice(&bytes[copied..i + 2]);
                copied = i + 2;
                u.map.push((u.bytes.len(), copied));
                continue;
            }
            let blanks = rest
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            let (emit, len) = if matches!(rest.get(blanks), Some(b'\n' | b'\r')) {
                let after = rest[blanks..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                (None, 1 + blanks + after)
            } else if hex && bytes[i] == b'\\' {
                match decode_hex(rest) {
                    Some((c, n)) => (Some(c), 1 + n),
                    None => continue,
                }
            } else {
                continue;
            };
            let u = out.get_or_insert_with(|| Unescaped::start(bytes.len()));
            u.bytes.extend_from_slice(&bytes[copied..i]);
            if let Some(c) = emit {
                u.map.push((u.bytes.len(), i));
                u.bytes.push(c);
            }
            copied = i + len;
            u.map.push((u.bytes.len(), copied));
        }
        let mut u = out?;
        u.bytes.extend_from_slice(&bytes[copied..]);
        Some(u)
    }

    fn start(capacity: usize) -> Unescaped {
        Unescaped {
            bytes: Vec::with_capacity(capacity),
            map: vec![(0, 0)],
        }
    }

    /// The original offset of `at`, an offset in `bytes`.
    fn origin(&self, at: usize) -> usize {
        let k = self
            .map
            .partition_point(|&(j, _)| j <= at)
            .saturating_sub(1);
        let (j, o) = self.map[k];
        o + (at - j)
    }
}

/// The character a `x`, `u` or `U` escape (after its `\`) encodes, as a byte
/// ([`NOT_A_NAME_BYTE`] when it is not ASCII), and the escape's length.
fn decode_hex(rest: &[u8]) -> Option<(u8, usize)> {
    let digits = match rest.first()? {
        b'x' => 2,
        b'u' => 4,
        b'U' => 8,
        _ => return None,
    };
    let hexits = rest.get(1..=digits)?;
    if !hexits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let code = hexits.iter().fold(0u32, |n, &h| {
        (n << 4) | (h as char).to_digit(16).unwrap_or(0)
    });
    let byte = u8::try_from(code)
        .ok()
        .filter(u8::is_ascii)
        .unwrap_or(NOT_A_NAME_BYTE);
    Some((byte, 1 + digits))
}

/// Where `name` starts in `bytes`: its first occurrence, or else the first
/// place where it starts once escaped line breaks are joined, or else once
/// character escapes are decoded too (as [`Narrower::could_assign`] finds it),
/// as a byte offset into `bytes`. For the message of a file that does not
/// parse: the line that names the setting.
pub fn first_spelling(bytes: &[u8], name: &str) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    if let Some(at) = memchr::memmem::find(bytes, name.as_bytes()) {
        return Some(at);
    }
    [false, true].into_iter().find_map(|hex| {
        let u = Unescaped::new(bytes, hex)?;
        let at = memchr::memmem::find(&u.bytes, name.as_bytes())?;
        Some(u.origin(at))
    })
}

#[cfg(test)]
mod tests;
