//! `check --new-only`: only the findings a change brings count toward the exit code;
//! the base's own are reported as pre-existing. A policy with `baseline: false` is
//! judged whole. A line the change wrote is the change's own, whatever its
//! fingerprint. Without `--base`, `--staged` and the working tree compare with HEAD.

use crate::common::*;
use serde_json::Value;

pub(crate) const LATEST: &str = "version: 1\npolicies:\n  - id: TAG-1\n    title: no latest image tags\n    check:\n      not_matches: {files: '**/*.yaml', patterns: ':latest\\b'}\n";

/// `TAG-1` and a `TODO-1` judged whole (`baseline: false`).
const WHOLE: &str = "version: 1\npolicies:\n  - id: TAG-1\n    title: no latest image tags\n    check:\n      not_matches: {files: '**/*.yaml', patterns: ':latest\\b'}\n  - id: TODO-1\n    title: no TODO in a release note\n    baseline: false\n    check:\n      not_matches: {files: 'notes/*.md', patterns: 'TODO'}\n";

/// A main branch with 5 `latest` tags, and a `change` branch off it.
pub(crate) fn repo() -> Repo {
    let repo = Repo::new();
    for c in ["a", "b", "c", "d", "e"] {
        repo.write(
            &format!("charts/{c}/values.yaml"),
            &format!("replicas: 1\nimage: {c}:latest\n"),
        );
    }
    repo.commit_all("charts");
    repo.git(&["branch", "-M", "main"]);
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo
}

/// `relgate check --policies P ARGS --format json`, expecting `code`.
#[track_caller]
pub(crate) fn json(repo: &Repo, p: &Policies, args: &[&str], code: i32) -> Value {
    let path = p.path();
    let mut all = vec!["check", "--policies", path.as_str()];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = repo.relgate(&all);
    assert_eq!(run.code, code, "{}\n{}", run.stdout, run.stderr);
    run.json()
}

