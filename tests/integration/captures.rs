//! `captures`: a signed line whose date is compared with the release and `--now`,
//! and a runbook revision date; exact (policy, path, line), columns and severity.

use crate::common::*;

fn run(repo: &Repo, yaml: &str, now: &str) -> Run {
    repo.check_yaml(yaml, &["--now", now])
}

const POLICIES: &str = r#"version: 1
vars:
  release: '2024-07-15'
policies:
  - id: SIGNED
    title: the checklist is signed
    check:
      captures:
        file: docs/support/dr-checklist.md
        section: 'Release {release}'
        pattern: '^Assinatura: (?P<name>.+) <(?P<email>[^>]+)> [—–-] (?P<date>\d{4}-\d{2}-\d{2})\s*$'
        dates:
          - {capture: date, not_before: '{release}', not_after: '{now}'}
  - id: REV
    title: the runbook was revised for the release
    severity: warning
    check:
      captures:
        file: runbooks/disaster-recovery.md
        pattern: 'rev\. (?P<rev>\S+)'
        dates:
          - {capture: rev, not_before: '{release}'}
"#;

const CHECKLIST: &str = "# Checklist de DR\n\n## Release 2024-07-15\n\n- [x] Runbook revisado\n\nAssinatura: Maria Souza <maria.souza@example.com> — 2024-07-15\n\n## Release 2024-06-03\n\n- [x] ok\n\nAssinatura: João Lima <joao.lima@example.com> — 2024-06-03\n";

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("docs/support/dr-checklist.md", CHECKLIST)
        .write(
            "runbooks/disaster-recovery.md",
            "# Runbook\n\nrev. 2024-07-15\n",
        )
        .commit_all("c");
    repo
}

#[test]
fn signed_on_the_release_day_passes() {
    let repo = repo();
    // --now later on the release day: a plain date is compared by day.
    let r = run(&repo, POLICIES, "2024-07-15T08:00:00Z");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("SIGNED"), "pass");
    assert_eq!(r.status("REV"), "pass");
}

#[test]
fn signature_missing_is_reported_at_the_heading() {
    let repo = repo();
    repo.edit(
        "docs/support/dr-checklist.md",
        "Assinatura: Maria Souza <maria.souza@example.com> — 2024-07-15\n",
        "Assinado por Maria\n",
    );
    let r = run(&repo, POLICIES, "2024-07-20T00:00:00Z");
    assert_eq!(r.code, 1);
    // The 2024-06-03 signature is in another section and does not count.
    assert_eq!(
        r.findings(),
        vec![f("SIGNED", "docs/support/dr-checklist.md", Some(3))]
    );
    assert!(
        r.messages()[0].contains("has no line matching"),
        "{}",
        r.stdout
    );
}

#[test]
fn signature_before_the_release_points_at_the_date() {
    let repo = repo();
    repo.edit(
        "docs/support/dr-checklist.md",
        "— 2024-07-15",
        "– 2024-07-14",
    );
    let r = run(&repo, POLICIES, "2024-07-20T00:00:00Z");
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![f("SIGNED", "docs/support/dr-checklist.md", Some(7))]
    );
    let finding = &r.json()["findings"][0];
    // "Assinatura: Maria Souza <maria.souza@example.com> – " is 52 characters.
    assert_eq!(finding["column"], 53);
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        r.messages(),
        vec!["date 2024-07-14 is before release 2024-07-15"]
    );
}

