//! The `vars:` of a policy file: literals, latest directories, values from data
//! files, flags and maps.

use super::PolicySet;
use super::params::{FLAG_PARAMS, VAR_PARAMS};
use crate::eval::flags;
use crate::eval::vars::{self, VarDef, VarKind};
use crate::lang::error::Code;
use crate::lang::fields::{Fields, LoadCx};
use crate::lang::pattern::GlobSet;
use crate::parse::value::{Kind, Value};

pub(super) fn load_vars(lx: &mut LoadCx, node: &Value, set: &mut PolicySet) {
    let Some(map) = node.as_object() else {
        lx.wrong_type(node, "'vars'", "a mapping of variable names");
        return;
    };
    for entry in map {
        let (name, key_span, v) = (entry.key.clone(), entry.key_span, &entry.value);
        if !is_variable_name(&name) {
            lx.error(Code::BadValue, key_span, format!("'{name}' cannot be a variable name"))
                .help = Some("use letters, digits, '_' and '-', starting with a letter; 'now', 'today', 'branch' and 'base_branch' are built in".into());
            continue;
        }
        let before = lx.errors.len();
        let (kind, doc) = match &v.kind {
            Kind::Object(_) => {
                let Some(mut f) =
                    Fields::new(lx, v, VAR_PARAMS, None, format!("variable '{name}'"))
                else {
                    continue;
                };
                let value = f.text("value");
                let latest = f.path("latest_dir");
                let pattern = f.regex("pattern");
                let date = f.bool("date");
                let flag = f.node("flag");
                let data = f.table("data", |d| {
                    let file = d.path("file");
                    let path = d.string("path");
                    let default = d.text("default");
                    Some((file?, path?, default))
                });
                let from = f.node("from");
                let map = f.node("map");
                let doc = f.string("description");
                let span = f.span();
                f.finish();
                let from = from.and_then(|n| {
                    let s = n.text();
                    if s.is_none() {
                        lx.wrong_type(
                            n,
                            &format!("'from' of variable '{name}'"),
                            "a variable name",
                        );
                    }
                    s.map(|s| (s, n.span))
                });
                let kinds = [
                    value.is_some(),
                    latest.is_some(),
                    flag.is_some(),
                    from.is_some(),
                    data.is_some(),
                ];
                let given = kinds.iter().filter(|k| **k).count();
                if given == 0 && map.is_none() {
                    // Declared, documented, valued by --var (or not at all: the policies
                    // that need it then fail saying so; list, validate and explain work).
                    if lx.errors.len() == before {
                        set.vars.push(VarDef {
                            name,
                            kind: VarKind::Unset,
                            doc,
                            file: lx.file.clone(),
                            span: key_span,
                        });
                    }
                    continue;
                }
                if given != 1 {
                    lx.error(
                        Code::BadValue,
                        span,
                        format!(
                            "variable '{name}' needs exactly one of 'value', 'latest_dir', 'data', 'flag' or 'from'"
                        ),
                    );
                    continue;
                }
                if map.is_some() != from.is_some() {
                    lx.error(
                        Code::BadValue,
                        span,
                        format!("variable '{name}': 'from' and 'map' go together"),
                    )
                    .help = Some("from: real_billing\nmap: {'on': real, 'off': sandbox}".into());
                    continue;
                }
                let kind = if let Some(t) = value {
                    Some(VarKind::Literal(t))
                } else if let Some(glob) = latest {
                    Some(VarKind::LatestDir {
                        glob,
                        pattern,
                        date: date.unwrap_or(false),
                    })
                } else if let Some((file, path, default)) = data {
                    Some(VarKind::Data {
                        file,
                        path,
                        default,
                    })
                } else if let Some(n) = flag {
                    load_flag(lx, n, &name).map(VarKind::Flag)
                } else if let (Some((from, from_span)), Some(m)) = (from, map) {
                    lx.var_refs.push((from.clone(), from_span));
                    load_map(lx, m, &name).map(|map| VarKind::Mapped { from, map })
                } else {
                    None
                };
                (kind, doc)
            }
            _ => (
                lx.template(v, &format!("variable '{name}'"))
                    .map(VarKind::Literal),
                None,
            ),
        };
        if let (Some(kind), true) = (kind, lx.errors.len() == before) {
            set.vars.push(VarDef {
                name,
                kind,
                doc,
                file: lx.file.clone(),
                span: key_span,
            });
        }
    }
}

/// Whether `name` may name a variable (under `vars:` or as a `for_each` variable):
/// letters, digits, `_` and `-`, starting with a letter or `_`, and no built-in.
pub(super) fn is_variable_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !vars::BUILTINS.iter().any(|(b, _)| *b == name)
}

fn load_flag(lx: &mut LoadCx, node: &Value, var: &str) -> Option<flags::FlagDef> {
    let mut f = Fields::new(
        lx,
        node,
        FLAG_PARAMS,
        None,
        format!("'flag' of variable '{var}'"),
    )?;
    let name_node = f.node("name");
    let name = f.string("name");
    let files = f.globs("files");
    let exclude = f.globs("exclude");
    let off = words(&mut f, "off");
    let on = words(&mut f, "on");
    let ignore_case = f.choice("case").is_some_and(|c| c == "insensitive");
    f.finish();
    let name = name?;
    if name.is_empty() || name.contains(char::is_whitespace) || name.contains('=') {
        if let Some(n) = name_node {
            lx.error(
                Code::BadValue,
                n.span,
                format!("'{name}' cannot be a setting name"),
            )
            .help = Some(
                "give the name exactly as config files assign it, without blanks or '='".into(),
            );
        }
        return None;
    }
    let defaults = |d: &[&str]| d.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Some(flags::FlagDef {
        name,
        files: GlobSet {
            ignore_case,
            include: files?,
            exclude: exclude.unwrap_or_default(),
        },
        off: off.unwrap_or_else(|| defaults(flags::DEFAULT_OFF)),
        on: on.unwrap_or_else(|| defaults(flags::DEFAULT_ON)),
    })
}

/// A list of plain words (an empty list is allowed: `off: []`).
fn words(f: &mut Fields, name: &'static str) -> Option<Vec<String>> {
    let node = f.node(name)?;
    let items: Vec<&Value> = match &node.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for it in items {
        match it.text() {
            Some(s) => out.push(s),
            None => {
                f.lx.wrong_type(it, &format!("an item of '{name}'"), "a string")
            }
        }
    }
    Some(out)
}

fn load_map(lx: &mut LoadCx, node: &Value, var: &str) -> Option<Vec<(String, String)>> {
    let Some(m) = node.as_object() else {
        lx.wrong_type(
            node,
            &format!("'map' of variable '{var}'"),
            "a mapping of values",
        );
        return None;
    };
    let mut out = Vec::new();
    for entry in m {
        match entry.value.text() {
            Some(v) => out.push((entry.key.clone(), v)),
            None => lx.wrong_type(
                &entry.value,
                &format!("a value of 'map' of '{var}'"),
                "a string",
            ),
        }
    }
    if out.is_empty() {
        lx.error(
            Code::BadValue,
            node.span,
            format!("'map' of variable '{var}' must not be empty"),
        );
        return None;
    }
    Some(out)
}
