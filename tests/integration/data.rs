//! `data`: the release ledger (DR-011, DR-012) in JSON, and the same rules on YAML and
//! TOML; exact (policy, path, line) and messages naming the element and field.

use crate::common::*;

fn run(repo: &Repo, yaml: &str) -> Run {
    repo.check_yaml(yaml, &[])
}

const POLICIES: &str = r#"version: 1
vars:
  release: '2024-07-15'
  ledger_flag: '0'
policies:
  - id: VALID
    title: the ledger is well formed
    check:
      data:
        file: releases/ledger.json
        type: array
        each:
          required: [date, release, event, flag, by]
          types: {by: string}
          enums: {event: [activation, rollback], flag: [0, 1]}
          formats: {date: datetime, release: date}
          non_empty: [by]
        ordered: {field: date}
  - id: CURRENT
    title: the ledger records the release and the flag state
    check:
      data:
        file: releases/ledger.json
        contains: {release: '{release}'}
        last: {flag: '{ledger_flag}'}
"#;

const LEDGER: &str = r#"[
  {"date": "2024-06-03T09:00:00Z", "release": "2024-06-03", "event": "activation", "flag": 1, "by": "João Lima"},
  {"date": "2024-06-04T16:30:00Z", "release": "2024-06-03", "event": "rollback", "flag": 0, "by": "João Lima"},
  {"date": "2024-07-15T10:00:00Z", "release": "2024-07-15", "event": "activation", "flag": 0, "by": "Maria Souza"}
]
"#;

const LEDGER_PATH: &str = "releases/ledger.json";

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write(LEDGER_PATH, LEDGER).commit_all("c");
    repo
}

#[test]
fn a_good_ledger_passes() {
    let r = run(&repo(), POLICIES);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("VALID"), "pass");
    assert_eq!(r.status("CURRENT"), "pass");
}

