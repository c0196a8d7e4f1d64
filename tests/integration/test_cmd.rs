//! `relgate test`: case folders written here, run by the real binary.

use crate::common::{Repo, relgate_command};

const POLICIES: &str = "\
version: 1
policies:
  - id: T-001
    name: readme
    title: The README exists
    check: {exists: README.md}
  - id: T-002
    name: no-todo
    title: No TODO in the sources
    check: {not_matches: {files: 'src/**', patterns: 'TODO'}}
  - id: T-003
    name: scripts-exec
    title: Scripts are 0755
    check: {mode: {files: 'scripts/*.sh', mode: '0755'}}
  - id: T-004
    name: changelog
    title: A change to src is recorded in the changelog
    check: {changes: {touches: 'src/**', must_modify: CHANGELOG.md}}
  - id: T-005
    name: no-links
    title: The docs hold no symbolic link
    check: {mode: {files: 'docs/*', mode: '0644'}}
";

/// A folder with `.relgate/config.yaml` and a compliant case `ok`.
fn suite() -> Repo {
    let r = Repo::new();
    r.write(".relgate/config.yaml", POLICIES);
    r.write(".relgate/tests/ok/tree/README.md", "# x\n");
    r.write(".relgate/tests/ok/tree/src/a.rs", "fn a() {}\n");
    r.write(".relgate/tests/ok/tree/scripts/run.sh", "#!/bin/sh\n");
    r.write(".relgate/tests/ok/tree/docs/a.md", "a\n");
    r.write(
        ".relgate/tests/ok/case.yaml",
        "description: compliant\n\
         modes: {scripts/run.sh: '0755'}\n\
         expect:\n  status: {T-001: pass, T-002: pass, T-003: pass, T-005: pass}\n  exit: 0\n",
    );
    r
}

fn case(r: &Repo, name: &str, yaml: &str) {
    r.write(&format!(".relgate/tests/{name}/case.yaml"), yaml);
}

