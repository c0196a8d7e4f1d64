//! `junit`: the release's test evidence.

use crate::common::*;

mod corpus;
mod variants;

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
            "testsuite 'real_gateway' has 1 error (at most 0 allowed): b (line 6)",
            "testsuite 'real_gateway' has 1 failure (at most 0 allowed): a (line 5)",
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
        r.messages()[0].starts_with(&format!("{PATH}: not well-formed XML: ")),
        "{}",
        r.stdout
    );
    let (_, r) = with("<?xml version=\"1.0\"?>\n<html><body/></html>\n");
    assert_eq!(r.findings(), vec![f(Some(2))]);
    assert_eq!(
        r.messages(),
        [format!(
            "{PATH}: not a JUnit XML report: the root element is <html>, not <testsuite> or <testsuites>"
        )]
    );
    let (_, r) = with(
        "<testsuite name=\"real_gateway\" tests=\"1\">\n  <testcase name=\"a\">\n</testsuite>\n",
    );
    assert_eq!(r.findings(), vec![f(Some(3))]);
    assert_eq!(
        r.messages(),
        [format!(
            "{PATH}: not well-formed XML: the end tag </testsuite> does not match the open element <testcase>"
        )]
    );
}

#[test]
fn a_nested_failure_fails_the_suite_that_says_zero_and_names_the_test() {
    let (_, r) = with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"real_gateway\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"0\">\n  <testcase classname=\"tests.test_gateway\" name=\"test_charge\"/>\n  <testsuite name=\"refunds\">\n    <testcase classname=\"tests.test_refund\" name=\"test_partial\" time=\"0.2\">\n      <failure message=\"AssertionError: 10 != 12\">long trace</failure>\n    </testcase>\n  </testsuite>\n</testsuite>\n</testsuites>\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f(Some(3))]);
    assert_eq!(
        r.messages(),
        [
            "testsuite 'real_gateway' has 1 failure (at most 0 allowed); it says failures=\"0\" but 1 of its test cases failed, so it is judged by the worse: tests.test_refund::test_partial (line 6: AssertionError: 10 != 12)"
        ]
    );
}

#[test]
fn real_pytest_report_names_the_failing_and_erroring_tests() {
    // Written by `pytest --junitxml -o junit_suite_name=real_gateway` (one line).
    let xml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpora/junit/generated/pytest-mixed.xml"
    ))
    .unwrap();
    let (_, r) = with(&xml);
    assert_eq!(r.findings(), vec![f(Some(1)), f(Some(1))]);
    assert_eq!(
        r.messages(),
        [
            "testsuite 'real_gateway' has 1 error (at most 0 allowed): test_sample::test_errors (line 9: failed on setup with \"RuntimeError: fixture broke\")",
            "testsuite 'real_gateway' has 1 failure (at most 0 allowed): test_sample::test_fails (line 1: AssertionError: lists <differ> & more)",
        ]
    );
    // No message carries the report's one long line.
    assert!(
        r.messages().iter().all(|m| m.len() < 300),
        "{:?}",
        r.messages()
    );
}

#[test]
fn utf16_and_latin1_reports_are_read() {
    let report = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<testsuite name=\"real_gateway\" tests=\"1\">\n<testcase name=\"café\"><failure message=\"ü\"/></testcase>\n</testsuite>\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(report.encode_utf16().flat_map(u16::to_le_bytes));
    let repo = Repo::new();
    repo.write_bytes(PATH, &bytes, 0o644).commit_all("evidence");
    let r = run(&repo);
    assert_eq!(r.findings(), vec![f(Some(2))]);
    assert_eq!(
        r.messages(),
        ["testsuite 'real_gateway' has 1 failure (at most 0 allowed): café (line 3: ü)"]
    );

    let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<testsuite name=\"real_gateway\" tests=\"1\"><testcase name=\"caf\xe9\"/></testsuite>\n";
    let repo = Repo::new();
    repo.write_bytes(PATH, latin, 0o644).commit_all("evidence");
    assert_eq!(run(&repo).code, 0);

    let cp1252 = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<testsuite name=\"real_gateway\" tests=\"1\"><testcase name=\"\x93x\x94\"/></testsuite>\n";
    let repo = Repo::new();
    repo.write_bytes(PATH, cp1252, 0o644).commit_all("evidence");
    let r = run(&repo);
    assert_eq!(r.findings(), vec![f(Some(1))]);
    assert!(
        r.messages()[0].contains("declares encoding=\"windows-1252\", which relgate does not read"),
        "{:?}",
        r.messages()
    );
}
