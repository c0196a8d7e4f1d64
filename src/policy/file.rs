//! One policy file: its top level, its policies and their conditions.

use super::params::{FILE_PARAMS, POLICY_PARAMS};
use super::var_defs::load_vars;
use super::{Cond, Policy, PolicySet};
use crate::checks;
use crate::finding::{Origin, Severity};
use crate::lang::error::{Code, did_you_mean};
use crate::lang::fields::{Fields, LoadCx};
use crate::parse::value::{Kind, Value};

/// Reads one file's top level; returns the packs it asks for.
pub(super) fn load_file(
    lx: &mut LoadCx,
    root: &Value,
    set: &mut PolicySet,
) -> Vec<super::remote::Declared> {
    if matches!(root.kind, Kind::Null) {
        lx.error(Code::MissingKey, root.span, "the policy file is empty")
            .help = Some("start with 'version: 1' and a 'policies:' list".into());
        return Vec::new();
    }
    let Some(mut f) = Fields::new(lx, root, FILE_PARAMS, None, "the policy file") else {
        return Vec::new();
    };
    if let Some(v) = f.node("version")
        && !matches!(v.kind, Kind::Int(1))
    {
        f.lx.error(
            Code::BadValue,
            v.span,
            "unsupported policy language version",
        )
        .help = Some("this relgate reads 'version: 1'".into());
    }
    let packs = match f.node("packs") {
        Some(p) => super::remote::read_decls(f.lx, p),
        None => Vec::new(),
    };
    let vars = f.node("vars");
    let policies = f.node("policies");
    let waivers = f.node("waivers");
    let max_days = f.node("waiver_max_days").map(|n| n.span);
    if let Some(days) = f.int("waiver_max_days") {
        if days < 1 {
            f.lx.error(
                Code::BadValue,
                max_days.unwrap_or_default(),
                "'waiver_max_days' must be at least 1",
            );
        } else {
            set.waiver_max_days = Some(set.waiver_max_days.map_or(days, |d| d.min(days)));
        }
    }
    f.finish();
    if let Some(w) = waivers {
        super::waivers::load_waivers(lx, w, set);
    }
    if let Some(v) = vars {
        load_vars(lx, v, set);
    }
    if let Some(p) = policies {
        match &p.kind {
            Kind::Array(items) => {
                for it in items {
                    if let Some(policy) = load_policy(lx, it) {
                        set.policies.push(policy);
                    }
                }
            }
            _ => lx.wrong_type(p, "'policies'", "a list of policies"),
        }
    }
    packs
}

fn load_policy(lx: &mut LoadCx, node: &Value) -> Option<Policy> {
    let before = lx.errors.len();
    let mut f = Fields::new(lx, node, POLICY_PARAMS, None, "policy")?;
    let id_node = f.node("id");
    let id = f.string("id").or_else(|| id_node.and_then(Value::text));
    let what = match &id {
        Some(id) => format!("policy '{id}'"),
        None => "policy".to_string(),
    };
    let name = f.string("name");
    let title = f.text("title");
    let severity = f.choice("severity");
    let description = f.string("description");
    let help = f.text("help");
    let url = f.string("url");
    let waivable = f.bool("waivable");
    let baseline = f.bool("baseline");
    let for_each = load_for_each(&mut f);
    let tags_node = f.node("tags");
    let tags = f.names("tags").unwrap_or_default();
    let when = f.node("when");
    let unless = f.node("unless");
    let check = f.node("check");
    f.finish();
    if let (Some(idn), Some(id)) = (id_node, &id) {
        let ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !ok {
            lx.error(
                Code::BadValue,
                idn.span,
                format!("invalid policy id '{id}'"),
            )
            .help = Some("use letters, digits, '.', '_' and '-' (e.g. DR-001)".into());
        }
    }
    check_tags(lx, tags_node, &tags);
    // The variables its conditions name (not its title's or help's: those judge nothing).
    let refs_before = lx.var_refs.len();
    let when = when.and_then(|n| load_cond(lx, n, &format!("'when' of {what}")));
    let unless = unless.and_then(|n| load_cond(lx, n, &format!("'unless' of {what}")));
    let check = check.and_then(|n| load_cond(lx, n, &format!("'check' of {what}")));
    if lx.errors.len() != before {
        return None;
    }
    let mut vars: Vec<String> = lx.var_refs[refs_before..]
        .iter()
        .map(|(n, _)| n.clone())
        .collect();
    vars.sort();
    vars.dedup();
    Some(Policy {
        id: id?,
        name,
        title: title?.raw,
        severity: severity
            .as_deref()
            .and_then(Severity::parse)
            .unwrap_or(Severity::Error),
        help,
        description,
        url,
        when,
        unless,
        check: check?,
        origin: Origin {
            file: lx.file.name.clone(),
            line: node.span.line,
            column: node.span.column,
        },
        waivable: waivable.unwrap_or(true),
        baseline: baseline.unwrap_or(true),
        vars,
        tags,
        for_each,
    })
}

