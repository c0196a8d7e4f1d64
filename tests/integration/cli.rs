//! The command-line contract: exit codes, determinism, list / explain / init /
//! schema, and generated artifacts kept in sync.

use crate::common::*;

fn core() -> String {
    format!(
        "{}/tests/fixtures/core-policies.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn fail_on_decides_the_exit_code() {
    let repo = Repo::new();
    repo.write("a.md", "x\n").commit_all("c");
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: W\n    title: warn\n    severity: warning\n    check:\n      exists: b.md\n",
    );
    assert_eq!(repo.relgate(&["check", "--policies", &p.path()]).code, 0);
    assert_eq!(
        repo.relgate(&["check", "--policies", &p.path(), "--fail-on", "warning"])
            .code,
        1
    );
    assert_eq!(
        repo.relgate(&["check", "--policies", &p.path(), "--fail-on", "note"])
            .code,
        1
    );
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(r.json()["summary"]["warnings"], 1);
    assert_eq!(r.json()["findings"][0]["severity"], "warning");
    // Bad arguments are exit 2.
    assert_eq!(repo.relgate(&["check", "--fail-on", "fatal"]).code, 2);
    assert_eq!(repo.relgate(&["check", "--var", "no-equals"]).code, 2);
    assert_eq!(repo.relgate(&["check", "--now", "yesterday"]).code, 2);
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let repo = Repo::reference();
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] Runbook",
        "- [ ] Runbook",
    )
    .edit(
        "docs/support/dr-checklist.md",
        "- [x] Integridade",
        "- [ ] Integridade",
    )
    .chmod("releases/2024-07-15/README.md", 0o600)
    .write("docs/x.md", "neg√≥cios\n")
    // Paths that differ only in case (the built-in check runs beside the policies).
    .write("docs/Notes.md", "a\n")
    .write("docs/notes.md", "b\n")
    .commit_all("findings");
    let run = |threads: &str, format: &str, mode: &[&str]| {
        let out = relgate_command(repo.path())
            .args(["check", "--policies", &core(), "--format", format])
            .args(mode)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        out.stdout
    };
    // Every view: the working tree, the index (read directly) and a commit (its
    // trees walked in parallel).
    for mode in [&[][..], &["--staged"][..], &["--rev", "HEAD"][..]] {
        for format in ["json", "human"] {
            let first = run("1", format, mode);
            assert!(!first.is_empty());
            assert!(String::from_utf8_lossy(&first).contains("RELGATE-CASE"));
            for threads in ["2", "8"] {
                assert_eq!(
                    first,
                    run(threads, format, mode),
                    "{format} {mode:?} with {threads} threads"
                );
            }
        }
    }
    let r = repo.relgate(&["check", "--policies", &core(), "--format", "json"]);
    let paths: Vec<(String, String, Option<u64>)> = r.findings();
    let mut sorted = paths.clone();
    sorted.sort_by(|a, b| (&a.1, a.2, &a.0).cmp(&(&b.1, b.2, &b.0)));
    assert_eq!(paths, sorted);
}

