//! Issue 19, item 2: `{NAME@base}`, a variable's value in the base revision.

use crate::common::*;

const POLICY: &str = r#"version: 1
vars:
  version: {data: {file: pyproject.toml, path: project.version}}
policies:
  - id: VER-UP
    title: The version goes up
    check:
      var: {name: version, greater_than: '{version@base}', compare: semver}
"#;

fn repo() -> Repo {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "main"]);
    repo.write(".relgate/ver.yaml", POLICY)
        .write(
            "pyproject.toml",
            "[project]\nname = \"x\"\nversion = \"1.2.3\"\n",
        )
        .commit_all("1.2.3");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

fn set_version(repo: &Repo, v: &str) {
    repo.write(
        "pyproject.toml",
        &format!("[project]\nname = \"x\"\nversion = \"{v}\"\n"),
    )
    .commit_all(v);
}

#[test]
fn without_a_base_the_policy_is_skipped() {
    let repo = repo();
    set_version(&repo, "1.2.4");
    let r = repo.relgate(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("VER-UP"), "skip");
    assert_eq!(
        r.json()["policies"][0]["reason"],
        "needs --base: '{version@base}' is the value of 'version' in the base revision"
    );
}

#[test]
fn the_version_is_compared_with_the_base() {
    let repo = repo();
    // Unchanged: 1.2.3 → 1.2.3 fails, at the version's line.
    let r = repo.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.status("VER-UP"), "fail");
    assert_eq!(r.findings(), [f("VER-UP", "pyproject.toml", Some(3))]);
    assert_eq!(
        r.messages(),
        [
            "variable 'version' is '1.2.3', which is not greater than '1.2.3' (version@base) (compared as semver)"
        ]
    );
    // Going back fails too; going up passes (pre-releases included).
    set_version(&repo, "1.2.2");
    let r = repo.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(r.status("VER-UP"), "fail", "{}", r.stdout);
    for (v, status) in [("1.2.4-rc.1", "pass"), ("1.2.4", "pass")] {
        set_version(&repo, v);
        let r = repo.relgate(&["check", "--base", "main", "--format", "json"]);
        assert_eq!(r.status("VER-UP"), status, "{v}: {}", r.stdout);
        assert_eq!(r.code, 0, "{v}: {}", r.stdout);
    }
}

#[test]
fn per_instance_variables_have_base_values() {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "main"]);
    repo.write(
        ".relgate/charts.yaml",
        r#"version: 1
vars:
  chart_version: {data: {file: '{chart}/Chart.yaml', path: version}}
policies:
  - id: CH-UP
    title: Every chart's version goes up
    for_each: {dirs: 'charts/*', as: chart}
    check:
      var: {name: chart_version, greater_than: '{chart_version@base}', compare: semver}
"#,
    );
    for (c, v) in [("a", "1.9.0"), ("b", "2.0.0")] {
        repo.write(
            &format!("charts/{c}/Chart.yaml"),
            &format!("name: {c}\nversion: {v}\n"),
        );
    }
    repo.commit_all("charts");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("charts/a/Chart.yaml", "name: a\nversion: 1.10.0\n")
        .commit_all("a goes up");
    let r = repo.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(r.status("CH-UP"), "fail", "{}", r.stdout);
    assert_eq!(r.findings(), [f("CH-UP", "charts/b/Chart.yaml", Some(2))]);
}

#[test]
fn an_unknown_name_at_base_is_a_located_load_error() {
    let repo = Repo::new();
    repo.write(
        ".relgate/ver.yaml",
        &POLICY.replace("{version@base}", "{versoin@base}"),
    )
    .write("pyproject.toml", "[project]\nversion = \"1.0.0\"\n")
    .commit_all("typo");
    let r = repo.relgate(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            ".relgate/ver.yaml:8:43: error[relgate::policy::unknown_variable]: unknown variable '{versoin@base}'"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean 'version@base'?"),
        "{}",
        r.stderr
    );
}
