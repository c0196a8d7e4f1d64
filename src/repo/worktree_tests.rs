use super::*;
use crate::repo::testutil::{TestRepo, paths};
use std::time::Duration;

fn view(t: &TestRepo, prefix: &str) -> WorktreeView {
    WorktreeView::open(&t.repo(), t.path(), prefix.as_bytes(), None).unwrap()
}

fn kind(v: &WorktreeView, path: &str) -> Option<(EntryKind, u32)> {
    v.entry(path)
        .map(|e| (e.kind, v.mode(path).unwrap_or(u32::MAX)))
}

#[test]
fn tracked_and_untracked_not_ignored_not_deleted() {
    let t = TestRepo::new();
    t.write(".gitignore", "*.log\nbuild/\n");
    t.write("a.txt", "a\n");
    t.write("sub/deep/b.txt", "b\n");
    t.write("gone.txt", "x\n");
    t.commit_all("init");
    t.write("new/u.txt", "u\n");
    t.write("x.log", "ignored\n");
    t.write("build/out.txt", "ignored\n");
    t.write("staged.txt", "s\n");
    t.git(&["add", "staged.txt"]);
    std::fs::remove_file(t.abs("gone.txt")).unwrap();
    let v = view(&t, "");
    assert_eq!(
        paths(&v),
        [
            ".gitignore",
            "a.txt",
            "new/u.txt",
            "staged.txt",
            "sub/deep/b.txt"
        ]
    );
    assert_eq!(v.source(), SourceKind::Worktree);
    assert_eq!(v.read("a.txt").unwrap().bytes(), b"a\n");
    assert_eq!(v.read("new/u.txt").unwrap().bytes(), b"u\n");
    assert!(matches!(
        v.read("gone.txt"),
        Err(ReadError::NotFound { .. })
    ));
    // Ignored files exist on disk but are not part of the view.
    assert!(matches!(v.read("x.log"), Err(ReadError::NotFound { .. })));
    assert!(matches!(v.read("../x"), Err(ReadError::Outside { .. })));
    assert!(matches!(
        v.read("/etc/passwd"),
        Err(ReadError::Outside { .. })
    ));
    assert_eq!(v.dirs(), ["new", "sub", "sub/deep"]);
    crate::repo::tree::tests::same_by_index(&v);
}

#[test]
fn exact_permission_bits() {
    let t = TestRepo::new();
    for (name, mode) in [("a", 0o644), ("b", 0o664), ("c", 0o755), ("d", 0o600)] {
        t.write(name, "x");
        t.chmod(name, mode);
    }
    t.commit_all("init");
    t.write("e", "untracked");
    t.chmod("e", 0o640);
    let v = view(&t, "");
    assert_eq!(kind(&v, "a"), Some((EntryKind::File, 0o644)));
    assert_eq!(kind(&v, "b"), Some((EntryKind::File, 0o664)));
    assert_eq!(kind(&v, "c"), Some((EntryKind::File, 0o755)));
    assert_eq!(kind(&v, "d"), Some((EntryKind::File, 0o600)));
    assert_eq!(kind(&v, "e"), Some((EntryKind::File, 0o640)));
}

