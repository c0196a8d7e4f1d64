//! `--format sarif`: a SARIF 2.1.0 log for code-scanning services.
//!
//! A small model of the parts of SARIF relgate fills, borrowing from the report, and
//! serialized with serde as it is written: the results are made one at a time from
//! the findings while the log is written ([`Results`]), so a large report is never
//! held twice (once as findings, once as a log). It is validated against the official
//! schema in the integration tests.
//!
//! - One rule per policy (`ruleIndex` points into `tool.driver.rules`).
//! - One result per finding of the JSON report, in the same order; with `--base`,
//!   each with its `baselineState`, then an `absent` result per base finding fixed.
//! - Locations are repository-relative URIs against `%SRCROOT%`, never absolute
//!   machine paths, taken from each finding's subject alone ([`Report::place`]):
//!   a line or a file is that place; several files are the first, the others
//!   related locations; a finding about the policy itself (a variable without a
//!   value, an invalid template, a `not:` that holds) is at the policy's definition
//!   (the line and column of its `id`) when its file is in the repository, and a
//!   logical location naming that definition otherwise (a pack). Code scanning needs
//!   a physical location on every result, so a finding with no file of its own (about
//!   the repository, or a policy of a pack) is placed at its policy's definition when
//!   that is in the repository, else at [`FALLBACK_URI`], the policy configuration's
//!   conventional place.
//! - Rule help is the policy's `help` with the run's variables filled in.
//! - Each result's `partialFingerprints` has `relgate/v1`: the finding's fingerprint
//!   ([`super::fingerprint`]), the same as the JSON report's `fingerprint`.
//! - A run that could not evaluate still yields a log, with
//!   `invocations[0].executionSuccessful: false` and the error as a notification,
//!   and no `results` (SARIF: absent results mean the analysis did not complete).

use super::{Place, Report};
use crate::finding::{Finding, Severity};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::HashMap;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SRCROOT: &str = "%SRCROOT%";
/// Where a finding with no file of its own is placed when its policy is not defined in
/// a file of the repository.
pub const FALLBACK_URI: &str = ".relgate/config.yaml";

/// A physical location against `%SRCROOT%`.
fn physical(path: &str, line: Option<usize>, column: Option<usize>) -> PhysicalLocation<'_> {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: path_to_uri(path),
            uri_base_id: SRCROOT,
        },
        region: line.map(|start_line| Region {
            start_line,
            start_column: column,
        }),
    }
}

/// Where a result is placed, and the other files of a finding about several.
fn locations<'a>(r: &'a Report, f: &'a Finding) -> (Location<'a>, Vec<Location<'a>>) {
    use crate::finding::Subject;
    let place = r.place(f);
    let physical_location = match place {
        Place::File { path, line, column } => physical(path, line, column),
        // No file of its own: its policy's definition when that is in the repository.
        Place::Nowhere => match r.policy_of(f).filter(|p| p.in_repo) {
            Some(p) => physical(
                &p.origin.file,
                Some(p.origin.line.max(1)),
                Some(p.origin.column.max(1)),
            ),
            None => physical(FALLBACK_URI, None, None),
        },
    };
    // A policy that is not a file of the repository is named as a logical location.
    let logical_locations = match (&f.subject, place) {
        (Subject::Policy, Place::Nowhere) => vec![LogicalLocation {
            name: &f.policy,
            fully_qualified_name: f.origin.to_string(),
            kind: "declaration",
        }],
        _ => Vec::new(),
    };
    let related = match &f.subject {
        Subject::Files(paths) => paths
            .iter()
            .skip(1)
            .map(|p| Location {
                physical_location: physical(p, None, None),
                logical_locations: Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    };
    (
        Location {
            physical_location,
            logical_locations,
        },
        related,
    )
}

#[derive(Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run<'a> {
    pub tool: Tool<'a>,
    pub invocations: Vec<Invocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Results<'a>>,
    pub column_kind: &'static str,
    /// Where the trusted inputs (policies, signers, waivers) came from, in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RunProperties>,
}

/// The results of a report, made one at a time from its findings as they are
/// serialized (one per finding, in order; then with `--base` an `absent` one per base
/// finding fixed): nothing holds them all.
pub struct Results<'a> {
    report: &'a Report,
    /// Each policy id's index in `tool.driver.rules` (its first, as ids are unique).
    rule_index: HashMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        let fixed = r.baseline.iter().flat_map(|b| &b.fixed);
        s.collect_seq(
            r.findings
                .iter()
                .map(|f| (f, r.baseline_state(f)))
                .chain(fixed.map(|f| (f, Some("absent"))))
                .map(|(f, state)| result(r, &self.rule_index, f, state)),
        )
    }
}