/// `(path, line, baseline, counted)` of each finding.
pub(crate) fn classified(json: &Value) -> Vec<(String, u64, String, bool)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["baseline"].as_str().unwrap().to_string(),
                f["counted"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The summary's new, unchanged, fixed and not_counted.
pub(crate) fn counts(json: &Value) -> [u64; 4] {
    let s = &json["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("no {k}: {s}"));
    [n("new"), n("unchanged"), n("fixed"), n("not_counted")]
}

fn old(c: &str, line: u64) -> (String, u64, String, bool) {
    (
        format!("charts/{c}/values.yaml"),
        line,
        "unchanged".into(),
        false,
    )
}

pub(crate) fn new(path: &str, line: u64) -> (String, u64, String, bool) {
    (path.into(), line, "new".into(), true)
}

#[test]
fn only_the_change_s_own_finding_counts() {
    let p = Policies::new(LATEST);
    let repo = repo();
    repo.write("charts/f/values.yaml", "image: f:latest\n")
        .commit_all("f");
    // Without --new-only every finding counts: 1 new + 5 unchanged, exit 1.
    let all = json(&repo, &p, &["--base", "main"], 1);
    assert_eq!(all["summary"]["errors"], 6);
    assert!(all["summary"].get("not_counted").is_none(), "{all}");
    assert!(all["findings"][0].get("counted").is_none(), "{all}");
    assert_eq!(all["baseline"]["new_only"], false);

    let j = json(&repo, &p, &["--base", "main", "--new-only"], 1);
    assert_eq!(counts(&j), [1, 5, 0, 5]);
    assert_eq!(
        classified(&j),
        [
            old("a", 2),
            old("b", 2),
            old("c", 2),
            old("d", 2),
            old("e", 2),
            new("charts/f/values.yaml", 1),
        ]
    );
    assert_eq!(
        j["baseline"]["against"],
        repo.git(&["merge-base", "main", "HEAD"])
    );
    assert_eq!(j["baseline"]["new_only"], true);
    // The trusted tree is still the base with --base.
    assert_eq!(j["trusted"]["source"], "base");

    // GitHub: the new one is an error, the old ones notices that say why.
    let gh = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--new-only",
        "--format",
        "github",
    ]);
    assert_eq!(gh.code, 1, "{}", gh.stderr);
    let errors = gh.lines_starting("::error ");
    assert_eq!(errors.len(), 1, "{}", gh.stdout);
    assert!(errors[0].starts_with("::error file=charts/f/values.yaml,line=1,col=9,"));
    let notices = gh.lines_starting("::notice file=charts/");
    assert_eq!(notices.len(), 5, "{}", gh.stdout);
    assert!(
        notices[0].starts_with("::notice file=charts/a/values.yaml,line=2,col=9,")
            && notices[0].contains(
                "::pre-existing error (the base has it too; --new-only does not count it): "
            ),
        "{}",
        gh.stdout
    );
    assert!(
        gh.stdout
            .contains("5 pre-existing findings not counted (--new-only)"),
        "{}",
        gh.stdout
    );

    // Human: the new finding, then a pre-existing section.
    let human = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--new-only",
    ]);
    assert_eq!(human.code, 1);
    let out = &human.stdout;
    let f = out.find("── charts/f/values.yaml ──").unwrap();
    let heading = out
        .find("pre-existing: 5 findings the base already had (5 not counted: --new-only")
        .unwrap();
    let a = out.find("── charts/a/values.yaml ──").unwrap();
    assert!(f < heading && heading < a, "{out}");
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "against the base: 1 new, 5 pre-existing, 0 fixed (5 not counted: --new-only)"
        ),
        "{out}"
    );

    // Markdown: the change's own finding first, the old ones in a collapsed section.
    let md = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--new-only",
        "--format",
        "markdown",
    ]);
    let findings = md.stdout.split_once("### Findings\n\n").unwrap().1;
    assert!(
        findings.starts_with(
            "- ❌ **TAG-1** `charts/f/values.yaml:1`: ':latest' matches the forbidden pattern ':latest\\\\b'\n\n<details><summary>5 pre-existing findings the base already had, 5 of them not counted (`--new-only`)</summary>\n\n- ❌ **TAG-1** `charts/a/values.yaml:2`"
        ),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("\n</details>\n"), "{}", md.stdout);
    assert!(
        md.stdout
            .starts_with("## ❌ relgate: failed (1 finding at or above error)"),
        "{}",
        md.stdout
    );
}

#[test]
fn a_change_fixing_an_old_tag_and_adding_none_passes() {
    let p = Policies::new(LATEST);
    let repo = repo();
    repo.edit("charts/c/values.yaml", "c:latest", "c:1.4")
        .commit_all("pin c");
    let j = json(&repo, &p, &["--base", "main", "--new-only"], 0);
    assert_eq!(counts(&j), [0, 4, 1, 4]);
    assert_eq!(
        classified(&j),
        [old("a", 2), old("b", 2), old("d", 2), old("e", 2)]
    );
    // Without --new-only the old ones still fail it.
    json(&repo, &p, &["--base", "main"], 1);
    let md = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--new-only",
        "--format",
        "markdown",
    ]);
    assert!(
        md.stdout.contains(
            "| TAG-1 | no latest image tags | error | ⏸️ pre-existing (4 findings, not counted) |"
        ),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .starts_with("## ⚠️ relgate: passed with 4 findings\n"),
        "{}",
        md.stdout
    );
    // JUnit and Azure agree with the exit code: no failure, no issue.
    for (format, failing) in [("junit", "<failure"), ("azure", "##vso[task.logissue")] {
        let run = repo.relgate(&[
            "check",
            "--policies",
            &p.path(),
            "--base",
            "main",
            "--new-only",
            "--format",
            format,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.contains(failing), "{}", run.stdout);
        assert!(
            run.stdout.contains("charts/a/values.yaml:2"),
            "{}",
            run.stdout
        );
    }
    // The human report says the policy fails nothing.
    let human = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--new-only",
    ]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains(
            "• old   TAG-1 no latest image tags (4 pre-existing findings, not counted: --new-only)"
        ),
        "{}",
        human.stdout
    );
}

