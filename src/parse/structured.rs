//! JSON, YAML and TOML documents as one value tree whose every node keeps its
//! 1-based line and column.
//!
//! Why one tree: checks are written once against [`Value`] and report
//! `file:line:column` whatever the format. Why these parsers:
//!
//! - JSON is parsed by a small strict RFC 8259 parser in this file, because
//!   serde_json cannot report where a nested value starts. Being strict is the
//!   point: JSON is never read as YAML (which would accept comments, single
//!   quotes, trailing commas...). Duplicate keys are rejected, as YAML does,
//!   because two parsers reading the same file must not disagree on which value
//!   wins (one could pass the gate, the other run in production).
//! - YAML goes through serde-saphyr with `Spanned` nodes, the YAML 1.2 core
//!   schema (`yes`/`on`/`no`/`off` stay strings, `0755` stays the string
//!   `"0755"`), duplicate keys rejected, and its depth, alias and size budgets.
//!   Mapping keys are read as their source text, so `on:` is the key `"on"`.
//! - TOML goes through `toml::de::DeTable`, which keeps the span of every key and
//!   value; tables are put back in source order.
//!
//! Untrusted input: nothing here panics on any input, nesting is bounded (JSON
//! 128 levels; YAML 64 and its alias/size budgets; TOML 80 levels of headers
//! plus 80 of inline values), parsing runs on a thread whose stack fits those
//! limits, and every failure carries its position.
//! Columns count characters (not bytes), like `repo::Content::line_col`.

use std::collections::HashSet;
use std::fmt;

/// A parsed value and where it starts in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Value>),
    /// Entries in source order; keys are unique.
    Object(Vec<(String, Value)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Json,
    Yaml,
    Toml,
}

/// Why a document could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseFailure {}

/// The format a path's extension names: `.json`, `.yml`/`.yaml`, `.toml`
/// (case-insensitive).
pub fn data_format_for_path(path: &str) -> Option<DataFormat> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (_, ext) = name.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "json" => Some(DataFormat::Json),
        "yml" | "yaml" => Some(DataFormat::Yaml),
        "toml" => Some(DataFormat::Toml),
        _ => None,
    }
}

/// Every document (YAML may hold several; JSON and TOML hold one).
///
/// An empty or comment-only YAML file has no document (`Ok(vec![])`), and
/// YAML documents that are empty are skipped; an empty JSON text is an error;
/// an empty TOML file is one empty table.
pub fn parse(format: DataFormat, text: &str) -> Result<Vec<Value>, ParseFailure> {
    Ok(parse_nodes(format, text)?
        .into_iter()
        .map(Node::into_value)
        .collect())
}

impl Value {
    /// Dotted path: `"a.b.0.c"` (array index as a number); `""` or `"."` is the
    /// value itself. A leading `.` is allowed (`".a.b"`). Keys that contain a
    /// `.` cannot be reached this way: use [`Value::get`].
    pub fn at(&self, path: &str) -> Option<&Value> {
        let path = path.strip_prefix('.').unwrap_or(path);
        if path.is_empty() {
            return Some(self);
        }
        let mut current = self;
        for segment in path.split('.') {
            current = match &current.kind {
                Kind::Object(_) => current.get(segment)?,
                Kind::Array(items) => {
                    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    items.get(segment.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(current)
    }

    /// The value of `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text: Str as is, Int/Float/Bool via to_string, Null as "".
    /// Arrays and objects have none.
    pub fn scalar_text(&self) -> Option<String> {
        scalar_text(&self.kind_ref())
    }

    /// `"null"`, `"boolean"`, `"integer"`, `"number"` (a float), `"string"`,
    /// `"array"` or `"object"`.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Int(_) => "integer",
            Kind::Float(_) => "number",
            Kind::Str(_) => "string",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
        }
    }

    fn kind_ref(&self) -> ScalarRef<'_> {
        match &self.kind {
            Kind::Null => ScalarRef::Null,
            Kind::Bool(b) => ScalarRef::Bool(*b),
            Kind::Int(i) => ScalarRef::Int(*i),
            Kind::Float(f) => ScalarRef::Float(*f),
            Kind::Str(s) => ScalarRef::Str(s),
            Kind::Array(_) | Kind::Object(_) => ScalarRef::Collection,
        }
    }
}

enum ScalarRef<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Collection,
}

