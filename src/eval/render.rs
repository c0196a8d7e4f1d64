//! Filling in the variables of a policy's paths, globs and regexes at run time.

use super::vars::Vars;
use super::{Cx, EvalError};
use crate::lang::pattern::{GlobSet, RegexT, build_regex, glob_parsed};
use crate::lang::template::{Template, glob_escape, no_escape, regex_escape};
use crate::repo::Entries;
use rayon::prelude::*;
use regex::Regex;
use std::ops::Range;

impl RegexT {
    /// The regex with the run's variables filled in (compiled once per rendering).
    pub fn get(&self, cx: &Cx) -> Result<CompiledRegex<'_>, EvalError> {
        if let Some(r) = self.literal() {
            return r.as_ref().map(CompiledRegex::Kept).map_err(|e| {
                EvalError::Invalid(format!("regex '{}' is invalid: {e}", self.tpl.raw))
            });
        }
        let src = cx.vars.render(&self.tpl, regex_escape)?;
        self.rendered
            .get_or_build(src, build_regex)
            .map(CompiledRegex::Rendered)
            .map_err(|e| {
                EvalError::Invalid(format!(
                    "regex '{}' is invalid once rendered: {e}",
                    self.tpl.raw
                ))
            })
    }
}

/// A regex ready to match: one without variables, or one rendered with the run's.
pub enum CompiledRegex<'a> {
    Kept(&'a Regex),
    Rendered(std::sync::Arc<Regex>),
}

impl std::ops::Deref for CompiledRegex<'_> {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        match self {
            CompiledRegex::Kept(r) => r,
            CompiledRegex::Rendered(r) => r,
        }
    }
}

/// One rendered path or glob.
pub struct Pat {
    pub text: String,
    /// `None` for a literal path.
    pub glob: Option<Glob>,
    /// Literal paths compare whatever the case.
    pub ignore_case: bool,
}

/// One glob, parsed; its own matcher (a regex) is compiled when first asked for. Most
/// globs are only ever matched as part of their set ([`Rendered`]), and a glob's regex
/// (a case-insensitive one above all) cost more than the rest of a small run's load.
pub struct Glob {
    glob: globset::Glob,
    matcher: std::sync::OnceLock<globset::GlobMatcher>,
}

