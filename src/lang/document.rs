//! Reading a policy-language document (a policy file, a `relgate test` case)
//! into the value tree every structured file is read into
//! ([`crate::parse::value`]), by the YAML reader every YAML file goes through
//! ([`crate::parse::yaml`]): one schema, one set of alias, size and depth
//! budgets. A text that reader refuses, and every key repeated in a mapping,
//! is a located load error with a suggestion.
//!
//! The tree is read whole, then a validation pass walks it and collects
//! *every* error with its position (see `policy::load`): deserializing
//! straight into typed structs would stop at the first error and lose the
//! positions of the rest.

use super::error::{Code, LoadError, PolicyFile};
use crate::parse::structured;
use crate::parse::value::Value;
use std::sync::Arc;

const OVER_LIMIT_HELP: &str = "relgate refuses YAML that expands past its reading limits, as an alias bomb (\"billion laughs\") does: write the values out, or refer to anchors (*name) fewer times";

/// The one YAML document of `file`, or the errors that make it unreadable: the
/// reader's refusal, or every repeated key (YAML keeps one of the two, and
/// which one differs between readers), in source order.
pub(crate) fn read(file: &Arc<PolicyFile>) -> Result<Value, Vec<LoadError>> {
    let root = match structured::parse_yaml_document(&file.text) {
        Ok(root) => root,
        Err(refused) => {
            let message = format!("invalid YAML: {}", refused.message);
            let e = LoadError::new(Code::Yaml, file, refused.span, message);
            return Err(vec![if refused.over_limit {
                e.label("past the limit").help(OVER_LIMIT_HELP)
            } else {
                e.label("here")
            }]);
        }
    };
    let mut repeated: Vec<LoadError> = root
        .duplicates()
        .into_iter()
        .map(|(members, first, repeat)| {
            let (first, repeat) = (&members[first], &members[repeat]);
            let at = first.key_span;
            LoadError::new(
                Code::Yaml,
                file,
                repeat.key_span,
                format!(
                    "invalid YAML: duplicate key '{}' (first at line {}, column {})",
                    repeat.key, at.line, at.column
                ),
            )
            .label("repeated here")
            .also(at, "first here")
            .help(format!(
                "a key appears once in a mapping: keep one '{}' and remove the other",
                repeat.key
            ))
        })
        .collect();
    repeated.sort_by_key(|e| e.span.offset);
    if repeated.is_empty() {
        Ok(root)
    } else {
        Err(repeated)
    }
}

#[cfg(test)]
mod tests;
