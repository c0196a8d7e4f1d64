//! Readers of `case.yaml` values that several keys share: a string or a list of
//! strings, a mapping of strings.

use crate::lang::fields::Fields;
use crate::parse::value::{Kind, Span, Value};
use std::collections::BTreeMap;

pub(super) fn list(f: &mut Fields<'_, '_>, name: &'static str) -> Vec<(String, Span)> {
    let Some(node) = f.node(name) else {
        return Vec::new();
    };
    let items: Vec<&Value> = match &node.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        match item.text() {
            Some(s) => out.push((s, item.span)),
            None => f.lx.wrong_type(
                item,
                &format!("'{name}' of case"),
                "a string or a list of strings",
            ),
        }
    }
    out
}

pub(super) fn string_map(f: &mut Fields<'_, '_>, name: &'static str) -> BTreeMap<String, String> {
    let Some(node) = f.node(name) else {
        return BTreeMap::new();
    };
    let Some(map) = node.as_object() else {
        f.lx.wrong_type(node, &format!("'{name}' of case"), "a mapping");
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for entry in map {
        match entry.value.text() {
            Some(v) => {
                out.insert(entry.key.clone(), v);
            }
            None => {
                f.lx.wrong_type(&entry.value, &format!("a value of '{name}'"), "a string")
            }
        }
    }
    out
}
