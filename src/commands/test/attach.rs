//! `attach:` of `case.yaml`: attachment name -> a file of the case's folder, handed to
//! the evaluation as `relgate check --attach NAME=PATH` would (where the path may lead
//! is checked in `paths`, before anything is read).

use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::parse::value::Span;
use std::collections::BTreeMap;

/// The entries of `attach:` (`map`, as read), each with where its path is written; a
/// name `attachment: NAME` could not use is an error at the name.
pub(super) fn read(
    f: &mut Fields<'_, '_>,
    map: BTreeMap<String, String>,
) -> Vec<(String, String, Span)> {
    map.into_iter()
        .filter_map(|(k, v)| {
            let entry = f.node("attach").and_then(|n| n.as_object()).and_then(|m| {
                m.iter()
                    .find(|e| e.key == k)
                    .map(|e| (e.key_span, e.value.span))
            });
            let (key_span, span) = entry.unwrap_or_default();
            if !is_name(&k) {
                f.lx.error(
                    Code::BadValue,
                    key_span,
                    format!("'{k}' is not an attachment name (letters, digits, '_' and '-', not starting with a digit or '-')"),
                )
                .label = "not a name".into();
                return None;
            }
            Some((k, v, span))
        })
        .collect()
}

/// A name `attachment: NAME` can use, as `--attach NAME=PATH` takes it.
fn is_name(k: &str) -> bool {
    k.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
