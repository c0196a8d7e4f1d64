//! `--format sarif`: a SARIF 2.1.0 log for code-scanning services.
//!
//! A small owned model of the parts of SARIF relgate fills, serialized with
//! serde; it is validated against the official schema in the integration tests.
//!
//! - One rule per policy (`ruleIndex` points into `tool.driver.rules`).
//! - One result per finding of the JSON report, in the same order.
//! - Locations are repository-relative URIs against `%SRCROOT%`, never absolute
//!   machine paths. Every result has one, as GitHub code scanning requires. A
//!   finding without a path (about the repository or the run: a flag that is off,
//!   an evaluation error) is placed, in this order: at the first file of the checked
//!   tree its message names; else at its policy's definition (file, line, column)
//!   when that file is in the checked tree; else at [`FALLBACK_URI`], the policy
//!   configuration's conventional place (a pack's policies live in the binary).
//! - Rule help is the policy's `help` with the run's variables filled in.
//! - A run that could not evaluate still yields a log, with
//!   `invocations[0].executionSuccessful: false` and the error as a notification,
//!   and no `results` (SARIF: absent results mean the analysis did not complete).

use super::Report;
use crate::finding::Severity;
use serde::Serialize;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SRCROOT: &str = "%SRCROOT%";
/// Where a finding about the repository as a whole is placed when neither its message
/// nor its policy's definition names a file of the checked tree.
pub const FALLBACK_URI: &str = ".relgate/config.yaml";

/// The words of a message that may be paths: quotes, brackets and trailing punctuation
/// stripped; globs and URLs left out.
fn path_words(message: &str) -> impl Iterator<Item = &str> {
    message
        .split(char::is_whitespace)
        .map(|w| {
            w.trim_start_matches(['\'', '"', '`', '(', '['])
                .trim_end_matches(['\'', '"', '`', ')', ']', ',', ';', ':', '.'])
        })
        .filter(|w| {
            !w.is_empty()
                && !w.contains("://")
                && !w.contains(['*', '?', '{'])
                && !w.starts_with('/')
        })
}

/// The regular files of the checked tree (`is_file`) that findings without a path
/// name: words of their message, and their policy's file. [`to_log`] places those
/// findings there.
pub(crate) fn named_files(
    findings: &[crate::finding::Finding],
    policies: &[super::PolicyResult],
    is_file: &dyn Fn(&str) -> bool,
) -> std::collections::BTreeSet<String> {
    let mut named = std::collections::BTreeSet::new();
    for f in findings.iter().filter(|f| f.path.is_none()) {
        let origin = policies
            .iter()
            .find(|p| p.id == f.policy)
            .map(|p| p.origin.file.as_str());
        for w in path_words(&f.message).chain(origin) {
            if !named.contains(w) && is_file(w) {
                named.insert(w.to_string());
            }
        }
    }
    named
}

/// Where a finding without a path is placed (see the module documentation).
fn repository_location(r: &Report, f: &crate::finding::Finding) -> Location {
    let at = |uri: &str, region: Option<Region>| Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: path_to_uri(uri),
                uri_base_id: SRCROOT,
            },
            region,
        },
    };
    if let Some(w) = path_words(&f.message).find(|w| r.named_files.contains(*w)) {
        return at(w, None);
    }
    let origin = r
        .policies
        .iter()
        .find(|p| p.id == f.policy)
        .map_or(&f.origin, |p| &p.origin);
    if r.named_files.contains(&origin.file) {
        return at(
            &origin.file,
            Some(Region {
                start_line: origin.line.max(1),
                start_column: Some(origin.column.max(1)),
            }),
        );
    }
    at(FALLBACK_URI, None)
}

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
    /// Where the trusted inputs (policies, signers, waivers) came from, in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RunProperties>,
}

#[derive(Serialize)]
pub struct RunProperties {
    #[serde(rename = "relgate.trusted")]
    pub trusted: String,
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
            locations: vec![match f.path.as_deref() {
                Some(path) => Location {
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
                },
                None => repository_location(r, f),
            }],
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
        properties: Some(RunProperties {
            trusted: r.target.trusted.line(),
        }),
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
        properties: None,
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
    use super::{FALLBACK_URI, named_files, path_to_uri, to_log};
    use crate::finding::{Finding, Origin, Severity};
    use crate::report::Report;

    fn report(message: &str, origin_file: &str, named: &[&str]) -> Report {
        let origin = Origin {
            file: origin_file.into(),
            line: 3,
            column: 5,
        };
        let finding = Finding {
            policy: "RUN-1".into(),
            severity: Severity::Note,
            message: message.into(),
            path: None,
            line: None,
            column: None,
            help: None,
            snippet: None,
            waived: None,
            origin: origin.clone(),
        };
        let mut r = Report::for_tests("RUN-1", "t", origin, vec![finding], Default::default());
        r.policies[0].selected = 0;
        r.named_files = named.iter().map(|s| s.to_string()).collect();
        r
    }

    #[test]
    fn a_finding_without_a_path_still_has_a_location() {
        let policy = ".relgate/flags.yaml";
        let region = serde_json::json!({"startLine": 3, "startColumn": 5});
        let none = serde_json::Value::Null;
        for (message, origin, named, uri, reg) in [
            // The file the message names, when it is in the checked tree.
            (
                "'exists: docs/a.md' holds, but must not",
                policy,
                &["docs/a.md", policy][..],
                "docs/a.md",
                &none,
            ),
            (
                "cannot evaluate (docs/a.md): bad",
                policy,
                &["docs/a.md"][..],
                "docs/a.md",
                &none,
            ),
            // Else the policy's definition, at its line and column.
            (
                "FLAG is off: all 2 assignments are off",
                policy,
                &[policy][..],
                policy,
                &region,
            ),
            (
                "no file matches 'docs/*.md'",
                policy,
                &[policy][..],
                policy,
                &region,
            ),
            // A named file that is not in the tree, a pack, a machine path: the fallback.
            ("gone.md is named", "pack:x", &[][..], FALLBACK_URI, &none),
            (
                "about the run",
                "/abs/policies.yaml",
                &[][..],
                FALLBACK_URI,
                &none,
            ),
        ] {
            let v =
                serde_json::to_value(to_log(&report(message, origin, named))).unwrap_or_default();
            let result = &v["runs"][0]["results"][0];
            assert_eq!(result["level"], "note");
            assert_eq!(result["ruleIndex"], 0);
            let at = &result["locations"][0]["physicalLocation"];
            assert_eq!(at["artifactLocation"]["uri"], uri, "{message}");
            assert_eq!(at["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert_eq!(&at["region"], reg, "{message}");
        }
        // An absolute policy path is a machine path: not published.
        let v = serde_json::to_value(to_log(&report("x", "/abs/p.yaml", &[]))).unwrap_or_default();
        assert!(
            v["runs"][0]["tool"]["driver"]["rules"][0]
                .get("properties")
                .is_none()
        );
    }

    #[test]
    fn named_files_are_the_words_and_policy_files_in_the_tree() {
        let r = report(
            "'exists: docs/a.md' holds; see (b.md), not *.md",
            ".relgate/p.yaml",
            &[],
        );
        let in_tree = ["docs/a.md", "b.md", ".relgate/p.yaml", "holds"];
        let named = named_files(&r.findings, &r.policies, &|p| in_tree.contains(&p));
        let named: Vec<_> = named.iter().map(String::as_str).collect();
        assert_eq!(named, [".relgate/p.yaml", "b.md", "docs/a.md", "holds"]);
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
