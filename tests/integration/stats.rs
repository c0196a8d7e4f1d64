//! `check --stats`: what each view listed and read, exactly: the files the policies
//! need, each once, and nothing else (not the files a `mode` check only looks at, not
//! a symbolic link, not an ignored file).

use crate::common::*;
use serde_json::json;

const POLICY: &str = "version: 1
vars:
  real:
    flag:
      name: REAL
      files: ['**/*.env']
policies:
  - id: FLAG
    title: off
    check:
      flag: {var: real, is: 'off'}
  - id: TEXT
    title: utf-8
    check:
      encoding:
        files: 'docs/*.md'
  - id: MODE
    title: modes
    check:
      mode:
        files: 'bin/*'
        mode: '0644'
";

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write(".gitignore", "*.log\n")
        .write("a.env", "REAL=0\n")
        .write("svc/b.env", "OTHER=1\n")
        .write("docs/guide.md", "# Guide\n")
        .write("bin/tool", "#!/bin/sh\n")
        .write("src/main.rs", "fn main() {}\n")
        .symlink("link.env", "a.env")
        .commit_all("c");
    repo
}

#[test]
fn every_mode_counts_the_files_read_and_lists_them_on_request() {
    let repo = repo();
    // Untracked and not ignored: listed and read in the working tree only.
    repo.write("new.env", "REAL=off\n")
        .write("build.log", "x\n");
    let read = ["a.env", "docs/guide.md", "svc/b.env"];
    let bytes = ["REAL=0\n", "# Guide\n", "OTHER=1\n"]
        .iter()
        .map(|s| s.len())
        .sum::<usize>();
    for (mode, listed, extra) in [
        (&[][..], 8, Some("new.env")),
        (&["--staged"][..], 7, None),
        (&["--rev", "HEAD"][..], 7, None),
    ] {
        let mut args = vec!["--stats=paths"];
        args.extend_from_slice(mode);
        let r = repo.check_yaml(POLICY, &args);
        // The link is never read: the flag counts as on there (the one finding).
        assert_eq!(r.code, 1, "{mode:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.findings(), [f("FLAG", "link.env", None)], "{mode:?}");
        let mut paths: Vec<&str> = read.to_vec();
        let mut bytes = bytes;
        if let Some(e) = extra {
            paths.push(e);
            paths.sort_unstable();
            bytes += "REAL=off\n".len();
        }
        let n = paths.len();
        assert_eq!(
            r.json()["stats"],
            json!({
                "checked": {"listed": listed, "read": n, "reads": n, "bytes": bytes, "paths": paths},
                "attachments": {"listed": 0, "read": 0, "reads": 0, "bytes": 0, "paths": []},
            }),
            "{mode:?}"
        );
        assert!(
            r.stderr.contains(&format!(
                "relgate: stats: checked: {listed} listed, {n} read ({n} reads, {bytes} bytes)"
            )),
            "{mode:?}: {}",
            r.stderr
        );
    }
    // Counts only, without the paths; and nothing at all without --stats.
    let r = repo.check_yaml(POLICY, &["--stats"]);
    assert_eq!(r.json()["stats"]["checked"]["read"], 4);
    assert!(r.json()["stats"]["checked"].get("paths").is_none());
    let r = repo.check_yaml(POLICY, &[]);
    assert!(r.json().get("stats").is_none());
    assert!(!r.stderr.contains("stats"), "{}", r.stderr);
}

#[test]
fn with_a_base_and_attachments_each_view_has_its_own_counts() {
    let repo = repo();
    // The trusted tree holds the policies: read from the base, not the change.
    repo.write(".relgate/policies.yaml", POLICY)
        .commit_all("policies");
    repo.git(&["tag", "gate"]);
    repo.write("svc/b.env", "OTHER=2\n").commit_all("change");
    repo.write("report.txt", "evidence\n");
    let r = repo.relgate(&[
        "check",
        "--base",
        "gate",
        "--format",
        "json",
        "--stats=paths",
        "--attach",
        "report=report.txt",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let stats = &r.json()["stats"];
    assert_eq!(
        stats["checked"]["paths"],
        json!(["a.env", "docs/guide.md", "svc/b.env"])
    );
    // The change branched from `gate`: its tree is the trusted tree and the base at
    // once, listed once; the base's reads are those its findings are compared with.
    assert_eq!(
        stats["trusted"]["paths"],
        json!([
            ".relgate/policies.yaml",
            "a.env",
            "docs/guide.md",
            "svc/b.env"
        ])
    );
    assert!(stats.get("base").is_none(), "{stats}");
    // The change's untracked report and its policy file are in the working tree only.
    assert_eq!(stats["checked"]["listed"], 9);
    assert_eq!(stats["trusted"]["listed"], 8);
    assert_eq!(
        stats["attachments"],
        json!({"listed": 1, "read": 1, "reads": 1, "bytes": 9, "paths": ["attachment:report"]})
    );
    assert!(
        r.stderr
            .contains("relgate: stats: trusted: 8 listed, 4 read"),
        "{}",
        r.stderr
    );
}
