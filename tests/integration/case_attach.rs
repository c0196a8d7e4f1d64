//! `attach:` in `case.yaml`: a policy that reads an attachment, shown passing and
//! failing by `relgate test`; the attached file stays inside the case's folder.

use crate::common::Repo;

const POLICIES: &str = "\
version: 1
policies:
  - id: EV-001
    title: The test report the job produced passes
    check: {junit: {attachment: report}}
";

const GREEN: &str = "<testsuites>\n  <testsuite name=\"s\">\n    <testcase classname=\"t\" name=\"a\"/>\n  </testsuite>\n</testsuites>\n";
const RED: &str = "<testsuites>\n  <testsuite name=\"s\">\n    <testcase classname=\"t\" name=\"a\"><failure message=\"boom\"/></testcase>\n  </testsuite>\n</testsuites>\n";

fn suite() -> Repo {
    let r = Repo::new();
    r.write(".relgate/config.yaml", POLICIES)
        .write(".relgate/tests/green/tree/README.md", "# x\n")
        .write(".relgate/tests/green/reports/junit.xml", GREEN)
        .write(
            ".relgate/tests/green/case.yaml",
            "attach: {report: reports/junit.xml}\nexpect:\n  status: {EV-001: pass}\n  exit: 0\n",
        )
        .write(".relgate/tests/red/junit.xml", RED)
        .write(
            ".relgate/tests/red/case.yaml",
            "extends: ../green\nattach: {report: junit.xml}\nexpect:\n  status: {EV-001: fail}\n  findings:\n    - {policy: EV-001, path: 'attachment:report', line: 1}\n  exit: 1\n",
        );
    r
}

#[test]
fn an_attached_report_passes_in_one_case_and_fails_in_another() {
    let r = suite();
    let run = r.relgate(&["test", "--require-failing"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with("2 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
    // The expectation is checked: the green report in the red case fails the case.
    r.write(".relgate/tests/red/junit.xml", GREEN);
    let run = r.relgate(&["test"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("status EV-001: expected fail, got pass"),
        "{}",
        run.stdout
    );
}

#[test]
fn without_attach_the_attachment_is_missing() {
    let r = suite();
    r.write(
        ".relgate/tests/green/case.yaml",
        "expect:\n  status: {EV-001: pass}\n",
    );
    let run = r.relgate(&["test", "--filter", "green"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("status EV-001: expected pass, got fail"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_attachment_outside_the_case_folder_is_a_located_error() {
    let r = suite();
    r.write(".relgate/tests/secret.xml", GREEN).write(
        ".relgate/tests/green/case.yaml",
        "attach:\n  report: ../secret.xml\nexpect:\n  status: {EV-001: pass}\n",
    );
    let run = r.relgate(&["test", "--filter", "green"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            ".relgate/tests/green/case.yaml:2:11: error[relgate::policy::bad_value]: 'attach' names ../secret.xml for report, which leaves the case's folder through '..'"
        ),
        "{}",
        run.stderr
    );
    for (path, why) in [
        ("/etc/hostname", "is absolute"),
        (
            "reports/../../red/junit.xml",
            "leaves the case's folder through '..'",
        ),
    ] {
        r.write(
            ".relgate/tests/green/case.yaml",
            &format!("attach: {{report: '{path}'}}\nexpect:\n  status: {{EV-001: pass}}\n"),
        );
        let run = r.relgate(&["test", "--filter", "green"]);
        assert_eq!(run.code, 2, "{path}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains(&format!("'attach' names {path} for report, which {why}")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn an_attachment_through_a_link_is_refused() {
    let r = suite();
    r.write(".relgate/elsewhere/junit.xml", GREEN);
    std::os::unix::fs::symlink(
        "../../elsewhere",
        r.path().join(".relgate/tests/green/linked"),
    )
    .unwrap();
    r.write(
        ".relgate/tests/green/case.yaml",
        "attach: {report: linked/junit.xml}\nexpect:\n  status: {EV-001: pass}\n",
    );
    let run = r.relgate(&["test", "--filter", "green"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("a symbolic link (relgate never follows links)"),
        "{}",
        run.stderr
    );
    // A link as the file itself is refused as well.
    std::fs::remove_file(r.path().join(".relgate/tests/green/linked")).unwrap();
    std::os::unix::fs::symlink(
        "reports/junit.xml",
        r.path().join(".relgate/tests/green/linked"),
    )
    .unwrap();
    r.write(
        ".relgate/tests/green/case.yaml",
        "attach: {report: linked}\nexpect:\n  status: {EV-001: pass}\n",
    );
    let run = r.relgate(&["test", "--filter", "green"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("a symbolic link"), "{}", run.stderr);
}

#[test]
fn the_case_schema_lists_attach() {
    let r = Repo::new();
    let run = r.relgate(&["schema", "--case"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema = run.json();
    assert_eq!(
        schema["properties"]["attach"]["additionalProperties"]["type"], "string",
        "{}",
        run.stdout
    );
}
