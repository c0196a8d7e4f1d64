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
    Ok(globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .case_insensitive(ignore_case)
        .build()?
        .compile_matcher())
}

pub(crate) fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .multi_line(true)
        .crlf(true)
        .size_limit(1 << 20)
        .build()
}

/// A regex with `{var}` templates, compiled at load time when it has none.
#[derive(Debug, Clone)]
pub struct RegexT {
    pub tpl: Template,
    compiled: Option<Regex>,
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
    /// The names of the regex's named capture groups (known at load time: variable
    /// values are matched literally, so they add no group).
    pub fn capture_names(&self) -> Vec<String> {
        // The regex compiled at load time when there is one (a compile costs up to a
        // few hundred microseconds, paid by every run).
        let names = |r: &Regex| r.capture_names().flatten().map(str::to_string).collect();
        match &self.compiled {
            Some(r) => names(r),
            None => build_regex(&self.tpl.with_placeholder("x"))
                .map(|r| names(&r))
                .unwrap_or_default(),
        }
    }

    /// A regex checked at load time; `compiled` is the regex itself when the template
    /// references no variable.
    pub fn new(tpl: Template, compiled: Option<Regex>) -> RegexT {
        RegexT {
            tpl,
            compiled,
            rendered: Renderings::default(),
        }
    }

    /// The compiled regex when the template references no variable.
    pub fn compiled(&self) -> Option<&Regex> {
        self.compiled.as_ref()
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
