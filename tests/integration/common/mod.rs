//! Test builders: real git repositories in temp dirs, and the real binary.
//!
//! Every child process the tests start (`git`, `relgate`, the hook managers, the
//! schema validators) is built by [`command`], which cuts it off from the
//! developer's machine: no inherited `GIT_*` variable (a test run from inside a git
//! hook inherits `GIT_INDEX_FILE`, `GIT_DIR`…), no system git config, an empty
//! global git config and a `HOME` of its own. `Command::new` appears nowhere else
//! under `tests/`; the `hermetic` tests prove the isolation holds.

#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `HOME` every child process gets: `target/tmp/home`, holding an empty
/// `gitconfig` that is the children's only global git config. Shared by the test
/// processes of one target dir; nothing is ever written to it (checked once per
/// process, so a test that wrote a global setting fails the next run loudly).
pub fn test_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("home");
        std::fs::create_dir_all(home.join(".config")).expect("mkdir test HOME");
        let config = home.join("gitconfig");
        match std::fs::read(&config) {
            Ok(bytes) => assert!(
                bytes.is_empty(),
                "{} is not empty: a test wrote global git config:\n{}",
                config.display(),
                String::from_utf8_lossy(&bytes)
            ),
            Err(_) => std::fs::write(&config, "").expect("write empty gitconfig"),
        }
        home
    })
}

/// A command for `program` that inherits nothing from the developer's git set-up:
/// see [`isolate`]. The only way the tests start a process.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    isolate(&mut cmd, std::env::vars_os().map(|(k, _)| k));
    cmd
}

/// Removes from `cmd` every `GIT_*` variable named in `parent` (the environment the
/// child would inherit) and gives it the test `HOME`, `XDG_CONFIG_HOME` and
/// `XDG_CACHE_HOME` under it,
/// `GIT_CONFIG_NOSYSTEM=1` and `GIT_CONFIG_GLOBAL` pointing at an empty file.
/// Takes the parent's variable names as an argument so that a test can hand it a
/// hostile environment ([`command`] passes the real one).
pub fn isolate(cmd: &mut Command, parent: impl IntoIterator<Item = OsString>) -> &mut Command {
    for name in parent {
        if name.as_encoded_bytes().starts_with(b"GIT_") {
            cmd.env_remove(name);
        }
    }
    let home = test_home();
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        // Hook managers keep their caches under HOME unless told otherwise.
        .env_remove("PRE_COMMIT_HOME")
        .env_remove("PREK_HOME")
}

/// The shipped example repository (the billing gateway the pack was written for).
pub fn example_repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/billing-gateway")
}

