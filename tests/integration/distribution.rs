//! The distribution: the action's download-and-verify install step run against a
//! release folder served on 127.0.0.1, the wheel maturin builds, and the Python
//! pre-commit hook. The workflows that build and publish it are in `workflows.rs`.

use crate::common::*;
use crate::tools::*;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

#[test]
fn pre_commit_manifest_is_valid_and_has_a_python_hook() {
    let pc = tool("pre-commit");
    let (code, out) = run_tool(
        &pc,
        &["validate-manifest", ".pre-commit-hooks.yaml"],
        root(),
    );
    assert_eq!(code, 0, "{out}");
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    let lang = |id: &str| {
        hooks.iter().find(|h| h["id"] == id).unwrap()["language"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(lang("relgate"), "rust");
    assert_eq!(lang("relgate-python"), "python");
    let docs = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    assert!(docs.contains("relgate-python"));
}

// ---- the action's install step against a local release server ----

/// `python3 -m http.server` on a free 127.0.0.1 port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let python = tool("python3");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = command(python)
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the release server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TARGET: &str = "x86_64-unknown-linux-musl";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A release folder `www/vVERSION/` packaged by the release's own scripts around the
/// test's relgate binary, and a copy of the action whose `dist/` lists its checksums.
struct Release {
    tmp: tempfile::TempDir,
}

/// Runs one of the release scripts of `scripts/`.
fn script(name: &str, args: &[&str]) {
    let out = command("bash")
        .arg(root().join("scripts").join(name))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The test's relgate packaged by `scripts/package-release.sh`, once per test run
/// (compressing the debug binary takes seconds).
fn packaged() -> &'static Path {
    static ARCHIVE: OnceLock<PathBuf> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dist-release");
        let _ = std::fs::remove_dir_all(&dir);
        script(
            "package-release.sh",
            &[TARGET, env!("CARGO_BIN_EXE_relgate"), dir.to_str().unwrap()],
        );
        dir.join(format!("relgate-{TARGET}.tar.gz"))
    })
}

impl Release {
    fn new() -> Release {
        let tmp = tempfile::tempdir().unwrap();
        let assets = tmp.path().join(format!("www/v{VERSION}"));
        std::fs::create_dir_all(&assets).unwrap();
        std::fs::copy(packaged(), assets.join(format!("relgate-{TARGET}.tar.gz"))).unwrap();
        std::fs::write(
            assets.join("relgate-aarch64-apple-darwin.tar.gz"),
            "other\n",
        )
        .unwrap();
        script("release-sums.sh", &[assets.to_str().unwrap()]);

        let action = tmp.path().join("action");
        std::fs::create_dir_all(action.join("scripts")).unwrap();
        std::fs::create_dir_all(action.join("dist")).unwrap();
        std::fs::copy(
            root().join("scripts/action-install.sh"),
            action.join("scripts/action-install.sh"),
        )
        .unwrap();
        std::fs::copy(assets.join("SHA256SUMS"), action.join("dist/SHA256SUMS")).unwrap();
        std::fs::write(action.join("dist/VERSION"), format!("{VERSION}\n")).unwrap();
        Release { tmp }
    }

    fn www(&self) -> PathBuf {
        self.tmp.path().join("www")
    }

    fn asset(&self) -> PathBuf {
        self.www()
            .join(format!("v{VERSION}/relgate-{TARGET}.tar.gz"))
    }

    fn action(&self) -> PathBuf {
        self.tmp.path().join("action")
    }
}

struct Installed {
    code: i32,
    log: String,
    /// The `path` output, if the step wrote one.
    path: Option<PathBuf>,
    runner_temp: PathBuf,
    _tmp: tempfile::TempDir,
}

