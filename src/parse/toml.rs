//! The TOML reader: `toml::de::DeTable`, which keeps the span of every key
//! and value, turned into [`Value`] with tables put back in source order.
//! Date-times become RFC 3339 text (seconds always written). Tested against
//! toml-test's TOML 1.1.0 files (`tests/corpora/toml/`): every valid file reads
//! to the recorded value, every invalid file is refused.

use super::lines::Locator;
use super::value::{Kind, Member, ParseFailure, Value};
use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};
use std::ops::Range;

/// The document of `text` as one table. TOML forbids repeated keys, and so does
/// this reader (the `toml` crate).
pub fn parse(text: &str, locator: &Locator<'_>) -> Result<Value, ParseFailure> {
    let root = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        locator.failure(at, e.message().trim().to_owned())
    })?;
    let span = root.span();
    convert_table(root.into_inner(), span, locator)
}

fn node(kind: Kind, at: Range<usize>, locator: &Locator<'_>) -> Value {
    Value {
        kind,
        span: locator.span(at.start, at.len()),
    }
}

fn convert_table(
    table: DeTable<'_>,
    at: Range<usize>,
    locator: &Locator<'_>,
) -> Result<Value, ParseFailure> {
    let mut entries: Vec<_> = table.into_iter().collect();
    // The map is sorted by key; put it back in source order.
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut members = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let key_span = key.span();
        members.push(Member {
            key: key.into_inner().into_owned(),
            key_span: locator.span(key_span.start, key_span.len()),
            value: convert(value, locator)?,
        });
    }
    Ok(node(Kind::Object(members), at, locator))
}

fn convert(value: Spanned<DeValue<'_>>, locator: &Locator<'_>) -> Result<Value, ParseFailure> {
    let at = value.span();
    let kind = match value.into_inner() {
        DeValue::String(s) => Kind::Str(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Kind::Int(n),
            Err(_) => return Err(locator.failure(at.start, "integer out of range")),
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(n) => Kind::Float(n),
            Err(_) => return Err(locator.failure(at.start, "invalid float")),
        },
        DeValue::Boolean(b) => Kind::Bool(b),
        DeValue::Datetime(mut d) => {
            // TOML 1.1 may leave the seconds out (`07:32`); RFC 3339 may not,
            // and the `data` check's date formats read RFC 3339.
            if let Some(time) = d.time.as_mut() {
                time.second.get_or_insert(0);
            }
            Kind::Str(d.to_string())
        }
        DeValue::Array(items) => Kind::Array(
            items
                .into_iter()
                .map(|i| convert(i, locator))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(t) => return convert_table(t, at, locator),
    };
    Ok(node(kind, at, locator))
}

#[cfg(test)]
mod tests;
