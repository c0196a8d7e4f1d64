//! Reading a mapping of the policy tree against a parameter table.
//!
//! [`Fields`] hands out typed, validated values (templates, regexes, globs,
//! modes…) and records an error with a position for every problem instead of
//! stopping at the first. Unknown and missing keys are checked against the
//! same [`Param`] table that `relgate schema` publishes.

mod nested;
mod section;

pub(crate) use section::SECTION_PARAMS;

use super::error::{Code, LoadError, PolicyFile, did_you_mean};
use super::kind::{Param, Ty};
use super::pattern::{RegexT, glob_syntax};
use super::template::Template;
use crate::parse::value::{Kind, Span, Value};
use std::sync::Arc;

/// Errors and facts gathered while loading one file.
pub(crate) struct LoadCx {
    pub file: Arc<PolicyFile>,
    pub errors: Vec<LoadError>,
    /// Every `{var}` reference, checked once all files and `--var`s are known.
    pub var_refs: Vec<(String, Span)>,
    /// Every reference to a flag variable (`flag: {var: x}`), checked the same way.
    pub flag_refs: Vec<(String, Span)>,
}

impl LoadCx {
    pub(crate) fn new(file: Arc<PolicyFile>) -> LoadCx {
        LoadCx {
            file,
            errors: Vec::new(),
            var_refs: Vec::new(),
            flag_refs: Vec::new(),
        }
    }