/// Runs the action's `install` step (its `run:` text from action.yml) as the runner
/// would, with `GITHUB_ACTION_PATH` at `action` and downloads from `base_url`.
fn install(action: &Path, base_url: &str, extra: &[(&str, &str)]) -> Installed {
    let a = yaml("action.yml");
    let step = a["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "install")
        .unwrap()
        .clone();
    assert_eq!(step["env"]["INPUT_INSTALL"], "${{ inputs.install }}");
    // The check step runs what this step installed, by the absolute path it outputs.
    let check = a["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "check")
        .unwrap();
    assert_eq!(check["env"]["RELGATE"], "${{ steps.install.outputs.path }}");
    assert!(check["run"].as_str().unwrap().contains("\"$RELGATE\" "));
    assert!(step["if"].is_null(), "the install step always runs");
    let tmp = tempfile::tempdir().unwrap();
    let runner_temp = tmp.path().join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let output = tmp.path().join("github-output");
    let mut cmd = command("bash");
    // A runner's environment only: PATH, then the isolated HOME and git config.
    cmd.env_clear();
    isolate(&mut cmd, []);
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
        .arg(step["run"].as_str().unwrap())
        .current_dir(tmp.path())
        .env("PATH", std::env::var("PATH").unwrap())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_ACTION_PATH", action)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", &runner_temp)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("INPUT_INSTALL", "binary")
        .env("RELGATE_INSTALL_BASE_URL", base_url);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = std::fs::read_to_string(&output).unwrap_or_default();
    let path = text
        .lines()
        .find_map(|l| l.strip_prefix("path="))
        .map(PathBuf::from);
    Installed {
        code: out.status.code().unwrap_or(-1),
        log: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        path,
        runner_temp,
        _tmp: tmp,
    }
}

#[test]
fn action_installs_the_verified_release_binary_and_runs_it() {
    // The install step downloads with curl.
    tool("curl");
    let release = Release::new();
    let server = Server::start(&release.www());
    let i = install(&release.action(), &server.url(), &[]);
    assert_eq!(i.code, 0, "{}", i.log);
    assert!(
        i.log
            .contains(&format!("relgate {VERSION} ({TARGET}) verified")),
        "{}",
        i.log
    );
    let bin = i.path.expect("path output");
    assert!(bin.is_absolute());
    assert!(bin.starts_with(&i.runner_temp), "{}", bin.display());
    assert_eq!(bin.file_name().unwrap(), "relgate");

    // The installed binary is the one packaged, and it gates a repository.
    let out = command(&bin).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("relgate {VERSION}")
    );
    let repo = passing_repo();
    let out = command(&bin)
        .args(["check", "--format", "json"])
        .current_dir(repo.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // The archive is removed once unpacked.
    let dest = i.runner_temp.join(format!("relgate-{VERSION}-{TARGET}"));
    assert!(!dest.join(format!("relgate-{TARGET}.tar.gz")).exists());
}

#[test]
fn action_refuses_a_tampered_binary_with_exit_2() {
    // The install step downloads with curl.
    tool("curl");
    let release = Release::new();
    // One byte changed after the checksums were committed.
    let mut bytes = std::fs::read(release.asset()).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(release.asset(), bytes).unwrap();
    let server = Server::start(&release.www());
    let i = install(&release.action(), &server.url(), &[]);
    assert_eq!(i.code, 2, "{}", i.log);
    assert!(i.log.contains("checksum mismatch for "), "{}", i.log);
    assert!(
        i.log
            .contains("the download is not the released file and was not run"),
        "{}",
        i.log
    );
    assert!(
        i.log.contains("::error title=relgate install::"),
        "{}",
        i.log
    );
    assert_eq!(i.path, None, "no path output");
    // Nothing was unpacked, and the download was removed.
    let dest = i.runner_temp.join(format!("relgate-{VERSION}-{TARGET}"));
    assert_eq!(std::fs::read_dir(&dest).unwrap().count(), 0);
}

#[test]
fn action_refuses_what_it_cannot_verify_with_exit_2() {
    let release = Release::new();
    let action = release.action();
    type Prepare<'a> = Box<dyn Fn() + 'a>;
    type Case<'a> = (&'a str, Prepare<'a>, Vec<(&'a str, &'a str)>, String);
    let cases: Vec<Case> = vec![
        (
            "unsupported platform",
            Box::new(|| {}),
            vec![("RUNNER_ARCH", "ARM")],
            "no release binary for Linux/ARM: set install: source".to_string(),
        ),
        (
            "a Windows runner (relgate is POSIX-only), whatever the install mode",
            Box::new(|| {}),
            vec![("RUNNER_OS", "Windows"), ("INPUT_INSTALL", "source")],
            "relgate runs on Linux and macOS runners, not Windows: run this job on ubuntu-latest or macos-latest".to_string(),
        ),
        (
            "a plain-http base URL",
            Box::new(|| {}),
            vec![("RELGATE_INSTALL_BASE_URL", "http://example.com/x")],
            "RELGATE_INSTALL_BASE_URL must be an https:// URL".to_string(),
        ),
        (
            "an unknown mode",
            Box::new(|| {}),
            vec![("INPUT_INSTALL", "cargo")],
            "install must be auto, binary, source or false, not 'cargo'".to_string(),
        ),
        (
            "no checksum for the platform",
            Box::new(|| {
                let sums = action.join("dist/SHA256SUMS");
                let text = std::fs::read_to_string(&sums).unwrap();
                let kept: String = text
                    .lines()
                    .filter(|l| !l.contains(TARGET))
                    .map(|l| format!("{l}\n"))
                    .collect();
                std::fs::write(&sums, kept).unwrap();
            }),
            vec![],
            format!("dist/SHA256SUMS has no single checksum for relgate-{TARGET}.tar.gz"),
        ),
        (
            "no dist/ in the action",
            Box::new(|| std::fs::remove_dir_all(action.join("dist")).unwrap()),
            vec![],
            "this revision of the action has no release checksums".to_string(),
        ),
    ];
    for (what, prepare, env, message) in cases {
        prepare();
        let i = install(&action, "http://127.0.0.1:9/unused", &env);
        assert_eq!(i.code, 2, "{what}: {}", i.log);
        assert!(i.log.contains(&message), "{what}: {}", i.log);
        assert_eq!(i.path, None, "{what}");
    }
}

/// `RELGATE_INSTALL_BASE_URL` is parsed, not matched by prefix: user info that puts
/// `127.0.0.1` in front of another host, or anything but exactly `127.0.0.1` as the
/// host of an `http` URL, is refused before any request is made.
#[test]
fn action_refuses_a_base_url_that_only_looks_local() {
    tool("curl");
    let release = Release::new();
    // A real release server on another name for this machine: what the URL reaches.
    let server = Server::start(&release.www());
    let port = server.port;
    let cases = [
        (
            format!("http://127.0.0.1:x@localhost:{port}"),
            "must not carry user info",
        ),
        (
            format!("http://127.0.0.1@localhost:{port}"),
            "must not carry user info",
        ),
        (
            format!("https://127.0.0.1:x@localhost:{port}"),
            "must not carry user info",
        ),
        (
            format!("http://localhost:{port}"),
            "http is for tests, on host 127.0.0.1 only",
        ),
        (
            format!("http://127.0.0.1.localhost:{port}"),
            "http is for tests, on host 127.0.0.1 only",
        ),
        (
            format!("http://127.0.0.1:{port}?@localhost"),
            "holds a character",
        ),
        (
            format!("http://127.0.0.1:{port}#@localhost"),
            "holds a character",
        ),
        (
            format!("http://127.0.0.1:{port}\\@localhost"),
            "holds a character",
        ),
    ];
    for (url, why) in cases {
        let i = install(&release.action(), &url, &[]);
        assert_eq!(i.code, 2, "{url}: {}", i.log);
        assert!(
            i.log.contains("RELGATE_INSTALL_BASE_URL") && i.log.contains(why),
            "{url}: want {why:?} in {}",
            i.log
        );
        assert_eq!(i.path, None, "{url}");
        // Refused before the download folder was even made.
        let dest = i.runner_temp.join(format!("relgate-{VERSION}-{TARGET}"));
        assert!(!dest.exists(), "{url}: {}", i.log);
    }
    // The test server itself, at 127.0.0.1, is still accepted.
    let i = install(&release.action(), &server.url(), &[]);
    assert_eq!(i.code, 0, "{}", i.log);
}

#[test]
fn action_reports_a_failed_download_with_exit_2() {
    // The install step downloads with curl.
    tool("curl");
    let release = Release::new();
    // The server holds no v{VERSION}/ folder.
    let empty = tempfile::tempdir().unwrap();
    let server = Server::start(empty.path());
    let i = install(&release.action(), &server.url(), &[]);
    assert_eq!(i.code, 2, "{}", i.log);
    assert!(
        i.log.contains(&format!(
            "could not download {}/v{VERSION}/relgate-{TARGET}.tar.gz",
            server.url()
        )),
        "{}",
        i.log
    );
}

#[test]
fn action_install_false_uses_relgate_on_path_by_absolute_path() {
    let release = Release::new();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_relgate")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let i = install(
        &release.action(),
        "http://127.0.0.1:9/unused",
        &[("INPUT_INSTALL", "false"), ("PATH", &path)],
    );
    assert_eq!(i.code, 0, "{}", i.log);
    assert_eq!(i.path.unwrap(), Path::new(env!("CARGO_BIN_EXE_relgate")));
}

