//! The flag scan's fast path for YAML: the assignments of one name read off the
//! parser's events (granit-parser, the event parser serde-saphyr itself runs
//! on, with the options [`crate::parse::yaml`] gives it), without building the
//! value tree that [`super::tree`] walks.
//!
//! Why: the flag scan reads every YAML config file that spells the name, and
//! building the tree (serde-saphyr's `Spanned` nodes, its event recording and
//! budgets) cost about 85 µs per 1 kB file, a fifth of a `--rev` run's CPU,
//! for the few nodes the scan looks at.
//!
//! It answers only for a text whose events hold nothing it does not model:
//! plain, quoted and block scalars, mappings whose keys are scalars none of
//! which repeats, sequences, any number of documents. On anything else it
//! returns `None` and the caller reads the file through the tree, which then
//! decides the value and every error: a parse error, an anchor, an alias, a
//! tag, a merge key `<<`, a complex key, a repeated key (the tree decides
//! whether it matters to the name), a plain scalar whose type it does not
//! resolve for sure (a float, `0x1F`, a long integer), nesting, size or event
//! counts anywhere near the tree reader's budgets, a parser panic. So what the
//! scan finds never depends on how much of YAML this module covers; the
//! differential tests (`yaml_events_tests.rs`) hold it to the tree's results.
//!
//! What it reproduces, as serde-saphyr with relgate's options reads it: a key
//! is its scalar text (an omitted key is `""`); an untagged plain scalar is
//! null (`""`, `~`, `null`, `Null`, `NULL`), a boolean (`true`/`True`/`TRUE`,
//! `false`/…), a decimal integer, or else a string (leading zeros,
//! underscores, upper-case radix prefixes and signed `.nan` stay strings);
//! quoted and block scalars are strings. Positions are the byte offsets of the
//! events, located as the tree locates its nodes' ([`Locator`]).

use super::{Assignment, strip_quotes_and_blanks};
use crate::parse::lines::Locator;
use granit_parser::{Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

/// Far below the tree reader's budgets (64 levels, a million events, 250,000
/// nodes, 1,024 documents): what comes near them goes to the tree, which
/// reports the breach.
const MAX_DEPTH: usize = 32;
const MAX_EVENTS: usize = 100_000;
const MAX_DOCUMENTS: usize = 100;
const MAX_TEXT_BYTES: usize = 1 << 20;

/// Every assignment of `name` in the YAML `text`, as [`super::tree`] finds
/// them (in event order; the caller sorts), or `None` when the text holds
/// something this reader does not model.
pub(super) fn assignments(text: &str, name: &str) -> Option<Vec<Assignment>> {
    if name.is_empty() || text.len() > MAX_TEXT_BYTES {
        return None;
    }
    crate::parse::guarded(|| {
        crate::parse::debug_panic(text);
        Scan::new(text, name).run()
    })
    .ok()
    .flatten()
}

struct Scan<'t> {
    text: &'t str,
    name: &'t str,
    item_prefix: String,
    locator: Option<Locator<'t>>,
    frames: Vec<Frame<'t>>,
    found: Vec<Assignment>,
}

enum Frame<'t> {
    Sequence,
    Mapping(Mapping<'t>),
}

/// A mapping being read: the key whose value comes next, the keys so far,
/// and what it says about the name as a `name`/`value` pair.
#[derive(Default)]
struct Mapping<'t> {
    key: Option<Key>,
    keys: Keys,
    /// Where its `name` entry's value (a string equal to the name) starts.
    named_at: Option<usize>,
    value: Option<Node<'t>>,
    value_from: bool,
}

/// What a key is to the scan; `offset` is where it starts.
#[derive(Clone, Copy)]
struct Key {
    offset: usize,
    is_the_name: bool,
    is_name: bool,
    is_value: bool,
    is_value_from: bool,
}

/// A node as the scan keeps it: a scalar, or the kind of a collection.
enum Node<'t> {
    Scalar(Cow<'t, str>, ScalarStyle),
    Mapping,
    Sequence,
}

/// The keys of one mapping, by hash: a repeat, or two keys of equal hash,
/// sends the text to the tree (a collision only costs the fast path).
enum Keys {
    Few(Vec<u64>),
    Many(HashSet<u64>),
}