/// Files vendored for the tests (`tests/data/`, each with its origin and licence).
pub fn test_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub struct Repo {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The lines of standard output that start with `prefix` (e.g. `::error `).
    pub fn lines_starting(&self, prefix: &str) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with(prefix))
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }

    /// `(policy, path, line)` of every finding, in report order.
    pub fn findings(&self) -> Vec<(String, String, Option<u64>)> {
        self.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["policy"].as_str().unwrap_or("").to_string(),
                    f["path"].as_str().unwrap_or("").to_string(),
                    f["line"].as_u64(),
                )
            })
            .collect()
    }

    /// The message of every finding, in report order.
    pub fn messages(&self) -> Vec<String> {
        self.json()["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| f["message"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The status of each policy, by id.
    pub fn status(&self, id: &str) -> String {
        self.json()["policies"]
            .as_array()
            .expect("policies")
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("no policy {id}"))["status"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

/// `(policy, path, line)` as [`Run::findings`] returns them.
pub fn f(policy: &str, path: &str, line: Option<u64>) -> (String, String, Option<u64>) {
    (policy.into(), path.into(), line)
}

/// `git ARGS` in `dir` (isolated, with an identity and no signing); its trimmed
/// stdout. Fails the test if git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = command("git")
        .args([
            "-c",
            "user.name=relgate",
            "-c",
            "user.email=t@relgate.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        git(dir.path(), &["init", "-q"]);
        Repo { dir }
    }

    /// A copy of `examples/billing-gateway` with its modes restored (files 0644,
    /// scripts 0755), committed.
    pub fn reference() -> Repo {
        let repo = Repo::new();
        let src = example_repo();
        assert!(src.is_dir(), "{} is missing", src.display());
        copy_tree(&src, repo.path(), &src);
        repo.commit_all("reference tree");
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, content: &str) -> &Self {
        self.write_bytes(path, content.as_bytes(), 0o644)
    }

    pub fn write_mode(&self, path: &str, content: &str, mode: u32) -> &Self {
        self.write_bytes(path, content.as_bytes(), mode)
    }

    pub fn write_bytes(&self, path: &str, content: &[u8], mode: u32) -> &Self {
        let p = self.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        if p.symlink_metadata().is_ok() {
            std::fs::remove_file(&p).expect("rm");
        }
        std::fs::write(&p, content).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).expect("read")
    }

    /// Replaces `from` with `to` in a file (the text must be there).
    pub fn edit(&self, path: &str, from: &str, to: &str) -> &Self {
        let text = self.read(path);
        assert!(text.contains(from), "{path} does not contain {from:?}");
        let mode = std::fs::metadata(self.path().join(path))
            .expect("meta")
            .permissions()
            .mode()
            & 0o7777;
        self.write_mode(path, &text.replacen(from, to, 1), mode)
    }

    pub fn chmod(&self, path: &str, mode: u32) -> &Self {
        std::fs::set_permissions(
            self.path().join(path),
            std::fs::Permissions::from_mode(mode),
        )
        .expect("chmod");
        self
    }

    pub fn remove(&self, path: &str) -> &Self {
        let p = self.path().join(path);
        if p.is_dir() && !p.symlink_metadata().expect("meta").is_symlink() {
            std::fs::remove_dir_all(p).expect("rm -r");
        } else {
            std::fs::remove_file(p).expect("rm");
        }
        self
    }

    pub fn symlink(&self, link: &str, target: &str) -> &Self {
        let p = self.path().join(link);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        if p.symlink_metadata().is_ok() {
            self.remove(link);
        }
        std::os::unix::fs::symlink(target, p).expect("symlink");
        self
    }

    pub fn mkfifo(&self, path: &str) -> &Self {
        let status = command("mkfifo")
            .arg(self.path().join(path))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        self
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    /// Signs `file` with the test key `key` of `tests/keys/` (namespace relgate), as
    /// `ssh-keygen -Y sign` does, writing `file.sig`; staged too when `file` is tracked.
    pub fn sign(&self, key: &str, file: &str) -> &Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let private = tmp.path().join(key);
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/keys")
                .join(key),
            &private,
        )
        .expect("test key");
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let sig = self.path().join(format!("{file}.sig"));
        let _ = std::fs::remove_file(&sig);
        let out = command("ssh-keygen")
            .args(["-Y", "sign", "-n", "relgate", "-f"])
            .arg(&private)
            .arg(self.path().join(file))
            .stdin(std::process::Stdio::null())
            .output()
            .expect("ssh-keygen runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::set_permissions(&sig, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let tracked = command("git")
            .args(["ls-files", "--error-unmatch", file])
            .current_dir(self.path())
            .output()
            .expect("git runs")
            .status
            .success();
        if tracked {
            self.git(&["add", &format!("{file}.sig")]);
        }
        self
    }

    pub fn commit_all(&self, msg: &str) -> &Self {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self
    }

    /// `relgate check --policies <yaml written beside the repository> --format json EXTRA…`.
    pub fn check_yaml(&self, yaml: &str, extra: &[&str]) -> Run {
        let p = Policies::new(yaml);
        let path = p.path();
        let mut args = vec!["check", "--policies", &path, "--format", "json"];
        args.extend_from_slice(extra);
        self.relgate(&args)
    }

    /// Runs the real binary in the repository, with colour off.
    pub fn relgate(&self, args: &[&str]) -> Run {
        relgate_in(self.path(), args)
    }
}

/// The built binary, isolated, in `dir`, with colour off and outside GitHub Actions.
pub fn relgate_command(dir: &Path) -> Command {
    let mut cmd = command(env!("CARGO_BIN_EXE_relgate"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env_remove("GITHUB_ACTIONS");
    cmd
}

pub fn relgate_in(dir: &Path, args: &[&str]) -> Run {
    let out = relgate_command(dir)
        .args(args)
        .output()
        .expect("relgate runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn copy_tree(dir: &Path, to: &Path, root: &Path) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        let rel = p.strip_prefix(root).expect("prefix");
        let dest = to.join(rel);
        if p.is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
            copy_tree(&p, to, root);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
            let mode = if rel.starts_with("scripts") {
                0o755
            } else {
                0o644
            };
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
    }
}

/// A policy file written next to the repository (not inside it), returned as a path.
pub struct Policies {
    dir: tempfile::TempDir,
}

impl Policies {
    pub fn new(yaml: &str) -> Policies {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("policies.yaml"), yaml).expect("write");
        Policies { dir }
    }

    pub fn path(&self) -> String {
        self.dir.path().join("policies.yaml").display().to_string()
    }
}