fn load_for_each(f: &mut Fields) -> Option<super::ForEach> {
    let span = f.node("for_each").map(|n| n.span)?;
    let read = f.table("for_each", |t| {
        let dirs = t.globs("dirs");
        let files = t.globs("files");
        let name_node = t.node("as");
        let name = t.string("as");
        let exclude = t.globs("exclude");
        let min_node = t.node("min").map(|n| n.span);
        let min = t.int("min");
        Some((
            dirs,
            files,
            name_node.map(|n| n.span),
            name,
            exclude,
            min_node,
            min,
        ))
    })?;
    let (dirs, files, name_span, name, exclude, min_span, min) = read;
    let (is_dirs, include) = match (dirs, files) {
        (Some(d), None) => (true, d),
        (None, Some(fs)) => (false, fs),
        _ => {
            f.lx.error(
                Code::BadValue,
                span,
                "'for_each' needs exactly one of 'dirs' or 'files'",
            )
            .help = Some("for_each: {dirs: 'charts/*', as: chart}".into());
            return None;
        }
    };
    let name = name.unwrap_or_else(|| if is_dirs { "dir" } else { "file" }.to_string());
    if !super::var_defs::is_variable_name(&name) {
        f.lx.error(
            Code::BadValue,
            name_span.unwrap_or(span),
            format!("'{name}' cannot be the variable of 'for_each'"),
        )
        .help = Some("use letters, digits, '_' and '-', starting with a letter; 'now', 'today', 'branch' and 'base_branch' are built in".into());
        return None;
    }
    let min = match min {
        Some(m) if m < 0 => {
            f.lx.error(
                Code::BadValue,
                min_span.unwrap_or(span),
                "'min' of 'for_each' must be 0 or more",
            );
            return None;
        }
        Some(m) => usize::try_from(m).unwrap_or(usize::MAX),
        None => 1,
    };
    Some(super::ForEach {
        dirs: is_dirs,
        globs: crate::lang::pattern::GlobSet {
            include,
            exclude: exclude.unwrap_or_default(),
            ignore_case: false,
        },
        name,
        min,
    })
}

/// A tag is a word of the command line (`--skip ci`): letters, digits, `.`, `_`, `-`.
fn check_tags(lx: &mut LoadCx, node: Option<&Value>, tags: &[String]) {
    let Some(node) = node else { return };
    let items: Vec<&Value> = match &node.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![node],
    };
    for (item, tag) in items.into_iter().zip(tags) {
        let ok = tag
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !ok {
            lx.error(Code::BadValue, item.span, format!("invalid tag '{tag}'"))
                .help = Some("use letters, digits, '.', '_' and '-' (e.g. ci, evidence)".into());
        }
    }
}

fn load_cond(lx: &mut LoadCx, node: &Value, what: &str) -> Option<Cond> {
    let Some(map) = node.as_object() else {
        lx.wrong_type(node, what, "a mapping with one check (e.g. 'exists: path')");
        return None;
    };
    if map.len() != 1 {
        let keys: Vec<&str> = map.iter().map(|m| m.key.as_str()).collect();
        lx.error(
            Code::BadValue,
            node.span,
            format!(
                "{what} must have exactly one key, found {}: {}",
                map.len(),
                keys.join(", ")
            ),
        )
        .help = Some("combine several checks with 'all:' (every one must hold) or 'any:'".into());
        return None;
    }
    let (key, v) = (&map[0].key, &map[0].value);
    match key.as_str() {
        "all" | "any" => {
            let Kind::Array(items) = &v.kind else {
                lx.wrong_type(v, &format!("'{key}'"), "a list of conditions");
                return None;
            };
            if items.is_empty() {
                lx.error(
                    Code::BadValue,
                    v.span,
                    format!("'{key}' needs at least one condition"),
                );
                return None;
            }
            let conds: Vec<Option<Cond>> = items
                .iter()
                .map(|n| load_cond(lx, n, &format!("an item of '{key}'")))
                .collect();
            let conds: Option<Vec<Cond>> = conds.into_iter().collect();
            Some(if key == "all" {
                Cond::All(conds?)
            } else {
                Cond::Any(conds?)
            })
        }
        "not" => load_cond(lx, v, "'not'").map(|c| Cond::Not(Box::new(c))),
        _ => {
            let Some(spec) = checks::kind(key) else {
                let mut names: Vec<&str> = checks::KINDS.iter().map(|k| k.name).collect();
                names.extend(["all", "any", "not"]);
                let e = lx.error(
                    Code::UnknownKind,
                    map[0].key_span,
                    format!("unknown check '{key}'"),
                );
                e.label = "unknown check".into();
                e.help = Some(
                    did_you_mean(key, names.iter().copied())
                        .unwrap_or_else(|| format!("checks: {}", names.join(", "))),
                );
                return None;
            };
            let before = lx.errors.len();
            let mut f = Fields::new(lx, v, spec.params, spec.shorthand, format!("check '{key}'"))?;
            let built = (spec.build)(&mut f);
            f.finish();
            match built {
                Some(check) if lx.errors.len() == before => Some(Cond::Check {
                    kind: spec.name,
                    check,
                }),
                _ => None,
            }
        }
    }
}
