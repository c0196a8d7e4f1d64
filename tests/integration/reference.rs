//! The core policies on a copy of the reference repository.

use crate::common::*;

fn policies() -> String {
    format!(
        "{}/tests/fixtures/core-policies.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn reference_repository_passes_then_fails_at_the_unticked_line() {
    let repo = Repo::reference();
    let r = repo.relgate(&["check", "--policies", &policies(), "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["release"], "2024-07-15");
    assert_eq!(r.json()["summary"]["passed"], 5);

    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] Integridade de dados validada",
        "- [ ] Integridade de dados validada",
    );
    let r = repo.relgate(&["check", "--policies", &policies(), "--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![(
            "DR-002".into(),
            "docs/support/dr-checklist.md".into(),
            Some(9)
        )]
    );
    assert_eq!(r.status("DR-002"), "fail");
    assert_eq!(r.status("DR-001"), "pass");

    let human = repo.relgate(&["check", "--policies", &policies()]);
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .contains("╭─[docs/support/dr-checklist.md:9:3]\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn one_violation_per_policy_at_exact_places() {
    let repo = Repo::reference();
    repo.chmod("releases/2024-07-15/MANIFEST.txt", 0o755)
        .write("docs/manual.md", "# Manual\n\ncontinuidade de neg√≥cios\n")
        .remove("quality/observability/runbooks/escalation-l2.md")
        .edit(
            "docs/support/dr-checklist.md",
            "## Release 2024-07-15",
            "## Release 2024-07-14",
        );
    let r = repo.relgate(&["check", "--policies", &policies(), "--format", "json"]);
    assert_eq!(
        r.findings(),
        vec![
            ("DR-015".into(), "docs/manual.md".into(), Some(3)),
            ("DR-001".into(), "docs/support/dr-checklist.md".into(), None),
            ("DR-002".into(), "docs/support/dr-checklist.md".into(), None),
            (
                "DR-004".into(),
                "quality/observability/runbooks/escalation-l2.md".into(),
                None
            ),
            (
                "DR-007".into(),
                "releases/2024-07-15/MANIFEST.txt".into(),
                None
            ),
        ]
    );
}

#[test]
fn no_release_directory_fails_every_policy_that_needs_it() {
    let repo = Repo::reference();
    repo.remove("releases/2024-07-15")
        .remove("releases/2024-06-03")
        .write("releases/notes/x.md", "x\n")
        .write("releases/2024-13-01/x.md", "x\n");
    let r = repo.relgate(&["check", "--policies", &policies(), "--format", "json"]);
    assert_eq!(r.code, 1);
    // No release: the findings of the policies that need one have no place.
    assert_eq!(
        r.findings(),
        vec![
            f("DR-001", "", None),
            f("DR-002", "", None),
            f("DR-007", "", None)
        ]
    );
    for id in ["DR-001", "DR-002", "DR-007"] {
        assert_eq!(r.status(id), "fail", "{id}");
    }
    assert_eq!(r.status("DR-004"), "pass");
    let v = r.json();
    let msgs: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(msgs.contains(&"variable 'release' has no value: no directory matches 'releases/*' whose name matches '^\\d{4}-\\d{2}-\\d{2}$'"), "{msgs:?}");
    // --var overrides.
    let r = repo.relgate(&[
        "check",
        "--policies",
        &policies(),
        "--var",
        "release=2024-06-03",
        "--format",
        "json",
    ]);
    assert_eq!(r.json()["vars"]["release"], "2024-06-03");
}