impl Glob {
    pub fn glob(&self) -> &globset::Glob {
        &self.glob
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.matcher
            .get_or_init(|| self.glob.compile_matcher())
            .is_match(path)
    }
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
            let g = glob_parsed(&s, self.ignore_case)
                .map_err(|e| EvalError::Invalid(format!("glob '{}': {e}", t.raw)))?;
            Ok(Pat {
                text: lit,
                glob: Some(Glob {
                    glob: g,
                    matcher: std::sync::OnceLock::new(),
                }),
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

    /// The entries an include glob could match: sorted, disjoint index ranges of
    /// `entries` (sorted by path), so that a selection tests only those. Every path a
    /// glob matches starts with the glob's literal head (the text before its first
    /// special character; globs are anchored), and the paths that start with a text
    /// are one run of the sorted entries. A glob without a head, or one that ignores
    /// case (the entries are sorted by their bytes), leaves every entry.
    fn glob_ranges(&self, entries: &Entries) -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for p in &self.include {
            let Some(g) = &p.glob else { continue };
            let head = g
                .glob()
                .glob()
                .split(['*', '?', '[', '{', '\\'])
                .next()
                .unwrap_or("");
            if head.is_empty() || p.ignore_case {
                // One range: every entry (not a list of the indices).
                #[allow(clippy::single_range_in_vec_init)]
                return vec![0..entries.len()];
            }
            let lo = entries.partition_point(|e| e.path < head);
            let hi = entries.partition_point(|e| e.path < head || e.path.starts_with(head));
            ranges.push(lo..hi);
        }
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// The indices of the `entries` an include glob matches and no exclude removes,
    /// sorted (literal paths are the caller's): every candidate the glob ranges leave,
    /// tested in parallel.
    pub fn globbed(&self, entries: &Entries) -> Vec<usize> {
        if self.include.iter().all(|p| p.glob.is_none()) {
            return Vec::new();
        }
        self.glob_ranges(entries)
            .into_par_iter()
            .flat_map(|r| r.into_par_iter())
            .filter(|&i| {
                entries
                    .get(i)
                    .is_some_and(|e| self.glob_matches(e.path) && !self.excluded(e.path))
            })
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::value::Span;
    use crate::repo::{Entry, EntryKind};

    fn entries(paths: &[&str]) -> Entries {
        let mut list: Vec<Entry> = paths
            .iter()
            .map(|p| Entry::new(p.to_string(), EntryKind::File, 0o100644))
            .collect();
        list.sort_by(|a, b| a.path.cmp(&b.path));
        Entries::of(&list).unwrap()
    }

    fn rendered(include: &[&str], ignore_case: bool) -> Rendered {
        let set = GlobSet {
            include: include
                .iter()
                .map(|t| Template::parse(t, Span::default()))
                .collect(),
            exclude: Vec::new(),
            ignore_case,
        };
        set.render_with(&Vars::default()).unwrap()
    }

    /// Matching a rendered set compiles no glob's own matcher; asking one glob compiles
    /// its matcher then, which agrees with the set (case included).
    #[test]
    fn a_globs_own_matcher_is_compiled_when_asked_for() {
        let r = rendered(&["docs/**/*.md", "**/Dockerfile"], true);
        assert!(r.glob_matches("docs/a/B.MD"));
        assert!(!r.glob_matches("src/a.md"));
        assert!(
            r.include
                .iter()
                .all(|p| p.glob.as_ref().unwrap().matcher.get().is_none())
        );
        let docs = &r.include[0];
        assert!(docs.matches("DOCS/x.md"));
        assert!(!docs.matches("docs/x.txt"));
        assert!(docs.glob.as_ref().unwrap().matcher.get().is_some());
        assert!(r.include[1].glob.as_ref().unwrap().matcher.get().is_none());
    }

    /// What the ranges leave out is never a match: the ranges' matches are every
    /// entry's matches, on heads that share a prefix with their neighbours.
    #[test]
    fn ranges_hold_every_match() {
        let all = entries(&[
            "a.yml",
            "releases/2024.1",
            "releases/2024.1-rc/a.yml",
            "releases/2024.1/a.yml",
            "releases/2024.1/deep/b.yml",
            "releases/2024.10/a.yml",
            "releases/2024.1\\x/c.yml",
            "releases0/a.yml",
            "src/releases/2024.1/a.yml",
            "z/\\xff.yml",
        ]);
        let cases: &[(&[&str], bool, usize)] = &[
            (&["releases/2024.1/**"], false, 2),
            (&["releases/2024.1*/*.yml"], false, 6),
            (&["releases/2024.1/**", "src/**"], false, 3),
            (&["**/*.yml"], false, 10),
            (&["RELEASES/2024.1/**"], true, 10),
            (&["releases/2024.1\\\\x/*"], false, 6),
            (&["nothing/**"], false, 0),
        ];
        for (include, ignore_case, tested) in cases {
            let set = rendered(include, *ignore_case);
            let ranges = set.glob_ranges(&all);
            let within: Vec<usize> = ranges.iter().cloned().flatten().collect();
            assert_eq!(within.len(), *tested, "{include:?}: {ranges:?}");
            let brute: Vec<usize> = (0..all.len())
                .filter(|&i| set.glob_matches(all.get(i).unwrap().path))
                .collect();
            let ranged: Vec<usize> = within
                .into_iter()
                .filter(|&i| set.glob_matches(all.get(i).unwrap().path))
                .collect();
            assert_eq!(ranged, brute, "{include:?}");
        }
    }
}