#[test]
fn broken_json_is_reported_at_the_parse_error() {
    let repo = repo();
    repo.edit(
        LEDGER_PATH,
        "\"by\": \"João Lima\"},\n  {\"date\": \"2024-06-04",
        "\"by\": \"João Lima\"}\n  {\"date\": \"2024-06-04",
    );
    let r = run(&repo, POLICIES);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![
            f("CURRENT", LEDGER_PATH, Some(3)),
            f("VALID", LEDGER_PATH, Some(3))
        ]
    );
    assert_eq!(r.json()["findings"][0]["column"], 3);
    assert!(
        r.messages()[0].starts_with("releases/ledger.json is not valid JSON"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_bad_event_and_a_missing_field_point_at_their_entries() {
    let repo = repo();
    repo.edit(
        LEDGER_PATH,
        "\"event\": \"rollback\"",
        "\"event\": \"rolback\"",
    )
    .edit(LEDGER_PATH, ", \"by\": \"Maria Souza\"", "");
    let r = run(&repo, POLICIES);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![
            f("VALID", LEDGER_PATH, Some(3)),
            f("VALID", LEDGER_PATH, Some(4))
        ]
    );
    assert_eq!(
        r.messages(),
        vec![
            "releases/ledger.json: [1].event is 'rolback', expected one of 'activation', 'rollback'",
            "releases/ledger.json: [2] has no 'by'",
        ]
    );
    // The event's column, not the entry's.
    assert_eq!(r.json()["findings"][0]["column"], 70);
}

#[test]
fn types_formats_and_emptiness() {
    let repo = repo();
    repo.edit(
        LEDGER_PATH,
        "\"flag\": 0, \"by\": \"Maria Souza\"",
        "\"flag\": \"0\", \"by\": \" \"",
    )
    .edit(
        LEDGER_PATH,
        "\"release\": \"2024-06-03\", \"event\": \"rollback\"",
        "\"release\": \"2024-6-3\", \"event\": \"rollback\"",
    );
    let r = run(&repo, POLICIES);
    assert_eq!(
        r.findings(),
        vec![
            f("VALID", LEDGER_PATH, Some(3)),
            f("VALID", LEDGER_PATH, Some(4)),
            f("VALID", LEDGER_PATH, Some(4)),
        ]
    );
    let m = r.messages();
    assert!(
        m.contains(
            &"releases/ledger.json: [1].release is '2024-6-3', expected a date (YYYY-MM-DD)"
                .to_string()
        ),
        "{m:?}"
    );
    // "0" is a string: enums compare with the type.
    assert!(
        m.contains(&"releases/ledger.json: [2].flag is '0', expected one of 0, 1".to_string()),
        "{m:?}"
    );
    assert!(
        m.contains(&"releases/ledger.json: [2].by is empty".to_string()),
        "{m:?}"
    );
    // ... while `last` compares as text, so "0" still equals '0'.
    assert_eq!(r.status("CURRENT"), "pass");
}

#[test]
fn dates_going_backwards() {
    let repo = repo();
    repo.edit(LEDGER_PATH, "2024-06-04T16:30:00Z", "2024-06-02");
    let r = run(&repo, POLICIES);
    assert_eq!(r.findings(), vec![f("VALID", LEDGER_PATH, Some(3))]);
    assert_eq!(
        r.messages(),
        vec![
            "releases/ledger.json: [1].date 2024-06-02 is before [0].date 2024-06-03T09:00:00Z: the dates go backwards"
        ]
    );
    // A plain date on the same day as the previous time is not backwards.
    repo.edit(LEDGER_PATH, "2024-06-02", "2024-06-03");
    assert_eq!(run(&repo, POLICIES).code, 0);
}

#[test]
fn missing_release_entry_and_last_flag_mismatch() {
    let repo = repo();
    repo.edit(
        LEDGER_PATH,
        "\"release\": \"2024-07-15\"",
        "\"release\": \"2024-07-14\"",
    );
    let p = Policies::new(POLICIES);
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--format",
        "json",
        "--var",
        "ledger_flag=1",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![
            f("CURRENT", LEDGER_PATH, Some(1)),
            f("CURRENT", LEDGER_PATH, Some(4))
        ]
    );
    assert_eq!(
        r.messages(),
        vec![
            "releases/ledger.json: the document has no element with release = '2024-07-15'",
            "releases/ledger.json: the last element [2].flag is 0, expected '1'",
        ]
    );
}

#[test]
fn missing_file_and_wrong_type() {
    let repo = repo();
    repo.write(LEDGER_PATH, "{\"entries\": []}\n");
    let r = run(&repo, POLICIES);
    assert_eq!(
        r.findings(),
        vec![
            f("CURRENT", LEDGER_PATH, Some(1)),
            f("VALID", LEDGER_PATH, Some(1))
        ]
    );
    assert!(
        r.messages()[1].contains("the document is an object, expected an array"),
        "{}",
        r.stdout
    );
    repo.remove(LEDGER_PATH);
    let r = run(&repo, POLICIES);
    assert_eq!(
        r.findings(),
        vec![
            f("CURRENT", LEDGER_PATH, None),
            f("VALID", LEDGER_PATH, None)
        ]
    );
}

const NESTED: &str = r#"version: 1
policies:
  - id: Y
    title: deploy steps
    check:
      data:
        file: '{file}'
        path: spec.steps
        each:
          required: [name]
          types: {retries: integer}
"#;

#[test]
fn yaml_and_toml_at_a_path() {
    let repo = Repo::new();
    repo.write(
        "deploy.yaml",
        "spec:\n  steps:\n    - name: build\n      retries: 2\n    - retries: three\n",
    )
    .write(
        "deploy.toml",
        "[spec]\n[[spec.steps]]\nname = \"build\"\n\n[[spec.steps]]\nretries = 1\n",
    )
    .commit_all("c");
    let p = Policies::new(NESTED);
    let check = |file: &str| {
        repo.relgate(&[
            "check",
            "--policies",
            &p.path(),
            "--format",
            "json",
            "--var",
            &format!("file={file}"),
        ])
    };
    let r = check("deploy.yaml");
    assert_eq!(
        r.findings(),
        vec![
            f("Y", "deploy.yaml", Some(5)),
            f("Y", "deploy.yaml", Some(5))
        ]
    );
    assert_eq!(
        r.messages(),
        vec![
            "deploy.yaml: spec.steps[1] has no 'name'",
            "deploy.yaml: spec.steps[1].retries is a string, expected an integer",
        ]
    );
    let r = check("deploy.toml");
    assert_eq!(r.findings(), vec![f("Y", "deploy.toml", Some(5))]);
    assert_eq!(
        r.messages(),
        vec!["deploy.toml: spec.steps[1] has no 'name'"]
    );
}

