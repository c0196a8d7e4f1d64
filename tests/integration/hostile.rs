//! Hostile pull requests (issue 12): every test builds the repository an attacker
//! would commit, runs the real binary and asserts that the gate fails closed, writes
//! nothing outside its report and lets none of the repository's bytes act on the
//! terminal or the job log.

use crate::common::*;

/// `not:`, `when:` and `unless:` over a file relgate cannot read: "could not judge"
/// is never inverted into a pass, never turned into a skip, never an exemption.
#[test]
fn combinators_never_invert_could_not_judge() {
    let repo = Repo::new();
    repo.write("README.md", "ok\n")
        .write_bytes("config/latin1.env", b"caf\xe9\nSECRET=1\n", 0o644)
        .symlink("config/link.env", "../README.md")
        .commit_all("c");
    // Over the 16 MiB limit, one line.
    let big = vec![b'a'; 16 * 1024 * 1024 + 1];
    repo.write_bytes("config/big.env", &big, 0o644)
        .commit_all("big");
    for path in ["config/latin1.env", "config/link.env", "config/big.env"] {
        let yaml = format!(
            "version: 1\npolicies:\n  - id: NOT\n    title: no secret\n    check:\n      not: {{matches: {{files: '{path}', patterns: SECRET}}}}\n  - id: WHEN\n    title: secret files are documented\n    when: {{matches: {{files: '{path}', patterns: SECRET}}}}\n    check: {{exists: docs/secrets.md}}\n  - id: UNLESS\n    title: readme or waiver\n    check: {{exists: MISSING.md}}\n    unless: {{not: {{matches: {{files: '{path}', patterns: SECRET}}}}}}\n"
        );
        let r = repo.check_yaml(&yaml, &[]);
        assert_eq!(r.code, 1, "{path}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.status("NOT"), "fail", "{path}");
        assert_eq!(r.status("WHEN"), "fail", "{path}");
        assert_eq!(r.status("UNLESS"), "fail", "{path}");
        let findings = r.findings();
        for id in ["NOT", "WHEN"] {
            assert!(
                findings.iter().any(|(p, f, _)| p == id && f == path),
                "{id} {path}: {findings:?}"
            );
        }
        let messages = r.messages();
        let when = messages
            .iter()
            .filter(|m| m.starts_with("cannot judge the precondition ('when'): "))
            .count();
        assert_eq!(when, 1, "{path}: {messages:?}");
    }
}

const EXISTS_README: &str =
    "version: 1\npolicies:\n  - id: R\n    title: readme\n    check: {exists: README.md}\n";

/// A victim file outside the checkout, and a repository whose committed links point at it.
fn linked_repo() -> (Repo, tempfile::TempDir) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("bashrc"), "keep\n").unwrap();
    let repo = Repo::new();
    repo.write("README.md", "x\n")
        .symlink(
            "relgate.sarif",
            &outside.path().join("bashrc").display().to_string(),
        )
        .symlink("out", &outside.path().display().to_string())
        .commit_all("links");
    (repo, outside)
}

fn untouched(outside: &tempfile::TempDir) {
    let mut names: Vec<String> = std::fs::read_dir(outside.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bashrc"]);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("bashrc")).unwrap(),
        "keep\n"
    );
}

