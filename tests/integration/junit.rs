//! `junit`: the release's test evidence.

use crate::common::*;

const POLICY: &str = r#"version: 1
vars:
  release: '2024-07-15'
policies:
  - id: J
    title: real gateway evidence
    check:
      junit:
        file: 'releases/{release}/evidence/real_gateway.xml'
        suite: real_gateway
        min_tests: 1
        max_failures: 0
        max_errors: 0
        min_executed: 1
"#;

const PATH: &str = "releases/2024-07-15/evidence/real_gateway.xml";

fn f(line: Option<u64>) -> (String, String, Option<u64>) {
    ("J".into(), PATH.into(), line)
}

fn run(repo: &Repo) -> Run {
    repo.check_yaml(POLICY, &[])
}

fn with(xml: &str) -> (Repo, Run) {
    let repo = Repo::new();
    repo.write(PATH, xml).commit_all("evidence");
    let r = run(&repo);
    (repo, r)
}

#[test]
fn passes_with_either_root() {
    let pytest = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n  <testsuite name=\"real_gateway\" errors=\"0\" failures=\"0\" skipped=\"1\" tests=\"3\" time=\"1.2\">\n    <testcase classname=\"t\" name=\"a\"/>\n    <testcase classname=\"t\" name=\"b\"/>\n    <testcase classname=\"t\" name=\"c\"><skipped message=\"x\"/></testcase>\n  </testsuite>\n</testsuites>\n";
    let (_, r) = with(pytest);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let single =
        "<testsuite name=\"real_gateway\" tests=\"1\">\n  <testcase name=\"a\"/>\n</testsuite>\n";
    let (_, r) = with(single);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn missing_file() {
    let repo = Repo::new();
    repo.write("README.md", "x").commit_all("c");
    let r = run(&repo);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f(None)]);
    assert_eq!(r.messages(), [format!("{PATH} does not exist")]);
}

#[test]
fn failures_and_errors_at_the_suite() {
    let (_, r) = with(
        "<?xml version=\"1.0\"?>\n<testsuites>\n  <testsuite name=\"unit\" tests=\"9\"/>\n  <testsuite name=\"real_gateway\" tests=\"2\" failures=\"1\" errors=\"1\">\n    <testcase name=\"a\"><failure/></testcase>\n    <testcase name=\"b\"><error/></testcase>\n  </testsuite>\n</testsuites>\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f(Some(4)), f(Some(4))]);
    assert_eq!(
        r.messages(),
        [
            "testsuite 'real_gateway' has 1 errors (at most 0 allowed)",
            "testsuite 'real_gateway' has 1 failures (at most 0 allowed)",
        ]
    );
}

#[test]
fn all_skipped_and_empty() {
    let (_, r) = with(
        "<testsuite name=\"real_gateway\" tests=\"2\" skipped=\"2\">\n  <testcase name=\"a\"><skipped/></testcase>\n  <testcase name=\"b\"><skipped/></testcase>\n</testsuite>\n",
    );
    assert_eq!(r.findings(), vec![f(Some(1))]);
    assert_eq!(
        r.messages(),
        ["testsuite 'real_gateway' ran 0 of its 2 tests (2 skipped), fewer than 1"]
    );
    let (_, r) =
        with("<testsuites>\n<testsuite name=\"real_gateway\" tests=\"0\"/>\n</testsuites>\n");
    assert_eq!(r.findings(), vec![f(Some(2))]);
    assert_eq!(
        r.messages(),
        ["testsuite 'real_gateway' has 0 tests, fewer than 1"]
    );
}

#[test]
fn wrong_suite() {
    let (_, r) = with(
        "<testsuites>\n  <testsuite name=\"unit\" tests=\"1\"/>\n  <testsuite name=\"integration\" tests=\"1\"/>\n</testsuites>\n",
    );
    assert_eq!(r.findings(), vec![f(None)]);
    assert_eq!(
        r.messages(),
        [format!(
            "{PATH} has no testsuite named 'real_gateway' (found 'unit', 'integration')"
        )]
    );
    let (_, r) = with("<testsuites/>\n");
    assert_eq!(
        r.messages(),
        [format!(
            "{PATH} has no testsuite named 'real_gateway' (it has no testsuite)"
        )]
    );
}

#[test]
fn not_xml_or_not_junit() {
    let (_, r) = with("tests passed, trust me\n");
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f(Some(1))]);
    assert!(
        r.messages()[0].starts_with(&format!("{PATH} is not a JUnit XML report: ")),
        "{}",
        r.stdout
    );
    let (_, r) = with("<?xml version=\"1.0\"?>\n<html><body/></html>\n");
    assert_eq!(r.findings(), vec![f(Some(2))]);
    let (_, r) = with(
        "<testsuite name=\"real_gateway\" tests=\"1\">\n  <testcase name=\"a\">\n</testsuite>\n",
    );
    assert_eq!(r.findings(), vec![f(Some(3))]);
}