impl Default for Keys {
    fn default() -> Self {
        Keys::Few(Vec::new())
    }
}

impl Keys {
    /// False when `hash` was there already.
    fn insert(&mut self, hash: u64) -> bool {
        match self {
            Keys::Few(v) if v.len() < 16 => {
                if v.contains(&hash) {
                    return false;
                }
                v.push(hash);
                true
            }
            Keys::Few(v) => {
                let mut set: HashSet<u64> = v.iter().copied().collect();
                let fresh = set.insert(hash);
                *self = Keys::Many(set);
                fresh
            }
            Keys::Many(set) => set.insert(hash),
        }
    }
}

impl<'t> Scan<'t> {
    fn new(text: &'t str, name: &'t str) -> Self {
        Scan {
            text,
            name,
            item_prefix: format!("{name}="),
            locator: None,
            frames: Vec::new(),
            found: Vec::new(),
        }
    }

    fn run(mut self) -> Option<Vec<Assignment>> {
        let parser =
            Parser::new_from_str_with_options(self.text, crate::parse::yaml::event_options());
        let mut documents = 0;
        for (count, next) in parser.enumerate() {
            let (event, span) = next.ok()?;
            if count > MAX_EVENTS {
                return None;
            }
            match event {
                Event::StreamStart | Event::StreamEnd => {}
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > MAX_DOCUMENTS || !self.frames.is_empty() {
                        return None;
                    }
                }
                Event::DocumentEnd => {
                    if !self.frames.is_empty() {
                        return None;
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    self.node(Node::Scalar(value, style), span)?;
                }
                Event::SequenceStart(_, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    self.node(Node::Sequence, span)?;
                    self.open(Frame::Sequence)?;
                }
                Event::MappingStart(_, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    self.node(Node::Mapping, span)?;
                    self.open(Frame::Mapping(Mapping::default()))?;
                }
                Event::SequenceEnd => match self.frames.pop() {
                    Some(Frame::Sequence) => {}
                    _ => return None,
                },
                Event::MappingEnd => match self.frames.pop() {
                    Some(Frame::Mapping(m)) if m.key.is_none() => self.close(m)?,
                    _ => return None,
                },
                // Aliases, anchor metadata, and whatever a later parser adds.
                _ => return None,
            }
        }
        self.frames.is_empty().then_some(self.found)
    }

    fn open(&mut self, frame: Frame<'t>) -> Option<()> {
        self.frames.push(frame);
        (self.frames.len() <= MAX_DEPTH).then_some(())
    }

    /// One node, in whatever place its parent gives it.
    fn node(&mut self, node: Node<'t>, span: Span) -> Option<()> {
        let offset = span.start.byte_offset()?;
        match self.frames.last_mut() {
            None => Some(()),
            Some(Frame::Sequence) => match node {
                Node::Scalar(value, style) => self.item(&value, style, offset),
                _ => Some(()),
            },
            Some(Frame::Mapping(m)) => match m.key.take() {
                None => {
                    let Node::Scalar(value, style) = node else {
                        return None; // a complex key
                    };
                    let key = key_text(&value, style, span);
                    if key == "<<" || !m.keys.insert(hash(key)) {
                        return None;
                    }
                    m.key = Some(Key {
                        offset,
                        is_the_name: key == self.name,
                        is_name: key == "name",
                        is_value: key == "value",
                        is_value_from: key == "valueFrom",
                    });
                    Some(())
                }
                Some(key) => {
                    if key.is_name
                        && let Node::Scalar(value, style) = &node
                        && *value == self.name
                        && typed(value, *style)? == Typed::Str
                    {
                        m.named_at = Some(offset);
                    }
                    m.value_from |= key.is_value_from;
                    let assigned = if key.is_the_name {
                        Some(value_text(&node)?)
                    } else {
                        None
                    };
                    if key.is_value {
                        m.value = Some(node);
                    }
                    if let Some(value) = assigned {
                        self.push(key.offset, value);
                    }
                    Some(())
                }
            },
        }
    }

