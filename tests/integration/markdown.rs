//! Markdown out and in: `--format markdown` (a job summary / pull-request comment), and
//! Markdown inputs read as GitHub renders them (the billing pack's DR-001..DR-003 on a checklist
//! that hides, quotes or fences its items).

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

// ---- Markdown inputs: the billing pack on a hostile checklist --------------------------------

const PACK: &str = "billing-gateway-dr";
const NOW: &str = "2024-07-20T12:00:00Z";
const CHECKLIST: &str = "docs/support/dr-checklist.md";

/// The reference checklist's head (lines 1-4), before `## Release 2024-07-15`.
const HEAD: &str = "# Checklist de DR\n\nUm bloco por release. Todos os itens marcados e a assinatura registrada antes do deploy.\n\n";
const SIGNED: &str = "Assinatura: Maria Souza <maria.souza@example.com> — 2024-07-15\n";
/// The reference checklist's older release, after the active one.
const OLDER: &str = "\n## Release 2024-06-03\n\n- [x] Runbook de recuperação revisado (rev. 2024-06-03)\n\nAssinatura: João Lima <joao.lima@example.com> — 2024-06-03\n";

type Finding = (String, String, Option<u64>);

/// The reference repository with its checklist replaced by HEAD + `body` + OLDER, and the
/// pack's findings `(policy, path, line)` sorted, with the ids of the failing policies.
fn pack_on_checklist(body: &str) -> (Run, Vec<Finding>, Vec<String>) {
    let repo = Repo::reference();
    repo.write(CHECKLIST, &format!("{HEAD}{body}{OLDER}"))
        // Its owner signs it (DR-017); these tests are about what the checklist says.
        .sign("checklist-test", CHECKLIST);
    let run = repo.relgate(&["check", "--pack", PACK, "--format", "json", "--now", NOW]);
    let mut findings = run.findings();
    findings.sort();
    let failing = run.json()["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .filter(|p| p["status"] == "fail")
        .map(|p| p["id"].as_str().unwrap_or("").to_string())
        .collect();
    (run, findings, failing)
}

#[test]
fn reference_checklist_rebuilt_by_these_tests_passes() {
    let body = format!("## Release 2024-07-15\n\n- [x] Runbook\n- [x] Contatos\n\n{SIGNED}");
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(findings, [], "{}", run.stdout);
    assert!(failing.is_empty());
}

#[test]
fn a_ticked_copy_in_an_html_comment_does_not_pass_dr002() {
    // Lines 5-12: the hidden copy; 14: the visible heading; 17: the visible unticked item.
    let body = format!(
        "<!--\n## Release 2024-07-15\n\n- [x] Runbook\n- [x] Contatos\n\n{SIGNED}-->\n\n\
         ## Release 2024-07-15\n\n- [x] Runbook\n- [ ] Contatos\n\n{SIGNED}"
    );
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(
        findings,
        [f("DR-002", CHECKLIST, Some(17))],
        "{}",
        run.stdout
    );
    assert_eq!(failing, ["DR-002"]);
    assert_eq!(
        run.messages(),
        ["unticked item in section 'Release 2024-07-15': Contatos"]
    );
}

#[test]
fn a_hidden_heading_or_signature_does_not_count() {
    // Only a commented-out section: no visible heading for DR-001..DR-003.
    let body = format!("<!--\n## Release 2024-07-15\n\n- [x] Runbook\n\n{SIGNED}-->\n");
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(
        findings,
        [
            f("DR-001", CHECKLIST, None),
            f("DR-002", CHECKLIST, None),
            f("DR-003", CHECKLIST, None)
        ],
        "{}",
        run.stdout
    );
    assert_eq!(failing, ["DR-001", "DR-002", "DR-003"]);
    // The signature in a comment or a code block is not a signature: DR-003 at the heading.
    for hidden in [
        format!("<!-- {} -->\n", SIGNED.trim_end()),
        format!("```\n{SIGNED}```\n"),
        format!("    {SIGNED}"),
    ] {
        let body = format!("## Release 2024-07-15\n\n- [x] Runbook\n\n{hidden}");
        let (run, findings, failing) = pack_on_checklist(&body);
        assert_eq!(
            findings,
            [f("DR-003", CHECKLIST, Some(5))],
            "{hidden}: {}",
            run.stdout
        );
        assert_eq!(failing, ["DR-003"]);
    }
}

#[test]
fn an_unticked_item_in_a_block_quote_is_a_finding() {
    let body = format!(
        "## Release 2024-07-15\n\n- [x] Runbook\n> Nota da auditoria:\n> - [ ] Contatos\n>\n> > 1) [ ] Restauração\n\n{SIGNED}"
    );
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(
        findings,
        [
            f("DR-002", CHECKLIST, Some(9)),
            f("DR-002", CHECKLIST, Some(11))
        ],
        "{}",
        run.stdout
    );
    assert_eq!(failing, ["DR-002"]);
}

/// Renderers disagree: markdown-it shows a box on the line after an empty item line,
/// cmark-gfm does not; the gate reads the box (the reading that fails). A ticked box
/// with nothing after it (no box for either renderer) does not make the section pass.
#[test]
fn a_box_only_some_renderers_show_is_read_as_unticked() {
    // Line 8: `-`; line 9: its box.
    let body = format!("## Release 2024-07-15\n\n- [x] Runbook\n-\n  [ ] Contatos\n\n{SIGNED}");
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(
        findings,
        [f("DR-002", CHECKLIST, Some(9))],
        "{}",
        run.stdout
    );
    assert_eq!(failing, ["DR-002"]);
    assert_eq!(
        run.messages(),
        ["unticked item in section 'Release 2024-07-15': Contatos"]
    );
    // `- [x]` alone is no item: the section has none to tick.
    let body = format!("## Release 2024-07-15\n\n- [x]\n\n{SIGNED}");
    let (run, findings, _) = pack_on_checklist(&body);
    assert_eq!(
        findings,
        [f("DR-002", CHECKLIST, Some(5))],
        "{}",
        run.stdout
    );
}

#[test]
fn boxes_in_comments_html_and_code_are_not_items() {
    let body = format!(
        "## Release 2024-07-15\n\n- [x] Runbook\n\n\
         <!--\n- [ ] (R) template item\n\n- [ ] (R) another\n-->\n\n\
         ```markdown\n- [ ] example\n```\n\n\
         ~~~\n* [ ] example\n~~~\n\n    - [ ] indented code\n\n\
         <div>\n- [ ] html block\n</div>\n\n\
         Texto com <!-- - [ ] inline --> comentário.\n\n{SIGNED}"
    );
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(findings, [], "{}", run.stdout);
    assert!(failing.is_empty());
    // The same boxes, and nothing else in the section: no task item at all.
    let only_hidden = body.replace("- [x] Runbook\n", "");
    let (run, findings, _) = pack_on_checklist(&only_hidden);
    assert_eq!(
        findings,
        [f("DR-002", CHECKLIST, Some(5))],
        "{}",
        run.stdout
    );
    assert!(
        run.messages()[0].contains("has no task item"),
        "{:?}",
        run.messages()
    );
}

#[test]
fn an_unclosed_fence_in_a_list_item_ends_with_the_item() {
    // The fence opened in the first item closes at the end of that item: the unticked item
    // (line 10), the signature and the older release's heading after it are all read.
    let body = format!(
        "## Release 2024-07-15\n\n- [x] Runbook\n  ```sh\n  ./restore.sh\n- [ ] Contatos\n\n{SIGNED}"
    );
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(
        findings,
        [f("DR-002", CHECKLIST, Some(10))],
        "{}",
        run.stdout
    );
    assert_eq!(failing, ["DR-002"]);
}

#[test]
fn a_setext_heading_is_a_section() {
    // DR-001 asks for the ATX line itself ('^## Release …'): a setext heading does not satisfy
    // it. DR-002 and DR-003 read the setext section, up to the older release's heading.
    let body = format!("Release 2024-07-15\n---\n\n- [x] Runbook\n- [ ] Contatos\n\n{SIGNED}");
    let (run, findings, failing) = pack_on_checklist(&body);
    assert_eq!(
        findings,
        [
            f("DR-001", CHECKLIST, None),
            f("DR-002", CHECKLIST, Some(9))
        ],
        "{}",
        run.stdout
    );
    assert_eq!(failing, ["DR-001", "DR-002"]);
}

#[test]
fn raw_searches_what_rendering_hides() {
    let repo = Repo::new();
    repo.write(
        "docs/notes.md",
        "# Notas\n\n<!-- TODO: remover -->\n```\nTODO\n```\nfeito\n",
    );
    let policies = |raw: bool| {
        format!(
            "version: 1\npolicies:\n  - id: T\n    title: t\n    check:\n      not_matches: {{files: 'docs/*.md', patterns: TODO, raw: {raw}}}\n"
        )
    };
    let run = repo.check_yaml(&policies(false), &[]);
    assert_eq!(run.findings(), [], "{}", run.stdout);
    let run = repo.check_yaml(&policies(true), &[]);
    assert_eq!(
        run.findings(),
        [
            f("T", "docs/notes.md", Some(3)),
            f("T", "docs/notes.md", Some(5))
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn a_kep_with_the_template_checklist_commented_out() {
    // kubernetes/enhancements KEP 4402 (tests/corpora/commonmark/kep, Apache 2.0): lines 6-17
    // hold the template's instructions, commented out, with four `- [ ]` boxes.
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpora/commonmark/kep");
    let text = std::fs::read_to_string(format!("{corpus}/4402-go-workspaces.md")).unwrap();
    let expected = std::fs::read_to_string(format!("{corpus}/expected.tsv")).unwrap();
    let unticked: Vec<Option<u64>> = expected
        .lines()
        .filter_map(|l| l.strip_prefix("4402-go-workspaces.md\t[ ]\t"))
        .map(|n| Some(n.parse().unwrap()))
        .collect();
    assert_eq!(unticked.len(), 14);
    let repo = Repo::new();
    repo.write("keps/4402/README.md", &text);
    let run = repo.check_yaml(
        "version: 1\npolicies:\n  - id: KEP\n    title: t\n    check:\n      checklist: {file: keps/4402/README.md}\n",
        &[],
    );
    let lines: Vec<Option<u64>> = run.findings().into_iter().map(|f| f.2).collect();
    assert_eq!(lines, unticked, "{}", run.stdout);
    assert!(lines.iter().all(|l| l.unwrap() > 17));
    // In its section, every box is unticked: one finding per item of the rendered list.
    let run = repo.check_yaml(
        "version: 1\npolicies:\n  - id: KEP\n    title: t\n    check:\n      checklist: {file: keps/4402/README.md, section: Release Signoff Checklist}\n",
        &[],
    );
    assert_eq!(run.findings().len(), 14, "{}", run.stdout);
}
