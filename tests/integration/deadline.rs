//! `deadline`: lessons learned after a rollback (DR-013): in time, late (error),
//! pending before the deadline (warning), and a report dated outside the window.

use crate::common::*;

const POLICIES: &str = r#"version: 1
policies:
  - id: LESSONS
    title: lessons learned after every rollback
    check:
      deadline:
        file: releases/ledger.json
        where: {event: rollback}
        date_field: date
        expect: 'quality/reports/{date}-licoes-aprendidas.md'
        within: 48h
"#;

const LEDGER: &str = r#"[
  {"date": "2024-06-03T09:00:00Z", "release": "2024-06-03", "event": "activation", "flag": 1, "by": "João Lima"},
  {"date": "2024-06-04T16:30:00Z", "release": "2024-06-03", "event": "rollback", "flag": 0, "by": "João Lima"},
  {"date": "2024-07-15T10:00:00Z", "release": "2024-07-15", "event": "activation", "flag": 0, "by": "Maria Souza"}
]
"#;

const LEDGER_PATH: &str = "releases/ledger.json";

fn repo(report: Option<&str>) -> Repo {
    let repo = Repo::new();
    repo.write(LEDGER_PATH, LEDGER)
        .write("quality/reports/README.md", "x\n");
    if let Some(date) = report {
        repo.write(
            &format!("quality/reports/{date}-licoes-aprendidas.md"),
            "# Lições\n",
        );
    }
    repo.commit_all("c");
    repo
}

fn run(repo: &Repo, now: &str, extra: &[&str]) -> Run {
    let mut args = vec!["--now", now];
    args.extend_from_slice(extra);
    repo.check_yaml(POLICIES, &args)
}

fn one(r: &Run) -> (String, String, Option<u64>, String, String) {
    let fs = r.findings();
    assert_eq!(fs.len(), 1, "{}", r.stdout);
    let f = &r.json()["findings"][0];
    (
        fs[0].0.clone(),
        fs[0].1.clone(),
        fs[0].2,
        f["severity"].as_str().unwrap_or("").to_string(),
        f["message"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn report_in_time_passes() {
    // The last day of the window counts (the window is by day).
    for date in ["2024-06-04", "2024-06-05", "2024-06-06"] {
        let r = run(&repo(Some(date)), "2024-08-01T00:00:00Z", &[]);
        assert_eq!(r.code, 0, "{date}: {}", r.stdout);
        assert_eq!(r.status("LESSONS"), "pass");
    }
}

#[test]
fn missing_after_the_deadline_is_an_error() {
    let r = run(&repo(None), "2024-06-06T16:30:00Z", &[]);
    assert_eq!(r.code, 1);
    let (policy, path, line, severity, message) = one(&r);
    assert_eq!(
        (policy.as_str(), path.as_str(), line, severity.as_str()),
        ("LESSONS", LEDGER_PATH, Some(3), "error")
    );
    assert_eq!(
        message,
        "releases/ledger.json: [1] (date 2024-06-04T16:30:00Z) has no quality/reports/<YYYY-MM-DD>-licoes-aprendidas.md dated 2024-06-04 to 2024-06-06; it was due by 2024-06-06T16:30:00Z"
    );
}

#[test]
fn missing_before_the_deadline_is_a_warning() {
    let repo = repo(None);
    let r = run(&repo, "2024-06-06T16:29:59Z", &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let (policy, path, line, severity, message) = one(&r);
    assert_eq!(
        (policy.as_str(), path.as_str(), line, severity.as_str()),
        ("LESSONS", LEDGER_PATH, Some(3), "warning")
    );
    assert!(
        message.ends_with("; due by 2024-06-06T16:30:00Z"),
        "{message}"
    );
    let r = run(&repo, "2024-06-06T16:29:59Z", &["--fail-on", "warning"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn a_report_outside_the_window_does_not_count() {
    let r = run(&repo(Some("2024-06-07")), "2024-08-01T00:00:00Z", &[]);
    assert_eq!(r.code, 1);
    let (_, _, line, severity, message) = one(&r);
    assert_eq!((line, severity.as_str()), (Some(3), "error"));
    assert!(
        message.contains(
            "quality/reports/2024-06-07-licoes-aprendidas.md is dated 2024-06-07, after the 48h window"
        ),
        "{message}"
    );
    // Nor does one filed before the rollback.
    let r = run(&repo(Some("2024-06-03")), "2024-08-01T00:00:00Z", &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn expect_must_hold_date_once() {
    let yaml = POLICIES.replace("{date}-licoes", "licoes");
    let p = Policies::new(&yaml);
    let repo = repo(None);
    let r = repo.relgate(&["validate", "--policies", &p.path()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("must contain '{date}' exactly once"),
        "{}",
        r.stderr
    );
}

/// DR-003, DR-005, DR-011, DR-012 and DR-013 written with the three kinds hold on the
/// reference repository.
const REFERENCE: &str = r#"version: 1
vars:
  release: {latest_dir: 'releases/*', date: true}
  ledger_flag: '0'
policies:
  - id: DR-003
    title: checklist signed
    check:
      captures:
        file: docs/support/dr-checklist.md
        section: 'Release {release}'
        pattern: '^Assinatura: (?P<name>.+) <(?P<email>[^>]+)> [—–-] (?P<date>\d{4}-\d{2}-\d{2})\s*$'
        dates:
          - {capture: date, not_before: '{release}', not_after: '{now}'}
  - id: DR-005
    title: runbook revised
    severity: warning
    check:
      captures:
        file: quality/observability/runbooks/disaster-recovery.md
        pattern: 'rev\. (?P<rev>\d{4}-\d{2}-\d{2})'
        dates: [{capture: rev, not_before: '{release}'}]
  - id: DR-011
    title: ledger valid
    check:
      data:
        file: releases/ledger.json
        type: array
        each:
          required: [date, release, event, flag, by]
          enums: {event: [activation, rollback], flag: [0, 1]}
          formats: {date: datetime, release: date}
          non_empty: [by]
        ordered: {field: date}
  - id: DR-012
    title: ledger current
    check:
      data:
        file: releases/ledger.json
        contains: {release: '{release}'}
        last: {flag: '{ledger_flag}'}
  - id: DR-013
    title: lessons learned
    check:
      deadline:
        file: releases/ledger.json
        where: {event: rollback}
        date_field: date
        expect: 'quality/reports/{date}-licoes-aprendidas.md'
        within: 48h
"#;

#[test]
fn reference_repository_passes() {
    let repo = Repo::reference();
    let p = Policies::new(REFERENCE);
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--format",
        "json",
        "--now",
        "2024-07-20T12:00:00Z",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["summary"]["passed"], 5, "{}", r.stdout);

    repo.remove("quality/reports/2024-06-05-licoes-aprendidas.md");
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--format",
        "json",
        "--now",
        "2024-07-20T12:00:00Z",
    ]);
    assert_eq!(
        r.findings(),
        vec![("DR-013".into(), LEDGER_PATH.into(), Some(3))]
    );
}
