//! Paths, globs and regexes as a policy writes them: with `{var}` templates,
//! checked at load time, compiled once when they reference no variable.
//! Filling in the variables happens at run time (`eval::render`).

use super::template::Template;
use regex::Regex;

pub(crate) fn glob(pattern: &str) -> Result<globset::GlobMatcher, globset::Error> {
    glob_with_case(pattern, false)
}

/// Whether `pattern` is a glob as [`glob`] reads it, without compiling its matcher (a
/// regex): what loading a policy checks. The syntax is all that can fail.
pub(crate) fn glob_syntax(pattern: &str) -> Result<(), globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(drop)
}

/// [`glob`], optionally matching whatever the case.
pub(crate) fn glob_with_case(
    pattern: &str,
    ignore_case: bool,
) -> Result<globset::GlobMatcher, globset::Error> {
    Ok(glob_parsed(pattern, ignore_case)?.compile_matcher())
}

/// A glob as [`glob_with_case`] reads it, parsed but not compiled into a matcher.
pub(crate) fn glob_parsed(
    pattern: &str,
    ignore_case: bool,
) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .case_insensitive(ignore_case)
        .build()
}

pub(crate) fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .multi_line(true)
        .crlf(true)
        .size_limit(1 << 20)
        .build()
}

/// A regex with `{var}` templates. Its syntax is checked at load; it is compiled when
/// a check first uses it (a compile of `\d`, `\S` or `\b`, Unicode classes, costs up
/// to a millisecond: a run compiles only the patterns it uses, on the threads that use
/// them, not all of them before the first file is read).
#[derive(Debug, Clone)]
pub struct RegexT {
    pub tpl: Template,
    /// Its named capture groups, in order.
    names: Vec<String>,
    /// The regex, once compiled, when the template references no variable.
    literal: std::sync::OnceLock<Result<Regex, String>>,
    /// Its renderings compiled so far, for a regex with variables.
    pub(crate) rendered: Renderings,
}

/// The last few renderings of a regex with variables, compiled: a check that judges
/// many files compiles its pattern once, not once a file (the variables of a run
/// are fixed; only `for_each` instances render it with values of their own).
#[derive(Debug, Default)]
pub(crate) struct Renderings(std::sync::Mutex<Vec<(String, std::sync::Arc<Regex>)>>);

/// Renderings kept per regex (the oldest is dropped).
const RENDERINGS: usize = 8;

impl Renderings {
    /// The regex `src` compiles to, compiled once by `build`.
    pub(crate) fn get_or_build<E>(
        &self,
        src: String,
        build: impl FnOnce(&str) -> Result<Regex, E>,
    ) -> Result<std::sync::Arc<Regex>, E> {
        let kept = |v: &Vec<(String, std::sync::Arc<Regex>)>| {
            v.iter().find(|(s, _)| *s == src).map(|(_, r)| r.clone())
        };
        if let Some(r) = kept(&self.0.lock().unwrap_or_else(|p| p.into_inner())) {
            return Ok(r);
        }
        let r = std::sync::Arc::new(build(&src)?);
        let mut v = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if kept(&v).is_none() {
            if v.len() == RENDERINGS {
                v.remove(0);
            }
            v.push((src, r.clone()));
        }
        Ok(r)
    }
}

impl Clone for Renderings {
    fn clone(&self) -> Self {
        Renderings::default()
    }
}

impl RegexT {
    /// The names of the regex's named capture groups, in the order of the groups
    /// (known at load time: variable values are matched literally, so they add no
    /// group). Read off the pattern parsed at load, without compiling it.
    pub fn capture_names(&self) -> &[String] {
        &self.names
    }

    /// `tpl` with its syntax checked (variables standing for a placeholder): every
    /// error a compile finds but its size.
    pub fn checked(tpl: Template) -> Result<RegexT, String> {
        fn walk(h: &regex_syntax::hir::Hir, out: &mut Vec<String>) {
            use regex_syntax::hir::HirKind;
            match h.kind() {
                HirKind::Capture(c) => {
                    out.extend(c.name.as_deref().map(str::to_string));
                    walk(&c.sub, out);
                }
                HirKind::Repetition(r) => walk(&r.sub, out),
                HirKind::Concat(hs) | HirKind::Alternation(hs) => {
                    hs.iter().for_each(|h| walk(h, out));
                }
                HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
            }
        }
        let hir = regex_syntax::ParserBuilder::new()
            .multi_line(true)
            .crlf(true)
            .build()
            .parse(&tpl.with_placeholder("x"))
            .map_err(|e| e.to_string())?;
        let mut names = Vec::new();
        walk(&hir, &mut names);
        Ok(RegexT {
            tpl,
            names,
            literal: std::sync::OnceLock::new(),
            rendered: Renderings::default(),
        })
    }

