//! Which paths of a view a set of policies can look at, whatever values the variables
//! take ([`Reach`]).
//!
//! A listing is most of what a run holds, and most entries of a large repository are
//! files no policy selects, names or scans. A run that knows its policies before it
//! lists needs to keep only the entries some policy can reach; this module says which.
//! Every check kind declares the files it looks at ([`crate::eval::Check::reach`]); a kind
//! that declares nothing reaches every path, so a kind added without a declaration
//! costs memory, never a verdict. Each declaration is a glob over the path in which
//! `*` also matches `/` and a variable stands for anything, so the set is a superset:
//! keeping a path no policy looks at costs a few bytes, dropping one a policy looks
//! at would change a verdict.
//!
//! Today only debug builds use it, to check the declarations (`repo::restricted`); the
//! listing that keeps only what the policies reach is the next step.
#![cfg_attr(not(debug_assertions), allow(dead_code))]

use crate::lang::pattern::GlobSet;
use crate::lang::template::Template;

/// A template of paths a check or a variable may look at: a path, or a glob (`*`
/// matching `/` too), and what follows it.
#[derive(Debug, Clone)]
pub struct Reached {
    pub template: Template,
    /// Glob syntax in the template's text (else it is a path, escaped).
    pub glob: bool,
    /// Everything below what it matches too (a folder glob).
    pub below: bool,
    /// Text after each rendering (`.sig`).
    pub suffix: &'static str,
    pub ignore_case: bool,
}

impl Reached {
    /// The file a path template names.
    pub fn path(t: &Template) -> Reached {
        Reached {
            template: t.clone(),
            glob: false,
            below: false,
            suffix: "",
            ignore_case: false,
        }
    }

    /// The files a glob template matches.
    pub fn glob(t: &Template, ignore_case: bool) -> Reached {
        Reached {
            glob: true,
            ignore_case,
            ..Reached::path(t)
        }
    }

    /// The paths a glob template matches and everything below them (a folder glob).
    pub fn below(t: &Template, ignore_case: bool) -> Reached {
        Reached {
            below: true,
            ..Reached::glob(t, ignore_case)
        }
    }

    /// The files a set of globs includes (its excludes only narrow it).
    pub fn globs(set: &GlobSet) -> Vec<Reached> {
        set.include
            .iter()
            .map(|t| Reached::glob(t, set.ignore_case))
            .collect()
    }

    /// The globs it stands for, each variable replaced by what `part` gives for it (a
    /// glob, inserted as it is), or `*`.
    pub fn globs_with(&self, part: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
        let g = format!(
            "{}{}",
            self.template.glob_with(self.glob, part),
            self.suffix
        );
        if self.below {
            vec![format!("{g}/*"), g]
        } else {
            vec![g]
        }
    }
}

/// The paths a set of policies may look at; `None` inside: any path.
#[derive(Debug)]
pub(crate) struct Reach(Option<globset::GlobSet>);

impl Reach {
    /// The paths the globs (and whether each ignores case) match; `None`: every path.
    pub(crate) fn of_globs(globs: Option<Vec<(String, bool)>>) -> Reach {
        Reach(globs.and_then(|g| build(&g)))
    }

    /// Whether a policy may look at `path`.
    pub(crate) fn keeps(&self, path: &str) -> bool {
        self.0.as_ref().is_none_or(|g| g.is_match(path))
    }

    /// Whether every path is kept.
    #[cfg(test)]
    pub(crate) fn is_all(&self) -> bool {
        self.0.is_none()
    }
}

/// One matcher for them all; `None` (every path) when one does not build.
fn build(globs: &[(String, bool)]) -> Option<globset::GlobSet> {
    let mut b = globset::GlobSetBuilder::new();
    for (glob, ignore_case) in globs {
        b.add(
            globset::GlobBuilder::new(glob)
                .literal_separator(false)
                .backslash_escape(true)
                .case_insensitive(*ignore_case)
                .build()
                .ok()?,
        );
    }
    b.build().ok()
}
