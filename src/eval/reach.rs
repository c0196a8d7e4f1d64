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
pub(crate) struct Reach(Option<Sets>);

/// The globs, split so that a path is matched mostly by globset's fast strategies
/// (literal names, extensions) rather than by its regex: a glob that ignores case is
/// compiled to a regex, and the flag of the billing pack has ten of them.
#[derive(Debug)]
struct Sets {
    /// The globs that mind case and start with a name (`releases/*/README.md`), and
    /// those names (`releases/`), sorted, none starting with another: most paths
    /// start with none of them, and are not matched against the globs, which are
    /// regexes.
    prefixes: Vec<String>,
    prefixed: globset::GlobSet,
    /// The other globs that mind case (`**/Chart.yaml`).
    exact: Split,
    /// The ASCII globs that ignore case, lower-cased, for an ASCII path lower-cased
    /// (the same matches: ASCII letters are the only ones an ASCII path has).
    folded: Split,
    /// Those globs as they are, for a path with other characters (the Kelvin sign
    /// matches `k` whatever its case); and the non-ASCII globs that ignore case, for
    /// every path.
    unicode: globset::GlobSet,
    other: globset::GlobSet,
}

impl Reach {
    /// The paths the globs (and whether each ignores case) match; `None`: every path.
    pub(crate) fn of_globs(globs: Option<Vec<(String, bool)>>) -> Reach {
        Reach(globs.and_then(Sets::build))
    }

    /// Whether a policy may look at `path`.
    pub(crate) fn keeps(&self, path: &str) -> bool {
        let Some(s) = &self.0 else {
            return true;
        };
        // The path's name, extension and bytes worked out once for every set.
        let cand = globset::Candidate::new(path);
        if s.exact.is_match(path, &cand)
            || (!s.other.is_empty() && s.other.is_match_candidate(&cand))
        {
            return true;
        }
        if s.starts_with_prefix(path) && s.prefixed.is_match_candidate(&cand) {
            return true;
        }
        if s.folded.is_empty() {
            return false;
        }
        if !path.is_ascii() {
            return s.unicode.is_match_candidate(&cand);
        }
        if !path.bytes().any(|b| b.is_ascii_uppercase()) {
            return s.folded.is_match(path, &cand);
        }
        thread_local! {
            static LOWER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        LOWER.with_borrow_mut(|lower| {
            lower.clear();
            lower.push_str(path);
            lower.make_ascii_lowercase();
            s.folded
                .is_match(lower, &globset::Candidate::new(lower.as_str()))
        })
    }

    /// Whether every path is kept.
    pub(crate) fn is_all(&self) -> bool {
        self.0.is_none()
    }

    /// What a listing keeps ([`crate::repo::Keep`]): what these globs reach.
    pub(crate) fn keep(self: std::sync::Arc<Self>) -> crate::repo::Keep {
        std::sync::Arc::new(move |p: &str| self.keeps(p))
    }
}

impl Sets {
    /// Whether `path` starts with one of the prefixes: only the greatest one not after
    /// it can (a prefix of the path that sorts before another not after the path is a
    /// prefix of that one too, and none is).
    fn starts_with_prefix(&self, path: &str) -> bool {
        let i = self.prefixes.partition_point(|p| p.as_str() <= path);
        i.checked_sub(1)
            .and_then(|i| self.prefixes.get(i))
            .is_some_and(|p| path.starts_with(p.as_str()))
    }

    /// The matchers; `None` (every path) when a glob does not build.
    fn build(mut globs: Vec<(String, bool)>) -> Option<Sets> {
        globs.sort();
        globs.dedup();
        let one = |glob: &str, ignore_case: bool| {
            globset::GlobBuilder::new(glob)
                .literal_separator(false)
                .backslash_escape(true)
                .case_insensitive(ignore_case)
                .build()
                .ok()
        };
        let (mut prefixed, mut unicode, mut other) = (
            globset::GlobSetBuilder::new(),
            globset::GlobSetBuilder::new(),
            globset::GlobSetBuilder::new(),
        );
        let (mut exact, mut folded) = (Vec::new(), Vec::new());
        let mut prefixes: Vec<String> = Vec::new();
        for (glob, ignore_case) in &globs {
            let lead = literal_lead(glob);
            match (ignore_case, glob.is_ascii()) {
                (false, _) if !lead.is_empty() => {
                    prefixes.push(lead.to_string());
                    prefixed.add(one(glob, false)?);
                }
                (false, _) => exact.push(one(glob, false)?),
                (true, true) => {
                    folded.push(one(&glob.to_ascii_lowercase(), false)?);
                    unicode.add(one(glob, true)?);
                }
                (true, false) => {
                    other.add(one(glob, true)?);
                }
            }
        }
        // A name that starts with another is found by that one.
        prefixes.sort();
        prefixes.dedup_by(|later, earlier| later.starts_with(earlier.as_str()));
        Some(Sets {
            prefixes,
            prefixed: prefixed.build().ok()?,
            exact: Split::build(exact)?,
            folded: Split::build(folded)?,
            unicode: unicode.build().ok()?,
            other: other.build().ok()?,
        })
    }
}

/// Globs split by how globset matches them: those it matches by a literal name or
/// extension in one set; each other one on its own, behind the longest name part it
/// holds (`.env.`): a path without it is not matched against the glob's regex, which
/// is anchored and would run over the whole path (globset gives it no prefilter).
#[derive(Debug)]
struct Split {
    set: globset::GlobSet,
    each: Vec<(
        Option<memchr::memmem::Finder<'static>>,
        globset::GlobMatcher,
    )>,
}

impl Split {
    fn build(globs: Vec<globset::Glob>) -> Option<Split> {
        let mut set = globset::GlobSetBuilder::new();
        let mut each = Vec::new();
        for g in globs {
            let text = g.glob();
            let rest = text.strip_prefix("**/").unwrap_or(text);
            let rest = rest.strip_prefix("*.").unwrap_or(rest);
            if literal_lead(rest).len() == rest.len() {
                set.add(g);
            } else {
                let part = longest_part(text).map(|p| memchr::memmem::Finder::new(p).into_owned());
                each.push((part, g.compile_matcher()));
            }
        }
        Some(Split {
            set: set.build().ok()?,
            each,
        })
    }