#[derive(Serialize)]
pub struct RunProperties {
    #[serde(rename = "relgate.trusted")]
    pub trusted: String,
}

#[derive(Serialize)]
pub struct Tool<'a> {
    pub driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver<'a> {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    pub rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule<'a> {
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    pub short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<&'a str>,
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
pub struct Text<'a> {
    pub text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation<'a> {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
pub struct Notification<'a> {
    pub level: &'static str,
    pub message: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult<'a> {
    pub rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Text<'a>,
    /// Always one.
    pub locations: [Location<'a>; 1],
    /// The other files of a finding about several files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location<'a>>,
    /// A live waiver: `kind: external` (it lives in a policy file), its reason as the
    /// justification.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    /// `relgate/v1`: the finding's fingerprint ([`super::fingerprint`]).
    pub partial_fingerprints: Fingerprints<'a>,
    /// With `--base`: `new`, `unchanged`, or `absent` (a base finding the change fixed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<&'static str>,
}

/// `partialFingerprints`: one entry, [`super::fingerprint::SCHEME`] to the finding's.
pub struct Fingerprints<'a>(pub &'a str);

impl Serialize for Fingerprints<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map([(super::fingerprint::SCHEME, self.0)])
    }
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
pub struct Location<'a> {
    pub physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation<'a>>,
}

/// A policy's definition outside the repository (`pack:NAME:LINE:COLUMN`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation<'a> {
    pub name: &'a str,
    pub fully_qualified_name: String,
    pub kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation<'a> {
    pub artifact_location: ArtifactLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation<'a> {
    pub uri: Cow<'a, str>,
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
/// A path that needs no escape is its own URI (borrowed).
pub fn path_to_uri(path: &str) -> Cow<'_, str> {
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
    if path.bytes().all(plain) {
        return Cow::Borrowed(path);
    }
    let mut s = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        if plain(b) {
            s.push(char::from(b));
        } else {
            use std::fmt::Write as _;
            let _ = write!(s, "%{b:02X}");
        }
    }
    Cow::Owned(s)
}

fn driver(rules: Vec<Rule<'_>>) -> Driver<'_> {
    Driver {
        name: "relgate",
        version: env!("CARGO_PKG_VERSION"),
        semantic_version: env!("CARGO_PKG_VERSION"),
        rules,
    }
}

fn log(run: Run<'_>) -> Log<'_> {
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![run],
    }
}

/// One finding's result (`baseline_state`: with `--base`, `new`, `unchanged` or
/// `absent`).
fn result<'a>(
    r: &'a Report,
    rule_index: &HashMap<&'a str, usize>,
    f: &'a Finding,
    baseline_state: Option<&'static str>,
) -> SarifResult<'a> {
    let (location, related_locations) = locations(r, f);
    SarifResult {
        rule_id: &f.policy,
        rule_index: rule_index.get(f.policy.as_str()).copied(),
        level: level(f.severity),
        message: Text { text: &f.message },
        locations: [location],
        related_locations,
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
        partial_fingerprints: Fingerprints(&f.fingerprint),
        baseline_state,
    }
}

/// The log of a report; its results are made as it is serialized ([`Results`]).
pub fn to_log(r: &Report) -> Log<'_> {
    let rules = r
        .policies
        .iter()
        .map(|p| {
            let origin = &p.origin.file;
            let portable = !origin.starts_with('/') && !origin.contains(":\\");
            Rule {
                id: &p.id,
                name: p.name.as_deref(),
                short_description: Text { text: &p.title },
                full_description: p.description.as_deref().map(|text| Text { text }),
                help: p.help.as_deref().map(|text| Text { text }),
                help_uri: p.url.as_deref(),
                default_configuration: Configuration {
                    level: level(p.severity),
                },
                properties: portable.then(|| RuleProperties {
                    source: p.origin.to_string(),
                }),
            }
        })
        .collect();
    let mut rule_index = HashMap::with_capacity(r.policies.len());
    for (i, p) in r.policies.iter().enumerate() {
        rule_index.entry(p.id.as_str()).or_insert(i);
    }
    log(Run {
        tool: Tool {
            driver: driver(rules),
        },
        invocations: vec![Invocation {
            execution_successful: true,
            tool_execution_notifications: Vec::new(),
        }],
        results: Some(Results {
            report: r,
            rule_index,
        }),
        column_kind: "unicodeCodePoints",
        properties: Some(RunProperties {
            trusted: r.target.trusted.line(),
        }),
    })
}

