//! Flag variables: where a named setting is assigned across a repository's
//! config files, and whether any of those assignments turns it on.
//!
//! The facts (every assignment, every file that could not be read) are gathered
//! once per view and kept in [`super::vars::Vars`], so several policies reuse
//! them; the `changes` check gathers them again on the base's view with the
//! same definition. Nothing here knows any flag: name, files and vocabularies
//! come from the policy.
//!
//! The base of a change is scanned with the head's facts at hand ([`FlagPrior`]): a
//! config file whose path, mode and blob are the same in both contributes the head's
//! assignments and failures (same bytes, same lines and columns) without being read.

use super::vars::Vars;
use crate::eval::EvalError;
use crate::lang::pattern::GlobSet;
use crate::parse::assign::{self, FlagState};
use crate::parse::narrow::Narrower;
use crate::repo::{EntryKind, ReadError, View};
use rayon::prelude::*;

/// `vars: {x: {flag: {...}}}` as loaded.
#[derive(Debug, Clone)]
pub struct FlagDef {
    /// The setting's name (`BILLING_GATEWAY_ENABLE_REAL`).
    pub name: String,
    /// Config files to read (`files` minus `exclude`).
    pub files: GlobSet,
    /// Values that prove the flag off / on (compared case-insensitively, unquoted).
    pub off: Vec<String>,
    pub on: Vec<String>,
}

/// Off values when the policy lists none.
pub(crate) const DEFAULT_OFF: &[&str] = &["0", "false", "no", "off", ""];
/// On values when the policy lists none.
pub(crate) const DEFAULT_ON: &[&str] = &["1", "true", "yes", "on"];

/// One assignment of the flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagAssignment {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The value, unquoted.
    pub value: String,
    pub state: FlagState,
    /// Why the value cannot be read here (`eval NAME=1`): the state is then
    /// `Unknown`, and the finding says this instead of the value.
    pub reason: Option<String>,
}

/// A config file that could not be read or parsed: the flag counts as on there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagFailure {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// `true`: the file was read but does not parse; `false`: it could not be
    /// read as text (a link, too large, not UTF-8) and `message` says why.
    pub parse: bool,
}

/// What one view says about a flag.
#[derive(Debug, Clone)]
pub struct FlagFacts {
    pub def: FlagDef,
    /// In path, line, column order.
    pub assignments: Vec<FlagAssignment>,
    pub failures: Vec<FlagFailure>,
    /// Submodules that are not checked out, with why their files were not scanned
    /// (a warning: their content is not in this repository's trees).
    pub unscanned: Vec<(String, String)>,
    /// Every config file scanned (indices of the view's entries), for the policy's
    /// count of files read. (`u32`: a view lists at most a few million entries, and
    /// at a million files most of them may be config files.)
    pub scanned: Vec<u32>,
}

impl FlagFacts {
    /// On when an assignment is on or unknown, or a config file could not be read.
    pub fn is_on(&self) -> bool {
        !self.failures.is_empty() || self.assignments.iter().any(|a| a.state != FlagState::Off)
    }