// ---- the wheel ----

/// Builds the wheel with maturin (in its own target dir: maturin's build flags differ
/// from `cargo test`'s and would replace the binary the other tests run).
fn build_wheel(out: &Path) -> PathBuf {
    let maturin = tool("maturin");
    // The isolated HOME has no toolchain: cargo and rustup keep the real ones.
    let home = PathBuf::from(std::env::var_os("HOME").unwrap());
    let var = |name: &str, default: PathBuf| std::env::var_os(name).map_or(default, PathBuf::from);
    let status = command(maturin)
        .env("CARGO_HOME", var("CARGO_HOME", home.join(".cargo")))
        .env("RUSTUP_HOME", var("RUSTUP_HOME", home.join(".rustup")))
        .args(["build", "--profile", "dev", "--out"])
        .arg(out)
        .current_dir(root())
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("wheel-target"),
        )
        .status()
        .unwrap();
    assert!(status.success());
    let wheels: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "{wheels:?}");
    wheels.into_iter().next().unwrap()
}

/// Slow (maturin compiles relgate cold in its own target dir): run by
/// scripts/slow-tests.sh, or `cargo test --test integration -- --ignored distribution::`.
#[test]
#[ignore = "slow: builds the wheel; run by scripts/slow-tests.sh"]
fn wheel_installs_into_a_fresh_venv_and_runs() {
    let (python, pre_commit) = (tool("python3"), tool("pre-commit"));
    let tmp = tempfile::tempdir().unwrap();
    let wheels = tmp.path().join("wheels");
    let wheel = build_wheel(&wheels);
    let name = wheel.file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with(&format!("relgate-{VERSION}-py3-none-")),
        "{name}"
    );

    let venv = tmp.path().join("venv");
    let (code, out) = run_tool(&python, &["-m", "venv", venv.to_str().unwrap()], tmp.path());
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_tool(
        &venv.join("bin/python"),
        &[
            "-m",
            "pip",
            "install",
            "--no-index",
            "--quiet",
            wheel.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_tool(&venv.join("bin/relgate"), &["--version"], tmp.path());
    assert_eq!((code, out.trim()), (0, &*format!("relgate {VERSION}")));

    // docs/ci.md's hook that uses the wheel from the index (here: the folder of the
    // built wheel, plus the build tools virtualenv embeds for pre-commit's placeholder
    // package) blocks a commit, then accepts the fixed one.
    let (code, embed) = run_tool(
        &python,
        &[
            "-c",
            "import os, virtualenv; print(os.path.join(os.path.dirname(virtualenv.__file__), 'seed', 'wheels', 'embed'))",
        ],
        tmp.path(),
    );
    assert_eq!(code, 0, "{embed}");
    let repo = Repo::new();
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: relgate\n        name: relgate\n        entry: relgate check --staged\n        language: python\n        additional_dependencies: ['relgate=={VERSION}']\n        pass_filenames: false\n        always_run: true\n"
        ),
    )
    .write(".relgate/policies.yaml", "version: 1\npolicies:\n  - id: CL-1\n    title: A changelog is committed\n    check:\n      exists: CHANGELOG.md\n")
    .write("README.md", "x\n");
    let pc = |args: &[&str]| {
        let out = command(if args[0] == "git" {
            Path::new("git")
        } else {
            &pre_commit
        })
        .args(if args[0] == "git" { &args[1..] } else { args })
        .current_dir(repo.path())
        .env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
        .env("PIP_NO_INDEX", "1")
        .env(
            "PIP_FIND_LINKS",
            format!("{} {}", wheels.display(), embed.trim()),
        )
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "relgate")
        .env("GIT_AUTHOR_EMAIL", "t@relgate.invalid")
        .env("GIT_COMMITTER_NAME", "relgate")
        .env("GIT_COMMITTER_EMAIL", "t@relgate.invalid")
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
    };
    let (ok, out) = pc(&["install"]);
    assert!(ok, "{out}");
    let (ok, out) = pc(&["install-hooks"]);
    assert!(ok, "{out}");
    repo.git(&["add", "-A"]);
    let (ok, out) = pc(&["git", "commit", "-q", "-m", "no changelog"]);
    assert!(!ok, "the hook let a violation through:\n{out}");
    assert!(out.contains("CL-1"), "{out}");
    repo.write("CHANGELOG.md", "# Changelog\n");
    repo.git(&["add", "-A"]);
    let (ok, out) = pc(&["git", "commit", "-q", "-m", "with changelog"]);
    assert!(ok, "{out}");
}

