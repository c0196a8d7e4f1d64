//! The tests leave the developer's git set-up alone and do not depend on it: a
//! hostile global config (a global hooks folder, signing, autocrlf, an fsmonitor
//! command, another default branch) and a run from inside a git hook
//! (`GIT_DIR`, `GIT_INDEX_FILE` exported) change nothing.

use crate::common::*;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// A developer's machine set up to break the tests: HOME, XDG and
/// GIT_CONFIG_GLOBAL each hold a hostile config, and the variables git exports to
/// a hook point into a folder no test may touch.
struct Hostile {
    dir: tempfile::TempDir,
}

const SENTINEL: &str = "#!/bin/sh\n# the developer's own global hook\ntouch \"$(dirname \"$0\")/../ran-global-hook\"\nexit 1\n";

impl Hostile {
    fn new() -> Hostile {
        let dir = tempfile::tempdir().unwrap();
        let h = Hostile { dir };
        let hooks = h.path("hooks");
        std::fs::create_dir_all(&hooks).unwrap();
        write_exec(&hooks.join("pre-commit"), SENTINEL);
        let fsmonitor = h.path("fsmonitor.sh");
        write_exec(
            &fsmonitor,
            &format!(
                "#!/bin/sh\ntouch '{}'\nexit 1\n",
                h.path("ran-fsmonitor").display()
            ),
        );
        let config = format!(
            "[core]\n\thooksPath = {}\n\tfsmonitor = {}\n\tautocrlf = true\n[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = /bin/false\n[init]\n\tdefaultBranch = hostile\n[user]\n\tuseConfigOnly = true\n",
            hooks.display(),
            fsmonitor.display()
        );
        std::fs::write(h.path("gitconfig"), &config).unwrap();
        std::fs::write(h.path(".gitconfig"), &config).unwrap();
        std::fs::create_dir_all(h.path("xdg/git")).unwrap();
        std::fs::write(h.path("xdg/git/config"), &config).unwrap();
        h
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The variables a developer's shell (or a git hook) would pass on.
    fn env(&self) -> BTreeMap<OsString, OsString> {
        let p = |rel: &str| self.path(rel).into_os_string();
        [
            ("HOME", p("")),
            ("XDG_CONFIG_HOME", p("xdg")),
            ("GIT_CONFIG_GLOBAL", p("gitconfig")),
            ("GIT_DIR", p("no-such-repo/.git")),
            ("GIT_WORK_TREE", p("no-such-repo")),
            ("GIT_INDEX_FILE", p("hook-index")),
            ("GIT_OBJECT_DIRECTORY", p("objects")),
            ("GIT_CONFIG_COUNT", "1".into()),
            ("GIT_CONFIG_KEY_0", "core.hooksPath".into()),
            ("GIT_CONFIG_VALUE_0", p("hooks")),
            ("GIT_AUTHOR_DATE", "not a date".into()),
        ]
        .into_iter()
        .map(|(k, v)| (OsString::from(k), v))
        .collect()
    }

    /// Nothing a test did reached the hostile set-up.
    fn assert_untouched(&self) {
        assert_eq!(
            std::fs::read_to_string(self.path("hooks/pre-commit")).unwrap(),
            SENTINEL,
            "the global pre-commit hook was rewritten"
        );
        let entries: Vec<_> = std::fs::read_dir(self.path("hooks"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(entries, ["pre-commit"], "the global hooks folder changed");
        for marker in [
            "ran-global-hook",
            "ran-fsmonitor",
            "hook-index",
            "no-such-repo",
            "objects",
        ] {
            assert!(!self.path(marker).exists(), "{marker} exists");
        }
    }
}

fn write_exec(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn output(cmd: &mut std::process::Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn hermetic_hostile_setup_is_real_without_the_harness() {
    // Control: the hostile variables, put back after isolation, do reach git.
    let h = Hostile::new();
    let repo = Repo::new();
    let mut cmd = command("git");
    cmd.current_dir(repo.path())
        .envs(h.env())
        .args(["config", "--get", "core.hooksPath"]);
    let (ok, out) = output(&mut cmd);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), h.path("hooks").display().to_string());
}

#[test]
fn hermetic_isolate_drops_an_inherited_hostile_environment() {
    let h = Hostile::new();
    let hostile = h.env();
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    // As if inherited: set on the command, then isolated knowing the parent had them.
    let mut cmd = command("git");
    cmd.envs(&hostile);
    isolate(&mut cmd, hostile.keys().cloned());
    let envs: BTreeMap<_, _> = cmd
        .get_envs()
        .map(|(k, v)| (k.to_os_string(), v.map(|v| v.to_os_string())))
        .collect();
    for name in hostile
        .keys()
        .filter(|k| k.to_string_lossy().starts_with("GIT_"))
    {
        if name == "GIT_CONFIG_GLOBAL" {
            continue;
        }
        assert_eq!(envs.get(name), Some(&None), "{name:?} is not removed");
    }
    let empty = test_home().join("gitconfig");
    assert_eq!(
        envs.get(&OsString::from("GIT_CONFIG_GLOBAL")),
        Some(&Some(empty.clone().into_os_string()))
    );
    assert_eq!(
        std::fs::read(&empty).unwrap(),
        b"",
        "the global config is empty"
    );
    assert_eq!(
        envs.get(&OsString::from("HOME")),
        Some(&Some(test_home().as_os_str().to_os_string()))
    );
    assert_eq!(
        envs.get(&OsString::from("GIT_CONFIG_NOSYSTEM")),
        Some(&Some("1".into()))
    );

    // And git, so started, sees only the repository's own config and index.
    cmd.current_dir(repo.path())
        .args(["config", "--list", "--show-origin"]);
    let (ok, out) = output(&mut cmd);
    assert!(ok, "{out}");
    let tmp = h.path("");
    assert!(!out.contains(tmp.to_str().unwrap()), "{out}");
    for line in out.lines() {
        assert!(line.starts_with("file:.git/config\t"), "{line}");
    }
    repo.git(&["add", "a.txt"]);
    assert_eq!(repo.git(&["diff", "--cached", "--name-only"]), "a.txt");
    h.assert_untouched();
}

/// Runs the tests of this very binary matched by `filters` in a child process
/// whose environment holds `env`, as `cargo test` run from a developer's shell or
/// from a git hook would: they pass, and the hostile global hooks, index and
/// fsmonitor are left alone.
fn suite_passes_under(h: &Hostile, env: BTreeMap<OsString, OsString>, filters: &[&str]) {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = command(&exe);
    cmd.args(filters)
        .args(["--test-threads", "2"])
        .envs(env)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let (ok, out) = output(&mut cmd);
    assert!(ok, "under a hostile git environment:\n{out}");
    // Every filter ran something: nothing was silently filtered out.
    for f in filters {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("test {f}")) && l.ends_with(" ... ok")),
            "no test matched {f}:\n{out}"
        );
    }
    h.assert_untouched();
}

/// A global config with a hooks folder, signing, autocrlf, an fsmonitor command
/// and another default branch: the hook tests install, refuse and remove hooks in
/// the test repositories only, and commits go through.
#[test]
fn hermetic_suite_passes_under_a_hostile_global_git_config() {
    let h = Hostile::new();
    let env = h
        .env()
        .into_iter()
        .filter(|(k, _)| {
            ["HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL"].contains(&k.to_str().unwrap())
        })
        .collect();
    suite_passes_under(
        &h,
        env,
        &[
            "install_hook::",
            "precommit::precommit_pre_commit_blocks",
            "precommit::precommit_prek_blocks",
        ],
    );
}

/// Run from inside a git hook (GIT_DIR, GIT_INDEX_FILE… exported) as well: the
/// tests that commit, stage and compare with a base.
#[test]
fn hermetic_suite_passes_from_inside_a_git_hook() {
    let h = Hostile::new();
    suite_passes_under(&h, h.env(), &["install_hook::", "views::", "changes::"]);
}