#[test]
fn output_file_holds_the_report() {
    let repo = Repo::reference();
    let out = repo.path().join("report.json");
    let r = repo.relgate(&[
        "check",
        "--policies",
        &core(),
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["policies"], 5);
}

#[test]
fn list_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(dir.path(), &["list", "--policies", &core()]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("DR-002  error    Every item of the release's DR checklist is ticked"),
        "{}",
        r.stdout
    );
    let r = relgate_in(dir.path(), &["explain", "DR-002", "--policies", &core()]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains(
            "checklist (The file (or one Markdown section of it) has at least one task item"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("How to fix:\n  Tick each item"),
        "{}",
        r.stdout
    );
    let r = relgate_in(dir.path(), &["explain", "DR-02", "--policies", &core()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean 'DR-002'?"), "{}", r.stderr);
}

#[test]
fn repository_policies_come_from_dot_relgate_and_from_the_base_when_given() {
    let repo = Repo::new();
    repo.write("a.md", "x\n")
        .write(".relgate/p.yaml", "version: 1\npolicies:\n  - id: R\n    title: b exists\n    check:\n      exists: b.md\n")
        .commit_all("base");
    repo.git(&["branch", "base"]);
    let r = repo.relgate(&["check", "--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f("R", "b.md", None)]);
    // A change that rewrites its own gate is still judged by the base's policies.
    repo.write(
        ".relgate/p.yaml",
        "version: 1\npolicies:\n  - id: R\n    title: a exists\n    check:\n      exists: a.md\n",
    )
    .commit_all("weaken the gate");
    assert_eq!(repo.relgate(&["check"]).code, 0);
    let r = repo.relgate(&["check", "--base", "base", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // The edit of the gate is named (a note), and not in force.
    assert_eq!(
        r.findings(),
        vec![
            f("RELGATE-TRUST", ".relgate/p.yaml", None),
            f("R", "b.md", None)
        ]
    );
    assert_eq!(r.json()["policies"][0]["title"], "b exists");
}

#[test]
fn init_writes_a_starter_that_checks() {
    let repo = Repo::reference();
    let r = repo.relgate(&["init", "--pack", "billing-gateway-dr"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let starter = repo.read(".relgate/config.yaml");
    assert!(starter.contains("packs: [billing-gateway-dr]"));
    // Editors validate the starter against the schema beside it, which is the schema of
    // the version that wrote it (offline: no address to fetch).
    assert_eq!(
        starter.lines().next(),
        Some("# yaml-language-server: $schema=schema.json")
    );
    assert_eq!(
        repo.read(".relgate/schema.json"),
        relgate_in(repo.path(), &["schema"]).stdout
    );
    assert_eq!(repo.relgate(&["init"]).code, 2, "refuses to overwrite");
    let blank = Repo::new();
    assert_eq!(blank.relgate(&["init"]).code, 0);
    assert!(
        blank
            .read(".relgate/config.yaml")
            .starts_with("# yaml-language-server: $schema=schema.json\n")
    );
    assert_eq!(repo.relgate(&["validate"]).code, 0);
    // The starter loads the pack, which the example repository passes.
    let r = repo.relgate(&["check", "--format", "json", "--now", "2024-07-20T12:00:00Z"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.findings(), vec![]);
    assert_eq!(r.json()["summary"]["passed"], 19);
}

#[test]
fn schema_and_docs_are_in_sync() {
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(dir.path(), &["schema"]);
    assert_eq!(r.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let committed_path = format!("{}/docs/policy.schema.json", env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    if std::env::var_os("RELGATE_BLESS").is_some() {
        std::fs::write(&committed_path, &r.stdout).unwrap();
    } else {
        assert!(
            committed == r.stdout,
            "docs/policy.schema.json is stale: run RELGATE_BLESS=1 cargo test --test integration schema_and_docs"
        );
    }
    // The check-kind reference of the docs is generated from the kinds' definitions,
    // between two marker lines.
    let docs_path = format!("{}/docs/policy-language.md", env!("CARGO_MANIFEST_DIR"));
    let mut docs = std::fs::read_to_string(&docs_path).unwrap();
    let kinds = relgate_in(dir.path(), &["schema", "--format", "markdown"]);
    assert_eq!(kinds.code, 0, "{}", kinds.stderr);
    let (begin, end) = (
        kinds.stdout.lines().next().unwrap(),
        "<!-- end: check kinds -->\n",
    );
    let start = docs
        .find(begin)
        .expect("the docs have the generated section's first line");
    let stop = docs[start..].find(end).expect("and its last line") + start + end.len();
    if std::env::var_os("RELGATE_BLESS").is_some() {
        docs.replace_range(start..stop, &kinds.stdout);
        std::fs::write(&docs_path, &docs).unwrap();
    } else {
        assert!(
            docs[start..stop] == kinds.stdout,
            "the check kinds of docs/policy-language.md are stale: run RELGATE_BLESS=1 cargo test --test integration schema_and_docs"
        );
    }
    let defs = schema["$defs"].as_object().unwrap();
    for (name, def) in defs {
        let Some(kind) = name.strip_prefix("check_") else {
            continue;
        };
        assert!(
            docs.contains(&format!("### `{kind}`")),
            "docs/policy-language.md does not document check '{kind}'"
        );
        let props = def["properties"]
            .as_object()
            .or_else(|| def["anyOf"][0]["properties"].as_object())
            .unwrap();
        for p in props.keys() {
            assert!(
                docs.contains(&format!("| `{p}` |")),
                "the docs have no row for '{p}' of '{kind}'"
            );
        }
    }
    for key in [
        "id",
        "title",
        "severity",
        "help",
        "when",
        "unless",
        "check",
        "latest_dir",
        "packs",
        "vars",
    ] {
        assert!(
            docs.contains(&format!("`{key}`")),
            "docs do not mention '{key}'"
        );
    }
}

#[test]
fn explain_documents_a_check_kind_without_policies() {
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(dir.path(), &["explain", "checklist"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("### `checklist`\n"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("| `allow_empty` | boolean | no | Pass when there is no task item"),
        "{}",
        r.stdout
    );
    let r = relgate_in(dir.path(), &["explain", "DR-002", "--policies", &core()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("\nCheck 'checklist' (relgate explain checklist shows its keys):\n  Task items are GitHub task-list items"),
        "{}",
        r.stdout
    );
    let r = relgate_in(dir.path(), &["explain", "chcklist", "--policies", &core()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean 'checklist'?"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_command_is_in_the_help_and_test_without_cases_says_where_to_put_them() {
    let dir = tempfile::tempdir().unwrap();
    let help = relgate_in(dir.path(), &["--help"]);
    assert_eq!(help.code, 0);
    for cmd in [
        "check",
        "list",
        "explain",
        "validate",
        "init",
        "test",
        "schema",
        "install-hook",
    ] {
        assert!(help.stdout.contains(cmd), "{cmd} missing from --help");
    }
    let r = relgate_in(dir.path(), &["test"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(".relgate/tests is not a folder of policy tests"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_panic_is_exit_2_with_a_message() {
    let repo = Repo::reference();
    let out = relgate_command(repo.path())
        .args(["check", "--pack", "billing-gateway-dr", "--format", "json"])
        .env("RELGATE_DEBUG_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("relgate: internal error:"), "{stderr}");
}

/// A panic on a worker thread, while the run holds standard error: exit 2 with the
/// message, never a hang (the hook once waited for the lock the run held).
#[test]
fn a_panic_on_a_worker_thread_is_exit_2_not_a_hang() {
    let repo = Repo::reference();
    let mut child = relgate_command(repo.path())
        .args(["check", "--pack", "billing-gateway-dr"])
        .env("RELGATE_DEBUG_PANIC", "worker")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("relgate hung after a panic on a worker thread");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("relgate: internal error:")
            && stderr.contains("RELGATE_DEBUG_PANIC=worker"),
        "{stderr}"
    );
}

/// A panic inside a config file's parser is caught: the file is a finding (it cannot
/// be judged, so the flag counts as on), the run goes on and fails on it, and no
/// "internal error" is announced for a crash that did not happen.
#[test]
fn a_parser_panic_is_a_finding_not_a_crash() {
    let repo = Repo::reference();
    repo.write(
        "config/panic.yaml",
        "# RELGATE_DEBUG_PANIC\nBILLING_GATEWAY_ENABLE_REAL: false\n",
    );
    repo.commit_all("a config file whose parser panics");
    let run = |panic: bool| {
        let mut cmd = relgate_command(repo.path());
        cmd.args(["check", "--pack", "billing-gateway-dr", "--format", "json"]);
        if panic {
            cmd.env("RELGATE_DEBUG_PANIC", "parser");
        }
        cmd.output().unwrap()
    };
    assert_eq!(run(false).status.code(), Some(0));
    let out = run(true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "config/panic.yaml")
        .map(|f| format!("{} {} {}", f["policy"], f["line"], f["message"]))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("\"DR-009\" 2 ")
            && found[0].contains("the parser failed unexpectedly"),
        "{found:?}"
    );
}

#[test]
fn no_colour_off_a_terminal_nor_with_no_color() {
    let repo = Repo::reference();
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] Runbook",
        "- [ ] Runbook",
    );
    // Not a terminal (captured output): plain text, whatever NO_COLOR says.
    for no_color in [None, Some("1")] {
        let mut cmd = relgate_command(repo.path());
        cmd.args(["check", "--policies", &core()]);
        match no_color {
            Some(v) => cmd.env("NO_COLOR", v),
            None => cmd.env_remove("NO_COLOR"),
        };
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            !out.stdout.contains(&0x1b),
            "ANSI escapes in {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn when_skips_and_unless_exempts() {
    let repo = Repo::new();
    repo.write("a.md", "x\n").commit_all("c");
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: W\n    title: only with b\n    when: {exists: b.md}\n    check: {exists: c.md}\n  - id: U\n    title: c unless waived\n    check: {exists: c.md}\n    unless: {exists: WAIVER}\n",
    );
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(r.status("W"), "skip");
    assert_eq!(r.status("U"), "fail");
    assert!(
        r.json()["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("(no exemption: WAIVER does not exist)")
    );
    repo.write("WAIVER", "").write("b.md", "");
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(r.status("W"), "fail");
    assert_eq!(r.status("U"), "pass");
    assert_eq!(r.findings(), vec![("W".into(), "c.md".into(), None)]);
}

/// The starter and its tests validate against the schemas relgate prints, with
/// check-jsonschema (as an editor would): `.relgate/config.yaml` against the
/// `.relgate/schema.json` init wrote, every `case.yaml` (the starter's and the shipped
/// pack's) against `relgate schema --case`, and the case schema refuses an unknown key.
#[test]
fn init_schema_and_case_schema_validate_what_relgate_reads() {
    let cj = crate::tools::tool("check-jsonschema");
    let repo = Repo::new();
    assert_eq!(repo.relgate(&["init"]).code, 0);
    let dir = repo.path().join(".relgate");
    let run = |args: &[&str]| crate::tools::run_tool(&cj, args, repo.path());
    let (code, out) = run(&[
        "--schemafile",
        dir.join("schema.json").to_str().unwrap(),
        dir.join("config.yaml").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let case = relgate_in(repo.path(), &["schema", "--case"]);
    assert_eq!(case.code, 0, "{}", case.stderr);
    let schema: serde_json::Value = serde_json::from_str(&case.stdout).unwrap();
    assert_eq!(schema["title"], "relgate policy test case (case.yaml)");
    let tmp = tempfile::tempdir().unwrap();
    let case_schema = tmp.path().join("case.schema.json");
    std::fs::write(&case_schema, &case.stdout).unwrap();
    let mut cases = vec![
        dir.join("tests/readme-present/case.yaml"),
        dir.join("tests/readme-missing/case.yaml"),
    ];
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/tests");
    let mut stack = vec![shipped];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && p.file_name().is_some_and(|n| n != "tree" && n != "base") {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "case.yaml") {
                cases.push(p);
            }
        }
    }
    assert!(cases.len() > 10, "{cases:?}");
    let mut args = vec!["--schemafile", case_schema.to_str().unwrap()];
    args.extend(cases.iter().map(|p| p.to_str().unwrap()));
    let (code, out) = run(&args);
    assert_eq!(code, 0, "{out}");
    let bad = tmp.path().join("case.yaml");
    std::fs::write(&bad, "description: x\nexpect: {exit: 0, status_of: {}}\n").unwrap();
    let (code, _) = run(&[
        "--schemafile",
        case_schema.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
}

/// A panic while the shipped packs are built beside the opening of the repository does
/// not end the run: the load builds them itself, and the report is the same, without an
/// "internal error" on standard error.
#[test]
fn a_panic_while_packs_are_prepared_leaves_the_run_as_it_was() {
    let repo = Repo::reference();
    let run = |panic: bool| {
        let mut cmd = relgate_command(repo.path());
        cmd.args(["check", "--pack", "billing-gateway-dr", "--format", "json"])
            .args(["--now", "2026-01-01T00:00:00Z"]);
        if panic {
            cmd.env("RELGATE_DEBUG_PANIC", "prepare");
        }
        cmd.output().unwrap()
    };
    let (calm, panicked) = (run(false), run(true));
    assert_eq!(panicked.status.code(), calm.status.code());
    assert_eq!(panicked.stdout, calm.stdout);
    let stderr = String::from_utf8_lossy(&panicked.stderr);
    assert!(!stderr.contains("internal error"), "{stderr}");
}
