//! Reports: one evaluated run, rendered as human text, JSON, SARIF, GitHub
//! workflow commands or Markdown. Renderers write to `&mut dyn Write` and see
//! findings already sorted by (path, line, policy).

mod excerpt;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::engine::Status;
use crate::finding::{Finding, Origin, Severity};
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
}

#[derive(Debug, Clone)]
pub struct TargetInfo {
    /// PATH as given on the command line.
    pub path: String,
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
    /// How many distinct files its checks selected or read.
    pub selected: usize,
    /// Why its checks looked at no file (`docs/**/*.md matched nothing`).
    pub unmatched: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub target: TargetInfo,
    pub vars: BTreeMap<String, Option<String>>,
    pub policies: Vec<PolicyResult>,
    pub findings: Vec<Finding>,
    /// Content of the files findings point into, for snippets.
    pub contents: BTreeMap<String, Arc<Content>>,
    /// Regular files of the checked tree that a finding without a path names (in its
    /// message, or as its policy's file): where SARIF places it ([`sarif::named_files`]).
    pub named_files: std::collections::BTreeSet<String>,
    /// `--stats`: what each view listed and read.
    pub stats: Option<crate::repo::RunStats>,
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
}

impl Report {
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
        }
    }

    /// Whether any finding is at or above `fail_on`.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity >= fail_on && f.waived.is_none())
    }
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
                selected: 1,
                unmatched: Vec::new(),
            }],
            findings,
            contents,
            named_files: Default::default(),
            stats: None,
        }
    }
}
