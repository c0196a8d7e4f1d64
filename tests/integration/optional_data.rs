//! Issue 19, items 3 and 4: `data:` variables with `default:`, `when_unknown: skip` on
//! `var`, and ordered comparisons (`compare: semver|date|number`) on real repositories.

use crate::common::*;

const CHART: &str = r#"version: 1
vars:
  chart_version: {data: {file: charts/web/Chart.yaml, path: version}}
  app_version: {data: {file: charts/web/Chart.yaml, path: appVersion, default: '{chart_version}'}}
  previous: {description: the version released last}
  docs_version: {data: {file: docs/meta.json, path: version, default: '0.0.0'}}
policies:
  - id: BUMP
    title: The chart's version went up
    check:
      var: {name: chart_version, greater_than: '{previous}', compare: semver}
  - id: APP
    title: The app version is a release
    check:
      var: {name: app_version, matches: '^\d+\.\d+\.\d+$'}
  - id: DOCS
    title: The docs version is set
    check:
      var: {name: docs_version, equals: '0.0.0'}
  - id: OPT
    title: The previous version, when given, is not a pre-release
    check:
      var: {name: previous, matches: '^\d+\.\d+\.\d+$', when_unknown: skip}
"#;

fn chart(version: &str, extra: &str) -> Repo {
    let repo = Repo::new();
    repo.write(
        "charts/web/Chart.yaml",
        &format!("apiVersion: v2\nname: web\nversion: {version}\n{extra}"),
    )
    .commit_all("chart");
    repo
}

fn status(run: &Run, id: &str) -> String {
    run.status(id)
}

/// `(path, line)` and message of each finding of policy `id`.
fn of(run: &Run, id: &str) -> Vec<((String, Option<u64>), String)> {
    run.findings()
        .into_iter()
        .zip(run.messages())
        .filter(|((p, _, _), _)| p == id)
        .map(|((_, path, line), m)| ((path, line), m))
        .collect()
}

#[test]
fn versions_compare_in_semver_precedence() {
    // 1.2.3 -> 1.2.3 fails, -> 1.2.4-rc.1 passes, 1.9.0 -> 1.10.0 passes, -> 1.2.2 fails.
    for (from, to, want) in [
        ("1.2.3", "1.2.3", "fail"),
        ("1.2.3", "1.2.4-rc.1", "pass"),
        ("1.9.0", "1.10.0", "pass"),
        ("1.2.3", "1.2.2", "fail"),
        ("1.2.3", "1.2.3+build.7", "fail"),
    ] {
        let repo = chart(to, "");
        let run = repo.check_yaml(CHART, &["--var", &format!("previous={from}")]);
        assert_eq!(status(&run, "BUMP"), want, "{from} -> {to}: {}", run.stdout);
        if want == "fail" {
            // At the line the version was read from.
            assert_eq!(
                of(&run, "BUMP"),
                [(
                    ("charts/web/Chart.yaml".to_string(), Some(3)),
                    format!(
                        "variable 'chart_version' is '{to}', which is not greater than '{from}' (previous) (compared as semver)"
                    )
                )]
            );
        }
    }
}

#[test]
fn a_side_that_does_not_parse_is_a_located_finding() {
    let repo = chart("v1.2.4", "");
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2.3"]);
    assert_eq!(run.code, 1);
    let bump = of(&run, "BUMP");
    assert_eq!(bump.len(), 1);
    assert_eq!(bump[0].0, ("charts/web/Chart.yaml".to_string(), Some(3)));
    let m = &bump[0].1;
    assert!(
        m.starts_with(
            "cannot compare as semver: variable 'chart_version' is 'v1.2.4', not a semantic version"
        ),
        "{m}"
    );
    assert!(m.contains("no 'v' prefix"), "{m}");
    // The other side, set with --var: placed at the policy, saying where it came from.
    let repo = chart("1.2.4", "");
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2"]);
    assert_eq!(status(&run, "BUMP"), "fail");
    let bump = of(&run, "BUMP");
    assert_eq!(bump[0].0, (String::new(), None));
    let m = &bump[0].1;
    assert!(
        m.starts_with("cannot compare as semver: 'greater_than' (variable 'previous') is '1.2', not a semantic version"),
        "{m}"
    );
    assert!(m.ends_with("(set with --var previous=...)"), "{m}");
    let findings = run.json()["findings"].clone();
    let finding = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy"] == "BUMP")
        .unwrap();
    assert_eq!(finding["subject"]["kind"], "policy");
    // A side that does not parse is never a pass, also under `not:`.
    let run = repo.check_yaml(
        "version: 1\nvars:\n  v: 'x'\npolicies:\n  - id: N\n    title: t\n    check:\n      not: {var: {name: v, at_least: '3', compare: number}}\n",
        &[],
    );
    assert_eq!(status(&run, "N"), "fail", "{}", run.stdout);
    let m = &run.messages()[0];
    assert!(
        m.starts_with("cannot compare as number: variable 'v' is 'x', not a number (variable 'v' is defined at "),
        "{m}"
    );
}

