//! What a view lists and reads, as a hostile pull request would shape it: file
//! names that are not UTF-8 (two names a lossy decoding would merge), Git LFS
//! pointers in place of config files, the working tree's ignore rules.

use crate::common::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

const FLAG: &str = r#"version: 1
vars:
  real:
    flag:
      name: REAL
      files: ['config/*.env', '**/.env']
policies:
  - id: OFF
    title: REAL stays off
    check:
      flag: {var: real, is: off}
"#;

/// Writes `content` at the path with these exact bytes.
fn write_raw(repo: &Repo, path: &[u8], content: &str) {
    let p = repo.path().join(OsStr::from_bytes(path));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// The three sources, each also against the base branch.
const MODES: &[&[&str]] = &[
    &[],
    &["--staged"],
    &["--rev", "HEAD"],
    &["--base", "base"],
    &["--staged", "--base", "base"],
    &["--rev", "HEAD", "--base", "base"],
];

#[test]
fn names_that_decode_alike_are_two_files() {
    let repo = Repo::new();
    repo.write("config/app.env", "REAL=0\n").commit_all("base");
    repo.git(&["branch", "-M", "base"]);
    repo.git(&["checkout", "-q", "-b", "change"]);
    // U+FFFD is what a lossy decoding makes of the byte 0xFF.
    let raw = &b"config/override\xFF.env"[..];
    let lossy = "config/override\u{FFFD}.env";
    // (on, off, the name the finding shows)
    for (on, off, want_path) in [
        (raw, lossy.as_bytes(), r"config/override\xFF.env"),
        (lossy.as_bytes(), raw, lossy),
    ] {
        write_raw(&repo, on, "REAL=1\n");
        write_raw(&repo, off, "REAL=0\n");
        repo.commit_all("two names");
        for mode in MODES {
            let r = repo.check_yaml(FLAG, mode);
            assert_eq!(r.code, 1, "{mode:?}: {}{}", r.stdout, r.stderr);
            assert_eq!(r.findings(), [f("OFF", want_path, Some(1))], "{mode:?}");
        }
    }
}

#[test]
fn a_backslash_in_a_name_is_shown_doubled() {
    let repo = Repo::new();
    repo.write("config/a\\b.env", "REAL=1\n").commit_all("base");
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let r = repo.check_yaml(FLAG, mode);
        assert_eq!(
            r.findings(),
            [f("OFF", r"config/a\\b.env", Some(1))],
            "{mode:?}"
        );
    }
}

const POINTER: &str = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 14\n";

#[test]
fn an_lfs_pointer_is_not_judged_as_its_text() {
    let repo = Repo::new();
    repo.write("config/app.env", "REAL=0\n")
        .write("config/prod.env", POINTER)
        .commit_all("a config file in LFS");
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let r = repo.check_yaml(FLAG, mode);
        assert_eq!(r.code, 1, "{mode:?}: {}", r.stdout);
        assert_eq!(
            r.findings(),
            [f("OFF", "config/prod.env", None)],
            "{mode:?}"
        );
        let msg = &r.messages()[0];
        assert!(
            msg.contains("config/prod.env is a Git LFS pointer")
                && msg.contains("cannot judge content it does not have"),
            "{msg}"
        );
    }
    // The pointer's text mentions nothing: a content check cannot pass on it either.
    let r = repo.check_yaml(
        "version: 1\npolicies:\n  - id: NOREAL\n    title: t\n    check:\n      not_matches: {files: config/prod.env, patterns: 'REAL=1'}\n",
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.findings(), [f("NOREAL", "config/prod.env", None)]);
}

#[test]
fn ignored_files_are_not_judged_but_tracked_ones_are() {
    let repo = Repo::new();
    repo.write(".gitignore", "config/local*.env\nbuild/\n!build/keep.env\n")
        .write("config/app.env", "REAL=0\n")
        .commit_all("base");
    // Tracked although ignored: still judged.
    repo.write("config/local-tracked.env", "REAL=1\n");
    repo.git(&["add", "-f", "config/local-tracked.env"]);
    // Ignored and untracked: not part of the working tree's view (git ignores it too).
    repo.write("config/local-dev.env", "REAL=1\n");
    repo.write("build/.env", "REAL=1\n");
    repo.write("build/keep.env", "REAL=1\n");
    // Untracked, not ignored: judged.
    repo.write("sub/.env", "REAL=1\n");
    let r = repo.check_yaml(FLAG, &[]);
    assert_eq!(
        r.findings(),
        [
            f("OFF", "config/local-tracked.env", Some(1)),
            f("OFF", "sub/.env", Some(1)),
        ],
        "{}",
        r.stdout
    );
}

