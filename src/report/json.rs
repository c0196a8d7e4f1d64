//! `--format json`: the v1 wire format of `docs/json.md`.
//!
//! These types are frozen: fields may be added, never renamed or removed.
//! They are separate from the internal types so that refactoring the engine
//! cannot change the public contract by accident. They borrow from the report, and
//! the findings are made one at a time as they are written ([`Findings`]): a large
//! report is never held a second time.

use super::{Report, Summary};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct V1<'a> {
    pub version: u32,
    pub target: Target<'a>,
    pub trusted: Trusted<'a>,
    pub vars: &'a BTreeMap<String, Option<String>>,
    pub policies: Vec<Policy<'a>>,
    pub findings: Findings<'a>,
    pub summary: Summary,
    /// With `--base` or `--new-only`: what the findings were classified against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo<'a>>,
    /// `--stats`: what each view listed and read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<&'a crate::repo::RunStats>,
}

/// The findings of a report, each made as it is serialized.
pub struct Findings<'a>(&'a Report);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        s.collect_seq(r.findings.iter().map(|f| finding(r, f)))
    }
}

#[derive(Serialize)]
pub struct Target<'a> {
    pub path: &'a str,
    /// PATH relative to the repository's top (`""` at the top): findings' paths are
    /// from the top, this folder included.
    pub prefix: &'a str,
    pub source: crate::repo::SourceKind,
    pub rev: Option<&'a str>,
    pub base: Option<&'a str>,
}

/// Where the trusted inputs (policies, signers, waivers) came from.
#[derive(Serialize)]
pub struct Trusted<'a> {
    /// `base` or `checked`.
    pub source: &'static str,
    pub commit: Option<&'a str>,
    /// `true` when the base has no policies and the change's own are previewed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bootstrap: bool,
}

/// What the findings were classified against (`--base`, `--new-only`).
#[derive(Serialize)]
pub struct BaselineInfo<'a> {
    /// The commit: the merge base with `--base`, `HEAD` for `--new-only` without it;
    /// `null` when there is none (a repository without a commit: every finding is new).
    pub against: Option<&'a str>,
    /// `--new-only`: only new findings (and those of `baseline: false` policies) count.
    pub new_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Policy<'a> {
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    pub severity: &'static str,
    pub title: &'a str,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// Where the policy is defined: `file:line:column`.
    pub source: String,
    /// How many distinct files its checks selected or read (0 on a pass: it may pass
    /// vacuously).
    pub selected: usize,
    /// A `for_each` policy's instances: `instance` (its path), `status`, `reason`.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub instances: &'a [crate::engine::Instance],
}

#[derive(Serialize)]
pub struct Finding<'a> {
    pub policy: &'a str,
    pub severity: &'static str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What the finding is about (`path`, `line` and `column` above repeat it for a
    /// finding about one file).
    pub subject: Subject<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<&'a str>,
    /// The live waiver that covers the finding (it does not fail the run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived: Option<&'a crate::finding::WaivedBy>,
    /// The `for_each` instance (its path) the finding belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<&'a str>,
    /// What tells the finding from every other across runs (`relgate/v1`, hex SHA-256).
    pub fingerprint: &'a str,
    /// With `--base`: `new` (the base does not have it) or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<&'static str>,
    /// With `--new-only`: whether it counts toward the exit code and `--fail-on` (a
    /// pre-existing finding does not, unless its policy sets `baseline: false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counted: Option<bool>,
}

/// What a finding is about, tagged by `kind`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Subject<'a> {
    /// A place in a file.
    Line {
        path: &'a str,
        line: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<usize>,
    },
    /// A file (or folder) as a whole.
    File { path: &'a str },
    /// Several files together.
    Files { paths: &'a [String] },
    /// The policy itself, at its definition (its `id`).
    Policy {
        file: &'a str,
        line: usize,
        column: usize,
    },
    /// The repository as a whole.
    Repository,
}

fn subject(f: &crate::finding::Finding) -> Subject<'_> {
    use crate::finding::Subject as S;
    match &f.subject {
        S::Line { path, line, column } => Subject::Line {
            path,
            line: *line,
            column: *column,
        },
        S::File(path) => Subject::File { path },
        S::Files(paths) => Subject::Files { paths },
        S::Policy => Subject::Policy {
            file: &f.origin.file,
            line: f.origin.line,
            column: f.origin.column,
        },
        S::Repository => Subject::Repository,
    }
}

/// One finding as the wire format has it.
fn finding<'a>(r: &Report, f: &'a crate::finding::Finding) -> Finding<'a> {
    Finding {
        policy: &f.policy,
        severity: f.severity.as_str(),
        message: &f.message,
        path: f.path(),
        line: f.line(),
        column: f.column(),
        subject: subject(f),
        help: f.help.as_deref(),
        snippet: f.snippet.as_deref(),
        waived: f.waived.as_ref(),
        instance: f.instance.as_deref(),
        fingerprint: &f.fingerprint,
        baseline: r.baseline_state(f),
        counted: r
            .baseline
            .as_ref()
            .filter(|b| b.new_only)
            .map(|_| !r.pre_existing_not_counted(f)),
    }
}

pub fn to_v1(r: &Report) -> V1<'_> {
    V1 {
        version: 1,
        target: Target {
            path: &r.target.path,
            prefix: &r.target.prefix,
            source: r.target.source,
            rev: r.target.rev.as_deref(),
            base: r.target.base.as_deref(),
        },
        trusted: Trusted {
            source: r.target.trusted.source,
            commit: r.target.trusted.commit.as_deref(),
            bootstrap: r.target.trusted.bootstrap,
        },
        vars: &r.vars,
        policies: r
            .policies
            .iter()
            .map(|p| Policy {
                id: &p.id,
                name: p.name.as_deref(),
                severity: p.severity.as_str(),
                title: &p.title,
                status: p.status.as_str(),
                reason: p.reason.as_deref(),
                source: p.origin.to_string(),
                selected: p.selected,
                instances: &p.instances,
            })
            .collect(),
        findings: Findings(r),
        summary: r.summary(),
        baseline: r.baseline.as_ref().map(|b| BaselineInfo {
            against: b.against.as_deref(),
            new_only: b.new_only,
            note: b.note.as_deref(),
        }),
        stats: r.stats.as_ref(),
    }
}

pub fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_v1(r))?;
    writeln!(out)
}
