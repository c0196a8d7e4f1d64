//! Check kinds: one file each, registered in [`KINDS`].
//!
//! A kind is declared by a [`KindSpec`]: its name, documentation and parameters.
//! The same table drives the policy loader (unknown keys, required keys, types),
//! `relgate schema` and `docs/policy-language.md`, so the three cannot drift.

mod absent;
mod captures;
mod changes;
mod checklist;
mod data;
mod deadline;
mod encoding;
mod exists;
mod flag;
mod junit;
mod matches;
mod mode;
mod not_matches;

use crate::finding::Severity;
use crate::policy::fields::Fields;
use crate::policy::vars::Vars;
use crate::repo::{Diff, ReadError, View};
use std::fmt::Debug;

/// What a check needs at evaluation time.
pub struct Cx<'a> {
    pub view: &'a dyn View,
    pub vars: &'a Vars,
    pub now: jiff::Timestamp,
    pub diff: Option<&'a Diff>,
}

/// A place in the repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl At {
    pub fn file(path: &str) -> At {
        At {
            path: path.to_string(),
            line: None,
            column: None,
        }
    }

    pub fn line(path: &str, line: usize, column: usize) -> At {
        At {
            path: path.to_string(),
            line: Some(line),
            column: Some(column),
        }
    }
}

/// One reason a check does not hold. The engine adds the policy's id, severity and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub message: String,
    pub at: Option<At>,
    /// Overrides the policy's severity (e.g. a deadline not yet passed is a warning).
    pub severity: Option<Severity>,
    /// "Could not judge" (an unreadable file, a flag that cannot be proven off), not a
    /// violation: `not`, `when` and `unless` never turn it into a pass or a skip.
    pub undecided: bool,
}

impl Hit {
    pub fn new(message: impl Into<String>, at: Option<At>) -> Hit {
        Hit {
            message: message.into(),
            at,
            severity: None,
            undecided: false,
        }
    }

    /// The same hit, marked "could not judge".
    pub fn cannot_judge(mut self) -> Hit {
        self.undecided = true;
        self
    }

    pub fn at(message: impl Into<String>, at: At) -> Hit {
        Hit::new(message, Some(at))
    }
}

/// Why a check could not be evaluated.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EvalError {
    /// A variable the check needs has no value: the policy fails with one finding.
    #[error("variable '{name}' has no value: {reason}")]
    NoValue { name: String, reason: String },
    /// The run cannot be trusted (I/O or git failure): exit 2.
    #[error(transparent)]
    Read(ReadError),
    /// A template rendered to an invalid regex or glob: the policy fails with one finding.
    #[error("{0}")]
    Invalid(String),
    /// The check compares the change with a base revision and none was given:
    /// the policy is `skip` (reason: "needs --base").
    #[error("needs --base: {0}")]
    NeedsBase(String),
}

pub type Eval = Result<Vec<Hit>, EvalError>;

pub trait Check: Send + Sync + Debug {
    /// The hits of this check against the view; empty means it holds.
    fn eval(&self, cx: &Cx) -> Eval;
}