#[test]
fn symlink_to_outside_is_reported_not_followed() {
    let t = TestRepo::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("secret.txt");
    std::fs::write(&secret, "secret").unwrap();
    t.symlink(secret.to_str().unwrap(), "link");
    t.commit_all("init");
    t.symlink("link", "untracked-link");
    let v = view(&t, "");
    assert_eq!(kind(&v, "link"), Some((EntryKind::Symlink, 0o120000)));
    assert_eq!(
        kind(&v, "untracked-link"),
        Some((EntryKind::Symlink, 0o120000))
    );
    match v.read("link") {
        Err(ReadError::Symlink { path, target }) => {
            assert_eq!(path, "link");
            assert_eq!(target, secret.to_str().unwrap());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(v.link_target("link").as_deref(), secret.to_str());
    assert_eq!(v.link_target("untracked-link").as_deref(), Some("link"));
}

#[test]
fn nothing_is_read_through_a_symlinked_folder() {
    let t = TestRepo::new();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("x.md"), "secret").unwrap();
    // docs/x.md was tracked; the PR replaces docs with a link to elsewhere.
    t.write("docs/x.md", "tracked");
    t.write("real_docs/y.md", "y");
    t.commit_all("init");
    std::fs::remove_dir_all(t.abs("docs")).unwrap();
    t.symlink(elsewhere.path().to_str().unwrap(), "docs");
    t.symlink("real_docs", "alias");
    let v = view(&t, "");
    assert_eq!(paths(&v), ["alias", "docs", "real_docs/y.md"]);
    assert_eq!(kind(&v, "docs"), Some((EntryKind::Symlink, 0o120000)));
    assert!(matches!(
        v.read("docs/x.md"),
        Err(ReadError::Outside { .. })
    ));
    assert!(matches!(
        v.read("alias/y.md"),
        Err(ReadError::Outside { .. })
    ));
    assert_eq!(v.read("real_docs/y.md").unwrap().bytes(), b"y");
}

#[test]
fn a_folder_swapped_for_a_link_after_listing_is_not_read() {
    let t = TestRepo::new();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("x.md"), "secret").unwrap();
    t.write("docs/x.md", "tracked");
    t.write("a.txt", "a");
    t.commit_all("init");
    let v = view(&t, "");
    assert_eq!(kind(&v, "docs/x.md"), Some((EntryKind::File, 0o644)));
    std::fs::remove_dir_all(t.abs("docs")).unwrap();
    t.symlink(elsewhere.path().to_str().unwrap(), "docs");
    assert!(matches!(
        v.read("docs/x.md"),
        Err(ReadError::Outside { .. })
    ));
    // The file itself swapped for a link: reported as a link, not followed.
    std::fs::remove_file(t.abs("a.txt")).unwrap();
    t.symlink(elsewhere.path().join("x.md").to_str().unwrap(), "a.txt");
    assert!(matches!(v.read("a.txt"), Err(ReadError::Symlink { .. })));
}

#[test]
fn each_defence_stands_alone() {
    let t = TestRepo::new();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("x.md"), "secret").unwrap();
    t.symlink(elsewhere.path().to_str().unwrap(), "docs");
    let v = view(&t, "");
    // Without the lstat walk: the open itself refuses the link on the way.
    assert!(matches!(
        v.read_file("docs/x.md", b"docs/x.md"),
        Err(ReadError::Outside { .. })
    ));
    assert!(matches!(v.root.open_file(b"docs/x.md"), Err(Refused::Link)));
    // Without the open's refusal: the lstat walk sees the link.
    assert_eq!(
        ancestors(v.root.path(), b"docs/x.md", None).unwrap(),
        Ancestors::Link
    );
}

#[test]
fn fifo_is_special_and_never_opened() {
    let t = TestRepo::new();
    t.write("pipe", "was a file");
    t.commit_all("init");
    std::fs::remove_file(t.abs("pipe")).unwrap();
    t.mkfifo("pipe");
    t.mkfifo("untracked-pipe");
    let v = Arc::new(view(&t, ""));
    assert_eq!(kind(&v, "pipe").map(|k| k.0), Some(EntryKind::Special));
    // git itself does not list untracked FIFOs, sockets or devices.
    assert_eq!(kind(&v, "untracked-pipe"), None);
    let (tx, rx) = std::sync::mpsc::channel();
    let v2 = Arc::clone(&v);
    std::thread::spawn(move || {
        let _ = tx.send((v2.read("pipe"), v2.read("untracked-pipe")));
    });
    let (tracked, untracked) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(matches!(tracked, Err(ReadError::Special { .. })));
    assert!(matches!(untracked, Err(ReadError::NotFound { .. })));
}

