//! Reports: one evaluated run, rendered as human text, JSON, SARIF, GitHub
//! workflow commands, Markdown, JUnit XML, a GitLab Code Quality report or Azure
//! Pipelines logging commands. Renderers write to `&mut dyn Write`, see findings
//! already sorted (once, by the run: path, line, column, policy, message) and place
//! each from its subject ([`Report::place`], [`Report::about`]), never from its
//! message. Snippets and excerpts come from [`quote`], one read per file.
//!
//! Renderers write as they go: none builds the whole document, or a second copy of
//! the findings, before writing it (serialized formats borrow one finding at a time),
//! and a report file is streamed into place too
//! ([`crate::output::file::write_file_with`]). What a run holds is the report itself.

pub mod attest;
pub mod azure;
mod excerpt;
pub(crate) mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub(crate) mod quote;
pub mod sarif;
pub(crate) mod snippet;

use crate::engine::Status;
use crate::finding::{Finding, Origin, Severity, Subject};
use crate::repo::{Content, SourceKind};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
    Junit,
    Gitlab,
    Azure,
    /// An in-toto Statement with a SLSA Verification Summary ([`attest`]).
    Attestation,
}

#[derive(Debug, Clone)]
pub struct TargetInfo {
    /// PATH as given on the command line.
    pub path: String,
    /// PATH relative to the repository's top (`""` at the top, `/`-separated): every
    /// path a report shows is from the top, this folder included.
    pub prefix: String,
    pub source: SourceKind,
    pub rev: Option<String>,
    pub base: Option<String>,
    /// Where the trusted inputs came from.
    pub trusted: Trusted,
}

/// Where the trusted inputs of a run came from, for reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trusted {
    /// `base` (the `--base` revision's tree) or `checked` (the tree under check).
    pub source: &'static str,
    /// The commit of the trusted tree, when there is one.
    pub commit: Option<String>,
    /// The base has no policies: the change's own are evaluated as a preview.
    pub bootstrap: bool,
}

