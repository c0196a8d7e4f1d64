//! Issue 19, item 1: `for_each`, one policy instance per directory or file, on a
//! monorepo of charts.

use crate::common::*;

const CHARTS: &str = r#"version: 1
vars:
  chart_version: {data: {file: '{chart}/Chart.yaml', path: version}}
policies:
  - id: CH-NOTES
    title: Every chart has NOTES.txt
    for_each: {dirs: 'charts/*', as: chart, exclude: ['charts/legacy-*']}
    check: {exists: '{chart}/templates/NOTES.txt'}
  - id: CH-BUMP
    title: A chart's version is bumped when its templates change
    for_each: {dirs: 'charts/*', as: chart, exclude: ['charts/legacy-*']}
    check:
      changes: {touches: ['{chart}/templates/**', '{chart}/values.yaml'], must_modify: '{chart}/Chart.yaml'}
  - id: CH-SEMVER
    title: Every chart's version is 1.0.0 or later
    for_each: {dirs: 'charts/*', as: chart}
    check:
      var: {name: chart_version, at_least: 1.0.0, compare: semver}
"#;

fn monorepo() -> Repo {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "main"]);
    repo.write(".relgate/charts.yaml", CHARTS);
    for (c, v) in [
        ("a", "1.0.0"),
        ("b", "1.2.0"),
        ("c", "2.0.0"),
        ("legacy-x", "1.0.0"),
    ] {
        repo.write(
            &format!("charts/{c}/Chart.yaml"),
            &format!("apiVersion: v2\nname: {c}\nversion: {v}\n"),
        )
        .write(
            &format!("charts/{c}/templates/deploy.yaml"),
            "kind: Deployment\n",
        )
        .write(&format!("charts/{c}/values.yaml"), "replicas: 1\n");
        if c != "b" {
            repo.write(&format!("charts/{c}/templates/NOTES.txt"), "notes\n");
        }
    }
    repo.commit_all("charts");
    repo
}