#[test]
fn action_source_cache_key_names_the_platform_and_lockfile() {
    let a = yaml("action.yml");
    let step = a["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "key")
        .unwrap()
        .clone();
    assert_eq!(
        step["if"],
        "inputs.install != 'binary' && inputs.install != 'false'"
    );
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("github-output");
    let out = command("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
        .arg(step["run"].as_str().unwrap())
        .env("GITHUB_ACTION_PATH", root())
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", tmp.path())
        .env("RUNNER_OS", "macOS")
        .env("RUNNER_ARCH", "ARM64")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let key = std::fs::read_to_string(&output).unwrap();
    let key = key.trim().strip_prefix("key=").unwrap();
    let (prefix, lock) = key.rsplit_once('-').unwrap();
    // The key of the downloaded crates only: a build is never cached.
    assert_eq!(prefix, "relgate-crates-macOS-ARM64", "{key}");
    assert_eq!(lock.len(), 16, "{key}");
    assert!(lock.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
}

/// `install: source` runs only what it built itself. A cache entry is whatever its
/// saver put in it: the action caches the crate archives and the index only (never a
/// target directory), removes any target directory and unpacked sources before cargo
/// runs, and deletes each cached crate archive whose SHA-256 is not the one the action's
/// Cargo.lock records, so cargo downloads and verifies it again.
#[test]
fn action_source_build_trusts_no_cached_build() {
    let a = yaml("action.yml");
    let cache = a["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .unwrap()
        .clone();
    let paths: Vec<&str> = cache["with"]["path"]
        .as_str()
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        paths,
        [
            "${{ runner.temp }}/relgate-cargo/registry/index",
            "${{ runner.temp }}/relgate-cargo/registry/cache",
        ]
    );

    // A cargo stand-in that, like cargo, rebuilds nothing it finds up to date.
    let tools = tempfile::tempdir().unwrap();
    let fake = |name: &str, body: &str| {
        let p = tools.path().join(name);
        std::fs::write(&p, format!("#!/bin/bash\n{body}\n")).unwrap();
        let mut perms = std::fs::metadata(&p).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&p, perms).unwrap();
    };
    fake("rustup", "true");
    fake(
        "cargo",
        &format!(
            "[ -x \"$CARGO_TARGET_DIR/release/relgate\" ] && exit 0\nmkdir -p \"$CARGO_TARGET_DIR/release\"\ncp {} \"$CARGO_TARGET_DIR/release/relgate\"",
            env!("CARGO_BIN_EXE_relgate"),
        ),
    );
    let release = Release::new();
    let good = b"a crate archive\n";
    // sha256sum of `good`.
    let sum = "336d570b95e50cf89a19e0aeb8ab4732876766bf6fb1443fd8a15ede37254f22";
    std::fs::write(
        release.action().join("Cargo.lock"),
        format!(
            "version = 4\n\n[[package]]\nname = \"good\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{sum}\"\n\n[[package]]\nname = \"bad\"\nversion = \"2.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{sum}\"\n\n[[package]]\nname = \"relgate\"\nversion = \"0.1.0\"\n"
        ),
    )
    .unwrap();
    // What a poisoned cache entry could hold.
    let temp = tempfile::tempdir().unwrap();
    let planted = temp.path().join("relgate-target/release/relgate");
    std::fs::create_dir_all(planted.parent().unwrap()).unwrap();
    std::fs::write(&planted, "#!/bin/sh\necho planted\n").unwrap();
    let mut perms = std::fs::metadata(&planted).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&planted, perms).unwrap();
    let registry = temp.path().join("relgate-cargo/registry");
    let crates = registry.join("cache/index.crates.io-1949cf8c6b5b557f");
    std::fs::create_dir_all(&crates).unwrap();
    std::fs::write(crates.join("good-1.0.0.crate"), good).unwrap();
    std::fs::write(crates.join("bad-2.0.0.crate"), b"tampered\n").unwrap();
    std::fs::write(crates.join("unknown-3.0.0.crate"), good).unwrap();
    std::fs::create_dir_all(registry.join("src/index.crates.io-1949cf8c6b5b557f/good-1.0.0"))
        .unwrap();

    let path = format!(
        "{}:{}",
        tools.path().display(),
        std::env::var("PATH").unwrap()
    );
    let runner_temp = temp.path().to_str().unwrap();
    let i = install(
        &release.action(),
        "http://127.0.0.1:9/unused",
        &[
            ("INPUT_INSTALL", "source"),
            ("PATH", &path),
            ("RUNNER_TEMP", runner_temp),
        ],
    );
    assert_eq!(i.code, 0, "{}", i.log);
    assert_eq!(i.path.as_deref(), Some(planted.as_path()));
    let out = command(&planted).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("relgate {VERSION}"),
        "the planted binary was kept"
    );
    assert!(crates.join("good-1.0.0.crate").is_file());
    assert!(!crates.join("bad-2.0.0.crate").exists(), "{}", i.log);
    assert!(!crates.join("unknown-3.0.0.crate").exists(), "{}", i.log);
    assert!(!registry.join("src").exists(), "{}", i.log);
}