#[test]
fn a_default_covers_an_absent_file_or_field_never_a_broken_one() {
    // appVersion absent: the default ({chart_version}); docs/meta.json absent: '0.0.0'.
    let repo = chart("1.2.4", "");
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2.3"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["vars"]["app_version"], "1.2.4");
    assert_eq!(run.json()["vars"]["docs_version"], "0.0.0");
    // Present: the file's value.
    let repo = chart("1.2.4", "appVersion: 2.0.0-beta\n");
    repo.write("docs/meta.json", "{\"version\": \"3.1.0\"}")
        .commit_all("docs");
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2.3"]);
    assert_eq!(run.json()["vars"]["app_version"], "2.0.0-beta");
    assert_eq!(status(&run, "APP"), "fail");
    assert_eq!(status(&run, "DOCS"), "fail");
    // A file that exists and does not parse is still a finding, located.
    repo.write("docs/meta.json", "{\"version\": }")
        .commit_all("broken");
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2.3"]);
    assert_eq!(status(&run, "DOCS"), "fail");
    assert!(run.json()["vars"]["docs_version"].is_null());
    let m = &run
        .messages()
        .into_iter()
        .find(|m| m.contains("docs_version"))
        .unwrap();
    assert!(
        m.starts_with("variable 'docs_version' has no value: docs/meta.json:1:"),
        "{m}"
    );
    // A path through a scalar is not an absence either.
    repo.write("docs/meta.json", "{\"version\": {\"x\": 1}}")
        .commit_all("a mapping");
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2.3"]);
    assert_eq!(status(&run, "DOCS"), "fail");
}

#[test]
fn when_unknown_skip_skips_instead_of_failing() {
    let repo = chart("1.2.4", "");
    // `previous` unset: OPT says when_unknown: skip; BUMP does not and fails.
    let run = repo.check_yaml(CHART, &[]);
    assert_eq!(status(&run, "OPT"), "skip");
    let reason = run.json()["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "OPT")
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.starts_with("variable 'previous' has no value (it is declared without a value"),
        "{reason}"
    );
    assert!(
        reason.ends_with("and the condition says 'when_unknown: skip'"),
        "{reason}"
    );
    assert_eq!(status(&run, "BUMP"), "fail");
    assert!(
        run.messages()
            .iter()
            .any(|m| m.starts_with("variable 'previous' has no value")),
        "{:?}",
        run.messages()
    );
    // With a value it is judged.
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2.3-rc.1"]);
    assert_eq!(status(&run, "OPT"), "fail");
    let run = repo.check_yaml(CHART, &["--var", "previous=1.2.3"]);
    assert_eq!(status(&run, "OPT"), "pass");
}

#[test]
fn new_keys_have_located_load_errors() {
    let repo = Repo::new();
    let cases = [
        (
            "check: {var: {name: v, greater_than: '1'}}",
            ":7:18: error[relgate::policy::missing_key]: 'var' with 'greater_than', 'at_least', 'less_than' or 'at_most' needs 'compare'",
        ),
        (
            "check: {var: {name: v, equals: '1', compare: number}}",
            "error[relgate::policy::bad_value]: 'compare' orders",
        ),
        (
            "check: {var: {name: v, at_least: '1', compare: semvr}}",
            "did you mean 'semver'?",
        ),
        (
            "check: {var: {name: v, equals: '1', when_unknown: pass}}",
            ":7:55: error[relgate::policy::bad_value]",
        ),
        (
            "check: {var: {name: v, equals: '1', less_than: '2', compare: number}}",
            "needs exactly one of 'matches' or 'equals', or comparisons",
        ),
    ];
    for (check, want) in cases {
        let yaml = format!(
            "version: 1\nvars:\n  v: '1'\npolicies:\n  - id: A\n    title: t\n    {check}\n"
        );
        let run = repo.check_yaml(&yaml, &[]);
        assert_eq!(run.code, 2, "{check}");
        assert!(run.stderr.contains(want), "{check}:\n{}", run.stderr);
    }
    let run = repo.check_yaml(
        "version: 1\nvars:\n  v: {data: {file: a.json, path: x, default: '{nope}'}}\npolicies:\n  - id: A\n    title: t\n    check: {var: {name: v, equals: '1'}}\n",
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown_variable"), "{}", run.stderr);
}
