//! The trusted tree: with --base, policies come from the base revision's own tree.

use crate::common::{Repo, f};

const README_POLICY: &str = "version: 1\npolicies:\n  - id: T-1\n    title: A changelog exists\n    check: {exists: CHANGELOG.md}\n";

#[test]
fn a_branch_forked_before_a_policy_was_added_is_judged_by_it() {
    let r = Repo::new();
    r.write(".relgate/config.yaml", "version: 1\npolicies:\n  - id: T-0\n    title: A README exists\n    check: {exists: README.md}\n");
    r.write("README.md", "x\n");
    r.commit_all("base");
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src.txt", "work\n");
    r.commit_all("feature work");
    // main gains a policy after the fork.
    r.git(&["checkout", "-q", "main"]);
    r.write(".relgate/config.yaml", README_POLICY);
    r.commit_all("new policy");
    r.git(&["checkout", "-q", "feature"]);
    let run = r.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("T-1", "CHANGELOG.md", None)]);
    let v = run.json();
    assert_eq!(v["trusted"]["source"], "base");
    assert_eq!(v["trusted"]["commit"], r.git(&["rev-parse", "main"]).trim());
}

#[test]
fn in_repository_policies_paths_are_read_from_the_base() {
    let r = Repo::new();
    r.write(".relgate/config.yaml", README_POLICY);
    r.write("README.md", "x\n");
    r.commit_all("base");
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "pr"]);
    // The pull request switches its gate off.
    r.write(".relgate/config.yaml", "version: 1\npolicies: []\n");
    r.commit_all("weaken");
    let run = r.relgate(&[
        "check",
        "--base",
        "main",
        "--policies",
        ".relgate",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [
            f("RELGATE-TRUST", ".relgate/config.yaml", None),
            f("T-1", "CHANGELOG.md", None)
        ]
    );
    // A policy file outside the repository is the workflow's own: read from disk.
    let outside = crate::common::Policies::new(
        "version: 1\npolicies:\n  - id: W-1\n    title: t\n    check: {exists: README.md}\n",
    );
    let run = r.relgate(&[
        "check",
        "--base",
        "main",
        "--policies",
        &outside.path(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_base_without_policies_previews_the_change_s_own() {
    let r = Repo::new();
    r.write("README.md", "x\n");
    r.commit_all("base");
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write(".relgate/config.yaml", README_POLICY);
    r.commit_all("adopt relgate");
    let run = r.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["trusted"]["source"], "checked");
    assert_eq!(v["trusted"]["bootstrap"], true);
    assert_eq!(
        run.findings(),
        [
            f("RELGATE-TRUST", ".relgate/config.yaml", None),
            f("T-1", "CHANGELOG.md", None)
        ]
    );
}

#[test]
fn without_a_base_the_tree_under_check_is_trusted() {
    let r = Repo::new();
    r.write(".relgate/config.yaml", README_POLICY);
    r.write("CHANGELOG.md", "x\n");
    r.commit_all("one");
    let run = r.relgate(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["trusted"]["source"], "checked");
    assert!(
        v["policies"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != "RELGATE-TRUST")
    );
}
