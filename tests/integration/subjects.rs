//! Every report places a finding from what it is about (its subject), never from the
//! words of its message: a finding whose message or title names `src/main.rs` stays
//! at its own file, and one about the policy itself (a variable without a value) is
//! at the policy's `id`, in SARIF, GitHub annotations and JSON alike.

use crate::common::*;
use serde_json::Value;

const POLICIES: &str = r"version: 1
vars:
  release:
    latest_dir: 'releases/*'
policies:
  - id: MAIN-BUILT
    title: src/main.rs is built for release
    check: {var: {name: target, equals: release}}
  - id: MAIN-NOTES
    title: src/main.rs is not named in the notes
    check: {not_matches: {files: docs/notes.md, patterns: 'src/main\.rs'}}
  - id: MAIN-VALUE
    title: src/main.rs ships in the release
    check: {exists: 'releases/{release}/src/main.rs'}
";

/// The line (1-based) of `- id: ID` in [`POLICIES`]; its `id` is at column 5.
fn id_line(id: &str) -> u64 {
    let needle = format!("  - id: {id}");
    POLICIES
        .lines()
        .position(|l| l == needle)
        .map(|i| i as u64 + 1)
        .unwrap()
}

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("src/main.rs", "fn main() {}\n")
        .write("docs/notes.md", "# Notes\n\nBuilt from src/main.rs.\n")
        .write(".relgate/policies.yaml", POLICIES)
        .commit_all("c");
    repo
}

const ARGS: [&str; 3] = ["check", "--var", "target=src/main.rs"];

/// `(policy, uri, startLine, startColumn)` of each SARIF result.
fn sarif_places(run: &Run) -> Vec<(String, String, Option<u64>, Option<u64>)> {
    crate::sarif::validate(&run.stdout);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| {
            let at = &res["locations"][0]["physicalLocation"];
            (
                res["ruleId"].as_str().unwrap().to_string(),
                at["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                at["region"]["startLine"].as_u64(),
                at["region"]["startColumn"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn a_message_naming_another_file_does_not_move_the_finding() {
    let repo = repo();
    let run = repo.relgate(&[&ARGS[..], &["--format", "sarif"]].concat());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let p = ".relgate/policies.yaml".to_string();
    assert_eq!(
        sarif_places(&run),
        [
            // "variable 'target' is 'src/main.rs', not 'release'": about the run's
            // inputs, not src/main.rs; placed where the policy that asks is defined.
            (
                "MAIN-BUILT".into(),
                p.clone(),
                Some(id_line("MAIN-BUILT")),
                Some(5)
            ),
            // The policy itself (a variable without a value): at its `id`.
            (
                "MAIN-VALUE".into(),
                p.clone(),
                Some(id_line("MAIN-VALUE")),
                Some(5)
            ),
            // About docs/notes.md, though the message quotes src/main.rs.
            (
                "MAIN-NOTES".into(),
                "docs/notes.md".into(),
                Some(3),
                Some(12)
            ),
        ]
    );

    let run = repo.relgate(&[&ARGS[..], &["--format", "github"]].concat());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let annotations: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 3, "{}", run.stdout);
    // No annotation is placed at src/main.rs, though every title names it.
    assert!(!run.stdout.contains("file=src/main.rs"), "{}", run.stdout);
    assert!(
        annotations[0].starts_with("::error title=MAIN-BUILT%3A src/main.rs is built"),
        "{}",
        annotations[0]
    );
    assert!(
        annotations[1].starts_with(&format!(
            "::error file=.relgate/policies.yaml,line={},col=5,title=MAIN-VALUE%3A",
            id_line("MAIN-VALUE")
        )),
        "{}",
        annotations[1]
    );
    assert!(
        annotations[2].starts_with("::error file=docs/notes.md,line=3,col=12,title=MAIN-NOTES%3A"),
        "{}",
        annotations[2]
    );
}

#[test]
fn a_variable_without_a_value_is_about_the_policy() {
    let repo = repo();
    let json = repo
        .relgate(&[&ARGS[..], &["--format", "json"]].concat())
        .json();
    let value = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy"] == "MAIN-VALUE")
        .unwrap()
        .clone();
    assert!(
        value["message"]
            .as_str()
            .unwrap()
            .starts_with("variable 'release' has no value"),
        "{value}"
    );
    // No file of its own: `path` stays absent, the subject says where.
    assert!(value.get("path").is_none(), "{value}");
    assert_eq!(
        value["subject"],
        serde_json::json!({
            "kind": "policy",
            "file": ".relgate/policies.yaml",
            "line": id_line("MAIN-VALUE"),
            "column": 5
        })
    );
    let by_policy = |id: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["policy"] == id)
            .unwrap()["subject"]
            .clone()
    };
    assert_eq!(
        by_policy("MAIN-BUILT"),
        serde_json::json!({"kind": "repository"})
    );
    assert_eq!(
        by_policy("MAIN-NOTES"),
        serde_json::json!({"kind": "line", "path": "docs/notes.md", "line": 3, "column": 12})
    );

    // The text reports name the definition too, and group by subject.
    let at = format!(".relgate/policies.yaml:{}:5", id_line("MAIN-VALUE"));
    let human = repo.relgate(&ARGS);
    assert!(
        human
            .stdout
            .contains(&format!("── policy MAIN-VALUE (defined at {at}) ──")),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("── docs/notes.md ──"),
        "{}",
        human.stdout
    );
    let markdown = repo.relgate(&[&ARGS[..], &["--format", "markdown"]].concat());
    assert!(
        markdown.stdout.contains(&format!(
            "**MAIN-VALUE** policy `{at}`: variable 'release' has no value"
        )),
        "{}",
        markdown.stdout
    );

    // Policies from outside the repository: SARIF names the definition as a logical
    // location, GitHub annotates no file.
    let outside = Policies::new(POLICIES);
    let outside = outside.path();
    let args = [&ARGS[..], &["--policies", &outside]].concat();
    let run = repo.relgate(&[&args[..], &["--format", "sarif"]].concat());
    crate::sarif::validate(&run.stdout);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "MAIN-VALUE")
        .unwrap()
        .clone();
    let at = &result["locations"][0];
    assert_eq!(
        at["physicalLocation"]["artifactLocation"]["uri"],
        ".relgate/config.yaml"
    );
    let logical = &at["logicalLocations"][0];
    assert_eq!(logical["name"], "MAIN-VALUE");
    assert!(
        logical["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .ends_with(&format!(":{}:5", id_line("MAIN-VALUE"))),
        "{logical}"
    );
    let run = repo.relgate(&[&args[..], &["--format", "github"]].concat());
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("title=MAIN-VALUE"))
        .unwrap();
    assert!(line.starts_with("::error title=MAIN-VALUE"), "{line}");
}
