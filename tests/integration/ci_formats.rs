//! `--format junit`, `gitlab` and `azure` (issue 22): each read back by the tools
//! of its CI system's world (Jenkins' JUnit schema with `xmlschema`, `junitparser`,
//! relgate's own `junit` check; GitLab's Code Quality format with
//! `check-jsonschema`; Azure's logging-command grammar by exact lines), placed from
//! the repository root, and hostile file names and messages kept inert.

use crate::common::*;
use crate::tools::*;
use serde_json::{Value, json};

/// Validates a JUnit report against Jenkins' `junit-10.xsd` with `xmlschema`, then
/// reads it with `junitparser`: its suites, their declared and counted cases, and
/// each case's results and `<system-out>`, as JSON.
const READ_JUNIT: &str = r#"
import json, sys
import junitparser, xmlschema
xsd, path = sys.argv[1], sys.argv[2]
xmlschema.XMLSchema(xsd).validate(path)
xml = junitparser.JUnitXml.fromfile(path)
suites = [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
out = []
for s in suites:
    cases = []
    for c in s:
        cases.append({
            "name": c.name,
            "classname": c.classname,
            "results": [{"kind": type(r).__name__, "message": r.message, "text": r.text} for r in c.result],
            "out": c.system_out,
        })
    out.append({"name": s.name, "tests": s.tests, "failures": s.failures,
                "errors": s.errors, "skipped": s.skipped, "cases": cases})
print(json.dumps({"root": {"tests": getattr(xml, "tests", None), "failures": getattr(xml, "failures", None)}, "suites": out}))
"#;

/// The JUnit report, valid against the XSD, as `junitparser` reads it.
pub fn read_junit(xml: &str) -> Value {
    let py = tool("python3");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("relgate.xml");
    std::fs::write(&file, xml).unwrap();
    let xsd = test_data("junit-10.xsd");
    let (code, out) = run_tool(
        &py,
        &[
            "-c",
            READ_JUNIT,
            xsd.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(
        code, 0,
        "JUnit report not valid or not readable:\n{out}\n{xml}"
    );
    serde_json::from_str(&out).unwrap()
}

/// The GitLab report, valid against the Code Quality schema (tests/data/README.md).
pub fn read_gitlab(report: &str) -> Value {
    let cj = tool("check-jsonschema");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gl-code-quality-report.json");
    std::fs::write(&file, report).unwrap();
    let schema = test_data("gitlab-code-quality.schema.json");
    let (code, out) = run_tool(
        &cj,
        &[
            "--schemafile",
            schema.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "not a valid Code Quality report:\n{out}\n{report}");
    serde_json::from_str(report).unwrap()
}

/// Case name, result kinds, `<system-out>` present.
fn cases(junit: &Value) -> Vec<(String, String, bool)> {
    junit["suites"][0]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let kinds: Vec<&str> = c["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["kind"].as_str().unwrap())
                .collect();
            (
                c["name"].as_str().unwrap().to_string(),
                kinds.join(","),
                !c["out"].is_null(),
            )
        })
        .collect()
}

fn case(name: &str, kinds: &str, out: bool) -> (String, String, bool) {
    (name.into(), kinds.into(), out)
}

#[test]
fn junit_is_valid_one_case_per_policy_and_counts_agree() {
    let repo = failing_repo();
    let run = repo.relgate(&["check", "--format", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let junit = read_junit(&run.stdout);
    let suites = junit["suites"].as_array().unwrap();
    assert_eq!(suites.len(), 1, "{junit:#}");
    let s = &suites[0];
    assert_eq!(s["name"], "relgate");
    assert_eq!(
        cases(&junit),
        [
            case(
                "DR-002: Every DR checklist item is ticked",
                "Failure",
                false
            ),
            // A warning fails nothing at `--fail-on error`: listed, not a failure.
            case("DR-007: Artifacts 0644", "", true),
            case("SIGN-1: Sign-off: present, dated", "Failure", false),
            case("NOTE-1: Changelog | present", "", true),
            case("OK-1: Readme exists", "", false),
        ]
    );
    assert_eq!(
        (&s["tests"], &s["failures"], &s["errors"], &s["skipped"]),
        (&json!(5), &json!(2), &json!(0), &json!(0))
    );
    assert_eq!(junit["root"], json!({"tests": 5, "failures": 2}));
    let dr2 = &s["cases"][0]["results"][0];
    assert_eq!(
        dr2["message"],
        "unticked item in section 'Release 2024-07-15': failover | drill"
    );
    assert_eq!(
        dr2["text"],
        "error: docs/support/dr-checklist.md:6: unticked item in section 'Release 2024-07-15': failover | drill\n  help: Tick each item under '## Release 2024-07-15'."
    );
    // Paths from the repository root, with their `,`, `:` and `%`.
    let sign = &s["cases"][2]["results"][0]["text"];
    assert!(
        sign.as_str()
            .unwrap()
            .starts_with("error: docs/a,b:c%.md: 100% of docs need\\x0d\na sign-off"),
        "{sign}"
    );
    assert_eq!(
        s["cases"][1]["out"],
        "warning: releases/2024-07-15/app.bin: releases/2024-07-15/app.bin has mode 0755, expected 0644"
    );

    // At `--fail-on warning` the warning is a failure too.
    let run = repo.relgate(&["check", "--format", "junit", "--fail-on", "warning"]);
    let junit = read_junit(&run.stdout);
    assert_eq!(
        cases(&junit)[1],
        case("DR-007: Artifacts 0644", "Failure", false)
    );
    assert_eq!(junit["suites"][0]["failures"], 3);
}

#[test]
fn junit_skipped_and_waived() {
    let repo = Repo::new();
    let yaml = "version: 1\npolicies:\n  - id: SKIP\n    title: only on release branches\n    when: {var: {name: branch, matches: '^release/'}}\n    check: {exists: MISSING.md}\n  - id: FAIL\n    title: missing\n    check: {exists: MISSING.md}\n  - id: W-1\n    title: No TODO in the docs\n    check: {not_matches: {files: 'docs/*.md', patterns: TODO}}\nwaivers:\n  - policy: W-1\n    paths: ['docs/a.md']\n    reason: Legacy doc, DOC-12\n    approved_by: Ana <ana@example.com>\n    expires: 2024-08-01\n";
    repo.write("README.md", "x\n")
        .write("docs/a.md", "TODO: write\n")
        .write(".relgate/config.yaml", yaml)
        .commit_all("c");
    let run = repo.relgate(&["check", "--format", "junit", "--now", "2024-07-20"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let junit = read_junit(&run.stdout);
    assert_eq!(
        cases(&junit),
        [
            case("SKIP: only on release branches", "Skipped", false),
            case("FAIL: missing", "Failure", false),
            // Waived: a passed case that lists the waived finding.
            case("W-1: No TODO in the docs", "", true),
        ]
    );
    let s = &junit["suites"][0];
    assert_eq!(
        (&s["tests"], &s["failures"], &s["skipped"]),
        (&json!(3), &json!(1), &json!(1))
    );
    assert!(
        s["cases"][0]["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("branch"),
        "{junit:#}"
    );
    assert_eq!(
        s["cases"][2]["out"],
        "warning: .relgate/config.yaml:14: waiver for W-1 expires on 2024-08-01 (in 12 days)\n  help: Fix what the policy reports before then, or renew the waiver after a new review.\nwaived until 2024-08-01 (Legacy doc, DOC-12, approved by Ana <ana@example.com>): error: docs/a.md:1: 'TODO' matches the forbidden pattern 'TODO'"
    );
}

/// relgate reads its own JUnit report back with its `junit` check: the failing
/// run's report fails the check, the passing run's passes it.
#[test]
fn junit_is_read_back_by_the_junit_check() {
    let judge = |xml: &str| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("relgate.xml");
        std::fs::write(&file, xml).unwrap();
        let repo = Repo::new();
        repo.write("README.md", "x\n").commit_all("c");
        let yaml = "version: 1\npolicies:\n  - id: GATE\n    title: the gate passed\n    check: {junit: {attachment: gate, suite: relgate, min_tests: 5}}\n";
        let attach = format!("gate={}", file.display());
        repo.check_yaml(yaml, &["--attach", &attach])
    };
    let failing = failing_repo().relgate(&["check", "--format", "junit"]);
    let r = judge(&failing.stdout);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.status("GATE"), "fail");
    assert!(
        r.messages().iter().any(|m| m.contains("2 failures")),
        "{:?}",
        r.messages()
    );
    let passing = passing_repo().relgate(&["check", "--format", "junit"]);
    assert_eq!(passing.code, 0, "{}", passing.stderr);
    let r = judge(&passing.stdout);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn gitlab_is_a_valid_code_quality_report() {
    let repo = failing_repo();
    let run = repo.relgate(&["check", "--format", "gitlab"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let issues = read_gitlab(&run.stdout);
    let got: Vec<(String, String, String, u64)> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_string(),
                i["severity"].as_str().unwrap().to_string(),
                i["location"]["path"].as_str().unwrap().to_string(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, n| (a.to_string(), b.to_string(), c.to_string(), n);
    assert_eq!(
        got,
        [
            s("NOTE-1", "info", "CHANGELOG.md", 1),
            s("SIGN-1", "major", "docs/a,b:c%.md", 1),
            s("DR-002", "major", "docs/support/dr-checklist.md", 6),
            s("DR-007", "minor", "releases/2024-07-15/app.bin", 1),
        ]
    );
    let i = &issues[2];
    assert_eq!(
        i["description"],
        "DR-002: unticked item in section 'Release 2024-07-15': failover | drill"
    );
    assert_eq!(
        i["content"]["body"],
        "Tick each item under '## Release 2024-07-15'."
    );
    // Fingerprints: distinct, and the same in a second run.
    let prints: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len());
    let again = repo.relgate(&["check", "--format", "gitlab"]).stdout;
    assert_eq!(again, run.stdout);
    // A passing run: an empty array (GitLab reads it as "no issues").
    let run = passing_repo().relgate(&["check", "--format", "gitlab"]);
    assert_eq!(run.code, 0);
    assert_eq!(read_gitlab(&run.stdout), json!([]));
}

#[test]
fn azure_logging_commands() {
    let repo = failing_repo();
    let run = repo.relgate(&["check", "--format", "azure"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        [
            "##vso[task.logissue type=error;sourcepath=docs/a,b:c%AZP25.md;code=SIGN-1]SIGN-1: 100%AZP25 of docs need%0D%0Aa sign-off, a: b%0AAdd a line 'Signed: NAME'",
            "##vso[task.logissue type=error;sourcepath=docs/support/dr-checklist.md;linenumber=6;columnnumber=3;code=DR-002]DR-002: unticked item in section 'Release 2024-07-15': failover | drill%0ATick each item under '## Release 2024-07-15'.",
            "##vso[task.logissue type=warning;sourcepath=releases/2024-07-15/app.bin;code=DR-007]DR-007: releases/2024-07-15/app.bin has mode 0755, expected 0644",
            "relgate: note CHANGELOG.md [NOTE-1] CHANGELOG.md does not exist",
            "relgate: 5 policies: 1 passed, 4 failed, 0 skipped, 0 waived; 2 errors, 1 warnings, 1 notes",
        ]
    );
}

/// Every report of a run whose file name and message are hostile: XML, JSON and
/// logging-command syntax, escapes, terminal controls and commands for the runner.
#[test]
fn hostile_names_and_messages_stay_inert() {
    let name = "docs/x;y]%AZP25%0A<&>'\"z.md";
    let repo = Repo::new();
    repo.write(name, "ok\nTODO here\n").commit_all("c");
    let yaml = r###"version: 1
policies:
  - id: H-1
    title: "no TODO </title> ]]>"
    check:
      not_matches:
        files: 'docs/*.md'
        patterns: TODO
        message: "##vso[task.setvariable variable=x]evil\r\n</failure><injected/>]]> \e[31mred %0A ;]"
"###;
    let p = Policies::new(yaml);
    let check = |format: &str| {
        let run = repo.relgate(&["check", "--policies", &p.path(), "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}{}", run.stdout, run.stderr);
        assert!(!run.stdout.contains('\x1b'), "{format}: {}", run.stdout);
        run.stdout
    };
    let message =
        "##vso[task.setvariable variable=x]evil\\x0d\n</failure><injected/>]]> \\x1b[31mred %0A ;]";

    // Azure: one command, at the start of its line; every value encoded.
    let azure = check("azure");
    let lines: Vec<&str> = azure.lines().collect();
    assert_eq!(
        lines[0],
        "##vso[task.logissue type=error;sourcepath=docs/x%3By%5D%AZP25AZP25%AZP250A<&>'\"z.md;linenumber=2;columnnumber=1;code=H-1]H-1: ##vso[task.setvariable variable=x]evil%0D%0A</failure><injected/>]]> \\x1b[31mred %AZP250A ;]"
    );
    assert_eq!(lines.len(), 2, "{azure}");
    assert!(!lines[1].contains("##vso["), "{azure}");

    // JUnit: valid, and the text reads back as it was (made inert).
    let junit = read_junit(&check("junit"));
    let c = &junit["suites"][0]["cases"][0];
    assert_eq!(c["name"], "H-1: no TODO </title> ]]>");
    assert_eq!(c["results"][0]["message"], message);
    assert_eq!(
        c["results"][0]["text"],
        format!("error: {name}:2: {message}")
    );

    // GitLab: the path as it is (it links to the file), the text inert.
    let gitlab = read_gitlab(&check("gitlab"));
    assert_eq!(gitlab[0]["location"]["path"], name);
    assert_eq!(gitlab[0]["location"]["lines"]["begin"], 2);
    assert_eq!(gitlab[0]["description"], format!("H-1: {message}"));
}

/// `--also` writes each of the three from the same run, and a run that could not
/// evaluate records the failure in each.
#[test]
fn also_and_failed_runs() {
    let repo = failing_repo();
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).display().to_string();
    let run = repo.relgate(&[
        "check",
        "--format",
        "json",
        "--also",
        &format!("junit={}", path("out/relgate.xml")),
        "--also",
        &format!("gitlab={}", path("out/gl.json")),
        "--also",
        &format!("azure={}", path("out/azure.log")),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let read = |n: &str| std::fs::read_to_string(path(n)).unwrap();
    assert_eq!(cases(&read_junit(&read("out/relgate.xml"))).len(), 5);
    assert_eq!(
        read_gitlab(&read("out/gl.json")).as_array().unwrap().len(),
        4
    );
    assert_eq!(
        read("out/azure.log"),
        repo.relgate(&["check", "--format", "azure"]).stdout
    );

    // Invalid policies: no report reads as a pass.
    let bad = Policies::new("version: 1\npolicies:\n  - id: X\n    check: {nope: 1}\n");
    let run = repo.relgate(&[
        "check",
        "--policies",
        &bad.path(),
        "--format",
        "junit",
        "--also",
        &format!("gitlab={}", path("bad/gl.json")),
        "--also",
        &format!("azure={}", path("bad/azure.log")),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let junit = read_junit(&run.stdout);
    assert_eq!(junit["suites"][0]["errors"], 1);
    assert_eq!(
        cases(&junit),
        [case("relgate: could not evaluate", "Error", false)]
    );
    let gl = read_gitlab(&read("bad/gl.json"));
    assert_eq!(gl[0]["severity"], "blocker");
    assert!(
        read("bad/azure.log").starts_with("##vso[task.logissue type=error;code=relgate]relgate could not evaluate: invalid policies: "),
        "{}",
        read("bad/azure.log")
    );
}
