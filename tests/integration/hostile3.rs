//! Hostile pull requests, round 3: which `.relgate/` governs a folder is decided in the
//! base; variables the change moves backwards; `relgate test` stays inside its cases.

use crate::common::{Repo, f, relgate_in};

const ROOT_POLICY: &str = "version: 1\npolicies:\n  - id: ROOT-1\n    title: A changelog exists\n    check: {exists: CHANGELOG.md}\n";
const HARMLESS: &str =
    "version: 1\npolicies:\n  - id: OWN-1\n    title: t\n    check: {exists: a.txt}\n";

/// A base `main` from what `base` wrote, and a branch `pr` checked out on top of it.
fn fork(base: impl Fn(&Repo)) -> Repo {
    let r = Repo::new();
    base(&r);
    r.commit_all("base");
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "pr"]);
    r
}

#[test]
fn a_relgate_folder_the_change_adds_below_the_base_s_does_not_govern() {
    let r = fork(|r| {
        r.write(".relgate/config.yaml", ROOT_POLICY);
        r.write("sub/a.txt", "x\n");
    });
    r.write("sub/.relgate/config.yaml", HARMLESS);
    r.commit_all("own gate for sub");
    let run = r.relgate(&["check", "sub", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [
            f("ROOT-1", "CHANGELOG.md", None),
            f("RELGATE-TRUST", "sub/.relgate/config.yaml", None),
        ]
    );
    assert_eq!(
        run.messages()[1],
        "this change adds sub/.relgate/config.yaml; which .relgate/ governs a folder is decided in the base, and this one is not in force for this check (it takes effect once merged)"
    );
    let v = run.json();
    assert_eq!(v["trusted"]["source"], "base");
    assert_eq!(v["trusted"]["bootstrap"], serde_json::Value::Null);
    // Without --base the working tree is the trusted tree: its nearest `.relgate/` governs.
    let run = r.relgate(&["check", "sub", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_relgate_folder_the_change_moves_up_does_not_govern() {
    let r = fork(|r| {
        r.write(
            "svc/.relgate/config.yaml",
            &ROOT_POLICY.replace("ROOT-1", "SVC-1"),
        );
        r.write("svc/a.txt", "x\n");
    });
    r.remove("svc/.relgate");
    r.write(
        ".relgate/config.yaml",
        HARMLESS.replace("a.txt", "svc/a.txt").as_str(),
    );
    r.commit_all("move the gate up");
    let run = r.relgate(&["check", "svc", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [
            // Paths from the repository's top, whatever PATH is.
            f("RELGATE-TRUST", "svc/.relgate/config.yaml", None),
            f("SVC-1", "svc/CHANGELOG.md", None),
        ]
    );
    assert!(
        run.messages()[0].contains("deletes"),
        "{:?}",
        run.messages()
    );
    assert_eq!(run.json()["trusted"]["source"], "base");
}

#[test]
fn the_preview_names_the_base_commit() {
    let r = fork(|r| {
        r.write("sub/a.txt", "x\n");
    });
    r.write("sub/.relgate/config.yaml", ROOT_POLICY);
    r.commit_all("adopt relgate in sub");
    let base = r.git(&["rev-parse", "main"]);
    let run = r.relgate(&["check", "sub", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["trusted"]["bootstrap"], true);
    assert_eq!(v["trusted"]["commit"], base.as_str());
    let run = r.relgate(&["check", "sub", "--base", "main"]);
    assert!(
        run.stdout
            .contains(&format!("because the base {} has none", &base[..12])),
        "{}",
        run.stdout
    );
}

const RELEASE_POLICY: &str = r#"version: 1
vars:
  release: {latest_dir: 'releases/*', date: true}
  version: {data: {file: package.json, path: version}}
policies:
  - id: REL-1
    title: The release's checklist is ticked
    check: {checklist: {file: 'releases/{release}/checklist.md'}}
  - id: VER-1
    title: The version has release notes
    check: {exists: 'notes/{version}.md'}
"#;

fn releases() -> Repo {
    fork(|r| {
        r.write(".relgate/config.yaml", RELEASE_POLICY);
        r.write("releases/2024-06-03/checklist.md", "- [x] done\n");
        r.write("releases/2024-07-15/checklist.md", "- [x] done\n");
        r.write("package.json", "{\"version\": \"1.4.0\"}\n");
        r.write("notes/1.4.0.md", "x\n");
        r.write("notes/1.3.9.md", "x\n");
    })
}

#[test]
fn a_change_that_moves_the_release_back_fails() {
    let r = releases();
    r.write("releases/2024-07-15/checklist.md", "- [ ] not done\n");
    r.git(&["add", "-A"]);
    r.git(&["mv", "releases/2024-07-15", "releases/old-2024-07-15"]);
    r.commit_all("hide the current release");
    let run = r.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    let vars: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy"] == "RELGATE-VARS")
        .collect();
    assert_eq!(vars.len(), 1, "{}", run.stdout);
    assert_eq!(vars[0]["severity"], "error");
    assert_eq!(
        vars[0]["message"].as_str().unwrap().split(':').next(),
        Some("the change moves release back from 2024-07-15 to 2024-06-03")
    );
    assert_eq!(vars[0]["subject"]["kind"], "policy");
    assert_eq!(vars[0]["subject"]["file"], ".relgate/config.yaml");
    assert_eq!(vars[0]["subject"]["line"], 3);
    // Moving forwards is a note, not an error.
    let r = releases();
    r.write("releases/2024-08-01/checklist.md", "- [x] done\n");
    r.commit_all("next release");
    let run = r.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RELGATE-VARS", "", None)]);
    let v = run.json();
    assert_eq!(v["findings"][0]["severity"], "note");
    assert_eq!(v["findings"][0]["subject"]["line"], 3);
    assert_eq!(
        v["findings"][0]["message"],
        "the change moves release from 2024-07-15 to 2024-08-01"
    );
}

#[test]
fn a_change_that_sets_a_data_version_back_fails() {
    let r = releases();
    r.write("package.json", "{\"version\": \"1.3.9\"}\n");
    r.remove("notes/1.4.0.md");
    r.commit_all("roll the version back");
    let run = r.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RELGATE-VARS", "", None)]);
    assert_eq!(run.json()["findings"][0]["subject"]["line"], 4);
    assert!(
        run.messages()[0].starts_with("the change moves version back from 1.4.0 to 1.3.9"),
        "{:?}",
        run.messages()
    );
}

/// A test folder with one case whose `case.yaml` is `yaml`, and a `policies.yaml`.
fn tests_dir(yaml: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("t/case")).unwrap();
    std::fs::write(d.path().join("t/case/case.yaml"), yaml).unwrap();
    std::fs::write(d.path().join("t/policies.yaml"), HARMLESS).unwrap();
    d
}

#[test]
fn relgate_test_refuses_case_paths_that_leave_the_case() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(
        &secret,
        "version: 1\npolicies: [{id: X, title: TOP-SECRET-LINE, check: {bogus: 1}}]\n",
    )
    .unwrap();
    let cases = [
        (
            format!("symlinks: {{'{}': /etc/passwd}}\n", victim.display()),
            12,
        ),
        (
            "symlinks: {'../../../../../../../tmp/x': y}\n".to_string(),
            12,
        ),
        ("modes: {'/etc/passwd': '0644'}\n".to_string(), 9),
        ("delete: [../x]\n".to_string(), 10),
        (format!("policies: ['{}']\n", secret.display()), 12),
        (
            "policies: ['../../../../../../../../../../etc/hostname']\n".to_string(),
            12,
        ),
        (format!("extends: '{}'\n", outside.path().display()), 10),
    ];
    for (key, col) in cases {
        let policies = if key.starts_with("policies") {
            ""
        } else {
            "policies: [../policies.yaml]\n"
        };
        let d = tests_dir(&format!("{key}{policies}expect: {{exit: 1}}\n"));
        let run = relgate_in(d.path(), &["test", "t"]);
        assert_eq!(run.code, 2, "{key}: {}{}", run.stdout, run.stderr);
        let at = format!("case.yaml:1:{col}");
        assert!(
            run.stderr.contains(&at),
            "{key}: want {at} in\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("TOP-SECRET-LINE"), "{}", run.stderr);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    }
}

#[test]
fn relgate_test_never_writes_through_a_linked_folder() {
    let outside = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    let t = d.path().join("t");
    std::fs::create_dir_all(t.join("parent/tree")).unwrap();
    std::fs::write(t.join("policies.yaml"), HARMLESS).unwrap();
    std::fs::write(
        t.join("parent/case.yaml"),
        "policies: [../policies.yaml]\nexpect: {exit: 1}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), t.join("parent/tree/out")).unwrap();
    std::fs::create_dir_all(t.join("child/tree/out")).unwrap();
    std::fs::write(t.join("child/tree/out/planted.txt"), "x\n").unwrap();
    std::fs::write(
        t.join("child/case.yaml"),
        "extends: ../parent\nexpect: {exit: 1}\n",
    )
    .unwrap();
    let run = relgate_in(d.path(), &["test", "t"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!outside.path().join("planted.txt").exists());
    assert!(
        run.stderr.contains("child/case.yaml:1:10"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("out"), "{}", run.stderr);
}

#[test]
fn relgate_test_never_reads_a_case_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("a.txt"), "TOP-SECRET-LINE\n").unwrap();
    std::fs::write(outside.path().join("case.yaml"), "TOP-SECRET-LINE: [\n").unwrap();
    // A case whose tree/ is a link to a folder elsewhere.
    let d = tests_dir("policies: [../policies.yaml]\nexpect: {exit: 0}\n");
    std::os::unix::fs::symlink(outside.path(), d.path().join("t/case/tree")).unwrap();
    let run = relgate_in(d.path(), &["test", "t"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("t/case/tree is a symbolic link"),
        "{}",
        run.stderr
    );
    // A case.yaml that is a link to a file elsewhere.
    let d = tests_dir("");
    std::fs::remove_file(d.path().join("t/case/case.yaml")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("case.yaml"),
        d.path().join("t/case/case.yaml"),
    )
    .unwrap();
    let run = relgate_in(d.path(), &["test", "t"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("TOP-SECRET-LINE"), "{}", run.stderr);
    assert!(!run.stdout.contains("TOP-SECRET-LINE"), "{}", run.stdout);
}
