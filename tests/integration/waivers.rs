//! Waivers: reviewed, expiring exceptions written in policy files (the trusted tree).

use crate::common::{Repo, Run, f};

const POLICIES: &str = "version: 1
policies:
  - id: W-1
    title: No TODO in the docs
    check: {not_matches: {files: 'docs/*.md', patterns: TODO}}
  - id: W-2
    title: A README exists
    waivable: false
    check: {exists: README.md}
";

const WAIVER: &str = "waivers:
  - policy: W-1
    paths: ['docs/a.md']
    reason: Legacy doc, DOC-12
    approved_by: Ana <ana@example.com>
    expires: 2024-08-01
";

/// Line of `- policy: W-1` in `.relgate/config.yaml`.
const WAIVER_LINE: u64 = 11;

fn repo(waivers: &str, todo_in: &[&str]) -> Repo {
    let r = Repo::new();
    r.write(".relgate/config.yaml", &format!("{POLICIES}{waivers}"))
        .write("README.md", "x\n");
    for d in ["docs/a.md", "docs/b.md"] {
        let body = if todo_in.contains(&d) {
            "TODO: write\n"
        } else {
            "done\n"
        };
        r.write(d, body);
    }
    r.commit_all("c");
    r
}

fn check(r: &Repo, now: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--format", "json", "--now", now];
    args.extend_from_slice(extra);
    r.relgate(&args)
}

fn waived(run: &Run) -> Vec<serde_json::Value> {
    run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["waived"].clone())
        .collect()
}

#[test]
fn a_live_waiver_covering_every_finding_waives_the_policy() {
    let r = repo(WAIVER, &["docs/a.md"]);
    let run = check(&r, "2024-07-10", &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.status("W-1"), "waived");
    assert_eq!(run.findings(), [f("W-1", "docs/a.md", Some(1))]);
    assert_eq!(
        waived(&run)[0],
        serde_json::json!({
            "reason": "Legacy doc, DOC-12",
            "approved_by": "Ana <ana@example.com>",
            "expires": "2024-08-01",
            "path": ".relgate/config.yaml",
            "line": WAIVER_LINE
        })
    );
    let v = run.json();
    assert_eq!(v["summary"]["waived"], 1);
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn a_partly_covered_policy_fails_with_the_rest() {
    let r = repo(WAIVER, &["docs/a.md", "docs/b.md"]);
    let run = check(&r, "2024-07-10", &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.status("W-1"), "fail");
    assert_eq!(
        run.findings(),
        [
            f("W-1", "docs/a.md", Some(1)),
            f("W-1", "docs/b.md", Some(1))
        ]
    );
    let w = waived(&run);
    assert!(w[0].is_object() && w[1].is_null(), "{w:?}");
}

#[test]
fn an_expired_waiver_applies_to_nothing_and_is_itself_a_finding() {
    let r = repo(WAIVER, &["docs/a.md"]);
    let run = check(&r, "2024-08-02", &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.status("W-1"), "fail");
    assert_eq!(
        run.findings(),
        [
            f("W-1", ".relgate/config.yaml", Some(WAIVER_LINE)),
            f("W-1", "docs/a.md", Some(1))
        ]
    );
    assert_eq!(
        run.messages()[0],
        "waiver for W-1 expired on 2024-08-01; it no longer applies"
    );
    assert_eq!(run.json()["findings"][0]["severity"], "error");
    // The end of the expiry day (UTC) still counts.
    assert_eq!(check(&r, "2024-08-01T23:59:59Z", &[]).code, 0);
}

#[test]
fn a_waiver_that_expires_within_14_days_is_a_warning() {
    let r = repo(WAIVER, &["docs/a.md"]);
    let run = check(&r, "2024-07-25", &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.status("W-1"), "waived");
    let v = run.json();
    let warning = &v["findings"][0];
    assert_eq!(warning["path"], ".relgate/config.yaml");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        warning["message"],
        "waiver for W-1 expires on 2024-08-01 (in 7 days)"
    );
    // --fail-on warning makes it fail the run; the waived finding still does not.
    assert_eq!(check(&r, "2024-07-25", &["--fail-on", "warning"]).code, 1);
}

#[test]
fn a_waiver_that_covers_nothing_is_stale() {
    let r = repo(WAIVER, &[]);
    let run = check(&r, "2024-07-10", &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [f("W-1", ".relgate/config.yaml", Some(WAIVER_LINE))]
    );
    assert_eq!(run.messages(), ["stale waiver: W-1 passes without it"]);
    assert_eq!(run.json()["findings"][0]["severity"], "warning");
}

#[test]
fn load_errors_unknown_policy_not_waivable_and_beyond_the_horizon() {
    let unknown = WAIVER.replace("policy: W-1", "policy: W-9");
    let r = repo(&unknown, &[]);
    let run = check(&r, "2024-07-10", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&format!(
            ".relgate/config.yaml:{WAIVER_LINE}:13: error[relgate::policy::unknown_policy]: waiver for unknown policy 'W-9'"
        )),
        "{}",
        run.stderr
    );
    let locked = WAIVER
        .replace("policy: W-1", "policy: W-2")
        .replace("    paths: ['docs/a.md']\n", "");
    let run = check(&repo(&locked, &[]), "2024-07-10", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("policy W-2 may not be waived (waivable: false)"),
        "{}",
        run.stderr
    );
    // 2024-01-01 + 90 days < 2024-08-01.
    let run = check(&repo(WAIVER, &["docs/a.md"]), "2024-01-01", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("waiver for W-1 expires 213 days from now, beyond the 90-day horizon"),
        "{}",
        run.stderr
    );
    let wider = format!("waiver_max_days: 365\n{WAIVER}");
    assert_eq!(
        check(&repo(&wider, &["docs/a.md"]), "2024-01-01", &[]).code,
        0
    );
}