impl Trusted {
    /// One line for the human, Markdown and SARIF reports.
    pub fn line(&self) -> String {
        let at = self
            .commit
            .as_deref()
            .map(|c| format!(" {}", &c[..c.len().min(12)]))
            .unwrap_or_default();
        if self.bootstrap {
            return format!(
                "preview: these are the change's own policies, because the base{at} has none; once merged they are enforced from the base"
            );
        }
        match self.source {
            "base" => format!(
                "trusted inputs (policies, signers, waivers) come from the base{at}, not from the change"
            ),
            _ => format!(
                "trusted inputs (policies, signers, waivers) come from the tree under check{at}"
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PolicyResult {
    pub id: String,
    pub name: Option<String>,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Why it was skipped or exempted.
    pub reason: Option<String>,
    pub description: Option<String>,
    pub help: Option<String>,
    pub url: Option<String>,
    pub origin: Origin,
    /// Its policy file is a file of the repository (read from the trusted tree), not
    /// a pack's or one outside the repository: findings about the policy itself are
    /// placed there.
    pub in_repo: bool,
    /// How many distinct files its checks selected or read.
    pub selected: usize,
    /// Why its checks looked at no file (`docs/**/*.md matched nothing`).
    pub unmatched: Vec<String>,
    /// A `for_each` policy's instances with their verdicts (empty otherwise).
    pub instances: Vec<crate::engine::Instance>,
    /// `baseline:` of the policy (`false`: its pre-existing findings count under
    /// `--new-only`).
    pub baseline: bool,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub target: TargetInfo,
    pub vars: BTreeMap<String, Option<String>>,
    pub policies: Vec<PolicyResult>,
    /// The ids of the policies `--only` / `--skip` left out (not evaluated).
    pub not_selected: Vec<String>,
    pub findings: Vec<Finding>,
    /// Content of the files findings point into, for excerpts ([`quote`]).
    pub contents: BTreeMap<String, Arc<Content>>,
    /// What an attestation names, when one was asked for ([`attest`]).
    pub evidence: Option<attest::Evidence>,
    /// `--stats`: what each view listed and read.
    pub stats: Option<crate::repo::RunStats>,
    /// With `--base`: which findings the base already had, and the base's that are
    /// gone.
    pub baseline: Option<Baseline>,
}

/// With `--base`, the findings of the change against the base's, by fingerprint.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// The fingerprints of the change's findings the base has too.
    pub(crate) unchanged: std::collections::BTreeSet<String>,
    /// The base's findings the change no longer has (in the base's order).
    pub(crate) fixed: Vec<Finding>,
    /// `--new-only`: only new findings count toward the exit code and `--fail-on`
    /// (and the pre-existing ones of a policy with `baseline: false`).
    pub(crate) new_only: bool,
    /// The files the change adds or modifies, from the repository root.
    pub(crate) touched: std::collections::BTreeSet<String>,
    /// The commit the findings were classified against: the merge base with `--base`,
    /// `HEAD` for `--new-only` without it; `None` when there is none (no commit yet).
    pub(crate) against: Option<String>,
    /// Said in every report: what the findings were classified against when it is not
    /// `--base`'s merge base, or why there was nothing to classify against.
    pub(crate) note: Option<String>,
}

impl Report {
    /// The findings no waiver covers, the change's own first with `--base` (those the
    /// base already had after them; otherwise in report order): what a capped report
    /// (GitHub's annotations, the Markdown summary's budget) spends its room on.
    /// Then, among the old ones, those in files the change touches before the rest.
    pub(crate) fn live_new_first(&self) -> Vec<&Finding> {
        let mut live: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.waived.is_none())
            .collect();
        live.sort_by_key(|f| match self.baseline_state(f) {
            Some("unchanged") => 1 + usize::from(!self.in_touched_file(f)),
            _ => 0,
        });
        live
    }

    /// Whether a finding is about a file the change adds or modifies.
    fn in_touched_file(&self, f: &Finding) -> bool {
        let Some(b) = &self.baseline else {
            return false;
        };
        match &f.subject {
            Subject::Line { path, .. } | Subject::File(path) => b.touched.contains(path),
            Subject::Files(paths) => paths.iter().any(|p| b.touched.contains(p)),
            Subject::Policy | Subject::Repository => false,
        }
    }

    /// Whether a live finding counts toward the exit code and `--fail-on`: all do,
    /// except under `--new-only` the pre-existing ones of a policy that does not set
    /// `baseline: false`.
    pub(crate) fn counts(&self, f: &Finding) -> bool {
        f.waived.is_none() && !self.pre_existing_not_counted(f)
    }

    /// A pre-existing finding `--new-only` does not count (still reported).
    pub(crate) fn pre_existing_not_counted(&self, f: &Finding) -> bool {
        self.baseline.as_ref().is_some_and(|b| b.new_only)
            && self.baseline_state(f) == Some("unchanged")
            && self.policy_of(f).is_none_or(|p| p.baseline)
    }

    /// With `--base`: `new` or `unchanged`.
    pub(crate) fn baseline_state(&self, f: &Finding) -> Option<&'static str> {
        let b = self.baseline.as_ref()?;
        Some(if b.unchanged.contains(&f.fingerprint) {
            "unchanged"
        } else {
            "new"
        })
    }
}

/// Where a report places a finding, from its subject alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place<'a> {
    /// A file of the repository, at a line and column when known.
    File {
        path: &'a str,
        line: Option<usize>,
        column: Option<usize>,
    },
    /// No file of the repository: the repository as a whole, or a policy defined
    /// outside it (a pack, a `--policies` file from elsewhere).
    Nowhere,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub policies: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub waived: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Policies `--only` / `--skip` left out (not evaluated); absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub not_selected: usize,
    /// With `--base`: findings the base does not have, findings it has, and base
    /// findings the change no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<usize>,
    /// With `--new-only`: the pre-existing findings reported but not counted toward
    /// the exit code and `--fail-on` (the severity counts above include them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_counted: Option<usize>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Report {
    /// The policy a finding belongs to.
    pub(crate) fn policy_of(&self, f: &Finding) -> Option<&PolicyResult> {
        self.policies.iter().find(|p| p.id == f.policy)
    }

    /// Where a finding is placed: its line or file; the first of several files; a
    /// finding about the policy at the policy's definition (the line and column of its
    /// `id`) when that is a file of the repository.
    pub(crate) fn place<'a>(&'a self, f: &'a Finding) -> Place<'a> {
        match &f.subject {
            Subject::Line { path, line, column } => Place::File {
                path,
                line: Some(*line),
                column: *column,
            },
            Subject::File(path) => Place::File {
                path,
                line: None,
                column: None,
            },
            Subject::Files(paths) => match paths.first() {
                Some(path) => Place::File {
                    path,
                    line: None,
                    column: None,
                },
                None => Place::Nowhere,
            },
            Subject::Policy if self.policy_of(f).is_some_and(|p| p.in_repo) => Place::File {
                path: &f.origin.file,
                line: Some(f.origin.line.max(1)),
                column: Some(f.origin.column.max(1)),
            },
            Subject::Policy | Subject::Repository => Place::Nowhere,
        }
    }

    /// What a finding is about, in a few words for text reports (unescaped): `path`,
    /// `path:line`, the files, `policy ID (defined at FILE:LINE:COL)` or `(repository)`.
    pub(crate) fn about(f: &Finding, with_line: bool) -> String {
        match &f.subject {
            Subject::Line { path, line, .. } if with_line => format!("{path}:{line}"),
            Subject::Line { path, .. } | Subject::File(path) => path.clone(),
            Subject::Files(paths) => {
                const SHOWN: usize = 3;
                let mut s = paths
                    .iter()
                    .take(SHOWN)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                if paths.len() > SHOWN {
                    s.push_str(&format!(" and {} more", paths.len() - SHOWN));
                }
                s
            }
            Subject::Policy => format!("policy {} (defined at {})", f.policy, f.origin),
            Subject::Repository => "(repository)".into(),
        }
    }

