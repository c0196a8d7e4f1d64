//! The one pass over the files: checks that judge each file on their own (`encoding`,
//! `matches`, `not_matches`) share one read of every file, a check that reads a file by
//! name (`checklist`), a `not:` that says where its check held and the report's quote
//! reuse it, and a file only a policy that is not judged selects is
//! never a reason to fail the run.

use crate::common::*;
use serde_json::json;

const THREE_KINDS: &str = "version: 1
policies:
  - id: ENC
    title: utf-8
    check:
      encoding: {files: 'docs/*.md'}
  - id: HAS
    title: a title
    check:
      matches: {files: 'docs/*.md', patterns: '^# '}
  - id: NO
    title: no TODO
    check:
      not_matches: {files: ['docs/*.md', docs/list.md], patterns: TODO}
  - id: LIST
    title: ticked
    check:
      checklist: {file: docs/list.md}
  - id: NOT
    title: not a
    check:
      not: {matches: {files: 'docs/a*.md', patterns: '^# A'}}
";

#[test]
fn files_several_kinds_select_are_read_once() {
    let repo = Repo::new();
    repo.write("docs/a.md", "# A\n")
        .write("docs/b.md", "# B\nTODO\n")
        .write("docs/list.md", "# L\n- [x] done\n")
        .write("other.txt", "TODO\n")
        .commit_all("c");
    let bytes = ["# A\n", "# B\nTODO\n", "# L\n- [x] done\n"]
        .iter()
        .map(|s| s.len())
        .sum::<usize>();
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let mut args = vec!["--stats=paths"];
        args.extend_from_slice(mode);
        let r = repo.check_yaml(THREE_KINDS, &args);
        assert_eq!(r.code, 1, "{mode:?}: {}{}", r.stdout, r.stderr);
        // `not:` says where its check held: from the same one read.
        assert_eq!(
            r.findings(),
            [
                f("NOT", "docs/a.md", Some(1)),
                f("NO", "docs/b.md", Some(2))
            ],
            "{mode:?}"
        );
        for id in ["ENC", "HAS", "LIST"] {
            assert_eq!(r.status(id), "pass", "{mode:?} {id}");
        }
        assert_eq!(
            r.json()["stats"]["checked"],
            json!({"listed": 4, "read": 3, "reads": 3, "bytes": bytes,
                   "paths": ["docs/a.md", "docs/b.md", "docs/list.md"]}),
            "{mode:?}"
        );
    }
}

/// A config file with a finding of the flag (on, unknown, or not parsed at a line) is
/// quoted from the read the flag's scan made, not read again; one that proves it off
/// is let go.
#[test]
fn a_config_file_the_flag_reports_is_read_once() {
    let repo = Repo::new();
    let files = [
        ("a/on.env", "REAL=1\n"),
        ("b/maybe.env", "REAL=perhaps\n"),
        ("c/off.env", "REAL=0\n"),
        ("d/bad.json", "{\"REAL\": 1,\n"),
    ];
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit_all("c");
    let yaml = "version: 1\nvars:\n  real: {flag: {name: REAL, files: ['**/*.env', '**/*.json']}}\npolicies:\n  - {id: OFF, title: t, check: {flag: {var: real, is: 'off'}}}\n";
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let mut args = vec!["--stats=paths"];
        args.extend_from_slice(mode);
        let r = repo.check_yaml(yaml, &args);
        assert_eq!(r.code, 1, "{mode:?}: {}{}", r.stdout, r.stderr);
        let found = r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["snippet"].is_string(),
                )
            })
            .collect::<Vec<_>>();
        assert_eq!(
            found,
            [
                ("a/on.env".to_string(), true),
                ("b/maybe.env".to_string(), true),
                ("d/bad.json".to_string(), true),
            ],
            "{mode:?}: {}",
            r.stdout
        );
        assert_eq!(
            r.json()["stats"]["checked"],
            json!({"listed": 4, "read": 4, "reads": 4, "bytes": bytes,
                   "paths": ["a/on.env", "b/maybe.env", "c/off.env", "d/bad.json"]}),
            "{mode:?}"
        );
    }
}

/// Removes the object of `path` at HEAD: reading it is a git error (exit 2).
fn break_object(repo: &Repo, path: &str) {
    let oid = repo.git(&["rev-parse", &format!("HEAD:{path}")]);
    let oid = oid.trim();
    let loose = repo
        .path()
        .join(".git/objects")
        .join(&oid[..2])
        .join(&oid[2..]);
    std::fs::remove_file(loose).unwrap();
}

