//! Messages that say what they saw: the closest headings of a missing section, a
//! `--var` name one edit away, the values a `not:` saw, help templates filled with
//! every value there is, built-in variables in the judged line.

use crate::common::*;

const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n## [2.0.1] - 2022-02-08\n- fix\n\n## [2.0.0] - 2022-01-10\n- new\n";

#[test]
fn a_section_that_names_no_heading_suggests_the_closest() {
    let repo = Repo::new();
    repo.write("CHANGELOG.md", CHANGELOG).commit_all("c");
    let policy = |section: &str| {
        format!(
            "version: 1\npolicies:\n  - id: CL\n    title: t\n    check:\n      matches: {{files: CHANGELOG.md, patterns: '^- ', section: '{section}'}}\n"
        )
    };
    let r = repo.check_yaml(&policy("2.0.1"), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.findings(), [f("CL", "CHANGELOG.md", None)]);
    assert_eq!(
        r.messages(),
        ["CHANGELOG.md has no heading '2.0.1'; did you mean '[2.0.1] - 2022-02-08'?"]
    );
    // Look-alikes when no heading contains the name, closest first.
    let r = repo.check_yaml(&policy("[2.0.2] - 2022-02-08"), &[]);
    assert_eq!(
        r.messages(),
        [
            "CHANGELOG.md has no heading '[2.0.2] - 2022-02-08'; did you mean '[2.0.1] - 2022-02-08' or '[2.0.0] - 2022-01-10'?"
        ]
    );
    // Nothing alike: no guess.
    let r = repo.check_yaml(&policy("Security"), &[]);
    assert_eq!(r.messages(), ["CHANGELOG.md has no heading 'Security'"]);
    // The heading found: the section is searched.
    assert_eq!(
        repo.check_yaml(&policy("[2.0.1] - 2022-02-08"), &[]).code,
        0
    );
}

