//! The YAML reader: serde-saphyr with `Spanned` nodes, turned into [`Value`].
//! Every YAML text relgate reads goes through it with the one set of
//! [`options`]: data files ([`parse`]) and the policy language's own files,
//! policy files and `relgate test` cases ([`parse_one`]).
//!
//! The YAML 1.2 core schema (`yes`/`on`/`no`/`off` stay strings, `0755` and
//! `1_000` stay the strings `"0755"` and `"1_000"`), duplicate keys rejected
//! unless the caller asks for them, `!!binary` scalars kept as their base64
//! text, and serde-saphyr's depth, alias and size budgets (tighter alias
//! replay than its default, so an alias bomb stays small in memory). Mapping
//! keys are read as their source text, so `on:` is the key `"on"`; complex
//! (non-scalar) keys are refused.

use super::lines::Locator;
use super::value::{Kind, Member, ParseFailure, Span, Value};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::fmt;

fn options(duplicates: bool) -> serde_saphyr::Options {
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
    // Tighter than the default million: an alias bomb stays small in memory.
    options.alias_limits.max_total_replayed_events = 200_000;
    // A `!!binary` scalar is its base64 text, never the bytes it encodes: a
    // `!!binary` key is not a name any program reads as a setting's name.
    options.ignore_binary_tag_for_string = true;
    options.duplicate_keys = if duplicates {
        serde_saphyr::DuplicateKeyPolicy::PassThrough
    } else {
        serde_saphyr::DuplicateKeyPolicy::Error
    };
    options
}

/// granit-parser's options as serde-saphyr sets them from [`options`] (its
/// budget's lookahead and nesting limits, no comments, the same indentation and
/// byte-order-mark rules): a reader of the events themselves
/// (`assign::yaml_events`) parses with these to see the events the tree is built from.
pub(crate) fn event_options() -> granit_parser::Options {
    static EVENT_OPTIONS: std::sync::LazyLock<granit_parser::Options> =
        std::sync::LazyLock::new(|| {
            let options = options(true);
            let budget = options.budget.clone().unwrap_or_default();
            granit_parser::options! {
                simple_key_max_lookahead: budget.simple_key_max_lookahead,
                flow_nesting_limit: budget.flow_nesting_limit,
                block_nesting_limit: granit_parser::Options::default()
                    .block_nesting_limit
                    .max(budget.max_depth.saturating_add(1)),
                emit_comments: false,
                strict_indentation: options.strict_indentation,
                bom_inside_document_as_content: options.bom_inside_document_as_content,
            }
        });
    EVENT_OPTIONS.clone()
}

/// Every document of `text`. With `duplicates` false a repeated key is an
/// error; with true every entry is kept, in source order, for the caller to judge.
pub fn parse(
    text: &str,
    locator: &Locator<'_>,
    duplicates: bool,
) -> Result<Vec<Value>, ParseFailure> {
    let docs = serde_saphyr::from_multiple_with_options::<Spanned<Y>>(text, options(duplicates))
        .map_err(|e| failure(&e, locator))?;
    Ok(docs
        .into_iter()
        .map(|d| d.value.into_node(d.referenced, locator))
        .collect())
}

/// The one document of a policy-language file (a policy file, a `relgate
/// test` case), read with the same [`options`] and budgets as a data file,
/// every entry of a mapping kept: the caller reports each repeated key with
/// both places ([`Value::duplicates`]). An empty text is a null document; a
/// second document is refused.
pub fn parse_one(text: &str, locator: &Locator<'_>) -> Result<Value, Refused> {
    match serde_saphyr::from_str_with_options::<Spanned<Y>>(text, options(true)) {
        Ok(d) => Ok(d.value.into_node(d.referenced, locator)),
        Err(e) => {
            let inner = e.without_snippet();
            let span = inner
                .location()
                .map_or_else(Span::default, |loc| span(loc, locator));
            let limit = limit(inner);
            Err(Refused {
                over_limit: limit.is_some(),
                message: limit.unwrap_or_else(|| message(inner)),
                span,
            })
        }
    }
}

