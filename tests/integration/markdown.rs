//! `--format markdown`: a job summary / pull-request comment.

use crate::common::*;
use crate::tools::*;

/// The findings list of a failing run, one item per finding, escaped (the whole
/// report is in the `formats` snapshots).
#[test]
fn markdown_summary_of_a_failing_run() {
    let repo = failing_repo();
    let run = repo.relgate(&["check", "--format", "markdown"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("## ❌ relgate: failed (2 findings at or above error)\n"),
        "{}",
        run.stdout
    );
    let findings = run
        .stdout
        .split_once("### Findings\n\n")
        .expect("a findings section")
        .1;
    assert_eq!(
        findings,
        "- ℹ️ **NOTE-1** `CHANGELOG.md`: CHANGELOG.md does not exist\n\
         - ❌ **SIGN-1** `docs/a,b:c%.md`: 100% of docs need<br>a sign-off, a: b\n  \
         <br>_Help:_ Add a line 'Signed: NAME'\n\
         - ❌ **DR-002** `docs/support/dr-checklist.md:6`: unticked item in section 'Release 2024-07-15': failover \\| drill\n  \
         <br>_Help:_ Tick each item under '\\#\\# Release 2024-07-15'.\n\
         - ⚠️ **DR-007** `releases/2024-07-15/app.bin`: releases/2024-07-15/app.bin has mode 0755, expected 0644\n\
         \n\
         **5 policies**: 1 passed, 4 failed, 0 skipped, 0 waived · 2 errors, 1 warning, 1 note\n"
    );
}

#[test]
fn markdown_verdict_follows_fail_on() {
    let repo = passing_repo();
    let run = repo.relgate(&["check", "--format", "markdown"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("## ✅ relgate: passed\n"),
        "{}",
        run.stdout
    );

    // Only the note and the warning left: passes at the default level, fails at `note`.
    let repo = failing_repo();
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [ ] failover",
        "- [x] failover",
    )
    .write("docs/a,b:c%.md", "Signed: Ana\n")
    .commit_all("errors fixed");
    let run = repo.relgate(&["check", "--format", "markdown"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .starts_with("## ⚠️ relgate: passed with 2 findings\n"),
        "{}",
        run.stdout
    );
    let run = repo.relgate(&["check", "--format", "markdown", "--fail-on", "note"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("## ❌ relgate: failed (2 findings at or above note)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn markdown_table_cells_cannot_break_the_table() {
    let repo = failing_repo();
    let run = repo.relgate(&["check", "--format", "markdown"]);
    for line in run.stdout.lines().filter(|l| l.starts_with("| ")) {
        // Four cells: five unescaped pipes.
        let pipes = line.replace("\\|", "").matches('|').count();
        assert_eq!(pipes, 5, "{line}");
    }
    assert!(
        run.stdout
            .contains("| NOTE-1 | Changelog \\| present | note |")
    );
}

#[test]
fn markdown_reports_a_run_that_could_not_evaluate() {
    let dir = tempfile::tempdir().unwrap();
    let run = relgate_in(dir.path(), &["check", "--format", "markdown"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.starts_with("## ⛔ relgate: could not evaluate"),
        "{}",
        run.stdout
    );
}
