//! `--format gitlab`: a GitLab Code Quality report, the JSON array GitLab reads
//! from a job's `artifacts:reports:codequality` and shows in the merge request.
//!
//! One issue per finding, in the run's order: `description` (`ID: message`),
//! `check_name` (the policy id), `fingerprint`, `severity`, `location.path` and
//! `location.lines.begin`, and the help as `content.body`. Severities: `error` is
//! `major`, `warning` `minor`, `note` `info`; a waived finding is `info` and says
//! so. A finding without a line is placed at line 1 of its file; one without a file
//! (the repository as a whole, a policy of a pack) at `.` (the repository root),
//! since GitLab requires a path.
//!
//! The fingerprint identifies a finding across runs (GitLab compares the merge
//! request's report with the target branch's by it): the finding's own
//! ([`super::fingerprint`]), the same as JSON's `fingerprint` and SARIF's
//! `relgate/v1`, so a line inserted above a finding or a renamed file keeps it.
//! Text is JSON-escaped by serde_json and made inert first
//! ([`crate::output::escape`]): GitLab shows it in its web page.
//!
//! The issues are made one at a time as the array is written ([`Issues`]), borrowing
//! what they can from the report: a large report is never held a second time.

use super::{Place, Report};
use crate::finding::{Finding, Severity};
use crate::output::escape::display_text;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt::Write as _;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: Cow<'a, str>,
    fingerprint: Cow<'a, str>,
    severity: &'static str,
    location: Location<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

#[derive(Serialize)]
struct Content<'a> {
    body: Cow<'a, str>,
}

/// The issues of a report, each made as it is serialized.
struct Issues<'a>(&'a Report);

impl Serialize for Issues<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        s.collect_seq(r.findings.iter().map(|f| issue(r, f)))
    }
}

/// GitLab's severity of a finding.
fn severity(f: &Finding) -> &'static str {
    if f.waived.is_some() {
        return "info";
    }
    match f.severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

fn sha256(s: &str) -> String {
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(s.as_bytes()) {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

fn issue<'a>(r: &'a Report, f: &'a Finding) -> Issue<'a> {
    let mut description = format!("{}: {}", f.policy, f.message);
    let (path, line) = match r.place(f) {
        Place::File { path, line, .. } => (path, line.unwrap_or(1)),
        Place::Nowhere => {
            description = format!("{} ({})", description, Report::about(f, true));
            (".", 1)
        }
    };
    if let Some(w) = &f.waived {
        description = format!(
            "waived until {} ({}, approved by {}): {description}",
            w.expires, w.reason, w.approved_by
        );
    }
    Issue {
        description: display_text(&description).into_owned(),
        check_name: display_text(&f.policy),
        fingerprint: Cow::Borrowed(&f.fingerprint),
        severity: severity(f),
        location: Location {
            path,
            lines: Lines { begin: line },
        },
        content: f.help.as_deref().map(|h| Content {
            body: display_text(h),
        }),
    }
}

pub fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Issues(r))?;
    writeln!(out)
}

/// A run that could not evaluate: one `blocker` issue, so the merge request shows
/// the gate did not judge.
pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let issue = Issue {
        description: display_text(&format!("relgate could not evaluate: {message}")).into_owned(),
        check_name: "relgate".into(),
        fingerprint: sha256(&format!("relgate\0error\0{message}")).into(),
        severity: "blocker",
        location: Location {
            path: ".",
            lines: Lines { begin: 1 },
        },
        content: None,
    };
    serde_json::to_writer_pretty(&mut *out, &[issue])?;
    writeln!(out)
}