    /// `on` or `off`: the variable's value.
    pub fn value(&self) -> &'static str {
        if self.is_on() { "on" } else { "off" }
    }

    /// `(path, value)` of every assignment, and `(path, <unreadable>)` of every
    /// failure: what a change to the flag is measured on.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .assignments
            .iter()
            .map(|a| (a.path.clone(), a.value.clone()))
            .chain(
                self.failures
                    .iter()
                    .map(|f| (f.path.clone(), "<unreadable>".to_string())),
            )
            .collect();
        pairs.sort();
        pairs
    }

    /// The off vocabulary for messages: `0, false, no, off, ''`.
    pub fn off_words(&self) -> String {
        self.def
            .off
            .iter()
            .map(|w| {
                if w.is_empty() {
                    "''".to_string()
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The head's flag facts, offered to the scan of the base ([`FlagDef::scan_reusing`]).
#[derive(Clone)]
pub struct FlagPrior {
    pub view: std::sync::Arc<dyn View>,
    /// By setting name (of two variables naming one setting with other vocabularies,
    /// the one kept is compared, never taken blindly); only facts gathered without
    /// error.
    pub facts: std::collections::BTreeMap<String, FlagFacts>,
}

impl std::fmt::Debug for FlagPrior {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlagPrior")
            .field("facts", &self.facts)
            .finish()
    }
}

impl FlagPrior {
    /// The facts `vars` gathered on `view` (the head), for the scan of the base.
    pub(crate) fn new(view: std::sync::Arc<dyn View>, vars: &Vars) -> FlagPrior {
        FlagPrior {
            view,
            facts: vars
                .flag_facts()
                .map(|f| (f.def.name.clone(), f.clone()))
                .collect(),
        }
    }

    /// The head's view and its facts for the setting `def` names.
    pub(crate) fn of(&self, def: &FlagDef) -> Option<(&dyn View, &FlagFacts)> {
        Some((self.view.as_ref(), self.facts.get(&def.name)?))
    }
}

/// What the `i`th entry of `view` contributed to `head`'s facts (gathered on
/// `head_view`), when the head scanned the same path with the same blob for the same
/// setting and vocabularies.
fn reused(
    def: &FlagDef,
    view: &dyn View,
    i: usize,
    (head_view, head): (&dyn View, &FlagFacts),
) -> Option<FileFacts> {
    if head.def.name != def.name || head.def.off != def.off || head.def.on != def.on {
        return None;
    }
    let j = crate::eval::scanned::same_blob(head_view, view, i)?;
    head.scanned.binary_search(&u32::try_from(j).ok()?).ok()?;
    let path = head_view.entries().get(j)?.path;
    // The assignments are in path order: this file's share is one run.
    let from = head.assignments.partition_point(|x| x.path.as_str() < path);
    let to = head
        .assignments
        .partition_point(|x| x.path.as_str() <= path);
    Some(FileFacts {
        assignments: head.assignments.get(from..to)?.to_vec(),
        // At most one per file, in path order too.
        failure: head
            .failures
            .get(head.failures.partition_point(|f| f.path.as_str() < path))
            .filter(|f| f.path == path)
            .cloned(),
    })
}

impl FlagDef {
    /// Reads every selected config file of `view` once and collects the facts.
    /// A file that cannot be read or parsed is a failure (fail closed); an I/O or
    /// git error is the run's error.
    pub fn scan(&self, view: &dyn View, vars: &Vars) -> Result<FlagFacts, EvalError> {
        self.scan_reusing(view, vars, None)
    }

    /// [`FlagDef::scan`], taking from `prior` (another view and the facts of this
    /// setting gathered there) what a file with the same blob contributed there
    /// instead of reading it.
    pub fn scan_reusing(
        &self,
        view: &dyn View,
        vars: &Vars,
        prior: Option<(&dyn View, &FlagFacts)>,
    ) -> Result<FlagFacts, EvalError> {
        let set = self.files.render_with(vars)?;
        // Indices only (the path and format are the entry's): this list becomes
        // `scanned`, kept for the whole run.
        let entries = view.entries();
        let selected: Vec<u32> = entries
            .par_iter()
            .enumerate()
            // The format first: it is decided by the name alone, and rules out most files
            // before the globs are matched.
            .filter(|(_, e)| assign::config_format_for_path(e.path).is_some())
            .filter(|(_, e)| e.kind != EntryKind::Submodule && set.selects(e.path))
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
        // Files are parsed in parallel; each part of the files gathers its facts in path
        // order and the parts are joined in order (the first error in path order wins),
        // so the facts do not depend on the thread count. Nothing is held per file.
        let narrower = Narrower::new(&self.name);
        let keeping = vars.keeping();
        let found: Found = selected
            .par_iter()
            .fold(Found::default, |mut acc, i| {
                if acc.error.is_some() {
                    return acc;
                }
                let i = *i as usize;
                let Some(path) = entries.get(i).map(|e| e.path) else {
                    return acc;
                };
                let Some(format) = assign::config_format_for_path(path) else {
                    return acc;
                };
                let facts = match prior.and_then(|p| reused(self, view, i, p)) {
                    Some(facts) => Ok(facts),
                    None => {
                        let keep = keeping.as_ref().is_some_and(|k| k.is_match(path));
                        self.scan_file(view, &narrower, i, path, format, keep)
                    }
                };
                match facts {
                    Ok(f) => {
                        acc.assignments.extend(f.assignments);
                        acc.failures.extend(f.failure);
                    }
                    Err(e) => acc.error = Some(e),
                }
                acc
            })
            .reduce(Found::default, Found::then);
        let mut facts = FlagFacts {
            def: self.clone(),
            assignments: Vec::new(),
            failures: Vec::new(),
            unscanned: Vec::new(),
            scanned: selected,
        };
        // A submodule that is not checked out may hold config files nobody can read here.
        for e in view.entries() {
            if e.kind == EntryKind::Submodule && !set.excluded(e.path) {
                match view.read(e.path) {
                    Err(err @ ReadError::Submodule { .. }) => {
                        facts.unscanned.push((e.path.to_string(), err.to_string()));
                    }
                    Err(err @ (ReadError::Io { .. } | ReadError::Git { .. })) => {
                        return Err(EvalError::Read(err));
                    }
                    _ => {}
                }
            }
        }
        if let Some(e) = found.error {
            return Err(e);
        }
        facts.assignments = found.assignments;
        facts.failures = found.failures;
        Ok(facts)
    }

    fn scan_file(
        &self,
        view: &dyn View,
        narrower: &Narrower<'_>,
        i: usize,
        path: &str,
        format: assign::ConfigFormat,
        keep: bool,
    ) -> Result<FileFacts, EvalError> {
        // Read in one pass that keeps only the facts, not the content, unless a check
        // reads the file later (then the read cache keeps it, within its budget).
        // `path` is the `i`th entry's.
        let read = if keep {
            view.read_at(i)
        } else {
            crate::repo::passing(|| view.read_at(i))
        };
        let content = match read {
            Ok(c) => c,
            Err(err @ (ReadError::Io { .. } | ReadError::Git { .. })) => {
                return Err(EvalError::Read(err));
            }
            Err(err) => return Ok(FileFacts::failed(path, None, None, err.to_string(), false)),
        };
        let facts = self.facts_of(narrower, path, format, &content);
        // A file the report will quote (a line that is on, unknown or does not parse) is
        // kept in the read cache from this read, not read again for its snippet.
        let quoted = facts.failure.as_ref().is_some_and(|f| f.line.is_some())
            || facts.assignments.iter().any(|a| a.state != FlagState::Off);
        if quoted && !keep {
            crate::repo::adopt(view, path, content);
        }
        Ok(facts)
    }

    /// What the content of config file `path` says of the flag.
    fn facts_of(
        &self,
        narrower: &Narrower<'_>,
        path: &str,
        format: assign::ConfigFormat,
        content: &crate::repo::Content,
    ) -> FileFacts {
        let fail =
            |line, column, message, parse| FileFacts::failed(path, line, column, message, parse);
        // A file whose bytes cannot spell the name cannot assign it: not parsed.
        if !narrower.could_assign(format, content.bytes()) {
            return FileFacts {
                assignments: Vec::new(),
                failure: None,
            };
        }
        let text = match content.text() {
            Ok(t) => t,
            Err(err) => {
                let (line, column) = content.line_col(err.valid_up_to());
                return fail(
                    Some(line),
                    Some(column),
                    format!("{path} is not valid UTF-8 (byte {})", err.valid_up_to() + 1),
                    false,
                );
            }
        };
        match assign::find_assignments(format, text, &self.name) {
            Ok(found) => FileFacts {
                assignments: found
                    .into_iter()
                    .map(|a| FlagAssignment {
                        path: path.to_string(),
                        line: a.line,
                        column: a.column,
                        state: match a.unknown {
                            Some(_) => FlagState::Unknown,
                            None => assign::classify(&a.value, &self.off, &self.on),
                        },
                        // A mention without a value (`eval NAME=1`) is no empty value.
                        value: match &a.unknown {
                            Some(_) if a.value.is_empty() => "<unknown>".to_string(),
                            _ => a.value,
                        },
                        reason: a.unknown,
                    })
                    .collect(),
                failure: None,
            },
            Err(p) => {
                let p = crate::parse::structured::at_the_name(p, text, &self.name);
                fail(Some(p.line), Some(p.column), p.message, true)
            }
        }
    }
}

/// What one config file contributes to the facts.
struct FileFacts {
    assignments: Vec<FlagAssignment>,
    failure: Option<FlagFailure>,
}

impl FileFacts {
    /// The file cannot be judged: why, and where when a line says.
    fn failed(
        path: &str,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
        parse: bool,
    ) -> FileFacts {
        FileFacts {
            assignments: Vec::new(),
            failure: Some(FlagFailure {
                path: path.to_string(),
                line,
                column,
                message,
                parse,
            }),
        }
    }
}

/// The facts of consecutive files, in path order, up to the first error.
#[derive(Default)]
struct Found {
    assignments: Vec<FlagAssignment>,
    failures: Vec<FlagFailure>,
    error: Option<EvalError>,
}

impl Found {
    /// `self` followed by `next` (the files after it): the error of `self` if it has
    /// one, else everything up to `next`'s.
    fn then(mut self, mut next: Found) -> Found {
        if self.error.is_some() {
            return self;
        }
        if self.assignments.is_empty() {
            std::mem::swap(&mut self.assignments, &mut next.assignments);
        } else {
            self.assignments.append(&mut next.assignments);
        }
        if self.failures.is_empty() {
            std::mem::swap(&mut self.failures, &mut next.failures);
        } else {
            self.failures.append(&mut next.failures);
        }
        self.error = next.error;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::template::Template;
    use crate::parse::value::Span;
    use crate::repo::{SourceKind, memory::MemoryView};

    fn def(files: &[&str], exclude: &[&str]) -> FlagDef {
        let t = |s: &&str| Template::parse(s, Span::default());
        FlagDef {
            name: "FLAG".into(),
            files: GlobSet {
                ignore_case: false,
                include: files.iter().map(t).collect(),
                exclude: exclude.iter().map(t).collect(),
            },
            off: DEFAULT_OFF.iter().map(|s| s.to_string()).collect(),
            on: DEFAULT_ON.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn facts_across_files() {
        let view = MemoryView::new(SourceKind::Rev)
            .file(".env", "FLAG=0\n")
            .file("a/x.yaml", "env:\n  FLAG: \"${REAL}\"\n")
            .file("b/y.json", "{\"FLAG\": 1,}")
            .file("docs/z.env", "FLAG=1\n")
            .file("notes.md", "FLAG=1\n");
        let d = def(
            &["**/.env", "**/*.yaml", "**/*.json", "**/*.env"],
            &["docs/**"],
        );
        let facts = d.scan(&view, &Vars::default()).unwrap();
        let got: Vec<_> = facts
            .assignments
            .iter()
            .map(|a| (a.path.as_str(), a.line, a.value.as_str(), a.state))
            .collect();
        assert_eq!(
            got,
            [
                (".env", 1, "0", FlagState::Off),
                ("a/x.yaml", 2, "${REAL}", FlagState::Unknown)
            ]
        );
        assert_eq!(facts.failures.len(), 1);
        assert_eq!(facts.failures[0].path, "b/y.json");
        assert!(facts.is_on());
        assert_eq!(facts.off_words(), "0, false, no, off, ''");

        let off = MemoryView::new(SourceKind::Rev).file(".env", "FLAG=no\n");
        let facts = d.scan(&off, &Vars::default()).unwrap();
        assert_eq!(facts.value(), "off");
        assert_eq!(facts.pairs(), [(".env".to_string(), "no".to_string())]);
    }

    /// The files are scanned in parallel parts: the facts come in path order, all of
    /// them, whatever the number of threads (the base's scan looks a file's share up by
    /// path in them).
    #[test]
    fn facts_are_in_path_order_with_many_threads() {
        let mut view = MemoryView::new(SourceKind::Rev);
        let mut want = Vec::new();
        for i in 0..600 {
            let path = format!("d{:02}/f{:03}.env", i % 37, i);
            view = if i % 11 == 0 {
                view.file_mode(&path, b"FLAG=\xff\n", 0o100644)
            } else {
                view.file(&path, &format!("FLAG={}\nFLAG=0\n", i % 2))
            };
            if i % 11 != 0 {
                want.push(path);
            }
        }
        want.sort();
        let d = def(&["**/*.env"], &[]);
        for threads in [1, 2, 8] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let facts = pool.install(|| d.scan(&view, &Vars::default())).unwrap();
            let got: Vec<&str> = facts
                .assignments
                .iter()
                .step_by(2)
                .map(|a| a.path.as_str())
                .collect();
            assert_eq!(got, want, "{threads} threads");
            assert_eq!(facts.assignments.len(), 2 * want.len());
            let failed: Vec<&str> = facts.failures.iter().map(|f| f.path.as_str()).collect();
            let mut sorted = failed.clone();
            sorted.sort_unstable();
            assert_eq!(failed, sorted);
            assert_eq!(failed.len(), 55);
        }
    }
}
