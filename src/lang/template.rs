//! `{name}` templates in policy strings.
//!
//! A `{` followed by a variable name and `}` is a reference; every other brace is
//! literal, so regex quantifiers (`\d{4}`) and glob alternations (`*.{yml,yaml}`)
//! need no escaping. `{{` and `}}` stand for literal braces. `{name@base}` is the
//! value `name` takes in the base revision (with `--base`; see [`BASE_SUFFIX`]).

use crate::parse::value::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    Var(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub raw: String,
    pub span: Span,
    parts: Vec<Part>,
}

/// A referenced variable has no value in this run (e.g. no release directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing(pub String);

/// The suffix of a reference to a variable's value in the base: `{version@base}`.
pub(crate) const BASE_SUFFIX: &str = "@base";

/// The variable a reference names: `version` for both `{version}` and `{version@base}`.
pub(crate) fn stem(reference: &str) -> &str {
    reference.strip_suffix(BASE_SUFFIX).unwrap_or(reference)
}

fn is_reference(s: &str) -> bool {
    is_name(s.strip_suffix(BASE_SUFFIX).unwrap_or(s))
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Template {
    pub fn parse(raw: &str, span: Span) -> Template {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = raw;
        while let Some(i) = rest.find(['{', '}']) {
            lit.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                lit.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('{')
                && let Some(end) = tail.find('}')
            {
                let name = &tail[1..end];
                if is_reference(name) {
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Var(name.to_string()));
                    rest = &tail[end + 1..];
                    continue;
                }
            }
            lit.push_str(&tail[..1]);
            rest = &tail[1..];
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Template {
            raw: raw.to_string(),
            span,
            parts,
        }
    }

    /// The variables this template references, in order.
    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v.as_str()),
            Part::Lit(_) => None,
        })
    }

    pub fn is_literal(&self) -> bool {
        self.vars().next().is_none()
    }

    /// Renders with `lookup`, passing each value through `escape` (e.g. `regex::escape`).
    pub fn render(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
        escape: fn(&str) -> String,
    ) -> Result<String, Missing> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Var(v) => {
                    out.push_str(&escape(&lookup(v).ok_or_else(|| Missing(v.clone()))?))
                }
            }
        }
        Ok(out)
    }

    /// Renders what can be: each variable `lookup` has a value for is filled in, the
    /// others stay `{name}` (a help text says as much as the run knows).
    pub fn render_partial(&self, lookup: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Var(v) => match lookup(v) {
                    Some(value) => out.push_str(&value),
                    None => out.push_str(&format!("{{{v}}}")),
                },
            }
        }
        out
    }

    /// A glob that matches every rendering of this template, when built with `*`
    /// matching `/` too: a variable `known` gives a value for is that value (escaped),
    /// any other `*`; the literal text stays glob syntax (`glob`) or is escaped (a path).
    pub fn glob_over(&self, glob: bool, known: &dyn Fn(&str) -> Option<String>) -> String {
        self.glob_with(glob, &|v| known(v).map(|value| glob_escape(&value)))
    }

    /// [`Template::glob_over`] with each variable `part` knows replaced by a glob of its
    /// own (inserted as it is, not escaped), any other by `*`.
    pub fn glob_with(&self, glob: bool, part: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) if glob => out.push_str(s),
                Part::Lit(s) => out.push_str(&glob_escape(s)),
                Part::Var(v) => match part(v) {
                    Some(g) => out.push_str(&g),
                    None => out.push('*'),
                },
            }
        }
        out
    }

    /// Renders with every variable replaced by `placeholder`, to validate syntax at load time.
    pub fn with_placeholder(&self, placeholder: &str) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.as_str(),
                Part::Var(_) => placeholder,
            })
            .collect()
    }
}

pub(crate) fn no_escape(s: &str) -> String {
    s.to_string()
}

