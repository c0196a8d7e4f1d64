//! Policy variables: declared in `vars:`, set with `--var`, resolved once per run.
//!
//! A variable is a literal (which may reference others), the newest directory name
//! under a glob that matches a pattern (how a pack finds the active release), or a
//! fact derived from the repository. A variable that cannot be resolved is kept
//! with the reason, so every policy that needs it fails saying why.

use super::flags::{FlagDef, FlagFacts, FlagPrior};
use super::keep::Keep;
use crate::eval::EvalError;
use crate::lang::error::PolicyFile;
use crate::lang::pattern::{RegexT, glob};
use crate::lang::template::{BASE_SUFFIX, Template, no_escape, stem};
use crate::parse::value::Span;
pub(crate) use crate::repo::Branches;
use crate::repo::View;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum VarKind {
    /// A string, possibly referencing other variables.
    Literal(Template),
    /// The greatest directory name under `glob` whose name matches `pattern`
    /// (and, with `date: true`, is a real calendar date).
    LatestDir {
        glob: Template,
        pattern: Option<RegexT>,
        date: bool,
    },
    /// Declared without a value (`version: {description: …}`): set with `--var`.
    Unset,
    /// The scalar at a dotted `path` of a JSON, YAML or TOML `file`; `default` when
    /// the file or the path is absent (never when the file does not parse).
    Data {
        file: Template,
        path: String,
        default: Option<Template>,
    },
    /// `on` or `off`: whether any config file assigns the setting a value that is
    /// not provably off (see [`FlagDef`]).
    Flag(FlagDef),
    /// The value of variable `from`, looked up in `map`.
    Mapped {
        from: String,
        map: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone)]
pub struct VarDef {
    pub name: String,
    pub kind: VarKind,
    pub doc: Option<String>,
    pub file: Arc<PolicyFile>,
    pub span: Span,
}

impl VarKind {
    /// The paths of the view this variable's value is worked out from, whatever values
    /// the variables take ([`super::reach`]).
    pub(crate) fn reach(&self) -> Vec<super::reach::Reached> {
        use super::reach::Reached;
        match self {
            VarKind::LatestDir { glob, .. } => vec![Reached::below(glob, false)],
            VarKind::Data { file, .. } => vec![Reached::path(file)],
            VarKind::Flag(f) => Reached::globs(&f.files),
            VarKind::Literal(_) | VarKind::Unset | VarKind::Mapped { .. } => Vec::new(),
        }
    }
}

impl VarDef {
    /// Variables this definition references.
    pub fn refs(&self) -> Vec<&str> {
        match &self.kind {
            VarKind::Literal(t) => t.vars().collect(),
            VarKind::LatestDir { glob, pattern, .. } => glob
                .vars()
                .chain(pattern.iter().flat_map(|p| p.tpl.vars()))
                .collect(),
            VarKind::Flag(f) => f
                .files
                .include
                .iter()
                .chain(&f.files.exclude)
                .flat_map(|t| t.vars())
                .collect(),
            VarKind::Mapped { from, .. } => vec![from.as_str()],
            VarKind::Data { file, default, .. } => file
                .vars()
                .chain(default.iter().flat_map(|d| d.vars()))
                .collect(),
            VarKind::Unset => Vec::new(),
        }
    }
}

/// Names every run defines.
pub(crate) const BUILTINS: &[(&str, &str)] = &[
    (
        "today",
        "the date of --now (default: the clock), YYYY-MM-DD in UTC",
    ),
    (
        "now",
        "the time of --now (default: the clock), RFC 3339 in UTC",
    ),
    (
        "branch",
        "the checked branch: --rev's name when it is a branch, else HEAD's branch, else GITHUB_HEAD_REF (a pull request)",
    ),
    (
        "base_branch",
        "the branch of --base (its name without 'origin/'), else GITHUB_BASE_REF (a pull request)",
    ),
];