#[test]
fn a_right_expectation_passes() {
    let r = suite();
    let run = r.relgate(&["test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("ok     ok (compliant)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("1 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn never_failing_policies_are_listed_and_require_failing_exits_1() {
    let r = suite();
    let run = r.relgate(&["test"]);
    assert!(
        run.stdout.contains(
            "never fails in any case: T-001 (readme), T-002 (no-todo), T-003 (scripts-exec), T-004 (changelog), T-005 (no-links)"
        ),
        "{}",
        run.stdout
    );
    let run = r.relgate(&["test", "--require-failing"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}

#[test]
fn extends_delete_and_findings_at_their_lines() {
    let r = suite();
    r.write(
        ".relgate/tests/todo/tree/src/b.rs",
        "fn b() {}\n// TODO later\n",
    );
    case(
        &r,
        "todo",
        "extends: ../ok\n\
         delete: [README.md]\n\
         expect:\n  status: {T-001: fail, T-002: fail, T-003: pass}\n  findings:\n\
         \x20   - {policy: T-001, path: README.md}\n\
         \x20   - {policy: T-002, path: src/b.rs, line: 2, message: TODO}\n  exit: 1\n",
    );
    let run = r.relgate(&["test", "--filter", "todo"]);
    assert!(
        run.stdout.contains("ok     todo"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.ends_with("1 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
    // The modes of the extended case are inherited: T-003 passed.
}

#[test]
fn a_wrong_status_a_missing_an_extra_finding_and_a_wrong_line_each_fail_with_the_diff() {
    let r = suite();
    r.write(
        ".relgate/tests/bad/tree/src/b.rs",
        "// TODO one\n\n// TODO two\n",
    );
    case(
        &r,
        "bad",
        "extends: ../ok\n\
         expect:\n  status: {T-002: pass, T-001: fail}\n  findings:\n\
         \x20   - {policy: T-002, path: src/b.rs, line: 2}\n\
         \x20   - {policy: T-002, path: src/b.rs, line: 3}\n\
         \x20   - {policy: T-002, path: src/c.rs, line: 1}\n",
    );
    let run = r.relgate(&["test", "--filter", "bad"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let expected = "\
FAILED bad
       status T-002: expected pass, got fail
       status T-001: expected fail, got pass
       - T-002 src/b.rs:2
       - T-002 src/c.rs:1
       + T-002 src/b.rs:1: ";
    assert!(run.stdout.starts_with(expected), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("0 passed, 1 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn modes_and_symlinks_take_effect() {
    let r = suite();
    case(
        &r,
        "modes",
        "extends: ../ok\n\
         modes: {scripts/run.sh: '0644'}\n\
         symlinks: {docs/link.md: ../README.md}\n\
         expect:\n  findings:\n\
         \x20   - {policy: T-003, path: scripts/run.sh}\n\
         \x20   - {policy: T-005, path: docs/link.md}\n",
    );
    let run = r.relgate(&["test", "--filter", "modes"]);
    assert!(
        run.stdout.contains("ok     modes"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn a_base_makes_the_tree_a_change() {
    let r = suite();
    r.write(".relgate/tests/change/base/README.md", "# x\n");
    r.write(".relgate/tests/change/base/src/a.rs", "fn a() {}\n");
    r.write(
        ".relgate/tests/change/tree/src/a.rs",
        "fn a() { changed() }\n",
    );
    case(
        &r,
        "change",
        "extends: ../ok\n\
         expect:\n  status: {T-004: fail}\n  findings:\n\
         \x20   - {policy: T-004, path: src/a.rs, message: does not modify CHANGELOG.md}\n",
    );
    let run = r.relgate(&["test", "--filter", "change"]);
    assert!(
        run.stdout.contains("ok     change"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    // Without a base the same policy is skipped.
    let run = r.relgate(&["test", "--filter", "ok", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["cases"][0]["result"], "ok");
}

#[test]
fn an_unknown_key_in_case_yaml_exits_2_at_its_line() {
    let r = suite();
    case(
        &r,
        "typo",
        "descriptoin: x\nexpect:\n  status: {T-001: pass}\n",
    );
    let run = r.relgate(&["test", "--filter", "typo"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains(".relgate/tests/typo/case.yaml:1:1: error[relgate::policy::unknown_key]: unknown key 'descriptoin' in case"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean 'description'?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_case_naming_an_unknown_policy_fails() {
    let r = suite();
    case(
        &r,
        "ghost",
        "extends: ../ok\nexpect:\n  status: {T-999: pass}\n",
    );
    let run = r.relgate(&["test", "--filter", "ghost"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            ".relgate/tests/ghost/case.yaml:3:12: no policy 'T-999' among the policies under test"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn no_case_is_an_error() {
    let r = Repo::new();
    r.write(".relgate/tests/README.md", "no cases\n");
    let run = r.relgate(&["test"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no case (a folder holding case.yaml)"),
        "{}",
        run.stderr
    );
}

const PACK_TESTS: &str = "policies/tests/billing-gateway-dr";

fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_pack_ships_cases_that_pass_and_make_every_policy_fail() {
    let run = crate::common::relgate_in(
        root(),
        &[
            "test",
            PACK_TESTS,
            "--pack",
            "billing-gateway-dr",
            "--require-failing",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("never fails"), "{}", run.stdout);
    assert!(run.stdout.contains(" 0 failed\n"), "{}", run.stdout);
}

/// Runs the pack's cases against a copy of the pack with one edit.
fn mutated(from: &str, to: &str) -> crate::common::Run {
    let pack = std::fs::read_to_string(root().join("policies/billing-gateway-dr.yaml")).unwrap();
    assert!(pack.contains(from), "the pack no longer holds {from:?}");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("pack.yaml");
    std::fs::write(&copy, pack.replacen(from, to, 1)).unwrap();
    crate::common::relgate_in(
        root(),
        &["test", PACK_TESTS, "--policies", copy.to_str().unwrap()],
    )
}

#[test]
fn a_mutated_pack_fails_its_cases() {
    let run = mutated("        mode: '0644'", "        mode: '0600'");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("FAILED compliant"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("status DR-007: expected pass, got fail"),
        "{}",
        run.stdout
    );

    let run = mutated(
        "        section: 'Release {release}'\n",
        "        section: 'Releases {release}'\n",
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("status DR-002: expected pass, got fail"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_compliant_case_is_the_example_tree() {
    let a = root().join(PACK_TESTS).join("compliant/tree");
    let b = root().join("examples/billing-gateway");
    let list = |d: &std::path::Path| {
        let mut out = Vec::new();
        let mut todo = vec![d.to_path_buf()];
        while let Some(p) = todo.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    todo.push(e.path());
                } else {
                    let rel = e.path().strip_prefix(d).unwrap().to_path_buf();
                    out.push((rel, std::fs::read(e.path()).unwrap()));
                }
            }
        }
        out.sort();
        out
    };
    assert!(
        list(&a) == list(&b),
        "{} and {} differ",
        a.display(),
        b.display()
    );
}

#[test]
fn init_writes_starter_tests_that_pass_and_show_the_policy_can_fail() {
    let r = Repo::new();
    let run = r.relgate(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = r.relgate(&["test", "--require-failing"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "ok     readme-missing (Without a README, EX-001 fails)\n\
         ok     readme-present (A repository with a README passes EX-001)\n\
         2 passed, 0 failed\n"
    );
}

#[test]
fn the_pack_cases_ship_in_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::common::relgate_in(
        dir.path(),
        &[
            "test",
            "--pack",
            "billing-gateway-dr",
            "--require-failing",
            "--filter",
            "dr-007",
        ],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().take(2).collect::<Vec<_>>(),
        [
            "ok     dr-007-group-writable (A release artifact at 0664 fails DR-007)",
            "ok     dr-007-symlink (A release artifact that is a symbolic link fails DR-007)",
        ]
    );
    // Only DR-007 failed in the cases run: every other policy is named.
    assert!(
        run.stdout
            .contains("never fails in any case: DR-001 (checklist-published)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("DR-007 (artifact"), "{}", run.stdout);
}

/// A case's `policies:` may name the folder its tests live in: the cases (case.yaml and the
/// YAML of their trees) are not read as policies.
#[test]
fn a_policies_folder_holding_the_tests_skips_them() {
    let r = Repo::new();
    r.write(".relgate/config.yaml", POLICIES);
    r.write(".relgate/tests/ok/tree/README.md", "# x\n");
    r.write(".relgate/tests/ok/tree/config/app.yaml", "not: [a policy\n");
    r.write(
        ".relgate/tests/ok/case.yaml",
        "policies: [../..]\nexpect:\n  status: {T-001: pass}\n",
    );
    let run = r.relgate(&["test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 passed, 0 failed"), "{}", run.stdout);
}

/// `relgate test` run from a hook of `git commit -a`, which hands the hook its temporary
/// index as an absolute `GIT_INDEX_FILE`: that index belongs to the outer repository, and
/// a case that judges its own fixture's index (`target: staged`) must not read it.
#[test]
fn a_staged_case_ignores_the_outer_commits_index() {
    let r = suite();
    case(
        &r,
        "staged",
        "description: staged, from inside a commit hook\n\
         target: staged\n\
         extends: ../ok\n\
         modes: {scripts/run.sh: '0755'}\n\
         expect:\n  status: {T-001: pass, T-003: pass}\n  exit: 0\n",
    );
    // The outer repository's index holds no README.md at all.
    r.write("other.txt", "x\n");
    r.git(&["add", "other.txt"]);
    let outer = r.path().join(".git/index");
    let run = relgate_command(r.path())
        .args(["test"])
        .env("GIT_INDEX_FILE", &outer)
        .output()
        .expect("relgate runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("ok     staged"), "{stdout}");
}
