//! Checks that need every file at once: references to variables and flag
//! variables, cycles between variables, policy ids defined twice.

use super::{Inputs, Policy, PolicySet};
use crate::eval::vars::{self, VarDef, VarKind};
use crate::lang::error::{Code, LoadError, PolicyFile, did_you_mean};
use crate::lang::template::{BASE_SUFFIX, stem};
use crate::parse::lines::LineIndex;
use crate::parse::value::Span;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(super) fn check_var_refs(
    set: &PolicySet,
    inputs: &Inputs,
    refs: &[(Arc<PolicyFile>, String, Span)],
    errors: &mut Vec<LoadError>,
) {
    let mut known: Vec<&str> = set.vars.iter().map(|v| v.name.as_str()).collect();
    known.extend(inputs.var_names.iter().map(String::as_str));
    known.extend(vars::BUILTINS.iter().map(|(n, _)| *n));
    // `for_each` loop variables (`as:`): valued per instance; variables may use them.
    known.extend(
        set.policies
            .iter()
            .filter_map(|p| p.for_each.as_ref())
            .map(|f| f.name.as_str()),
    );
    // A --var that nothing declares or uses is a typo until proven otherwise: it
    // would be silently ignored while the policy it was meant for uses its default.
    let mut used: Vec<&str> = set.vars.iter().map(|v| v.name.as_str()).collect();
    used.extend(refs.iter().map(|(_, n, _)| stem(n)));
    used.extend(set.vars.iter().flat_map(|v| v.refs()).map(stem));
    used.extend(vars::BUILTINS.iter().map(|(n, _)| *n));
    for name in &inputs.var_names {
        if used.contains(&name.as_str()) {
            continue;
        }
        errors.push(
            LoadError::global(
                Code::UnknownVariable,
                format!("--var {name}: no policy declares or uses a variable '{name}'"),
            )
            .help(match did_you_mean(name, used.iter().copied()) {
                Some(s) => s,
                None if used.is_empty() => "these policies use no variables".to_string(),
                None => {
                    let mut names = used.clone();
                    names.sort();
                    names.dedup();
                    format!("variables these policies know: {}", names.join(", "))
                }
            }),
        );
    }
    for (file, name, span) in refs {
        // `{name@base}`: the value of a known variable in the base.
        if known.contains(&stem(name)) {
            continue;
        }
        let candidates: Vec<String> = match name.ends_with(BASE_SUFFIX) {
            true => known.iter().map(|k| format!("{k}{BASE_SUFFIX}")).collect(),
            false => known.iter().map(|k| k.to_string()).collect(),
        };
        // Point at the `{name}` itself when the source spells it out.
        let mut at = *span;
        let needle = format!("{{{name}}}");
        let end = (span.offset + span.len.max(needle.len())).min(file.text.len());
        if let Some(i) = file
            .text
            .get(span.offset..end)
            .and_then(|s| s.find(&needle))
        {
            at.column += file.text[span.offset..span.offset + i].chars().count();
            at.offset += i;
            at.len = needle.len();
        }
        errors.push(
            LoadError::new(Code::UnknownVariable, file, at, format!("unknown variable '{{{name}}}'"))
                .label("unknown variable")
                .help(match did_you_mean(name, candidates.iter().map(String::as_str)) {
                    Some(s) => s,
                    None if name.ends_with(BASE_SUFFIX) => format!("'{BASE_SUFFIX}' takes the value of a declared variable in the base: declare '{}' under 'vars:'", stem(name)),
                    None => format!("declare it under 'vars:', pass --var {name}=VALUE, or write '{{{{{name}}}}}' for literal braces"),
                }),
        );
    }
}

/// Every `flag: {var: x}` / `changes: {flag: x}` names a flag variable.
pub(super) fn check_flag_refs(
    set: &PolicySet,
    refs: &[(Arc<PolicyFile>, String, Span)],
    errors: &mut Vec<LoadError>,
) {
    let flags: Vec<&str> = set
        .vars
        .iter()
        .filter(|v| matches!(v.kind, VarKind::Flag(_)))
        .map(|v| v.name.as_str())
        .collect();
    for (file, name, span) in refs {
        if flags.contains(&name.as_str()) {
            continue;
        }
        let known = set.vars.iter().any(|v| v.name == *name);
        let msg = if known {
            format!("variable '{name}' is not a flag variable")
        } else {
            format!("unknown flag variable '{name}'")
        };
        errors.push(
            LoadError::new(Code::UnknownVariable, file, *span, msg)
                .label("not a flag")
                .help(match did_you_mean(name, flags.iter().copied()) {
                    Some(s) => s,
                    None if flags.is_empty() => format!("declare it under 'vars:': {name}: {{flag: {{name: SETTING, files: [...]}}}}"),
                    None => format!("flag variables: {}", flags.join(", ")),
                }),
        );
    }
}

pub(super) fn check_var_cycles(set: &PolicySet, errors: &mut Vec<LoadError>) {
    let by_name: BTreeMap<&str, &VarDef> = set.vars.iter().map(|v| (v.name.as_str(), v)).collect();
    for v in &set.vars {
        // Depth-first walk from v; a path back to v is a cycle.
        let mut stack: Vec<&str> = v.refs();
        let mut seen: Vec<&str> = Vec::new();
        while let Some(n) = stack.pop() {
            if n == v.name {
                errors.push(
                    LoadError::new(
                        Code::VariableCycle,
                        &v.file,
                        v.span,
                        format!("variable '{}' depends on itself", v.name),
                    )
                    .label("cycle"),
                );
                break;
            }
            if seen.contains(&n) {
                continue;
            }
            seen.push(n);
            if let Some(d) = by_name.get(n) {
                stack.extend(d.refs());
            }
        }
    }
}

pub(super) fn check_duplicate_ids(set: &PolicySet, errors: &mut Vec<LoadError>) {
    let mut first: BTreeMap<&str, &Policy> = BTreeMap::new();
    for p in &set.policies {
        if let Some(prev) = first.get(p.id.as_str()) {
            let file = set.files.iter().find(|f| f.name == p.origin.file);
            let msg = format!("policy id '{}' is defined twice", p.id);
            let e = match file {
                Some(f) => LoadError::new(
                    Code::DuplicateId,
                    f,
                    Span {
                        line: p.origin.line,
                        column: p.origin.column,
                        offset: LineIndex::new(f.text.as_bytes()).offset(
                            f.text.as_bytes(),
                            p.origin.line,
                            p.origin.column,
                        ),
                        len: 0,
                    },
                    msg,
                ),
                None => LoadError::global(Code::DuplicateId, msg),
            };
            errors.push(
                e.label("second definition")
                    .help(format!("first defined at {}", prev.origin)),
            );
        } else {
            first.insert(&p.id, p);
        }
    }
}
