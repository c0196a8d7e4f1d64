//! What a check sees at run time: the evaluation context ([`Cx`]), the hits it
//! reports, why it could not judge ([`EvalError`]), the [`Check`] trait every kind
//! implements, and the helpers kinds share to select, read and scope files.
//! Variables ([`vars`]) and flag facts ([`flags`]) are resolved here once per run.

pub(crate) mod attach;
pub(crate) mod data_var;
pub(crate) mod flags;
pub(crate) mod keep;
pub(crate) mod reach;
pub(crate) mod render;
pub(crate) mod scanned;
pub(crate) mod scope;
pub(crate) mod selected;
pub(crate) mod util;
pub(crate) mod vars;

use crate::finding::Severity;
pub(crate) use crate::finding::{At, Subject};
use crate::repo::{Diff, ReadError, View};
use std::fmt::Debug;
use vars::Vars;

/// What a check needs at evaluation time.
pub struct Cx<'a> {
    pub view: &'a dyn View,
    /// The trusted tree: the base revision's tree with `--base`, else the view under
    /// check. What the gate trusts (allowed signers) is read from it, never from the change.
    pub trusted: &'a dyn View,
    pub vars: &'a Vars,
    pub now: jiff::Timestamp,
    pub diff: Option<&'a Diff>,
    /// Files the CI job passed with `--attach NAME=PATH`.
    pub attachments: &'a attach::Attachments,
    /// The running policy's record of the files its checks select and read.
    pub selection: Option<&'a selected::Selection>,
    /// What the engine's one pass over the files found for the checks that judge each
    /// file on its own ([`scanned::PerFile`]); `None` before it ran (they read then).
    pub scan: Option<&'a scanned::Scanned>,
}

impl Cx<'_> {
    /// Notes that the running policy's checks selected or read `path`.
    pub(crate) fn record(&self, path: &str) {
        if let Some(s) = self.selection {
            s.path(self.view, path);
        }
    }

    /// Notes why a check of the running policy looked at no file.
    pub(crate) fn record_unmatched(&self, why: String) {
        if let Some(s) = self.selection {
            s.unmatched(why);
        }
    }
}

/// One reason a check does not hold. The engine adds the policy's id, severity and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub message: String,
    /// What it is about: where reports place it.
    pub subject: Subject,
    /// Overrides the policy's severity (e.g. a deadline not yet passed is a warning).
    pub severity: Option<Severity>,
    /// "Could not judge" (an unreadable file, a flag that cannot be proven off), not a
    /// violation: `not`, `when` and `unless` never turn it into a pass or a skip.
    pub undecided: bool,
}

impl Hit {
    pub fn new(message: impl Into<String>, subject: impl Into<Subject>) -> Hit {
        Hit {
            message: message.into(),
            subject: subject.into(),
            severity: None,
            undecided: false,
        }
    }

    /// The same hit, marked "could not judge".
    pub fn cannot_judge(mut self) -> Hit {
        self.undecided = true;
        self
    }

    /// A hit about a file, or a place in it.
    pub fn at(message: impl Into<String>, at: At) -> Hit {
        Hit::new(message, at)
    }
}

/// Why a check could not be evaluated.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EvalError {
    /// A variable the check needs has no value: the policy fails with one finding.
    #[error("variable '{name}' has no value: {reason}")]
    NoValue { name: String, reason: String },
    /// The run cannot be trusted (I/O or git failure): exit 2.
    #[error(transparent)]
    Read(ReadError),
    /// A template rendered to an invalid regex or glob: the policy fails with one finding.
    #[error("{0}")]
    Invalid(String),
    /// The check compares the change with a base revision and none was given:
    /// the policy is `skip` (reason: "needs --base").
    #[error("needs --base: {0}")]
    NeedsBase(String),
    /// A condition that says `when_unknown: skip` met a variable without a value:
    /// the policy is `skip` with the reason.
    #[error("{0}")]
    Unknown(String),
}

pub(crate) type Eval = Result<Vec<Hit>, EvalError>;

/// Why a check cannot look into a file: a fact about the repository, reported as a
/// hit, or a failure of the run. `?` turns an [`EvalError`] or a [`Hit`] into it.
#[derive(Debug)]
pub(crate) enum Blocked {
    /// The file is missing, a link, too large or not UTF-8.
    File(Hit),
    /// The file has no section of the name the check gives.
    NoSection(Hit),
    /// The run cannot be trusted (see [`EvalError`]).
    Error(EvalError),
}

impl Blocked {
    /// The hit to report; `?` on the result passes a failure of the run on.
    pub(crate) fn hit(self) -> Result<Hit, EvalError> {
        match self {
            Blocked::File(h) | Blocked::NoSection(h) => Ok(h),
            Blocked::Error(e) => Err(e),
        }
    }
}

impl From<EvalError> for Blocked {
    fn from(e: EvalError) -> Blocked {
        Blocked::Error(e)
    }
}

impl From<Hit> for Blocked {
    fn from(h: Hit) -> Blocked {
        Blocked::File(h)
    }
}

pub trait Check: Send + Sync + Debug {
    /// The hits of this check against the view; empty means it holds.
    fn eval(&self, cx: &Cx) -> Eval;

    /// What this check saw when it holds, and where, for a `not:` that fails because it
    /// does (`variable 'kind' is 'release'`, at the line the value was read from);
    /// `None` when it has nothing more to say than that it holds.
    fn held(&self, _cx: &Cx) -> Option<Hit> {
        None
    }

    /// The files of the trusted tree it reads whose syntax can be checked before a run
    /// (a `signature` check's allowed-signers file), as templates.
    fn trusted_files(&self) -> Vec<&crate::lang::template::Template> {
        Vec::new()
    }

    /// The check as one that judges each selected file on its own, if it is one: the
    /// engine then reads each such file once for all of them ([`scanned`]).
    fn per_file(&self) -> Option<&dyn scanned::PerFile> {
        None
    }

    /// The files of the view it reads by name (rendered), so that a pass over the files
    /// that reads one of them first keeps it for this check instead of reading it twice.
    fn named(&self, _cx: &Cx) -> Vec<String> {
        Vec::new()
    }

    /// [`Check::named`] before the variables have values: the templates of the files
    /// it reads by name, so that a pass made while they are worked out (a flag's scan)
    /// can keep such a file for it.
    fn named_templates(&self) -> Vec<&crate::lang::template::Template> {
        Vec::new()
    }

    /// Every path of the view it may look at (select, read, name or list), whatever
    /// values the variables take ([`reach`]); `None`: any path. Its trusted files are
    /// added from [`Check::trusted_files`].
    fn reach(&self) -> Option<Vec<reach::Reached>> {
        None
    }
}
