//! Filling in the variables of a policy's paths, globs and regexes at run time.

use super::vars::Vars;
use super::{Cx, EvalError};
use crate::lang::pattern::{GlobSet, RegexT, build_regex, glob_with_case};
use crate::lang::template::{Template, glob_escape, no_escape, regex_escape};
use regex::Regex;
use std::borrow::Cow;

impl RegexT {
    pub fn get(&self, cx: &Cx) -> Result<Cow<'_, Regex>, EvalError> {
        if let Some(r) = self.compiled() {
            return Ok(Cow::Borrowed(r));
        }
        let src = cx.vars.render(&self.tpl, regex_escape)?;
        build_regex(&src).map(Cow::Owned).map_err(|e| {
            EvalError::Invalid(format!(
                "regex '{}' is invalid once rendered: {e}",
                self.tpl.raw
            ))
        })
    }
}

/// One rendered path or glob.
pub struct Pat {
    pub text: String,
    /// `None` for a literal path.
    pub glob: Option<globset::GlobMatcher>,
    /// Literal paths compare whatever the case.
    pub ignore_case: bool,
}

impl Pat {
    pub fn matches(&self, path: &str) -> bool {
        match &self.glob {
            Some(g) => g.is_match(path),
            None if self.ignore_case => self.text.eq_ignore_ascii_case(path),
            None => self.text == path,
        }
    }

    /// The literal directory part before the first glob character (for locating findings).
    pub fn base(&self) -> &str {
        match &self.glob {
            None => &self.text,
            Some(_) => {
                let head = self.text.split(['*', '?', '[', '{']).next().unwrap_or("");
                head.rsplit_once('/').map_or("", |(d, _)| d)
            }
        }
    }
}

/// A [`GlobSet`] with its variables filled in.
pub struct Rendered {
    pub include: Vec<Pat>,
    pub exclude: Vec<Pat>,
    /// The include globs as one matcher: a path is tested once against all of them
    /// (globset sorts them by strategy: extension, literal, prefix …), not once per glob.
    include_globs: Matcher,
    /// The exclude globs, likewise.
    exclude_globs: Matcher,
}

/// Several globs matched together; `None` when there is no glob.
struct Matcher(Option<globset::GlobSet>);

impl Matcher {
    fn new(pats: &[Pat]) -> Result<Matcher, EvalError> {
        let mut b = globset::GlobSetBuilder::new();
        let mut any = false;
        for g in pats.iter().filter_map(|p| p.glob.as_ref()) {
            b.add(g.glob().clone());
            any = true;
        }
        if !any {
            return Ok(Matcher(None));
        }
        b.build()
            .map(|s| Matcher(Some(s)))
            .map_err(|e| EvalError::Invalid(format!("globs: {e}")))
    }

    fn is_match(&self, path: &globset::Candidate) -> bool {
        self.0.as_ref().is_some_and(|s| s.is_match_candidate(path))
    }
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

impl GlobSet {
    pub fn render(&self, cx: &Cx) -> Result<Rendered, EvalError> {
        self.render_with(cx.vars)
    }

    /// [`GlobSet::render`] with variables only (while variables themselves resolve).
    pub fn render_with(&self, vars: &Vars) -> Result<Rendered, EvalError> {
        let compile = |t: &Template| -> Result<Pat, EvalError> {
            let lit = vars.render(t, no_escape)?;
            if t.is_literal() && !is_glob(&lit)
                || !t.is_literal() && !is_glob(&t.with_placeholder("x"))
            {
                return Ok(Pat {
                    text: lit,
                    glob: None,
                    ignore_case: self.ignore_case,
                });
            }
            let s = vars.render(t, glob_escape)?;
            let g = glob_with_case(&s, self.ignore_case)
                .map_err(|e| EvalError::Invalid(format!("glob '{}': {e}", t.raw)))?;
            Ok(Pat {
                text: lit,
                glob: Some(g),
                ignore_case: self.ignore_case,
            })
        };
        let include: Vec<Pat> = self.include.iter().map(compile).collect::<Result<_, _>>()?;
        let exclude: Vec<Pat> = self.exclude.iter().map(compile).collect::<Result<_, _>>()?;
        Ok(Rendered {
            include_globs: Matcher::new(&include)?,
            exclude_globs: Matcher::new(&exclude)?,
            include,
            exclude,
        })
    }
}

impl Rendered {
    pub fn excluded(&self, path: &str) -> bool {
        self.excluded_candidate(path, &globset::Candidate::new(path))
    }

    fn excluded_candidate(&self, path: &str, c: &globset::Candidate) -> bool {
        self.exclude
            .iter()
            .any(|p| p.glob.is_none() && p.matches(path))
            || self.exclude_globs.is_match(c)
    }

    /// Whether one of the include globs (not a literal path) matches `path`.
    pub fn glob_matches(&self, path: &str) -> bool {
        self.include_globs.is_match(&globset::Candidate::new(path))
    }

    /// Included by a pattern and not excluded.
    pub fn selects(&self, path: &str) -> bool {
        let c = globset::Candidate::new(path);
        (self.include_globs.is_match(&c)
            || self
                .include
                .iter()
                .any(|p| p.glob.is_none() && p.matches(path)))
            && !self.excluded_candidate(path, &c)
    }
}