    /// The regex, compiled on first use, when the template references no variable:
    /// `None` for a template with variables (see `get`, which renders it).
    pub fn literal(&self) -> Option<&Result<Regex, String>> {
        self.tpl.is_literal().then(|| {
            self.literal.get_or_init(|| {
                build_regex(&self.tpl.with_placeholder("x")).map_err(|e| e.to_string())
            })
        })
    }
}

/// `section:` of a text-scanning kind: a heading's text, or the first heading whose
/// text a regex matches (`{matches: '^\[{version}\]'}`; variables inserted literally).
#[derive(Debug, Clone)]
pub(crate) enum SectionSpec {
    Title(Template),
    Matches(RegexT),
}

/// Paths or globs to include, and globs to exclude.
#[derive(Debug, Clone)]
pub struct GlobSet {
    pub include: Vec<Template>,
    pub exclude: Vec<Template>,
    /// `case: insensitive`: match names whatever their case (`Dockerfile`, `dockerfile`,
    /// `PROD.ENV`), as the file systems of macOS and Windows runners do.
    pub ignore_case: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The capture names read off the parsed pattern are the compiled regex's, in order.
    #[test]
    fn capture_names_without_a_compile() {
        for p in [
            r"^Assinatura: (?P<name>\S.*?) <(?P<email>[^<>\s]+@[^<>\s]+)> [—–-] (?P<date>\d{4}-\d{2}-\d{2})\s*$",
            r"(a)(?<x>b(?P<y>c)|(?<z>d))*(e)",
            r"(?:(?<outer>(?<inner>q)+)|r)?",
            r"no groups",
            r"(?i)(?<a>x)",
        ] {
            let t = crate::lang::template::Template::parse(p, Default::default());
            let want: Vec<String> = build_regex(p)
                .unwrap()
                .capture_names()
                .flatten()
                .map(str::to_string)
                .collect();
            assert_eq!(RegexT::checked(t).unwrap().capture_names(), want, "{p}");
        }
    }

    /// A rendering is compiled once, whichever thread asks again; the kept ones are
    /// bounded, the oldest dropped first.
    #[test]
    fn renderings_compile_once_each() {
        let r = Renderings::default();
        let builds = std::sync::atomic::AtomicUsize::new(0);
        let build = |s: &str| {
            builds.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            build_regex(s)
        };
        let a = r.get_or_build("^a$".into(), build).unwrap();
        let again = r.get_or_build("^a$".into(), build).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &again));
        assert_eq!(builds.load(std::sync::atomic::Ordering::Relaxed), 1);
        for i in 0..RENDERINGS {
            r.get_or_build(format!("^{i}$"), build).unwrap();
        }
        assert_eq!(
            builds.load(std::sync::atomic::Ordering::Relaxed),
            1 + RENDERINGS
        );
        // `^a$` was the oldest: dropped, compiled again.
        let third = r.get_or_build("^a$".into(), build).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&a, &third));
        assert_eq!(third.as_str(), "^a$");
        assert!(r.get_or_build("(".into(), build).is_err());
    }

    /// Loading checks a glob's syntax only; it must refuse exactly what the matcher refuses.
    #[test]
    fn syntax_check_agrees_with_the_matcher() {
        for p in [
            "**/*.yml",
            "releases/{a,b}/**",
            "[",
            "[!]",
            "a/{b",
            "a/{b,{c}}",
            "a}",
            "a\\",
            "\\*.md",
            "***",
            "a/**b",
            "[z-a]",
            "",
        ] {
            let full = glob(p).map(drop).map_err(|e| e.kind().to_string());
            let syntax = glob_syntax(p).map_err(|e| e.kind().to_string());
            assert_eq!(syntax, full, "{p:?}");
        }
        assert!(glob_syntax("[").is_err());
    }
}