#[test]
fn action_source_build_runs_in_the_action_folder_with_the_pinned_toolchain() {
    // Stand-ins for rustup and cargo record how they were called; the fake cargo
    // "builds" by copying the test's relgate where cargo would put it.
    let tools = tempfile::tempdir().unwrap();
    let log = tools.path().join("calls.log");
    let fake = |name: &str, body: &str| {
        let p = tools.path().join(name);
        std::fs::write(&p, format!("#!/bin/bash\n{body}\n")).unwrap();
        let mut perms = std::fs::metadata(&p).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&p, perms).unwrap();
    };
    fake(
        "rustup",
        &format!("echo \"rustup $*\" >> {}", log.display()),
    );
    fake(
        "cargo",
        &format!(
            "echo \"cargo $* in $PWD target $CARGO_TARGET_DIR\" >> {log}\nmkdir -p \"$CARGO_TARGET_DIR/release\"\ncp {bin} \"$CARGO_TARGET_DIR/release/relgate\"",
            log = log.display(),
            bin = env!("CARGO_BIN_EXE_relgate"),
        ),
    );
    let release = Release::new();
    let path = format!(
        "{}:{}",
        tools.path().display(),
        std::env::var("PATH").unwrap()
    );
    let i = install(
        &release.action(),
        "http://127.0.0.1:9/unused",
        &[("INPUT_INSTALL", "source"), ("PATH", &path)],
    );
    assert_eq!(i.code, 0, "{}", i.log);
    let calls = std::fs::read_to_string(&log).unwrap();
    let target = i.runner_temp.join("relgate-target");
    assert_eq!(
        calls,
        format!(
            "rustup toolchain install 1.95.0 --profile minimal --no-self-update\n\
             cargo +1.95.0 build --locked --release --bin relgate in {} target {}\n",
            release.action().display(),
            target.display()
        )
    );
    assert_eq!(i.path.unwrap(), target.join("release/relgate"));
}

