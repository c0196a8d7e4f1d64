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

/// A glob (as [`Template::glob_over`] writes it: `*` matches `/` too) of paths a check
/// or a variable may look at, and whether it ignores case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub glob: String,
    pub ignore_case: bool,
}

/// Every variable stands for anything.
fn unknown(_: &str) -> Option<String> {
    None
}

impl Reached {
    /// The file a path template names.
    pub(crate) fn path(t: &Template) -> Reached {
        Reached {
            glob: t.glob_over(false, &unknown),
            ignore_case: false,
        }
    }

    /// The files a glob template matches.
    pub(crate) fn glob(t: &Template, ignore_case: bool) -> Reached {
        Reached {
            glob: t.glob_over(true, &unknown),
            ignore_case,
        }
    }

    /// The paths a glob template matches and everything below them (a folder glob).
    pub(crate) fn below(t: &Template, ignore_case: bool) -> [Reached; 2] {
        let glob = t.glob_over(true, &unknown);
        let under = format!("{glob}/*");
        [
            Reached { glob, ignore_case },
            Reached {
                glob: under,
                ignore_case,
            },
        ]
    }

    /// The files a set of globs includes (its excludes only narrow it).
    pub(crate) fn globs(set: &GlobSet) -> Vec<Reached> {
        set.include
            .iter()
            .map(|t| Reached::glob(t, set.ignore_case))
            .collect()
    }
}

/// The paths a set of policies may look at; `None` inside: any path.
#[derive(Debug)]
pub(crate) struct Reach(Option<globset::GlobSet>);

impl Reach {
    /// The paths the globs match; `None`: every path.
    pub(crate) fn of_globs(reached: Option<Vec<Reached>>) -> Reach {
        Reach(reached.and_then(|r| build(&r)))
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
fn build(reached: &[Reached]) -> Option<globset::GlobSet> {
    let mut b = globset::GlobSetBuilder::new();
    for r in reached {
        b.add(
            globset::GlobBuilder::new(&r.glob)
                .literal_separator(false)
                .backslash_escape(true)
                .case_insensitive(r.ignore_case)
                .build()
                .ok()?,
        );
    }
    b.build().ok()
}
