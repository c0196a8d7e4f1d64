//! `--format human`: the first line says what was judged, verdicts are coloured when
//! asked (and only with relgate's own escape codes), and lines fit the width.

use crate::common::*;

const POLICIES: &str = r"version: 1
vars:
  owner: team
policies:
  - id: P-PASS
    title: the README exists
    check: {exists: README.md}
  - id: P-FAIL
    title: the changelog exists
    check: {exists: CHANGELOG.md}
  - id: P-WARN
    title: the notes exist
    severity: warning
    check: {exists: NOTES.md}
  - id: P-SKIP
    title: only with a Dockerfile
    when: {exists: Dockerfile}
    check: {exists: README.md}
";

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# r\n").commit_all("c");
    repo
}

fn run(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let p = Policies::new(POLICIES);
    let mut cmd = relgate_command(repo.path());
    cmd.args(["check", "--policies", &p.path()]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

#[test]
fn verdicts_are_coloured_and_a_warning_below_fail_on_is_a_warn() {
    let repo = repo();
    let (code, out) = run(&repo, &["--color", "always"], &[]);
    assert_eq!(code, 1, "{out}");
    for line in [
        format!("{GREEN}✓ pass  {RESET}P-PASS the README exists"),
        format!("{RED}✗ fail  {RESET}P-FAIL the changelog exists (1 finding)"),
        format!("{YELLOW}⚠ warn  {RESET}P-WARN the notes exist (1 finding)"),
        format!(
            "{DIM}- skip  P-SKIP only with a Dockerfile (precondition does not hold: Dockerfile does not exist){RESET}"
        ),
        format!(
            "{RED}4 policies: 1 passed, 1 failed, 1 warned, 1 skipped, 0 waived; 1 error, 1 warning, 0 notes{RESET}"
        ),
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} not in\n{out}");
    }
    // With --fail-on warning the warning fails the run: a red fail.
    let (code, out) = run(&repo, &["--color", "always", "--fail-on", "warning"], &[]);
    assert_eq!(code, 1);
    let line = format!("{RED}✗ fail  {RESET}P-WARN the notes exist (1 finding)");
    assert!(out.lines().any(|l| l == line), "{out}");
    // A run that passes with a warning only: yellow summary, exit 0.
    repo.write("CHANGELOG.md", "x\n").commit_all("changelog");
    let (code, out) = run(&repo, &["--color", "always"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("{YELLOW}4 policies: 2 passed, 0 failed, 1 warned")),
        "{out}"
    );
    // Without colour: the same words, no escape.
    let (_, plain) = run(&repo, &["--color", "never"], &[("CLICOLOR_FORCE", "1")]);
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(
        plain.contains("\n⚠ warn  P-WARN the notes exist (1 finding)\n"),
        "{plain}"
    );
}

#[test]
fn a_run_with_only_a_note_says_noted_and_counts_in_the_singular() {
    let repo = Repo::new();
    repo.write("README.md", "x\n").commit_all("c");
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: N\n    title: notes exist\n    severity: note\n    check: {exists: NOTES.md}\n",
    );
    let human = repo.relgate(&["check", "--policies", &p.path()]);
    assert_eq!(human.code, 0, "{}", human.stdout);
    assert!(
        human
            .stdout
            .ends_with("\n1 policy: 0 passed, 0 failed, 1 noted, 0 skipped, 0 waived; 0 errors, 0 warnings, 1 note\n"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("warned"), "{}", human.stdout);
    let gh = repo.relgate(&["check", "--policies", &p.path(), "--format", "github"]);
    assert!(
        gh.stdout
            .ends_with("\nrelgate: 1 policy: 0 passed, 1 failed, 0 skipped, 0 waived; 0 errors, 0 warnings, 1 note\n"),
        "{}",
        gh.stdout
    );
}

#[test]
fn colour_follows_color_then_no_color_then_clicolor_force() {
    let repo = repo();
    for (args, env, coloured) in [
        (&[][..], &[][..], false), // not a terminal, NO_COLOR=1 (the harness)
        (&["--color", "always"][..], &[][..], true),
        (
            &["--color", "auto"][..],
            &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")][..],
            true,
        ),
        (&[][..], &[("CLICOLOR_FORCE", "1")][..], false), // NO_COLOR wins
        (
            &["--color", "never"][..],
            &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")][..],
            false,
        ),
        (
            &[][..],
            &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "0")][..],
            false,
        ),
    ] {
        let (code, out) = run(&repo, args, env);
        assert_eq!(code, 1);
        assert_eq!(out.contains('\x1b'), coloured, "{args:?} {env:?}:\n{out}");
    }
    // A file written with --output is never coloured.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let (_, out) = run(
        &repo,
        &["--color", "always", "--output", file.to_str().unwrap()],
        &[],
    );
    assert_eq!(out, "");
    assert!(!std::fs::read_to_string(&file).unwrap().contains('\x1b'));
}