    fn is_empty(&self) -> bool {
        self.set.is_empty() && self.each.is_empty()
    }

    /// Whether a glob matches `path`, whose candidate is `cand`.
    fn is_match(&self, path: &str, cand: &globset::Candidate<'_>) -> bool {
        (!self.set.is_empty() && self.set.is_match_candidate(cand))
            || self.each.iter().any(|(part, m)| {
                part.as_ref()
                    .is_none_or(|p| p.find(path.as_bytes()).is_some())
                    && m.is_match_candidate(cand)
            })
    }
}

/// The longest run of plain characters in `glob` (between `/` and `*` or `?`), which
/// every path it matches holds as it is; `None` when the glob has classes,
/// alternatives or escapes (whose characters are not all plain), or no such run.
fn longest_part(glob: &str) -> Option<&str> {
    if glob.contains(['[', ']', '{', '}', '\\']) {
        return None;
    }
    glob.split(['/', '*', '?'])
        .max_by_key(|p| p.len())
        .filter(|p| !p.is_empty())
}

/// The text a glob's matches all start with: its characters up to the first that
/// the glob syntax reads.
fn literal_lead(glob: &str) -> &str {
    let end = glob
        .find(['*', '?', '[', ']', '{', '}', '\\'])
        .unwrap_or(glob.len());
    glob.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_globs_longest_plain_part_is_in_every_path_it_matches() {
        assert_eq!(longest_part("**/.env.*"), Some(".env."));
        assert_eq!(longest_part("**/dockerfile.*"), Some("dockerfile."));
        assert_eq!(longest_part("src/**/mod?.rs"), Some(".rs"));
        assert_eq!(longest_part("src/**/x"), Some("src"));
        assert_eq!(longest_part("**/*"), None);
        for glob in ["docs/[ab].md", "x/{a,b}.md", "a\\*b/*.txt"] {
            assert_eq!(longest_part(glob), None, "{glob}");
        }
    }

    #[test]
    fn globs_that_ignore_case_keep_what_their_regex_keeps() {
        let globs: Vec<(String, bool)> = [
            ("**/*.env", true),
            ("**/k.md", true),
            ("docs/[A-C].md", true),
            ("**/\u{c9}t\u{e9}.txt", true),
            ("src/X.rs", false),
            ("releases/*/README.md", false),
            ("releases/a/x\\-y.md", false),
            ("rel", false),
            ("docs/**/*.md", false),
            ("**/.env.*", true),
            ("**/Dockerfile.*", false),
            ("*.lock", false),
            ("docs/compliance/*.md", false),
            ("a/b/*.x", false),
            ("scripts/x.sh", false),
            ("scripts/y/*.sh", false),
        ]
        .map(|(g, i)| (g.to_string(), i))
        .to_vec();
        let r = Reach::of_globs(Some(globs.clone()));
        // What one set of the globs as they are (a regex for those that ignore case)
        // matches.
        let mut b = globset::GlobSetBuilder::new();
        for (g, i) in &globs {
            b.add(
                globset::GlobBuilder::new(g)
                    .literal_separator(false)
                    .backslash_escape(true)
                    .case_insensitive(*i)
                    .build()
                    .unwrap(),
            );
        }
        let reference = b.build().unwrap();
        let paths = [
            "a/PROD.ENV",
            "x.env",
            "K.MD",
            "\u{212a}.md",
            "docs/b.md",
            "docs/B.md",
            "docs/\u{e9}.md",
            "a/\u{e9}T\u{c9}.txt",
            "a/\u{c9}T\u{e9}.TXT",
            "src/X.rs",
            "a/env.txt",
            "docs/d.md",
            "src/x.rs",
            "k.mdx",
            "\u{e9}/x.ENV",
            "releases/1/README.md",
            "releases/1/2/README.md",
            "releases/a/x-y.md",
            "releases/a/x\\-y.md",
            "rel",
            "relx",
            "docs/a/b.md",
            "docs/a/b.MD",
            "a/.ENV.prod",
            "a/.env",
            "x/Dockerfile.dev",
            "x/dockerfile.dev",
            "Cargo.lock",
            "a/b.lock",
            ".env.local",
            ".ENV.",
            "a.env.b/c",
            "x/.env./y",
            "Dockerfile.x",
            "a/Dockerfile./b",
            "a/dockerfile",
            "docs/compliance/a.md",
            "a/b/c.x",
            "a/bc.x",
            "a/a/c.x",
            "scripts/x.sh",
            "scripts/y.sh",
            "scripts/y/z.sh",
            "scripts/",
            "b",
            "",
            "a/my.env.tar",
        ];
        let mut kept = 0;
        for p in paths {
            assert_eq!(r.keeps(p), reference.is_match(p), "{p}");
            kept += usize::from(r.keeps(p));
        }
        assert!(kept >= 17, "{kept}");
        assert!(Reach::of_globs(Some(vec![("[z-a]".into(), true)])).is_all());
        assert!(Reach::of_globs(None).is_all());
    }
}
