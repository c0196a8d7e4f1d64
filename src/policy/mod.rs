//! Policy files: YAML in, a validated [`PolicySet`] out, or every error at once.
//!
//! Loading has two phases, as in cargo-deny: the YAML is parsed into a tree
//! that keeps every value's position ([`crate::lang::document`]), then a validation
//! pass reads that tree against parameter tables ([`crate::lang::fields`]) and
//! collects every problem with its code, position, snippet and suggestion. Policy
//! files can come from anywhere the caller chooses (disk, any revision's tree,
//! the embedded packs): [`load`] only sees `(name, text)` pairs.
//!
//! [`load`] reads each file ([`file`]: the top level, policies and conditions;
//! [`var_defs`]: variables), then checks what needs every file at once
//! ([`refs`]: references to variables, cycles, duplicate ids).

pub(crate) mod fetch;
mod file;
mod local;
mod pack_tree;
pub(crate) mod packs;
mod params;
mod refs;
pub(crate) mod remote;
pub(crate) mod select;
mod signed;
mod var_defs;
pub(crate) mod waivers;

use crate::eval::Check;
use crate::eval::vars::VarDef;
use crate::finding::{Origin, Severity};
use crate::lang::document;
use crate::lang::error::{Code, LoadError, LoadErrors, PolicyFile, did_you_mean};
use crate::lang::fields::LoadCx;
use crate::lang::template::Template;
use crate::parse::value::Span;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) use params::{FILE_PARAMS, FLAG_PARAMS, POLICY_PARAMS, VAR_PARAMS};

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

impl Cond {
    /// Every check of the condition, in order, negated or not.
    pub fn checks(&self) -> Vec<&dyn Check> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a dyn Check>) {
        match self {
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.collect(out)),
            Cond::Not(c) => c.collect(out),
            Cond::Check { check, .. } => out.push(check.as_ref()),
        }
    }
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
    /// `waivable: false`: no waiver may cover this policy.
    pub waivable: bool,
    /// `baseline: false`: judged whole, its pre-existing findings count under
    /// `--new-only` too.
    pub baseline: bool,
    /// The variables its conditions name (templates, `var` checks), sorted, each once:
    /// the files they were read from count among what it selected.
    pub vars: Vec<String>,
    /// `tags:`: the stages `--only` and `--skip` select by (`ci`, `evidence`).
    pub tags: Vec<String>,
    /// `for_each:`: one instance of the policy per matching directory or file.
    pub for_each: Option<ForEach>,
}

impl Policy {
    /// Every check of its `when`, `check` and `unless`.
    pub fn checks(&self) -> impl Iterator<Item = &dyn Check> {
        [self.when.as_ref(), Some(&self.check), self.unless.as_ref()]
            .into_iter()
            .flatten()
            .flat_map(Cond::checks)
    }
}

/// `for_each: {dirs|files: GLOBS, as: NAME, exclude: GLOBS, min: N}`.
#[derive(Debug)]
pub struct ForEach {
    /// `dirs` (directories) or `files`.
    pub dirs: bool,
    pub globs: crate::lang::pattern::GlobSet,
    /// The loop variable (`as`; default `dir` or `file`).
    pub name: String,
    /// Fewer instances than this is a finding (default 1).
    pub min: usize,
}

#[derive(Debug, Default)]
pub struct PolicySet {
    pub files: Vec<Arc<PolicyFile>>,
    pub vars: Vec<VarDef>,
    pub policies: Vec<Policy>,
    pub waivers: Vec<waivers::Waiver>,
    /// `waiver_max_days:` of the files (the smallest one given).
    pub waiver_max_days: Option<i64>,
}

impl PolicySet {
    /// Whether a policy or a variable references a value from the base (`{NAME@base}`):
    /// only then is every variable resolved in the base too.
    pub(crate) fn uses_base_values(&self) -> bool {
        let at_base = |n: &str| n.ends_with(crate::lang::template::BASE_SUFFIX);
        self.policies
            .iter()
            .any(|p| p.vars.iter().any(|v| at_base(v)))
            || self.vars.iter().any(|d| d.refs().into_iter().any(at_base))
    }
}

/// Where the policies of a run come from.
#[derive(Debug, Default, Clone)]
pub(crate) struct Inputs {
    /// Policy files as `(display name, text)`, in load order.
    pub files: Vec<(String, String)>,
    /// Packs named on the command line.
    pub packs: Vec<String>,
    /// `--var` names, which count as declared.
    pub var_names: Vec<String>,
    /// Where git and local packs (`packs:` entries with `git:` or `path:`) come from;
    /// `None`: only shipped packs can be loaded.
    pub remote: Option<Arc<dyn remote::PackSource>>,
}

