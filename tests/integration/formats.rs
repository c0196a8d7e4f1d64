//! One snapshot per report format, all of the same run: the shipped pack on the
//! example repository with three faults (an unticked checklist item, an artifact
//! with the wrong mode, mojibake in a manual), at a fixed time and release.
//! The other tests assert each format's rules; these show the whole report, so a
//! change of wording or layout is seen, reviewed and accepted (`cargo insta review`).

use crate::common::*;

const ARGS: [&str; 7] = [
    "check",
    "--pack",
    "billing-gateway-dr",
    "--now",
    "2024-07-20T12:00:00Z",
    "--var",
    "release=2024-07-15",
];

fn failing_example() -> Repo {
    let repo = Repo::reference();
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] Integridade de dados validada",
        "- [ ] Integridade de dados validada",
    )
    .chmod("releases/2024-07-15/MANIFEST.txt", 0o755)
    .write("docs/manual.md", "# Manual\n\ncontinuidade de neg√≥cios\n")
    // The checklist's owner signs it again (DR-017 is not one of the three faults).
    .sign("checklist-test", "docs/support/dr-checklist.md")
    .commit_all("three faults");
    repo
}

/// The report in `format`, with what varies between machines and versions masked.
fn report(format: &str) -> String {
    let repo = failing_example();
    let run = repo.relgate(&[&ARGS[..], &["--format", format][..]].concat());
    assert_eq!(run.code, 1, "{format}:\n{}\n{}", run.stdout, run.stderr);
    // Every format reports the same three findings.
    let json = repo.relgate(&[&ARGS[..], &["--format", "json"][..]].concat());
    assert_eq!(
        json.findings(),
        [
            f("DR-015", "docs/manual.md", Some(3)),
            f("DR-002", "docs/support/dr-checklist.md", Some(9)),
            f("DR-007", "releases/2024-07-15/MANIFEST.txt", None),
        ]
    );
    // The commit's id depends on the time it was made.
    let head = repo.git(&["rev-parse", "HEAD"]);
    run.stdout
        .replace(&head, "[head]")
        .replace(&head[..12], "[head]")
        .replace(repo.path().to_str().unwrap(), "[repo]")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn format_human() {
    insta::assert_snapshot!(report("human"));
}

#[test]
fn format_json() {
    insta::assert_snapshot!(report("json"));
}

#[test]
fn format_sarif() {
    insta::assert_snapshot!(report("sarif"));
}

#[test]
fn format_github() {
    insta::assert_snapshot!(report("github"));
}

#[test]
fn format_markdown() {
    insta::assert_snapshot!(report("markdown"));
}

#[test]
fn format_junit() {
    insta::assert_snapshot!(report("junit"));
}

#[test]
fn format_gitlab() {
    insta::assert_snapshot!(report("gitlab"));
}

#[test]
fn format_azure() {
    insta::assert_snapshot!(report("azure"));
}
