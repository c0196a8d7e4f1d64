//! A newcomer's first run: the README's first command on a fresh clone, whatever the umask.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The README's first command, as arguments of the relgate binary (after `cargo run --`).
fn readme_first_command() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run -- "))
        .expect("the README starts with a cargo run command");
    let cmd = line.split('#').next().unwrap();
    cmd.split_whitespace().skip(3).map(str::to_string).collect()
}

/// A repository holding the example at `examples/billing-gateway`, cloned with `umask`.
fn clone_with_umask(umask: &str) -> (Repo, tempfile::TempDir) {
    let src = Repo::new();
    let ex = example_repo();
    let dest = src.path().join("examples/billing-gateway");
    copy(&ex, &dest);
    src.commit_all("example");
    let tmp = tempfile::tempdir().unwrap();
    let out = command("bash")
        .args([
            "-c",
            &format!("umask {umask} && git clone -q \"$0\" \"$1\""),
        ])
        .arg(src.path())
        .arg(tmp.path().join("clone"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (src, tmp)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
            // As a clone made under umask 0022 would give: 0644, scripts 0755.
            let exec = std::fs::metadata(&p).unwrap().permissions().mode() & 0o111 != 0;
            let mode = if exec { 0o755 } else { 0o644 };
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
}

#[test]
fn the_readme_first_command_passes_on_a_clone_under_either_umask() {
    let args = readme_first_command();
    assert_eq!(args[..2], ["check", "examples/billing-gateway"]);
    for umask in ["0002", "0022"] {
        let (_src, tmp) = clone_with_umask(umask);
        let clone = tmp.path().join("clone");
        let manifest = std::fs::read_dir(clone.join("examples/billing-gateway/releases"))
            .unwrap()
            .map(|e| e.unwrap().path().join("MANIFEST.txt"))
            .find(|p| p.is_file())
            .expect("a release with a MANIFEST.txt");
        let mode = std::fs::metadata(&manifest).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, if umask == "0002" { 0o664 } else { 0o644 });

        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = relgate_in(&clone, &a);
        assert_eq!(run.code, 0, "umask {umask}:\n{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("0 failed"), "{}", run.stdout);

        // DR-007 is still exact on the working tree: 0664 on disk fails it.
        let a: Vec<&str> = a
            .into_iter()
            .filter(|s| !["--rev", "HEAD"].contains(s))
            .collect();
        let mut json = a.clone();
        json.extend(["--format", "json"]);
        let run = relgate_in(&clone, &json);
        if umask == "0002" {
            assert_eq!(run.code, 1, "{}", run.stderr);
            let f = run.findings();
            assert!(!f.is_empty() && f.iter().all(|f| f.0 == "DR-007"), "{f:?}");
        } else {
            assert_eq!(run.code, 0, "{}", run.stdout);
        }
    }
}

const CHANGELOG_POLICY: &str = "version: 1\nvars:\n  version: {description: the version being released}\npolicies:\n  - id: CL\n    title: the CHANGELOG has a section for the version\n    check:\n      matches: {files: CHANGELOG.md, patterns: '^## {version}$'}\n";

fn changelog_repo() -> Repo {
    let repo = Repo::new();
    repo.write(".relgate/p.yaml", CHANGELOG_POLICY)
        .write("CHANGELOG.md", "## 1.0\n")
        .write("src/deep/x.txt", "x\n")
        .commit_all("lib");
    repo
}

#[test]
fn a_subdirectory_finds_the_nearest_relgate_folder() {
    let repo = changelog_repo();
    let sub = repo.path().join("src/deep");
    let run = relgate_in(&sub, &["check", "--var", "version=1.0", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.status("CL"), "pass");
    let run = relgate_in(&sub, &["check", "--var", "version=2.0", "--format", "json"]);
    assert_eq!(run.findings(), [f("CL", "CHANGELOG.md", None)]);
    let run = relgate_in(&sub, &["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("CL "), "{}", run.stdout);
    // A nearer .relgate/ wins; the walk stops at the repository's root.
    repo.write(
        "src/.relgate/p.yaml",
        "version: 1\npolicies:\n  - id: SRC\n    title: t\n    check: {exists: deep/x.txt}\n",
    );
    let run = relgate_in(&sub, &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.status("SRC"), "pass");
    let outer = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outer.path().join(".relgate")).unwrap();
    std::fs::write(outer.path().join(".relgate/p.yaml"), CHANGELOG_POLICY).unwrap();
    let inner = outer.path().join("repo");
    std::fs::create_dir_all(inner.join("a")).unwrap();
    git(&inner, &["init", "-q"]);
    let run = relgate_in(&inner.join("a"), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no policies to evaluate"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_or_a_missing_path_is_named_as_such() {
    let repo = changelog_repo();
    let run = repo.relgate(&["check", "CHANGELOG.md"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "relgate: error: CHANGELOG.md is a file: PATH is the repository or a folder inside it\n"
    );
    let run = repo.relgate(&["check", ".relgate/p.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("; to use it as a policy file, pass --policies .relgate/p.yaml"),
        "{}",
        run.stderr
    );
    let run = repo.relgate(&["check", "nope"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "relgate: error: nope does not exist\n");
    let run = repo.relgate(&["list", "nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope does not exist"), "{}", run.stderr);
}

#[test]
fn a_variable_without_a_value_lists_validates_and_explains() {
    let repo = changelog_repo();
    for args in [&["list"][..], &["validate"], &["explain", "CL"]] {
        let run = repo.relgate(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    // check fails the policy that needs it, saying how to give it.
    let run = repo.relgate(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.messages(),
        [
            "variable 'version' has no value: it is declared without a value: pass --var version=VALUE"
        ]
    );
}

#[test]
fn explain_speaks_json() {
    let repo = changelog_repo();
    let run = repo.relgate(&["explain", "CL", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["id"], "CL");
    assert_eq!(j["severity"], "error");
    assert_eq!(j["defined"]["file"], ".relgate/p.yaml");
    assert_eq!(j["defined"]["line"], 5);
    assert!(j["check"].as_str().unwrap().starts_with("matches ("));
    assert_eq!(j["kinds"][0]["kind"], "matches");
    assert!(j["definition"].as_str().unwrap().contains("- id: CL"));
    let run = repo.relgate(&["explain", "var", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["kind"], "var");
    let names: Vec<&str> = j["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "name",
            "matches",
            "equals",
            "greater_than",
            "at_least",
            "less_than",
            "at_most",
            "compare",
            "when_unknown"
        ]
    );
}

#[test]
fn two_reports_in_one_file_are_refused() {
    let repo = changelog_repo();
    let args = ["check", "--var", "version=1.0", "--output", "out/r.json"];
    let run = repo.relgate(&[&args[..], &["--also", "sarif=./out/r.json"]].concat());
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "relgate: error: --output and --also sarif= name the same file ./out/r.json: give each report its own file\n"
    );
    assert!(!repo.path().join("out").exists());
    let run = repo.relgate(&[
        "check",
        "--var",
        "version=1.0",
        "--also",
        "json=a",
        "--also",
        "sarif=a",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--also json= and --also sarif= name the same file a"),
        "{}",
        run.stderr
    );
    let run = repo.relgate(&[&args[..], &["--also", "sarif=out/r.sarif"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
}