#[test]
fn over_the_limit_is_not_read() {
    let t = TestRepo::new();
    t.write("big", "01234567890");
    t.write("fits", "0123456789");
    let v = view(&t, "").with_max_file_size(10);
    match v.read("big") {
        Err(ReadError::TooLarge { size, max, .. }) => assert_eq!((size, max), (11, 10)),
        other => panic!("{other:?}"),
    }
    assert_eq!(v.read("fits").unwrap().bytes().len(), 10);
}

#[test]
fn each_file_is_read_once() {
    let t = TestRepo::new();
    t.write("a.txt", "first");
    let v = view(&t, "");
    assert_eq!(v.files.read_count(), 0);
    let first = v.read("a.txt").unwrap();
    // Only what was read takes a place in the cache.
    assert_eq!(v.files.read_count(), 1);
    t.write("a.txt", "second");
    let again = v.read("a.txt").unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(again.bytes(), b"first");
    let v = view(&t, "");
    let all: Vec<Arc<Content>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| v.read("a.txt").unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(all.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
}

#[test]
fn prefix_lists_relative_paths_below_it() {
    let t = TestRepo::new();
    t.write("top.txt", "t");
    t.write("sub/a.txt", "a");
    t.write("subx/b.txt", "b");
    t.commit_all("init");
    t.write("sub/deep/u.txt", "u");
    let v = view(&t, "sub");
    assert_eq!(paths(&v), ["a.txt", "deep/u.txt"]);
    assert_eq!(v.read("a.txt").unwrap().bytes(), b"a");
    assert!(matches!(v.read("top.txt"), Err(ReadError::NotFound { .. })));
}

#[test]
fn submodules_and_conflicts() {
    let t = TestRepo::new();
    t.write("c.txt", "base\n");
    t.commit_all("init");
    let head = t.git(&["rev-parse", "HEAD"]);
    std::fs::create_dir(t.abs("sm")).unwrap();
    t.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{head},sm"),
    ]);
    t.git(&["commit", "-q", "-m", "submodule"]);
    t.conflict_on_c_txt();
    // An untracked repository inside the working tree: git reports the folder.
    let nested = TestRepo::new();
    nested.write("n.txt", "n");
    nested.commit_all("nested");
    std::fs::rename(nested.path(), t.abs("nested")).unwrap();
    let v = view(&t, "");
    assert_eq!(paths(&v), ["c.txt", "nested", "sm"]);
    assert_eq!(kind(&v, "nested"), Some((EntryKind::Submodule, 0o160000)));
    assert_eq!(kind(&v, "sm"), Some((EntryKind::Submodule, 0o160000)));
    assert!(matches!(v.read("sm"), Err(ReadError::Submodule { .. })));
    assert!(matches!(v.read("nested"), Err(ReadError::Special { .. })));
    assert!(v.read("c.txt").unwrap().text().unwrap().contains("<<<<<<<"));
}

/// What git lists: tracked files that exist plus `ls-files --others --exclude-standard`
/// (a nested repository shown as `dir/` is the entry `dir`).
fn git_listing(t: &TestRepo) -> Vec<String> {
    let tracked = t.git(&["ls-files", "-z", "--cached"]);
    let others = t.git(&["ls-files", "-z", "--others", "--exclude-standard"]);
    let mut all: Vec<String> = tracked
        .split('\0')
        .filter(|p| !p.is_empty() && std::fs::symlink_metadata(t.abs(p)).is_ok())
        .chain(others.split('\0').filter(|p| !p.is_empty()))
        .map(|p| p.trim_end_matches('/').to_string())
        .collect();
    all.sort();
    all.dedup();
    all
}

