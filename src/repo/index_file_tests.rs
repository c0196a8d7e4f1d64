//! The index reader against `git ls-files -s` on real repositories (truncated,
//! corrupt and hostile files: `index_file_hostile_tests.rs`).

use super::*;
use crate::repo::index::IndexView;
use crate::repo::testutil::{TestRepo, empty_config, paths};
use crate::repo::{SourceSpec, Target, View};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// (path, mode, id, stage), as `git ls-files -s` prints them.
pub(super) type Row = (Vec<u8>, u32, String, u8);

fn git_bytes<S: AsRef<OsStr>>(t: &TestRepo, args: &[S]) -> Vec<u8> {
    let out = std::process::Command::new("git")
        .current_dir(t.path())
        .env("GIT_CONFIG_GLOBAL", empty_config())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn git_rows(t: &TestRepo) -> Vec<Row> {
    let out = git_bytes(t, &["ls-files", "-s", "-z"]);
    out.split(|b| *b == 0)
        .filter(|r| !r.is_empty())
        .map(|r| {
            let tab = r.iter().position(|b| *b == b'\t').unwrap();
            let head = std::str::from_utf8(&r[..tab]).unwrap();
            let mut f = head.split(' ');
            let mode = u32::from_str_radix(f.next().unwrap(), 8).unwrap();
            let id = f.next().unwrap().to_string();
            let stage = f.next().unwrap().parse().unwrap();
            (r[tab + 1..].to_vec(), mode, id, stage)
        })
        .collect()
}

pub(super) fn rows(file: &IndexFile) -> Vec<Row> {
    file.iter()
        .map(|e| (e.path.to_vec(), e.mode, e.oid.to_string(), e.stage))
        .collect()
}

pub(super) fn index_bytes(t: &TestRepo) -> Vec<u8> {
    std::fs::read(t.abs(".git/index")).unwrap()
}

fn version(t: &TestRepo) -> u32 {
    be32(&index_bytes(t), 4)
}

/// Reads the repository's index and checks it lists what git lists, in git's order.
fn same_as_git(t: &TestRepo) -> IndexFile {
    let file = read(&t.repo(), b"").unwrap();
    assert_eq!(rows(&file), git_rows(t));
    file
}

fn add_cacheinfo(t: &TestRepo, mode: &str, id: &str, path: &[u8]) {
    let spec = [format!("{mode},{id},").as_bytes(), path].concat();
    let args: [&OsStr; 4] = [
        "update-index".as_ref(),
        "--add".as_ref(),
        "--cacheinfo".as_ref(),
        OsStr::from_bytes(&spec),
    ];
    git_bytes(t, &args);
}

/// A repository with every kind of entry: files, an executable, a symlink,
/// non-ASCII and non-UTF-8 names, a gitlink, and paths longer than 4096 bytes
/// that share long prefixes (the case version 4 compresses).
fn rich_repo() -> (TestRepo, Vec<u8>) {
    let t = TestRepo::new();
    t.write("a.txt", "a\n");
    t.write("run.sh", "#!/bin/sh\n");
    t.chmod("run.sh", 0o755);
    t.symlink("a.txt", "link");
    t.write("héllo/ünïcödé.txt", "u\n");
    t.write("sub/deep/x.yaml", "x: 1\n");
    std::fs::write(t.path().join(OsStr::from_bytes(b"bad\xff\xfe.txt")), "b").unwrap();
    t.commit_all("init");
    let head = t.git(&["rev-parse", "HEAD"]);
    let blob = t.git(&["rev-parse", "HEAD:a.txt"]);
    add_cacheinfo(&t, "160000", &head, b"vendor/sm");
    let long: Vec<u8> = (0..30)
        .flat_map(|i| format!("{i:03}-{}/", "d".repeat(140)).into_bytes())
        .collect();
    assert!(long.len() > 4096);
    for leaf in [&b"a"[..], b"b", b"c/d", b"c/e\xff"] {
        add_cacheinfo(&t, "100644", &blob, &[&long[..], leaf].concat());
    }
    (t, long)
}

#[test]
fn versions_2_3_and_4_list_what_git_lists() {
    let (t, long) = rich_repo();
    assert_eq!(version(&t), 2);
    let file = same_as_git(&t);
    assert_eq!(file.len(), 11);
    let long_a = [&long[..], b"a"].concat();
    assert!(file.iter().any(|e| e.path == long_a.as_slice()));
    assert!(file.iter().any(|e| e.path == b"bad\xff\xfe.txt"));
    assert!(file.iter().all(|e| !e.skip_worktree));
    // Skip-worktree and intent-to-add need the extended flags of version 3.
    t.git(&["update-index", "--skip-worktree", "a.txt"]);
    t.write("new.txt", "n");
    t.git(&["add", "-N", "new.txt"]);
    assert_eq!(version(&t), 3);
    let file = same_as_git(&t);
    let skipped: Vec<&[u8]> = file
        .iter()
        .filter(|e| e.skip_worktree)
        .map(|e| e.path)
        .collect();
    assert_eq!(skipped, [b"a.txt"]);
    let added: Vec<&[u8]> = file
        .iter()
        .filter(|e| e.intent_to_add)
        .map(|e| e.path)
        .collect();
    assert_eq!(added, [b"new.txt"]);
    // Tracked, but not staged content: the staged view does not list it.
    let staged = IndexView::from_index(&t.repo(), b"").unwrap();
    assert!(staged.entry("new.txt").is_none());
    assert!(staged.entry("a.txt").is_some());
    t.git(&["update-index", "--index-version", "4"]);
    assert_eq!(version(&t), 4);
    let v4 = same_as_git(&t);
    assert_eq!(v4.iter().filter(|e| e.skip_worktree).count(), 1);
    assert_eq!(v4.iter().filter(|e| e.intent_to_add).count(), 1);
    // A version 4 index is smaller (the shared prefixes are written once) and
    // reads the same.
    t.git(&["update-index", "--index-version", "2"]);
    let v2 = index_bytes(&t).len();
    t.git(&["update-index", "--index-version", "4"]);
    assert!(index_bytes(&t).len() < v2 / 2);
}

#[test]
fn conflict_stages() {
    let t = TestRepo::new();
    t.write("c.txt", "base\n");
    t.write("ok.txt", "ok\n");
    t.commit_all("init");
    t.conflict_on_c_txt();
    for v in ["2", "4"] {
        t.git(&["update-index", "--index-version", v]);
        let file = same_as_git(&t);
        let stages: Vec<u8> = file.iter().map(|e| e.stage).collect();
        assert_eq!(stages, [1, 2, 3, 0]);
        // The staged view lists merged paths only; the working tree lists both.
        let staged = IndexView::from_index(&t.repo(), b"").unwrap();
        assert_eq!(paths(&staged), ["ok.txt"]);
    }
}

#[test]
fn a_sparse_index_is_expanded_from_its_trees() {
    let t = TestRepo::new();
    t.write("top.txt", "t");
    t.write("keep/k.txt", "k");
    t.write("skip/s.txt", "s");
    t.write("skip/deep/d.txt", "d");
    t.symlink("s.txt", "skip/link");
    t.write("skip2/x.txt", "x");
    t.commit_all("init");
    let head = t.git(&["rev-parse", "HEAD"]);
    add_cacheinfo(&t, "160000", &head, b"skip/sm");
    t.git(&["commit", "-q", "-m", "gitlink"]);
    t.git(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
    t.git(&["sparse-checkout", "set", "keep"]);
    let raw = parse(&index_bytes(&t), MAX_PATH_BYTES).unwrap();
    let folders: Vec<&[u8]> = raw
        .iter()
        .filter(|e| e.mode == 0o040000)
        .map(|e| e.path)
        .collect();
    // A folder holding a gitlink stays listed file by file.
    assert_eq!(folders, [&b"skip/deep/"[..], b"skip2/"]);
    // `git ls-files` expands the sparse index too.
    let file = same_as_git(&t);
    assert_eq!(file.len(), 7);
    let skipped: Vec<&[u8]> = file
        .iter()
        .filter(|e| e.skip_worktree)
        .map(|e| e.path)
        .collect();
    assert_eq!(
        skipped,
        [
            &b"skip/deep/d.txt"[..],
            b"skip/link",
            b"skip/s.txt",
            b"skip/sm",
            b"skip2/x.txt"
        ]
    );
    // Only the sparse folders that can hold paths under the prefix are walked
    // (other entries are listed as they are).
    let under: Vec<Row> = rows(&read(&t.repo(), b"skip/deep").unwrap());
    let listed: Vec<&[u8]> = under.iter().map(|r| r.0.as_slice()).collect();
    assert_eq!(
        listed,
        [
            &b"keep/k.txt"[..],
            b"skip/deep/d.txt",
            b"skip/link",
            b"skip/s.txt",
            b"skip/sm",
            b"top.txt"
        ]
    );
    let staged = IndexView::from_index(&t.repo(), b"skip").unwrap();
    assert_eq!(paths(&staged), ["deep/d.txt", "link", "s.txt", "sm"]);
    assert_eq!(staged.read("deep/d.txt").unwrap().bytes(), b"d");
    // The working tree lists what is on disk.
    let o = crate::repo::open(&Target {
        path: t.path().to_path_buf(),
        source: SourceSpec::Worktree,
        base: None,
    })
    .unwrap();
    assert_eq!(paths(o.view.as_ref()), ["keep/k.txt", "top.txt"]);
}

#[test]
fn a_split_index_is_refused_with_the_command_that_joins_it() {
    let t = TestRepo::new();
    t.write("a.txt", "a");
    t.commit_all("init");
    t.git(&["update-index", "--split-index"]);
    t.write("b.txt", "b");
    t.git(&["add", "b.txt"]);
    let err = read(&t.repo(), b"").unwrap_err().to_string();
    assert!(err.contains("git update-index --no-split-index"), "{err}");
    assert!(IndexView::from_index(&t.repo(), b"").is_err());
    t.git(&["update-index", "--no-split-index"]);
    same_as_git(&t);
}

#[test]
fn a_missing_index_is_empty() {
    let t = TestRepo::new();
    assert!(!t.abs(".git/index").exists());
    assert_eq!(read(&t.repo(), b"").unwrap().len(), 0);
    assert!(paths(&IndexView::from_index(&t.repo(), b"").unwrap()).is_empty());
}

#[test]
fn a_corrupt_index_fails_the_views() {
    let t = TestRepo::new();
    t.write("a.txt", "a");
    t.git(&["add", "a.txt"]);
    let mut data = index_bytes(&t);
    data[0] = b'X';
    std::fs::write(t.abs(".git/index"), &data).unwrap();
    let err = IndexView::from_index(&t.repo(), b"").err().unwrap();
    assert!(
        err.to_string()
            .contains("corrupt index at byte 0: no `DIRC` signature"),
        "{err}"
    );
    for source in [SourceSpec::Worktree, SourceSpec::Staged] {
        let target = Target {
            path: t.path().to_path_buf(),
            source,
            base: None,
        };
        assert!(crate::repo::open(&target).is_err());
    }
}

/// An index of `version` with `entries` (path, flags, extended flags); the
/// checksum is zeros (never checked).
pub(super) fn synthetic(version: u32, count: u32, body: &[u8]) -> Vec<u8> {
    let mut d = b"DIRC".to_vec();
    d.extend_from_slice(&version.to_be_bytes());
    d.extend_from_slice(&count.to_be_bytes());
    d.extend_from_slice(body);
    d.extend_from_slice(&[0; 20]);
    d
}

pub(super) fn entry(mode: u32, flags: u16, name: &[u8], pad: bool) -> Vec<u8> {
    let mut e = vec![0u8; 24];
    e.extend_from_slice(&mode.to_be_bytes());
    e.extend_from_slice(&[0; 12]);
    e.extend_from_slice(&[0xab; 20]);
    e.extend_from_slice(&flags.to_be_bytes());
    e.extend_from_slice(name);
    e.push(0);
    while pad && !e.len().is_multiple_of(8) {
        e.push(0);
    }
    e
}

#[test]
fn a_sha256_repository_is_refused() {
    let t = TestRepo::new();
    std::fs::remove_dir_all(t.abs(".git")).unwrap();
    t.git(&["init", "-q", "--object-format=sha256"]);
    t.write("a.txt", "a");
    t.git(&["add", "a.txt"]);
    // libgit2 may refuse to open it already; if it opens it, the reader refuses.
    if let Ok(repo) = git2::Repository::open(t.path()) {
        let err = read(&repo, b"").unwrap_err().to_string();
        assert!(err.contains("SHA-1 repositories only"), "{err}");
    }
}

#[test]
fn a_sparse_folder_holding_a_gitlink_lists_it() {
    // git keeps such folders expanded itself; a hand-written index may not.
    let t = TestRepo::new();
    t.write("x/a.txt", "a");
    t.commit_all("init");
    let head = t.git(&["rev-parse", "HEAD"]);
    let blob = t.git(&["rev-parse", "HEAD:x/a.txt"]);
    let tree = String::from_utf8(git_bytes_with_input(
        &t,
        &["mktree"],
        format!("100644 blob {blob}\ta.txt\n160000 commit {head}\tsm\n").as_bytes(),
    ))
    .unwrap();
    let tree = git2::Oid::from_str(tree.trim()).unwrap();
    let mut e = entry(0o040000, 2, b"x/", true);
    e[40..60].copy_from_slice(tree.as_bytes());
    std::fs::write(t.abs(".git/index"), synthetic(2, 1, &e)).unwrap();
    let file = read(&t.repo(), b"").unwrap();
    assert_eq!(
        rows(&file),
        [
            (b"x/a.txt".to_vec(), 0o100644, blob, 0),
            (b"x/sm".to_vec(), 0o160000, head, 0)
        ]
    );
    assert!(file.iter().all(|e| e.skip_worktree));
}

fn git_bytes_with_input(t: &TestRepo, args: &[&str], input: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .current_dir(t.path())
        .env("GIT_CONFIG_GLOBAL", empty_config())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    out.stdout
}

/// An index over a megabyte is read by two threads, each into its half: the
/// entries are git's, whichever half an entry's bytes fall in.
#[test]
fn a_large_index_read_in_halves_is_git_s() {
    use std::io::Write;
    let t = TestRepo::new();
    t.write("seed.txt", "x\n");
    let id = t.git(&["hash-object", "-w", "seed.txt"]);
    let mut lines = String::new();
    for i in 0..14_000 {
        lines.push_str(&format!(
            "100644 {id}\tsome/long/enough/folder/name/{:03}/file-{i:05}.yaml\n",
            i % 97
        ));
    }
    let mut child = std::process::Command::new("git")
        .current_dir(t.path())
        .env("GIT_CONFIG_GLOBAL", empty_config())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(["update-index", "--index-info"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(index_bytes(&t).len() > 1 << 20);
    let file = read(&t.repo(), b"").unwrap();
    assert_eq!(file.len(), 14_000);
    assert_eq!(rows(&file), git_rows(&t));
}
