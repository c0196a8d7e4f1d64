//! Test builders: real git repositories in temp dirs, and the real binary.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Repo {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
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

pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
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

    /// A copy of `../shared/reference-repo` with its modes restored (files 0644,
    /// scripts 0755), committed.
    pub fn reference() -> Repo {
        let repo = Repo::new();
        let src = shared().join("reference-repo");
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
        let status = Command::new("mkfifo")
            .arg(self.path().join(path))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        self
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
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

pub fn relgate_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_relgate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
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