/// Where a variable's value came from, so that a finding about the value itself (a
/// version that is not a version) points where it can be fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueOrigin {
    /// A line of a data file of the checked tree (`data:`).
    Data {
        path: String,
        line: usize,
        column: usize,
    },
    /// The variable's definition in a policy file (a literal, a `default:`…).
    Definition {
        file: String,
        line: usize,
        column: usize,
    },
    /// `--var NAME=VALUE`.
    CommandLine,
    /// The variable of a `for_each` (`as:`): the instance's path.
    Instance,
    /// Built in (`today`, `branch`…).
    Builtin,
}

/// Resolved variables of one run.
#[derive(Debug, Default)]
pub struct Vars {
    /// Where each value came from ([`Vars::origin`]).
    origins: BTreeMap<String, ValueOrigin>,
    values: BTreeMap<String, Result<String, String>>,
    /// Names declared by policies or `--var` (reported in the JSON output).
    declared: Vec<String>,
    /// Facts of flag variables, gathered once per run (an error when the files
    /// could not be selected or read).
    flags: BTreeMap<String, Result<FlagFacts, EvalError>>,
    /// Built-in variables looked up during the run (`branch`), reported with the
    /// declared ones: what the judgement depended on.
    used: std::sync::Mutex<std::collections::BTreeSet<&'static str>>,
    /// With `--base`: the variables resolved in the base's tree, and that tree (a
    /// `for_each` instance resolves its variables there too). Their values are also
    /// in `values`, as `NAME@base`.
    base: Option<Base>,
    /// While the base of a change is resolved: the head's flag facts.
    prior: Option<FlagPrior>,
    /// While the variables are resolved: the files some check reads after them, which
    /// a flag's scan keeps in the read cache instead of letting go ([`Keep`]).
    keep: Option<Keep>,
}

/// The variables of the base and its tree.
#[derive(Clone)]
struct Base {
    vars: Arc<Vars>,
    view: Arc<dyn View>,
    /// Every variable was resolved (some `{NAME@base}` is referenced).
    every: bool,
}

impl std::fmt::Debug for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Base").field("vars", &self.vars).finish()
    }
}

impl Vars {
    /// Records a lookup of `name` when it is a built-in variable.
    fn note_use(&self, name: &str) {
        if let Some((builtin, _)) = BUILTINS.iter().find(|(n, _)| *n == name) {
            match self.used.lock() {
                Ok(mut g) => g.insert(*builtin),
                Err(p) => p.into_inner().insert(*builtin),
            };
        }
    }

    pub fn resolve(
        defs: &[VarDef],
        overrides: &[(String, String)],
        view: &dyn View,
        now: jiff::Timestamp,
        branches: &Branches,
    ) -> Vars {
        Vars::resolve_reusing(defs, overrides, view, now, branches, None)
    }

    /// [`Vars::resolve`], where a flag's scan keeps in the read cache the files `keep`
    /// matches (a check reads them later: read once, not twice).
    pub fn resolve_keeping(
        defs: &[VarDef],
        overrides: &[(String, String)],
        view: &dyn View,
        now: jiff::Timestamp,
        branches: &Branches,
        keep: Option<Keep>,
    ) -> Vars {
        Vars {
            keep,
            ..Vars::seeded(overrides, now, branches)
        }
        .resolved(defs, view)
    }

    /// [`Vars::resolve`] for the base of a change, reusing the head's flag facts for
    /// the config files whose blob is the same ([`FlagPrior`]).
    pub fn resolve_reusing(
        defs: &[VarDef],
        overrides: &[(String, String)],
        view: &dyn View,
        now: jiff::Timestamp,
        branches: &Branches,
        prior: Option<FlagPrior>,
    ) -> Vars {
        Vars {
            prior,
            ..Vars::seeded(overrides, now, branches)
        }
        .resolved(defs, view)
    }

