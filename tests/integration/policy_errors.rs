//! Policy files with errors: every error in one run, each located, exit 2.

use crate::common::*;

#[test]
fn unknown_key_bad_regex_and_unknown_variable_in_one_run() {
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: X-1\n    title: t\n    check:\n      checklist:\n        file: docs/x.md\n        sectoin: Release\n  - id: X-2\n    title: t\n    check:\n      matches:\n        files: 'docs/{relase}/x.md'\n        patterns: '^(unclosed [a-z]+$'\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(dir.path(), &["validate", "--policies", &p.path()]);
    assert_eq!(r.code, 2);
    let name = p.path();
    for expected in [
        format!(
            "{name}:8:9: error[relgate::policy::unknown_key]: unknown key 'sectoin' in check 'checklist'"
        ),
        "help: did you mean 'section'?".to_string(),
        format!(
            "{name}:13:22: error[relgate::policy::unknown_variable]: unknown variable '{{relase}}'"
        ),
        format!(
            "{name}:14:21: error[relgate::policy::bad_regex]: invalid regex '^(unclosed [a-z]+$': unclosed group"
        ),
        "14 │         patterns: '^(unclosed [a-z]+$'".to_string(),
        "relgate: 3 policy errors; nothing was checked".to_string(),
    ] {
        assert!(
            r.stderr.contains(&expected),
            "missing {expected:?} in:\n{}",
            r.stderr
        );
    }
    // check fails closed the same way, before looking at any repository.
    let repo = Repo::new();
    repo.write("a", "a\n").commit_all("c");
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("unknown key 'sectoin'")
    );
}

#[test]
fn validate_as_json_lists_errors_with_positions() {
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: A\n    title: t\n    severity: fatal\n    check:\n      exsts: a\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(
        dir.path(),
        &["validate", "--policies", &p.path(), "--format", "json"],
    );
    assert_eq!(r.code, 2);
    let v = r.json();
    let errors = v["errors"].as_array().unwrap();
    let got: Vec<(String, u64, u64)> = errors
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("relgate::policy::bad_value".to_string(), 5, 15),
            ("relgate::policy::unknown_check".to_string(), 7, 7)
        ]
    );
    assert_eq!(errors[1]["help"], "did you mean 'exists'?");
}

#[test]
fn broken_yaml_duplicate_keys_and_wrong_types() {
    let dir = tempfile::tempdir().unwrap();
    for (yaml, code, line) in [
        ("version: 1\npolicies:\n  - id: A\n    id: B\n", "yaml", 4),
        ("version: 1\npolicies: [\n", "yaml", 2),
        (
            "version: 1\npolicies:\n  - id: A\n    title: t\n    check:\n      mode: {files: a, mode: 'rwx'}\n",
            "bad_value",
            6,
        ),
        (
            "version: 1\npolicies:\n  - id: A\n    title: t\n    check:\n      exists: {paths: '/etc/passwd'}\n",
            "bad_glob",
            6,
        ),
        (
            "version: 1\npolicies:\n  - id: A\n    title: t\n    check:\n      exists: a\n  - id: A\n    title: t\n    check:\n      exists: b\n",
            "duplicate_id",
            7,
        ),
        (
            "version: 1\npolicies:\n  - id: A\n    title: [t]\n    check:\n      exists: a\n",
            "wrong_type",
            4,
        ),
        ("version: 2\npolicies: []\n", "bad_value", 1),
        (
            "version: 1\npolicies:\n  - id: A\n    title: t\n",
            "missing_key",
            3,
        ),
        (
            "version: 1\nvars: {a: '{b}', b: '{a}'}\npolicies: []\n",
            "variable_cycle",
            2,
        ),
    ] {
        let p = Policies::new(yaml);
        let r = relgate_in(
            dir.path(),
            &["validate", "--policies", &p.path(), "--format", "json"],
        );
        assert_eq!(r.code, 2, "{yaml}");
        let e = &r.json()["errors"][0];
        assert_eq!(e["code"], format!("relgate::policy::{code}"), "{yaml}: {e}");
        assert_eq!(e["line"], line, "{yaml}: {e}");
    }
}

#[test]
fn no_policies_at_all_fails_closed() {
    let repo = Repo::new();
    repo.write("a", "a\n").commit_all("c");
    let r = repo.relgate(&["check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no policies to evaluate"), "{}", r.stderr);
    let r = repo.relgate(&["check", "--pack", "nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown pack 'nope'"), "{}", r.stderr);
}