/// The log of a run that could not evaluate.
pub fn error_log(message: &str) -> Log<'_> {
    log(Run {
        tool: Tool {
            driver: driver(Vec::new()),
        },
        invocations: vec![Invocation {
            execution_successful: false,
            tool_execution_notifications: vec![Notification {
                level: "error",
                message: Text { text: message },
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

fn write_log(log: &Log<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::{FALLBACK_URI, path_to_uri, to_log};
    use crate::finding::{Finding, Origin, Severity, Subject};
    use crate::report::Report;

    fn report(message: &str, subject: Subject, origin_file: &str, in_repo: bool) -> Report {
        let origin = Origin {
            file: origin_file.into(),
            line: 3,
            column: 5,
        };
        let finding = Finding {
            policy: "RUN-1".into(),
            severity: Severity::Note,
            message: message.into(),
            subject,
            help: None,
            snippet: None,
            waived: None,
            instance: None,
            fingerprint: String::new(),
            origin: origin.clone(),
        };
        let mut r = Report::for_tests("RUN-1", "t", origin, vec![finding], Default::default());
        r.policies[0].selected = 0;
        r.policies[0].in_repo = in_repo;
        r
    }

    /// Every result has a physical location, taken from the subject alone: the
    /// message's words (`docs/a.md`, `src/main.rs`) never place it.
    #[test]
    fn results_are_placed_by_their_subject() {
        let policy = ".relgate/flags.yaml";
        let region = serde_json::json!({"startLine": 3, "startColumn": 5});
        let line = serde_json::json!({"startLine": 7, "startColumn": 2});
        let none = serde_json::Value::Null;
        let files = Subject::Files(vec!["a.env".into(), "b.env".into()]);
        for (subject, origin, in_repo, uri, reg) in [
            (
                Subject::Line {
                    path: "x.md".into(),
                    line: 7,
                    column: Some(2),
                },
                policy,
                true,
                "x.md",
                &line,
            ),
            (Subject::File("x.md".into()), policy, true, "x.md", &none),
            (files, policy, true, "a.env", &none),
            // The policy itself: its definition, at its line and column.
            (Subject::Policy, policy, true, policy, &region),
            // The repository: where its policy is defined, when that is in the tree.
            (Subject::Repository, policy, true, policy, &region),
            // A pack or a policy file from elsewhere: the fallback.
            (Subject::Policy, "pack:x", false, FALLBACK_URI, &none),
            (
                Subject::Repository,
                "/abs/policies.yaml",
                false,
                FALLBACK_URI,
                &none,
            ),
        ] {
            let message = "'exists: src/main.rs' holds, but docs/a.md must not";
            let v =
                serde_json::to_value(to_log(&report(message, subject.clone(), origin, in_repo)))
                    .unwrap_or_default();
            let result = &v["runs"][0]["results"][0];
            assert_eq!(result["level"], "note");
            assert_eq!(result["ruleIndex"], 0);
            let at = &result["locations"][0]["physicalLocation"];
            assert_eq!(at["artifactLocation"]["uri"], uri, "{subject:?}");
            assert_eq!(at["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert_eq!(&at["region"], reg, "{subject:?}");
            let related = &result["relatedLocations"];
            if matches!(subject, Subject::Files(_)) {
                assert_eq!(
                    related[0]["physicalLocation"]["artifactLocation"]["uri"],
                    "b.env"
                );
            } else {
                assert!(related.is_null(), "{subject:?}");
            }
            // A policy outside the repository is named as a logical location.
            let logical = &result["locations"][0]["logicalLocations"][0];
            if subject == Subject::Policy && !in_repo {
                assert_eq!(logical["fullyQualifiedName"], "pack:x:3:5");
                assert_eq!(logical["name"], "RUN-1");
            } else {
                assert!(logical.is_null(), "{subject:?}");
            }
        }
        // An absolute policy path is a machine path: not published.
        let v = serde_json::to_value(to_log(&report(
            "x",
            Subject::Repository,
            "/abs/p.yaml",
            false,
        )))
        .unwrap_or_default();
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