#[test]
fn reports_are_never_written_through_a_link() {
    let (repo, outside) = linked_repo();
    let p = Policies::new(EXISTS_README);
    let pol = p.path();
    for args in [
        vec!["--output", "relgate.sarif"],
        vec!["--also", "sarif=relgate.sarif"],
        vec!["--also", "json=out/report.json"],
        vec!["--output", "out/new/report.json"],
    ] {
        let mut all = vec!["check", "--policies", &pol, "--format", "sarif"];
        all.extend(&args);
        let r = repo.relgate(&all);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .contains("is a symbolic link, and relgate never writes through links"),
            "{args:?}: {}",
            r.stderr
        );
        untouched(&outside);
    }
    // Also when the run could not evaluate (the error report is a report too).
    let r = repo.relgate(&["check", "--pack", "nope", "--also", "sarif=relgate.sarif"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("relgate.sarif is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);
    // A plain path is written, by a rename (no temporary file left beside it).
    let r = repo.relgate(&[
        "check",
        "--policies",
        &pol,
        "--output",
        "reports/r.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<_> = std::fs::read_dir(repo.path().join("reports"))
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn init_and_install_hook_never_write_through_a_link() {
    let (repo, outside) = linked_repo();
    repo.symlink(".relgate", &outside.path().display().to_string());
    let r = repo.relgate(&["init"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(".relgate is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);

    repo.symlink(".githooks", &outside.path().display().to_string());
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let r = repo.relgate(&["install-hook"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(".githooks is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);
    // A hook that is itself a link is neither read nor replaced.
    repo.remove(".githooks");
    repo.symlink(
        ".githooks/pre-commit",
        &outside.path().join("bashrc").display().to_string(),
    );
    let r = repo.relgate(&["install-hook", "--force"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("pre-commit is a symbolic link"),
        "{}",
        r.stderr
    );
    untouched(&outside);
}

const TODO: &str = "version: 1\npolicies:\n  - id: T\n    title: no todo\n    check:\n      not_matches: {files: '**/*.cfg', patterns: TODO}\n";

/// A 72 KB one-line config with a thousand findings: every snippet is a window
/// around its column, so the report grows with the findings, not findings × line.
#[test]
fn snippets_are_a_window_around_the_column() {
    let repo = Repo::new();
    let mut line = String::new();
    for i in 0..1000 {
        line.push_str(&format!(
            "k{i:04}=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa TODO; "
        ));
    }
    assert!(line.len() > 70_000);
    repo.write("big.cfg", &format!("{line}\n")).commit_all("c");
    let r = repo.check_yaml(TODO, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = r.json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1000);
    for f in findings {
        let snippet = f["snippet"].as_str().unwrap();
        assert!(snippet.chars().count() <= 162, "{}", snippet.len());
        assert!(snippet.contains("TODO"), "{snippet}");
    }
    assert!(r.stdout.len() < 1_000_000, "{} bytes", r.stdout.len());
    // The human report too (the finding's line is cut the same way).
    let p = Policies::new(TODO);
    let human = repo.relgate(&["check", "--policies", &p.path()]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.len() < 2_000_000,
        "{} bytes",
        human.stdout.len()
    );
    assert!(
        human.stdout.contains("big.cfg:1:"),
        "{}",
        &human.stdout[..2000]
    );
    assert!(
        human.stdout.lines().all(|l| l.chars().count() < 400),
        "a line is not cut"
    );
}

/// Bytes that act on a terminal or a job log: ESC (colour, OSC 52 clipboard), CR,
/// backspace, in file names and lines.
const HOSTILE: &str = "x\x1b]52;c;ZXZpbA==\x07\x1b[2J\rfake ok\x08\x08";

fn assert_inert(text: &str, what: &str) {
    for (i, c) in text.char_indices() {
        if c != '\n' && c.is_control() {
            let around: String = text[..i]
                .chars()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .chain(text[i..].chars().take(40))
                .collect();
            panic!("{what}: control {c:?} at byte {i}: {around:?}");
        }
    }
}

#[test]
fn repository_bytes_never_reach_the_terminal_or_the_log_raw() {
    let repo = Repo::new();
    repo.write(
        &format!("cfg/{HOSTILE}.cfg"),
        &format!("a TODO {HOSTILE}\n"),
    )
    .commit_all("c");
    let p = Policies::new(TODO);
    for format in ["human", "github", "markdown"] {
        let r = repo.relgate(&["check", "--policies", &p.path(), "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert_inert(&r.stdout, format);
        // Shown escaped (Markdown adds its own backslash before `]`).
        assert!(
            r.stdout
                .replace("\\]", "]")
                .contains("\\x1b]52;c;ZXZpbA==\\x07"),
            "{format}: {}",
            r.stdout
        );
    }
    // GitHub: the only commands are relgate's own.
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "github"]);
    let commands: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 1, "{}", r.stdout);
    assert!(
        commands[0].starts_with("::error file=cfg/x\\x1b]52;c;ZXZpbA==\\x07"),
        "{}",
        commands[0]
    );
}

/// A policy file whose name holds a newline and a workflow command: standard error
/// carries the name escaped, and no line of it is a command.
#[test]
fn standard_error_carries_no_workflow_command() {
    let dir = tempfile::tempdir().unwrap();
    let name = "p\n::stop-commands::pwned\n\x1b[2J.yaml";
    std::fs::write(
        dir.path().join(name),
        "version: 1\npolicies:\n  - id: X\n    title: t\n    check: {nope: 1}\n",
    )
    .unwrap();
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("c");
    let r = repo.relgate(&["check", "--policies", &dir.path().display().to_string()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_inert(&r.stderr, "stderr");
    for line in r.stderr.lines() {
        let t = line.trim_start();
        assert!(!t.starts_with("::") && !t.starts_with("##["), "{line:?}");
    }
    assert!(r.stderr.contains("stop-commands"), "{}", r.stderr);
}

/// Repository text in the job summary: mentions and links are inert.
#[test]
fn markdown_summary_mentions_and_links_are_inert() {
    let repo = Repo::new();
    repo.write(
        "docs/dr.md",
        "# DR\n\n## Release\n\n- [ ] ping @octocat and @org/team at https://evil.example/x or www.evil.example\n",
    )
    .commit_all("c");
    let yaml = "version: 1\npolicies:\n  - id: C\n    title: ticked\n    check: {checklist: {file: docs/dr.md, section: Release}}\n";
    let p = Policies::new(yaml);
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "markdown"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for live in ["@octocat", "@org/team", "https://", "www.evil"] {
        assert!(!r.stdout.contains(live), "{live} is live: {}", r.stdout);
    }
    // The text still reads the same once the zero-width joiners are removed.
    assert!(
        r.stdout
            .replace('\u{200d}', "")
            .contains("ping @octocat and @org/team at https://evil.example/x")
    );
}

/// 20,000 findings: the summary stays under GitHub's 1 MiB and says how many were
/// left out; annotations stop at 10 of a kind with a notice counting the rest.
#[test]
fn summary_and_annotations_are_capped_with_a_count() {
    let repo = Repo::new();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "line {i:05} TODO with some words to make the finding message longer\n"
        ));
    }
    repo.write("a.cfg", &text).commit_all("c");
    let p = Policies::new(TODO);
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "markdown"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.len() < 1024 * 1024, "{} bytes", r.stdout.len());
    let shown = r.stdout.lines().filter(|l| l.starts_with("- ❌")).count();
    assert!(shown > 1000, "{shown}");
    let expected = format!(
        "- _{} more findings not shown: GitHub drops a job summary over 1 MiB.",
        20_000 - shown
    );
    assert!(
        r.stdout.contains(&expected),
        "{}",
        &r.stdout[r.stdout.len() - 500..]
    );

    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "github"]);
    let errors = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .count();
    assert_eq!(errors, 10);
    let notices = r.lines_starting("::notice ");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].contains("19990 more findings (19990 errors) are not annotated"),
        "{}",
        notices[0]
    );
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.starts_with("relgate: error a.cfg:"))
            .count(),
        19_990
    );
    // JSON keeps every finding.
    let r = repo.check_yaml(TODO, &[]);
    assert_eq!(r.findings().len(), 20_000);
}

/// The human report is linear in findings: 20,000 findings in one 1.9 MB file
/// render in time comparable to JSON (it was quadratic: 169 s against 0.17 s).
#[test]
fn human_report_is_linear_in_findings() {
    let repo = Repo::new();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("line {i:05} TODO {}\n", "p".repeat(80)));
    }
    assert!(text.len() > 1_900_000);
    repo.write("a.cfg", &text).commit_all("c");
    let p = Policies::new(TODO);
    let time = |format: &str| {
        let t = std::time::Instant::now();
        let r = repo.relgate(&["check", "--policies", &p.path(), "--format", format]);
        assert_eq!(r.code, 1);
        (t.elapsed(), r.stdout)
    };
    let (json, _) = time("json");
    let (human, out) = time("human");
    assert!(out.contains("20000 errors"), "{}", &out[out.len() - 300..]);
    // Generous (a shared CI machine, a debug build): quadratic output takes minutes.
    assert!(
        human < json * 10 + std::time::Duration::from_secs(5),
        "human {human:?} against json {json:?}"
    );
}

/// Policy files from disk are never read through a link, and nothing of a refused
/// file is echoed: `--policies`, and `.relgate/` for `validate`, `list`, `explain`.
#[test]
fn policy_files_are_never_read_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        "SECRET-TOKEN-123: [\nnot a policy\n",
    )
    .unwrap();
    let secret = outside.path().join("secret.yaml").display().to_string();
    let refused = |r: &Run, what: &str| {
        assert_eq!(r.code, 2, "{what}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("symbolic link") && r.stderr.contains("never follows links"),
            "{what}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("SECRET-TOKEN") && !r.stdout.contains("SECRET-TOKEN"),
            "{what}: {}",
            r.stderr
        );
    };
    // A linked policy file inside .relgate/.
    let repo = Repo::new();
    repo.write("README.md", "x\n")
        .symlink(".relgate/policies.yaml", &secret)
        .commit_all("c");
    refused(&repo.relgate(&["validate"]), "validate");
    refused(&repo.relgate(&["list"]), "list");
    refused(&repo.relgate(&["explain", "X"]), "explain");
    refused(
        &repo.relgate(&["check", "--policies", ".relgate"]),
        "check --policies dir",
    );
    refused(
        &repo.relgate(&["check", "--policies", ".relgate/policies.yaml"]),
        "check --policies file",
    );
    // A linked .relgate/ folder, and a path through it.
    let repo = Repo::new();
    repo.write("README.md", "x\n")
        .symlink(".relgate", &outside.path().display().to_string())
        .commit_all("c");
    refused(&repo.relgate(&["validate"]), "validate (linked folder)");
    // (Read from the repository view, which does not list files behind a link.)
    let r = repo.relgate(&["check", "--policies", ".relgate/secret.yaml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("SECRET-TOKEN") && !r.stdout.contains("SECRET-TOKEN"));
}

const RELEASE_KEYS: &str = r#"version: 1
vars:
  release:
    latest_dir: 'releases/*'
    pattern: '^v\d+(\\\\)?$'
policies:
  - id: K
    title: no keys in the release
    check:
      absent: 'releases/{release}/*.pem'
  - id: R
    title: the release names itself
    check:
      exists: 'releases/{release}/NOTES.md'
"#;

/// A value put in a glob is literal, `\` included: a release directory named `v9\`
/// cannot hide the key in it; a `latest_dir` pattern matches whole names only.
#[test]
fn values_in_globs_and_patterns_are_literal_and_whole() {
    let repo = Repo::new();
    repo.write("releases/v1/NOTES.md", "v1\n")
        .write("releases/v9\\/NOTES.md", "v9\n")
        .write("releases/v9\\/deploy.pem", "KEY\n")
        .commit_all("c");
    let r = repo.check_yaml(RELEASE_KEYS, &[]);
    // Names are shown with a doubled backslash (so that an escaped byte such as \\xFF stays
    // unambiguous), and
    // variables, globs and patterns see that form.
    assert_eq!(r.json()["vars"]["release"], "v9\\\\", "{}", r.stdout);
    assert_eq!(r.status("K"), "fail", "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.findings(),
        vec![f("K", "releases/v9\\\\/deploy.pem", None)]
    );

    // A name with a line break is not a release: `^v\d+$` must match the whole name.
    let repo = Repo::new();
    repo.write("releases/v1/NOTES.md", "v1\n")
        .write("releases/zz\nv2/NOTES.md", "v2\n")
        .commit_all("c");
    let r = repo.check_yaml(RELEASE_KEYS, &[]);
    assert_eq!(r.json()["vars"]["release"], "v1", "{}", r.stdout);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

/// `list`, `explain`, `validate` print policy text the checkout may have written.
#[test]
fn policy_text_printed_by_list_and_explain_is_inert() {
    let repo = Repo::new();
    repo.write(
        ".relgate/p.yaml",
        "version: 1\npolicies:\n  - id: X\n    title: \"clip\\e]52;c;ZXZpbA==\\a\\rok\"\n    help: \"line\\n::stop-commands::tok\"\n    check: {exists: README.md}\n",
    )
    .write("README.md", "x\n")
    .commit_all("c");
    for args in [vec!["list"], vec!["explain", "X"], vec!["validate"]] {
        let r = repo.relgate(&args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        assert_inert(&r.stdout, &format!("{args:?}"));
        for line in r.stdout.lines() {
            assert!(!line.trim_start().starts_with("::"), "{args:?}: {line:?}");
        }
    }
    let r = repo.relgate(&["list"]);
    assert!(
        r.stdout.contains("clip\\x1b]52;c;ZXZpbA==\\x07\\x0dok"),
        "{}",
        r.stdout
    );
}

/// Config files named in another case are read on the platforms that run them.
#[test]
fn config_file_names_in_another_case_are_scanned() {
    for path in ["deploy/dockerfile", "config/PROD.ENV"] {
        let repo = Repo::reference();
        let body = if path.ends_with("dockerfile") {
            "FROM scratch\nENV BILLING_GATEWAY_ENABLE_REAL=1\n"
        } else {
            "BILLING_GATEWAY_ENABLE_REAL=1\n"
        };
        repo.write(path, body).commit_all("another case");
        let r = repo.relgate(&[
            "check",
            "--pack",
            "billing-gateway-dr",
            "--format",
            "json",
            "--now",
            "2024-07-20T12:00:00Z",
        ]);
        assert_eq!(r.code, 1, "{path}: {}", r.stdout);
        let dr009: Vec<_> = r
            .findings()
            .into_iter()
            .filter(|x| x.0 == "DR-009")
            .collect();
        let line = if path.ends_with("dockerfile") { 2 } else { 1 };
        assert_eq!(dr009, [f("DR-009", path, Some(line))], "{path}");
    }
}

/// Two paths that differ only in case: one of them silently wins on macOS and Windows.
#[test]
fn paths_that_differ_only_in_case_are_an_error() {
    let repo = Repo::new();
    repo.write("README.md", "a\n")
        .write("readme.md", "b\n")
        .write("Releases/v1/notes.md", "x\n")
        .write("releases/v1/notes.md", "y\n")
        .commit_all("c");
    let r = repo.check_yaml(
        "version: 1\npolicies:\n  - id: R\n    title: t\n    check: {exists: README.md}\n",
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(
        r.findings(),
        [
            f("RELGATE-CASE", "readme.md", None),
            f("RELGATE-CASE", "releases", None)
        ]
    );
    assert!(
        r.messages()[0].starts_with("readme.md and README.md differ only in case"),
        "{:?}",
        r.messages()
    );
}
