//! `--base`: each finding is `new` or `unchanged` by its fingerprint against the
//! base's findings (the same trusted policies, the base's tree); the base's findings
//! the change no longer has are `fixed`.

use crate::common::{Policies, Repo};
use crate::sarif::validate;
use serde_json::Value;

const LATEST: &str = "version: 1\npolicies:\n  - id: TAG-1\n    title: no latest image tags\n    check:\n      not_matches: {files: '**/*.yaml', patterns: ':latest\\b'}\n";

/// A main branch with 5 `latest` tags, and a `change` branch off it.
fn repo() -> Repo {
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

/// `(path, line, baseline)` of each finding, and the summary's new/unchanged/fixed.
fn classified(json: &Value) -> (Vec<(String, u64, String)>, [u64; 3]) {
    let findings = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["baseline"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let s = &json["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    (findings, [n("new"), n("unchanged"), n("fixed")])
}

fn check(repo: &Repo, p: &Policies, code: i32) -> (Vec<(String, u64, String)>, [u64; 3]) {
    let run = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, code, "{}\n{}", run.stdout, run.stderr);
    classified(&run.json())
}

fn old(c: &str, line: u64) -> (String, u64, String) {
    (format!("charts/{c}/values.yaml"), line, "unchanged".into())
}

#[test]
fn a_change_adding_a_tag_has_one_new_finding_and_five_unchanged() {
    let p = Policies::new(LATEST);
    let repo = repo();
    repo.write("charts/f/values.yaml", "image: f:latest\n")
        .commit_all("f");
    let (found, summary) = check(&repo, &p, 1);
    assert_eq!(summary, [1, 5, 0]);
    assert_eq!(
        found,
        [
            old("a", 2),
            old("b", 2),
            old("c", 2),
            old("d", 2),
            old("e", 2),
            ("charts/f/values.yaml".into(), 1, "new".into()),
        ]
    );

    // SARIF: baselineState on every result, valid against the schema.
    let sarif = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--format",
        "sarif",
    ]);
    validate(&sarif.stdout);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let states: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "unchanged",
            "unchanged",
            "unchanged",
            "unchanged",
            "unchanged",
            "new"
        ]
    );

    // Human and Markdown say it in their summaries.
    let human = repo.relgate(&["check", "--policies", &p.path(), "--base", "main"]);
    assert!(
        // The summary line wraps: compare its words.
        human
            .stdout
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("against the base: 1 new, 5 pre-existing, 0 fixed"),
        "{}",
        human.stdout
    );
    let md = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--format",
        "markdown",
    ]);
    assert!(
        md.stdout
            .contains("Against the base: **1 new**, 5 pre-existing, 0 fixed."),
        "{}",
        md.stdout
    );

    // Without --base there is no classification.
    let plain = repo
        .relgate(&["check", "--policies", &p.path(), "--format", "json"])
        .json();
    assert!(plain["findings"][0].get("baseline").is_none(), "{plain}");
    assert!(plain["summary"].get("new").is_none(), "{plain}");
    let human = repo.relgate(&["check", "--policies", &p.path()]);
    assert!(
        !human.stdout.contains("against the base"),
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
    repo.git(&["mv", "charts/e", "charts/renamed"]);
    repo.write("charts/f/values.yaml", "image: f:latest\n")
        .commit_all("comments, a rename and f");
    let (found, summary) = check(&repo, &p, 1);
    assert_eq!(summary, [1, 5, 0]);
    assert_eq!(found[0], old("a", 3));
    assert_eq!(found[4], ("charts/f/values.yaml".into(), 1, "new".into()));
    assert_eq!(found[5], old("renamed", 3));
}

#[test]
fn a_change_fixing_an_old_tag_counts_it_fixed() {
    let p = Policies::new(LATEST);
    let repo = repo();
    repo.edit("charts/c/values.yaml", "c:latest", "c:1.4")
        .commit_all("pin c");
    let (found, summary) = check(&repo, &p, 1);
    assert_eq!(summary, [0, 4, 1]);
    assert_eq!(found, [old("a", 2), old("b", 2), old("d", 2), old("e", 2)]);
    // SARIF: the fixed one is an `absent` result, placed where the base had it.
    let sarif = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--format",
        "sarif",
    ]);
    validate(&sarif.stdout);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(results[4]["baselineState"], "absent");
    let loc = &results[4]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "charts/c/values.yaml");
    assert_eq!(loc["region"]["startLine"], 2);
}

