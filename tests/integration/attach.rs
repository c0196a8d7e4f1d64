//! `--attach NAME=PATH` and `attachment: NAME`: evidence the CI job produced, read from
//! outside the repository view; and the count of files each policy selected, with the
//! note on policies that pass having selected none.

use crate::common::*;

const JUNIT_OK: &str = "<testsuites>\n<testsuite name=\"real_gateway\" tests=\"2\" failures=\"0\">\n<testcase name=\"a\"/>\n<testcase name=\"b\"/>\n</testsuite>\n</testsuites>\n";
const JUNIT_FAIL: &str = "<testsuites>\n<testsuite name=\"real_gateway\" tests=\"2\" failures=\"1\">\n<testcase name=\"a\"/>\n<testcase name=\"b\"><failure message=\"boom\"/></testcase>\n</testsuite>\n</testsuites>\n";

fn policy(check: &str) -> String {
    format!("version: 1\npolicies:\n  - id: A-1\n    title: t\n    check:\n{check}")
}

/// A repository whose job wrote a git-ignored report.
fn repo_with_report(xml: &str) -> Repo {
    let repo = Repo::new();
    repo.write(".gitignore", "test-results/\n")
        .write("README.md", "x\n")
        .commit_all("c");
    repo.write("test-results/junit.xml", xml);
    repo
}

const JUNIT_ATTACHED: &str =
    "      junit:\n        attachment: report\n        suite: real_gateway\n";

#[test]
fn junit_reads_an_attached_git_ignored_report() {
    let repo = repo_with_report(JUNIT_OK);
    // Through the view, the ignored report does not exist.
    let r = repo.check_yaml(
        &policy("      junit:\n        file: test-results/junit.xml\n"),
        &[],
    );
    assert_eq!(r.findings(), [f("A-1", "test-results/junit.xml", None)]);
    assert_eq!(r.messages(), ["test-results/junit.xml does not exist"]);
    // Attached, it counts; the policy selected one file.
    let r = repo.check_yaml(
        &policy(JUNIT_ATTACHED),
        &["--attach", "report=test-results/junit.xml"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["policies"][0]["selected"], 1);
    // A failing one is a finding at the attachment, at the suite's line.
    repo.write("test-results/junit.xml", JUNIT_FAIL);
    let r = repo.check_yaml(
        &policy(JUNIT_ATTACHED),
        &["--attach", "report=test-results/junit.xml"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), [f("A-1", "attachment:report", Some(2))]);
    assert!(r.messages()[0].contains("1 failure "), "{:?}", r.messages());
    // The human report shows the attachment's line.
    let h = repo.relgate(&[
        "check",
        "--policies",
        &Policies::new(&policy(JUNIT_ATTACHED)).path(),
        "--attach",
        "report=test-results/junit.xml",
    ]);
    assert!(h.stdout.contains("── attachment:report ──"), "{}", h.stdout);
    assert!(
        h.stdout.contains("<testsuite name=\"real_gateway\""),
        "{}",
        h.stdout
    );
}

#[test]
fn a_missing_attachment_is_a_finding_that_names_the_flag() {
    let repo = repo_with_report(JUNIT_OK);
    let r = repo.check_yaml(&policy(JUNIT_ATTACHED), &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), [f("A-1", "attachment:report", None)]);
    assert_eq!(
        r.messages(),
        ["attachment 'report' was not passed: run relgate check with --attach report=PATH"]
    );
    assert_eq!(r.json()["policies"][0]["selected"], 0);
}