#[test]
fn colour_never_lets_the_repository_write_an_escape() {
    let repo = Repo::new();
    repo.write("README.md", "# r\n")
        .write("bad\x1b[31mname\x1b]52;c;eA==\x07.pem", "k\n")
        .commit_all("c");
    let p = Policies::new(
        "version: 1\npolicies:\n  - id: KEYS\n    title: no key\n    check: {absent: '**/*.pem'}\n",
    );
    let out = relgate_command(repo.path())
        .args(["check", "--policies", &p.path(), "--color", "always"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.contains("bad\\x1b[31mname\\x1b]52;c;eA==\\x07.pem"),
        "{out}"
    );
    // Every ESC on standard output starts one of relgate's or miette's SGR codes.
    for (i, _) in out.match_indices('\x1b') {
        let rest = &out[i + 1..];
        let code: String = rest
            .chars()
            .skip(1)
            .take_while(|c| c.is_ascii_digit() || *c == ';')
            .collect();
        assert!(
            rest.starts_with('[') && rest[1 + code.len()..].starts_with('m'),
            "not an SGR code at {i}: {:?}",
            &out[i..(i + 12).min(out.len())]
        );
    }
}

#[test]
fn the_first_line_says_what_was_judged() {
    let repo = repo();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let short = &head[..12];
    repo.write("CHANGELOG.md", "x\n").commit_all("second");
    let second = repo.git(&["rev-parse", "HEAD"]);
    for (args, first) in [
        (
            &[][..],
            format!(
                "judged: the working tree at HEAD {}; vars: owner=team",
                &second[..12]
            ),
        ),
        (
            &["--staged"][..],
            format!(
                "judged: the index (staged) at HEAD {}; vars: owner=team",
                &second[..12]
            ),
        ),
        (
            &["--rev", "HEAD~1"][..],
            format!("judged: commit {short}; vars: owner=team"),
        ),
        (
            &["--base", "HEAD~1"][..],
            format!(
                "judged: the working tree at HEAD {}, changes since base {short}; vars: owner=team",
                &second[..12]
            ),
        ),
    ] {
        let (_, out) = run(&repo, args, &[]);
        assert_eq!(out.lines().next(), Some(first.as_str()), "{args:?}:\n{out}");
    }
}

/// The width: COLUMNS, else the terminal's, else 100; 80 columns wrap no line.
#[test]
fn lines_fit_the_width() {
    let repo = Repo::reference();
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] Integridade de dados validada",
        "- [ ] Integridade de dados validada",
    )
    .commit_all("unticked");
    let args = [
        "check",
        "--pack",
        "billing-gateway-dr",
        "--now",
        "2024-07-20T12:00:00Z",
        "--var",
        "release=2024-07-15",
    ];
    let widest = |columns: Option<&str>| {
        let mut cmd = relgate_command(repo.path());
        cmd.args(args);
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    };
    assert!(widest(None) > 80, "the default width is 100");
    assert!(widest(None) <= 100);
    assert!(widest(Some("80")) <= 80);
    assert!(widest(Some("60")) <= 60);
}
