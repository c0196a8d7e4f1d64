//! One passing and one failing repository per check kind, asserting exact
//! (policy, path, line).

use crate::common::*;

fn run(repo: &Repo, yaml: &str) -> Run {
    repo.check_yaml(yaml, &[])
}

const EXISTS: &str = "version: 1\npolicies:\n  - id: E\n    title: files exist\n    check:\n      exists: [README.md, 'docs/*.md']\n";

#[test]
fn exists_passes_and_fails() {
    let repo = Repo::new();
    repo.write("README.md", "x\n")
        .write("docs/a.md", "a\n")
        .commit_all("c");
    let r = run(&repo, EXISTS);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("E"), "pass");

    repo.remove("README.md").remove("docs/a.md");
    let r = run(&repo, EXISTS);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![f("E", "README.md", None), f("E", "docs", None)]
    );
    assert!(
        r.stdout.contains("no file matches 'docs/*.md'"),
        "{}",
        r.stdout
    );
}

const ABSENT: &str = "version: 1\npolicies:\n  - id: A\n    title: no keys\n    check:\n      absent: {paths: '**/*.pem', exclude: 'test/**'}\n";

#[test]
fn absent_passes_and_fails() {
    let repo = Repo::new();
    repo.write("test/fixture.pem", "k\n").commit_all("c");
    assert_eq!(run(&repo, ABSENT).code, 0);
    repo.write("deploy/key.pem", "k\n");
    let r = run(&repo, ABSENT);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f("A", "deploy/key.pem", None)]);
}

const MATCHES: &str = r#"version: 1
vars:
  release: '2024-07-15'
policies:
  - id: M
    title: readme says the mode
    check:
      matches:
        files: 'releases/{release}/README.md'
        patterns: ['^Modo de pagamentos: (sandbox|real)$', 'Release {release}']
  - id: S
    title: section mentions the alert
    check:
      matches:
        files: runbook.md
        section: Alerts
        patterns: BillingGatewayIdempotency
"#;

#[test]
fn matches_passes_and_fails() {
    let repo = Repo::new();
    repo.write(
        "releases/2024-07-15/README.md",
        "# Release 2024-07-15\r\n\r\nModo de pagamentos: sandbox\r\n",
    )
    .write(
        "runbook.md",
        "# Runbook\n\n## Alerts\n\n- BillingGatewayIdempotency\n\n## Other\n",
    )
    .commit_all("c");
    let r = run(&repo, MATCHES);
    assert_eq!(r.code, 0, "{}", r.stdout);

    repo.write(
        "releases/2024-07-15/README.md",
        "# Release 2024-07-15\n\nModo de pagamentos: maybe\n",
    )
    .write(
        "runbook.md",
        "# Runbook\n\n## Alerts\n\n- none\n\n## Other\n\nBillingGatewayIdempotency\n",
    );
    let r = run(&repo, MATCHES);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![
            f("M", "releases/2024-07-15/README.md", None),
            f("S", "runbook.md", Some(3))
        ]
    );
}

const NOT_MATCHES: &str = "version: 1\npolicies:\n  - id: N\n    title: no TODO\n    check:\n      not_matches: {files: 'docs/**/*.md', patterns: '\\bTODO\\b'}\n";

#[test]
fn not_matches_passes_and_fails() {
    let repo = Repo::new();
    repo.write("docs/a.md", "# A\n\nall done\n").commit_all("c");
    assert_eq!(run(&repo, NOT_MATCHES).code, 0);
    repo.write("docs/a.md", "# A\n\nTODO one\nfine\nand TODO two\n");
    let r = run(&repo, NOT_MATCHES);
    assert_eq!(
        r.findings(),
        vec![f("N", "docs/a.md", Some(3)), f("N", "docs/a.md", Some(5))]
    );
    assert_eq!(r.json()["findings"][1]["column"], 5);
}

const CHECKLIST: &str = "version: 1\npolicies:\n  - id: C\n    title: ticked\n    check:\n      checklist: {file: list.md, section: 'Release 2'}\n";

