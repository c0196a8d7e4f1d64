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

/// A billion-laughs document: nine anchors, each a list of nine aliases of the one
/// before (9^9 strings once expanded), then a policy that would pass.
fn alias_bomb() -> String {
    let mut text =
        String::from("version: 1\nlol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let refs = vec![format!("*lol{}", i - 1); 9].join(", ");
        text.push_str(&format!("lol{i}: &lol{i} [{refs}]\n"));
    }
    text.push_str("policies:\n  - id: A\n    title: a exists\n    check:\n      exists: a\n");
    text
}

/// `check` in a repository whose `.relgate/` holds `policy`, and `validate` of that file.
fn check_and_validate(policy: &str) -> (Run, Run, Run) {
    let repo = Repo::new();
    repo.write("a", "a\n")
        .write(".relgate/p.yaml", policy)
        .commit_all("c");
    let human = repo.relgate(&["check"]);
    let json = repo.relgate(&["check", "--format", "json"]);
    let validate = repo.relgate(&[
        "validate",
        "--policies",
        ".relgate/p.yaml",
        "--format",
        "json",
    ]);
    (human, json, validate)
}

#[test]
fn an_alias_bomb_in_a_policy_file_is_a_located_load_error() {
    let text = alias_bomb();
    let (human, json, validate) = check_and_validate(&text);
    for r in [&human, &json, &validate] {
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    }
    // Located at the alias whose expansion crosses the budget: `*lol4`, on line 7.
    let errors = validate.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e["code"], "relgate::policy::yaml");
    assert_eq!(e["file"], ".relgate/p.yaml");
    let (line, column) = (e["line"].as_u64().unwrap(), e["column"].as_u64().unwrap());
    let at = text.lines().nth(line as usize - 1).unwrap();
    assert!(at[column as usize - 1..].starts_with("*lol"), "{e}");
    assert_eq!(
        e["message"],
        "invalid YAML: its aliases expand to more than 200000 parse events"
    );
    assert_eq!(e["snippet"].as_str(), Some(at));
    assert!(e["help"].as_str().unwrap().contains("alias bomb"), "{e}");
    // The human report: file:line:col, the snippet with its label, the suggestion.
    let header = format!(
        ".relgate/p.yaml:{line}:{column}: error[relgate::policy::yaml]: invalid YAML: its aliases expand to more than 200000 parse events"
    );
    for expected in [
        header.as_str(),
        &format!("{line} │ {at}"),
        "past the limit",
        "help: relgate refuses YAML that expands past its reading limits",
        "relgate: 1 policy error; nothing was checked",
    ] {
        assert!(
            human.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            human.stderr
        );
    }
    assert!(
        json.json()["error"]
            .as_str()
            .unwrap()
            .contains("aliases expand"),
        "{}",
        json.stdout
    );
}

#[test]
fn a_repeated_key_in_a_policy_file_is_a_located_load_error_naming_both() {
    let text = "version: 1\npolicies:\n  - id: A\n    title: a exists\n    check:\n      exists: a\n    title: b exists\n";
    let (human, json, validate) = check_and_validate(text);
    for r in [&human, &json, &validate] {
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    }
    let errors = validate.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e["code"], "relgate::policy::yaml");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(7), Some(5))
    );
    assert_eq!(
        e["message"],
        "invalid YAML: duplicate key 'title' (first at line 4, column 5)"
    );
    assert_eq!(e["snippet"], "    title: b exists");
    assert_eq!(
        e["help"],
        "a key appears once in a mapping: keep one 'title' and remove the other"
    );
    // The snippet labels both: where the key first appears and where it repeats.
    for expected in [
        ".relgate/p.yaml:7:5: error[relgate::policy::yaml]: invalid YAML: duplicate key 'title' (first at line 4, column 5)",
        "4 │     title: a exists",
        "first here",
        "7 │     title: b exists",
        "repeated here",
        "help: a key appears once in a mapping: keep one 'title' and remove the other",
    ] {
        assert!(
            human.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            human.stderr
        );
    }
    assert!(
        json.json()["error"]
            .as_str()
            .unwrap()
            .contains("duplicate key 'title'"),
        "{}",
        json.stdout
    );
}

