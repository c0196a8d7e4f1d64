//! `changes` with `--base`: a change to the flag (or to config files) must also
//! modify the ledger and the release README; without a base the policy is skip.

use crate::common::*;

const POLICY: &str = r#"version: 1
vars:
  release: '2024-07-15'
  real_billing:
    flag:
      name: BILLING_GATEWAY_ENABLE_REAL
      files: ['**/*.env', '**/*.yaml']
      exclude: ['releases/**']
policies:
  - id: REC
    title: flag changes are recorded
    check:
      changes:
        flag: real_billing
        must_modify: [releases/ledger.json, 'releases/{release}/README.md']
  - id: CFG
    title: config changes are in the changelog
    check:
      changes: {touches: 'config/**', exclude: 'config/*.md', must_modify: CHANGELOG.md}
"#;

fn run(repo: &Repo, extra: &[&str]) -> Run {
    repo.check_yaml(POLICY, extra)
}

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("config/prod.env", "URL=x\nBILLING_GATEWAY_ENABLE_REAL=0\n")
        .write("config/README.md", "config\n")
        .write("releases/ledger.json", "[]\n")
        .write(
            "releases/2024-07-15/README.md",
            "Modo de pagamentos: sandbox\n",
        )
        .write("CHANGELOG.md", "# Changes\n")
        .commit_all("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

fn flag_on_findings() -> Vec<(String, String, Option<u64>)> {
    vec![
        f("CFG", "config/prod.env", None),
        f("REC", "config/prod.env", Some(2)),
        f("REC", "config/prod.env", Some(2)),
    ]
}

#[test]
fn without_a_base_the_policies_are_skipped() {
    let repo = repo();
    repo.edit("config/prod.env", "REAL=0", "REAL=1");
    let r = run(&repo, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("REC"), "skip");
    assert_eq!(r.status("CFG"), "skip");
    assert_eq!(
        r.json()["policies"][0]["reason"],
        "needs --base: this policy compares the change with a base revision"
    );
}

#[test]
fn worktree_staged_and_rev() {
    let repo = repo();
    // Unstaged: the working tree changes the flag, the index does not.
    repo.edit("config/prod.env", "REAL=0", "REAL=1");
    let r = run(&repo, &["--base", "main"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.findings(), flag_on_findings());
    let messages: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        messages[1..],
        [
            "the change sets BILLING_GATEWAY_ENABLE_REAL to '1' in config/prod.env (base: '0') but does not modify releases/2024-07-15/README.md",
            "the change sets BILLING_GATEWAY_ENABLE_REAL to '1' in config/prod.env (base: '0') but does not modify releases/ledger.json",
        ]
    );
    assert_eq!(run(&repo, &["--staged", "--base", "main"]).code, 0);

    // Staged and committed without the ledger: fails everywhere.
    repo.git(&["add", "-A"]);
    let r = run(&repo, &["--staged", "--base", "main"]);
    assert_eq!(r.findings(), flag_on_findings());
    repo.commit_all("flag on");
    let r = run(&repo, &["--rev", "HEAD", "--base", "main"]);
    assert_eq!(r.findings(), flag_on_findings());
    assert_eq!(r.status("REC"), "fail");

    // Recording the change in the working tree only: worktree passes, index does not.
    repo.write(
        "releases/ledger.json",
        "[{\"date\": \"2024-07-16\", \"release\": \"2024-07-15\", \"event\": \"activation\", \"flag\": 1, \"by\": \"ana\"}]\n",
    )
    .write("releases/2024-07-15/README.md", "Modo de pagamentos: real\n")
    .write("CHANGELOG.md", "# Changes\n\n- real billing on\n");
    let r = run(&repo, &["--base", "main"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("REC"), "pass");
    // The index still holds the flag change alone.
    let r = run(&repo, &["--staged", "--base", "main"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), flag_on_findings());
    repo.commit_all("record");
    assert_eq!(run(&repo, &["--rev", "HEAD", "--base", "main"]).code, 0);
    assert_eq!(run(&repo, &["--staged", "--base", "main"]).code, 0);
    // The commit before the record still fails against the same base.
    assert_eq!(
        run(&repo, &["--rev", "HEAD~1", "--base", "main"]).findings(),
        flag_on_findings()
    );
}

#[test]
fn other_changes_do_not_trigger_the_flag_rule() {
    let repo = repo();
    // Same assignments, other settings changed: only the file rule fires.
    repo.edit("config/prod.env", "URL=x", "URL=y")
        .commit_all("url");
    let r = run(&repo, &["--rev", "HEAD", "--base", "main"]);
    assert_eq!(r.findings(), vec![f("CFG", "config/prod.env", None)]);
    assert_eq!(r.status("REC"), "pass");
    // An excluded file does not fire the file rule.
    let repo = self::repo();
    repo.edit("config/README.md", "config", "configuration");
    assert_eq!(run(&repo, &["--base", "main"]).code, 0);
}

#[test]
fn a_new_or_removed_assignment_is_a_change() {
    let repo = repo();
    repo.write(
        "deploy/k8s.yaml",
        "env:\n  - name: BILLING_GATEWAY_ENABLE_REAL\n    value: \"0\"\n",
    );
    let r = run(&repo, &["--base", "main"]);
    assert_eq!(
        r.findings(),
        vec![
            f("REC", "deploy/k8s.yaml", Some(2)),
            f("REC", "deploy/k8s.yaml", Some(2))
        ]
    );
    let repo = self::repo();
    repo.write("config/prod.env", "URL=x\n")
        .write("CHANGELOG.md", "# Changes\n\n- drop flag\n");
    let r = run(&repo, &["--base", "main"]);
    assert_eq!(
        r.findings(),
        vec![
            f("REC", "config/prod.env", None),
            f("REC", "config/prod.env", None)
        ]
    );
    assert!(
        r.stdout.contains(
            "the change removes the assignment BILLING_GATEWAY_ENABLE_REAL='0' from config/prod.env"
        ),
        "{}",
        r.stdout
    );
}