#[test]
fn a_var_name_with_letters_swapped_gets_a_suggestion() {
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("c");
    let yaml = "version: 1\nvars:\n  tag: {description: the release tag}\npolicies:\n  - id: T\n    title: t\n    check: {exists: 'docs/{tag}.md'}\n";
    let r = repo.check_yaml(yaml, &["--var", "tga=v1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--var tga: no policy declares or uses a variable 'tga'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("help: did you mean 'tag'?"),
        "{}",
        r.stderr
    );
}

#[test]
fn help_fills_in_every_variable_that_has_a_value() {
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("c");
    let yaml = "version: 1
vars:
  payment_mode: card
  release: {description: the release date}
policies:
  - id: H
    title: t
    help: 'Run the {payment_mode} drill for {release}.'
    check: {exists: 'docs/{release}.md'}
";
    let r = repo.check_yaml(yaml, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(
        j["findings"][0]["help"],
        "Run the card drill for {release}."
    );
    let r = repo.check_yaml(yaml, &["--var", "release=2024-07-15"]);
    assert_eq!(
        r.json()["findings"][0]["help"],
        "Run the card drill for 2024-07-15."
    );
}

#[test]
fn built_in_variables_the_run_used_are_reported_with_their_values() {
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("c");
    repo.git(&["checkout", "-q", "-b", "release/1.2"]);
    let yaml = "version: 1
vars:
  owner: team
policies:
  - id: R
    title: release notes on release branches
    when: {var: {name: branch, matches: '^release/'}}
    check: {exists: NOTES.md}
";
    let r = repo.check_yaml(yaml, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let vars = &r.json()["vars"];
    assert_eq!(
        vars,
        &serde_json::json!({"branch": "release/1.2", "owner": "team"})
    );
    let p = Policies::new(yaml);
    let human = repo.relgate(&["check", "--policies", &p.path()]);
    let first = human.stdout.lines().next().unwrap();
    assert!(
        first.ends_with("; vars: branch=release/1.2, owner=team"),
        "{first}"
    );
    // A built-in nobody uses is not listed; one without a value is listed as such.
    let r = repo.check_yaml(
        "version: 1\npolicies:\n  - id: B\n    title: t\n    check: {exists: 'docs/{base_branch}.md'}\n",
        &[],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["vars"], serde_json::json!({"base_branch": null}));
}

const PYPROJECT: &str = "[project]\nname = \"lib\"\nversion = \"1.4.0-rc1\"\n";

const FROM_DATA: &str = r"version: 1
vars:
  version: {data: {file: pyproject.toml, path: project.version}}
  kind: {description: the kind of release}
policies:
  - id: NR
    title: no release candidate
    check:
      not: {var: {name: version, matches: '-rc'}}
  - id: NK
    title: not a hotfix
    check:
      not: {var: {name: kind, equals: hotfix}}
  - id: V
    title: a 1.x version
    check: {var: {name: version, matches: '^1\.'}}
";

#[test]
fn a_not_that_fails_says_what_held_and_where_it_was_read() {
    let repo = Repo::new();
    repo.write("pyproject.toml", PYPROJECT).commit_all("c");
    let r = repo.check_yaml(FROM_DATA, &["--var", "kind=hotfix"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.findings(),
        [f("NK", "", None), f("NR", "pyproject.toml", Some(3))]
    );
    assert_eq!(
        r.messages(),
        [
            "'var' holds, but must not: variable 'kind' is 'hotfix'",
            "'var' holds, but must not: variable 'version' is '1.4.0-rc1' (read from pyproject.toml:3), which matches '-rc'",
        ]
    );
    let j = r.json();
    assert_eq!(j["findings"][0]["subject"]["kind"], "repository");
    assert_eq!(j["findings"][1]["snippet"], "version = \"1.4.0-rc1\"");
}

#[test]
fn a_policy_whose_only_input_is_a_data_variable_selected_its_file() {
    let repo = Repo::new();
    repo.write("pyproject.toml", PYPROJECT).commit_all("c");
    repo.write("README.md", "x\n").commit_all("readme");
    let yaml = format!(
        "{FROM_DATA}  - id: H\n    title: a README\n    help: 'Add a README for {{version}}.'\n    check: {{exists: README.md}}\n"
    );
    let r = repo.check_yaml(&yaml, &["--var", "kind=major"]);
    let j = r.json();
    let selected = |id: &str| {
        j["policies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["selected"]
            .as_u64()
    };
    assert_eq!(r.status("V"), "pass");
    assert_eq!(selected("V"), Some(1));
    assert_eq!(selected("NR"), Some(1));
    // A `--var` is no file: nothing selected.
    assert_eq!(r.status("NK"), "pass");
    assert_eq!(selected("NK"), Some(0));
    // A help that names the variable judges nothing with it: only the README counts.
    assert_eq!(r.status("H"), "pass");
    assert_eq!(selected("H"), Some(1));
    let p = Policies::new(&yaml);
    let human = repo.relgate(&["check", "--policies", &p.path(), "--var", "kind=major"]);
    assert!(
        !human.stdout.contains("V passed but selected no file"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("NK passed but selected no file"),
        "{}",
        human.stdout
    );
}

/// `validate` reads the allowed-signers files a `signature` check names, and refuses
/// a line `check` would report, with the same words at the same line.
#[test]
fn validate_refuses_a_broken_signers_file_as_check_reports_it() {
    let repo = Repo::new();
    repo.write(
        ".relgate/config.yaml",
        "version: 1\nvars:\n  signers: .relgate/signers\npolicies:\n  - id: S-1\n    title: The approval is signed\n    check:\n      signature: {file: docs/approval.md, signers: '{signers}'}\n",
    )
    .write(".relgate/signers", "# steering\nana@example.com\n")
    .write("docs/approval.md", "ok\n")
    .commit_all("c");
    let check = repo.relgate(&["check", "--format", "json"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let j = check.json();
    let finding = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == ".relgate/signers")
        .unwrap()
        .clone();
    assert_eq!(finding["line"], 2);
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.starts_with(".relgate/signers: missing"),
        "{message}"
    );
    let v = repo.relgate(&["validate"]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    let first = v.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        format!(".relgate/signers:2:16: error[relgate::policy::bad_value]: {message}")
    );
    let json = repo.relgate(&["validate", "--format", "json"]);
    let e = &json.json()["errors"][0];
    assert_eq!(
        (e["file"].as_str(), e["line"].as_u64(), e["column"].as_u64()),
        (Some(".relgate/signers"), Some(2), Some(16))
    );
    assert_eq!(e["message"], message);
    // A path given with --var is read too; a file that is not there is left to check.
    repo.write("other-signers", "bo@example.com\n");
    let v = repo.relgate(&["validate", "--var", "signers=other-signers"]);
    assert_eq!(v.code, 2);
    assert!(
        v.stderr.starts_with(
            "other-signers:1:15: error[relgate::policy::bad_value]: other-signers: missing"
        ),
        "{}",
        v.stderr
    );
    assert_eq!(repo.relgate(&["validate", "--var", "signers=nope"]).code, 0);
    // A signers file that is a link is refused, never read.
    repo.remove("other-signers")
        .symlink("other-signers", "/etc/passwd");
    let v = repo.relgate(&["validate", "--var", "signers=other-signers"]);
    assert_eq!(v.code, 2);
    assert!(v.stderr.contains("symbolic link"), "{}", v.stderr);
    assert!(!v.stderr.contains("root:"), "{}", v.stderr);
}

#[test]
fn a_not_over_text_or_files_says_which_line_or_file_held() {
    let repo = Repo::new();
    repo.write("docs/a.md", "# A\nintro\nDRAFT: not final\n")
        .write("docs/old/x.md", "x\n")
        .commit_all("c");
    let r = repo.check_yaml(
        "version: 1\npolicies:\n  - id: ND\n    title: no draft\n    check:\n      not: {matches: {files: 'docs/*.md', patterns: '^DRAFT'}}\n  - id: NO\n    title: no old docs\n    check:\n      not: {exists: 'docs/old/*.md'}\n",
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.findings(),
        [
            f("ND", "docs/a.md", Some(3)),
            f("NO", "docs/old/x.md", None)
        ]
    );
    assert_eq!(
        r.messages(),
        [
            "'matches' holds, but must not: docs/a.md:3 has 'DRAFT', which matches '^DRAFT'",
            "'exists' holds, but must not: docs/old/x.md exists, which matches 'docs/old/*.md'",
        ]
    );
}

/// `not:` over `captures`: the line whose captures met the comparisons, where it is.
#[test]
fn a_not_over_captures_says_which_line_held() {
    let repo = Repo::new();
    repo.write(
        "CHANGELOG.md",
        "# Changelog\n\n## 1.2.0 - 2024-07-01\n- x\n",
    )
    .commit_all("c");
    let r = repo.check_yaml(
        "version: 1\npolicies:\n  - id: NC\n    title: no release dated before July 2024\n    check:\n      not:\n        captures:\n          file: CHANGELOG.md\n          pattern: '^## (?P<v>\\S+) - (?P<d>\\d{4}-\\d{2}-\\d{2})'\n          dates: [{capture: d, not_after: '2024-07-15'}]\n",
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.findings(), [f("NC", "CHANGELOG.md", Some(3))]);
    assert_eq!(
        r.messages(),
        [
            "'captures' holds, but must not: CHANGELOG.md:3 has '## 1.2.0 - 2024-07-01', which matches '^## (?P<v>\\S+) - (?P<d>\\d{4}-\\d{2}-\\d{2})'"
        ]
    );
}
