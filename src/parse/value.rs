//! The one value tree relgate reads structured text into: data files (JSON,
//! YAML, TOML) and the policy language's own YAML (policy files, test cases).
//! Every node, and every mapping key, keeps its [`Span`]: 1-based line and
//! column for messages (`file:line:column` whatever the format: `data` reads
//! values, `assign` points at the key `NAME:`), and the byte range for
//! snippets that underline it.

use std::fmt;

/// Where a value stands in its text: 1-based line and column (the column
/// counts characters, not bytes), and its byte range (`offset`, `len`). A YAML
/// mapping or sequence spans its first token only (what serde-saphyr reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    pub len: usize,
}

/// A parsed value and where it stands in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Value>),
    /// Entries in source order. Keys are unique unless the document was read
    /// with duplicates allowed (see `structured::parse_for_name`).
    Object(Vec<Member>),
}

/// One entry of a mapping: the key (as text: a YAML key `1`, `true` or `~` is
/// the text it is written as), where the key is, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
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

    /// The value of `key` when this is an object (the first, should the
    /// document repeat the key).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries when this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// A string, number or boolean as text (numbers and booleans as
    /// [`Value::scalar_text`] writes them); `None` for null, arrays and
    /// objects: the policy language's "a value was given".
    pub fn text(&self) -> Option<String> {
        match self.kind {
            Kind::Null => None,
            _ => self.scalar_text(),
        }
    }

    /// A scalar as text: Str as is, Int/Float/Bool via to_string, Null as "".
    /// Arrays and objects have none.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Null => Some(String::new()),
            Kind::Bool(b) => Some(b.to_string()),
            Kind::Int(i) => Some(i.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            Kind::Str(s) => Some(s.clone()),
            Kind::Array(_) | Kind::Object(_) => None,
        }
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

    /// Whether `needle` occurs in a key or a string anywhere in this subtree.
    pub fn mentions(&self, needle: &str) -> bool {
        match &self.kind {
            Kind::Str(s) => s.contains(needle),
            Kind::Array(items) => items.iter().any(|i| i.mentions(needle)),
            Kind::Object(members) => members
                .iter()
                .any(|m| m.key.contains(needle) || m.value.mentions(needle)),
            _ => false,
        }
    }

    /// The first key repeated in a mapping anywhere in this subtree, as
    /// (mapping, index of the first entry, index of the repeat), in source order.
    pub fn duplicates(&self) -> Vec<(&[Member], usize, usize)> {
        let mut found = Vec::new();
        self.collect_duplicates(&mut found);
        found
    }

    fn collect_duplicates<'v>(&'v self, found: &mut Vec<(&'v [Member], usize, usize)>) {
        match &self.kind {
            Kind::Array(items) => items.iter().for_each(|i| i.collect_duplicates(found)),
            Kind::Object(members) => {
                if members.len() <= 16 {
                    // Small mappings (most of them): comparing pairs beats hashing.
                    for (i, m) in members.iter().enumerate() {
                        if let Some(first) = members[..i].iter().position(|p| p.key == m.key) {
                            found.push((members.as_slice(), first, i));
                        }
                    }
                } else {
                    let mut seen: std::collections::HashMap<&str, usize> =
                        std::collections::HashMap::with_capacity(members.len());
                    for (i, m) in members.iter().enumerate() {
                        if let Some(&first) = seen.get(m.key.as_str()) {
                            found.push((members.as_slice(), first, i));
                        } else {
                            seen.insert(&m.key, i);
                        }
                    }
                }
                members
                    .iter()
                    .for_each(|m| m.value.collect_duplicates(found));
            }
            _ => {}
        }
    }
}
