//! Git packs: declared in a policy file, fetched from local bare repositories
//! (`file://`, offline), pinned, verified, signed, updated.

mod release_basics;
mod signed;

use crate::common::{Repo, Run, f, git, relgate_command};
use std::path::Path;

pub const POLICY: &str = "version: 1\npolicies:\n  - id: RB-1\n    title: A changelog exists\n    check: {exists: '{changelog}'}\n";
pub const MANIFEST: &str =
    "name: basics\ndescription: t\nversion: '1.0.0'\nvars:\n  changelog: CHANGELOG.md\n";

/// A published pack: a working repository and the bare repository it pushes to.
pub struct Published {
    pub work: Repo,
    pub bare: tempfile::TempDir,
    /// The pack cache relgate runs get.
    cache: tempfile::TempDir,
}

impl Published {
    pub fn new() -> Published {
        let work = Repo::new();
        work.write("packs/basics/pack.yaml", MANIFEST);
        work.write("packs/basics/policies.yaml", POLICY);
        work.write(
            "packs/basics/tests/missing/case.yaml",
            "expect:\n  findings: [{policy: RB-1, path: CHANGELOG.md}]\n  exit: 1\n",
        );
        work.write("packs/basics/tests/missing/tree/README.md", "x\n");
        work.write(
            "packs/basics/tests/present/case.yaml",
            "expect:\n  status: {RB-1: pass}\n  exit: 0\n",
        );
        work.write("packs/basics/tests/present/tree/CHANGELOG.md", "x\n");
        work.commit_all("first");
        work.git(&["branch", "-M", "main"]);
        let bare = tempfile::tempdir().unwrap();
        git(bare.path(), &["init", "-q", "--bare"]);
        let p = Published {
            work,
            bare,
            cache: tempfile::tempdir().unwrap(),
        };
        p.push(false);
        p
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.bare.path().display())
    }

    pub fn head(&self) -> String {
        self.work.git(&["rev-parse", "HEAD"])
    }

    pub fn push(&self, force: bool) {
        let url = self.url();
        let mut args = vec!["push", "-q"];
        if force {
            args.push("-f");
        }
        args.extend([url.as_str(), "HEAD:refs/heads/main"]);
        self.work.git(&args);
    }

    pub fn run(&self, repo: &Path, args: &[&str]) -> Run {
        let out = relgate_command(repo)
            .env("XDG_CACHE_HOME", self.cache.path())
            .args(args)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A repository whose `.relgate/config.yaml` declares the pack at `rev`.
    pub fn consumer(&self, rev: &str, extra: &str) -> Repo {
        let r = Repo::new();
        r.write(
            ".relgate/config.yaml",
            &self.config(rev, "packs/basics", extra),
        );
        r.write("README.md", "x\n");
        r.commit_all("init");
        r
    }

    pub fn config(&self, rev: &str, path: &str, extra: &str) -> String {
        format!(
            "version: 1\n# the shared pack\npacks:\n  - git: {}\n    rev: {rev}   # pinned\n    path: {path}\n{extra}",
            self.url()
        )
    }
}