#[test]
fn checklist_passes_and_fails() {
    let repo = Repo::new();
    repo.write(
        "list.md",
        "# L\n\n## Release 2\n\n- [x] a\n* [X] b\n  - [x] nested\n\n## Release 1\n\n- [ ] old\n",
    )
    .commit_all("c");
    assert_eq!(run(&repo, CHECKLIST).code, 0);

    repo.write(
        "list.md",
        "# L\n\n## Release 2\n\n- [x] a\n- [ ] b\n1. [ ] c\n\n## Release 1\n\n- [ ] old\n",
    );
    let r = run(&repo, CHECKLIST);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![f("C", "list.md", Some(6)), f("C", "list.md", Some(7))]
    );

    // A section with no item at all does not pass; neither does a missing section.
    repo.write("list.md", "# L\n\n## Release 2\n\nnothing\n");
    assert_eq!(
        run(&repo, CHECKLIST).findings(),
        vec![f("C", "list.md", Some(3))]
    );
    repo.write("list.md", "# L\n");
    assert_eq!(
        run(&repo, CHECKLIST).findings(),
        vec![f("C", "list.md", None)]
    );
}

const MODE: &str = "version: 1\npolicies:\n  - id: P\n    title: artifacts\n    check:\n      mode: {files: 'rel/**', mode: '0644'}\n";

#[test]
fn mode_passes_and_fails_in_all_three_views() {
    let repo = Repo::new();
    repo.write("rel/a.txt", "a\n")
        .write("rel/b/c.txt", "c\n")
        .commit_all("c");
    assert_eq!(run(&repo, MODE).code, 0);

    repo.chmod("rel/a.txt", 0o664);
    let r = run(&repo, MODE);
    assert_eq!(r.findings(), vec![f("P", "rel/a.txt", None)]);
    assert!(
        r.stdout.contains("has mode 0664, expected 0644"),
        "{}",
        r.stdout
    );
    // git records 0664 as 100644: the index and the commit still pass.
    let p = Policies::new(MODE);
    repo.git(&["add", "-A"]);
    assert_eq!(
        repo.relgate(&["check", "--policies", &p.path(), "--staged"])
            .code,
        0
    );

    repo.chmod("rel/a.txt", 0o755);
    repo.git(&["add", "-A"]);
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--staged",
        "--format",
        "json",
    ]);
    assert_eq!(r.findings(), vec![f("P", "rel/a.txt", None)]);
    assert!(r.stdout.contains("git mode 100755"), "{}", r.stdout);
    repo.git(&["commit", "-qm", "exec"]);
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--rev",
        "HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(r.findings(), vec![f("P", "rel/a.txt", None)]);
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--rev",
        "HEAD~1",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn mode_rejects_symlinks() {
    let repo = Repo::new();
    repo.write("rel/a.txt", "a\n")
        .symlink("rel/link.txt", "a.txt")
        .commit_all("c");
    let r = run(&repo, MODE);
    assert_eq!(r.findings(), vec![f("P", "rel/link.txt", None)]);
    let p = Policies::new(MODE);
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--rev",
        "HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(r.findings(), vec![f("P", "rel/link.txt", None)]);
}

const ENCODING: &str = "version: 1\npolicies:\n  - id: U\n    title: utf-8\n    check:\n      encoding: {files: 'docs/**/*.md'}\n";

#[test]
fn encoding_passes_and_fails() {
    let repo = Repo::new();
    repo.write_bytes(
        "docs/ok.md",
        "\u{feff}# Lições\r\nação — “É isso” e\u{301}\r\n".as_bytes(),
        0o644,
    )
    .commit_all("c");
    assert_eq!(run(&repo, ENCODING).code, 0);

    repo.write("docs/moji.md", "# T\n\nok\nnegÃ³cios\n")
        .write("docs/mac.md", "# T\nneg√≥cios\n")
        .write_bytes("docs/latin1.md", b"# T\n\nna\xe7\xe3o\n", 0o644);
    let r = run(&repo, ENCODING);
    assert_eq!(
        r.findings(),
        vec![
            f("U", "docs/latin1.md", Some(3)),
            f("U", "docs/mac.md", Some(2)),
            f("U", "docs/moji.md", Some(4))
        ]
    );
}
