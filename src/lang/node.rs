//! A YAML tree that keeps the position of every value.
//!
//! Policy files are parsed once into [`Node`]s with serde-saphyr, then a
//! validation pass walks the tree and collects *every* error with its
//! position (see `policy::load`). Deserializing straight into typed structs
//! would stop at the first error and lose positions for the rest.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Where a value stands in its file: 1-based line and column, byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// What the user wrote, as a type name for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// A scalar as text (strings as they are; numbers and booleans as written).
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Parses one YAML document of a policy file.
pub(crate) fn parse(text: &str) -> Result<Node, (String, Span)> {
    let mut options = serde_saphyr::options::Options::default();
    // `mode: 0644` must stay the string the user wrote, not a number.
    options.leading_zero_numbers_as_strings = true;
    // Only `true` and `false` are booleans: `id: N` or `on: yes` stay strings.
    options.strict_booleans = true;
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(root) => Ok(convert(root, text)),
        Err(e) => {
            let span = e.location().map(|l| span_of(&l, text)).unwrap_or_default();
            let message = e.without_snippet().to_string();
            let message = message
                .strip_prefix("error: ")
                .unwrap_or(&message)
                .to_string();
            // serde-saphyr prefixes "line L column C: "; the diagnostic shows the position itself.
            let message = match message.find(": ") {
                Some(i) if message.starts_with("line ") => message[i + 2..].to_string(),
                _ => message,
            };
            Err((message, span))
        }
    }
}

fn span_of(l: &serde_saphyr::Location, text: &str) -> Span {
    let line = l.line() as usize;
    let column = l.column() as usize;
    let s = l.span();
    let offset = match s.byte_offset() {
        Some(o) if (o as usize) <= text.len() => o as usize,
        _ => offset_of(text, line, column),
    };
    let len = s
        .byte_len()
        .map(|n| n as usize)
        .filter(|n| offset + n <= text.len())
        .unwrap_or(0);
    Span {
        line,
        column,
        offset,
        len,
    }
}

/// Byte offset of a 1-based (line, char column).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    text[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| start + i)
        .unwrap_or(text.len())
}

fn convert(s: Spanned<Raw>, text: &str) -> Node {
    let span = span_of(&s.referenced, text);
    let kind = match s.value {
        Raw::Null => NodeKind::Null,
        Raw::Bool(b) => NodeKind::Bool(b),
        Raw::Int(i) => NodeKind::Int(i),
        Raw::Float(f) => NodeKind::Float(f),
        Raw::Str(v) => NodeKind::Str(v),
        Raw::Seq(v) => NodeKind::Seq(v.into_iter().map(|n| convert(n, text)).collect()),
        Raw::Map(v) => NodeKind::Map(
            v.into_iter()
                .map(|(k, n)| (convert(k, text), convert(n, text)))
                .collect(),
        ),
    };
    Node { kind, span }
}

enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Raw, D2::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Raw::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = a.next_entry()? {
                    v.push(entry);
                }
                Ok(Raw::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_modes() {
        let n = parse("version: 1\nmode: 0644\np:\n  - id: x\n").unwrap();
        let mode = n.get("mode").unwrap();
        assert_eq!(mode.kind, NodeKind::Str("0644".into()));
        assert_eq!((mode.span.line, mode.span.column), (2, 7));
        let id = n.get("p").unwrap();
        let NodeKind::Seq(items) = &id.kind else {
            panic!()
        };
        let id = items[0].get("id").unwrap();
        assert_eq!((id.span.line, id.span.column, id.span.offset), (4, 9, 33));
    }

    #[test]
    fn duplicate_keys_are_errors_with_positions() {
        let (msg, span) = parse("a: 1\na: 2\n").unwrap_err();
        assert!(msg.contains("duplicate"), "{msg}");
        assert_eq!((span.line, span.column), (2, 1));
    }

    #[test]
    fn offsets_of_lines() {
        assert_eq!(offset_of("ab\ncd\n", 2, 2), 4);
        assert_eq!(offset_of("é\nx", 1, 2), 2);
    }
}