    /// These (seeded) variables with every definition of `defs` resolved in `view`;
    /// what only the resolving needed (`prior`, `keep`) is let go.
    fn resolved(mut self, defs: &[VarDef], view: &dyn View) -> Vars {
        let vars = &mut self;
        for d in defs {
            vars.declared.push(d.name.clone());
        }
        vars.declared.sort();
        vars.declared.dedup();
        let by_name: BTreeMap<&str, &VarDef> = defs.iter().map(|d| (d.name.as_str(), d)).collect();
        for d in defs {
            vars.resolve_one(&d.name, &by_name, view, &mut Vec::new());
        }
        // A flag overridden with --var keeps its facts for the `flag` and `changes` checks.
        for d in defs {
            if let VarKind::Flag(f) = &d.kind
                && !vars.flags.contains_key(&d.name)
            {
                let facts = f.scan_reusing(view, vars, vars.prior.as_ref().and_then(|p| p.of(f)));
                vars.flags.insert(d.name.clone(), facts);
            }
        }
        self.prior = None;
        self.keep = None;
        self
    }

    /// What a flag's scan keeps for the checks that read after it: the files the
    /// matcher matches ([`Keep`], with the values known so far).
    pub(crate) fn keeping(&self) -> Option<globset::GlobSet> {
        self.keep.as_ref().and_then(|k| k.globs(self))
    }

    /// The head's facts to reuse in a scan of `view` ([`FlagPrior`]): those already
    /// gathered in `view` itself for `{NAME@base}` when it is the base these variables
    /// were resolved in (every file is then the same blob), else the head's (`head`).
    pub(crate) fn flag_prior(&self, view: &dyn View, head: Arc<dyn View>) -> FlagPrior {
        use crate::eval::scanned::address;
        match &self.base {
            Some(b) if b.every && address(b.view.as_ref()) == address(view) => {
                FlagPrior::new(b.view.clone(), &b.vars)
            }
            _ => FlagPrior::new(head, self),
        }
    }

    /// The flag facts gathered without error ([`FlagPrior::new`]).
    pub(crate) fn flag_facts(&self) -> impl Iterator<Item = &FlagFacts> {
        self.flags.values().filter_map(|f| f.as_ref().ok())
    }

    /// The built-in variables and `--var`s.
    fn seeded(overrides: &[(String, String)], now: jiff::Timestamp, branches: &Branches) -> Vars {
        let mut vars = Vars::default();
        vars.values.insert("branch".into(), branches.branch.clone());
        vars.values
            .insert("base_branch".into(), branches.base_branch.clone());
        vars.values.insert(
            "now".into(),
            Ok(now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        );
        vars.values
            .insert("today".into(), Ok(now.strftime("%Y-%m-%d").to_string()));
        for k in ["branch", "base_branch", "now", "today"] {
            vars.origins.insert(k.into(), ValueOrigin::Builtin);
        }
        for (k, v) in overrides {
            vars.origins.insert(k.clone(), ValueOrigin::CommandLine);
            vars.values.insert(k.clone(), Ok(v.clone()));
            vars.declared.push(k.clone());
        }
        vars
    }

    /// With `--base`: the variables resolved in `view` (the base's tree), from the same
    /// definitions and `--var`s. With `every` (some policy or variable references a
    /// `{NAME@base}`), every variable, available as `{NAME@base}` (per `for_each`
    /// instance too); else only the `latest_dir` and `data` ones ([`Vars::moving`]) and
    /// what they reference: no file is read in the base for nothing. A flag's scan in
    /// the base takes from `prior` (the head's facts) what a config file with the same
    /// blob contributed there, instead of reading it.
    #[allow(clippy::too_many_arguments)]
    pub fn with_base(
        mut self,
        defs: &[VarDef],
        overrides: &[(String, String)],
        view: Arc<dyn View>,
        now: jiff::Timestamp,
        branches: &Branches,
        every: bool,
        prior: Option<FlagPrior>,
    ) -> Vars {
        let base = if every {
            let base = Vars::resolve_reusing(defs, overrides, view.as_ref(), now, branches, prior);
            self.copy_base(&base);
            base
        } else {
            let mut base = Vars::seeded(overrides, now, branches);
            let by_name: BTreeMap<&str, &VarDef> =
                defs.iter().map(|d| (d.name.as_str(), d)).collect();
            for d in defs {
                if matches!(d.kind, VarKind::LatestDir { .. } | VarKind::Data { .. }) {
                    base.resolve_one(&d.name, &by_name, view.as_ref(), &mut Vec::new());
                }
            }
            base
        };
        self.base = Some(Base {
            vars: Arc::new(base),
            view,
            every,
        });
        self
    }

    /// Every value of `base` as `NAME@base`.
    fn copy_base(&mut self, base: &Vars) {
        for (k, v) in &base.values {
            self.values.insert(format!("{k}{BASE_SUFFIX}"), v.clone());
        }
    }

    /// The values the `latest_dir` and `data` variables of `defs` take in the base
    /// (with `--base`), by definition; those set with `--var` are left out.
    pub fn moving<'d>(
        &self,
        defs: &'d [VarDef],
        overrides: &[(String, String)],
    ) -> Vec<(&'d VarDef, Result<String, String>)> {
        let Some(base) = &self.base else {
            return Vec::new();
        };
        defs.iter()
            .filter(|d| matches!(d.kind, VarKind::LatestDir { .. } | VarKind::Data { .. }))
            .filter(|d| !overrides.iter().any(|(k, _)| *k == d.name))
            .filter_map(|d| Some((d, base.vars.values.get(&d.name)?.clone())))
            .collect()
    }

