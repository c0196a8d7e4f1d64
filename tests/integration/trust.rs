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

/// DR-009 under --base: a pull request that lists its own key and signs its own approval
/// still fails, with a note about the signers file; a key the base lists passes.
#[test]
fn dr009_a_pull_request_cannot_approve_itself() {
    let repo = Repo::reference();
    repo.git(&["branch", "-M", "main"]);
    repo.git(&["checkout", "-q", "-b", "pr"]);
    let keys = tempfile::tempdir().unwrap();
    let eve = keys.path().join("eve");
    let out = crate::common::command("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "eve", "-f"])
        .arg(&eve)
        .output()
        .unwrap();
    assert!(out.status.success());
    let eve_pub = std::fs::read_to_string(eve.with_extension("pub")).unwrap();
    let signers = ".relgate/signers/steering";
    let mut list = repo.read(signers);
    list.push_str(&format!("eve@example.com {eve_pub}"));
    let approval = "docs/compliance/approvals/2024-07-15/steering.md";
    repo.write(signers, &list)
        .edit(
            "config/production.env",
            "BILLING_GATEWAY_ENABLE_REAL=0",
            "BILLING_GATEWAY_ENABLE_REAL=1",
        )
        .write(
            approval,
            "Aprovado por: Eve <eve@example.com> — 2024-07-16\nRelease: 2024-07-15\nBILLING_GATEWAY_ENABLE_REAL=1\n",
        );
    let sig = crate::common::command("ssh-keygen")
        .args(["-Y", "sign", "-n", "relgate", "-f"])
        .arg(&eve)
        .arg(repo.path().join(approval))
        .output()
        .unwrap();
    assert!(
        sig.status.success(),
        "{}",
        String::from_utf8_lossy(&sig.stderr)
    );
    repo.commit_all("self-approved");
    let check = |r: &Repo| {
        r.relgate(&[
            "check",
            "--pack",
            "billing-gateway-dr",
            "--base",
            "main",
            "--format",
            "json",
            "--now",
            "2024-07-20T12:00:00Z",
        ])
    };
    let run = check(&repo);
    assert_eq!(run.status("DR-009"), "fail", "{}", run.stdout);
    let dr009 = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy"] == "DR-009")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert!(
        dr009
            .iter()
            .any(|m| m.contains("is not in the allowed signers")),
        "{dr009:?}"
    );
    let notes: Vec<_> = run
        .findings()
        .into_iter()
        .filter(|f| f.0 == "RELGATE-TRUST")
        .collect();
    assert_eq!(notes, [f("RELGATE-TRUST", signers, None)]);
    // The same approval, signed by the steering key the base lists: DR-009 passes.
    repo.sign("steering-test", approval)
        .commit_all("signed by steering");
    let run = check(&repo);
    assert_eq!(run.status("DR-009"), "pass", "{}", run.stdout);
}