/// Loads and validates policy files and packs; all errors are returned together.
pub(crate) fn load(inputs: &Inputs) -> Result<PolicySet, LoadErrors> {
    load_with(inputs, Vec::new())
}

/// One policy file read and built on its own: what [`load`] does with each file
/// before it merges the file into the set. Shipped packs are built this way on a
/// thread of their own while the repository is opened ([`prepare`]).
pub(crate) struct Built {
    file: Arc<PolicyFile>,
    /// Why the file is not a policy document (nothing else is then built).
    unreadable: Vec<LoadError>,
    /// Its variables, policies and waivers.
    part: PolicySet,
    /// Its `packs:` entries.
    packs: Vec<remote::Declared>,
    errors: Vec<LoadError>,
    var_refs: Vec<(String, Span)>,
    flag_refs: Vec<(String, Span)>,
}

fn build(file: Arc<PolicyFile>) -> Built {
    let mut lx = LoadCx::new(file.clone());
    let mut part = PolicySet::default();
    let (unreadable, packs) = match document::read(&file) {
        Ok(root) => (Vec::new(), file::load_file(&mut lx, &root, &mut part)),
        Err(unreadable) => (unreadable, Vec::new()),
    };
    Built {
        file,
        unreadable,
        part,
        packs,
        errors: lx.errors,
        var_refs: lx.var_refs,
        flag_refs: lx.flag_refs,
    }
}

/// The shipped packs among `names` (`--pack`), built ahead of [`load_with`], which
/// takes them instead of building them again. Nothing here reads the repository:
/// a run builds them while it opens it (the pack's YAML and its regexes took as
/// long as reading the index of a 25,000-file repository).
pub(crate) fn prepare(names: &[String]) -> Vec<Built> {
    names
        .iter()
        .filter(|p| remote::parse_spec(p).is_none())
        .filter_map(|p| {
            let text = packs::get(p)?;
            Some(build(Arc::new(PolicyFile {
                name: packs::file_name(p),
                text: Arc::from(text),
            })))
        })
        .collect()
}

