//! `--format sarif`: a SARIF 2.1.0 log for code-scanning services.
//!
//! A small owned model of the parts of SARIF relgate fills, serialized with
//! serde; it is validated against the official schema in the integration tests.
//!
//! - One rule per policy (`ruleIndex` points into `tool.driver.rules`).
//! - One result per finding of the JSON report, in the same order.
//! - Locations are repository-relative URIs against `%SRCROOT%`, never absolute
//!   machine paths; findings without a path have no location.
//! - A run that could not evaluate still yields a log, with
//!   `invocations[0].executionSuccessful: false` and the error as a notification,
//!   and no `results` (SARIF: absent results mean the analysis did not complete).

use super::Report;
use crate::finding::Severity;
use serde::Serialize;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub invocations: Vec<Invocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<SarifResult>>,
    pub column_kind: &'static str,
}

#[derive(Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    pub rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    pub default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RuleProperties>,
}

#[derive(Serialize)]
pub struct RuleProperties {
    /// Where the policy is defined (`file:line:column`), when that is not a machine path.
    pub source: String,
}

#[derive(Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Serialize)]
pub struct Text {
    pub text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
pub struct Notification {
    pub level: &'static str,
    pub message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// A live waiver: `kind: external` (it lives in a policy file), its reason as the
    /// justification.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    pub kind: &'static str,
    pub status: &'static str,
    pub justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    pub uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<usize>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Percent-encodes a repository-relative path into a relative URI reference:
/// everything but unreserved characters and `/` (so `a:b.md` cannot read as a scheme).
pub fn path_to_uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn driver(rules: Vec<Rule>) -> Driver {
    Driver {
        name: "relgate",
        version: env!("CARGO_PKG_VERSION"),
        semantic_version: env!("CARGO_PKG_VERSION"),
        rules,
    }
}

fn log(run: Run) -> Log {
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![run],
    }
}

pub fn to_log(r: &Report) -> Log {
    let rules = r
        .policies
        .iter()
        .map(|p| {
            let origin = &p.origin.file;
            let portable = !origin.starts_with('/') && !origin.contains(":\\");
            Rule {
                id: p.id.clone(),
                name: p.name.clone(),
                short_description: Text {
                    text: p.title.clone(),
                },
                full_description: p.description.clone().map(|text| Text { text }),
                help: p.help.clone().map(|text| Text { text }),
                help_uri: p.url.clone(),
                default_configuration: Configuration {
                    level: level(p.severity),
                },
                properties: portable.then(|| RuleProperties {
                    source: p.origin.to_string(),
                }),
            }
        })
        .collect();
    let results = r
        .findings
        .iter()
        .map(|f| SarifResult {
            rule_id: f.policy.clone(),
            rule_index: r.policies.iter().position(|p| p.id == f.policy),
            level: level(f.severity),
            message: Text {
                text: f.message.clone(),
            },
            locations: f
                .path
                .as_deref()
                .map(|path| Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: path_to_uri(path),
                            uri_base_id: SRCROOT,
                        },
                        region: f.line.map(|start_line| Region {
                            start_line,
                            start_column: f.column,
                        }),
                    },
                })
                .into_iter()
                .collect(),
            suppressions: f
                .waived
                .iter()
                .map(|w| Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: format!(
                        "{} (approved by {}, until {}; {}:{})",
                        w.reason, w.approved_by, w.expires, w.path, w.line
                    ),
                })
                .collect(),
        })
        .collect();
    log(Run {
        tool: Tool {
            driver: driver(rules),
        },
        invocations: vec![Invocation {
            execution_successful: true,
            tool_execution_notifications: Vec::new(),
        }],
        results: Some(results),
        column_kind: "unicodeCodePoints",
    })
}

/// The log of a run that could not evaluate.
pub fn error_log(message: &str) -> Log {
    log(Run {
        tool: Tool {
            driver: driver(Vec::new()),
        },
        invocations: vec![Invocation {
            execution_successful: false,
            tool_execution_notifications: vec![Notification {
                level: "error",
                message: Text {
                    text: message.to_string(),
                },
            }],
        }],
        results: None,
        column_kind: "unicodeCodePoints",
    })
}

pub fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_log(&to_log(r), out)
}

pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_log(&error_log(message), out)
}

fn write_log(log: &Log, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::{path_to_uri, to_log};
    use crate::engine::Status;
    use crate::finding::{Finding, Origin, Severity};
    use crate::report::{PolicyResult, Report, TargetInfo};

    #[test]
    fn a_finding_without_a_path_has_no_location() {
        let origin = Origin {
            file: "/abs/policies.yaml".into(),
            line: 3,
            column: 5,
        };
        let report = Report {
            target: TargetInfo {
                path: ".".into(),
                source: crate::repo::SourceKind::Worktree,
                rev: None,
                base: None,
                trusted: crate::report::Trusted {
                    source: "checked",
                    commit: None,
                    bootstrap: false,
                },
            },
            vars: Default::default(),
            policies: vec![PolicyResult {
                id: "RUN-1".into(),
                name: None,
                title: "t".into(),
                severity: Severity::Note,
                status: Status::Fail,
                reason: None,
                description: None,
                help: None,
                url: None,
                origin: origin.clone(),
                selected: 0,
                unmatched: Vec::new(),
            }],
            findings: vec![Finding {
                policy: "RUN-1".into(),
                severity: Severity::Note,
                message: "about the run".into(),
                path: None,
                line: None,
                column: None,
                help: None,
                snippet: None,
                waived: None,
                origin,
            }],
            contents: Default::default(),
        };
        let v = serde_json::to_value(to_log(&report)).unwrap_or_default();
        let result = &v["runs"][0]["results"][0];
        assert_eq!(result["level"], "note");
        assert_eq!(result["ruleIndex"], 0);
        assert!(result.get("locations").is_none(), "{result}");
        // An absolute policy path is a machine path: not published.
        assert!(
            v["runs"][0]["tool"]["driver"]["rules"][0]
                .get("properties")
                .is_none()
        );
    }

    #[test]
    fn uris_are_relative_references() {
        for (path, uri) in [
            ("docs/a.md", "docs/a.md"),
            ("a:b.md", "a%3Ab.md"),
            ("docs/a,b:c%.md", "docs/a%2Cb%3Ac%25.md"),
            ("dir with space/é", "dir%20with%20space/%C3%A9"),
        ] {
            assert_eq!(path_to_uri(path), uri);
        }
    }
}