#[test]
fn an_unreadable_file_only_an_unjudged_check_selects_does_not_fail_the_run() {
    let repo = Repo::new();
    repo.write("ok.md", "ok\n")
        .write("broken/x.md", "x\n")
        .commit_all("c");
    break_object(&repo, "broken/x.md");
    // Its precondition does not hold: skipped, nothing of it read.
    let skipped = "version: 1
policies:
  - id: SKIPPED
    title: t
    when: {exists: nope.txt}
    check:
      encoding: {files: 'broken/*.md'}
  - id: OK
    title: t
    check:
      matches: {files: ok.md, patterns: ok}
";
    let r = repo.check_yaml(skipped, &["--rev", "HEAD", "--stats=paths"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.status("SKIPPED"), "skip");
    assert_eq!(r.json()["stats"]["checked"]["paths"], json!(["ok.md"]));
    // An alternative that is never needed: the first one holds.
    let unneeded = "version: 1
policies:
  - id: EITHER
    title: t
    check:
      any:
        - matches: {files: ok.md, patterns: ok}
        - not_matches: {files: 'broken/*.md', patterns: x}
";
    let r = repo.check_yaml(unneeded, &["--rev", "HEAD"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.status("EITHER"), "pass");
    // Judged, the same file ends the run: could not judge is never a pass.
    let judged = skipped.replace("    when: {exists: nope.txt}\n", "");
    let r = repo.check_yaml(&judged, &["--rev", "HEAD"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("relgate: error: cannot evaluate: git error on broken/x.md: "),
        "{}",
        r.stderr
    );
}

/// A flag's config files are read while the variables are worked out, before any check
/// runs: a file a check reads too (one the scan pass selects, one a check names) is
/// kept from that read instead of being read again.
#[test]
fn a_file_a_flag_scans_and_a_check_reads_is_read_once() {
    let policy = "version: 1
vars:
  billing:
    flag:
      name: FOO
      files: ['**/*.yaml', '**/*.json']
  dir:
    value: config
policies:
  - id: NAMED
    title: t
    when: {flag: {var: billing, is: 'off'}}
    check:
      matches: {files: '{dir}/*.yaml', patterns: '^name: '}
  - id: DATA
    title: t
    check:
      data: {file: releases/ledger.json, type: array}
";
    let repo = Repo::new();
    repo.write("config/a.yaml", "FOO: \"0\"\nname: x\n")
        .write("config/b.yaml", "FOO: \"0\"\n")
        .write("releases/ledger.json", "[{\"FOO\": 0}]\n")
        .write("other/c.yaml", "x: 1\n")
        .commit_all("c");
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let mut args = vec!["--stats=paths"];
        args.extend_from_slice(mode);
        let r = repo.check_yaml(policy, &args);
        assert_eq!(r.code, 1, "{mode:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.json()["vars"]["billing"], "off", "{mode:?}");
        assert_eq!(
            r.findings(),
            [f("NAMED", "config/b.yaml", None)],
            "{mode:?}"
        );
        assert_eq!(r.status("DATA"), "pass", "{mode:?}");
        let stats = &r.json()["stats"]["checked"];
        assert_eq!(stats["read"], 4, "{mode:?}: {stats}");
        assert_eq!(stats["reads"], 4, "{mode:?}: {stats}");
    }
}

/// A flag's files are scanned in parallel, in parts: the report is the same whatever
/// the thread count, and a file that is not text among them still fails the flag
/// closed.
#[test]
fn a_flag_report_is_the_same_whatever_the_thread_count() {
    let policy = "version: 1
vars:
  billing:
    flag:
      name: FOO
      files: ['**/*.env']
policies:
  - id: OFF
    title: off
    check:
      flag: {var: billing, is: 'off'}
";
    let repo = Repo::new();
    for d in 0..12 {
        for f in 0..25 {
            let value = if (d * 25 + f) % 7 == 0 { "1" } else { "0" };
            repo.write(&format!("svc{d:02}/e{f:02}.env"), &format!("FOO={value}\n"));
        }
    }
    repo.write_bytes("svc05/bad.env", b"FOO=\xff\n", 0o644);
    repo.commit_all("c");
    let p = Policies::new(policy);
    let run = |threads: &str, mode: &[&str]| {
        let out = relgate_command(repo.path())
            .args(["check", "--policies", &p.path()])
            .args(["--format", "json", "--now", "2026-01-01T00:00:00Z"])
            .args(mode)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        out.stdout
    };
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let first = run("1", mode);
        let report: serde_json::Value = serde_json::from_slice(&first).unwrap();
        let paths: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap_or_default())
            .collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "{mode:?}");
        assert!(paths.contains(&"svc05/bad.env"), "{mode:?}: {paths:?}");
        assert!(paths.len() > 40, "{mode:?}: {paths:?}");
        for threads in ["2", "8"] {
            assert_eq!(first, run(threads, mode), "{mode:?} with {threads} threads");
        }
    }
}