#[test]
fn every_repeated_key_of_a_policy_file_is_reported_in_one_run() {
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: A\n    title: t\n    check: {exists: a}\n    id: B\nversion: 1\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(
        dir.path(),
        &["validate", "--policies", &p.path(), "--format", "json"],
    );
    assert_eq!(r.code, 2);
    let got: Vec<(u64, String)> = r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                6,
                "invalid YAML: duplicate key 'id' (first at line 3, column 5)".to_string()
            ),
            (
                7,
                "invalid YAML: duplicate key 'version' (first at line 1, column 1)".to_string()
            ),
        ]
    );
}

/// A regex with variables is compiled once its values are known, but its syntax is
/// checked at load: an error the parser finds and one only the translation finds
/// (an unknown Unicode class) are both located load errors, as without variables.
#[test]
fn a_regex_with_variables_is_checked_at_load() {
    let p = Policies::new(
        "version: 1\nvars:\n  v: {value: x}\npolicies:\n  - id: X-1\n    title: t\n    check:\n      matches:\n        files: README.md\n        patterns: '^({v} [a-z]+$'\n  - id: X-2\n    title: t\n    check:\n      matches:\n        files: README.md\n        patterns: '^\\p{{Greekish}} {v}$'\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(dir.path(), &["validate", "--policies", &p.path()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let name = p.path();
    for expected in [
        format!(
            "{name}:10:19: error[relgate::policy::bad_regex]: invalid regex '^({{v}} [a-z]+$': unclosed group"
        ),
        format!(
            "{name}:16:19: error[relgate::policy::bad_regex]: invalid regex '^\\p{{{{Greekish}}}} {{v}}$': regex parse error:"
        ),
    ] {
        assert!(
            r.stderr.contains(&expected),
            "missing {expected:?} in:\n{}",
            r.stderr
        );
    }
}

/// A regex whose syntax is right but that compiles past the size limit is found when
/// its check first uses it: the policy fails with why (exit 1), never passes.
#[test]
fn a_regex_too_big_to_compile_fails_its_policy() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    let run = repo.check_yaml(
        "version: 1\npolicies:\n  - id: BIG\n    title: t\n    check:\n      matches:\n        files: README.md\n        patterns: '(?:\\w{100}){100}'\n",
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let messages = run.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0]
            .starts_with("regex '(?:\\w{100}){100}' is invalid: Compiled regex exceeds size limit"),
        "{messages:?}"
    );
}

/// A policy error in a folder's own `.relgate/` names the file from where relgate runs:
/// `check services/billing` points at `services/billing/.relgate/p.yaml`, not at a
/// `.relgate/p.yaml` that is the root's (here another, valid, file).
#[test]
fn an_error_in_a_judged_folders_policies_names_the_file_from_here() {
    let broken = "version: 1\npolicies:\n  - id: A\n    title: t\n    chek: {}\n";
    let valid =
        "version: 1\npolicies:\n  - id: ROOT\n    title: t\n    check: {exists: README.md}\n";
    let repo = Repo::new();
    repo.write("README.md", "r\n")
        .write(".relgate/p.yaml", valid)
        .write("services/billing/.relgate/p.yaml", broken)
        .write("services/billing/a.txt", "a\n")
        .commit_all("c");
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let mut args = vec!["check", "services/billing", "--format", "json"];
        args.extend_from_slice(mode);
        let r = repo.relgate(&args);
        assert_eq!(r.code, 2, "{mode:?}: {}", r.stderr);
        let at = "services/billing/.relgate/p.yaml:5:5: error[relgate::policy::unknown_key]";
        assert!(r.stderr.contains(at), "{mode:?}:\n{}", r.stderr);
        assert!(
            r.stderr
                .contains("╭─[services/billing/.relgate/p.yaml:5:5]"),
            "{mode:?}:\n{}",
            r.stderr
        );
        assert!(!r.stderr.contains("\n.relgate/p.yaml"), "{}", r.stderr);
        let error = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(
            error.contains("services/billing/.relgate/p.yaml:5:5"),
            "{error}"
        );
    }
    // `validate` names it the same way.
    let r = repo.relgate(&["validate", "services/billing"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "services/billing/.relgate/p.yaml:3:5: error[relgate::policy::missing_key]"
        ),
        "{}",
        r.stderr
    );
    // Run from inside the folder, the folder's own name is the path from here.
    let r = relgate_in(&repo.path().join("services/billing"), &["check", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with(".relgate/p.yaml:3:5: error[relgate::policy::missing_key]"),
        "{}",
        r.stderr
    );
}
