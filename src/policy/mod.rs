//! Policy files: YAML in, a validated [`PolicySet`] out, or every error at once.
//!
//! Loading has two phases, as in cargo-deny: the YAML is parsed into a tree
//! that keeps every value's position ([`node`]), then a validation pass reads
//! that tree against parameter tables ([`fields`]) and collects every problem
//! with its code, position, snippet and suggestion. Policy files can come from
//! anywhere the caller chooses (disk, any revision's tree, the embedded packs):
//! [`load`] only sees `(name, text)` pairs.

pub mod error;
pub mod fields;
pub mod flags;
pub mod node;
pub mod packs;
pub mod template;
pub mod vars;

use crate::checks::{self, Check, Param, Ty};
use crate::finding::{Origin, Severity};
use error::{Code, LoadError, LoadErrors, PolicyFile, did_you_mean};
use fields::{Fields, LoadCx};
use node::{Node, NodeKind, Span};
use std::collections::BTreeMap;
use std::sync::Arc;
use template::Template;
use vars::{VarDef, VarKind};

/// A boolean combination of checks.
#[derive(Debug)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Check {
        kind: &'static str,
        check: Box<dyn Check>,
    },
}

#[derive(Debug)]
pub struct Policy {
    pub id: String,
    /// A short slug (`checklist-published`).
    pub name: Option<String>,
    pub title: String,
    pub severity: Severity,
    /// How to fix a failure; may reference variables.
    pub help: Option<Template>,
    /// Why the policy exists.
    pub description: Option<String>,
    pub url: Option<String>,
    pub when: Option<Cond>,
    pub unless: Option<Cond>,
    pub check: Cond,
    pub origin: Origin,
}

#[derive(Debug, Default)]
pub struct PolicySet {
    pub files: Vec<Arc<PolicyFile>>,
    pub vars: Vec<VarDef>,
    pub policies: Vec<Policy>,
}

/// Where the policies of a run come from.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// Policy files as `(display name, text)`, in load order.
    pub files: Vec<(String, String)>,
    /// Packs named on the command line.
    pub packs: Vec<String>,
    /// `--var` names, which count as declared.
    pub var_names: Vec<String>,
}

pub static FILE_PARAMS: &[Param] = &[
    Param {
        name: "version",
        ty: Ty::Int,
        required: true,
        doc: "The policy language version: 1.",
    },
    Param {
        name: "packs",
        ty: Ty::Names,
        required: false,
        doc: "Packs shipped in the binary to load with this file (e.g. `billing-gateway-dr`).",
    },
    Param {
        name: "vars",
        ty: Ty::Vars,
        required: false,
        doc: "Variables: name → value or definition.",
    },
    Param {
        name: "policies",
        ty: Ty::Policies,
        required: false,
        doc: "The policies of this file.",
    },
];

pub static POLICY_PARAMS: &[Param] = &[
    Param {
        name: "id",
        ty: Ty::Id,
        required: true,
        doc: "Stable identifier (`DR-001`): letters, digits, `.`, `_`, `-`.",
    },
    Param {
        name: "name",
        ty: Ty::Id,
        required: false,
        doc: "Short slug (`checklist-published`).",
    },
    Param {
        name: "title",
        ty: Ty::Text,
        required: true,
        doc: "One line: what the policy enforces.",
    },
    Param {
        name: "severity",
        ty: Ty::Enum(&["error", "warning", "note"]),
        required: false,
        doc: "How bad a failure is (default `error`); `--fail-on` sets which severities fail the run.",
    },
    Param {
        name: "description",
        ty: Ty::Text,
        required: false,
        doc: "Why the policy exists (shown by `relgate explain`).",
    },
    Param {
        name: "help",
        ty: Ty::Text,
        required: false,
        doc: "How to fix a failure; may use `{var}`.",
    },
    Param {
        name: "url",
        ty: Ty::Text,
        required: false,
        doc: "A link to the policy's documentation.",
    },
    Param {
        name: "when",
        ty: Ty::Condition,
        required: false,
        doc: "Precondition: when it does not hold, the policy is `skip`.",
    },
    Param {
        name: "unless",
        ty: Ty::Condition,
        required: false,
        doc: "Exemption: when the check fails but this holds, the policy passes.",
    },
    Param {
        name: "check",
        ty: Ty::Condition,
        required: true,
        doc: "What must hold.",
    },
];

