//! Variables from data files, `{branch}` / `{base_branch}`, the `var` condition,
//! and `--var` names that nothing uses.

use crate::common::*;

const POLICIES: &str = r#"version: 1
vars:
  version: {data: {file: pyproject.toml, path: project.version}}
policies:
  - id: CHANGELOG
    title: The CHANGELOG has a section for the version
    check:
      matches: {files: CHANGELOG.md, patterns: '^## {version}$'}
  - id: NO-TODO
    title: No TODO on release branches
    when:
      var: {name: branch, matches: '^release/'}
    check:
      not_matches: {files: 'src/*.py', patterns: 'TODO'}
  - id: TARGET
    title: Pull requests go to main
    check:
      var: {name: base_branch, equals: main}
"#;

fn python_repo() -> Repo {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "main"]);
    repo.write(".relgate/policies.yaml", POLICIES)
        .write(
            "pyproject.toml",
            "[project]\nname = \"lib\"\nversion = \"1.4.0\"\n",
        )
        .write("CHANGELOG.md", "# Changes\n\n## 1.4.0\n")
        .write("src/lib.py", "x = 1  # TODO later\n")
        .commit_all("lib 1.4.0");
    repo
}

/// `relgate check --format json ARGS`, outside any pull request unless `env` says so.
fn check(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = relgate_command(repo.path());
    cmd.env_remove("GITHUB_HEAD_REF")
        .env_remove("GITHUB_BASE_REF")
        .args(["check", "--format", "json"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_version_read_from_pyproject_and_branches_from_git() {
    let repo = python_repo();
    // On main with --base main: the version comes from the file, NO-TODO is skipped.
    let run = check(&repo, &["--base", "main"], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["vars"]["version"], "1.4.0");
    assert_eq!(run.status("CHANGELOG"), "pass");
    assert_eq!(run.status("NO-TODO"), "skip");
    assert_eq!(run.status("TARGET"), "pass");

    // A release branch: the TODO is a finding, at its line.
    repo.git(&["checkout", "-q", "-b", "release/1.4"]);
    let run = check(&repo, &["--base", "main"], &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("NO-TODO", "src/lib.py", Some(1))]);
    // --rev names the branch even when HEAD is elsewhere.
    repo.git(&["checkout", "-q", "main"]);
    let run = check(&repo, &["--rev", "release/1.4", "--base", "main"], &[]);
    assert_eq!(run.findings(), [f("NO-TODO", "src/lib.py", Some(1))]);

    // The version moves with the file: no section for 1.5.0 fails CHANGELOG. With
    // --base, the move from the base's 1.4.0 is a note.
    repo.edit("pyproject.toml", "1.4.0", "1.5.0");
    let run = check(&repo, &["--base", "main"], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.findings(),
        [
            f("RELGATE-VARS", "", None),
            f("CHANGELOG", "CHANGELOG.md", None)
        ]
    );
    assert_eq!(
        run.messages()[0],
        "the change moves version from 1.4.0 to 1.5.0"
    );
    assert!(run.messages()[1].contains("1.5.0"), "{:?}", run.messages());
    assert!(!run.messages()[1].contains("1.4.0"), "{:?}", run.messages());
}

#[test]
fn a_pull_request_names_its_branches_in_the_environment() {
    let repo = python_repo();
    let sha = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["checkout", "-q", "--detach"]);
    // Detached, as actions/checkout leaves a pull request, and --base is a commit id.
    let pr = [
        ("GITHUB_HEAD_REF", "release/2.0"),
        ("GITHUB_BASE_REF", "main"),
    ];
    let run = check(&repo, &["--base", &sha], &pr);
    assert_eq!(
        run.findings(),
        [f("NO-TODO", "src/lib.py", Some(1))],
        "{}",
        run.stderr
    );
    assert_eq!(run.status("TARGET"), "pass");

    // Without them there is no branch: the policies that need one fail saying why.
    let run = check(&repo, &["--base", &sha], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.status("NO-TODO"), "fail");
    let msgs = run.messages();
    assert!(
        msgs.iter()
            .any(|m| m.contains("variable 'branch' has no value") && m.contains("GITHUB_HEAD_REF")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("variable 'base_branch' has no value")),
        "{msgs:?}"
    );
    // --var overrides a built-in.
    let run = check(
        &repo,
        &[
            "--base",
            &sha,
            "--var",
            "branch=main",
            "--var",
            "base_branch=main",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_missing_file_or_path_names_where_it_looked() {
    let repo = python_repo();
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"lib\"\nversoin = \"1.4.0\"\n",
    );
    let run = check(&repo, &["--base", "main"], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.status("CHANGELOG"), "fail");
    assert_eq!(
        run.messages(),
        [
            "variable 'version' has no value: pyproject.toml:1:1: 'project' has no key 'version' (looking for 'project.version')"
        ]
    );
    repo.remove("pyproject.toml");
    let run = check(&repo, &["--base", "main"], &[]);
    assert_eq!(
        run.messages(),
        ["variable 'version' has no value: pyproject.toml does not exist"]
    );
    // A policy file that mixes kinds is refused when loaded.
    let run = repo.check_yaml(
        "version: 1\nvars:\n  v: {data: {file: a.json, path: v}, value: x}\npolicies:\n  - id: A\n    title: a\n    check: {exists: '{v}'}\n",
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("needs exactly one of 'value', 'latest_dir', 'data'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_var_that_nothing_uses_is_an_error_with_a_suggestion() {
    let repo = python_repo();
    let run = check(&repo, &["--base", "main", "--var", "versoin=1.4.0"], &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("--var versoin: no policy declares or uses a variable 'versoin'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean 'version'?"),
        "{}",
        run.stderr
    );
    // A declared one overrides the file; so does a name only a template uses.
    let run = check(&repo, &["--base", "main", "--var", "version=1.4.0"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = repo.check_yaml(
        "version: 1\npolicies:\n  - id: A\n    title: a\n    check: {exists: '{f}'}\n",
        &["--var", "f=pyproject.toml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // `list` and `validate` judge --var the same way.
    let run = repo.relgate(&["validate", "--var", "versoin=1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean 'version'?"),
        "{}",
        run.stderr
    );
}