#[test]
fn untracked_files_are_those_git_shows() {
    let t = TestRepo::new();
    let excludes = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(excludes.path(), "*.global\n!keep.global\n").unwrap();
    t.git(&[
        "config",
        "core.excludesFile",
        excludes.path().to_str().unwrap(),
    ]);
    t.write(".git/info/exclude", "*.local\n/top-only.txt\n");
    t.write(
        ".gitignore",
        "*.log\n!important.log\nbuild/\ncache\n/anchored.txt\ndocs/**/*.tmp\nout/*\n!out/keep.txt\nskip/\n!skip/inside.txt\n\\#hash.txt\nspace\\ \n",
    );
    t.write("a/.gitignore", "!*.log\nlocal-only.txt\n*.global\n");
    t.write("a/b/.gitignore", "!local-only.txt\n");
    t.write("tracked.log", "tracked, then ignored\n");
    t.write("build/tracked.txt", "tracked in an ignored folder\n");
    t.git(&["add", "-f", "tracked.log", "build/tracked.txt"]);
    t.commit_all("init");
    for f in [
        "x.log",
        "important.log",
        "build/new.txt",
        "sub/build/deep.txt",
        "cache",
        "sub/cache/c.txt",
        "anchored.txt",
        "sub/anchored.txt",
        "docs/a/b/x.tmp",
        "docs/x.tmp",
        "out/gone.txt",
        "out/keep.txt",
        "skip/inside.txt",
        "#hash.txt",
        "space ",
        "a/y.log",
        "a/local-only.txt",
        "a/b/local-only.txt",
        "a/b/c/local-only.txt",
        "a/x.global",
        "keep.global",
        "other.global",
        "q.local",
        "top-only.txt",
        "sub/top-only.txt",
        "plain/file.txt",
    ] {
        t.write(f, "x");
    }
    // An untracked repository of its own, and one that is ignored.
    for dir in ["nested", "build/nested2"] {
        std::fs::create_dir_all(t.abs(dir)).unwrap();
        let out = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(t.abs(dir))
            .env("GIT_CONFIG_GLOBAL", crate::repo::testutil::empty_config())
            .output()
            .unwrap();
        assert!(out.status.success());
        t.write(&format!("{dir}/n.txt"), "n");
    }
    let want = git_listing(&t);
    assert_eq!(paths(&view(&t, "")), want);
    // Spot checks, so that a git that lists differently is noticed too.
    for p in [
        "tracked.log",
        "build/tracked.txt",
        "important.log",
        "nested",
        "out/keep.txt",
    ] {
        assert!(want.iter().any(|w| w == p), "{p}: {want:?}");
    }
    for p in [
        "x.log",
        "skip/inside.txt",
        "docs/a/b/x.tmp",
        "q.local",
        "other.global",
    ] {
        assert!(!want.iter().any(|w| w == p), "{p}: {want:?}");
    }
    let below: Vec<String> = want
        .iter()
        .filter_map(|p| p.strip_prefix("a/").map(str::to_string))
        .collect();
    assert_eq!(paths(&view(&t, "a")), below);
}

#[test]
fn a_symlinked_gitignore_is_not_followed() {
    let t = TestRepo::new();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("rules"), "*.env\n").unwrap();
    t.symlink(
        elsewhere.path().join("rules").to_str().unwrap(),
        ".gitignore",
    );
    t.write("a.env", "FLAG=1\n");
    t.write("sub/b.env", "FLAG=1\n");
    t.symlink("/dev/zero", "sub/.gitignore");
    let v = view(&t, "");
    assert_eq!(
        paths(&v),
        [".gitignore", "a.env", "sub/.gitignore", "sub/b.env"]
    );
    assert_eq!(paths(&v), git_listing(&t));
}

/// The working tree listed keeping nothing but what is not a file, the walk telling
/// the case collisions.
fn keeping_view(t: &TestRepo, prefix: &str) -> WorktreeView {
    let (tell, later) = std::sync::mpsc::channel();
    let keep: crate::repo::Keep = Arc::new(|_: &str| false);
    tell.send(Some(keep)).unwrap();
    WorktreeView::open(&t.repo(), t.path(), prefix.as_bytes(), Some(later)).unwrap()
}

/// What the whole listing says of case collisions.
fn folded_whole(v: &WorktreeView) -> Vec<(String, String)> {
    let mut f = crate::repo::case::CaseFold::default();
    for e in v.entries() {
        f.push(e.path);
    }
    f.finish()
}

