//! Findings: what is wrong, where, which policy fired and how to fix it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Where the policy that fired is defined: the second label of every finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Policy file name as loaded (`.relgate/x.yaml`, `pack:billing-gateway-dr`).
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A place in a file: its path, and the line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct At {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl At {
    pub fn file(path: &str) -> At {
        At {
            path: path.to_string(),
            line: None,
            column: None,
        }
    }

    pub fn line(path: &str, line: usize, column: usize) -> At {
        At {
            path: path.to_string(),
            line: Some(line),
            column: Some(column),
        }
    }
}

/// What a finding is about. Every report places a finding from its subject alone
/// (never from the words of its message): a file and line, a file, several files,
/// the policy's own definition, or the repository as a whole.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// A place in a file: 1-based line and column (character) of the file under check.
    Line {
        path: String,
        line: usize,
        column: Option<usize>,
    },
    /// A file (or folder) as a whole, present or not (`docs/runbook.md does not exist`).
    File(String),
    /// Several files together, sorted, each once (a flag that is off in every file
    /// that assigns it).
    Files(Vec<String>),
    /// The policy itself: a variable it needs has no value, a template of it renders
    /// to an invalid glob, its `not:` holds. Placed at its definition ([`Origin`]).
    Policy,
    /// The repository as a whole: no file matches a glob, no file assigns a flag.
    Repository,
}

impl From<At> for Subject {
    fn from(at: At) -> Subject {
        match at.line {
            Some(line) => Subject::Line {
                path: at.path,
                line,
                column: at.column,
            },
            None => Subject::File(at.path),
        }
    }
}

impl Subject {
    /// Several files: sorted, each once; one file is that file, none the repository.
    pub fn files(mut paths: Vec<String>) -> Subject {
        paths.sort();
        paths.dedup();
        match paths.len() {
            0 => Subject::Repository,
            1 => Subject::File(paths.remove(0)),
            _ => Subject::Files(paths),
        }
    }

    /// The one file the finding is in, when it is about one file.
    pub fn path(&self) -> Option<&str> {
        match self {
            Subject::Line { path, .. } | Subject::File(path) => Some(path),
            _ => None,
        }
    }

    pub fn line(&self) -> Option<usize> {
        match self {
            Subject::Line { line, .. } => Some(*line),
            _ => None,
        }
    }

    pub fn column(&self) -> Option<usize> {
        match self {
            Subject::Line { column, .. } => *column,
            _ => None,
        }
    }

    /// The name of its kind, as `docs/json.md` lists them.
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Line { .. } => "line",
            Subject::File(_) => "file",
            Subject::Files(_) => "files",
            Subject::Policy => "policy",
            Subject::Repository => "repository",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub policy: String,
    pub severity: Severity,
    pub message: String,
    /// What the finding is about: where every report places it. Paths are relative to
    /// the checked root, `/`-separated.
    pub subject: Subject,
    pub help: Option<String>,
    /// The offending line's text, when the finding has a line (cut by the report's
    /// quoting, [`crate::report::quote`], from the one read of its file).
    pub snippet: Option<String>,
    pub origin: Origin,
    /// The live waiver that covers this finding: it stays in every report, marked, and
    /// never fails the run.
    pub waived: Option<WaivedBy>,
    /// The `for_each` instance it belongs to (its path), when the policy has instances.
    pub instance: Option<String>,
    /// What tells this finding from every other across runs (hex SHA-256,
    /// [`crate::report::fingerprint`]): set by the run once the findings are sorted
    /// and quoted, empty until then.
    pub fingerprint: String,
}

/// The waiver that covers a finding, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct WaivedBy {
    pub reason: String,
    pub approved_by: String,
    /// `YYYY-MM-DD`.
    pub expires: String,
    /// Where the waiver is written.
    pub path: String,
    pub line: usize,
}

impl Finding {
    /// The order of every report: path, line, column, policy, message (findings
    /// without a file of their own first), then the subject.
    pub(crate) fn sort_key(&self) -> impl Ord + '_ {
        (
            self.subject.path(),
            self.subject.line(),
            self.subject.column(),
            self.policy.as_str(),
            self.instance.as_deref(),
            self.message.as_str(),
            &self.subject,
        )
    }

    /// The file the finding is in, when it is about one file.
    pub(crate) fn path(&self) -> Option<&str> {
        self.subject.path()
    }

    pub(crate) fn line(&self) -> Option<usize> {
        self.subject.line()
    }

    pub(crate) fn column(&self) -> Option<usize> {
        self.subject.column()
    }
}

/// The most bytes of a message a report carries: a message that quotes a value from
/// the repository (a 70 KB one-line value) is cut, saying how much was left out.
pub(crate) const MESSAGE_BYTES: usize = 2000;

/// `message`, cut to about [`MESSAGE_BYTES`] at a character boundary when longer.
pub(crate) fn bounded(message: String) -> String {
    if message.len() <= MESSAGE_BYTES {
        return message;
    }
    let mut cut = MESSAGE_BYTES;
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}… ({} more bytes not shown)",
        &message[..cut],
        message.len() - cut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_files_are_sorted_once_and_one_file_is_a_file() {
        let s = |v: &[&str]| Subject::files(v.iter().map(|p| p.to_string()).collect());
        assert_eq!(s(&[]), Subject::Repository);
        assert_eq!(s(&["a", "a"]), Subject::File("a".into()));
        assert_eq!(
            s(&["b", "a", "b"]),
            Subject::Files(vec!["a".into(), "b".into()])
        );
        assert_eq!(s(&["b", "a"]).path(), None);
        let line = Subject::from(At::line("x", 3, 4));
        assert_eq!(
            (line.path(), line.line(), line.column()),
            (Some("x"), Some(3), Some(4))
        );
        assert_eq!(Subject::from(At::file("x")), Subject::File("x".into()));
    }

    #[test]
    fn long_messages_are_cut() {
        assert_eq!(bounded("short".into()), "short");
        let m = bounded(format!("v='{}'", "é".repeat(5000)));
        assert!(m.len() < MESSAGE_BYTES + 40, "{}", m.len());
        assert!(m.ends_with("é… (8005 more bytes not shown)"), "{m}");
    }
}
