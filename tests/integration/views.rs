//! The same repository judged through the working tree, the index and a commit;
//! links, FIFOs, subdirectories and things that are not repositories.

use crate::common::*;

const CHECKLIST: &str = "version: 1\npolicies:\n  - id: C\n    title: ticked\n    check:\n      checklist: {file: docs/list.md}\n";

#[test]
fn worktree_index_and_commits_are_judged_apart() {
    let repo = Repo::new();
    let p = Policies::new(CHECKLIST);
    repo.write("docs/list.md", "- [ ] a\n")
        .commit_all("one: unticked");
    repo.write("docs/list.md", "- [x] a\n")
        .commit_all("two: ticked");
    let check = |args: &[&str]| {
        let mut a = vec!["check", "--policies", p.path().leak(), "--format", "json"];
        a.extend_from_slice(args);
        repo.relgate(&a)
    };
    assert_eq!(check(&[]).code, 0);
    assert_eq!(check(&["--staged"]).code, 0);
    assert_eq!(check(&["--rev", "HEAD"]).code, 0);
    // --rev HEAD~1 judges the older commit.
    let r = check(&["--rev", "HEAD~1"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["target"]["source"], "rev");
    assert_eq!(
        r.findings(),
        vec![("C".into(), "docs/list.md".into(), Some(1))]
    );

    // An edit that is not staged does not change the --staged verdict.
    repo.write("docs/list.md", "- [ ] a\n");
    let unticked = vec![f("C", "docs/list.md", Some(1))];
    assert_eq!(check(&[]).findings(), unticked);
    assert_eq!(check(&["--staged"]).code, 0);
    repo.git(&["add", "docs/list.md"]);
    let r = check(&["--staged"]);
    assert_eq!((r.code, r.findings()), (1, unticked));
    assert_eq!(check(&["--rev", "HEAD"]).code, 0);
}

#[test]
fn a_checklist_linked_outside_the_repository_does_not_pass() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("list.md"), "- [x] a\n").unwrap();
    let repo = Repo::new();
    repo.symlink(
        "docs/list.md",
        outside.path().join("list.md").to_str().unwrap(),
    )
    .commit_all("link");
    let p = Policies::new(CHECKLIST);
    for args in [vec![], vec!["--staged"], vec!["--rev", "HEAD"]] {
        let mut a = vec!["check", "--policies", p.path().leak(), "--format", "json"];
        a.extend(args.iter().copied());
        let r = repo.relgate(&a);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        assert_eq!(
            r.findings(),
            vec![("C".into(), "docs/list.md".into(), None)]
        );
        assert!(r.stdout.contains("symbolic link"), "{}", r.stdout);
    }
}

#[test]
fn a_checklist_inside_a_linked_folder_does_not_pass() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("list.md"), "- [x] a\n").unwrap();
    let repo = Repo::new();
    repo.symlink("docs", outside.path().to_str().unwrap())
        .commit_all("link");
    let r = repo.relgate(&[
        "check",
        "--policies",
        &Policies::new(CHECKLIST).path(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f("C", "docs/list.md", None)]);
    assert!(r.stdout.contains("symbolic link"), "{}", r.stdout);

    // The same with a folder linked inside the repository.
    let repo = Repo::new();
    repo.write("real/list.md", "- [x] a\n")
        .symlink("docs", "real")
        .commit_all("link");
    let r = repo.relgate(&[
        "check",
        "--policies",
        &Policies::new(CHECKLIST).path(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.findings(), vec![f("C", "docs/list.md", None)]);
    assert!(r.stdout.contains("symbolic link"), "{}", r.stdout);
}

#[test]
fn a_fifo_does_not_hang_the_run() {
    let repo = Repo::new();
    repo.write("docs/a.md", "a\n").commit_all("c");
    repo.remove("docs/a.md").mkfifo("docs/a.md");
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: F\n    title: t\n    check:\n      encoding: {files: 'docs/*.md'}\n",
    );
    let started = std::time::Instant::now();
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert!(started.elapsed().as_secs() < 20);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.findings(), vec![("F".into(), "docs/a.md".into(), None)]);
}