    /// A sequence item `NAME=value` (a string): the name's column is the
    /// item's, one further when the item starts with a quote (as the tree says).
    fn item(&mut self, value: &str, style: ScalarStyle, offset: usize) -> Option<()> {
        let Some(rest) = value.trim_start().strip_prefix(self.item_prefix.as_str()) else {
            return Some(());
        };
        if typed(value, style)? != Typed::Str {
            return Some(());
        }
        let at = self.push(offset, strip_quotes_and_blanks(rest).to_owned());
        let starts_quoted = matches!(self.text.as_bytes().get(offset), Some(b'"' | b'\''));
        if starts_quoted && let Some(a) = self.found.get_mut(at) {
            a.column += 1;
        }
        Some(())
    }

    /// The end of a mapping: its `name`/`value` pair, when it names the name.
    fn close(&mut self, m: Mapping<'t>) -> Option<()> {
        if let Some(at) = m.named_at {
            let value = match &m.value {
                Some(v) => value_text(v)?,
                None if m.value_from => "<valueFrom>".to_owned(),
                None => "<no value>".to_owned(),
            };
            self.push(at, value);
        }
        Some(())
    }

    /// Records an assignment at byte `offset`; returns its index.
    fn push(&mut self, offset: usize, value: String) -> usize {
        let locator = self.locator.get_or_insert_with(|| Locator::new(self.text));
        let (line, column) = locator.locate(offset);
        self.found.push(Assignment {
            value,
            raw: locator.line_text(line).trim().to_owned(),
            line,
            column,
            unknown: None,
        });
        self.found.len() - 1
    }
}

fn hash(key: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

/// A key's text as the tree has it: the scalar's, except an omitted key
/// (granit-parser's `~` with an empty span), which is `""`.
fn key_text(value: &str, style: ScalarStyle, span: Span) -> &str {
    if style == ScalarStyle::Plain && value == "~" && span.is_empty() {
        ""
    } else {
        value
    }
}

/// A value's text as the tree writes it (`value_text` of [`super::tree`]).
fn value_text(node: &Node<'_>) -> Option<String> {
    Some(match node {
        Node::Mapping => "<mapping>".to_owned(),
        Node::Sequence => "<sequence>".to_owned(),
        Node::Scalar(value, style) => match typed(value, *style)? {
            Typed::Str => value.to_string(),
            Typed::Null => String::new(),
            Typed::Bool(b) => b.to_string(),
            Typed::Int(i) => i.to_string(),
        },
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typed {
    Str,
    Null,
    Bool(bool),
    Int(i64),
}

/// What an untagged scalar is to serde-saphyr with relgate's options, or
/// `None` when this reader does not decide it (a float, a radix prefix, an
/// integer of more than 18 digits): the tree does.
fn typed(value: &str, style: ScalarStyle) -> Option<Typed> {
    if style != ScalarStyle::Plain {
        return Some(Typed::Str);
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Typed::Null),
        "true" | "True" | "TRUE" => return Some(Typed::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Typed::Bool(false)),
        _ => {}
    }
    // serde-saphyr trims these before it types a scalar; a plain scalar
    // never has them at its ends, and if one did the tree would decide.
    if value.starts_with([' ', '\t', '\r', '\n']) || value.ends_with([' ', '\t', '\r', '\n']) {
        return None;
    }
    let (negative, unsigned) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let digits = !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit());
    let kept_as_text = unsigned.starts_with("0X")
        || unsigned.starts_with("0O")
        || unsigned.starts_with("0B")
        || (value.len() != unsigned.len() && matches!(unsigned, ".nan" | ".NaN" | ".NAN"))
        || (digits && unsigned.len() > 1 && unsigned.starts_with('0'))
        || value.contains('_');
    // Numbers (integers, floats, `.inf`, `.nan`) start with a digit or a dot.
    if kept_as_text || !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Some(Typed::Str);
    }
    if digits && unsigned.len() <= 18 {
        let n: i64 = unsigned.parse().ok()?;
        return Some(Typed::Int(if negative { -n } else { n }));
    }
    None
}

#[cfg(test)]
#[path = "yaml_events_tests.rs"]
mod tests;
