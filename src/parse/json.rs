//! The JSON reader: strict RFC 8259, every value and key with its position.
//!
//! Why by hand: serde_json (the well-kept choice) reports the line and column
//! of an *error*, but its values carry no positions and it has no spanned
//! deserialization, so it cannot say where a nested value starts. Findings
//! must point at the value (`releases/ledger.json:412:14`), so this reader
//! keeps byte offsets and turns them into lines and columns with the shared
//! [`super::lines::LineIndex`] (a binary search each: about 0.03 s for the
//! million values of an 8.6 MB ledger, where scanning for each took seconds).
//!
//! Strict on purpose, and tested against JSONTestSuite
//! (`tests/corpora/json/`): every `y_` file parses, no `n_` file does. One
//! value, optional surrounding whitespace (a leading byte order mark is
//! ignored, as §8.1 allows), no comments, no trailing commas, no NaN; strings
//! without raw control characters, without lone surrogates, and valid UTF-8
//! (the caller hands `&str`); nesting at most [`MAX_DEPTH`]. JSON is never read
//! as YAML, which would accept comments, single quotes and trailing commas.
//! Duplicate keys are rejected by default, because two parsers reading the same
//! file must not disagree on which value wins (one could pass the gate, the
//! other run in production).

use super::lines::Locator;
use super::value::{Kind, Member, ParseFailure, Value};
use std::collections::HashSet;

pub const MAX_DEPTH: usize = 128;

/// The one JSON value of `text`. With `duplicates` false a repeated key is an
/// error; with true every entry is kept, in source order, for the caller to judge.
pub fn parse(text: &str, locator: &Locator<'_>, duplicates: bool) -> Result<Value, ParseFailure> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = Parser {
        s: text.as_bytes(),
        pos: start,
        locator,
        duplicates,
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.s.len() {
        return Err(p.fail(p.pos, "trailing characters after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a, 'l> {
    s: &'a [u8],
    pos: usize,
    locator: &'l Locator<'a>,
    duplicates: bool,
}

impl Parser<'_, '_> {
    fn fail(&self, at: usize, message: impl Into<String>) -> ParseFailure {
        self.locator.failure(at, message)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "end of input".to_owned(),
            Some(_) => {
                let rest = std::str::from_utf8(&self.s[self.pos..]).unwrap_or("");
                match rest.chars().next() {
                    Some(c) => format!("{c:?}"),
                    None => "end of input".to_owned(),
                }
            }
        }
    }

    /// The value that starts at `at` and ends where the parser stands.
    fn node(&self, at: usize, kind: Kind) -> Value {
        Value {
            kind,
            span: self.locator.span(at, self.pos - at),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseFailure> {
        let at = self.pos;
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(self.node(at, Kind::Str(s)))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Kind::Bool(true)),
            Some(b'f') => self.literal("false", Kind::Bool(false)),
            Some(b'n') => self.literal("null", Kind::Null),
            _ => Err(self.fail(
                at,
                format!("expected a JSON value, found {}", self.describe()),
            )),
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Value, ParseFailure> {
        let at = self.pos;
        if self.s[at..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(self.node(at, kind))
        } else {
            Err(self.fail(
                at,
                format!("expected a JSON value, found {}", self.describe()),
            ))
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, ParseFailure> {
        if depth >= MAX_DEPTH {
            Err(self.fail(self.pos, format!("nesting deeper than {MAX_DEPTH} levels")))
        } else {
            Ok(depth + 1)
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseFailure> {
        let at = self.pos;
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(self.node(at, Kind::Array(items)));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(self.node(at, Kind::Array(items)));
                }
                _ => {
                    return Err(self.fail(
                        self.pos,
                        format!("expected ',' or ']', found {}", self.describe()),
                    ));
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseFailure> {
        let at = self.pos;
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(self.node(at, Kind::Object(members)));
        }
        loop {
            self.skip_ws();
            let key_at = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.fail(
                    key_at,
                    format!("expected a string key, found {}", self.describe()),
                ));
            }
            let key = self.string()?;
            let key_span = self.locator.span(key_at, self.pos - key_at);
            if !self.duplicates && !seen.insert(key.clone()) {
                return Err(self.fail(key_at, format!("duplicate key {key:?}")));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.fail(self.pos, format!("expected ':', found {}", self.describe())));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(self.node(at, Kind::Object(members)));
                }
                _ => {
                    return Err(self.fail(
                        self.pos,
                        format!("expected ',' or '}}', found {}", self.describe()),
                    ));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseFailure> {
        let at = self.pos;
        let digits = self
            .s
            .get(at..at + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(n) => {
                self.pos += 4;
                Ok(n)
            }
            None => Err(self.fail(at, "expected 4 hex digits after \\u")),
        }
    }

    /// At the opening quote; returns the unescaped content.
    fn string(&mut self) -> Result<String, ParseFailure> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends before an ASCII byte, so it is whole UTF-8.
            out.push_str(std::str::from_utf8(&self.s[run_start..self.pos]).unwrap_or(""));
            match self.peek() {
                None => return Err(self.fail(open, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc_at = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let first = self.hex4()?;
                            let code = match first {
                                0xD800..=0xDBFF => {
                                    if !self.s[self.pos..].starts_with(b"\\u") {
                                        return Err(self
                                            .fail(esc_at, "lone leading surrogate in \\u escape"));
                                    }
                                    self.pos += 2;
                                    let second = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&second) {
                                        return Err(self
                                            .fail(esc_at, "lone leading surrogate in \\u escape"));
                                    }
                                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                                }
                                0xDC00..=0xDFFF => {
                                    return Err(
                                        self.fail(esc_at, "lone trailing surrogate in \\u escape")
                                    );
                                }
                                n => n,
                            };
                            match char::from_u32(code) {
                                Some(c) => out.push(c),
                                None => return Err(self.fail(esc_at, "invalid \\u escape")),
                            }
                            continue;
                        }
                        _ => return Err(self.fail(esc_at, "invalid escape in string")),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(
                        self.fail(self.pos, "control character in string (must be escaped)")
                    );
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, ParseFailure> {
        let at = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.fail(at, "leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.fail(self.pos, "expected a digit")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.fail(self.pos, "expected a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail(self.pos, "expected a digit in the exponent"));
            }
        }
        let lexeme = std::str::from_utf8(&self.s[at..self.pos]).unwrap_or("");
        if integer && let Ok(i) = lexeme.parse::<i64>() {
            return Ok(self.node(at, Kind::Int(i)));
        }
        match lexeme.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(self.node(at, Kind::Float(f))),
            _ => Err(self.fail(at, "number out of range")),
        }
    }
}

#[cfg(test)]
mod tests;