/// The type of a parameter, for validation messages, the schema and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A path or glob, or a list of them, with `{var}` templates.
    Globs,
    /// One path with `{var}` templates.
    Path,
    /// A regex (Rust syntax) with `{var}` templates; values are regex-escaped.
    Regex,
    /// A regex or a list of regexes.
    Regexes,
    /// Free text with `{var}` templates.
    Text,
    /// Octal permission bits such as `'0644'`.
    Mode,
    Bool,
    Int,
    /// `48h`, `2d`, `90m`.
    Duration,
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// An identifier: letters, digits, `.`, `_`, `-`.
    Id,
    /// A list of names.
    Names,
    /// A condition: one check kind, or `all` / `any` / `not`.
    Condition,
    /// The `vars:` mapping.
    Vars,
    /// The `flag:` definition of a variable.
    Flag,
    /// A mapping of strings to strings.
    Map,
    /// The `policies:` list.
    Policies,
    /// A mapping read against its own parameter table.
    Table(&'static [Param]),
    /// A list of mappings, each read against the parameter table.
    Rules(&'static [Param]),
    /// A mapping from names (data fields, regex captures) to values of the inner type.
    FieldMap(&'static Ty),
    /// A list of scalars (strings, numbers, booleans), compared with their type.
    Scalars,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

pub struct KindSpec {
    pub name: &'static str,
    /// One line: what holds when the check passes.
    pub summary: &'static str,
    /// Markdown: details and an example.
    pub doc: &'static str,
    pub params: &'static [Param],
    /// The parameter a bare scalar or list sets (`exists: docs/x.md`).
    pub shorthand: Option<&'static str>,
    pub build: fn(&mut Fields<'_, '_>) -> Option<Box<dyn Check>>,
}

/// Every check kind, in documentation order. Registration is this one line per kind.
pub static KINDS: &[&KindSpec] = &[
    &exists::SPEC,
    &absent::SPEC,
    &matches::SPEC,
    &not_matches::SPEC,
    &checklist::SPEC,
    &captures::SPEC,
    &data::SPEC,
    &deadline::SPEC,
    &mode::SPEC,
    &encoding::SPEC,
    &flag::SPEC,
    &changes::SPEC,
    &junit::SPEC,
];

pub fn kind(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// Shared helpers for check kinds.
pub mod util {
    use super::{At, Cx, EvalError, Hit};
    use crate::policy::fields::GlobSet;
    use crate::repo::{Content, EntryKind, ReadError};
    use std::sync::Arc;

    /// The files a glob list selects (sorted, excludes applied), and one hit per
    /// literal path that does not exist.
    pub fn select(cx: &Cx, globs: &GlobSet) -> Result<(Vec<String>, Vec<Hit>), EvalError> {
        let set = globs.render(cx)?;
        let mut paths = Vec::new();
        let mut missing = Vec::new();
        for pat in &set.include {
            match &pat.glob {
                None => match cx.view.entry(&pat.text) {
                    Some(_) => paths.push(pat.text.clone()),
                    None => {
                        missing.push(Hit::at(missing_message(cx, &pat.text), At::file(&pat.text)))
                    }
                },
                Some(g) => paths.extend(
                    cx.view
                        .entries()
                        .iter()
                        .filter(|e| g.is_match(&e.path))
                        .map(|e| e.path.clone()),
                ),
            }
        }
        paths.sort();
        paths.dedup();
        paths.retain(|p| !set.excluded(p));
        Ok((paths, missing))
    }

    /// The finding when globs select no file: the rendered globs (variables filled in,
    /// never the raw `{release}`), at the literal folder of the first one.
    pub fn nothing_selected(cx: &Cx, globs: &GlobSet) -> Result<Hit, EvalError> {
        let set = globs.render(cx)?;
        let texts: Vec<String> = set
            .include
            .iter()
            .map(|p| format!("'{}'", p.text))
            .collect();
        let at = set
            .include
            .first()
            .map(|p| p.base())
            .filter(|b| !b.is_empty())
            .map(At::file);
        Ok(Hit::new(
            format!("no file matches {}", texts.join(", ")),
            at,
        ))
    }

    /// "X does not exist", naming a symlinked folder on the way when there is one.
    pub fn missing_message(cx: &Cx, path: &str) -> String {
        let mut p = path;
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if let Some(e) = cx.view.entry(p)
                && e.kind == EntryKind::Symlink
            {
                return format!(
                    "{path} does not exist: {p} is a symbolic link, and relgate never follows links"
                );
            }
        }
        format!("{path} does not exist")
    }

    /// Reads a file; facts about the repository (missing, symlink, too large) become a hit,
    /// failures of the run become an error.
    pub fn read(cx: &Cx, path: &str) -> Result<Result<Arc<Content>, Hit>, EvalError> {
        match cx.view.read(path) {
            Ok(c) => Ok(Ok(c)),
            Err(ReadError::NotFound { .. }) => {
                Ok(Err(Hit::at(missing_message(cx, path), At::file(path))))
            }
            Err(e) if e.is_finding() => {
                Ok(Err(Hit::at(e.to_string(), At::file(path)).cannot_judge()))
            }
            Err(e) => Err(EvalError::Read(e)),
        }
    }

    /// The text of a file, or a hit at the first byte that is not UTF-8.
    pub fn text<'c>(path: &str, content: &'c Content) -> Result<&'c str, Hit> {
        content.text().map_err(|e| {
            let (line, column) = content.line_col(e.valid_up_to());
            Hit::at(
                format!(
                    "{path} is not valid UTF-8 (byte {} of the file)",
                    e.valid_up_to() + 1
                ),
                At::line(path, line, column),
            )
            .cannot_judge()
        })
    }
}

/// Markdown sections as the text-scanning kinds use them.
pub mod scope {
    use super::{At, Cx, EvalError, Hit};
    use crate::parse::markdown;
    use crate::policy::template::{Template, no_escape};
    use crate::repo::Content;

    /// The part of a file a check looks at: the whole file, or one section's body.
    pub struct Scope {
        /// Byte range in the file.
        pub range: std::ops::Range<usize>,
        /// 1-based lines of the range (inclusive); `first > last` when empty.
        pub first: usize,
        pub last: usize,
        /// Line of the section heading, when scoped to a section.
        pub heading: Option<usize>,
        /// `in section 'X'` or empty, for messages.
        pub label: String,
    }

    /// Resolves `section` in `text`; a missing heading is a hit at the file.
    pub fn resolve(
        cx: &Cx,
        path: &str,
        content: &Content,
        text: &str,
        section: Option<&Template>,
    ) -> Result<Result<Scope, Hit>, EvalError> {
        let Some(t) = section else {
            return Ok(Ok(Scope {
                range: 0..text.len(),
                first: 1,
                last: content.line_count(),
                heading: None,
                label: String::new(),
            }));
        };
        let title = cx.vars.render(t, no_escape)?;
        let Some(s) = markdown::section(text, &title) else {
            return Ok(Err(Hit::at(
                format!("{path} has no heading '{title}'"),
                At::file(path),
            )));
        };
        let start = content.line_start(s.body_start);
        let end = if s.body_end >= s.body_start {
            content.line_range(s.body_end).end
        } else {
            start
        };
        Ok(Ok(Scope {
            range: start..end.max(start),
            first: s.body_start,
            last: s.body_end,
            heading: Some(s.heading.line),
            label: format!(" in section '{title}'"),
        }))
    }
}

impl scope::Scope {
    /// Reads `path` and resolves `section`: the content with the scope (or the hit saying
    /// the section is missing), or the hit that says why the file cannot be searched
    /// (missing, a link, not UTF-8).
    #[allow(clippy::type_complexity)]
    pub fn load(
        cx: &Cx,
        path: &str,
        section: Option<&crate::policy::template::Template>,
    ) -> Result<
        Result<
            (
                std::sync::Arc<crate::repo::Content>,
                Result<scope::Scope, Hit>,
            ),
            Hit,
        >,
        EvalError,
    > {
        let content = match util::read(cx, path)? {
            Ok(c) => c,
            Err(hit) => return Ok(Err(hit)),
        };
        let body = match util::text(path, &content) {
            Ok(t) => t,
            Err(hit) => return Ok(Err(hit)),
        };
        let scope = scope::resolve(cx, path, &content, body, section)?;
        Ok(Ok((content.clone(), scope)))
    }
}

/// Evaluates one condition, written in YAML, against an in-memory view (unit tests).
#[cfg(test)]
pub(crate) fn eval_yaml(
    check: &str,
    view: &crate::repo::memory::MemoryView,
    vars: &[(&str, &str)],
) -> Vec<Hit> {
    use crate::policy::{Inputs, load};
    let indented: String = check.lines().map(|l| format!("      {l}\n")).collect();
    let yaml = format!("version: 1\npolicies:\n  - id: T\n    title: t\n    check:\n{indented}");
    let inputs = Inputs {
        files: vec![("t.yaml".into(), yaml)],
        packs: Vec::new(),
        var_names: vars.iter().map(|(k, _)| k.to_string()).collect(),
    };
    let set = match load(&inputs) {
        Ok(s) => s,
        Err(e) => panic!(
            "{:?}",
            e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>()
        ),
    };
    let overrides: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let now = jiff::Timestamp::UNIX_EPOCH;
    let vars = Vars::resolve(&set.vars, &overrides, view, now);
    let cx = Cx {
        view,
        vars: &vars,
        now,
        diff: None,
    };
    match crate::engine::eval(&set.policies[0].check, &cx) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    }
}

/// `(message, path, line)` of hits, for compact assertions.
#[cfg(test)]
pub(crate) fn brief(hits: &[Hit]) -> Vec<(String, Option<usize>)> {
    hits.iter()
        .map(|h| {
            (
                h.at.as_ref().map_or(String::new(), |a| a.path.clone()),
                h.at.as_ref().and_then(|a| a.line),
            )
        })
        .collect()
}
