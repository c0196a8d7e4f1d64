//! `--format github`: workflow commands escaped as the actions toolkit does.

use crate::common::*;
use crate::tools::*;

#[test]
fn github_annotations_are_escaped_like_the_toolkit() {
    let repo = failing_repo();
    let run = repo.relgate(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "::notice file=CHANGELOG.md,title=NOTE-1%3A Changelog | present::CHANGELOG.md does not exist",
            // `,` `:` `%` escaped in properties; CR LF and `%` in data, `:` `,` kept there.
            "::error file=docs/a%2Cb%3Ac%25.md,title=SIGN-1%3A Sign-off%3A present%2C dated::100%25 of docs need%0D%0Aa sign-off, a: b%0AAdd a line 'Signed: NAME'",
            "::error file=docs/support/dr-checklist.md,line=6,col=3,title=DR-002%3A Every DR checklist item is ticked::unticked item in section 'Release 2024-07-15': failover | drill%0ATick each item under '## Release 2024-07-15'.",
            "::warning file=releases/2024-07-15/app.bin,title=DR-007%3A Artifacts 0644::releases/2024-07-15/app.bin has mode 0755, expected 0644",
            "relgate: 5 policies: 1 passed, 4 failed, 0 skipped, 0 waived; 2 errors, 1 warning, 1 note",
        ]
    );
    // Every command line parses back to the finding it came from.
    let json = repo.relgate(&["check", "--format", "json"]).json();
    let findings = json["findings"].as_array().unwrap();
    let commands: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("::"))
        .collect();
    assert_eq!(commands.len(), findings.len());
    for (cmd, f) in commands.iter().zip(findings) {
        let (props, data) = parse_command(cmd);
        assert_eq!(props.get("file").map(String::as_str), f["path"].as_str());
        assert_eq!(
            props.get("line").map(|l| l.parse::<u64>().unwrap()),
            f["line"].as_u64()
        );
        assert!(data.starts_with(f["message"].as_str().unwrap()), "{data:?}");
        if let Some(help) = f["help"].as_str() {
            assert!(data.ends_with(&format!("\n{help}")), "{data:?}");
        }
    }
}

/// Reads a workflow command the way the runner does: split the properties on
/// `,` and `=`, then unescape.
fn parse_command(line: &str) -> (std::collections::BTreeMap<String, String>, String) {
    let rest = line.strip_prefix("::").unwrap();
    let (head, data) = rest.split_once("::").unwrap();
    let (_, props) = head.split_once(' ').unwrap_or((head, ""));
    let unescape = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    (props, unescape(data))
}

#[test]
fn github_reports_a_run_that_could_not_evaluate() {
    let dir = tempfile::tempdir().unwrap();
    let run = relgate_in(dir.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .starts_with("::error title=relgate%3A could not evaluate::"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("not inside a git repository"));
}

#[test]
fn github_passing_run_has_no_annotations() {
    let repo = passing_repo();
    let run = repo.relgate(&["check", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("::"), "{}", run.stdout);
}