fn scalar_text(s: &ScalarRef<'_>) -> Option<String> {
    match s {
        ScalarRef::Null => Some(String::new()),
        ScalarRef::Bool(b) => Some(b.to_string()),
        ScalarRef::Int(i) => Some(i.to_string()),
        ScalarRef::Float(f) => Some(f.to_string()),
        ScalarRef::Str(s) => Some((*s).to_owned()),
        ScalarRef::Collection => None,
    }
}

// ---------------------------------------------------------------------------
// The crate-internal tree: like `Value`, but object keys keep their position
// too (`assign` points at the key `NAME:`, not at its value).

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub(crate) key: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) value: Node,
}

impl Node {
    fn into_value(self) -> Value {
        let kind = match self.kind {
            NodeKind::Null => Kind::Null,
            NodeKind::Bool(b) => Kind::Bool(b),
            NodeKind::Int(i) => Kind::Int(i),
            NodeKind::Float(f) => Kind::Float(f),
            NodeKind::Str(s) => Kind::Str(s),
            NodeKind::Array(items) => {
                Kind::Array(items.into_iter().map(Node::into_value).collect())
            }
            NodeKind::Object(members) => Kind::Object(
                members
                    .into_iter()
                    .map(|m| (m.key, m.value.into_value()))
                    .collect(),
            ),
        };
        Value {
            kind,
            line: self.line,
            column: self.column,
        }
    }

    /// A scalar as text (see [`Value::scalar_text`]); `None` for collections.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        scalar_text(&match &self.kind {
            NodeKind::Null => ScalarRef::Null,
            NodeKind::Bool(b) => ScalarRef::Bool(*b),
            NodeKind::Int(i) => ScalarRef::Int(*i),
            NodeKind::Float(f) => ScalarRef::Float(*f),
            NodeKind::Str(s) => ScalarRef::Str(s),
            NodeKind::Array(_) | NodeKind::Object(_) => ScalarRef::Collection,
        })
    }
}

/// The parsers recurse once per nesting level. serde-saphyr's frames are large
/// (about 45 KiB a level in a debug build: 50 levels overflow a 2 MiB thread
/// stack, and a stack overflow aborts the whole process). So every parse runs
/// on its own thread with a stack sized for the nesting limits; the memory is
/// only reserved, pages are committed when touched. A panic inside a parser
/// library becomes a `ParseFailure` instead of unwinding into the caller.
pub const PARSER_STACK_SIZE: usize = 64 * 1024 * 1024;

thread_local! {
    static ON_BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Declares that the current thread was started with [`PARSER_STACK_SIZE`] of stack
/// (relgate's worker pool), so parsers run on it directly instead of spawning a
/// thread per file.
pub fn mark_big_stack_thread() {
    ON_BIG_STACK.with(|b| b.set(true));
}

/// Every document as the position-keeping internal tree.
pub(crate) fn parse_nodes(format: DataFormat, text: &str) -> Result<Vec<Node>, ParseFailure> {
    let locator = Locator::new(text);
    let run = || match format {
        DataFormat::Json => json::parse(text, &locator).map(|n| vec![n]),
        DataFormat::Yaml => yaml::parse(text, &locator),
        DataFormat::Toml => toml_doc::parse(text, &locator).map(|n| vec![n]),
    };
    if ON_BIG_STACK.with(std::cell::Cell::get) {
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|_| Err(locator.failure(0, "the parser failed unexpectedly")));
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("relgate-parse".to_owned())
            .stack_size(PARSER_STACK_SIZE)
            .spawn_scoped(scope, run);
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(locator.failure(0, "the parser failed unexpectedly"))),
            Err(e) => Err(locator.failure(0, format!("cannot start the parser thread: {e}"))),
        }
    })
}

// ---------------------------------------------------------------------------
// Byte offset → 1-based (line, character column), in O(log n) per lookup
// whatever the order of lookups and the length of lines (a minified file is
// one long line).

const CHECKPOINT: usize = 4096;