    /// Why `name` has no value, when it has none: a value from the base without
    /// `--base` skips the policy (as a change-scoped check does).
    fn missing(&self, name: &str) -> EvalError {
        match self.values.get(name) {
            Some(Err(r)) => EvalError::NoValue {
                name: name.to_string(),
                reason: r.clone(),
            },
            _ if name.ends_with(BASE_SUFFIX) && self.base.is_none() => {
                EvalError::NeedsBase(format!(
                    "'{{{name}}}' is the value of '{}' in the base revision",
                    stem(name)
                ))
            }
            _ => EvalError::NoValue {
                name: name.to_string(),
                reason: "it is not defined (declare it under 'vars:' or pass --var)".into(),
            },
        }
    }

    /// The value `name` resolved to, or why it has none (`None`: not defined).
    pub fn result(&self, name: &str) -> Option<&Result<String, String>> {
        self.values.get(name)
    }

    fn resolve_one(
        &mut self,
        name: &str,
        defs: &BTreeMap<&str, &VarDef>,
        view: &dyn View,
        stack: &mut Vec<String>,
    ) {
        if self.values.contains_key(name) {
            return;
        }
        let Some(def) = defs.get(name) else {
            return;
        };
        if stack.iter().any(|s| s == name) {
            self.values
                .insert(name.into(), Err("it depends on itself".into()));
            return;
        }
        stack.push(name.to_string());
        for r in def.refs() {
            self.resolve_one(r, defs, view, stack);
        }
        stack.pop();
        let value = self.compute(def, view);
        self.values.insert(name.to_string(), value);
        self.origins
            .entry(name.to_string())
            .or_insert_with(|| ValueOrigin::Definition {
                file: def.file.name.clone(),
                line: def.span.line,
                column: def.span.column,
            });
    }