/// GitHub shows 10 annotations of each kind: with 12 old findings in files the change
/// never touched and 1 new one, the new one is annotated, and the log says how many
/// findings got none.
#[test]
fn the_change_s_own_finding_is_annotated_before_old_ones() {
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
    repo.write("zz/values.yaml", "image: new:latest\n")
        .commit_all("new tag");
    let p = Policies::new(LATEST);
    let run = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let annotated = run.lines_starting("::error ");
    assert_eq!(annotated.len(), 10, "{}", run.stdout);
    assert!(
        annotated[0].starts_with("::error file=zz/values.yaml,line=1,"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("3 more findings (3 errors) are not annotated"),
        "{}",
        run.stdout
    );
    // The Markdown summary leads with it too.
    let md = repo.relgate(&[
        "check",
        "--policies",
        &p.path(),
        "--base",
        "main",
        "--format",
        "markdown",
    ]);
    let findings = md.stdout.split_once("### Findings\n\n").unwrap().1;
    assert!(
        findings.starts_with("- ❌ **TAG-1** `zz/values.yaml:1`"),
        "{}",
        md.stdout
    );
}

/// Reuse of the head's results in the base: a pattern whose variable changes between
/// base and head (judged again), the flag's config files (facts reused), findings in
/// changed and unchanged files, an unchanged file that is not UTF-8.
const REUSE: &str = r#"version: 1
vars:
  old: {data: {file: settings.json, path: old}}
  real:
    flag: {name: ENABLE_REAL, files: ['**/*.env']}
policies:
  - id: TAG-1
    title: no latest image tags
    check:
      not_matches: {files: '**/*.yaml', patterns: ':latest\b'}
  - id: VER-1
    title: no mention of the retired version
    check:
      not_matches: {files: 'docs/*.md', patterns: 'version {old}\b'}
  - id: ENC-1
    title: docs are UTF-8
    check:
      encoding: {files: 'docs/*.md'}
  - id: MODE-1
    title: the docs say the payment mode
    check:
      matches: {files: 'docs/*.md', patterns: '^Mode: (real|sandbox)$'}
  - id: FLAG-1
    title: the real mode is off
    check:
      flag: {var: real, is: 'off'}
  - id: REC-1
    title: a flag change is recorded
    check:
      changes: {flag: real, must_modify: ledger.json}
"#;

/// `main` and a `change` branch off it that edits one chart, one config file and the
/// retired version (`old`: 1 → 2), leaving the rest (findings included) as it was.
fn reuse_repo() -> Repo {
    let repo = Repo::new();
    for c in ["a", "b", "c"] {
        repo.write(
            &format!("charts/{c}/values.yaml"),
            &format!("image: {c}:latest\n"),
        );
    }
    repo.write("settings.json", "{\"old\": \"1\"}\n")
        .write(
            "docs/guide.md",
            "Mode: sandbox\nSee version 1 for the old API.\n",
        )
        .write("docs/notes.md", "no mode here\n")
        .write("docs/other.md", "Mode: real\nversion 2 is next\n")
        .write_bytes("docs/latin.md", b"Mode: sandbox\ncaf\xe9\n", 0o644)
        .write("config/a.env", "ENABLE_REAL=1\n")
        .write("config/b.env", "ENABLE_REAL=0\n")
        .write("ledger.json", "[]\n")
        .commit_all("main");
    repo.git(&["branch", "-M", "main"]);
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write("charts/b/values.yaml", "image: b:1.0\n")
        .write("charts/d/values.yaml", "image: d:latest\n")
        .write("config/b.env", "ENABLE_REAL=1\n")
        .write("settings.json", "{\"old\": \"2\"}\n")
        .commit_all("change");
    repo
}

fn reuse_run(repo: &Repo, p: &Policies, extra: &[&str], reuse: bool) -> (i32, String) {
    let mut cmd = crate::common::relgate_command(repo.path());
    cmd.args(["check", "--policies", &p.path(), "--format", "json"])
        .args(extra);
    if !reuse {
        cmd.env("RELGATE_NO_REUSE", "1");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn the_base_reuses_the_heads_results_for_identical_blobs_with_the_same_output() {
    let p = Policies::new(REUSE);
    let repo = reuse_repo();
    for target in [&["--rev", "change"][..], &["--staged"][..]] {
        let args = [target, &["--base", "main"][..]].concat();
        let (code, reused) = reuse_run(&repo, &p, &args, true);
        let (code_full, full) = reuse_run(&repo, &p, &args, false);
        assert_eq!(code, 1, "{reused}");
        assert_eq!(code_full, code);
        // Byte for byte the output of judging the base in full.
        assert_eq!(reused, full, "{target:?}");
        let json: Value = serde_json::from_str(&reused).unwrap();
        let found: Vec<(String, String, Option<u64>, String)> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["policy"].as_str().unwrap().to_string(),
                    f["path"].as_str().unwrap_or("").to_string(),
                    f["line"].as_u64(),
                    f["baseline"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let s = &json["summary"];
        let summary = ["new", "unchanged", "fixed"].map(|k| s[k].as_u64().unwrap());
        type Found = (String, String, Option<u64>, String);
        let new =
            |id: &str, p: &str, l: Option<u64>| -> Found { (id.into(), p.into(), l, "new".into()) };
        let kept = |id: &str, p: &str, l: Option<u64>| -> Found {
            (id.into(), p.into(), l, "unchanged".into())
        };
        assert_eq!(
            found,
            [
                // The built-in note: 'old' moves from 1 to 2.
                new("RELGATE-VARS", "", None),
                kept("TAG-1", "charts/a/values.yaml", Some(1)),
                kept("TAG-1", "charts/c/values.yaml", Some(1)),
                new("TAG-1", "charts/d/values.yaml", Some(1)),
                // The base's flag facts of config/a.env are the head's.
                kept("FLAG-1", "config/a.env", Some(1)),
                new("FLAG-1", "config/b.env", Some(1)),
                new("REC-1", "config/b.env", Some(1)),
                kept("ENC-1", "docs/latin.md", Some(2)),
                kept("MODE-1", "docs/latin.md", Some(2)),
                kept("VER-1", "docs/latin.md", Some(2)),
                kept("MODE-1", "docs/notes.md", None),
                new("VER-1", "docs/other.md", Some(2)),
            ],
            "{target:?}"
        );
        // Fixed: the tag of chart b, and 'version 1' in the guide: the base judged it
        // again with its own 'old' (1), although the guide is the same blob.
        assert_eq!(summary, [5, 7, 2], "{target:?}");
    }
}

#[test]
fn the_base_reads_only_the_files_the_change_touched() {
    let p = Policies::new(REUSE);
    let repo = reuse_repo();
    let paths = |reuse: bool| {
        let (_, out) = reuse_run(
            &repo,
            &p,
            &["--rev", "change", "--base", "main", "--stats=paths"],
            reuse,
        );
        let json: Value = serde_json::from_str(&out).unwrap();
        // `change` branched from `main`: the merge base is main's tree, which is the
        // trusted tree too, listed once and counted under `trusted` (the policies come
        // from outside the repository: nothing else is read from it).
        assert!(json["stats"].get("base").is_none(), "{json}");
        json["stats"]["trusted"]["paths"].clone()
    };
    // The changed files, and the docs the retired version's pattern judges again.
    assert_eq!(
        paths(true),
        serde_json::json!([
            "charts/b/values.yaml",
            "config/b.env",
            "docs/guide.md",
            "docs/latin.md",
            "docs/notes.md",
            "docs/other.md",
            "settings.json"
        ])
    );
    // Without reuse, every file a check selects.
    assert_eq!(
        paths(false),
        serde_json::json!([
            "charts/a/values.yaml",
            "charts/b/values.yaml",
            "charts/c/values.yaml",
            "config/a.env",
            "config/b.env",
            "docs/guide.md",
            "docs/latin.md",
            "docs/notes.md",
            "docs/other.md",
            "settings.json"
        ])
    );
}