    pub(crate) fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
    ) -> &mut LoadError {
        self.errors
            .push(LoadError::new(code, &self.file, span, message));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    pub(crate) fn template(&mut self, node: &Value, what: &str) -> Option<Template> {
        self.template_local(node, what, &[])
    }

    /// A template whose references may also name `locals` (e.g. regex captures), which
    /// the check fills in itself; every other reference must be a variable.
    pub(crate) fn template_local(
        &mut self,
        node: &Value,
        what: &str,
        locals: &[String],
    ) -> Option<Template> {
        match node.text() {
            Some(s) => {
                let t = Template::parse(&s, node.span);
                for v in t.vars() {
                    if locals.iter().any(|l| l == v) {
                        continue;
                    }
                    self.var_refs.push((v.to_string(), node.span));
                }
                Some(t)
            }
            None => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    pub(crate) fn wrong_type(&mut self, node: &Value, what: &str, expected: &str) {
        let found = type_phrase(node);
        let e = self.error(
            Code::WrongType,
            node.span,
            format!("{what} must be {expected}, found {found}"),
        );
        e.label = format!("expected {expected}");
    }
}

/// What a YAML value is, as messages about policy files name it.
fn type_phrase(node: &Value) -> &'static str {
    match node.kind {
        Kind::Null => "null",
        Kind::Bool(_) => "a boolean",
        Kind::Int(_) => "an integer",
        Kind::Float(_) => "a number",
        Kind::Str(_) => "a string",
        Kind::Array(_) => "a list",
        Kind::Object(_) => "a mapping",
    }
}

/// A mapping read against a parameter table.
pub(crate) struct Fields<'a, 'n> {
    pub lx: &'a mut LoadCx,
    node: &'n Value,
    /// Set when the node is a bare scalar or list standing for the shorthand parameter.
    shorthand: Option<&'static str>,
    params: &'static [Param],
    what: String,
    seen: Vec<&'static str>,
}

impl<'a, 'n> Fields<'a, 'n> {
    /// `what` names the mapping in messages (`check 'checklist'`, `policy`).
    pub(crate) fn new(
        lx: &'a mut LoadCx,
        node: &'n Value,
        params: &'static [Param],
        shorthand: Option<&'static str>,
        what: impl Into<String>,
    ) -> Option<Fields<'a, 'n>> {
        let what = what.into();
        let shorthand = match (&node.kind, shorthand) {
            (Kind::Object(_), _) => None,
            (_, Some(s)) => Some(s),
            (_, None) => {
                lx.wrong_type(node, &what, "a mapping");
                return None;
            }
        };
        Some(Fields {
            lx,
            node,
            shorthand,
            params,
            what,
            seen: Vec::new(),
        })
    }

    pub(crate) fn span(&self) -> Span {
        self.node.span
    }

    fn param(&self, name: &str) -> &'static Param {
        match self.params.iter().find(|p| p.name == name) {
            Some(p) => p,
            None => unreachable_param(name),
        }
    }

    /// The node of `name`; records a missing-key error when it is required and absent.
    pub(crate) fn node(&mut self, name: &'static str) -> Option<&'n Value> {
        let param = self.param(name);
        self.seen.push(name);
        let found = if self.shorthand == Some(name) {
            Some(self.node)
        } else if self.shorthand.is_some() {
            None
        } else {
            self.node.get(name)
        };
        if found.is_none() && param.required {
            let what = self.what.clone();
            self.lx
                .error(
                    Code::MissingKey,
                    self.node.span,
                    format!("{what} is missing the required key '{name}'"),
                )
                .help = Some(format!("'{name}': {}", param.doc));
        }
        found.filter(|n| !matches!(n.kind, Kind::Null) || param.required)
    }

    fn label(&self, name: &str) -> String {
        format!("'{name}' of {}", self.what)
    }

    pub(crate) fn text(&mut self, name: &'static str) -> Option<Template> {
        let node = self.node(name)?;
        let what = self.label(name);
        self.lx.template(node, &what)
    }

    pub(crate) fn string(&mut self, name: &'static str) -> Option<String> {
        let node = self.node(name)?;
        match node.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                let what = self.label(name);
                self.lx.wrong_type(node, &what, "a string");
                None
            }
        }
    }

    /// A list of strings, or one string standing for a list of one.
    fn string_list(&mut self, name: &'static str) -> Option<Vec<&'n Value>> {
        let node = self.node(name)?;
        let items: Vec<&Value> = match &node.kind {
            Kind::Array(items) => items.iter().collect(),
            _ => vec![node],
        };
        let what = self.label(name);
        let mut ok = true;
        for item in &items {
            if item.text().is_none() {
                self.lx
                    .wrong_type(item, &what, "a string or a list of strings");
                ok = false;
            }
        }
        if items.is_empty() {
            self.lx.error(
                Code::BadValue,
                node.span,
                format!("{what} must not be empty"),
            );
            ok = false;
        }
        ok.then_some(items)
    }

    pub(crate) fn path(&mut self, name: &'static str) -> Option<Template> {
        let t = self.text(name)?;
        self.check_glob(&t).then_some(t)
    }

    pub(crate) fn globs(&mut self, name: &'static str) -> Option<Vec<Template>> {
        let items = self.string_list(name)?;
        let what = self.label(name);
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match self.lx.template(item, &what) {
                Some(t) if self.check_glob(&t) => out.push(t),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn check_glob(&mut self, t: &Template) -> bool {
        let probe = t.with_placeholder("x");
        let problem = if probe.starts_with('/') {
            Some("paths are relative to the repository root; remove the leading '/'".to_string())
        } else if probe.split('/').any(|c| c == "..") {
            Some("paths may not leave the repository ('..')".to_string())
        } else {
            glob_syntax(&probe).err().map(|e| e.kind().to_string())
        };
        match problem {
            Some(msg) => {
                self.lx
                    .error(
                        Code::BadGlob,
                        t.span,
                        format!("invalid path or glob '{}': {msg}", t.raw),
                    )
                    .label = "here".into();
                false
            }
            None => true,
        }
    }

    pub(crate) fn regex(&mut self, name: &'static str) -> Option<RegexT> {
        let node = self.node(name)?;
        let what = self.label(name);
        let t = self.lx.template(node, &what)?;
        self.check_regex(t, node)
    }

    pub(crate) fn regexes(&mut self, name: &'static str) -> Option<Vec<RegexT>> {
        let items = self.string_list(name)?;
        let what = self.label(name);
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match self
                .lx
                .template(item, &what)
                .and_then(|t| self.check_regex(t, item))
            {
                Some(r) => out.push(r),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A regex's syntax, checked (compiled when a check first uses it: see [`RegexT`]).
    fn check_regex(&mut self, t: Template, node: &Value) -> Option<RegexT> {
        let probe = t.with_placeholder("x");
        let e = match RegexT::checked(t.clone()) {
            Ok(r) => return Some(r),
            Err(e) => e,
        };
        // Where the syntax is wrong, when it is: the parse that keeps positions.
        if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(&probe) {
            let mut span = node.span;
            // Point into the pattern when the source spells it verbatim (plain or single-quoted).
            if t.is_literal() {
                let src = &self.lx.file.text;
                let at = node.span.offset;
                let quote = usize::from(src[at..].starts_with('\'') || src[at..].starts_with('"'));
                if src[at + quote..].starts_with(&probe) {
                    let off = e.span().start.offset;
                    span.offset = at + quote + off;
                    span.column += quote + probe[..off].chars().count();
                    span.len = (e.span().end.offset - off).max(1);
                }
            }
            self.lx
                .error(
                    Code::BadRegex,
                    span,
                    format!("invalid regex '{}': {}", t.raw, e.kind()),
                )
                .label = e.kind().to_string();
            return None;
        }
        self.lx
            .error(
                Code::BadRegex,
                node.span,
                format!("invalid regex '{}': {e}", t.raw),
            )
            .label = "here".into();
        None
    }

    pub(crate) fn mode(&mut self, name: &'static str) -> Option<u32> {
        let node = self.node(name)?;
        let text = node.text().unwrap_or_default();
        let digits = text.strip_prefix("0o").unwrap_or(&text);
        match u32::from_str_radix(digits, 8) {
            Ok(m) if (3..=4).contains(&digits.len()) && m <= 0o7777 => Some(m),
            _ => {
                let what = self.label(name);
                self.lx
                    .error(
                        Code::BadValue,
                        node.span,
                        format!(
                            "{what} must be octal permission bits such as '0644', found '{text}'"
                        ),
                    )
                    .help = Some("quote it: mode: '0644'".into());
                None
            }
        }
    }

    pub(crate) fn bool(&mut self, name: &'static str) -> Option<bool> {
        let node = self.node(name)?;
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                let what = self.label(name);
                self.lx.wrong_type(node, &what, "true or false");
                None
            }
        }
    }

    pub(crate) fn int(&mut self, name: &'static str) -> Option<i64> {
        let node = self.node(name)?;
        match node.kind {
            Kind::Int(i) => Some(i),
            _ => {
                let what = self.label(name);
                self.lx.wrong_type(node, &what, "an integer");
                None
            }
        }
    }

    pub(crate) fn choice(&mut self, name: &'static str) -> Option<String> {
        let param = self.param(name);
        let node = self.node(name)?;
        let Ty::Enum(words) = param.ty else {
            return None;
        };
        let text = node.text().unwrap_or_default();
        if words.contains(&text.as_str()) {
            return Some(text);
        }
        let what = self.label(name);
        let e = self.lx.error(
            Code::BadValue,
            node.span,
            format!("{what} must be one of {}, found '{text}'", words.join(", ")),
        );
        e.help = did_you_mean(&text, words.iter().copied());
        None
    }

    /// Like [`Fields::text`], but references may also name `locals`.
    pub(crate) fn text_local(&mut self, name: &'static str, locals: &[String]) -> Option<Template> {
        let node = self.node(name)?;
        let what = self.label(name);
        self.lx.template_local(node, &what, locals)
    }

    /// A list of names (or one name).
    pub(crate) fn names(&mut self, name: &'static str) -> Option<Vec<String>> {
        let items = self.string_list(name)?;
        Some(items.iter().filter_map(|n| n.text()).collect())
    }

    /// A duration such as `48h`, `2d`, `90m` (see [`crate::parse::dates::parse_duration`]),
    /// with the text as written (for messages).
    pub(crate) fn duration(
        &mut self,
        name: &'static str,
    ) -> Option<(jiff::SignedDuration, String)> {
        let node = self.node(name)?;
        let text = node.text().unwrap_or_default();
        if let Some(d) = crate::parse::dates::parse_duration(&text) {
            return Some((d, text));
        }
        let what = self.label(name);
        let e = self.lx.error(
            Code::BadValue,
            node.span,
            format!("{what} must be a duration such as 48h, 2d or 90m, found '{text}'"),
        );
        e.label = "not a duration".into();
        e.help = Some(
            "digits and a unit, largest unit first: w (weeks), d (days), h, m (minutes), s; e.g. 36h30m"
                .into(),
        );
        None
    }

    /// Records unknown keys (with a suggestion). Call once all parameters were read.
    pub(crate) fn finish(self) {
        let Some(map) = self.node.as_object() else {
            return;
        };
        for m in map {
            let key = &m.key;
            if self.params.iter().any(|p| p.name == key) {
                continue;
            }
            let known: Vec<&str> = self.params.iter().map(|p| p.name).collect();
            let e = self.lx.error(
                Code::UnknownKey,
                m.key_span,
                format!("unknown key '{key}' in {}", self.what),
            );
            e.label = "unknown key".into();
            e.help = Some(match did_you_mean(key, known.iter().copied()) {
                Some(s) => s,
                None => format!("known keys: {}", known.join(", ")),
            });
        }
        debug_assert!(
            self.params.iter().all(|p| self.seen.contains(&p.name)) || self.shorthand.is_some()
        );
    }
}

fn unreachable_param(name: &str) -> &'static Param {
    // A kind asked for a parameter its table does not declare: a bug caught by the
    // schema test. Answer with a harmless optional parameter instead of panicking.
    debug_assert!(false, "parameter '{name}' is not declared");
    static UNDECLARED: Param = Param {
        name: "",
        ty: Ty::Text,
        required: false,
        doc: "",
    };
    &UNDECLARED
}

/// A scalar written in a policy, compared with data values with its type
/// (`1` is not `'1'`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Scalar {
    fn of(node: &Value) -> Option<Scalar> {
        Some(match &node.kind {
            Kind::Null => Scalar::Null,
            Kind::Bool(b) => Scalar::Bool(*b),
            Kind::Int(i) => Scalar::Int(*i),
            Kind::Float(f) => Scalar::Float(*f),
            Kind::Str(s) => Scalar::Str(s.clone()),
            Kind::Array(_) | Kind::Object(_) => return None,
        })
    }
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Null => f.write_str("null"),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => write!(f, "'{s}'"),
        }
    }
}