#[test]
fn fingerprints_hold_when_a_line_is_inserted_above_every_old_finding() {
    let p = Policies::new(LATEST);
    let repo = repo();
    for c in ["a", "b", "c", "d", "e"] {
        repo.edit(
            &format!("charts/{c}/values.yaml"),
            "replicas",
            "# chart\nreplicas",
        );
    }
    // A moved file keeps its lines too.
    repo.git(&["mv", "charts/e", "charts/renamed"]);
    repo.commit_all("comments and a rename");
    let j = json(&repo, &p, &["--base", "main", "--new-only"], 0);
    assert_eq!(counts(&j), [0, 5, 0, 5]);
    assert_eq!(
        classified(&j),
        [
            old("a", 3),
            old("b", 3),
            old("c", 3),
            old("d", 3),
            old("renamed", 3)
        ]
    );
}

/// An edit to an old finding's line that leaves the finding is the change's own: the
/// change wrote that line. Whether the fingerprint moves (an inner space, a comment) or
/// not (indentation; the line moved to a file of its own).
#[test]
fn editing_the_line_of_an_old_finding_makes_it_new() {
    let p = Policies::new(LATEST);
    let repo = repo();
    repo.edit(
        "charts/a/values.yaml",
        "image: a:latest",
        "image:  a:latest",
    )
    .edit(
        "charts/b/values.yaml",
        "image: b:latest",
        "image: b:latest # still",
    )
    .edit(
        "charts/c/values.yaml",
        "image: c:latest",
        "  image: c:latest",
    )
    .write("charts/d/values.yaml", "replicas: 1\n")
    .write("charts/d/image.yaml", "image: d:latest\n")
    .commit_all("edit the old lines");
    let j = json(&repo, &p, &["--base", "main", "--new-only"], 1);
    assert_eq!(
        classified(&j),
        [
            new("charts/a/values.yaml", 2),
            new("charts/b/values.yaml", 2),
            new("charts/c/values.yaml", 2),
            new("charts/d/image.yaml", 1),
            old("e", 2),
        ]
    );
    // The re-indented and the moved line keep their fingerprints, so the base's are not
    // fixed; the two with another fingerprint are.
    assert_eq!(counts(&j), [4, 1, 2, 1]);
}

/// `baseline: false`: the policy's pre-existing findings fail the run under --new-only.
#[test]
fn a_policy_judged_whole_counts_its_pre_existing_findings() {
    let p = Policies::new(WHOLE);
    let repo = repo();
    repo.write("notes/1.md", "intro\nTODO: write\n")
        .commit_all("a note");
    repo.git(&["branch", "-f", "main"]);
    let j = json(&repo, &p, &["--base", "main", "--new-only"], 1);
    let todo: Vec<_> = classified(&j)
        .into_iter()
        .filter(|f| f.0 == "notes/1.md")
        .collect();
    assert_eq!(todo, [("notes/1.md".into(), 2, "unchanged".into(), true)]);
    assert_eq!(counts(&j), [0, 6, 0, 5]);
    // Fixed, the run passes: TAG-1's old findings do not count.
    repo.write("notes/1.md", "intro\n").commit_all("done");
    let j = json(&repo, &p, &["--base", "main", "--new-only"], 0);
    assert_eq!(counts(&j), [0, 5, 1, 5]);
    // `explain` says so.
    let run = repo.relgate(&["explain", "TODO-1", "--policies", &p.path()]);
    assert!(
        run.stdout.contains(
            "baseline:  false (judged whole: pre-existing findings count under --new-only)"
        ),
        "{}",
        run.stdout
    );
    let run = repo.relgate(&[
        "explain",
        "TAG-1",
        "--policies",
        &p.path(),
        "--format",
        "json",
    ]);
    assert_eq!(run.json()["baseline"], true);
}

#[test]
fn baseline_must_be_a_boolean() {
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: T\n    title: t\n    baseline: 'no'\n    check: {exists: README.md}\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let r = relgate_in(dir.path(), &["validate", "--policies", &p.path()]);
    assert_eq!(r.code, 2);
    let want = format!(
        "{}:5:15: error[relgate::policy::wrong_type]: 'baseline' of policy must be true or false, found a string",
        p.path()
    );
    assert!(r.stderr.contains(&want), "{}", r.stderr);
}

