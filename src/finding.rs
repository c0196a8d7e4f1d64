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

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub policy: String,
    pub severity: Severity,
    pub message: String,
    /// Relative to the checked root, `/`-separated; `None` for findings about the run.
    pub path: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub help: Option<String>,
    /// The offending line's text, when the finding has a line.
    pub snippet: Option<String>,
    pub origin: Origin,
    /// The live waiver that covers this finding: it stays in every report, marked, and
    /// never fails the run.
    pub waived: Option<WaivedBy>,
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
    /// The order of every report: path, line, column, policy, message.
    pub(crate) fn sort_key(&self) -> impl Ord + '_ {
        (
            self.path.as_deref(),
            self.line,
            self.column,
            self.policy.as_str(),
            self.message.as_str(),
        )
    }
}