/// [`load`], taking the files `prepared` built (the same name and text) as they are.
pub(crate) fn load_with(
    inputs: &Inputs,
    mut prepared: Vec<Built>,
) -> Result<PolicySet, LoadErrors> {
    let mut set = PolicySet::default();
    let mut errors = Vec::new();
    let mut var_refs: Vec<(Arc<PolicyFile>, String, Span)> = Vec::new();
    let mut flag_refs: Vec<(Arc<PolicyFile>, String, Span)> = Vec::new();
    let mut queue: Vec<(String, String)> = Vec::new();
    let mut loaded_packs: Vec<String> = Vec::new();
    // Files of git and local packs, and their manifests (`pack.yaml`).
    let mut pack_files: std::collections::BTreeSet<String> = Default::default();
    let mut manifests: std::collections::BTreeSet<String> = Default::default();
    let mut loaded_remote: Vec<remote::PackDecl> = Vec::new();
    for p in &inputs.packs {
        if let Some(spec) = remote::parse_spec(p) {
            match spec.and_then(|decl| {
                let source = inputs.remote.as_ref().ok_or_else(|| {
                    format!("--pack {p}: git packs are loaded by relgate check, test, list, explain and validate")
                })?;
                source
                    .resolve(&decl)
                    .map_err(|e| format!("--pack {p}: {} ({})", e.message, e.help))
            }) {
                Ok(content) => {
                    for (name, text) in pack_queue(content, &mut manifests) {
                        pack_files.insert(name.clone());
                        queue.push((name, text));
                    }
                }
                Err(m) => errors.push(LoadError::global(Code::UnknownPack, m)),
            }
            continue;
        }
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
        if manifests.contains(&name) {
            let file = Arc::new(PolicyFile {
                name,
                text: Arc::from(text.as_str()),
            });
            set.files.push(file.clone());
            let mut lx = LoadCx::new(file.clone());
            match document::read(&file) {
                Ok(root) => {
                    remote::load_manifest(&mut lx, &root, &mut set);
                }
                Err(mut unreadable) => errors.append(&mut unreadable),
            }
            errors.append(&mut lx.errors);
            continue;
        }
        let ready = prepared
            .iter()
            .position(|b| b.file.name == name && *b.file.text == *text);
        let built = match ready {
            Some(k) => prepared.swap_remove(k),
            None => build(Arc::new(PolicyFile {
                name,
                text: Arc::from(text.as_str()),
            })),
        };
        let Built {
            file,
            mut unreadable,
            part,
            packs: packs_here,
            errors: mut file_errors,
            var_refs: file_var_refs,
            flag_refs: file_flag_refs,
        } = built;
        set.files.push(file.clone());
        if !unreadable.is_empty() {
            errors.append(&mut unreadable);
            continue;
        }
        set.vars.extend(part.vars);
        set.policies.extend(part.policies);
        set.waivers.extend(part.waivers);
        set.waiver_max_days = set
            .waiver_max_days
            .into_iter()
            .chain(part.waiver_max_days)
            .min();
        for d in packs_here {
            let span = d.span;
            let p = match d.decl {
                remote::PackDecl::Shipped(p) => p,
                decl => {
                    if loaded_remote.contains(&decl) {
                        continue;
                    }
                    // A pack's own files name the folders of the repository that pins
                    // it nothing: a local pack inside a pack is refused.
                    if matches!(decl, remote::PackDecl::Local { .. })
                        && pack_files.contains(&file.name)
                    {
                        errors.push(
                            LoadError::new(
                                Code::UnknownPack,
                                &file,
                                span,
                                "a pack cannot load a local folder pack",
                            )
                            .label("local pack")
                            .help("declare the folder in the repository's own policy files, or publish it as a git pack"),
                        );
                        continue;
                    }
                    match resolve(inputs, &decl, &file, span) {
                        Ok(content) => {
                            for (name, text) in pack_queue(content, &mut manifests) {
                                pack_files.insert(name.clone());
                                queue.push((name, text));
                            }
                        }
                        Err(e) => errors.push(*e),
                    }
                    loaded_remote.push(decl);
                    continue;
                }
            };
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
        errors.append(&mut file_errors);
        var_refs.extend(file_var_refs.into_iter().map(|(n, s)| (file.clone(), n, s)));
        flag_refs.extend(
            file_flag_refs
                .into_iter()
                .map(|(n, s)| (file.clone(), n, s)),
        );
    }
    // Later definitions override earlier ones, and every pack counts as earlier than every
    // file: a pack that a file asks for with `packs:` is loaded after that file, yet the
    // file's `vars:` (the repository's own) must override the pack's.
    let mut vars = std::mem::take(&mut set.vars);
    vars.sort_by_key(|v| !(packs::is_file_name(&v.file.name) || pack_files.contains(&v.file.name)));
    let mut by_name: BTreeMap<String, VarDef> = BTreeMap::new();
    for v in vars {
        by_name.insert(v.name.clone(), v);
    }
    set.vars = by_name.into_values().collect();
    refs::check_var_refs(&set, inputs, &var_refs, &mut errors);
    refs::check_flag_refs(&set, &flag_refs, &mut errors);
    refs::check_var_cycles(&set, &mut errors);
    refs::check_duplicate_ids(&set, &mut errors);
    waivers::check_targets(&set, &mut errors);
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

/// The content of a git or local pack declared at `span` of `file`, or the error there.
fn resolve(
    inputs: &Inputs,
    decl: &remote::PackDecl,
    file: &Arc<PolicyFile>,
    span: Span,
) -> Result<remote::PackContent, Box<LoadError>> {
    let Some(source) = &inputs.remote else {
        return Err(Box::new(
            LoadError::new(
                Code::UnknownPack,
                file,
                span,
                format!("pack {} cannot be loaded here", decl.name()),
            )
            .label("git or local pack")
            .help(
                "git and local packs are loaded by relgate check, test, list, explain and validate",
            ),
        ));
    };
    source.resolve(decl).map_err(|e| {
        let err = LoadError::new(Code::UnknownPack, file, span, e.message).label("this pack");
        Box::new(if e.help.is_empty() {
            err
        } else {
            err.help(e.help)
        })
    })
}

/// A pack's manifest and policy files as the loader's queue takes them (manifest first,
/// so that its variables are known whatever order the files come in).
fn pack_queue(
    content: remote::PackContent,
    manifests: &mut std::collections::BTreeSet<String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(m) = content.manifest {
        let name = format!("{}/pack.yaml", content.label);
        manifests.insert(name.clone());
        out.push((name, m));
    }
    for (rel, text) in content.files {
        out.push((format!("{}/{rel}", content.label), text));
    }
    out
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

#[cfg(test)]
mod tests;