/// A YAML text the reader refused: why, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub span: Span,
    /// Refused for a budget rather than for its syntax: aliases that expand
    /// too far (an alias bomb such as "billion laughs"), too many nodes, too
    /// deep a nesting.
    pub over_limit: bool,
}

fn failure(e: &serde_saphyr::Error, locator: &Locator<'_>) -> ParseFailure {
    let inner = e.without_snippet();
    let (line, column) = match inner.location() {
        Some(loc) => {
            let s = span(loc, locator);
            (s.line, s.column)
        }
        None => (1, 1),
    };
    ParseFailure {
        message: message(inner),
        line,
        column,
    }
}

/// serde-saphyr's message, without the snippet and the position (reported apart).
fn message(e: &serde_saphyr::Error) -> String {
    let message = e.render_with_options(serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    });
    strip_location_suffix(&message)
}

/// What budget a refused text broke, in words; `None` when it broke none.
fn limit(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error;
    use serde_saphyr::budget::BudgetBreach;
    let budget = options(true).budget.unwrap_or_default();
    Some(match e {
        Error::AliasError { error, .. } => return limit(error),
        Error::AliasReplayLimitExceeded {
            max_total_replayed_events,
            ..
        } => format!("its aliases expand to more than {max_total_replayed_events} parse events"),
        Error::AliasExpansionLimitExceeded {
            max_expansions_per_anchor,
            ..
        } => format!("an anchor is expanded more than {max_expansions_per_anchor} times"),
        Error::AliasReplayStackDepthExceeded { max_depth, .. } => {
            format!("aliases nest more than {max_depth} levels deep")
        }
        Error::AliasReplayCounterOverflow { .. } => "its aliases expand without bound".to_owned(),
        Error::Budget { breach, .. } => match breach {
            BudgetBreach::Nodes { .. } => format!(
                "it holds more than {} nodes once aliases are expanded",
                budget.max_nodes
            ),
            BudgetBreach::Depth { .. } => {
                format!("it nests more than {} levels deep", budget.max_depth)
            }
            BudgetBreach::Events { .. } => {
                format!("it is longer than {} parse events", budget.max_events)
            }
            BudgetBreach::Aliases { .. } => {
                format!("it holds more than {} aliases", budget.max_aliases)
            }
            other => format!("it exceeds a reading budget ({other:?})"),
        },
        _ => return None,
    })
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

/// Where serde-saphyr places a node or an error, from its byte range when it
/// has one, otherwise from its line and column.
fn span(loc: Location, locator: &Locator<'_>) -> Span {
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let bytes = loc.span();
    let offset = match bytes.byte_offset() {
        Some(offset) => to_usize(offset),
        None => locator.offset(to_usize(loc.line()), to_usize(loc.column())),
    };
    locator.span(offset, bytes.byte_len().map_or(0, to_usize))
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
    fn into_node(self, loc: Location, locator: &Locator<'_>) -> Value {
        let at = span(loc, locator);
        let kind = match self {
            Y::Null => Kind::Null,
            Y::Bool(b) => Kind::Bool(b),
            Y::Int(i) => Kind::Int(i),
            Y::Float(f) => Kind::Float(f),
            Y::Str(s) => Kind::Str(s),
            Y::Seq(items) => Kind::Array(
                items
                    .into_iter()
                    .map(|i| i.value.into_node(i.referenced, locator))
                    .collect(),
            ),
            Y::Map(entries) => Kind::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| Member {
                        key: k.value.0,
                        key_span: span(k.referenced, locator),
                        value: v.value.into_node(v.referenced, locator),
                    })
                    .collect(),
            ),
        };
        Value { kind, span: at }
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

#[cfg(test)]
mod tests;
