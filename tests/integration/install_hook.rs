//! `relgate install-hook`: where the hook goes, what it refuses, and a real
//! `git commit` blocked by it.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const SIGNATURE: &str = "# installed by relgate install-hook";

/// Where git itself looks for hooks, from `dir`.
fn git_hooks_dir(dir: &Path) -> PathBuf {
    let p = PathBuf::from(git(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
    ));
    p.canonicalize().unwrap_or(p)
}

fn hook_text(hooks: &Path) -> String {
    std::fs::read_to_string(hooks.join("pre-commit")).unwrap()
}

#[test]
fn install_hook_writes_a_signed_executable_hook() {
    let repo = Repo::new();
    let run = repo.relgate(&["install-hook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hooks = git_hooks_dir(repo.path());
    let hook = hooks.join("pre-commit");
    assert!(run.stdout.contains("installed"), "{}", run.stdout);
    let text = hook_text(&hooks);
    assert!(
        text.starts_with(&format!("#!/bin/sh\n{SIGNATURE}\n")),
        "{text}"
    );
    assert!(text.contains("\"$relgate\" check --staged 2>&1"), "{text}");
    assert!(text.contains(env!("CARGO_BIN_EXE_relgate")), "{text}");
    let mode = std::fs::metadata(&hook).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "{mode:o}");
    // Installing again over its own hook is fine.
    assert_eq!(repo.relgate(&["install-hook"]).code, 0);
}

#[test]
fn install_hook_refuses_a_foreign_hook_unless_forced() {
    let repo = Repo::new();
    let hooks = git_hooks_dir(repo.path());
    std::fs::create_dir_all(&hooks).unwrap();
    let foreign = "#!/bin/sh\necho mine\n";
    std::fs::write(hooks.join("pre-commit"), foreign).unwrap();

    let run = repo.relgate(&["install-hook"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(hook_text(&hooks), foreign);

    // --uninstall never removes a hook relgate did not write.
    let run = repo.relgate(&["install-hook", "--uninstall"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not written by relgate"),
        "{}",
        run.stderr
    );
    assert_eq!(hook_text(&hooks), foreign);

    let run = repo.relgate(&["install-hook", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(hook_text(&hooks).contains(SIGNATURE));
    // The foreign hook is kept beside it, and --uninstall puts it back.
    let legacy = hooks.join("pre-commit.legacy");
    assert_eq!(std::fs::read_to_string(&legacy).unwrap(), foreign);
    assert!(
        run.stdout.contains("pre-commit.legacy (not run"),
        "{}",
        run.stdout
    );
    // A second foreign hook is not forced over an existing .legacy.
    std::fs::write(hooks.join("pre-commit"), "#!/bin/sh\necho other\n").unwrap();
    let run = repo.relgate(&["install-hook", "--force"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("pre-commit.legacy already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&legacy).unwrap(), foreign);
    std::fs::remove_file(hooks.join("pre-commit")).unwrap();
    assert_eq!(repo.relgate(&["install-hook"]).code, 0);
    let run = repo.relgate(&["install-hook", "--uninstall"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("restored"), "{}", run.stdout);
    assert_eq!(hook_text(&hooks), foreign);
    assert!(!legacy.exists());
}

#[test]
fn install_hook_uninstall_removes_only_its_own() {
    let repo = Repo::new();
    let hooks = git_hooks_dir(repo.path());
    assert_eq!(repo.relgate(&["install-hook"]).code, 0);
    let run = repo.relgate(&["install-hook", "--uninstall"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!hooks.join("pre-commit").exists());
    // Nothing left to remove: not an error.
    let run = repo.relgate(&["install-hook", "--uninstall"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("nothing to remove"), "{}", run.stdout);
}

#[test]
fn install_hook_honours_core_hooks_path() {
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir_all(repo.path().join("sub")).unwrap();
    // Run from a subdirectory: the relative hooksPath is still taken from the top.
    let run = relgate_in(&repo.path().join("sub"), &["install-hook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hooks = git_hooks_dir(repo.path());
    assert!(hooks.ends_with(".githooks"), "{}", hooks.display());
    assert!(hook_text(&hooks).contains(SIGNATURE));
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());

    // An absolute hooksPath.
    let elsewhere = tempfile::tempdir().unwrap();
    let abs = elsewhere.path().join("hooks");
    repo.git(&["config", "core.hooksPath", abs.to_str().unwrap()]);
    assert_eq!(repo.relgate(&["install-hook"]).code, 0);
    assert!(hook_text(&abs).contains(SIGNATURE));
}

#[test]
fn install_hook_from_a_linked_worktree_uses_the_shared_hooks() {
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("init");
    let parent = tempfile::tempdir().unwrap();
    let wt = parent.path().join("wt");
    repo.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    let run = relgate_in(&wt, &["install-hook"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hooks = git_hooks_dir(&wt);
    assert_eq!(hooks, git_hooks_dir(repo.path()));
    assert!(hook_text(&hooks).contains(SIGNATURE));
}

/// `git commit` in `dir` with a PATH that has git but no `relgate`, so the hook
/// falls back to the binary that installed it.
fn commit(dir: &Path, msg: &str) -> (bool, String) {
    commit_with(dir, &["-m", msg])
}

/// `git commit -q ARGS`, as [`commit`].
fn commit_with(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = command("git")
        .args([
            "-c",
            "user.name=relgate",
            "-c",
            "user.email=t@relgate.invalid",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
        ])
        .args(args)
        .current_dir(dir)
        .env("PATH", "/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
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
fn install_hook_blocks_a_commit_until_the_staged_content_passes() {
    let repo = Repo::new();
    repo.write(
        ".relgate/policies.yaml",
        "version: 1\npolicies:\n  - id: CL-1\n    title: A changelog is committed\n    check:\n      exists: CHANGELOG.md\n",
    )
    .write("README.md", "x\n");
    assert_eq!(repo.relgate(&["install-hook"]).code, 0);
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(repo.path(), "no changelog");
    assert!(!ok, "the hook let the commit through:\n{out}");
    assert!(out.contains("CL-1"), "{out}");

    // On disk but not staged: the hook judges the index, still blocked.
    repo.write("CHANGELOG.md", "# Changelog\n");
    let (ok, out) = commit(repo.path(), "unstaged changelog");
    assert!(!ok, "{out}");

    repo.git(&["add", "CHANGELOG.md"]);
    let (ok, out) = commit(repo.path(), "with changelog");
    assert!(ok, "{out}");
    // Silent on success: one line.
    assert_eq!(
        out,
        "relgate: 1 policy: 1 passed, 0 failed, 0 skipped, 0 waived; 0 errors, 0 warnings, 0 notes\n"
    );
    assert_eq!(repo.git(&["log", "--format=%s"]), "with changelog");
}

#[test]
fn install_hook_passes_its_arguments_to_check() {
    let repo = Repo::new();
    repo.write(
        ".relgate/policies.yaml",
        "version: 1\nvars:\n  notes: {description: the release notes file}\npolicies:\n  - id: N\n    title: the notes are committed\n    check:\n      exists: '{notes}'\n",
    )
    .write("NOTES.md", "x\n");
    // A typo is refused now, not at the next commit.
    let run = repo.relgate(&["install-hook", "--", "--vra", "notes=NOTES.md"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("not valid for 'relgate check --staged'"),
        "{}",
        run.stderr
    );
    let run = repo.relgate(&["install-hook", "--", "--var", "notes=CHANGES.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(repo.path(), "notes");
    assert!(!ok, "{out}");
    assert!(out.contains("CHANGES.md does not exist"), "{out}");
    let run = repo.relgate(&["install-hook", "--", "--var", "notes=NOTES.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (ok, out) = commit(repo.path(), "notes");
    assert!(ok, "{out}");
    assert!(out.starts_with("relgate: 1 policy: 1 passed"), "{out}");
}

/// `git commit -a`, `git commit FILE` and their `--amend` forms build the commit in
/// another index than `.git/index` and hand it to the hook as `GIT_INDEX_FILE`: the
/// hook judges that index, the one git is about to commit.
#[test]
fn install_hook_judges_the_index_git_is_committing() {
    let repo = Repo::new();
    repo.write(
        ".relgate/policies.yaml",
        "version: 1\npolicies:\n  - id: S-1\n    title: No secret is committed\n    check:\n      not_matches: {files: config.env, patterns: SECRET}\n",
    )
    .write("config.env", "A=1\n");
    assert_eq!(repo.relgate(&["install-hook"]).code, 0);
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(repo.path(), "clean");
    assert!(ok, "{out}");
    // On disk only: `.git/index` still holds the clean file.
    repo.write("config.env", "A=1\nSECRET=x\n");
    let forms: [&[&str]; 4] = [
        &["-a", "-m", "all"],
        &["-m", "only", "config.env"],
        &["--amend", "-a", "-m", "amended"],
        &["--amend", "-m", "amended", "--", "config.env"],
    ];
    for args in forms {
        let (ok, out) = commit_with(repo.path(), args);
        assert!(
            !ok,
            "git commit {args:?}: the hook let the secret through:\n{out}"
        );
        assert!(
            out.contains("S-1") && out.contains("config.env:2"),
            "{args:?}: {out}"
        );
        assert_eq!(repo.git(&["log", "--format=%s"]), "clean", "{args:?}");
    }
    // The other way round: a secret staged in `.git/index` is not what `commit FILE`
    // commits when FILE is clean.
    repo.git(&["add", "config.env"]);
    repo.write("config.env", "A=2\n");
    let (ok, out) = commit_with(repo.path(), &["-m", "only the clean file", "config.env"]);
    assert!(ok, "{out}");
    assert_eq!(repo.git(&["show", "HEAD:config.env"]), "A=2");
    // A relative GIT_INDEX_FILE is read from the top of the working tree, as git reads
    // it, wherever relgate is started.
    std::fs::create_dir_all(repo.path().join("sub")).unwrap();
    repo.write("config.env", "SECRET=y\n");
    let index = repo.path().join(".git/next-index");
    let mut add = command("git");
    add.args(["add", "-A"])
        .current_dir(repo.path())
        .env("GIT_INDEX_FILE", &index);
    assert!(add.status().unwrap().success());
    let out = relgate_command(&repo.path().join("sub"))
        .args(["check", "..", "--staged", "--format", "json"])
        .env("GIT_INDEX_FILE", ".git/next-index")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // Only --staged reads it: the working tree and a commit are what they are.
    repo.write("config.env", "A=3\n");
    let out = relgate_command(repo.path())
        .args(["check", "--format", "json"])
        .env("GIT_INDEX_FILE", ".git/next-index")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