pub static VAR_PARAMS: &[Param] = &[
    Param {
        name: "value",
        ty: Ty::Text,
        required: false,
        doc: "A literal value; may reference other variables.",
    },
    Param {
        name: "latest_dir",
        ty: Ty::Path,
        required: false,
        doc: "Glob of directories; the value is the greatest matching directory name.",
    },
    Param {
        name: "pattern",
        ty: Ty::Regex,
        required: false,
        doc: "With `latest_dir`: only names this regex matches whole (anchored at both ends, one line) count.",
    },
    Param {
        name: "date",
        ty: Ty::Bool,
        required: false,
        doc: "With `latest_dir`: only names that are real dates (YYYY-MM-DD) count.",
    },
    Param {
        name: "flag",
        ty: Ty::Flag,
        required: false,
        doc: "A config flag: the value is `on` when any selected config file assigns the setting a value that is not provably off (a file that does not parse counts as on), else `off`.",
    },
    Param {
        name: "from",
        ty: Ty::Id,
        required: false,
        doc: "With `map`: the variable whose value is looked up.",
    },
    Param {
        name: "map",
        ty: Ty::Map,
        required: false,
        doc: "With `from`: value of `from` → value of this variable (`{'on': real, 'off': sandbox}`).",
    },
    Param {
        name: "description",
        ty: Ty::Text,
        required: false,
        doc: "What the variable means.",
    },
];

pub static FLAG_PARAMS: &[Param] = &[
    Param {
        name: "name",
        ty: Ty::Text,
        required: true,
        doc: "The setting's name, exactly as assigned (`BILLING_GATEWAY_ENABLE_REAL`).",
    },
    Param {
        name: "files",
        ty: Ty::Globs,
        required: true,
        doc: "Globs of the config files to read (dotenv, shell, Dockerfile, YAML, JSON, TOML; the format comes from the file name).",
    },
    Param {
        name: "exclude",
        ty: Ty::Globs,
        required: false,
        doc: "Globs of files to leave out (`docs/**`).",
    },
    Param {
        name: "off",
        ty: Ty::Names,
        required: false,
        doc: "Values that prove the flag off, case-insensitive, unquoted (default `0`, `false`, `no`, `off`, `''`).",
    },
    Param {
        name: "on",
        ty: Ty::Names,
        required: false,
        doc: "Values that turn the flag on (default `1`, `true`, `yes`, `on`); any other value cannot be proven off and counts as on.",
    },
];

/// Loads and validates policy files and packs; all errors are returned together.
pub fn load(inputs: &Inputs) -> Result<PolicySet, LoadErrors> {
    let mut set = PolicySet::default();
    let mut errors = Vec::new();
    let mut var_refs: Vec<(Arc<PolicyFile>, String, Span)> = Vec::new();
    let mut flag_refs: Vec<(Arc<PolicyFile>, String, Span)> = Vec::new();
    let mut queue: Vec<(String, String)> = Vec::new();
    let mut loaded_packs: Vec<String> = Vec::new();
    for p in &inputs.packs {
        match packs::get(p) {
            Some(text) => {
                loaded_packs.push(p.clone());
                queue.push((packs::file_name(p), text.to_string()));
            }
            None => errors.push(unknown_pack(p, None)),
        }
    }
    queue.extend(inputs.files.iter().cloned());
    let mut i = 0;
    while i < queue.len() {
        let (name, text) = queue[i].clone();
        i += 1;
        let file = Arc::new(PolicyFile {
            name,
            text: Arc::from(text.as_str()),
        });
        set.files.push(file.clone());
        let mut lx = LoadCx::new(file.clone());
        let root = match node::parse(&text) {
            Ok(n) => n,
            Err((msg, span)) => {
                lx.error(Code::Yaml, span, format!("invalid YAML: {msg}"))
                    .label = "here".into();
                errors.append(&mut lx.errors);
                continue;
            }
        };
        let packs_here = load_file(&mut lx, &root, &mut set);
        for (p, span) in packs_here {
            if loaded_packs.contains(&p) {
                continue;
            }
            match packs::get(&p) {
                Some(t) => {
                    loaded_packs.push(p.clone());
                    queue.push((packs::file_name(&p), t.to_string()));
                }
                None => errors.push(unknown_pack(&p, Some((&file, span)))),
            }
        }
        errors.append(&mut lx.errors);
        var_refs.extend(lx.var_refs.into_iter().map(|(n, s)| (file.clone(), n, s)));
        flag_refs.extend(lx.flag_refs.into_iter().map(|(n, s)| (file.clone(), n, s)));
    }
    // Later definitions override earlier ones, and every pack counts as earlier than every
    // file: a pack that a file asks for with `packs:` is loaded after that file, yet the
    // file's `vars:` (the repository's own) must override the pack's.
    let mut vars = std::mem::take(&mut set.vars);
    vars.sort_by_key(|v| !packs::is_file_name(&v.file.name));
    let mut by_name: BTreeMap<String, VarDef> = BTreeMap::new();
    for v in vars {
        by_name.insert(v.name.clone(), v);
    }
    set.vars = by_name.into_values().collect();
    check_var_refs(&set, inputs, &var_refs, &mut errors);
    check_flag_refs(&set, &flag_refs, &mut errors);
    check_var_cycles(&set, &mut errors);
    check_duplicate_ids(&set, &mut errors);
    if set.policies.is_empty() && errors.is_empty() {
        errors.push(
            LoadError::global(Code::NoPolicies, "no policies to evaluate").help(
                "add policy files to .relgate/ in the repository, or pass --policies PATH or --pack NAME (relgate init writes a starter)",
            ),
        );
    }
    // Report in file order, then position, whatever phase found the error.
    let rank = |e: &LoadError| {
        let file = e
            .file
            .as_ref()
            .and_then(|f| set.files.iter().position(|g| Arc::ptr_eq(f, g)));
        (file, e.span.offset)
    };
    errors.sort_by_key(|e| rank(e));
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(LoadErrors(errors))
    }
}

