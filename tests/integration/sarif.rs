//! `--format sarif`: valid SARIF 2.1.0 (official schema), one result per JSON
//! finding, relative locations, and failed runs recorded as such.

use crate::common::*;
use crate::tools::*;
use serde_json::Value;
use std::path::PathBuf;

pub fn validate(sarif: &str) {
    let cj = tool("check-jsonschema");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.sarif");
    std::fs::write(&file, sarif).unwrap();
    let schema = sarif_schema();
    let (code, out) = run_tool(
        &cj,
        &[
            "--schemafile",
            schema.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(
        code, 0,
        "SARIF is not valid against the schema:\n{out}\n{sarif}"
    );
}

#[test]
fn sarif_is_valid_and_matches_json_one_to_one() {
    let repo = failing_repo();
    let run = repo.relgate(&["check", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    validate(&run.stdout);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let json = repo.relgate(&["check", "--format", "json"]).json();

    assert_eq!(sarif["version"], "2.1.0");
    let r = &sarif["runs"][0];
    assert_eq!(r["tool"]["driver"]["name"], "relgate");
    assert_eq!(r["invocations"][0]["executionSuccessful"], true);

    // Rules are the policies, in order.
    let rules = r["tool"]["driver"]["rules"].as_array().unwrap();
    let policies = json["policies"].as_array().unwrap();
    assert_eq!(rules.len(), policies.len());
    for (rule, p) in rules.iter().zip(policies) {
        assert_eq!(rule["id"], p["id"]);
        assert_eq!(rule["shortDescription"]["text"], p["title"]);
        assert_eq!(rule["defaultConfiguration"]["level"], p["severity"]);
    }
    let dr2 = &rules[0];
    assert_eq!(
        dr2["fullDescription"]["text"],
        "The release checklist is the DR runbook's sign-off."
    );
    assert_eq!(
        dr2["help"]["text"],
        "Tick each item under '## Release 2024-07-15'."
    );
    assert_eq!(dr2["helpUri"], "https://example.invalid/dr-002");
    // Policies from .relgate/ say where they are defined.
    assert_eq!(dr2["properties"]["source"], ".relgate/policies.yaml:5:5");

    // One result per finding, in the same order, same place and level.
    let results = r["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert_eq!(results.len(), 4);
    for (res, f) in results.iter().zip(findings) {
        assert_eq!(res["ruleId"], f["policy"]);
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], f["policy"]);
        assert_eq!(res["level"], f["severity"]);
        assert_eq!(res["message"]["text"], f["message"]);
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains("://"), "{uri}");
        assert_eq!(loc["region"]["startLine"], f["line"]);
        assert_eq!(loc["region"]["startColumn"], f["column"]);
        assert_eq!(res["partialFingerprints"]["relgate/v1"], f["fingerprint"]);
    }
    let uris: Vec<_> = results
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone())
        .collect();
    assert_eq!(
        uris,
        [
            "CHANGELOG.md",
            "docs/a%2Cb%3Ac%25.md",
            "docs/support/dr-checklist.md",
            "releases/2024-07-15/app.bin"
        ]
    );
    // No machine path anywhere in the log.
    let tmp = repo.path().to_str().unwrap();
    assert!(!run.stdout.contains(tmp), "{}", run.stdout);
}

#[test]
fn sarif_of_a_passing_run_has_empty_results() {
    let repo = passing_repo();
    let run = repo.relgate(&["check", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    validate(&run.stdout);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn sarif_records_a_run_that_could_not_evaluate() {
    // An invalid policy.
    let repo = failing_repo();
    let bad = Policies::new(
        "version: 1\npolicies:\n  - id: X\n    title: x\n    check: {exists: {paht: a}}\n",
    );
    let run = repo.relgate(&["check", "--format", "sarif", "--policies", &bad.path()]);
    assert_eq!(run.code, 2);
    // Not a repository, written with --output.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.sarif");
    let run2 = relgate_in(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run2.code, 2);
    for (doc, needle) in [
        (run.stdout.clone(), "invalid policies"),
        (
            std::fs::read_to_string(&out).unwrap(),
            "not inside a git repository",
        ),
    ] {
        validate(&doc);
        let sarif: Value = serde_json::from_str(&doc).unwrap();
        let inv = &sarif["runs"][0]["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false, "{doc}");
        let note = &inv["toolExecutionNotifications"][0];
        assert_eq!(note["level"], "error");
        assert!(
            note["message"]["text"].as_str().unwrap().contains(needle),
            "{doc}"
        );
    }
}

#[test]
fn also_writes_sarif_from_the_same_run() {
    let repo = failing_repo();
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("r.sarif");
    let json = dir.path().join("r.json");
    let run = repo.relgate(&[
        "check",
        "--format",
        "github",
        "--also",
        &format!("sarif={}", sarif.display()),
        "--also",
        &format!("json={}", json.display()),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("::"), "{}", run.stdout);
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        json["findings"].as_array().unwrap().len()
    );
    let bad = repo.relgate(&["check", "--also", "yaml=x"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown format 'yaml'"),
        "{}",
        bad.stderr
    );
}

/// Code scanning needs a location on every result: a finding about the policy itself
/// is placed at its definition, or at `.relgate/config.yaml` when that is not a file of
/// the repository; rule help has the run's variables filled in.
#[test]
fn every_result_has_a_location_and_rule_help_is_expanded() {
    let repo = Repo::new();
    let policies = r"version: 1
vars:
  owner: release-team
  release:
    latest_dir: 'releases/*'
policies:
  - id: DATA
    title: the notes are data
    help: Ask {owner}.
    check: {data: {file: notes.txt, type: object}}
  - id: NO-VALUE
    title: needs a release
    check: {exists: 'releases/{release}/MANIFEST'}
";
    repo.write("notes.txt", "a: 1\n")
        .write(".relgate/policies.yaml", policies)
        .commit_all("c");
    let run = repo.relgate(&["check", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    validate(&run.stdout);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let r = &sarif["runs"][0];
    assert_eq!(
        r["tool"]["driver"]["rules"][0]["help"]["text"],
        "Ask release-team."
    );
    let places: Vec<_> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| {
            let at = &res["locations"][0]["physicalLocation"];
            (
                res["ruleId"].as_str().unwrap().to_string(),
                at["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                at["region"]["startLine"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            // "cannot tell the format of notes.txt from its name; set 'format'": the
            // policy is to be fixed, not notes.txt (which the message names).
            ("DATA".into(), ".relgate/policies.yaml".into(), Some(7)),
            ("NO-VALUE".into(), ".relgate/policies.yaml".into(), Some(11)),
        ]
    );
    // Policies from outside the repository: no file of the tree to point at.
    let outside = Policies::new(policies);
    let run = repo.relgate(&["check", "--format", "sarif", "--policies", &outside.path()]);
    validate(&run.stdout);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let uris: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone())
        .collect();
    assert_eq!(uris, [".relgate/config.yaml", ".relgate/config.yaml"]);
}

/// Without check-jsonschema on PATH the schema test fails, with or without `CI` set: it
/// never passes on a SARIF nobody validated. Runs that test in this test binary, with
/// the directories holding the tool taken off PATH.
#[test]
fn sarif_schema_test_fails_without_check_jsonschema() {
    const TEST: &str = "sarif::sarif_is_valid_and_matches_json_one_to_one";
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| find_tool("check-jsonschema", Some(dir.as_os_str())).is_none())
        .collect();
    // git stays reachable, wherever it is installed.
    let git_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(tool("git"), git_dir.path().join("git")).unwrap();
    let without =
        std::env::join_paths(kept.into_iter().chain([git_dir.path().to_path_buf()])).unwrap();
    assert_eq!(find_tool("check-jsonschema", Some(&without)), None);

    let out = command(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--test-threads=1"])
        .env("PATH", &without)
        .env_remove("CI")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(101), "{stdout}");
    assert!(
        stdout.contains(&format!("test {TEST} ... FAILED"))
            && stdout.contains("test result: FAILED. 0 passed; 1 failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "check-jsonschema is not on PATH, and this test drives the real check-jsonschema"
        ),
        "{stdout}"
    );
}