#[test]
fn path_may_be_a_subdirectory() {
    let repo = Repo::new();
    repo.write("svc/docs/list.md", "- [ ] a\n")
        .write("docs/list.md", "- [x] a\n")
        .commit_all("c");
    let p = Policies::new(CHECKLIST);
    let r = repo.relgate(&["check", "svc", "--policies", &p.path(), "--format", "json"]);
    // The policy's path is PATH's; the finding's is from the top of the repository.
    assert_eq!(
        r.findings(),
        vec![("C".into(), "svc/docs/list.md".into(), Some(1))]
    );
    let r = repo.relgate(&[
        "check",
        "svc",
        "--policies",
        &p.path(),
        "--rev",
        "HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f("C", "svc/docs/list.md", Some(1))]);
    assert_eq!(repo.relgate(&["check", "--policies", &p.path()]).code, 0);
}

#[test]
fn not_a_repository_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(dir.path(), &["check", "--pack", "billing-gateway-dr"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not inside a git repository"),
        "{}",
        r.stderr
    );
    let repo = Repo::new();
    repo.write("a", "a\n").commit_all("c");
    let r = repo.relgate(&["check", "--pack", "billing-gateway-dr", "--rev", "nope"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot resolve revision 'nope'"),
        "{}",
        r.stderr
    );
}

#[test]
fn var_values_cannot_leave_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("list.md"), "- [x] a\n").unwrap();
    let repo = Repo::new();
    repo.write("a", "a\n").commit_all("c");
    let p = Policies::new(
        "version: 1\nvars: {dir: docs}\npolicies:\n  - id: C\n    title: t\n    check:\n      checklist: {file: '{dir}/list.md'}\n",
    );
    let dir = format!("dir=../../../../../../..{}", outside.path().display());
    let r = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--var",
        &dir,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // Named as given, never read.
    let named = format!("../../../../../../..{}/list.md", outside.path().display());
    assert_eq!(r.findings(), vec![f("C", &named, None)]);
}

/// `git add -N` records a path with no content: `git commit` leaves it out of
/// the tree, so `--staged` (what the commit would hold) does not have it; the
/// working tree does.
#[test]
fn an_intent_to_add_path_is_not_staged_content() {
    let repo = Repo::new();
    repo.write("README.md", "r\n").commit_all("init");
    repo.write("docs/runbook.md", "# Runbook\n");
    repo.git(&["add", "-N", "docs/runbook.md"]);
    let tree = repo.git(&["write-tree"]);
    assert_eq!(
        repo.git(&["ls-tree", "-r", "--name-only", &tree]),
        "README.md"
    );
    let yaml = "version: 1\npolicies:\n  - id: R\n    title: runbook\n    check:\n      exists: docs/runbook.md\n";
    let r = repo.check_yaml(yaml, &["--staged"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.findings(), vec![f("R", "docs/runbook.md", None)]);
    assert_eq!(repo.check_yaml(yaml, &[]).code, 0);
    repo.git(&["add", "docs/runbook.md"]);
    let r = repo.check_yaml(yaml, &["--staged"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

/// Every file `--staged` lists is a file of the tree `git write-tree` makes from
/// the index, and the other way round: an index with intent-to-add, skip-worktree,
/// executable, symlinked, staged, unstaged and removed paths, in index versions
/// 2, 3 and 4. (`absent: '**'` reports each listed file once.)
#[test]
fn staged_lists_the_tree_git_write_tree_makes() {
    let repo = Repo::new();
    repo.write("README.md", "r\n")
        .write("gone.txt", "g\n")
        .write("sub/skip.txt", "s\n")
        .write("sub/deep/kept.yaml", "k: 1\n")
        .write_mode("run.sh", "#!/bin/sh\n", 0o755)
        .symlink("link", "README.md")
        .commit_all("init");
    repo.write("docs/runbook.md", "# Runbook\n")
        .write("sub/new.txt", "n\n")
        .write("README.md", "edited, not staged\n")
        .write("sub/deep/kept.yaml", "k: 2\n");
    repo.git(&["add", "-N", "docs/runbook.md", "sub/new.txt"]);
    repo.git(&["add", "sub/deep/kept.yaml"]);
    repo.git(&["rm", "-q", "--cached", "gone.txt"]);
    repo.git(&["update-index", "--skip-worktree", "sub/skip.txt"]);
    let yaml =
        "version: 1\npolicies:\n  - id: ALL\n    title: lists\n    check:\n      absent: '**'\n";
    for version in ["3", "4", "2"] {
        if version == "2" {
            // Version 2 has no extended flags: no intent-to-add, no skip-worktree.
            repo.git(&["rm", "-q", "--cached", "docs/runbook.md", "sub/new.txt"]);
            repo.git(&["update-index", "--no-skip-worktree", "sub/skip.txt"]);
        }
        repo.git(&["update-index", "--index-version", version]);
        let tree = repo.git(&["write-tree"]);
        let want: Vec<String> = repo
            .git(&["ls-tree", "-r", "--name-only", &tree])
            .lines()
            .map(String::from)
            .collect();
        assert_eq!(
            want,
            [
                "README.md",
                "link",
                "run.sh",
                "sub/deep/kept.yaml",
                "sub/skip.txt"
            ]
        );
        let r = repo.check_yaml(yaml, &["--staged"]);
        assert_eq!(r.code, 1, "{}", r.stdout);
        let listed: Vec<String> = r.findings().into_iter().map(|(_, path, _)| path).collect();
        assert_eq!(listed, want, "index version {version}");
    }
}

/// An `sdir` extension is only a marker; one with a payload is a form of index
/// relgate does not read: exit 2 with what to do, in every view that reads the
/// index, never a pass.
#[test]
fn an_index_with_a_sparse_directory_payload_is_exit_2() {
    let repo = Repo::new();
    repo.write("README.md", "r\n").commit_all("init");
    let index = repo.path().join(".git/index");
    let mut data = std::fs::read(&index).unwrap();
    // Before the trailing checksum (which git, like relgate, does not check on read).
    let at = data.len() - 20;
    data.splice(at..at, [&b"sdir"[..], &3u32.to_be_bytes(), b"xyz"].concat());
    std::fs::write(&index, data).unwrap();
    let yaml = "version: 1\npolicies:\n  - id: R\n    title: readme\n    check:\n      exists: README.md\n";
    for args in [vec![], vec!["--staged"]] {
        let r = repo.check_yaml(yaml, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
        assert!(
            r.stderr
                .contains("a sparse-directory extension (`sdir`) with a payload of 3 bytes"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(repo.check_yaml(yaml, &["--rev", "HEAD"]).code, 0);
}

#[test]
fn a_shallow_history_is_named_not_taken_for_unrelated_branches() {
    let origin = Repo::new();
    origin.write("README.md", "a\n").commit_all("a");
    origin.git(&["branch", "-M", "main"]);
    origin.git(&["checkout", "-q", "-b", "feature"]);
    origin.write("f.txt", "c\n").commit_all("c");
    origin.git(&["checkout", "-q", "main"]);
    origin.write("m.txt", "b\n").commit_all("b");
    origin.git(&["checkout", "-q", "feature"]);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "clone",
        ],
    );
    let clone = dir.path().join("clone");
    let p = Policies::new(CHECKLIST);
    let args = ["check", "--policies", &p.path(), "--base", "origin/main"];
    let r = relgate_in(&clone, &args);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stderr,
        "relgate: error: no merge base of 'origin/main' and the checked revision: the history is shallow, so the commit where they meet was not fetched\n  help: fetch the whole history: actions/checkout with fetch-depth: 0, or `git fetch --unshallow`\n"
    );
    // Once the history is whole, the same run judges the change.
    git(&clone, &["fetch", "-q", "--unshallow"]);
    let r = relgate_in(&clone, &args);
    assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
}

/// Two policies whose files cannot be read (their objects are gone): the error is the
/// first policy's, byte for byte, whatever the number of threads.
#[test]
fn the_first_unreadable_policy_in_policy_order_is_reported() {
    let repo = Repo::new();
    // Many files, so that the second policy has less to read and tends to finish first.
    for i in 0..200 {
        repo.write(&format!("many/{i}.txt"), &format!("{i}\n"));
    }
    repo.write("z.txt", "z\n")
        .write("a.txt", "a\n")
        .commit_all("c");
    for path in ["z.txt", "a.txt"] {
        let oid = repo.git(&["rev-parse", &format!("HEAD:{path}")]);
        let loose = repo
            .path()
            .join(".git/objects")
            .join(&oid[..2])
            .join(&oid[2..]);
        std::fs::remove_file(loose).unwrap();
    }
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: FIRST\n    title: t\n    check:\n      not_matches: {files: ['many/*.txt', z.txt], patterns: x}\n  - id: SECOND\n    title: t\n    check:\n      not_matches: {files: a.txt, patterns: x}\n",
    );
    let mut seen = std::collections::BTreeSet::new();
    for threads in ["1", "2", "8", "8", "8", "8"] {
        let out = relgate_command(repo.path())
            .args(["check", "--policies", &p.path(), "--rev", "HEAD"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        seen.insert(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    assert_eq!(seen.len(), 1, "{seen:#?}");
    let stderr = seen.pop_first().unwrap();
    assert!(
        stderr.starts_with("relgate: error: cannot evaluate: git error on z.txt: "),
        "{stderr}"
    );
}