    fn compute(&mut self, def: &VarDef, view: &dyn View) -> Result<String, String> {
        match &def.kind {
            VarKind::Flag(f) => {
                let facts = f.scan_reusing(view, self, self.prior.as_ref().and_then(|p| p.of(f)));
                let value = match &facts {
                    Ok(facts) => Ok(facts.value().to_string()),
                    Err(e) => Err(e.to_string()),
                };
                self.flags.insert(def.name.clone(), facts);
                value
            }
            VarKind::Mapped { from, map } => {
                if let Some(o @ ValueOrigin::Data { .. }) = self.origins.get(from).cloned() {
                    self.origins.insert(def.name.clone(), o);
                }
                let v = match self.values.get(from) {
                    Some(Ok(v)) => v,
                    Some(Err(r)) => return Err(format!("'{from}' has no value: {r}")),
                    None => return Err(format!("'{from}' is not defined")),
                };
                map.iter()
                    .find(|(k, _)| k == v)
                    .map(|(_, to)| to.clone())
                    .ok_or_else(|| {
                        let keys: Vec<&str> = map.iter().map(|(k, _)| k.as_str()).collect();
                        format!(
                            "'{from}' is '{v}', which its map does not list (it lists {})",
                            keys.join(", ")
                        )
                    })
            }
            VarKind::Literal(t) => {
                if let Some(o) = t
                    .vars()
                    .find_map(|r| match self.origins.get(r) {
                        Some(o @ ValueOrigin::Data { .. }) => Some(o),
                        _ => None,
                    })
                    .cloned()
                {
                    self.origins.insert(def.name.clone(), o);
                }
                self.render(t, no_escape).map_err(|e| e.to_string())
            }
            VarKind::Unset => Err(format!(
                "it is declared without a value: pass --var {}=VALUE",
                def.name
            )),
            VarKind::Data {
                file,
                path,
                default,
            } => {
                let file = self.render(file, no_escape).map_err(|e| e.to_string())?;
                match super::data_var::read_at(view, &file, path) {
                    Ok(found) => {
                        self.origins.insert(
                            def.name.clone(),
                            ValueOrigin::Data {
                                path: file,
                                line: found.line,
                                column: found.column,
                            },
                        );
                        Ok(found.value)
                    }
                    Err(super::data_var::Missing::Absent(why)) => match default {
                        Some(d) => self.render(d, no_escape).map_err(|e| e.to_string()),
                        None => Err(why),
                    },
                    Err(m) => Err(m.reason().to_string()),
                }
            }
            VarKind::LatestDir {
                glob: g,
                pattern,
                date,
            } => {
                let pat = self
                    .render(g, crate::lang::template::glob_escape)
                    .map_err(|e| e.to_string())?;
                let matcher = glob(&pat).map_err(|e| e.to_string())?;
                let re = match pattern {
                    Some(p) => Some(
                        // The whole name must match: `^v\d+$` must not match "zz\nv2".
                        crate::lang::pattern::build_regex(&format!(
                            r"\A(?:{})\z",
                            self.render(&p.tpl, regex::escape)
                                .map_err(|e| e.to_string())?
                        ))
                        .map_err(|e| e.to_string())?,
                    ),
                    None => None,
                };
                let name_ok = |n: &str| {
                    re.as_ref().is_none_or(|r| r.is_match(n))
                        && (!date || crate::parse::dates::is_iso_date(n))
                };
                view.dirs()
                    .into_iter()
                    .filter(|d| matcher.is_match(d))
                    .filter_map(|d| d.rsplit('/').next().map(str::to_string))
                    .filter(|n| name_ok(n))
                    .max()
                    .ok_or_else(|| {
                        let what = match (pattern, date) {
                            (Some(p), _) => format!(" whose name matches '{}'", p.tpl.raw),
                            (None, true) => " whose name is a date (YYYY-MM-DD)".into(),
                            (None, false) => String::new(),
                        };
                        format!("no directory matches '{}'{what}", g.raw)
                    })
            }
        }
    }

    /// The facts of flag variable `name`, gathered once per run. A variable
    /// overridden with `--var` still has its facts: they are about files.
    pub fn flag(&self, name: &str) -> Result<&FlagFacts, EvalError> {
        match self.flags.get(name) {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(e.clone()),
            None => Err(EvalError::NoValue {
                name: name.to_string(),
                reason: "it is not a flag variable (declare it under 'vars:' with 'flag:')".into(),
            }),
        }
    }

    /// The file and line the value of `name` was read from (a `data` variable, or one
    /// that takes its value from one).
    pub fn data_origin(&self, name: &str) -> Option<(&str, usize)> {
        match self.origins.get(name)? {
            ValueOrigin::Data { path, line, .. } => Some((path.as_str(), *line)),
            _ => None,
        }
    }