/// The walk's own case check (a listing that keeps only some entries) tells what a
/// fold of the whole listing tells: names that collide in files, in folders that
/// hold only ignored or only untracked-but-ignored files (not names then), in
/// ignored folders with tracked files (names then, and their insides), in a
/// repository of its own; with and without a prefix.
#[test]
fn the_walks_case_check_tells_what_the_whole_listing_tells() {
    let names = ["a", "A", "b", "B", "\u{c9}", "\u{e9}", "k", "\u{212a}"];
    let mut next = crate::repo::testutil::xorshift(0x2545_f491_4f6c_dd1d);
    let (mut collided, mut told) = (0, 0);
    for round in 0..40 {
        let t = TestRepo::new();
        let mut files = Vec::new();
        for _ in 0..1 + next(14) {
            let depth = 1 + next(3);
            let path: Vec<&str> = (0..depth).map(|_| names[next(names.len())]).collect();
            files.push(path.join("/"));
        }
        // No path is both a file and a folder.
        let copy = files.clone();
        files.retain(|p| !copy.iter().any(|q| q.starts_with(&format!("{p}/"))));
        files.sort();
        files.dedup();
        for f in &files {
            t.write(f, "x\n");
        }
        let rules = ["A/\n", "b\n", "k\n", "*\n!*/\n", "", "/*/\n", "*/\n"][next(7)];
        t.write(".gitignore", rules);
        // Some files tracked whatever the rules say.
        for f in files.iter().filter(|_| next(2) == 0) {
            t.git(&["add", "-f", "--", f]);
        }
        if round % 6 == 5
            && let Some(f) = files.first()
            && let Some((dir, _)) = f.rsplit_once('/')
        {
            // A repository of its own, untracked.
            std::fs::create_dir(t.abs(&format!("{dir}/.git"))).unwrap();
        }
        for prefix in ["", "a", "A"] {
            if !prefix.is_empty() && !t.abs(prefix).is_dir() {
                continue;
            }
            let whole = view(&t, prefix);
            let want = folded_whole(&whole);
            let kept = keeping_view(&t, prefix);
            let folded = kept.entries().folded().unwrap();
            assert_eq!(folded.listed, whole.entries().len(), "{files:?} {rules:?}");
            collided += usize::from(!want.is_empty());
            if let Some(case) = &folded.case {
                told += 1;
                assert_eq!(case, &want, "{files:?} {rules:?} prefix {prefix:?}");
            }
        }
    }
    assert!(collided > 10, "the names collide often enough: {collided}");
    assert!(told > 30, "the walk tells often enough: {told}");
}

/// `.relgate/` alone: tracked and untracked files as the whole listing has them,
/// ignored ones not, and the index read only until its entries sort past the folder.
#[test]
fn a_folder_alone_reads_the_index_until_past_it() {
    let t = TestRepo::new();
    crate::repo::testutil::relgate_among_neighbours(&t);
    t.write(".relgate/u.yaml", "u\n");
    t.write(".relgate/skip.yaml", "s\n");
    t.write(".git/info/exclude", "skip.yaml\n");
    let under = |t: &TestRepo| WorktreeView::open_under(&t.repo(), t.path(), b".relgate");
    let v = under(&t).unwrap();
    assert_eq!(paths(&v), ["p.yaml", "q/r.yaml", "u.yaml"]);
    assert_eq!(v.read("u.yaml").unwrap().bytes(), b"u\n");
    assert_eq!(v.mode("p.yaml"), Some(0o644));
    // The index broken past the folder: the folder lists all the same, the whole
    // working tree does not.
    let index = t.repo().path().join("index");
    let mut bytes = std::fs::read(&index).unwrap();
    let len = bytes.len();
    bytes[len * 2 / 3..len - 20].fill(0xff);
    std::fs::write(&index, &bytes).unwrap();
    assert_eq!(paths(&under(&t).unwrap()), ["p.yaml", "q/r.yaml", "u.yaml"]);
    assert!(WorktreeView::open(&t.repo(), t.path(), b"", None).is_err());
}