    /// One line per policy that passed having selected no file: it may pass vacuously
    /// (`DR-015 passed but selected no file: docs/**/*.md matched nothing`).
    pub fn vacuous(&self) -> Vec<String> {
        self.policies
            .iter()
            .filter(|p| p.status == Status::Pass && p.selected == 0)
            .map(|p| {
                if p.unmatched.is_empty() {
                    format!("{} passed but selected no file", p.id)
                } else {
                    format!(
                        "{} passed but selected no file: {}",
                        p.id,
                        p.unmatched.join("; ")
                    )
                }
            })
            .collect()
    }

    pub fn summary(&self) -> Summary {
        let status = |s: Status| self.policies.iter().filter(|p| p.status == s).count();
        // Waived findings stay in the reports but are not counted: they fail nothing.
        let sev = |s: Severity| {
            self.findings
                .iter()
                .filter(|f| f.severity == s && f.waived.is_none())
                .count()
        };
        Summary {
            policies: self.policies.len(),
            passed: status(Status::Pass),
            failed: status(Status::Fail),
            skipped: status(Status::Skip),
            waived: status(Status::Waived),
            errors: sev(Severity::Error),
            warnings: sev(Severity::Warning),
            notes: sev(Severity::Note),
            not_selected: self.not_selected.len(),
            new: self.baseline.as_ref().map(|b| {
                self.findings
                    .iter()
                    .filter(|f| !b.unchanged.contains(&f.fingerprint))
                    .count()
            }),
            unchanged: self.baseline.as_ref().map(|b| b.unchanged.len()),
            fixed: self.baseline.as_ref().map(|b| b.fixed.len()),
            not_counted: self.baseline.as_ref().filter(|b| b.new_only).map(|_| {
                self.findings
                    .iter()
                    .filter(|f| f.waived.is_none() && self.pre_existing_not_counted(f))
                    .count()
            }),
        }
    }

    /// Whether any finding that counts ([`Report::counts`]) is at or above `fail_on`.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity >= fail_on && self.counts(f))
    }
}

/// `n` and the word for it: `1 error`, `2 errors`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub struct RenderOptions {
    pub color: bool,
    /// Columns for the human report.
    pub width: usize,
    /// The `--fail-on` level, for formats that state a verdict (Markdown).
    pub fail_on: Severity,
}

pub fn render(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::render(report, opts, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
        Format::Markdown => markdown::render(report, opts, out),
        Format::Junit => junit::render(report, opts.fail_on, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::Azure => azure::render(report, out),
        Format::Attestation => attest::render(report, opts.fail_on, out),
    }
}

/// For a run that could not evaluate: machine formats still get a document that
/// records the failure (written to `output` when given). Human output gets nothing more.
pub fn render_error(
    format: Format,
    message: &str,
    output: Option<&std::path::Path>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut doc = Vec::new();
    match format {
        Format::Json => {
            let v = serde_json::json!({"version": 1, "error": message});
            writeln!(doc, "{v:#}")?;
        }
        Format::Sarif => sarif::render_error(message, &mut doc)?,
        Format::Github => github::render_error(message, &mut doc)?,
        Format::Markdown => markdown::render_error(message, &mut doc)?,
        Format::Junit => junit::render_error(message, &mut doc)?,
        Format::Gitlab => gitlab::render_error(message, &mut doc)?,
        Format::Azure => azure::render_error(message, &mut doc)?,
        Format::Attestation => attest::render_error(message, &mut doc)?,
        Format::Human => return Ok(()),
    }
    match output {
        Some(p) => crate::output::file::write_report(p, &doc),
        None => out.write_all(&doc),
    }
}

#[cfg(test)]
impl Report {
    /// A failing report of the working tree at `.`: one policy `id` (`title`) and
    /// its `findings`, with the files they quote.
    pub(crate) fn for_tests(
        id: &str,
        title: &str,
        origin: crate::finding::Origin,
        findings: Vec<Finding>,
        contents: BTreeMap<String, std::sync::Arc<crate::repo::Content>>,
    ) -> Report {
        let severity = findings
            .first()
            .map_or(crate::finding::Severity::Error, |f| f.severity);
        Report {
            target: TargetInfo {
                path: ".".into(),
                prefix: String::new(),
                source: crate::repo::SourceKind::Worktree,
                rev: None,
                base: None,
                trusted: Trusted {
                    source: "checked",
                    commit: None,
                    bootstrap: false,
                },
            },
            vars: Default::default(),
            policies: vec![PolicyResult {
                id: id.into(),
                name: None,
                title: title.into(),
                severity,
                status: crate::engine::Status::Fail,
                reason: None,
                description: None,
                help: None,
                url: None,
                origin,
                in_repo: true,
                selected: 1,
                unmatched: Vec::new(),
                instances: Vec::new(),
                baseline: true,
            }],
            not_selected: Vec::new(),
            findings,
            contents,
            evidence: None,
            stats: None,
            baseline: None,
        }
    }
}