pub(crate) struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// `chars_before[k]` = number of characters in `text[..k * CHECKPOINT]`.
    chars_before: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
        let mut count = 0;
        for block in bytes.chunks(CHECKPOINT) {
            chars_before.push(count);
            count += block.iter().filter(|b| !is_continuation(**b)).count();
        }
        chars_before.push(count);
        Locator {
            text,
            line_starts,
            chars_before,
        }
    }

    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let block = offset / CHECKPOINT;
        let base = self.chars_before.get(block).copied().unwrap_or(0);
        base + bytes[block * CHECKPOINT..offset]
            .iter()
            .filter(|b| !is_continuation(**b))
            .count()
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub(crate) fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        (
            line,
            self.chars_before(offset) - self.chars_before(start) + 1,
        )
    }

    /// The text of 1-based `line` without its terminator.
    pub(crate) fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map(|n| n - 1)
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end).unwrap_or("");
        s.strip_suffix('\r').unwrap_or(s)
    }

    fn failure(&self, offset: usize, message: impl Into<String>) -> ParseFailure {
        let (line, column) = self.locate(offset);
        ParseFailure {
            message: message.into(),
            line,
            column,
        }
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

// ---------------------------------------------------------------------------

mod json {
    //! Strict RFC 8259: one value, optional surrounding whitespace (a leading
    //! byte order mark is ignored, as §8.1 allows), no comments, no trailing
    //! commas, no NaN; strings without raw control characters and without lone
    //! surrogates; duplicate keys rejected.

    use super::{HashSet, Locator, Member, Node, NodeKind, ParseFailure};

    pub(super) const MAX_DEPTH: usize = 128;

    pub(super) fn parse(text: &str, locator: &Locator<'_>) -> Result<Node, ParseFailure> {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut p = Parser {
            s: text.as_bytes(),
            pos: start,
            locator,
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

        fn node(&self, at: usize, kind: NodeKind) -> Node {
            let (line, column) = self.locator.locate(at);
            Node { kind, line, column }
        }

        fn value(&mut self, depth: usize) -> Result<Node, ParseFailure> {
            let at = self.pos;
            match self.peek() {
                Some(b'{') => self.object(depth),
                Some(b'[') => self.array(depth),
                Some(b'"') => {
                    let s = self.string()?;
                    Ok(self.node(at, NodeKind::Str(s)))
                }
                Some(b'-' | b'0'..=b'9') => self.number(),
                Some(b't') => self.literal("true", NodeKind::Bool(true)),
                Some(b'f') => self.literal("false", NodeKind::Bool(false)),
                Some(b'n') => self.literal("null", NodeKind::Null),
                _ => Err(self.fail(
                    at,
                    format!("expected a JSON value, found {}", self.describe()),
                )),
            }
        }

        fn literal(&mut self, word: &str, kind: NodeKind) -> Result<Node, ParseFailure> {
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

        fn array(&mut self, depth: usize) -> Result<Node, ParseFailure> {
            let at = self.pos;
            let depth = self.enter(depth)?;
            self.pos += 1;
            let mut items = Vec::new();
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(self.node(at, NodeKind::Array(items)));
            }
            loop {
                self.skip_ws();
                items.push(self.value(depth)?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        return Ok(self.node(at, NodeKind::Array(items)));
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

        fn object(&mut self, depth: usize) -> Result<Node, ParseFailure> {
            let at = self.pos;
            let depth = self.enter(depth)?;
            self.pos += 1;
            let mut members = Vec::new();
            let mut seen = HashSet::new();
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(self.node(at, NodeKind::Object(members)));
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
                if !seen.insert(key.clone()) {
                    return Err(self.fail(key_at, format!("duplicate key {key:?}")));
                }
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(
                        self.fail(self.pos, format!("expected ':', found {}", self.describe()))
                    );
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value(depth)?;
                let (line, column) = self.locator.locate(key_at);
                members.push(Member {
                    key,
                    line,
                    column,
                    value,
                });
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        return Ok(self.node(at, NodeKind::Object(members)));
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
                                            return Err(self.fail(
                                                esc_at,
                                                "lone leading surrogate in \\u escape",
                                            ));
                                        }
                                        self.pos += 2;
                                        let second = self.hex4()?;
                                        if !(0xDC00..=0xDFFF).contains(&second) {
                                            return Err(self.fail(
                                                esc_at,
                                                "lone leading surrogate in \\u escape",
                                            ));
                                        }
                                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                                    }
                                    0xDC00..=0xDFFF => {
                                        return Err(self.fail(
                                            esc_at,
                                            "lone trailing surrogate in \\u escape",
                                        ));
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

        fn number(&mut self) -> Result<Node, ParseFailure> {
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
                return Ok(self.node(at, NodeKind::Int(i)));
            }
            match lexeme.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(self.node(at, NodeKind::Float(f))),
                _ => Err(self.fail(at, "number out of range")),
            }
        }
    }
}

// ---------------------------------------------------------------------------

mod yaml {
    use super::{Locator, Member, Node, NodeKind, ParseFailure};
    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_saphyr::{Location, Spanned};
    use std::fmt;

    fn options() -> serde_saphyr::Options {
        let mut options = serde_saphyr::Options::default();
        // YAML 1.2 core schema: `yes`/`on`/`no`/`off` stay strings.
        options.strict_booleans = true;
        // `0755` and `1_000` stay strings rather than silently becoming 755 / 1000.
        options.leading_zero_numbers_as_strings = true;
        options.underscored_numbers_as_strings = true;
        // `~:` as a key is the text "~", like any other scalar key.
        options.null_as_string = true;
        options.non_finite_float_policy = serde_saphyr::options::NonFiniteFloatPolicy::PassThrough;
        options.with_snippet = false;
        options.emit_comments = false;
        // Tighter than the default million: an alias bomb stays small in memory.
        options.alias_limits.max_total_replayed_events = 200_000;
        options
    }

    pub(super) fn parse(text: &str, locator: &Locator<'_>) -> Result<Vec<Node>, ParseFailure> {
        let docs = serde_saphyr::from_multiple_with_options::<Spanned<Y>>(text, options())
            .map_err(|e| failure(&e, locator))?;
        Ok(docs
            .into_iter()
            .map(|d| d.value.into_node(d.referenced, locator))
            .collect())
    }

    fn failure(e: &serde_saphyr::Error, locator: &Locator<'_>) -> ParseFailure {
        let inner = e.without_snippet();
        let message = inner.render_with_options(serde_saphyr::render_options! {
            snippets: serde_saphyr::SnippetMode::Off,
        });
        let (line, column) = match inner.location() {
            Some(loc) => position(loc, locator),
            None => (1, 1),
        };
        ParseFailure {
            message: strip_location_suffix(&message),
            line,
            column,
        }
    }

    /// serde-saphyr appends " at line L, column C"; the position is reported apart.
    fn strip_location_suffix(message: &str) -> String {
        let message = message.trim();
        let is_number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        if let Some(i) = message.rfind(" at line ")
            && let Some((line, column)) = message[i + 9..].split_once(", column ")
            && is_number(line)
            && is_number(column)
        {
            return message[..i].to_owned();
        }
        message.to_owned()
    }

    fn position(loc: Location, locator: &Locator<'_>) -> (usize, usize) {
        if let Some(offset) = loc.span().byte_offset() {
            return locator.locate(usize::try_from(offset).unwrap_or(usize::MAX));
        }
        let line = usize::try_from(loc.line()).unwrap_or(0).max(1);
        let column = usize::try_from(loc.column()).unwrap_or(0).max(1);
        (line, column)
    }

    /// A YAML node as serde-saphyr hands it over, before positions become
    /// line/column pairs.
    enum Y {
        Null,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(String),
        Seq(Vec<Spanned<Y>>),
        Map(Vec<(Spanned<KeyText>, Spanned<Y>)>),
    }

    impl Y {
        fn into_node(self, loc: Location, locator: &Locator<'_>) -> Node {
            let (line, column) = position(loc, locator);
            let kind = match self {
                Y::Null => NodeKind::Null,
                Y::Bool(b) => NodeKind::Bool(b),
                Y::Int(i) => NodeKind::Int(i),
                Y::Float(f) => NodeKind::Float(f),
                Y::Str(s) => NodeKind::Str(s),
                Y::Seq(items) => NodeKind::Array(
                    items
                        .into_iter()
                        .map(|i| i.value.into_node(i.referenced, locator))
                        .collect(),
                ),
                Y::Map(entries) => NodeKind::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| {
                            let (line, column) = position(k.referenced, locator);
                            Member {
                                key: k.value.0,
                                line,
                                column,
                                value: v.value.into_node(v.referenced, locator),
                            }
                        })
                        .collect(),
                ),
            };
            Node { kind, line, column }
        }
    }

    /// A mapping key as its scalar text (`on`, `1`, `~` stay as written).
    struct KeyText(String);

    impl<'de> Deserialize<'de> for KeyText {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            String::deserialize(d).map(KeyText)
        }
    }

    struct YVisitor;

    impl<'de> Visitor<'de> for YVisitor {
        type Value = Y;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any YAML node")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Y, E> {
            Ok(Y::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Y, E> {
            Ok(Y::Int(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Y, E> {
            Ok(i64::try_from(v).map_or(Y::Float(v as f64), Y::Int))
        }
        fn visit_i128<E: de::Error>(self, v: i128) -> Result<Y, E> {
            Ok(i64::try_from(v).map_or(Y::Float(v as f64), Y::Int))
        }
        fn visit_u128<E: de::Error>(self, v: u128) -> Result<Y, E> {
            Ok(i64::try_from(v).map_or(Y::Float(v as f64), Y::Int))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Y, E> {
            Ok(Y::Float(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Y, E> {
            Ok(Y::Str(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Y, E> {
            Ok(Y::Str(v))
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Y, E> {
            Ok(Y::Str(String::from_utf8_lossy(v).into_owned()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Y, E> {
            Ok(Y::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Y, E> {
            Ok(Y::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Y, D::Error> {
            Y::deserialize(d)
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Y, D::Error> {
            Y::deserialize(d)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Y, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<Spanned<Y>>()? {
                items.push(item);
            }
            Ok(Y::Seq(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Y, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry::<Spanned<KeyText>, Spanned<Y>>()? {
                entries.push(entry);
            }
            Ok(Y::Map(entries))
        }
    }

    impl<'de> Deserialize<'de> for Y {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(YVisitor)
        }
    }
}

// ---------------------------------------------------------------------------

mod toml_doc {
    use super::{Locator, Member, Node, NodeKind, ParseFailure};
    use toml::Spanned;
    use toml::de::{DeTable, DeValue};

    pub(super) fn parse(text: &str, locator: &Locator<'_>) -> Result<Node, ParseFailure> {
        let root = DeTable::parse(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            locator.failure(at, e.message().trim().to_owned())
        })?;
        let span = root.span();
        convert_table(root.into_inner(), span.start, locator)
    }

    fn node(kind: NodeKind, at: usize, locator: &Locator<'_>) -> Node {
        let (line, column) = locator.locate(at);
        Node { kind, line, column }
    }

    fn convert_table(
        table: DeTable<'_>,
        at: usize,
        locator: &Locator<'_>,
    ) -> Result<Node, ParseFailure> {
        let mut entries: Vec<_> = table.into_iter().collect();
        // The map is sorted by key; put it back in source order.
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut members = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let (line, column) = locator.locate(key.span().start);
            members.push(Member {
                key: key.into_inner().into_owned(),
                line,
                column,
                value: convert(value, locator)?,
            });
        }
        Ok(node(NodeKind::Object(members), at, locator))
    }

    fn convert(value: Spanned<DeValue<'_>>, locator: &Locator<'_>) -> Result<Node, ParseFailure> {
        let at = value.span().start;
        let kind = match value.into_inner() {
            DeValue::String(s) => NodeKind::Str(s.into_owned()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => NodeKind::Int(n),
                Err(_) => return Err(locator.failure(at, "integer out of range")),
            },
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(n) => NodeKind::Float(n),
                Err(_) => return Err(locator.failure(at, "invalid float")),
            },
            DeValue::Boolean(b) => NodeKind::Bool(b),
            DeValue::Datetime(d) => NodeKind::Str(d.to_string()),
            DeValue::Array(items) => NodeKind::Array(
                items
                    .into_iter()
                    .map(|i| convert(i, locator))
                    .collect::<Result<_, _>>()?,
            ),
            DeValue::Table(t) => return convert_table(t, at, locator),
        };
        Ok(node(kind, at, locator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(format: DataFormat, text: &str) -> Value {
        let mut docs = parse(format, text).unwrap();
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0)
    }

    fn pos(v: &Value, path: &str) -> (usize, usize) {
        let n = v.at(path).unwrap_or_else(|| panic!("no {path}"));
        (n.line, n.column)
    }

    fn fail(format: DataFormat, text: &str) -> ParseFailure {
        parse(format, text).unwrap_err()
    }

    #[test]
    fn formats_by_path() {
        assert_eq!(data_format_for_path("a/b.JSON"), Some(DataFormat::Json));
        assert_eq!(data_format_for_path("x.yml"), Some(DataFormat::Yaml));
        assert_eq!(data_format_for_path("x.Yaml"), Some(DataFormat::Yaml));
        assert_eq!(data_format_for_path("Cargo.toml"), Some(DataFormat::Toml));
        assert_eq!(data_format_for_path("x.yaml.bak"), None);
        assert_eq!(data_format_for_path("json"), None);
        assert_eq!(data_format_for_path("dir.json/file"), None);
    }

    #[test]
    fn json_nested_positions() {
        let v = one(
            DataFormat::Json,
            "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"é\": -2.5e1,\n  \"t\": true\n}\n",
        );
        assert_eq!((v.line, v.column), (1, 1));
        assert_eq!(pos(&v, "a"), (2, 8));
        assert_eq!(pos(&v, "a.b"), (2, 14));
        assert_eq!(pos(&v, "a.b.0"), (2, 15));
        assert_eq!(pos(&v, "a.b.1.c"), (2, 24));
        assert_eq!(v.at("a.b.1.c").unwrap().as_str(), Some("x"));
        assert_eq!(v.at("é").unwrap().kind, Kind::Float(-25.0));
        assert_eq!(pos(&v, "é"), (3, 8));
        assert_eq!(v.at("t").unwrap().kind, Kind::Bool(true));
        let keys: Vec<_> = match &v.kind {
            Kind::Object(e) => e.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!(),
        };
        assert_eq!(keys, ["a", "é", "t"]);
    }

    #[test]
    fn json_scalars_and_strings() {
        let v = one(
            DataFormat::Json,
            r#"[0, -0, 9223372036854775807, 9223372036854775808, 1.5, null, "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", ""]"#,
        );
        let k: Vec<_> = (0..8)
            .map(|i| v.at(&i.to_string()).unwrap().kind.clone())
            .collect();
        assert_eq!(k[0], Kind::Int(0));
        assert_eq!(k[1], Kind::Int(0));
        assert_eq!(k[2], Kind::Int(i64::MAX));
        assert_eq!(k[3], Kind::Float(9223372036854775808.0));
        assert_eq!(k[4], Kind::Float(1.5));
        assert_eq!(k[5], Kind::Null);
        assert_eq!(k[6], Kind::Str("a\"\\/\u{8}\u{c}\n\r\té😀".into()));
        assert_eq!(k[7], Kind::Str(String::new()));
        // Scalars at the top level are JSON too (RFC 8259), and a BOM is ignored.
        assert_eq!(one(DataFormat::Json, " 42 ").kind, Kind::Int(42));
        assert_eq!(
            one(DataFormat::Json, "\u{feff}\"x\"").kind,
            Kind::Str("x".into())
        );
    }

    #[test]
    fn json_errors_point_at_the_problem() {
        let missing_comma = "{\n  \"a\": 1\n  \"b\": 2\n}\n";
        let e = fail(DataFormat::Json, missing_comma);
        assert_eq!((e.line, e.column), (3, 3), "{e}");
        assert!(e.message.contains("expected ',' or '}'"), "{e}");

        let dup = "{\"a\": 1,\n \"a\": 2}";
        let e = fail(DataFormat::Json, dup);
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 2, "duplicate key \"a\"")
        );

        for (text, line, column) in [
            ("", 1, 1),
            ("{", 1, 2),
            ("[1,]", 1, 4),
            ("{\"a\":1,}", 1, 8),
            ("// c\n{}", 1, 1),
            ("{'a': 1}", 1, 2),
            ("[01]", 1, 2),
            ("[1.]", 1, 4),
            ("[.5]", 1, 2),
            ("[+1]", 1, 2),
            ("[NaN]", 1, 2),
            ("[1e999]", 1, 2),
            ("[tru]", 1, 2),
            ("{} {}", 1, 4),
            ("[\"a\tb\"]", 1, 4),
            ("[\"\\x\"]", 1, 3),
            ("[\"\\ud800\"]", 1, 3),
            ("[\"\\udc00\"]", 1, 3),
            ("\n\n  \"abc", 3, 3),
            ("a: 1", 1, 1),
        ] {
            let e = fail(DataFormat::Json, text);
            assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
        }
        // Deep nesting is refused, not a stack overflow.
        let deep = "[".repeat(100_000);
        let e = fail(DataFormat::Json, &deep);
        assert!(e.message.contains("nesting"), "{e}");
        assert_eq!(e.column, 129);
    }

    #[test]
    fn json_agrees_with_serde_json_on_validity() {
        for text in [
            "{}",
            "[]",
            "1",
            "-0.0e+0",
            "\"\\u0000\"",
            "[1,2",
            "{\"a\"}",
            "[1]]",
            "\"\u{7f}\"",
            "{\"a\":{\"b\":[true,false,null]}}",
            "1.0E-2",
            "-",
            "--1",
            "1e",
            "0x10",
            "[,]",
            "\"\\uD834\\uDD1E\"",
            "\"\\uD834x\"",
        ] {
            let ours = parse(DataFormat::Json, text).is_ok();
            let reference = serde_json::from_str::<serde_json::Value>(text).is_ok();
            assert_eq!(ours, reference, "{text:?}");
        }
    }

    #[test]
    fn yaml_nested_positions_and_schema() {
        let text = "\
a:
  b:
    - 1
    - c: x
      d: [10, 'q']
on: push
mode: 0755
yes_: yes
f: 1.5
n: ~
big: 1_000
\"k é\": é
";
        let v = one(DataFormat::Yaml, text);
        assert_eq!((v.line, v.column), (1, 1));
        assert_eq!(pos(&v, "a"), (2, 3));
        assert_eq!(pos(&v, "a.b"), (3, 5));
        assert_eq!(pos(&v, "a.b.0"), (3, 7));
        assert_eq!(v.at("a.b.0").unwrap().kind, Kind::Int(1));
        assert_eq!(pos(&v, "a.b.1"), (4, 7));
        assert_eq!(pos(&v, "a.b.1.c"), (4, 10));
        assert_eq!(pos(&v, "a.b.1.d.1"), (5, 15));
        assert_eq!(v.at("a.b.1.d.1").unwrap().as_str(), Some("q"));
        assert_eq!(v.get("on").unwrap().as_str(), Some("push"));
        assert_eq!(v.get("mode").unwrap().as_str(), Some("0755"));
        assert_eq!(v.get("yes_").unwrap().as_str(), Some("yes"));
        assert_eq!(v.get("f").unwrap().kind, Kind::Float(1.5));
        assert_eq!(v.get("n").unwrap().kind, Kind::Null);
        assert_eq!(v.get("big").unwrap().as_str(), Some("1_000"));
        assert_eq!(v.get("k é").unwrap().as_str(), Some("é"));
        assert_eq!(pos(&v, "k é"), (12, 8));
    }

    #[test]
    fn yaml_keys_are_text() {
        let v = one(DataFormat::Yaml, "1: a\ntrue: b\n~: c\n");
        let keys: Vec<_> = match &v.kind {
            Kind::Object(e) => e.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!(),
        };
        assert_eq!(keys, ["1", "true", "~"]);
    }

    #[test]
    fn yaml_multi_document() {
        let docs = parse(
            DataFormat::Yaml,
            "a: 1\n---\nb:\n  - x\n---\n# empty\n---\nc: 3\n",
        )
        .unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(pos(&docs[1], "b.0"), (4, 5));
        assert_eq!(pos(&docs[2], "c"), (8, 4));
        assert!(parse(DataFormat::Yaml, "").unwrap().is_empty());
        assert!(parse(DataFormat::Yaml, "# nothing\n").unwrap().is_empty());
    }

    #[test]
    fn yaml_anchors_and_merges() {
        let v = one(
            DataFormat::Yaml,
            "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\nalias: *b\n",
        );
        assert_eq!(v.at("use.x").unwrap().kind, Kind::Int(1));
        assert_eq!(v.at("alias.x").unwrap().kind, Kind::Int(1));
        assert_eq!(pos(&v, "alias"), (6, 8));
    }

    #[test]
    fn yaml_errors_have_positions() {
        let e = fail(DataFormat::Yaml, "a: 1\nb: 2\na: 3\n");
        assert_eq!((e.line, e.column), (3, 1), "{e}");
        assert!(e.message.starts_with("duplicate mapping key: a"), "{e}");
        assert!(!e.message.contains("at line"), "{e}");

        let e = fail(DataFormat::Yaml, "a:\n  b: [1, 2\nc: 3\n");
        assert_eq!((e.line, e.column), (3, 2), "{e}");

        let e = fail(DataFormat::Yaml, "a: 1\n b: 2\n");
        assert_eq!((e.line, e.column), (2, 3), "{e}");

        let e = fail(DataFormat::Yaml, "ok: 1\n---\nkey: \"unterminated\n");
        assert_eq!((e.line, e.column), (3, 6), "{e}");
        assert_eq!(e.message, "unclosed quote");

        // Complex (non-scalar) keys are refused rather than guessed at.
        let e = fail(DataFormat::Yaml, "? [a]\n: b\n");
        assert_eq!(e.line, 1, "{e}");

        // Nesting: 64 levels parse, deeper is refused with a position (and
        // never overflows the stack).
        let nest = |d: usize| {
            (0..d)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>()
        };
        assert!(parse(DataFormat::Yaml, &nest(64)).is_ok());
        let e = fail(DataFormat::Yaml, &nest(65));
        assert_eq!(e.line, 65, "{e}");
        for d in [65, 1000] {
            let flow = format!("{}1{}", "[".repeat(d), "]".repeat(d));
            let e = fail(DataFormat::Yaml, &flow);
            assert_eq!(e.line, 1, "{e}");
        }

        let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        assert!(parse(DataFormat::Yaml, bomb).is_err());
    }

    #[test]
    fn toml_positions_in_source_order() {
        let text = "\
title = \"x\"
[server]
port = 8080
hosts = [\"a\", \"b\"]
[[jobs]]
name = \"j1\"
env.ZED = 1
[[jobs]]
name = \"j2\"
when = 1979-05-27T07:32:00Z
ratio = 0.5
";
        let v = one(DataFormat::Toml, text);
        assert_eq!((v.line, v.column), (1, 1));
        let keys: Vec<_> = match &v.kind {
            Kind::Object(e) => e.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!(),
        };
        assert_eq!(keys, ["title", "server", "jobs"]);
        assert_eq!(pos(&v, "title"), (1, 9));
        assert_eq!(pos(&v, "server.port"), (3, 8));
        assert_eq!(v.at("server.port").unwrap().kind, Kind::Int(8080));
        assert_eq!(pos(&v, "server.hosts.1"), (4, 15));
        assert_eq!(v.at("jobs.1.name").unwrap().as_str(), Some("j2"));
        assert_eq!(pos(&v, "jobs.1.name"), (9, 8));
        assert_eq!(v.at("jobs.0.env.ZED").unwrap().kind, Kind::Int(1));
        assert_eq!(pos(&v, "jobs.0.env.ZED"), (7, 11));
        assert_eq!(
            v.at("jobs.1.when").unwrap().as_str(),
            Some("1979-05-27T07:32:00Z")
        );
        assert_eq!(v.at("jobs.1.ratio").unwrap().kind, Kind::Float(0.5));
        assert_eq!(one(DataFormat::Toml, "").kind, Kind::Object(vec![]));
    }

    #[test]
    fn toml_errors_have_positions() {
        let e = fail(DataFormat::Toml, "a = 1\nb = \nc = 3\n");
        assert_eq!(e.line, 2, "{e}");
        let e = fail(DataFormat::Toml, "a = 1\n[t]\nx = 1\n[t]\n");
        assert_eq!(e.line, 4, "{e}");
        let e = fail(DataFormat::Toml, "a = 1\na = 2\n");
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        let e = fail(DataFormat::Toml, "x = [1, 2\n");
        assert_eq!(e.line, 1, "{e}");
        let deep = format!("x = {}1{}", "[".repeat(1000), "]".repeat(1000));
        assert!(parse(DataFormat::Toml, &deep).is_err());
    }

    #[test]
    fn at_get_and_scalars() {
        let v = one(
            DataFormat::Json,
            r#"{"a": {"b": [10, {"c": null}]}, "x.y": 1, "f": 2.5, "s": "t"}"#,
        );
        assert_eq!(v.at("").unwrap(), &v);
        assert_eq!(v.at(".").unwrap(), &v);
        assert_eq!(v.at(".a.b.0").unwrap().kind, Kind::Int(10));
        assert_eq!(v.at("a.b.1.c").unwrap().scalar_text().as_deref(), Some(""));
        assert!(v.at("a.b.2").is_none());
        assert!(v.at("a.b.x").is_none());
        assert!(v.at("a.b.-1").is_none());
        assert!(v.at("a..b").is_none());
        assert!(v.at("x.y").is_none());
        assert_eq!(v.get("x.y").unwrap().kind, Kind::Int(1));
        assert!(v.at("s.0").is_none());
        assert_eq!(v.get("f").unwrap().scalar_text().as_deref(), Some("2.5"));
        assert_eq!(v.at("a.b.0").unwrap().scalar_text().as_deref(), Some("10"));
        assert_eq!(v.get("s").unwrap().scalar_text().as_deref(), Some("t"));
        assert_eq!(v.get("a").unwrap().scalar_text(), None);
        let names: Vec<_> = ["null", "true", "1", "1.5", "\"s\"", "[]", "{}"]
            .iter()
            .map(|t| one(DataFormat::Json, t).type_name())
            .collect();
        assert_eq!(
            names,
            [
                "null", "boolean", "integer", "number", "string", "array", "object"
            ]
        );
    }

    #[test]
    fn locator_on_long_lines() {
        let text = format!("{}é\nx", "a".repeat(10_000));
        let l = Locator::new(&text);
        assert_eq!(l.locate(10_000), (1, 10_001));
        assert_eq!(l.locate(10_002), (1, 10_002));
        assert_eq!(l.locate(10_003), (2, 1));
        assert_eq!(l.line_text(2), "x");
    }
}