#[test]
fn a_waiver_the_change_adds_is_not_in_force_under_base() {
    let r = repo("", &[]);
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write(".relgate/config.yaml", &format!("{POLICIES}{WAIVER}"))
        .write("docs/a.md", "TODO: later\n")
        .commit_all("waive my own finding");
    let run = check(&r, "2024-07-10", &["--base", "main"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.status("W-1"), "fail");
    assert_eq!(
        run.findings(),
        [
            f("RELGATE-TRUST", ".relgate/config.yaml", None),
            f("W-1", "docs/a.md", Some(1))
        ]
    );
    assert!(
        run.messages()[0].contains("it takes effect once merged"),
        "{:?}",
        run.messages()
    );
}

#[test]
fn every_format_shows_waived_findings() {
    let r = repo(WAIVER, &["docs/a.md"]);
    let base = ["check", "--now", "2024-07-10"];
    let human = r.relgate(&base);
    assert_eq!(human.code, 0, "{}", human.stdout);
    assert!(
        human.stdout.contains("waived:\n~ W-1 docs/a.md:1:"),
        "{}",
        human.stdout
    );
    // Long lines wrap at the width, with an indent: compare the text joined up again.
    let joined = human
        .stdout
        .replace("\n         ", " ")
        .replace("\n  ", " ");
    assert!(
        joined.contains("(waived until 2024-08-01: Legacy doc, DOC-12, approved by Ana <ana@example.com>; .relgate/config.yaml:11)"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("~ waived W-1"), "{}", human.stdout);
    let sarif = r.relgate(&[&base[..], &["--format", "sarif"]].concat());
    let v: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["suppressions"][0]["kind"], "external");
    assert!(
        result["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .starts_with("Legacy doc, DOC-12"),
        "{result}"
    );
    let github = r.relgate(&[&base[..], &["--format", "github"]].concat());
    assert!(
        github
            .stdout
            .lines()
            .any(|l| l.starts_with("::notice file=docs/a.md,line=1")
                && l.contains("waived until 2024-08-01")),
        "{}",
        github.stdout
    );
    assert!(!github.stdout.contains("::error"), "{}", github.stdout);
    let md = r.relgate(&[&base[..], &["--format", "markdown"]].concat());
    assert!(md.stdout.contains("### Waived"), "{}", md.stdout);
    assert!(
        md.stdout
            .contains("_Waived until 2024-08-01:_ Legacy doc, DOC-12"),
        "{}",
        md.stdout
    );
    // Drawn as waived, never with the failure mark of a live error.
    let waived = md.stdout.split("### Waived\n\n").nth(1).unwrap();
    assert!(
        waived.starts_with("- 🔕 waived **W-1** `docs/a.md:1`: "),
        "{waived}"
    );
    assert!(!md.stdout.contains('❌'), "{}", md.stdout);
}

#[test]
fn validate_refuses_a_waiver_beyond_the_horizon_as_check_does() {
    let r = repo(WAIVER, &["docs/a.md"]);
    // 2024-01-01 + 90 days < 2024-08-01: check refuses it, and so does validate.
    let check = r.relgate(&["check", "--now", "2024-01-01"]);
    let validate = r.relgate(&["validate", "--now", "2024-01-01"]);
    assert_eq!((check.code, validate.code), (2, 2), "{}", validate.stdout);
    let located = format!(
        ".relgate/config.yaml:{}:14: error[relgate::policy::bad_value]: waiver for W-1 expires 213 days from now, beyond the 90-day horizon",
        WAIVER_LINE + 4
    );
    for run in [&check, &validate] {
        assert!(run.stderr.starts_with(&located), "{}", run.stderr);
        assert!(
            run.stderr
                .ends_with("relgate: 1 policy error; nothing was checked\n"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(check.stderr, validate.stderr);
    let json = r.relgate(&["validate", "--now", "2024-01-01", "--format", "json"]);
    assert_eq!(json.code, 2);
    let e = &json.json()["errors"][0];
    assert_eq!(e["file"], ".relgate/config.yaml");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(WAIVER_LINE + 4), Some(14))
    );
    // Within the horizon, validate passes; a wider horizon is honoured too.
    assert_eq!(r.relgate(&["validate", "--now", "2024-07-10"]).code, 0);
    let wider = repo(&format!("waiver_max_days: 365\n{WAIVER}"), &[]);
    assert_eq!(wider.relgate(&["validate", "--now", "2024-01-01"]).code, 0);
    // A --now that is not a time is a usage error, as for check.
    let bad = r.relgate(&["validate", "--now", "soon"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("'soon' is not an RFC 3339 time"),
        "{}",
        bad.stderr
    );
}