#[test]
fn signature_in_the_future_fails_against_now() {
    let repo = repo();
    repo.edit(
        "docs/support/dr-checklist.md",
        "— 2024-07-15",
        "- 2024-07-18",
    );
    let r = run(&repo, POLICIES, "2024-07-17T23:59:59Z");
    assert_eq!(
        r.findings(),
        vec![f("SIGNED", "docs/support/dr-checklist.md", Some(7))]
    );
    assert_eq!(
        r.messages(),
        vec!["date 2024-07-18 is after now 2024-07-17T23:59:59Z"]
    );
    // The same signature once the day has come.
    let r = run(&repo, POLICIES, "2024-07-18T00:00:01Z");
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn an_impossible_date_is_reported() {
    let repo = repo();
    repo.edit(
        "docs/support/dr-checklist.md",
        "— 2024-07-15",
        "— 2024-02-30",
    );
    let r = run(&repo, POLICIES, "2024-07-20T00:00:00Z");
    assert_eq!(
        r.findings(),
        vec![f("SIGNED", "docs/support/dr-checklist.md", Some(7))]
    );
    assert!(r.messages()[0].contains("not a date"), "{}", r.stdout);
}

#[test]
fn runbook_revision_older_than_the_release_is_a_warning() {
    let repo = repo();
    repo.edit(
        "runbooks/disaster-recovery.md",
        "rev. 2024-07-15",
        "rev. 2024-06-03",
    );
    let r = run(&repo, POLICIES, "2024-07-20T00:00:00Z");
    // A warning does not fail the run by default.
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        r.findings(),
        vec![f("REV", "runbooks/disaster-recovery.md", Some(3))]
    );
    assert_eq!(r.json()["findings"][0]["severity"], "warning");
    assert_eq!(r.json()["findings"][0]["column"], 6);

    repo.remove("runbooks/disaster-recovery.md");
    let r = run(&repo, POLICIES, "2024-07-20T00:00:00Z");
    assert_eq!(
        r.findings(),
        vec![f("REV", "runbooks/disaster-recovery.md", None)]
    );
}

#[test]
fn lines_within_and_equals() {
    let yaml = r#"version: 1
vars:
  release: '2024-07-15'
policies:
  - id: W
    title: approved within two days of the request, by the right team
    check:
      captures:
        file: approvals.md
        lines: last
        pattern: '^(?P<team>\w+) requested (?P<asked>\S+), approved (?P<ok>\S+)$'
        equals: {team: steering}
        dates:
          - {capture: ok, within: 48h, of: '{asked}'}
          - {capture: asked, not_before: '{release}'}
"#;
    let repo = Repo::new();
    repo.write(
        "approvals.md",
        "old requested 2024-01-01, approved 2024-03-01\nsteering requested 2024-07-15T10:00:00Z, approved 2024-07-17T09:00:00Z\n",
    )
    .commit_all("c");
    let r = run(&repo, yaml, "2024-07-20T00:00:00Z");
    assert_eq!(r.code, 0, "{}", r.stdout);

    repo.write(
        "approvals.md",
        "ops requested 2024-07-15T10:00:00Z, approved 2024-07-17T10:00:01Z\n",
    );
    let r = run(&repo, yaml, "2024-07-20T00:00:00Z");
    assert_eq!(
        r.findings(),
        vec![
            f("W", "approvals.md", Some(1)),
            f("W", "approvals.md", Some(1))
        ]
    );
    let cols: Vec<_> = r.json()["findings"]
        .as_array()
        .map(|a| a.iter().map(|f| f["column"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(cols, vec![1, 46]);
    assert_eq!(
        r.messages(),
        vec![
            "team is 'ops', expected 'steering'",
            "ok 2024-07-17T10:00:01Z is more than 48h away from asked 2024-07-15T10:00:00Z"
        ]
    );
}

#[test]
fn unknown_captures_and_bad_durations_are_load_errors() {
    let yaml = r#"version: 1
policies:
  - id: X
    title: x
    check:
      captures:
        file: a.md
        pattern: '(?P<date>\d{4}-\d{2}-\d{2})'
        dates:
          - {capture: dat, not_after: '{today}'}
          - {capture: date, within: 2 days, of: '{today}'}
          - {capture: date, within: 2d}
"#;
    let repo = Repo::new();
    repo.write("a.md", "x\n").commit_all("c");
    let p = Policies::new(yaml);
    let r = repo.relgate(&["validate", "--policies", &p.path()]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(out.contains("no capture named 'dat'"), "{out}");
    assert!(out.contains("did you mean 'date'"), "{out}");
    assert!(out.contains("must be a duration"), "{out}");
    assert!(out.contains("'within' and 'of' go together"), "{out}");
}