fn instances(run: &Run, id: &str) -> serde_json::Value {
    run.json()["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()["instances"]
        .clone()
}

#[test]
fn exactly_the_instance_without_notes_fails() {
    let repo = monorepo();
    let run = repo.relgate(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.status("CH-NOTES"), "fail");
    assert_eq!(
        instances(&run, "CH-NOTES"),
        serde_json::json!([
            {"instance": "charts/a", "status": "pass"},
            {"instance": "charts/b", "status": "fail"},
            {"instance": "charts/c", "status": "pass"},
        ])
    );
    let notes: Vec<_> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy"] == "CH-NOTES")
        .cloned()
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["instance"], "charts/b");
    assert_eq!(notes[0]["path"], "charts/b/templates/NOTES.txt");
    assert!(
        notes[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("charts/b: "),
        "{}",
        notes[0]["message"]
    );
    // Per-instance variables: every chart's own version (legacy included: no exclude).
    assert_eq!(run.status("CH-SEMVER"), "pass");
    assert_eq!(instances(&run, "CH-SEMVER").as_array().unwrap().len(), 4);
    // A chart below 1.0.0: exactly that instance fails, at its own Chart.yaml's line.
    repo.write(
        "charts/c/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 0.9.0\n",
    )
    .commit_all("c goes back");
    let run2 = repo.relgate(&["check", "--format", "json"]);
    assert_eq!(run2.status("CH-SEMVER"), "fail");
    let semver: Vec<_> = run2
        .findings()
        .into_iter()
        .filter(|(p, _, _)| p == "CH-SEMVER")
        .collect();
    assert_eq!(semver, [f("CH-SEMVER", "charts/c/Chart.yaml", Some(3))]);
    assert_eq!(
        run2.messages()
            .into_iter()
            .find(|m| m.contains("0.9.0"))
            .unwrap(),
        "charts/c: variable 'chart_version' is '0.9.0', which is not at least '1.0.0' (compared as semver)"
    );
    // Without --base the change-scoped policy is skipped in every instance.
    assert_eq!(run.status("CH-BUMP"), "skip");
    // The human report lists each instance under its policy.
    let human = repo.relgate(&["check"]);
    assert!(
        human.stdout.contains("        fail charts/b (1 finding)\n"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("        pass charts/a\n"),
        "{}",
        human.stdout
    );
    let md = repo.relgate(&["check", "--format", "markdown"]);
    assert!(
        md.stdout
            .contains("charts/a pass, charts/b fail, charts/c pass |"),
        "{}",
        md.stdout
    );
    // GitHub messages start with the instance.
    let gh = repo.relgate(&["check", "--format", "github"]);
    assert!(gh.stdout.contains("::charts/b: "), "{}", gh.stdout);
}

#[test]
fn changes_are_scoped_to_the_instance() {
    let repo = monorepo();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Chart a's templates change; only chart b's version is bumped.
    repo.write(
        "charts/a/templates/deploy.yaml",
        "kind: Deployment\nreplicas: 2\n",
    )
    .write(
        "charts/b/Chart.yaml",
        "apiVersion: v2\nname: b\nversion: 1.2.1\n",
    )
    .commit_all("a changes, b bumps");
    let run = repo.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.status("CH-BUMP"), "fail");
    let inst = instances(&run, "CH-BUMP");
    assert_eq!(inst[0]["instance"], "charts/a");
    assert_eq!(inst[0]["status"], "fail");
    assert_eq!(inst[1]["instance"], "charts/b");
    assert_eq!(inst[1]["status"], "pass");
    assert_eq!(inst[2]["status"], "pass");
    let bump: Vec<_> = run
        .findings()
        .into_iter()
        .filter(|(p, _, _)| p == "CH-BUMP")
        .collect();
    assert_eq!(bump.len(), 1, "{bump:?}");
}

#[test]
fn an_empty_selection_is_a_finding_unless_min_is_zero() {
    let repo = monorepo();
    let policy = |extra: &str| {
        format!(
            "version: 1\npolicies:\n  - id: E\n    title: t\n    for_each: {{dirs: 'chart/*', as: chart{extra}}}\n    check: {{exists: '{{chart}}/Chart.yaml'}}\n"
        )
    };
    let run = repo.check_yaml(&policy(""), &[]);
    assert_eq!(run.status("E"), "fail");
    assert_eq!(
        run.messages(),
        [
            "for_each: 0 directories match 'chart/*' (at least 1 required): check the glob, or set 'min: 0'"
        ]
    );
    let run = repo.check_yaml(&policy(", min: 0"), &[]);
    assert_eq!(run.status("E"), "pass");
    // Files, with the default variable name.
    let run = repo.check_yaml(
        "version: 1\npolicies:\n  - id: F\n    title: t\n    for_each: {files: 'charts/*/Chart.yaml', min: 5}\n    check: {matches: {files: '{file}', patterns: '^version: '}}\n",
        &[],
    );
    assert_eq!(run.status("F"), "fail");
    assert_eq!(instances(&run, "F").as_array().unwrap().len(), 4);
    assert_eq!(
        run.messages(),
        [
            "for_each: 4 files match 'charts/*/Chart.yaml' (at least 5 required): check the glob, or set 'min: 0'"
        ]
    );
}

#[test]
fn for_each_has_located_load_errors() {
    let repo = Repo::new();
    for (fe, want) in [
        (
            "{as: chart}",
            ":5:15: error[relgate::policy::bad_value]: 'for_each' needs exactly one of 'dirs' or 'files'",
        ),
        (
            "{dirs: a, files: b}",
            "needs exactly one of 'dirs' or 'files'",
        ),
        (
            "{dirs: a, as: today}",
            ":5:29: error[relgate::policy::bad_value]: 'today' cannot be the variable of 'for_each'",
        ),
        (
            "{dirs: a, min: -1}",
            "'min' of 'for_each' must be 0 or more",
        ),
        ("{dirs: a, as: x, exclud: b}", "did you mean 'exclude'?"),
    ] {
        let yaml = format!(
            "version: 1\npolicies:\n  - id: A\n    title: t\n    for_each: {fe}\n    check: {{exists: x}}\n"
        );
        let run = repo.check_yaml(&yaml, &[]);
        assert_eq!(run.code, 2, "{fe}");
        assert!(run.stderr.contains(want), "{fe}:\n{}", run.stderr);
    }
}
