//! Stages: `tags:` on policies, `--only` / `--skip` on `check`, `list`, `test` and the
//! pre-commit hook; policies not selected are not evaluated, only counted.

use crate::common::*;
use std::path::Path;

const POLICIES: &str = r#"version: 1
policies:
  - id: LOCAL-1
    title: a readme is committed
    check: {exists: README.md}
  - id: CI-1
    title: test evidence is committed
    tags: [ci, evidence]
    check: {exists: reports/junit.xml}
  - id: CI-2
    title: a changelog is committed
    tags: [ci]
    check: {exists: CHANGELOG.md}
"#;

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write(".relgate/policies.yaml", POLICIES)
        .write("README.md", "x\n")
        .commit_all("init");
    repo
}

fn ids(run: &Run) -> Vec<String> {
    run.json()["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .map(|p| p["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn only_and_skip_select_by_tag_or_id_and_count_the_rest() {
    let repo = repo();
    let all = repo.relgate(&["check", "--format", "json"]);
    assert_eq!(all.code, 1, "{}", all.stderr);
    assert_eq!(ids(&all), ["LOCAL-1", "CI-1", "CI-2"]);
    assert!(all.json()["summary"].get("not_selected").is_none());

    let skip = repo.relgate(&["check", "--skip", "ci", "--format", "json"]);
    assert_eq!(skip.code, 0, "{}", skip.stdout);
    assert_eq!(ids(&skip), ["LOCAL-1"]);
    assert_eq!(skip.json()["summary"]["not_selected"], 2);
    assert_eq!(skip.json()["summary"]["policies"], 1);

    let only = repo.relgate(&["check", "--only", "ci", "--format", "json"]);
    assert_eq!(only.code, 1);
    assert_eq!(ids(&only), ["CI-1", "CI-2"]);
    assert_eq!(
        only.findings(),
        [
            f("CI-2", "CHANGELOG.md", None),
            f("CI-1", "reports/junit.xml", None)
        ]
    );
    assert_eq!(only.json()["summary"]["not_selected"], 1);

    // An id works as a tag does; --skip applies after --only.
    let run = repo.relgate(&[
        "check", "--only", "ci", "--only", "LOCAL-1", "--skip", "evidence", "--format", "json",
    ]);
    assert_eq!(ids(&run), ["LOCAL-1", "CI-2"]);
    assert_eq!(run.json()["summary"]["not_selected"], 1);

    // The human summary counts them.
    let human = repo.relgate(&["check", "--skip", "ci"]);
    assert_eq!(human.code, 0, "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("1 policy: 1 passed, 0 failed, 0 skipped, 0 waived; 0 errors, 0 warnings, 0 notes; 2 not selected"),
        "{}",
        human.stdout
    );
    let md = repo.relgate(&["check", "--skip", "ci", "--format", "markdown"]);
    assert!(md.stdout.contains(" · 2 not selected"), "{}", md.stdout);
    let gh = repo.relgate(&["check", "--skip", "CI-1", "--format", "github"]);
    assert!(
        gh.stdout.contains("0 notes; 1 not selected"),
        "{}",
        gh.stdout
    );
}

#[test]
fn an_unknown_tag_or_id_is_a_usage_error_with_a_suggestion() {
    let repo = repo();
    for cmd in ["check", "list"] {
        let run = repo.relgate(&[cmd, "--skip", "cj"]);
        assert_eq!(run.code, 2, "{cmd}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains("--skip cj: no policy has the tag or id 'cj'"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("did you mean 'ci'?"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    let run = repo.relgate(&["check", "--only", "zzz"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("tags: ci, evidence"), "{}", run.stderr);
}

#[test]
fn list_shows_tags_and_selects() {
    let repo = repo();
    let run = repo.relgate(&["list", "--only", "evidence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "CI-1  error    test evidence is committed  [ci, evidence]\n2 not selected\n"
    );
    let run = repo.relgate(&["list", "--format", "json", "--skip", "ci"]);
    let list = run.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["id"], "LOCAL-1");
    assert_eq!(list[0]["tags"], serde_json::json!([]));
    let run = repo.relgate(&["explain", "CI-1"]);
    assert!(
        run.stdout
            .contains("\ntags:      ci, evidence (--only / --skip)\n"),
        "{}",
        run.stdout
    );
    let run = repo.relgate(&["explain", "CI-1", "--format", "json"]);
    assert_eq!(run.json()["tags"], serde_json::json!(["ci", "evidence"]));
}

#[test]
fn a_bad_tag_is_a_located_load_error() {
    let repo = Repo::new();
    let run = repo.check_yaml(
        "version: 1\npolicies:\n  - id: A\n    title: t\n    tags: [ci, 'not ok']\n    check: {exists: x}\n",
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(":5:16: error[relgate::policy::bad_value]: invalid tag 'not ok'"),
        "{}",
        run.stderr
    );
    let run = repo.check_yaml(
        "version: 1\npolicies:\n  - id: A\n    title: t\n    tags: {ci: 1}\n    check: {exists: x}\n",
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(":5:11: error[relgate::policy::wrong_type]"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_takes_only_and_skip_and_ignores_expectations_about_the_rest() {
    let repo = repo();
    let case = repo.path().join(".relgate/tests/evidence-missing");
    std::fs::create_dir_all(case.join("tree")).unwrap();
    std::fs::write(case.join("tree/README.md"), "x\n").unwrap();
    std::fs::write(
        case.join("case.yaml"),
        "expect:\n  status: {LOCAL-1: pass, CI-1: fail, CI-2: fail}\n",
    )
    .unwrap();
    let run = repo.relgate(&["test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Only the ci policies run; the expectation about LOCAL-1 is not checked.
    let run = repo.relgate(&["test", "--only", "ci", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = repo.relgate(&["test", "--skip", "evidense"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("did you mean 'evidence'?"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_hook_skips_ci_policies_so_a_local_commit_is_not_blocked_by_them() {
    let repo = repo();
    let run = repo.relgate(&["install-hook", "--", "--skip", "ci"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    repo.write("src.txt", "y\n");
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(repo.path(), "local work");
    assert!(ok, "{out}");
    assert!(out.contains("; 2 not selected"), "{out}");
    // Without --skip the CI-only evidence policy blocks the commit.
    let run = repo.relgate(&["install-hook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    repo.write("src.txt", "z\n");
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(repo.path(), "blocked");
    assert!(!ok, "{out}");
    assert!(out.contains("CI-1"), "{out}");
}

#[test]
fn relgate_dir_is_read_recursively_and_a_file_named_twice_is_loaded_once() {
    let repo = Repo::new();
    repo.write(".relgate/policies.yaml", POLICIES)
        .write(
            ".relgate/teams/docs/docs.yaml",
            "version: 1\npolicies:\n  - id: DOC-1\n    title: docs\n    check: {exists: docs}\n",
        )
        .write("README.md", "x\n")
        .commit_all("init");
    let run = repo.relgate(&["check", "--only", "DOC-1", "--format", "json"]);
    assert_eq!(ids(&run), ["DOC-1"]);
    // A folder and a file in it: the file is loaded once (no duplicate id).
    let run = repo.relgate(&[
        "check",
        "--policies",
        ".relgate",
        "--policies",
        ".relgate/teams/docs/docs.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(ids(&run), ["LOCAL-1", "CI-1", "CI-2", "DOC-1"]);
    let run = repo.relgate(&[
        "list",
        "--policies",
        ".relgate",
        "--policies",
        "./.relgate/teams/docs/docs.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("DOC-1").count(), 1, "{}", run.stdout);
}

/// `git commit` with a PATH that has git but no `relgate` (the hook falls back to the
/// binary that installed it).
fn commit(dir: &Path, msg: &str) -> (bool, String) {
    let out = command("git")
        .args([
            "-c",
            "user.name=relgate",
            "-c",
            "user.email=t@relgate.invalid",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "-m",
            msg,
        ])
        .current_dir(dir)
        .env("PATH", "/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
