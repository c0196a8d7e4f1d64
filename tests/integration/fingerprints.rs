//! Fingerprints (`docs/json.md`): the same finding keeps its `fingerprint` (and
//! SARIF's `partialFingerprints.relgate/v1`, GitLab's `fingerprint`) when a line is
//! inserted above it or its file is renamed; identical findings are told apart.

use crate::common::{Policies, Repo};
use crate::sarif::validate;
use serde_json::Value;

const LATEST: &str = "version: 1\npolicies:\n  - id: TAG-1\n    title: no latest image tags\n    check:\n      not_matches: {files: '**/*.yaml', patterns: ':latest\\b'}\n";

const VALUES: &str = "replicas: 2\nimage: app:latest\nsidecar: proxy:1.2\n";

/// `(path, line, fingerprint)` of each finding of a JSON report.
fn prints(json: &Value) -> Vec<(String, u64, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let fp = f["fingerprint"].as_str().unwrap().to_string();
            assert_eq!(fp.len(), 64, "{fp}");
            assert!(fp.bytes().all(|b| b.is_ascii_hexdigit()), "{fp}");
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                fp,
            )
        })
        .collect()
}

fn check(repo: &Repo, p: &Policies) -> Vec<(String, u64, String)> {
    let run = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    prints(&run.json())
}

#[test]
fn a_finding_keeps_its_fingerprint_when_lines_move_and_its_file_is_renamed() {
    let p = Policies::new(LATEST);
    let repo = Repo::new();
    repo.write("charts/app/values.yaml", VALUES)
        .commit_all("chart");
    let before = check(&repo, &p);
    assert_eq!(before.len(), 1);
    assert_eq!(
        (before[0].0.as_str(), before[0].1),
        ("charts/app/values.yaml", 2)
    );

    // A line inserted above it: another line number, the same fingerprint.
    repo.write(
        "charts/app/values.yaml",
        &format!("# the app's chart\n{VALUES}"),
    )
    .commit_all("comment");
    let moved = check(&repo, &p);
    assert_eq!(
        (moved[0].0.as_str(), moved[0].1),
        ("charts/app/values.yaml", 3)
    );
    assert_eq!(moved[0].2, before[0].2);

    // `git mv`: another path, the same fingerprint.
    repo.git(&["mv", "charts/app", "charts/web"]);
    repo.commit_all("rename");
    let renamed = check(&repo, &p);
    assert_eq!(
        (renamed[0].0.as_str(), renamed[0].1),
        ("charts/web/values.yaml", 3)
    );
    assert_eq!(renamed[0].2, before[0].2);

    // The finding's own line changed: another finding.
    repo.edit("charts/web/values.yaml", "app:latest", "web:latest")
        .commit_all("other image");
    let changed = check(&repo, &p);
    assert_eq!(changed[0].1, 3);
    assert_ne!(changed[0].2, before[0].2);
}

#[test]
fn identical_findings_are_told_apart_and_every_format_carries_the_same_fingerprint() {
    let p = Policies::new(LATEST);
    let repo = Repo::new();
    repo.write(
        "values.yaml",
        "image: app:latest\nother: 1\nimage: app:latest\n",
    )
    .commit_all("twice");
    let found = check(&repo, &p);
    let lines: Vec<u64> = found.iter().map(|f| f.1).collect();
    assert_eq!(lines, [1, 3]);
    assert_ne!(found[0].2, found[1].2);
    // Deterministic: the same in a second run.
    assert_eq!(check(&repo, &p), found);
    // The first keeps its fingerprint when the second goes.
    repo.write("values.yaml", "image: app:latest\nother: 1\n")
        .commit_all("once");
    assert_eq!(check(&repo, &p)[0].2, found[0].2);

    let expected: Vec<&str> = vec![found[0].2.as_str()];
    let sarif = repo.relgate(&["check", "--policies", &p.path(), "--format", "sarif"]);
    assert_eq!(sarif.code, 1, "{}", sarif.stderr);
    validate(&sarif.stdout);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let got: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["relgate/v1"].as_str().unwrap())
        .collect();
    assert_eq!(got, expected);
    let gitlab = repo.relgate(&["check", "--policies", &p.path(), "--format", "gitlab"]);
    let issues: Value = serde_json::from_str(&gitlab.stdout).unwrap();
    let got: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn a_file_finding_keeps_its_fingerprint_when_the_file_is_renamed() {
    let yaml = "version: 1\npolicies:\n  - id: SIZE-1\n    title: values files say their replicas\n    check:\n      matches: {files: '**/values.yaml', patterns: 'replicas:'}\n";
    let p = Policies::new(yaml);
    let repo = Repo::new();
    repo.write("a/values.yaml", "image: app:1\n")
        .commit_all("a");
    let before = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(before.code, 1, "{}", before.stderr);
    let before = before.json();
    let f = &before["findings"][0];
    assert_eq!(f["subject"]["kind"], "file", "{before}");
    repo.git(&["mv", "a", "b"]);
    repo.write("b/values.yaml", "# edited\nimage: app:1\n")
        .commit_all("rename and edit");
    let after = repo
        .relgate(&["check", "--policies", &p.path(), "--format", "json"])
        .json();
    assert_eq!(after["findings"][0]["path"], "b/values.yaml");
    assert_eq!(after["findings"][0]["fingerprint"], f["fingerprint"]);
}
