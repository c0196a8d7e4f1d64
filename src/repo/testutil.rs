//! Real git repositories in temporary directories, built with the `git` CLI.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A seeded xorshift: `next(n)` is a number below `n`, the same sequence every run.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

/// Writes and stages a `.relgate/` among names that sort just before and after it, and
/// 600 files after it (an index whose entries go on well past the folder).
pub(crate) fn relgate_among_neighbours(t: &TestRepo) {
    for name in [
        ".github/ci.yml",
        ".relgate-x.txt",
        ".relgate/p.yaml",
        ".relgate/q/r.yaml",
        ".relgate0.txt",
    ] {
        t.write(name, "x\n");
    }
    for i in 0..600 {
        t.write(&format!("z/f{i:04}.txt"), "z\n");
    }
    t.git(&["add", "-A"]);
}

/// An empty file for `GIT_CONFIG_GLOBAL` (not `/dev/null`, which a broken tool on the
/// machine could have replaced by a file).
pub(crate) fn empty_config() -> &'static Path {
    static EMPTY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| {
        let p = std::env::temp_dir().join(format!(
            "relgate-unit-tests-empty-gitconfig-{}",
            std::process::id()
        ));
        std::fs::write(&p, b"").unwrap();
        p
    })
}

pub(crate) struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    /// `git init` on branch `main`, isolated from the user's and system's config.
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let r = TestRepo { dir };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn abs(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs git in the repository; panics when it fails. Returns stdout, trimmed.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Runs git and says whether it succeeded (e.g. a merge that conflicts).
    pub(crate) fn git_ok(&self, args: &[&str]) -> bool {
        self.command(args).output().unwrap().status.success()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(self.dir.path())
            .env("GIT_CONFIG_GLOBAL", empty_config())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.fileMode=true",
                "-c",
                "core.symlinks=true",
            ])
            .args(args);
        cmd
    }

    /// Writes `rel` (creating its folders) with mode 0644.
    pub(crate) fn write(&self, rel: &str, content: &str) {
        let p = self.abs(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        self.chmod(rel, 0o644);
    }

    pub(crate) fn chmod(&self, rel: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.abs(rel), std::fs::Permissions::from_mode(mode)).unwrap();
    }

    pub(crate) fn symlink(&self, target: &str, rel: &str) {
        std::os::unix::fs::symlink(target, self.abs(rel)).unwrap();
    }

    pub(crate) fn mkfifo(&self, rel: &str) {
        let ok = Command::new("mkfifo")
            .arg(self.abs(rel))
            .status()
            .unwrap()
            .success();
        assert!(ok, "mkfifo {rel}");
    }

    /// `lib` added as a submodule at `at` (cloned from its folder, which git refuses
    /// by default for a `file` URL).
    pub(crate) fn add_submodule(&self, lib: &TestRepo, at: &str) {
        let url = lib.path().to_str().unwrap();
        self.git(&[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            url,
            at,
        ]);
    }

    pub(crate) fn commit_all(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
    }

    /// Leaves `c.txt` in conflict (stages 1 to 3): changed on `main` and on a branch
    /// `other` from the committed `c.txt`, then a merge of `other` that stops.
    pub(crate) fn conflict_on_c_txt(&self) {
        self.git(&["checkout", "-q", "-b", "other"]);
        self.write("c.txt", "other\n");
        self.commit_all("other");
        self.git(&["checkout", "-q", "main"]);
        self.write("c.txt", "main\n");
        self.commit_all("main");
        assert!(!self.git_ok(&["merge", "other"]));
    }

    pub(crate) fn repo(&self) -> git2::Repository {
        git2::Repository::open(self.path()).unwrap()
    }
}

/// Paths and kinds of a view's entries, for assertions.
/// The `--rev HEAD` view of `repo`.
pub(crate) fn head_view(repo: &git2::Repository) -> super::tree::TreeView {
    let head = repo.head().unwrap().peel_to_commit().unwrap().id();
    super::tree::TreeView::from_commit(repo, head, b"").unwrap()
}

pub(crate) fn paths(view: &dyn super::View) -> Vec<String> {
    view.entries().iter().map(|e| e.path.to_string()).collect()
}