fn unknown_pack(name: &str, at: Option<(&Arc<PolicyFile>, Span)>) -> LoadError {
    let msg = format!("unknown pack '{name}'");
    let e = match at {
        Some((f, span)) => LoadError::new(Code::UnknownPack, f, span, msg).label("no such pack"),
        None => LoadError::global(Code::UnknownPack, msg),
    };
    let names = packs::names();
    e.help(
        did_you_mean(name, names.iter().copied())
            .unwrap_or_else(|| format!("shipped packs: {}", names.join(", "))),
    )
}

/// Reads one file's top level; returns the packs it asks for.
fn load_file(lx: &mut LoadCx, root: &Node, set: &mut PolicySet) -> Vec<(String, Span)> {
    if matches!(root.kind, NodeKind::Null) {
        lx.error(Code::MissingKey, root.span, "the policy file is empty")
            .help = Some("start with 'version: 1' and a 'policies:' list".into());
        return Vec::new();
    }
    let Some(mut f) = Fields::new(lx, root, FILE_PARAMS, None, "the policy file") else {
        return Vec::new();
    };
    if let Some(v) = f.node("version")
        && !matches!(v.kind, NodeKind::Int(1))
    {
        f.lx.error(
            Code::BadValue,
            v.span,
            "unsupported policy language version",
        )
        .help = Some("this relgate reads 'version: 1'".into());
    }
    let mut packs = Vec::new();
    if let Some(p) = f.node("packs") {
        match &p.kind {
            NodeKind::Seq(items) => {
                for it in items {
                    match it.as_str() {
                        Some(s) => packs.push((s.to_string(), it.span)),
                        None => f.lx.wrong_type(it, "a pack name", "a string"),
                    }
                }
            }
            _ => f.lx.wrong_type(p, "'packs'", "a list of pack names"),
        }
    }
    let vars = f.node("vars");
    let policies = f.node("policies");
    f.finish();
    if let Some(v) = vars {
        load_vars(lx, v, set);
    }
    if let Some(p) = policies {
        match &p.kind {
            NodeKind::Seq(items) => {
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

fn load_vars(lx: &mut LoadCx, node: &Node, set: &mut PolicySet) {
    let Some(map) = node.as_map() else {
        lx.wrong_type(node, "'vars'", "a mapping of variable names");
        return;
    };
    for (k, v) in map {
        let Some(name) = k.as_str().map(str::to_string) else {
            lx.wrong_type(k, "a variable name", "a string");
            continue;
        };
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid || vars::BUILTINS.iter().any(|(b, _)| *b == name) {
            lx.error(Code::BadValue, k.span, format!("'{name}' cannot be a variable name"))
                .help = Some("use letters, digits, '_' and '-', starting with a letter; 'now' and 'today' are built in".into());
            continue;
        }
        let before = lx.errors.len();
        let (kind, doc) = match &v.kind {
            NodeKind::Map(_) => {
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
                let from = f.node("from");
                let map = f.node("map");
                let doc = f.string("description");
                let span = f.span();
                f.finish();
                let from = from.and_then(|n| {
                    let s = n.scalar_text();
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
                ];
                if kinds.iter().filter(|k| **k).count() != 1 {
                    lx.error(
                        Code::BadValue,
                        span,
                        format!(
                            "variable '{name}' needs exactly one of 'value', 'latest_dir', 'flag' or 'from'"
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
                span: k.span,
            });
        }
    }
}

fn load_flag(lx: &mut LoadCx, node: &Node, var: &str) -> Option<flags::FlagDef> {
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
        files: fields::GlobSet {
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
    let items: Vec<&Node> = match &node.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for it in items {
        match it.scalar_text() {
            Some(s) => out.push(s),
            None => {
                f.lx.wrong_type(it, &format!("an item of '{name}'"), "a string")
            }
        }
    }
    Some(out)
}

fn load_map(lx: &mut LoadCx, node: &Node, var: &str) -> Option<Vec<(String, String)>> {
    let Some(m) = node.as_map() else {
        lx.wrong_type(
            node,
            &format!("'map' of variable '{var}'"),
            "a mapping of values",
        );
        return None;
    };
    let mut out = Vec::new();
    for (k, v) in m {
        match (k.scalar_text(), v.scalar_text()) {
            (Some(k), Some(v)) => out.push((k, v)),
            (None, _) => lx.wrong_type(k, &format!("a key of 'map' of '{var}'"), "a string"),
            (_, None) => lx.wrong_type(v, &format!("a value of 'map' of '{var}'"), "a string"),
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

fn load_policy(lx: &mut LoadCx, node: &Node) -> Option<Policy> {
    let before = lx.errors.len();
    let mut f = Fields::new(lx, node, POLICY_PARAMS, None, "policy")?;
    let id_node = f.node("id");
    let id = f
        .string("id")
        .or_else(|| id_node.and_then(Node::scalar_text));
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
    let when = when.and_then(|n| load_cond(lx, n, &format!("'when' of {what}")));
    let unless = unless.and_then(|n| load_cond(lx, n, &format!("'unless' of {what}")));
    let check = check.and_then(|n| load_cond(lx, n, &format!("'check' of {what}")));
    if lx.errors.len() != before {
        return None;
    }
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
    })
}

fn load_cond(lx: &mut LoadCx, node: &Node, what: &str) -> Option<Cond> {
    let Some(map) = node.as_map() else {
        lx.wrong_type(node, what, "a mapping with one check (e.g. 'exists: path')");
        return None;
    };
    if map.len() != 1 {
        let keys: Vec<String> = map.iter().filter_map(|(k, _)| k.scalar_text()).collect();
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
    let (k, v) = &map[0];
    let key = k.scalar_text().unwrap_or_default();
    match key.as_str() {
        "all" | "any" => {
            let NodeKind::Seq(items) = &v.kind else {
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
            let Some(spec) = checks::kind(&key) else {
                let mut names: Vec<&str> = checks::KINDS.iter().map(|k| k.name).collect();
                names.extend(["all", "any", "not"]);
                let e = lx.error(Code::UnknownKind, k.span, format!("unknown check '{key}'"));
                e.label = "unknown check".into();
                e.help = Some(
                    did_you_mean(&key, names.iter().copied())
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

fn check_var_refs(
    set: &PolicySet,
    inputs: &Inputs,
    refs: &[(Arc<PolicyFile>, String, Span)],
    errors: &mut Vec<LoadError>,
) {
    let mut known: Vec<&str> = set.vars.iter().map(|v| v.name.as_str()).collect();
    known.extend(inputs.var_names.iter().map(String::as_str));
    known.extend(vars::BUILTINS.iter().map(|(n, _)| *n));
    for (file, name, span) in refs {
        if known.contains(&name.as_str()) {
            continue;
        }
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
                .help(match did_you_mean(name, known.iter().copied()) {
                    Some(s) => s,
                    None => format!("declare it under 'vars:', pass --var {name}=VALUE, or write '{{{{{name}}}}}' for literal braces"),
                }),
        );
    }
}

/// Every `flag: {var: x}` / `changes: {flag: x}` names a flag variable.
fn check_flag_refs(
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

fn check_var_cycles(set: &PolicySet, errors: &mut Vec<LoadError>) {
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

fn check_duplicate_ids(set: &PolicySet, errors: &mut Vec<LoadError>) {
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
                        offset: node::offset_of(&f.text, p.origin.line, p.origin.column),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn release(inputs: &Inputs) -> String {
        let set = load(inputs).unwrap_or_else(|e| panic!("{e:?}"));
        let v = set.vars.iter().find(|v| v.name == "release").unwrap();
        match &v.kind {
            vars::VarKind::Literal(t) => t.raw.clone(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_files_vars_override_its_packs_wherever_the_pack_is_named() {
        let file = "version: 1\npacks: [billing-gateway-dr]\nvars:\n  release: '2024-06-03'\n";
        let inputs = Inputs {
            files: vec![(".relgate/config.yaml".into(), file.into())],
            ..Inputs::default()
        };
        assert_eq!(release(&inputs), "2024-06-03");
        let inputs = Inputs {
            packs: vec!["billing-gateway-dr".into()],
            ..inputs
        };
        assert_eq!(release(&inputs), "2024-06-03");
    }
}