/// The billing pack's policies are release requirements: an item unticked on main is
/// still a failure of a change that does not touch the checklist.
#[test]
fn the_billing_pack_fails_on_a_pre_existing_unticked_item() {
    let repo = Repo::reference();
    repo.git(&["branch", "-M", "main"]);
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] Inventário",
        "- [ ] Inventário",
    )
    .sign("checklist-test", "docs/support/dr-checklist.md")
    .commit_all("an item left unticked");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write("README.md", &(repo.read("README.md") + "\nMore words.\n"))
        .commit_all("docs");
    let run = repo.relgate(&[
        "check",
        "--pack",
        "billing-gateway-dr",
        "--now",
        "2024-07-20T12:00:00Z",
        "--base",
        "main",
        "--new-only",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.findings(),
        [f("DR-002", "docs/support/dr-checklist.md", Some(8))]
    );
    let j = run.json();
    assert_eq!(j["findings"][0]["baseline"], "unchanged");
    assert_eq!(j["findings"][0]["counted"], true);
    assert_eq!(j["summary"]["not_counted"], 0);
}

/// GitHub shows 10 annotations of each kind. The change's own finding comes first, then
/// the old ones in files the change touches, then the rest; the cap applies after that
/// order and the summary line says how many got no annotation.
#[test]
fn annotations_go_to_the_change_then_to_the_files_it_touches() {
    let repo = Repo::new();
    for c in 0..12 {
        repo.write(
            &format!("charts/c{c:02}/values.yaml"),
            "replicas: 1\nimage: a:latest\n",
        );
    }
    repo.commit_all("charts");
    repo.git(&["branch", "-M", "main"]);
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.edit("charts/c11/values.yaml", "replicas: 1", "replicas: 2")
        .write("zz/values.yaml", "image: new:latest\n")
        .commit_all("new tag, c11 scaled");
    let p = Policies::new(LATEST);
    let gh = |extra: &[&str]| {
        let mut args = vec!["check", "--base", "main", "--format", "github"];
        let path = p.path();
        args.extend_from_slice(&["--policies", &path]);
        args.extend_from_slice(extra);
        repo.relgate(&args)
    };
    let run = gh(&[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let annotated = run.lines_starting("::error ");
    assert_eq!(annotated.len(), 10, "{}", run.stdout);
    assert!(annotated[0].starts_with("::error file=zz/values.yaml,line=1,"));
    assert!(annotated[1].starts_with("::error file=charts/c11/values.yaml,line=2,"));
    assert!(annotated[2].starts_with("::error file=charts/c00/values.yaml,line=2,"));
    assert!(annotated[9].starts_with("::error file=charts/c07/values.yaml,line=2,"));
    let last = run.stdout.lines().last().unwrap();
    assert!(
        last.ends_with("; against the base: 1 new, 12 pre-existing, 0 fixed; 3 findings got no annotation (listed above as log lines; every finding is in the job summary, --format json and SARIF)"),
        "{last}"
    );

    // --new-only: the new one is the only error; the old ones are notices, capped too
    // (9 and the notice that counts the rest).
    let run = gh(&["--new-only"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let errors = run.lines_starting("::error ");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert!(errors[0].starts_with("::error file=zz/values.yaml,line=1,"));
    let notices = run.lines_starting("::notice file=");
    assert_eq!(notices.len(), 9, "{}", run.stdout);
    assert!(notices[0].starts_with("::notice file=charts/c11/values.yaml,line=2,"));
    assert!(
        run.stdout
            .contains("3 more findings (3 pre-existing) are not annotated"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .last()
            .unwrap()
            .ends_with("; 12 pre-existing findings not counted (--new-only); 3 findings got no annotation (listed above as log lines; every finding is in the job summary, --format json and SARIF)"),
        "{}",
        run.stdout
    );
}
