//! YAML, JSON and TOML.

use super::{Assignment, strip_quotes_and_blanks};
use crate::parse::structured::{self, DataFormat, Kind, Locator, ParseFailure, Value};

pub(super) fn tree(
    format: DataFormat,
    text: &str,
    name: &str,
) -> Result<Vec<Assignment>, ParseFailure> {
    if format == DataFormat::Yaml
        && let Some(found) = super::yaml_events::assignments(text, name)
    {
        return Ok(found);
    }
    tree_only(format, text, name)
}

/// The assignments as the value tree shows them: what [`tree`] returns for
/// JSON and TOML, and for YAML the fast path (`yaml_events`) declines.
pub(super) fn tree_only(
    format: DataFormat,
    text: &str,
    name: &str,
) -> Result<Vec<Assignment>, ParseFailure> {
    let docs = structured::parse_for_name(format, text, name)?;
    let locator = Locator::new(text);
    let mut found = Vec::new();
    if name.is_empty() {
        return Ok(found);
    }
    let item_prefix = format!("{name}=");
    let mut walker = Walker {
        name,
        item_prefix: &item_prefix,
        locator: &locator,
        found: &mut found,
    };
    for doc in &docs {
        walker.walk(doc);
    }
    Ok(found)
}

struct Walker<'a> {
    name: &'a str,
    item_prefix: &'a str,
    locator: &'a Locator<'a>,
    found: &'a mut Vec<Assignment>,
}

fn value_text(node: &Value) -> String {
    match &node.kind {
        Kind::Object(_) => "<mapping>".to_owned(),
        Kind::Array(_) => "<sequence>".to_owned(),
        _ => node.scalar_text().map_or(String::new(), |s| s.to_string()),
    }
}

impl Walker<'_> {
    fn push(&mut self, line: usize, column: usize, value: String) {
        self.found.push(Assignment {
            value,
            raw: self.locator.line_text(line).trim().to_owned(),
            line,
            column,
            unknown: None,
        });
    }

    fn walk(&mut self, node: &Value) {
        match &node.kind {
            Kind::Object(members) => {
                for m in members {
                    if m.key == self.name {
                        self.push(m.key_span.line, m.key_span.column, value_text(&m.value));
                    }
                }
                let named = members
                    .iter()
                    .find(|m| m.key == "name")
                    .filter(|m| matches!(&m.value.kind, Kind::Str(s) if s == self.name));
                if let Some(n) = named {
                    let value = match members.iter().find(|m| m.key == "value") {
                        Some(v) => value_text(&v.value),
                        None if members.iter().any(|m| m.key == "valueFrom") => {
                            "<valueFrom>".to_owned()
                        }
                        None => "<no value>".to_owned(),
                    };
                    self.push(n.value.span.line, n.value.span.column, value);
                }
                for m in members {
                    self.walk(&m.value);
                }
            }
            Kind::Array(items) => {
                for item in items {
                    if let Kind::Str(s) = &item.kind
                        && let Some(value) = s.trim_start().strip_prefix(self.item_prefix)
                    {
                        let column = self.name_column(item);
                        self.push(
                            item.span.line,
                            column,
                            strip_quotes_and_blanks(value).to_owned(),
                        );
                    }
                    self.walk(item);
                }
            }
            _ => {}
        }
    }

    /// A quoted string item starts at its quote; the name one character later.
    fn name_column(&self, item: &Value) -> usize {
        let at = item.span;
        let line = self.locator.line_text(at.line);
        match line.chars().nth(at.column - 1) {
            Some('"' | '\'') => at.column + 1,
            _ => at.column,
        }
    }
}