#[test]
fn a_submodule_that_sets_the_flag_is_read_at_the_recorded_commit() {
    let lib = Repo::new();
    lib.write("config/.env", "REAL=1\n").commit_all("on");
    let repo = Repo::new();
    repo.write("config/app.env", "REAL=0\n");
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        lib.path().to_str().unwrap(),
        "vendor/lib",
    ]);
    repo.commit_all("vendor lib");
    // Off in the submodule's working tree only: the recorded commit still sets it.
    std::fs::write(repo.path().join("vendor/lib/config/.env"), "REAL=0\n").unwrap();
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let r = repo.check_yaml(FLAG, mode);
        assert_eq!(r.code, 1, "{mode:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(
            r.findings(),
            [f("OFF", "vendor/lib/config/.env", Some(1))],
            "{mode:?}"
        );
    }
}

#[test]
fn a_submodule_that_is_not_checked_out_is_a_warning_naming_it() {
    let lib = Repo::new();
    lib.write("config/.env", "REAL=1\n").commit_all("on");
    let sha = lib.git(&["rev-parse", "HEAD"]).trim().to_string();
    let repo = Repo::new();
    repo.write("config/app.env", "REAL=0\n").commit_all("app");
    // A gitlink whose commit this clone does not have and whose folder is empty.
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{sha},vendor/lib"),
    ]);
    repo.git(&["commit", "-q", "-m", "vendor lib"]);
    // As a clone without --recurse-submodules leaves it: an empty folder.
    std::fs::create_dir_all(repo.path().join("vendor/lib")).unwrap();
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let r = repo.check_yaml(FLAG, mode);
        assert_eq!(
            r.findings(),
            [f("OFF", "vendor/lib", None)],
            "{mode:?}: {}",
            r.stdout
        );
        let v = r.json();
        assert_eq!(v["findings"][0]["severity"], "warning", "{mode:?}");
        assert!(
            r.messages()[0].contains("git submodule update --init -- vendor/lib"),
            "{mode:?}: {:?}",
            r.messages()
        );
        assert_eq!(r.code, 0, "{mode:?}: a warning does not fail the run");
    }
}

/// A commit judged on its own can be listed keeping only the files its policies reach
/// (debug builds, `RELGATE_DEBUG_REACH=1`): the report is the same, with the entries
/// counted, the collisions among files no policy reads and a file named through a
/// variable.
#[test]
fn a_listing_that_keeps_what_the_policies_reach_reports_the_same() {
    let repo = Repo::new();
    for i in 0..40 {
        repo.write(&format!("src/m{i}.rs"), "fn main() {}\n");
    }
    repo.write("src/Lib.rs", "x\n")
        .write("src/lib.rs", "y\n")
        .write("docs/dr.md", "- [ ] drill\n")
        .write("config/app.env", "REAL=1\n")
        .write(".relgate/p.yaml", "version: 1\nvars:\n  list: {value: docs/dr.md}\n  real: {flag: {name: REAL, files: '**/*.env'}}\npolicies:\n  - {id: LIST, title: t, check: {checklist: {file: '{list}'}}}\n  - {id: OFF, title: t, check: {flag: {var: real, is: 'off'}}}\n  - {id: GONE, title: t, check: {exists: 'releases/*/notes.md'}}\n")
        .commit_all("init");
    // Staged beyond the commit: a file the policies reach and one they do not.
    repo.write("config/more.env", "REAL=0\n")
        .write("src/m40.rs", "fn main() {}\n");
    repo.git(&["add", "config/more.env", "src/m40.rs"]);
    // In the working tree only: two more of each, one of them ignored.
    repo.write("config/local.env", "REAL=0\n")
        .write("src/m41.rs", "fn main() {}\n")
        .write("config/skip.env", "REAL=1\n")
        .write(".git/info/exclude", "skip.env\n");
    let run = |mode: &[&str], reach: bool| {
        let mut cmd = relgate_command(repo.path());
        cmd.arg("check")
            .args(mode)
            .args(["--format", "json", "--stats=paths"])
            .args(["--now", "2026-12-07T00:00:00Z"]);
        cmd.env_remove("RELGATE_DEBUG_RESTRICT");
        cmd.env("RELGATE_DEBUG_REACH", if reach { "note" } else { "0" });
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for (mode, kept) in [
        (&["--rev", "HEAD"][..], "kept 3 of 45 entries"),
        (&["--staged"][..], "kept 4 of 47 entries"),
        (&[][..], "kept 5 of 49 entries"),
    ] {
        let ((code, json, quiet), (code2, json2, note)) = (run(mode, false), run(mode, true));
        assert_eq!((code, &json), (code2, &json2), "{mode:?}");
        // The listing kept the policy file, the checklist and the config files.
        assert!(!quiet.contains("the listing kept"), "{quiet}");
        assert!(note.contains(kept), "{mode:?}: {note}");
        assert_eq!(code, Some(1), "{json}");
        for want in [
            "\"RELGATE-CASE\"",
            "src/lib.rs and src/Lib.rs differ only in case",
            "\"LIST\"",
            "\"OFF\"",
            "\"GONE\"",
        ] {
            assert!(json.contains(want), "{want}: {json}");
        }
        let listed = match mode.first() {
            Some(&"--staged") => 47,
            Some(_) => 45,
            None => 49,
        };
        assert!(json.contains(&format!("\"listed\": {listed}")), "{json}");
    }
}