    /// The value of `name`, or which variable has no value and why.
    pub fn value(&self, name: &str) -> Result<&str, EvalError> {
        self.note_use(name);
        match self.values.get(name) {
            Some(Ok(v)) => Ok(v),
            _ => Err(self.missing(name)),
        }
    }

    /// The variables of one `for_each` instance: `name` (the loop variable) is `value`,
    /// and every variable whose definition uses it, directly or through others, is
    /// resolved again with it (a `--var` still wins).
    pub fn instance(&self, defs: &[VarDef], name: &str, value: &str, view: &dyn View) -> Vars {
        let mut vars = Vars {
            values: self.values.clone(),
            origins: self.origins.clone(),
            declared: self.declared.clone(),
            flags: self.flags.clone(),
            used: Default::default(),
            base: self.base.clone(),
            prior: None,
            keep: None,
        };
        vars.values.insert(name.to_string(), Ok(value.to_string()));
        vars.origins.insert(name.to_string(), ValueOrigin::Instance);
        // The definitions that depend on the loop variable, to a fixed point.
        let mut dependent: Vec<&str> = Vec::new();
        loop {
            let before = dependent.len();
            for d in defs {
                if !dependent.contains(&d.name.as_str())
                    && d.name != name
                    && d.refs().iter().any(|r| *r == name || dependent.contains(r))
                    && self.origins.get(&d.name) != Some(&ValueOrigin::CommandLine)
                {
                    dependent.push(&d.name);
                }
            }
            if dependent.len() == before {
                break;
            }
        }
        for n in &dependent {
            vars.values.remove(*n);
            vars.origins.remove(*n);
            vars.flags.remove(*n);
        }
        let by_name: BTreeMap<&str, &VarDef> = defs.iter().map(|d| (d.name.as_str(), d)).collect();
        for n in &dependent {
            vars.resolve_one(n, &by_name, view, &mut Vec::new());
        }
        // The instance's variables in the base: the same path, the base's files.
        if let Some(base) = self.base.as_ref().filter(|b| b.every) {
            let in_base = base.vars.instance(defs, name, value, base.view.as_ref());
            vars.copy_base(&in_base);
        }
        vars
    }

    /// Where the value of `name` came from.
    pub fn origin(&self, name: &str) -> Option<&ValueOrigin> {
        self.origins.get(name)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.note_use(name);
        self.peek(name)
    }

    /// The value of `name`, if it has one, without counting it as looked up (to
    /// compare two runs' inputs, not to judge).
    pub(crate) fn peek(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some(Ok(v)) => Some(v),
            _ => None,
        }
    }

    /// Renders a template, or says which variable has no value and why.
    pub fn render(&self, t: &Template, escape: fn(&str) -> String) -> Result<String, EvalError> {
        t.render(&|n| self.get(n).map(str::to_string), escape)
            .map_err(|m| self.missing(&m.0))
    }

    /// Renders a template whose references are first looked up in `locals` (e.g. the
    /// captures of a match), then among the variables.
    pub fn render_with(
        &self,
        t: &Template,
        escape: fn(&str) -> String,
        locals: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, EvalError> {
        t.render(
            &|n| locals(n).or_else(|| self.get(n).map(str::to_string)),
            escape,
        )
        .map_err(|m| self.missing(&m.0))
    }

    /// Declared variables, and the built-in ones the run looked up, with their values
    /// (`None`: unresolved), for reports.
    pub fn declared(&self) -> BTreeMap<String, Option<String>> {
        let used = match self.used.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        let value = |n: &str| match self.values.get(n) {
            Some(Ok(v)) => Some(v.clone()),
            _ => None,
        };
        self.declared
            .iter()
            .map(String::as_str)
            .chain(used)
            .map(|n| (n.to_string(), value(n)))
            .collect()
    }
}