/// A `cargo` and a `rustup` for the simulated runner: `rustup` accepts the toolchain,
/// `cargo` records its arguments and working directory and "builds" by copying the
/// test's relgate to `$CARGO_TARGET_DIR/release/relgate` (a real build of the crate
/// takes minutes; what is under test is the install step's choice and its commands).
fn fake_toolchain(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let write = |name: &str, body: &str| {
        let p = bin.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    };
    write(
        "rustup",
        "#!/bin/sh\necho \"rustup $*\" >> \"$RUNNER_TEMP/toolchain.log\"\n",
    );
    write(
        "cargo",
        &format!(
            "#!/bin/sh\necho \"cargo $* in $PWD\" >> \"$RUNNER_TEMP/toolchain.log\"\nmkdir -p \"$CARGO_TARGET_DIR/release\"\ncp '{}' \"$CARGO_TARGET_DIR/release/relgate\"\n",
            env!("CARGO_BIN_EXE_relgate")
        ),
    );
    bin
}

/// `install: auto` (the default) on a revision of the action without release checksums
/// builds the action's own source with the pinned toolchain, says so in a notice, and
/// the binary it built gates a repository; with checksums it takes the verified binary.
#[test]
fn action_auto_builds_from_source_until_a_release_exists() {
    let a = yaml("action.yml");
    assert_eq!(a["inputs"]["install"]["default"], "auto");
    let release = Release::new();
    let action = release.action();
    std::fs::remove_dir_all(action.join("dist")).unwrap();
    let fake = fake_toolchain(release.tmp.path());
    let path = format!("{}:{}", fake.display(), std::env::var("PATH").unwrap());
    let i = install(
        &action,
        "http://127.0.0.1:9/unused",
        &[("INPUT_INSTALL", "auto"), ("PATH", &path)],
    );
    assert_eq!(i.code, 0, "{}", i.log);
    assert!(
        i.log.contains("::notice title=relgate install::this revision of the action has no release checksum for Linux/X64 (dist/SHA256SUMS): building relgate from the action's own source with the pinned toolchain 1.95.0 (install: auto)"),
        "{}",
        i.log
    );
    let log = std::fs::read_to_string(i.runner_temp.join("toolchain.log")).unwrap();
    assert_eq!(
        log,
        format!(
            "rustup toolchain install 1.95.0 --profile minimal --no-self-update\ncargo +1.95.0 build --locked --release --bin relgate in {}\n",
            action.display()
        )
    );
    let bin = i.path.expect("path output");
    assert_eq!(bin, i.runner_temp.join("relgate-target/release/relgate"));
    let repo = failing_repo();
    let out = command(&bin)
        .args(["check", "--format", "json"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // With checksums for the runner: the verified release binary, no build.
    tool("curl");
    let release = Release::new();
    let server = Server::start(&release.www());
    let i = install(
        &release.action(),
        &server.url(),
        &[("INPUT_INSTALL", "auto"), ("PATH", &path)],
    );
    assert_eq!(i.code, 0, "{}", i.log);
    assert!(
        i.log
            .contains(&format!("relgate {VERSION} ({TARGET}) verified")),
        "{}",
        i.log
    );
    assert!(!i.runner_temp.join("toolchain.log").exists());
    // `binary` still refuses to run without checksums.
    let bare = release.action();
    std::fs::remove_dir_all(bare.join("dist")).unwrap();
    let i = install(&bare, &server.url(), &[("INPUT_INSTALL", "binary")]);
    assert_eq!(i.code, 2, "{}", i.log);
}

/// The README is the package's description on PyPI too: every link in it is absolute
/// (a relative one leads nowhere there), and the package declares the platforms relgate
/// runs on (POSIX), not "OS Independent".
#[test]
fn the_package_readme_links_are_absolute_and_the_platforms_posix() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut rest = readme.as_str();
    let mut links = 0;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let target = &rest[..rest.find(')').unwrap()];
        assert!(
            target.starts_with("https://") || target.starts_with('#'),
            "README.md links to {target}: make it absolute"
        );
        links += 1;
    }
    assert!(links > 10, "{links}");
    let pyproject = std::fs::read_to_string(root().join("pyproject.toml")).unwrap();
    assert!(!pyproject.contains("OS Independent"));
    assert!(pyproject.contains("\"Operating System :: POSIX :: Linux\""));
    assert!(pyproject.contains("\"Operating System :: MacOS\""));
    // What works before a release is said, and what waits for one.
    assert!(
        readme.contains("cargo install --locked --git https://github.com/relgate/relgate relgate")
    );
    assert!(readme.contains("**Once a release is published** (not yet)"));
}