#[test]
fn policy_errors_in_nested_keys_are_located() {
    let yaml = r#"version: 1
policies:
  - id: X
    title: x
    check:
      data:
        file: a.json
        each:
          requird: [a]
          formats: {a: datetme}
        ordered: {}
"#;
    let p = Policies::new(yaml);
    let dir = tempfile::TempDir::new().map_err(|e| e.to_string());
    let Ok(dir) = dir else { panic!("tempdir") };
    let r = relgate_in(dir.path(), &["validate", "--policies", &p.path()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let name = p.path();
    for expected in [
        format!("{name}:9:11: error[relgate::policy::unknown_key]: unknown key 'requird'"),
        "did you mean 'required'?".to_string(),
        format!("{name}:10:24: error[relgate::policy::bad_value]"),
        "did you mean 'datetime'?".to_string(),
        format!("{name}:11:18: error[relgate::policy::missing_key]"),
    ] {
        assert!(
            r.stderr.contains(&expected),
            "missing {expected:?} in:\n{}",
            r.stderr
        );
    }
}

/// Data files are read as before the policy files joined their YAML reader: the YAML
/// 1.2 core schema (`1_000`, `0644` and `yes` stay strings), a repeated key and an
/// alias bomb make the file unreadable, located, and the policy fails.
#[test]
fn yaml_data_files_read_as_before() {
    let repo = Repo::new();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    bomb.push_str("items: []\n");
    repo.write(
        "settings.yaml",
        "items:\n  - {count: 1_000, mode: 0644, on: yes}\n  - {count: 2, mode: 644, on: true}\n",
    )
    .write("dup.yaml", "items:\n  - {a: 1}\nitems: []\n")
    .write("bomb.yaml", &bomb)
    .commit_all("c");
    let policy = |id: &str, file: &str| {
        format!(
            "  - id: {id}\n    title: t\n    check:\n      data:\n        file: {file}\n        path: items\n        each:\n          types: {{count: integer, mode: integer, on: boolean}}\n"
        )
    };
    let yaml = format!(
        "version: 1\npolicies:\n{}{}{}",
        policy("SCHEMA", "settings.yaml"),
        policy("DUP", "dup.yaml"),
        policy("BOMB", "bomb.yaml")
    );
    let r = repo.check_yaml(&yaml, &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.findings(),
        vec![
            f("BOMB", "bomb.yaml", Some(6)),
            f("DUP", "dup.yaml", Some(3)),
            f("SCHEMA", "settings.yaml", Some(2)),
            f("SCHEMA", "settings.yaml", Some(2)),
            f("SCHEMA", "settings.yaml", Some(2)),
        ]
    );
    let columns: Vec<_> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["column"].as_u64())
        .collect();
    assert_eq!(columns[..2], [Some(15), Some(1)]);
    assert_eq!(
        r.messages(),
        vec![
            "bomb.yaml is not valid YAML: alias replay limit exceeded: total_replayed_events=200001 > 200000 at line 1, column 25 (defined at line 5, column 9) (used at line 6, column 15)",
            "dup.yaml is not valid YAML: duplicate mapping key: items, set DuplicateKeyPolicy in Options if acceptable",
            "settings.yaml: items[0].count is a string, expected an integer",
            "settings.yaml: items[0].mode is a string, expected an integer",
            "settings.yaml: items[0].on is a string, expected a boolean",
        ]
    );
}
