//! Paths from the repository root: with PATH a subdirectory (the action's `path`
//! input), every report names files from the top of the repository, so GitHub
//! annotations and SARIF locations point at the right file; policies' globs stay
//! relative to PATH.

use crate::common::*;

const POLICIES: &str = "version: 1
policies:
  - id: C
    title: ticked
    check:
      checklist: {file: docs/list.md}
  - id: W
    title: No TODO in the docs
    check: {not_matches: {files: 'docs/*.md', patterns: TODO}}
  - id: N
    title: not a release
    check: {exists: 'docs/{release}.md'}
vars:
  release: {description: the release date}
waivers:
  - policy: W
    paths: ['docs/a.md']
    reason: Legacy doc, DOC-12
    approved_by: Ana <ana@example.com>
    expires: 2024-09-01
";

const NOW: &str = "2024-07-20";

/// A repository whose `svc/` folder has its own policies and a failing checklist, and
/// whose top has files of the same names that would pass.
fn repo() -> Repo {
    let r = Repo::new();
    r.write("svc/.relgate/config.yaml", POLICIES)
        .write("svc/docs/list.md", "# List\n- [ ] a\n")
        .write("svc/docs/a.md", "TODO: write\n")
        .write("docs/list.md", "- [x] a\n")
        .write("docs/a.md", "TODO: top\n")
        .commit_all("c");
    r
}

#[test]
fn json_names_files_from_the_top_and_says_where_path_is() {
    let repo = repo();
    let r = repo.relgate(&["check", "svc", "--now", NOW, "--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.findings(),
        vec![
            f("N", "", None),
            f("W", "svc/docs/a.md", Some(1)),
            f("C", "svc/docs/list.md", Some(2)),
        ]
    );
    let j = r.json();
    assert_eq!(j["target"]["path"], "svc");
    assert_eq!(j["target"]["prefix"], "svc");
    let n = &j["findings"][0];
    assert_eq!(n["subject"]["kind"], "policy");
    assert_eq!(n["subject"]["file"], "svc/.relgate/config.yaml");
    assert_eq!(n["subject"]["line"], 10);
    assert_eq!(j["policies"][0]["source"], "svc/.relgate/config.yaml:3:5");
    let w = &j["findings"][1];
    assert_eq!(w["waived"]["path"], "svc/.relgate/config.yaml");
    assert_eq!(w["waived"]["line"], 16);
    assert_eq!(w["snippet"], "TODO: write");
    // The same run from inside the folder, and at a revision: the same paths.
    let inside = relgate_in(
        &repo.path().join("svc"),
        &["check", ".", "--now", NOW, "--format", "json"],
    );
    assert_eq!(inside.findings(), r.findings());
    assert_eq!(inside.json()["target"]["prefix"], "svc");
    let rev = repo.relgate(&[
        "check", "svc", "--now", NOW, "--rev", "HEAD", "--format", "json",
    ]);
    assert_eq!(rev.findings(), r.findings());
    // At the top, the prefix is empty and paths are as they were.
    let top = Policies::new(POLICIES);
    let r = repo.relgate(&[
        "check",
        "--policies",
        &top.path(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(r.json()["target"]["prefix"], "");
    assert_eq!(
        r.findings(),
        vec![f("N", "", None), f("W", "docs/a.md", Some(1))]
    );
}

#[test]
fn github_sarif_human_and_markdown_point_at_the_right_file() {
    let repo = repo();
    let gh = repo.relgate(&["check", "svc", "--now", NOW, "--format", "github"]);
    assert_eq!(gh.code, 1, "{}", gh.stderr);
    let files: Vec<&str> = gh
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("::error file="))
        .map(|l| &l[..l.find(",title").unwrap()])
        .collect();
    assert_eq!(
        files,
        [
            "svc/.relgate/config.yaml,line=10,col=5",
            "svc/docs/list.md,line=2,col=3"
        ]
    );
    let sarif = repo.relgate(&["check", "svc", "--now", NOW, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let uris: Vec<(&str, u64)> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let p = &r["locations"][0]["physicalLocation"];
            (
                p["artifactLocation"]["uri"].as_str().unwrap(),
                p["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        uris,
        [
            ("svc/.relgate/config.yaml", 10),
            ("svc/docs/a.md", 1),
            ("svc/docs/list.md", 2)
        ]
    );
    let human = repo.relgate(&["check", "svc", "--now", NOW]);
    assert!(
        human.stdout.contains("svc/docs/list.md:2"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains(" docs/list.md"), "{}", human.stdout);
    let md = repo.relgate(&["check", "svc", "--now", NOW, "--format", "markdown"]);
    assert!(md.stdout.contains("svc/docs/list.md"), "{}", md.stdout);
    assert!(md.stdout.contains("svc/docs/a.md"), "{}", md.stdout);
}
