//! `--new-only` without `--base`: `--staged` and the working tree are classified
//! against HEAD (what is trusted stays the tree under check); a repository without a
//! commit has only new findings; a commit (`--rev`) needs `--base`.

use crate::common::*;
use crate::new_only::{LATEST, classified, counts, json, new, repo};
use serde_json::Value;

/// Without --base, `--staged` and the working tree are classified against HEAD; what is
/// trusted stays the tree under check.
#[test]
fn staged_and_working_tree_compare_with_head() {
    let p = Policies::new(LATEST);
    let repo = repo();
    let head = repo.git(&["rev-parse", "HEAD"]);
    // Nothing staged: every finding is HEAD's.
    let j = json(&repo, &p, &["--staged", "--new-only"], 0);
    assert_eq!(counts(&j), [0, 5, 0, 5]);
    assert_eq!(j["baseline"]["against"], head.as_str());
    assert_eq!(j["trusted"]["source"], "checked");
    assert!(
        j["baseline"]["note"]
            .as_str()
            .unwrap()
            .starts_with("--new-only: findings are classified against HEAD "),
        "{j}"
    );
    // One staged tag is new; an unstaged one is not judged by --staged.
    repo.write("charts/g/values.yaml", "image: g:latest\n");
    repo.git(&["add", "charts/g/values.yaml"]);
    repo.write("charts/h/values.yaml", "image: h:latest\n");
    let j = json(&repo, &p, &["--staged", "--new-only"], 1);
    assert_eq!(counts(&j), [1, 5, 0, 5]);
    assert_eq!(classified(&j)[5], new("charts/g/values.yaml", 1));
    // The working tree sees both.
    let j = json(&repo, &p, &["--new-only"], 1);
    assert_eq!(counts(&j), [2, 5, 0, 5]);
    assert_eq!(classified(&j)[5], new("charts/g/values.yaml", 1));
    assert_eq!(classified(&j)[6], new("charts/h/values.yaml", 1));
    // Without --new-only, no classification.
    let j = json(&repo, &p, &["--staged"], 1);
    assert!(j.get("baseline").is_none(), "{j}");
}

#[test]
fn a_repository_without_a_commit_has_only_new_findings() {
    let p = Policies::new(LATEST);
    let repo = Repo::new();
    repo.write("values.yaml", "image: a:latest\n");
    repo.git(&["add", "values.yaml"]);
    let j = json(&repo, &p, &["--staged", "--new-only"], 1);
    assert_eq!(counts(&j), [1, 0, 0, 0]);
    assert_eq!(classified(&j), [new("values.yaml", 1)]);
    assert_eq!(j["baseline"]["against"], Value::Null);
    assert_eq!(
        j["baseline"]["note"],
        "--new-only: the repository has no commit yet, so there is no base: every finding is new and counts"
    );
    let human = repo.relgate(&["check", "--policies", &p.path(), "--staged", "--new-only"]);
    assert!(
        human.stdout.contains("the repository has no commit yet"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_commit_needs_a_base_to_be_new_against() {
    let p = Policies::new(LATEST);
    let repo = repo();
    let run = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--rev",
        "HEAD",
        "--new-only",
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("relgate: error: --new-only with --rev needs --base")
            && run.stderr.contains("help: add --base BRANCH"),
        "{}",
        run.stderr
    );
    // With a base it runs.
    json(
        &repo,
        &p,
        &["--rev", "HEAD", "--base", "main", "--new-only"],
        0,
    );
}
