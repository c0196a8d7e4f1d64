//! Issue 19, item 5: `section: {matches: REGEX}`, the first heading whose text matches, on
//! a Keep a Changelog file of a real repository.

use crate::common::*;

const POLICIES: &str = r#"version: 1
vars:
  version: {data: {file: pyproject.toml, path: project.version}}
policies:
  - id: NOTES
    title: The changelog section of the version lists changes
    check:
      matches:
        files: CHANGELOG.md
        section: {matches: '^\[{version}\]'}
        patterns: '^- \S'
  - id: TICKED
    title: The release checklist of the version is done
    check:
      checklist: {file: CHANGELOG.md, section: {matches: '^\[{version}\]'}}
"#;

fn changelog_repo(version: &str, changelog: &str) -> Repo {
    let repo = Repo::new();
    repo.write(
        "pyproject.toml",
        &format!("[project]\nname = \"lib\"\nversion = \"{version}\"\n"),
    )
    .write("CHANGELOG.md", changelog)
    .commit_all("lib");
    repo
}

const KEEP_A_CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n## [1.4.0] - 2024-07-15\n\n- [x] Fixed the retry loop\n\n## [1.3.0] - 2024-05-01\n\n- [ ] Added retries\n";

#[test]
fn a_keep_a_changelog_heading_found_by_pattern() {
    let repo = changelog_repo("1.4.0", KEEP_A_CHANGELOG);
    let run = repo.check_yaml(POLICIES, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // 1.3.0's section has an open item: found by the pattern, judged alone.
    let repo = repo_with("1.3.0");
    let run = repo.check_yaml(POLICIES, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.findings(), [f("TICKED", "CHANGELOG.md", Some(11))]);
    assert_eq!(
        run.messages(),
        ["unticked item in section '[1.3.0] - 2024-05-01': Added retries"]
    );
}

fn repo_with(version: &str) -> Repo {
    changelog_repo(version, KEEP_A_CHANGELOG)
}

#[test]
fn the_variable_is_inserted_literally_and_a_missing_heading_says_which_pattern() {
    // '1.4.0' must not match the heading '[1x4x0]': the dots are literal.
    let repo = changelog_repo(
        "1.4.0",
        "# Changelog\n\n## [1x4x0] - 2024-07-15\n\n- [x] Fixed\n",
    );
    let run = repo.check_yaml(POLICIES, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.findings(),
        [
            f("NOTES", "CHANGELOG.md", None),
            f("TICKED", "CHANGELOG.md", None)
        ]
    );
    assert_eq!(
        run.messages()[0],
        r"CHANGELOG.md has no heading matching '^\[1\.4\.0\]'"
    );
    // The first matching heading wins.
    let repo = changelog_repo(
        "1.4.0",
        "# Changelog\n\n## [1.4.0] - 2024-07-15\n\n- [x] a\n\n## [1.4.0] - again\n\n- [ ] b\n",
    );
    assert_eq!(repo.check_yaml(POLICIES, &[]).code, 0);
}

#[test]
fn section_patterns_have_located_load_errors() {
    let repo = Repo::new();
    let policy = |section: &str| {
        format!(
            "version: 1\npolicies:\n  - id: A\n    title: t\n    check:\n      checklist: {{file: C.md, section: {section}}}\n"
        )
    };
    let run = repo.check_yaml(&policy("{matches: '(x'}"), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(":6:51: error[relgate::policy::bad_regex]: invalid regex '(x'"),
        "{}",
        run.stderr
    );
    let run = repo.check_yaml(&policy("{match: x}"), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error[relgate::policy::unknown_key]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean 'matches'?"),
        "{}",
        run.stderr
    );
    let run = repo.check_yaml(&policy("{matches: '{nope}'}"), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown_variable"), "{}", run.stderr);
}
