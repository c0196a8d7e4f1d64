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

/// `{NAME@base}` of a flag scans the base's config files, taking from the change's scan
/// what a file with the same blob contributed there: the same report as scanning them
/// all, reading only the files the change altered.
#[test]
fn a_flags_base_value_reuses_the_changes_scan() {
    let policy = "version: 1
vars:
  billing:
    flag: {name: FOO, files: ['**/*.env']}
policies:
  - id: SAME
    title: The flag is as it was
    check:
      var: {name: billing, equals: '{billing@base}'}
";
    let p = Policies::new(policy);
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "main"]);
    for i in 0..30 {
        repo.write(&format!("svc/s{i:02}.env"), "FOO=0\n");
    }
    repo.commit_all("main");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write("svc/s07.env", "FOO=1\n").commit_all("on");
    let run = |reuse: bool| {
        let mut cmd = relgate_command(repo.path());
        cmd.args(["check", "--policies", &p.path(), "--format", "json"])
            .args(["--rev", "change", "--base", "main", "--stats"])
            .args(["--now", "2026-01-01T00:00:00Z"]);
        if !reuse {
            cmd.env("RELGATE_NO_REUSE", "1");
        }
        let out = cmd.output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), json)
    };
    let ((code, reused), (code_full, full)) = (run(true), run(false));
    assert_eq!(code, Some(1), "{reused}");
    assert_eq!(code_full, code);
    let strip = |j: &serde_json::Value| {
        let mut j = j.clone();
        j.as_object_mut().unwrap().remove("stats");
        j
    };
    assert_eq!(strip(&reused), strip(&full));
    assert_eq!(reused["findings"][0]["policy"], "SAME");
    // The base's tree (here also the merge base: the variables and the base's findings
    // each scan it) read the one file the change altered, once, not all thirty twice.
    let reads = |j: &serde_json::Value| j["stats"]["trusted"]["reads"].as_u64().unwrap();
    assert_eq!(reads(&full), 60, "{}", full["stats"]);
    assert_eq!(reads(&reused), 1, "{}", reused["stats"]);
    assert_eq!(reused["stats"]["trusted"]["read"], 1);
}