/// A value made literal inside a glob: every character the glob syntax reads
/// (`\\ ? * [ ] { } ,` and `! ^ -` of classes) gets a backslash (relgate's globs are
/// built with `backslash_escape`). `globset::escape` leaves `\\` and `,` as they are,
/// so a release directory named `v9\\` broke the glob (and could hide a file).
pub(crate) fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '?' | '*' | '[' | ']' | '{' | '}' | ',' | '!' | '^' | '-'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn regex_escape(s: &str) -> String {
    regex::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rendering of a template is matched by its glob: a known value stands for
    /// itself (escaped), an unknown one for anything.
    #[test]
    fn the_glob_over_a_template_matches_every_rendering() {
        let build = |g: &str| {
            globset::GlobBuilder::new(g)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .unwrap()
                .compile_matcher()
        };
        let none = |_: &str| None;
        let glob = Template::parse("releases/{release}/**/*.yaml", Default::default());
        let m = build(&glob.glob_over(true, &none));
        assert!(m.is_match("releases/2024-01-01/a/b.yaml"));
        assert!(m.is_match("releases/x/y/z/b.yaml"));
        assert!(!m.is_match("docs/b.yaml"));
        let path = Template::parse("{runbooks}/a[1].md", Default::default());
        let m = build(&path.glob_over(false, &none));
        assert!(m.is_match("quality/observability/runbooks/a[1].md"));
        assert!(!m.is_match("quality/a1.md"));
        let known = |v: &str| (v == "runbooks").then(|| "q/r*".to_string());
        let m = build(&path.glob_over(false, &known));
        assert!(m.is_match("q/r*/a[1].md"));
        assert!(!m.is_match("q/rx/a[1].md"));
    }

    #[test]
    fn partial_rendering_keeps_what_has_no_value() {
        let t = Template::parse("pay {payment_mode} before {release}", Span::default());
        let lookup = |v: &str| (v == "payment_mode").then(|| "card".to_string());
        assert_eq!(t.render_partial(&lookup), "pay card before {release}");
    }

    fn render(t: &str) -> Result<String, Missing> {
        Template::parse(t, Span::default()).render(
            &|v| (v == "release").then(|| "2024-07-15".to_string()),
            no_escape,
        )
    }

    #[test]
    fn references_and_literals() {
        assert_eq!(
            render("releases/{release}/README.md").unwrap(),
            "releases/2024-07-15/README.md"
        );
        assert_eq!(render(r"^\d{4}-\d{2,3}$").unwrap(), r"^\d{4}-\d{2,3}$");
        assert_eq!(render("**/*.{yml,yaml}").unwrap(), "**/*.{yml,yaml}");
        assert_eq!(render("{{release}}").unwrap(), "{release}");
        assert_eq!(render("{nope}"), Err(Missing("nope".into())));
        let t = Template::parse("a{x}b{y-z}", Span::default());
        assert_eq!(t.vars().collect::<Vec<_>>(), ["x", "y-z"]);
        assert_eq!(t.with_placeholder("_"), "a_b_");
        let t = Template::parse("{v@base}<{v}{v@head}{@base}", Span::default());
        assert_eq!(t.vars().collect::<Vec<_>>(), ["v@base", "v"]);
        assert_eq!(stem("v@base"), "v");
    }

    #[test]
    fn glob_values_are_literal() {
        for value in [r"v9\", "a,b", "x*?[]{}", "!^-", r"\*"] {
            let t = Template::parse("releases/{v}/*.md", Span::default());
            let g = t.render(&|_| Some(value.to_string()), glob_escape).unwrap();
            let m = crate::lang::pattern::glob(&format!("{{{g},other}}")).unwrap();
            assert!(m.is_match(format!("releases/{value}/a.md")), "{value}: {g}");
            assert!(!m.is_match("releases/v9/a.md"), "{value}: {g}");
        }
    }

    #[test]
    fn values_are_escaped() {
        let t = Template::parse("^v{v}$", Span::default());
        let out = t.render(&|_| Some("1.2".into()), regex_escape).unwrap();
        assert_eq!(out, r"^v1\.2$");
    }
}