#[test]
fn a_path_that_cannot_be_attached_is_an_argument_error() {
    let repo = repo_with_report(JUNIT_OK);
    let yaml = policy(JUNIT_ATTACHED);
    // Missing.
    let r = repo.check_yaml(&yaml, &["--attach", "report=test-results/nope.xml"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "cannot read an attachment: --attach report=test-results/nope.xml: does not exist"
        ),
        "{}",
        r.stderr
    );
    // A symbolic link, even to a good report: never followed.
    repo.symlink("test-results/link.xml", "junit.xml");
    let r = repo.check_yaml(&yaml, &["--attach", "report=test-results/link.xml"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("test-results/link.xml: is a symbolic link"),
        "{}",
        r.stderr
    );
    // A folder.
    let r = repo.check_yaml(&yaml, &["--attach", "report=test-results"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a regular file"), "{}", r.stderr);
    // Not NAME=PATH, or a name given twice.
    let r = repo.check_yaml(&yaml, &["--attach", "test-results/junit.xml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("expected NAME=PATH"), "{}", r.stderr);
    let r = repo.check_yaml(
        &yaml,
        &[
            "--attach",
            "report=test-results/junit.xml",
            "--attach",
            "report=test-results/junit.xml",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("given twice"), "{}", r.stderr);
}

#[test]
fn an_attachment_larger_than_the_limit_is_refused() {
    let repo = repo_with_report(JUNIT_OK);
    let big = vec![b' '; 16 * 1024 * 1024 + 1];
    std::fs::write(repo.path().join("test-results/big.xml"), big).unwrap();
    let r = repo.check_yaml(
        &policy(JUNIT_ATTACHED),
        &["--attach", "report=test-results/big.xml"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("larger than the limit"), "{}", r.stderr);
}

#[test]
fn matches_captures_and_data_read_attachments() {
    let repo = Repo::new();
    repo.write(".gitignore", "out/\n")
        .write("README.md", "x\n")
        .commit_all("c");
    repo.write(
        "out/summary.txt",
        "tests: 12\nstatus: green\nran: 2024-07-16\n",
    )
    .write(
        "out/result.json",
        "{\n  \"passed\": 12,\n  \"failed\": 1\n}\n",
    );
    let yaml = "version: 1\npolicies:\n  - id: M\n    title: t\n    check:\n      matches: {attachment: summary, patterns: ['^status: green$', '^status: red$']}\n  - id: C\n    title: t\n    check:\n      captures:\n        attachment: summary\n        pattern: '^ran: (?P<d>\\S+)$'\n        dates: [{capture: d, not_after: '2024-07-01'}]\n  - id: D\n    title: t\n    check:\n      data: {attachment: result, path: failed, type: string}\n";
    let r = repo.check_yaml(
        yaml,
        &[
            "--attach",
            "summary=out/summary.txt",
            "--attach",
            "result=out/result.json",
            "--now",
            "2024-07-20",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.findings(),
        [
            f("D", "attachment:result", Some(3)),
            f("M", "attachment:summary", None),
            f("C", "attachment:summary", Some(3)),
        ]
    );
    let m = r.messages();
    assert_eq!(
        m[1],
        "attachment:summary has no line matching '^status: red$'"
    );
    assert!(m[0].contains("is an integer, expected a string"), "{m:?}");
    // The data format comes from the attached file's name.
    let r = repo.check_yaml(
        "version: 1\npolicies:\n  - id: D\n    title: t\n    check:\n      data: {attachment: result, path: passed, type: integer}\n",
        &["--attach", "result=out/result.json"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn file_and_attachment_together_or_neither_are_load_errors() {
    let repo = repo_with_report(JUNIT_OK);
    let r = repo.check_yaml(
        &policy("      junit:\n        file: a.xml\n        attachment: report\n"),
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            ":8:21: error[relgate::policy::bad_value]: give either 'file' or 'attachment', not both"
        ),
        "{}",
        r.stderr
    );
    let r = repo.check_yaml(&policy("      junit:\n        suite: x\n"), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the check needs 'file' or 'attachment'"),
        "{}",
        r.stderr
    );
    let r = repo.check_yaml(
        &policy("      matches: {files: a, attachment: report, patterns: x}\n"),
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("give either 'files' or 'attachment', not both"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------
// Vacuous passes: `selected`, the note, `min_files`.

const VACUOUS: &str = "version: 1\npolicies:\n  - id: DR-015\n    title: docs are UTF-8\n    check:\n      encoding: {files: 'docs/**/*.md'}\n  - id: NM\n    title: no TODO\n    check:\n      not_matches: {files: 'src/**/*.rs', patterns: TODO}\n  - id: OK\n    title: readme\n    check:\n      matches: {files: README.md, patterns: x}\n";

#[test]
fn a_policy_that_passes_having_selected_no_file_is_named() {
    let repo = Repo::new();
    repo.write("README.md", "x\n")
        .write("doc/manual.md", "typo in the folder name\n")
        .commit_all("c");
    let r = repo.check_yaml(VACUOUS, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let selected: Vec<(String, u64)> = r.json()["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["selected"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        selected,
        [("DR-015".into(), 0), ("NM".into(), 0), ("OK".into(), 1)]
    );
    let p = Policies::new(VACUOUS);
    let h = repo.relgate(&["check", "--policies", &p.path()]);
    assert_eq!(h.code, 0);
    let notes = h.lines_starting("note:");
    assert_eq!(
        notes,
        [
            "note: DR-015 passed but selected no file: docs/**/*.md matched nothing",
            "note: NM passed but selected no file: src/**/*.rs matched nothing",
        ],
        "{}",
        h.stdout
    );
    // Notes, not findings.
    assert!(r.findings().is_empty());
    // Once the glob selects a file, the note goes.
    repo.write("docs/guide.md", "ok\n").commit_all("docs");
    let h = repo.relgate(&["check", "--policies", &p.path()]);
    assert!(!h.stdout.contains("note: DR-015"), "{}", h.stdout);
    assert!(h.stdout.contains("note: NM passed"), "{}", h.stdout);
}

#[test]
fn min_files_turns_an_empty_selection_into_a_finding() {
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("c");
    let with_min = VACUOUS
        .replace("'docs/**/*.md'}", "'docs/**/*.md', min_files: 1}")
        .replace("patterns: TODO}", "patterns: TODO, min_files: 1}");
    let r = repo.check_yaml(&with_min, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(
        r.findings(),
        [f("DR-015", "docs", None), f("NM", "src", None)]
    );
    assert_eq!(
        r.messages(),
        [
            "no file matches 'docs/**/*.md'",
            "no file matches 'src/**/*.rs'"
        ]
    );
    // Two wanted, one found.
    repo.write("docs/a.md", "a\n").commit_all("a");
    let r = repo.check_yaml(
        &VACUOUS.replace("'docs/**/*.md'}", "'docs/**/*.md', min_files: 2}"),
        &[],
    );
    assert_eq!(
        r.messages(),
        ["'docs/**/*.md' selected 1 file, fewer than min_files: 2"]
    );
    // mode already wants one file; min_files: 0 allows none.
    let mode = policy("      mode: {files: 'bin/*', mode: '0755', min_files: 0}\n");
    assert_eq!(repo.check_yaml(&mode, &[]).code, 0);
    let mode = policy("      mode: {files: 'bin/*', mode: '0755'}\n");
    assert_eq!(
        repo.check_yaml(&mode, &[]).messages(),
        ["no file matches 'bin/*'"]
    );
    // Negative is a load error.
    let r = repo.check_yaml(&policy("      encoding: {files: x, min_files: -1}\n"), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'min_files' must not be negative"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_change_scoped_policy_that_did_not_fire_says_so() {
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("base");
    repo.write("notes.txt", "n\n").commit_all("change");
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: CH\n    title: t\n    check:\n      changes: {touches: 'migrations/**', must_modify: CHANGELOG.md}\n",
    );
    let h = repo.relgate(&["check", "--policies", &p.path(), "--base", "HEAD~1"]);
    assert_eq!(h.code, 0, "{}{}", h.stdout, h.stderr);
    assert!(
        h.stdout.contains(
            "note: CH passed but selected no file: the change touches none of its trigger paths"
        ),
        "{}",
        h.stdout
    );
}

/// The evidence is what the job produced, never what the pull request committed: a
/// folder the pull request commits as a link is not followed (it could lead to a
/// passing report committed elsewhere), and a file git tracks is refused, whatever
/// the path that names it.
#[test]
fn an_attachment_through_a_link_or_tracked_by_the_repository_is_refused() {
    let repo = Repo::new();
    repo.write("README.md", "x\n")
        .write("evidence/junit.xml", JUNIT_OK)
        .symlink("test-results", "evidence")
        .commit_all("the pull request's own evidence");
    let yaml = policy(JUNIT_ATTACHED);
    let refused = |attach: &str, cwd: &std::path::Path, why: &str| {
        let p = Policies::new(&yaml);
        let r = relgate_in(
            cwd,
            &[
                "check",
                repo.path().to_str().unwrap(),
                "--policies",
                &p.path(),
                "--format",
                "json",
                "--attach",
                &format!("report={attach}"),
            ],
        );
        assert_eq!(r.code, 2, "{attach}: {}{}", r.stdout, r.stderr);
        let want = format!("cannot read an attachment: --attach report={attach}: {why}");
        assert!(
            r.stderr.contains(&want),
            "{attach}: want {want:?} in\n{}",
            r.stderr
        );
    };
    // A linked folder on the way, relative or absolute.
    refused(
        "test-results/junit.xml",
        repo.path(),
        "test-results is a symbolic link; relgate never follows links",
    );
    let abs = repo.path().join("test-results/junit.xml");
    let link = repo.path().join("test-results");
    refused(
        abs.to_str().unwrap(),
        repo.path(),
        &format!("{} is a symbolic link", link.display()),
    );
    // The committed report itself, by any path.
    let tracked = "is evidence/junit.xml, a file the repository under check tracks: \
                   attach what the job produced, not a file of the pull request";
    refused("evidence/junit.xml", repo.path(), tracked);
    refused(
        "../evidence/junit.xml",
        &repo.path().join("evidence"),
        tracked,
    );
    let outside = tempfile::tempdir().unwrap();
    refused(
        repo.path().join("evidence/junit.xml").to_str().unwrap(),
        outside.path(),
        tracked,
    );
    // Staged but not committed: tracked all the same.
    repo.write("evidence/staged.xml", JUNIT_OK);
    repo.git(&["add", "evidence/staged.xml"]);
    refused(
        "evidence/staged.xml",
        repo.path(),
        "is evidence/staged.xml, a file the repository under check tracks",
    );
    // A report the job wrote beside them, untracked, is evidence.
    repo.write("evidence/job.xml", JUNIT_OK);
    let r = repo.check_yaml(&yaml, &["--attach", "report=evidence/job.xml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // So is one outside the repository.
    let report = outside.path().join("junit.xml");
    std::fs::write(&report, JUNIT_OK).unwrap();
    let r = repo.check_yaml(
        &yaml,
        &["--attach", &format!("report={}", report.display())],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