#[test]
fn a_pinned_pack_runs_with_its_defaults_and_the_repositorys_overrides() {
    let p = Published::new();
    let r = p.consumer(&p.head(), "");
    let run = p.run(r.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RB-1", "CHANGELOG.md", None)]);
    let origin = &run.json()["policies"][0]["source"];
    let short = &p.head()[..7];
    assert!(
        origin
            .to_string()
            .contains(&format!("pack:basics@{short}/policies.yaml")),
        "{origin}"
    );
    // The repository's vars override the pack's default.
    r.write(
        ".relgate/config.yaml",
        &p.config(&p.head(), "packs/basics", "vars:\n  changelog: README.md\n"),
    );
    let run = p.run(r.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

pub fn assert_pack_error(run: &Run, want: &str) {
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(".relgate/config.yaml:4:5"),
        "not located at the packs: entry:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains(want), "{want}:\n{}", run.stderr);
}

#[test]
fn a_rev_or_a_path_that_does_not_exist_exits_2_at_the_entry() {
    let p = Published::new();
    let r = p.consumer("0123456789abcdef0123456789abcdef01234567", "");
    let run = p.run(r.path(), &["check"]);
    assert_pack_error(
        &run,
        "cannot fetch commit 0123456789abcdef0123456789abcdef01234567",
    );
    r.write(
        ".relgate/config.yaml",
        &p.config(&p.head(), "packs/nope", ""),
    );
    let run = p.run(r.path(), &["check"]);
    assert_pack_error(&run, "has no folder or file 'packs/nope'");
    // A branch name is not a pin.
    r.write(
        ".relgate/config.yaml",
        &p.config("main", "packs/basics", ""),
    );
    let run = p.run(r.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("must be a full commit id, found 'main'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_force_pushed_branch_leaves_the_pin_resolving_by_id() {
    let p = Published::new();
    let pinned = p.head();
    p.work.git(&["reset", "-q", "--hard", "HEAD"]);
    p.work.write(
        "packs/basics/policies.yaml",
        &POLICY.replace("RB-1", "RB-X"),
    );
    p.work.git(&["add", "-A"]);
    p.work.git(&["commit", "-q", "--amend", "-m", "rewritten"]);
    p.push(true);
    assert_ne!(p.head(), pinned);
    let r = p.consumer(&pinned, "");
    let run = p.run(r.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RB-1", "CHANGELOG.md", None)]);
}

#[test]
fn offline_needs_the_cache_and_pack_fetch_fills_it() {
    let p = Published::new();
    let r = p.consumer(&p.head(), "");
    let run = p.run(r.path(), &["check", "--offline"]);
    assert_pack_error(&run, "not in the pack cache");
    assert!(run.stderr.contains("relgate pack fetch"), "{}", run.stderr);
    let list = p.run(r.path(), &["pack", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("not cached"), "{}", list.stdout);
    // Commands that need no repository read the cache only.
    let policies = p.run(r.path(), &["list"]);
    assert_eq!(policies.code, 2, "{}{}", policies.stdout, policies.stderr);
    assert!(
        policies.stderr.contains("relgate pack fetch"),
        "{}",
        policies.stderr
    );
    let fetch = p.run(r.path(), &["pack", "fetch"]);
    assert_eq!(fetch.code, 0, "{}", fetch.stderr);
    assert!(
        fetch.stdout.starts_with("fetched basics"),
        "{}",
        fetch.stdout
    );
    let policies = p.run(r.path(), &["list"]);
    assert_eq!(policies.code, 0, "{}{}", policies.stdout, policies.stderr);
    assert!(policies.stdout.starts_with("RB-1"), "{}", policies.stdout);
    let list = p.run(r.path(), &["pack", "list"]);
    assert!(
        list.stdout
            .contains(&format!("{} packs/basics at {}  cached", p.url(), p.head())),
        "{}",
        list.stdout
    );
    // The remote is gone: the cache alone serves.
    std::fs::remove_dir_all(p.bare.path().join("objects")).unwrap();
    let run = p.run(r.path(), &["check", "--offline", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RB-1", "CHANGELOG.md", None)]);
}

#[test]
fn update_rewrites_one_line_and_prints_what_changed() {
    let p = Published::new();
    let old = p.head();
    let r = p.consumer(&old, "");
    p.work.write(
        "packs/basics/policies.yaml",
        &format!(
            "{}  - id: RB-2\n    title: A readme exists\n    check: {{exists: README.md}}\n",
            POLICY.replace("A changelog exists", "A changelog file exists")
        ),
    );
    p.work.write(
        "packs/basics/pack.yaml",
        &format!("{MANIFEST}  release_branch: main\n"),
    );
    p.work.commit_all("second");
    p.push(false);
    let new = p.head();
    let before = r.read(".relgate/config.yaml");
    let run = p.run(r.path(), &["pack", "update", "basics"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "basics: {old} -> {new} (.relgate/config.yaml)\n  policies added: RB-2\n  policies changed: RB-1\n  variables added: release_branch\n"
        )
    );
    assert_eq!(r.read(".relgate/config.yaml"), before.replace(&old, &new));
    let again = p.run(r.path(), &["pack", "update"]);
    assert_eq!(again.stdout, format!("basics: already at {new}\n"));
    // --ref: the newest commit of another branch; a removed policy is named.
    p.work.git(&["checkout", "-q", "-b", "next"]);
    p.work
        .write("packs/basics/policies.yaml", "version: 1\npolicies: []\n");
    p.work.write(
        "packs/basics/other.yaml",
        "version: 1\npolicies:\n  - id: RB-3\n    title: t\n    check: {exists: README.md}\n",
    );
    p.work.commit_all("next");
    let url = p.url();
    p.work.git(&["push", "-q", &url, "next"]);
    let next = p.head();
    let run = p.run(r.path(), &["pack", "update", "basics", "--ref", "next"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "basics: {new} -> {next} (.relgate/config.yaml)\n  policies added: RB-3\n  policies removed: RB-1, RB-2\n"
        )
    );
    assert_eq!(r.read(".relgate/config.yaml"), before.replace(&old, &next));
    let run = p.run(r.path(), &["pack", "update", "basics", "--ref", "nope"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("has no branch or tag 'nope'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_change_that_moves_a_pin_is_judged_by_the_bases_pin_with_a_note() {
    let p = Published::new();
    let old = p.head();
    p.work.write(
        "packs/basics/policies.yaml",
        &POLICY.replace("'{changelog}'", "NOTHING.md"),
    );
    p.work.commit_all("weaker");
    p.push(false);
    let new = p.head();
    let r = p.consumer(&old, "");
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write(".relgate/config.yaml", &p.config(&new, "packs/basics", ""));
    r.commit_all("move the pin");
    let run = p.run(r.path(), &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [
            f("RELGATE-TRUST", ".relgate/config.yaml", None),
            f("RELGATE-TRUST", ".relgate/config.yaml", Some(4)),
            f("RB-1", "CHANGELOG.md", None),
        ]
    );
    let messages = run.messages().join("\n");
    assert!(
        messages.contains(&format!(
            "moves the pin of git pack basics ({}) from {old} to {new}",
            p.url()
        )),
        "{messages}"
    );
}

#[test]
fn relgate_test_runs_a_git_packs_own_cases() {
    let p = Published::new();
    let r = p.consumer(&p.head(), "");
    let run = p.run(r.path(), &["test", "--pack", "basics", "--require-failing"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("missing"), "{}", run.stdout);
    assert!(run.stdout.contains("present"), "{}", run.stdout);
    // A variable override that breaks the pack's expectations makes the cases fail.
    let run = p.run(
        r.path(),
        &["test", "--pack", "basics", "--var", "changelog=README.md"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    // So does the repository's own value of a variable the pack declares; its other
    // variables are not the pack's business.
    r.write(
        ".relgate/config.yaml",
        &p.config(
            &p.head(),
            "packs/basics",
            "vars:\n  changelog: {value: README.md}\n  own: '{missing}'\n",
        ),
    );
    let run = p.run(r.path(), &["test", "--pack", "basics"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    // (The README the case 'missing' holds satisfies the policy; 'present' has none.)
    assert!(
        run.stdout.ends_with("0 passed, 2 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_local_folder_pack_is_read_from_disk_beside_the_repository() {
    let shared = tempfile::tempdir().unwrap();
    let pack = shared.path().join("payments");
    std::fs::create_dir_all(pack.join("tests")).unwrap();
    std::fs::write(pack.join("pack.yaml"), MANIFEST).unwrap();
    std::fs::write(pack.join("policies.yaml"), POLICY).unwrap();
    std::fs::write(pack.join("tests/case.yaml"), "not: a policy\n").unwrap();
    let r = Repo::new();
    r.write(
        ".relgate/config.yaml",
        &format!("version: 1\npacks:\n  - path: {}\n", pack.display()),
    );
    r.commit_all("init");
    let run = r.relgate(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RB-1", "CHANGELOG.md", None)]);
    let missing = format!(
        "version: 1\npacks:\n  - path: {}/nope\n",
        shared.path().display()
    );
    r.write(".relgate/config.yaml", &missing);
    let run = r.relgate(&["check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(".relgate/config.yaml:3:5"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_local_pack_inside_the_repository_is_read_from_the_base() {
    let r = Repo::new();
    r.write("shared/basics/pack.yaml", MANIFEST);
    r.write("shared/basics/policies.yaml", POLICY);
    r.write(
        ".relgate/config.yaml",
        "version: 1\npacks:\n  - path: shared/basics\n",
    );
    r.write("README.md", "x\n");
    r.commit_all("base");
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "pr"]);
    // The pull request weakens the pack in its own checkout.
    r.write(
        "shared/basics/policies.yaml",
        &POLICY.replace("'{changelog}'", "README.md"),
    );
    r.commit_all("weaken the pack");
    let run = r.relgate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [
            f("RB-1", "CHANGELOG.md", None),
            f("RELGATE-TRUST", "shared/basics/policies.yaml", None),
        ]
    );
    // Without --base the tree under check is the trusted tree.
    let run = r.relgate(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_change_that_removes_a_pack_gets_a_note_and_the_base_keeps_it() {
    let p = Published::new();
    let r = p.consumer(&p.head(), "");
    r.git(&["branch", "-M", "main"]);
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write(
        ".relgate/config.yaml",
        "version: 1\npolicies:\n  - id: OWN-1\n    title: t\n    check: {exists: README.md}\n",
    );
    r.commit_all("drop the pack");
    let run = p.run(r.path(), &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [
            f("RELGATE-TRUST", ".relgate/config.yaml", None),
            f("RELGATE-TRUST", ".relgate/config.yaml", Some(1)),
            f("RB-1", "CHANGELOG.md", None),
        ]
    );
    let messages = run.messages().join("\n");
    assert!(
        messages.contains(&format!(
            "this change removes git pack basics ({}) at {}",
            p.url(),
            p.head()
        )),
        "{messages}"
    );
}

#[test]
fn a_planted_cache_config_is_never_obeyed() {
    let p = Published::new();
    let r = p.consumer(&p.head(), "");
    let fetch = p.run(r.path(), &["pack", "fetch"]);
    assert_eq!(fetch.code, 0, "{}", fetch.stderr);
    // A cache restored from elsewhere carries a config that forbids (or runs) things.
    let packs = p.cache.path().join("relgate/packs");
    let repo = std::fs::read_dir(&packs)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let config = repo.join("config");
    let planted = format!(
        "{}[protocol \"file\"]\n\tallow = never\n",
        std::fs::read_to_string(&config).unwrap()
    );
    std::fs::write(&config, planted).unwrap();
    p.work
        .write("packs/basics/more.yaml", &POLICY.replace("RB-1", "RB-2"));
    p.work.commit_all("second");
    p.push(false);
    r.write(
        ".relgate/config.yaml",
        &p.config(&p.head(), "packs/basics", ""),
    );
    let run = p.run(r.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [
            f("RB-1", "CHANGELOG.md", None),
            f("RB-2", "CHANGELOG.md", None)
        ]
    );
    assert!(
        !std::fs::read_to_string(&config)
            .unwrap()
            .contains("protocol")
    );
}

#[test]
fn a_git_pack_on_the_command_line_is_pinned_too() {
    let p = Published::new();
    let r = Repo::new();
    r.write("README.md", "x\n");
    r.commit_all("init");
    let spec = format!("git+{}@{}#packs/basics", p.url(), p.head());
    let run = p.run(r.path(), &["check", "--pack", &spec, "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("RB-1", "CHANGELOG.md", None)]);
    let run = p.run(
        r.path(),
        &["check", "--pack", &format!("git+{}@main", p.url())],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("must pin a full commit id"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pack_cannot_reach_into_the_consumers_folders() {
    let p = Published::new();
    p.work.write(
        "packs/basics/nested.yaml",
        "version: 1\npacks:\n  - path: ../secrets\n",
    );
    p.work.commit_all("nested local pack");
    p.push(false);
    let r = p.consumer(&p.head(), "");
    let run = p.run(r.path(), &["check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let short = &p.head()[..7];
    assert!(
        run.stderr
            .contains(&format!("pack:basics@{short}/nested.yaml:3:5")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("a pack cannot load a local folder pack"),
        "{}",
        run.stderr
    );
}
