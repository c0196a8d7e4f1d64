//! Acceptance tests of the shipped `billing-gateway-dr` pack (DR-001..DR-021 of
//! spec/REFERENCE-REPO.md): the reference repository passes, one mutation per policy fails
//! at exact places, a renamed copy of the pack works on a renamed repository, and `init`.

use crate::common::*;

const PACK: &str = "billing-gateway-dr";
const NOW: &str = "2024-07-20T12:00:00Z";
const CHECKLIST: &str = "docs/support/dr-checklist.md";
const LEDGER: &str = "releases/ledger.json";
const README: &str = "releases/2024-07-15/README.md";
const PROD_ENV: &str = "config/production.env";
const STEERING: &str = "docs/compliance/approvals/2024-07-15/steering.md";
const EVIDENCE: &str = "releases/2024-07-15/evidence/real_gateway.xml";
const RUNBOOKS: &str = "quality/observability/runbooks";

const ALL: [&str; 21] = [
    "DR-001", "DR-002", "DR-003", "DR-004", "DR-005", "DR-006", "DR-007", "DR-008", "DR-009",
    "DR-010", "DR-011", "DR-012", "DR-013", "DR-014", "DR-015", "DR-016", "DR-017", "DR-018",
    "DR-019", "DR-020", "DR-021",
];

/// What pytest writes for `pytest -m real_gateway -o junit_suite_name=real_gateway --junitxml=…`.
const GOOD_JUNIT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="real_gateway" errors="0" failures="0" skipped="0" tests="3" time="1.204" timestamp="2024-07-16T08:00:00.000000" hostname="ci">
<testcase classname="tests.test_real_gateway" name="test_charge" time="0.401" />
<testcase classname="tests.test_real_gateway" name="test_refund" time="0.402" />
<testcase classname="tests.test_real_gateway" name="test_idempotency" time="0.401" />
</testsuite></testsuites>
"#;

type F = (String, String, Option<u64>);

/// Signs what the pack wants signed, as the people who own it would after each edit:
/// the checklist (DR-017) and the release's steering approval (DR-009) when present.
fn sign(repo: &Repo) {
    if repo.path().join(CHECKLIST).is_file() {
        repo.sign("checklist-test", CHECKLIST);
    }
    let steering = "docs/compliance/approvals/2024-07-15/steering.md";
    if repo.path().join(steering).is_file() {
        repo.sign("steering-test", steering);
    }
}

/// The pack, JSON, at `now` (after [`sign`]).
fn check_at(repo: &Repo, now: &str, extra: &[&str]) -> Run {
    sign(repo);
    check_unsigned(repo, now, extra)
}

/// The pack, JSON, at `now`, without signing anything first.
fn check_unsigned(repo: &Repo, now: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--pack", PACK, "--format", "json", "--now", now];
    args.extend_from_slice(extra);
    repo.relgate(&args)
}

fn check(repo: &Repo, extra: &[&str]) -> Run {
    check_at(repo, NOW, extra)
}

fn sorted(mut v: Vec<F>) -> Vec<F> {
    v.sort();
    v
}

/// The findings of the run, sorted, compared with `want` (sorted too).
#[track_caller]
fn assert_findings(r: &Run, want: Vec<F>) {
    assert_eq!(sorted(r.findings()), sorted(want), "{}", r.stdout);
}

/// The findings of one policy.
fn findings_of(r: &Run, id: &str) -> Vec<F> {
    sorted(r.findings().into_iter().filter(|f| f.0 == id).collect())
}

/// `(policy, severity, message)` of every finding.
fn details(r: &Run) -> Vec<(String, String, String)> {
    r.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["policy"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn severities(r: &Run, id: &str) -> Vec<String> {
    details(r)
        .into_iter()
        .filter(|d| d.0 == id)
        .map(|d| d.1)
        .collect()
}

fn messages(r: &Run, id: &str) -> Vec<String> {
    details(r)
        .into_iter()
        .filter(|d| d.0 == id)
        .map(|d| d.2)
        .collect()
}

/// The ids of the policies whose status is `status`.
fn with_status(r: &Run, status: &str) -> Vec<String> {
    r.json()["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .filter(|p| p["status"] == status)
        .map(|p| p["id"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Exactly these policies fail; every other one passes or is skipped as usual.
#[track_caller]
fn assert_failed(r: &Run, ids: &[&str]) {
    assert_eq!(with_status(r, "fail"), ids, "{}", r.stdout);
    assert_eq!(r.json()["summary"]["policies"], 21);
}

/// Appends an entry to the reference ledger (after its last entry, line 4): it lands on line 5.
fn append_ledger(repo: &Repo, entry: &str) {
    repo.edit(
        LEDGER,
        r#""by": "Maria Souza"}"#,
        &format!("\"by\": \"Maria Souza\"}},\n  {entry}"),
    );
}

fn approve(repo: &Repo, date: &str) {
    repo.write(
        STEERING,
        &format!(
            "# Aprovação do steering — real billing\n\nAprovado por: Ana Lima <ana@example.com> — {date}\nRelease: 2024-07-15\n\nLiberado: BILLING_GATEWAY_ENABLE_REAL=1 a partir de 2024-07-16.\n"
        ),
    );
}

fn flag_on(repo: &Repo) {
    repo.edit(
        PROD_ENV,
        "BILLING_GATEWAY_ENABLE_REAL=0",
        "BILLING_GATEWAY_ENABLE_REAL=1",
    );
}

/// Real billing switched on as the manual wants it, but for the evidence: the flag, the
/// steering approval, the README and the ledger.
fn real_on(repo: &Repo) {
    flag_on(repo);
    approve(repo, "2024-07-14");
    repo.edit(
        README,
        "Modo de pagamentos: sandbox",
        "Modo de pagamentos: real",
    );
    append_ledger(
        repo,
        r#"{"date": "2024-07-16T09:00:00Z", "release": "2024-07-15", "event": "activation", "flag": 1, "by": "Ana Lima"}"#,
    );
}

// ---------------------------------------------------------------------------------------
// The reference repository

#[track_caller]
fn assert_reference_passes(r: &Run) {
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.findings(), vec![]);
    let v = r.json();
    assert_eq!(v["vars"]["release"], "2024-07-15");
    assert_eq!(v["vars"]["real_billing"], "off");
    assert_eq!(v["summary"]["policies"], 21);
    assert_eq!(v["summary"]["passed"], 19);
    assert_eq!(v["summary"]["skipped"], 2);
    assert_eq!(with_status(r, "skip"), ["DR-010", "DR-016"]);
    let ids: Vec<&str> = v["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ALL);
    let reason = |id: &str| {
        v["policies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["reason"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(
        reason("DR-010").contains("BILLING_GATEWAY_ENABLE_REAL is off"),
        "{}",
        reason("DR-010")
    );
    assert!(
        reason("DR-016").contains("needs --base"),
        "{}",
        reason("DR-016")
    );
}

#[test]
fn the_reference_repository_passes_every_policy() {
    let repo = Repo::reference();
    assert_reference_passes(&check(&repo, &[]));
    assert_reference_passes(&check(&repo, &["--staged"]));
    assert_reference_passes(&check(&repo, &["--rev", "HEAD"]));
    // The human report says so too.
    let human = repo.relgate(&["check", "--pack", PACK, "--now", NOW]);
    assert_eq!(human.code, 0);
    assert!(
        human
            .stdout
            .contains("21 policies: 19 passed, 0 failed, 2 skipped"),
        "{}",
        human.stdout
    );
}

// ---------------------------------------------------------------------------------------
// DR-001 .. DR-003: the checklist

#[test]
fn dr001_the_release_heading_is_a_level_two_heading() {
    let repo = Repo::reference();
    repo.edit(CHECKLIST, "## Release 2024-07-15", "### Release 2024-07-15");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-001", CHECKLIST, None)]);
    assert_failed(&r, &["DR-001"]);
    assert_eq!(severities(&r, "DR-001"), ["error"]);
    assert!(messages(&r, "DR-001")[0].contains("^## Release 2024-07-15"));
}

#[test]
fn dr001_a_checklist_for_another_release_or_none_at_all() {
    let repo = Repo::reference();
    repo.edit(CHECKLIST, "## Release 2024-07-15", "## Release 2024-07-14");
    let r = check(&repo, &[]);
    assert_findings(
        &r,
        vec![
            f("DR-001", CHECKLIST, None),
            f("DR-002", CHECKLIST, None),
            f("DR-003", CHECKLIST, None),
        ],
    );
    assert_failed(&r, &["DR-001", "DR-002", "DR-003"]);

    repo.remove(CHECKLIST);
    let r = check(&repo, &[]);
    assert_findings(
        &r,
        vec![
            f("DR-001", CHECKLIST, None),
            f("DR-002", CHECKLIST, None),
            f("DR-003", CHECKLIST, None),
            f("DR-017", CHECKLIST, None),
        ],
    );
    for id in ["DR-001", "DR-002", "DR-003"] {
        assert_eq!(
            messages(&r, id),
            ["docs/support/dr-checklist.md does not exist"]
        );
    }
}

#[test]
fn dr002_one_unticked_item_at_its_line() {
    let repo = Repo::reference();
    repo.edit(
        CHECKLIST,
        "- [x] Integridade de dados validada com quality/pci.py\n- [x] Permissões",
        "- [ ] Integridade de dados validada com quality/pci.py\n- [x] Permissões",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-002", CHECKLIST, Some(9))]);
    assert_failed(&r, &["DR-002"]);
    assert_eq!(severities(&r, "DR-002"), ["error"]);
    assert!(messages(&r, "DR-002")[0].contains("Integridade de dados validada"));
}

#[test]
fn dr002_every_task_syntax_and_subsections_count_the_older_release_does_not() {
    let repo = Repo::reference();
    // `* [ ]` at line 10; a level-3 heading does not end the section: its item counts too.
    repo.edit(
        CHECKLIST,
        "- [x] Permissões dos artefatos conferidas em 0644",
        "* [ ] Permissões dos artefatos conferidas em 0644",
    )
    .edit(
        CHECKLIST,
        "- [x] Contatos de DR confirmados no runbook de recuperação\n",
        "- [X] Contatos de DR confirmados no runbook de recuperação\n### Extra\n1. [ ] Teste de restauração\n",
    )
    // The 2024-06-03 section is not the active release's.
    .edit(
        CHECKLIST,
        "- [x] Runbook de recuperação revisado (rev. 2024-06-03)",
        "- [ ] Runbook de recuperação revisado (rev. 2024-06-03)",
    );
    let r = check(&repo, &[]);
    assert_findings(
        &r,
        vec![
            f("DR-002", CHECKLIST, Some(10)),
            f("DR-002", CHECKLIST, Some(13)),
        ],
    );
    assert_failed(&r, &["DR-002"]);
}

#[test]
fn dr002_a_section_without_task_items_fails() {
    let repo = Repo::reference();
    let text = repo.read(CHECKLIST);
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| !(6..=10).contains(i))
        .map(|(_, l)| l)
        .collect();
    repo.write(CHECKLIST, &(kept.join("\n") + "\n"));
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-002", CHECKLIST, Some(5))]);
    assert!(messages(&r, "DR-002")[0].contains("no task item"));
    assert_failed(&r, &["DR-002"]);
}

#[test]
fn dr003_signature_missing() {
    let repo = Repo::reference();
    repo.edit(
        CHECKLIST,
        "Assinatura: Maria Souza <maria.souza@example.com> — 2024-07-15\n",
        "",
    );
    let r = check(&repo, &[]);
    // At the section's heading; the older release's signature does not count.
    assert_findings(&r, vec![f("DR-003", CHECKLIST, Some(5))]);
    assert_failed(&r, &["DR-003"]);
    assert_eq!(severities(&r, "DR-003"), ["error"]);
}

#[test]
fn dr003_signature_dated_before_the_release_or_in_the_future() {
    let repo = Repo::reference();
    repo.edit(CHECKLIST, "— 2024-07-15\n", "— 2024-07-14\n");
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-003", CHECKLIST, Some(13))]);
    assert_eq!(
        messages(&r, "DR-003"),
        ["date 2024-07-14 is before release 2024-07-15"]
    );
    assert_failed(&r, &["DR-003"]);

    // The day after --now.
    repo.edit(CHECKLIST, "— 2024-07-14\n", "— 2024-07-21\n");
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-003", CHECKLIST, Some(13))]);
    assert!(messages(&r, "DR-003")[0].contains("is after now"));
    // The same signature once that day has come.
    let r = check_at(&repo, "2024-07-21T08:00:00Z", &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);

    // Signed today (by UTC day), with the other separators.
    for sep in ["-", "–"] {
        let repo = Repo::reference();
        repo.edit(CHECKLIST, "— 2024-07-15\n", &format!("{sep} 2024-07-20\n"));
        let r = check(&repo, &[]);
        assert_eq!(r.code, 0, "{sep}: {}", r.stdout);
    }
}

// ---------------------------------------------------------------------------------------
// DR-004 .. DR-006: the runbooks

#[test]
fn dr004_one_finding_per_missing_runbook() {
    let repo = Repo::reference();
    let escalation = format!("{RUNBOOKS}/escalation-l2.md");
    repo.remove(&escalation);
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    // DR-019 reads the same runbook for its specialists matrix (a warning).
    assert_findings(
        &r,
        vec![
            f("DR-004", &escalation, None),
            f("DR-019", &escalation, None),
        ],
    );
    assert_failed(&r, &["DR-004", "DR-019"]);

    repo.remove("docs/observability-stack.md");
    let r = check(&repo, &[]);
    assert_findings(
        &r,
        vec![
            f("DR-004", &escalation, None),
            f("DR-004", "docs/observability-stack.md", None),
            f("DR-019", &escalation, None),
        ],
    );
    assert_eq!(severities(&r, "DR-004"), ["error", "error"]);
}

#[test]
fn dr005_a_stale_revision_is_a_warning() {
    let repo = Repo::reference();
    let runbook = format!("{RUNBOOKS}/disaster-recovery.md");
    repo.edit(&runbook, "rev. 2024-07-15", "rev. 2024-06-03");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0, "a warning alone does not fail the run");
    assert_findings(&r, vec![f("DR-005", &runbook, Some(3))]);
    assert_eq!(severities(&r, "DR-005"), ["warning"]);
    assert_eq!(
        messages(&r, "DR-005"),
        ["rev 2024-06-03 is before release 2024-07-15"]
    );
    assert_failed(&r, &["DR-005"]);
    assert_eq!(r.json()["summary"]["warnings"], 1);
    assert_eq!(r.json()["summary"]["errors"], 0);
    let r = check(&repo, &["--fail-on", "warning"]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-005", &runbook, Some(3))]);

    // No revision line at all.
    repo.edit(&runbook, "rev. 2024-06-03\n", "");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0);
    assert_findings(&r, vec![f("DR-005", &runbook, None)]);
}

#[test]
fn dr006_a_missing_alert_is_a_warning() {
    let repo = Repo::reference();
    let alerts = format!("{RUNBOOKS}/critical-alerts.md");
    repo.edit(
        &alerts,
        "- BillingGatewayIdempotency: chaves de idempotência repetidas acima de 0,5% em 5 minutos.\n",
        "",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0);
    assert_findings(&r, vec![f("DR-006", &alerts, None)]);
    assert_eq!(severities(&r, "DR-006"), ["warning"]);
    assert_failed(&r, &["DR-006"]);
    let r = check(&repo, &["--fail-on", "warning"]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-006", &alerts, None)]);
    // A record filed in a sub-folder counts.
    repo.write(
        "docs/compliance/approvals/2024-07-15/tickets/SUP-L2-0142.md",
        "# SUP-L2-0142\n",
    );
    assert_eq!(check(&repo, &[]).status("DR-014"), "pass");
}

// ---------------------------------------------------------------------------------------
// DR-018 .. DR-021: the tools and texts support relies on during an incident

const LOCK: &str = "scripts/compliance/lock_permissions.sh";
const ROLLBACK: &str = "scripts/finops/rollback_and_tag.py";

#[test]
fn dr018_a_missing_tool_once_each() {
    let repo = Repo::reference();
    repo.remove("quality/pci.py").remove(ROLLBACK);
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(
        &r,
        vec![
            f("DR-018", "quality/pci.py", None),
            f("DR-018", ROLLBACK, None),
        ],
    );
    assert_failed(&r, &["DR-018"]);
}

#[test]
fn dr018_scripts_must_be_executable_in_every_view() {
    let repo = Repo::reference();
    // Owner execute bit on disk: 0744 passes, 0655 (others only) does not.
    repo.chmod(LOCK, 0o744).chmod(ROLLBACK, 0o655);
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-018", ROLLBACK, None)]);
    assert!(
        messages(&r, "DR-018")[0].contains("has mode 0655: its owner cannot execute it"),
        "{:?}",
        messages(&r, "DR-018")
    );
    // The index records 100644 for the script: --staged fails while the disk is fine.
    repo.chmod(ROLLBACK, 0o755);
    repo.git(&["update-index", "--chmod=-x", LOCK]);
    assert_eq!(check(&repo, &[]).code, 0);
    let r = check(&repo, &["--staged"]);
    assert_findings(&r, vec![f("DR-018", LOCK, None)]);
    assert!(messages(&r, "DR-018")[0].contains("git mode 100644, expected 100755"));
    repo.git(&["commit", "-q", "-m", "lock script not executable"]);
    let r = check(&repo, &["--rev", "HEAD"]);
    assert_findings(&r, vec![f("DR-018", LOCK, None)]);
    assert_eq!(check(&repo, &["--rev", "HEAD~1"]).code, 0);
}

#[test]
fn dr019_an_empty_specialists_matrix_is_a_warning() {
    let repo = Repo::reference();
    let escalation = format!("{RUNBOOKS}/escalation-l2.md");
    let text = repo.read(&escalation);
    let line = text
        .lines()
        .find(|l| l.starts_with("Matriz de especialistas:"))
        .expect("the matrix line")
        .to_string();
    repo.edit(&escalation, &line, "Matriz de especialistas:  ");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0, "a warning alone does not fail the run");
    assert_findings(&r, vec![f("DR-019", &escalation, None)]);
    assert_eq!(severities(&r, "DR-019"), ["warning"]);
    assert_eq!(check(&repo, &["--fail-on", "warning"]).code, 1);
}

#[test]
fn dr020_dr_contacts_gone() {
    let repo = Repo::reference();
    let runbook = format!("{RUNBOOKS}/disaster-recovery.md");
    let text = repo.read(&runbook);
    let line = text
        .lines()
        .find(|l| l.starts_with("Contatos de DR:"))
        .expect("the contacts line")
        .to_string();
    repo.edit(&runbook, &line, "Contatos de DR:");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-020", &runbook, None)]);
    assert_failed(&r, &["DR-020"]);
}

#[test]
fn dr021_the_mock_guide_gone_or_silent_on_the_flag() {
    let repo = Repo::reference();
    let guide = "docs/feature-flags/billing-gateway-mock.md";
    repo.write(
        guide,
        "# Billing Gateway em modo sandbox\n\nNenhuma cobrança real.\n",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-021", guide, None)]);
    repo.remove(guide);
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-021", guide, None)]);
    assert_failed(&r, &["DR-021"]);
}

// ---------------------------------------------------------------------------------------
// DR-007: artifact permissions

#[test]
fn dr007_modes_on_disk_and_a_symlink_in_the_working_tree() {
    let repo = Repo::reference();
    repo.chmod("releases/2024-07-15/MANIFEST.txt", 0o755)
        .chmod("releases/2024-07-15/release.json", 0o664)
        .symlink("releases/2024-07-15/latest.txt", "MANIFEST.txt");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(
        &r,
        vec![
            f("DR-007", "releases/2024-07-15/MANIFEST.txt", None),
            f("DR-007", "releases/2024-07-15/latest.txt", None),
            f("DR-007", "releases/2024-07-15/release.json", None),
        ],
    );
    assert_failed(&r, &["DR-007"]);
    let msgs = messages(&r, "DR-007").join("\n");
    assert!(msgs.contains("has mode 0755, expected 0644"), "{msgs}");
    assert!(msgs.contains("has mode 0664, expected 0644"), "{msgs}");
    assert!(msgs.contains("is a symbolic link"), "{msgs}");
    // The older release is not the active one.
    repo.chmod("releases/2024-07-15/MANIFEST.txt", 0o644)
        .chmod("releases/2024-07-15/release.json", 0o644)
        .remove("releases/2024-07-15/latest.txt")
        .chmod("releases/2024-06-03/README.md", 0o755);
    assert_eq!(check(&repo, &[]).code, 0);
}

#[test]
fn dr007_git_modes_with_staged_and_rev() {
    let repo = Repo::reference();
    let manifest = "releases/2024-07-15/MANIFEST.txt";
    // 100755 in the index only: the file on disk is still 0644.
    repo.git(&["update-index", "--chmod=+x", manifest]);
    assert_eq!(check(&repo, &[]).code, 0);
    let r = check(&repo, &["--staged"]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-007", manifest, None)]);
    assert!(messages(&r, "DR-007")[0].contains("git mode 100755"));
    assert_failed(&r, &["DR-007"]);

    repo.git(&["commit", "-q", "-m", "executable manifest"]);
    let r = check(&repo, &["--rev", "HEAD"]);
    assert_findings(&r, vec![f("DR-007", manifest, None)]);
    assert_eq!(check(&repo, &["--rev", "HEAD~1"]).code, 0);

    // A committed link (120000).
    repo.git(&["update-index", "--chmod=-x", manifest]);
    repo.symlink("releases/2024-07-15/latest.txt", "MANIFEST.txt")
        .commit_all("link");
    let r = check(&repo, &["--rev", "HEAD"]);
    assert_findings(
        &r,
        vec![f("DR-007", "releases/2024-07-15/latest.txt", None)],
    );
    // 0600 on disk fails the working tree, but git records 100644.
    repo.remove("releases/2024-07-15/latest.txt")
        .commit_all("unlink")
        .chmod(manifest, 0o600);
    assert_findings(&check(&repo, &[]), vec![f("DR-007", manifest, None)]);
    assert_eq!(check(&repo, &["--staged"]).code, 0);
}

// ---------------------------------------------------------------------------------------
// DR-008 .. DR-010: the flag

#[test]
fn dr008_the_readme_says_real_while_the_flag_is_off() {
    let repo = Repo::reference();
    repo.edit(
        README,
        "Modo de pagamentos: sandbox",
        "Modo de pagamentos: real",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    // One finding, at the line that contradicts the flag.
    assert_findings(&r, vec![f("DR-008", README, Some(3))]);
    assert_eq!(
        messages(&r, "DR-008"),
        [
            "releases/2024-07-15/README.md says 'Modo de pagamentos: real', but BILLING_GATEWAY_ENABLE_REAL is off"
        ]
    );
    assert_failed(&r, &["DR-008"]);

    // Both modes: it does not agree with the flag either.
    repo.edit(
        README,
        "Modo de pagamentos: real\n",
        "Modo de pagamentos: sandbox\nModo de pagamentos: real\n",
    );
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-008", README, Some(4))]);
    assert_failed(&r, &["DR-008"]);

    // No mode line at all.
    repo.write(README, "# Release 2024-07-15\n");
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-008", README, None)]);
    assert_eq!(
        messages(&r, "DR-008"),
        [
            "releases/2024-07-15/README.md has no line 'Modo de pagamentos: sandbox' (BILLING_GATEWAY_ENABLE_REAL is off)"
        ]
    );

    repo.remove(README);
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-008", README, None)]);
    assert_eq!(
        messages(&r, "DR-008"),
        ["releases/2024-07-15/README.md does not exist"]
    );
    assert_failed(&r, &["DR-008"]);
}

/// Every form of REFERENCE-REPO.md turned on, with the line each assignment is at.
fn every_form_on(repo: &Repo) -> Vec<F> {
    flag_on(repo);
    repo.edit(
        "deploy/k8s/billing-gateway.yaml",
        "value: \"0\"",
        "value: \"1\"",
    )
    .edit(
        "config/staging.yaml",
        "BILLING_GATEWAY_ENABLE_REAL: \"false\"",
        "BILLING_GATEWAY_ENABLE_REAL: \"true\"",
    )
    .edit(
        ".github/workflows/release.yml",
        "BILLING_GATEWAY_ENABLE_REAL: 0",
        "BILLING_GATEWAY_ENABLE_REAL: 1",
    )
    .write(
        "Dockerfile",
        "FROM python:3.12-slim\nENV BILLING_GATEWAY_ENABLE_REAL=1\nCMD [\"app\"]\n",
    )
    .write(
        "docker/Dockerfile.worker",
        "FROM python:3.12-slim\nRUN true\nENV BILLING_GATEWAY_ENABLE_REAL on\n",
    )
    .write(
        "config/flags.json",
        "{\n  \"billing\": {\n    \"BILLING_GATEWAY_ENABLE_REAL\": true\n  }\n}\n",
    )
    .write(
        "config/app.toml",
        "[billing]\nurl = \"https://psp.example.com\"\nBILLING_GATEWAY_ENABLE_REAL = \"yes\"\n",
    )
    .write_mode(
        "scripts/start.sh",
        "#!/bin/sh\nset -e\nexport BILLING_GATEWAY_ENABLE_REAL=1\nexec billing-gateway\n",
        0o755,
    );
    vec![
        f("DR-009", ".github/workflows/release.yml", Some(12)),
        f("DR-009", "Dockerfile", Some(2)),
        f("DR-009", "config/app.toml", Some(3)),
        f("DR-009", "config/flags.json", Some(3)),
        f("DR-009", PROD_ENV, Some(3)),
        f("DR-009", "config/staging.yaml", Some(5)),
        f("DR-009", "deploy/k8s/billing-gateway.yaml", Some(12)),
        f("DR-009", "docker/Dockerfile.worker", Some(3)),
        f("DR-009", "scripts/start.sh", Some(3)),
    ]
}

#[test]
fn dr009_every_assignment_that_turns_the_flag_on_is_a_finding() {
    let repo = Repo::reference();
    let want = every_form_on(&repo);
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    assert_eq!(findings_of(&r, "DR-009"), sorted(want.clone()));
    for m in messages(&r, "DR-009") {
        assert!(
            m.starts_with("BILLING_GATEWAY_ENABLE_REAL is on here ("),
            "{m}"
        );
        // Said once, although both conditions of the exemption miss the file.
        assert!(
            m.ends_with(
                " (no exemption: docs/compliance/approvals/2024-07-15/steering.md does not exist)"
            ),
            "{m}"
        );
    }
    // With the flag on the README, the ledger and the evidence are due too.
    assert_failed(&r, &["DR-008", "DR-009", "DR-010", "DR-012"]);
    assert_eq!(
        messages(&r, "DR-008"),
        [
            "releases/2024-07-15/README.md says 'Modo de pagamentos: sandbox', but BILLING_GATEWAY_ENABLE_REAL is on"
        ]
    );
}

#[test]
fn dr009_each_form_alone_turns_the_flag_on() {
    let all = Repo::reference();
    for want in every_form_on(&all) {
        let repo = Repo::reference();
        repo.write(&want.1, &all.read(&want.1));
        let r = check(&repo, &[]);
        assert_eq!(findings_of(&r, "DR-009"), vec![want.clone()], "{}", want.1);
    }
}

#[test]
fn dr009_a_steering_approval_lets_the_flag_on() {
    let repo = Repo::reference();
    let every_form = every_form_on(&repo);
    approve(&repo, "2024-07-14");
    let r = check(&repo, &[]);
    assert_eq!(r.status("DR-009"), "pass", "{}", r.stdout);
    assert_failed(&r, &["DR-008", "DR-010", "DR-012"]);

    // Dated in the future: it does not count, and every finding says why.
    approve(&repo, "2024-07-21");
    let r = check(&repo, &[]);
    assert_eq!(r.status("DR-009"), "fail");
    assert_eq!(findings_of(&r, "DR-009"), sorted(every_form));
    for m in messages(&r, "DR-009") {
        assert!(
            m.contains("no exemption: date 2024-07-21 is after now 2024-07-20T12:00:00Z"),
            "{m}"
        );
    }

    // Without the flag's line, or without the signature line.
    approve(&repo, "2024-07-14");
    repo.edit(
        STEERING,
        "BILLING_GATEWAY_ENABLE_REAL=1",
        "BILLING_GATEWAY_ENABLE_REAL ligado",
    );
    assert_eq!(check(&repo, &[]).status("DR-009"), "fail");
    approve(&repo, "2024-07-14");
    repo.edit(STEERING, "Aprovado por: Ana Lima", "Aprovado: Ana Lima");
    assert_eq!(check(&repo, &[]).status("DR-009"), "fail");

    // An approval archived for another release does not count.
    repo.remove(STEERING);
    repo.write(
        "docs/compliance/approvals/2024-06-03/steering.md",
        "Aprovado por: Ana Lima <ana@example.com> — 2024-06-01\nBILLING_GATEWAY_ENABLE_REAL=1\n",
    );
    assert_eq!(check(&repo, &[]).status("DR-009"), "fail");
}

/// A steering approval validly signed for release 2024-06-03, copied with its `.sig`
/// into the folder of 2024-07-15: the signature covers the bytes, and the bytes name
/// their release, so it does not let real billing on for another one.
#[test]
fn dr009_an_approval_replayed_from_another_release_does_not_count() {
    let repo = Repo::reference();
    real_on(&repo);
    repo.write(EVIDENCE, GOOD_JUNIT);
    // The approval of this release, signed, passes.
    let r = check(&repo, &[]);
    assert_eq!(r.status("DR-009"), "pass", "{}", r.stdout);
    // The older release's approval, signed by the same steering member…
    let old = "docs/compliance/approvals/2024-06-03/steering.md";
    repo.write(
        old,
        "# Aprovação do steering — real billing\n\nAprovado por: Ana Lima <ana@example.com> — 2024-06-01\nRelease: 2024-06-03\n\nLiberado: BILLING_GATEWAY_ENABLE_REAL=1 a partir de 2024-06-03.\n",
    );
    repo.sign("steering-test", old);
    // … copied over this release's, signature and all.
    repo.write(STEERING, &repo.read(old)).write(
        &format!("{STEERING}.sig"),
        &repo.read(&format!("{old}.sig")),
    );
    let r = check_unsigned(&repo, NOW, &[]);
    assert_eq!(r.status("DR-009"), "fail", "{}", r.stdout);
    assert_eq!(findings_of(&r, "DR-009"), [f("DR-009", PROD_ENV, Some(3))]);
    assert_eq!(r.code, 1);
    let m = &messages(&r, "DR-009")[0];
    assert!(m.contains("Release: 2024-07-15"), "{m}");
    // An approval signed before the line existed names no release: it does not count either.
    repo.write(
        STEERING,
        "Aprovado por: Ana Lima <ana@example.com> — 2024-07-14\nBILLING_GATEWAY_ENABLE_REAL=1\n",
    );
    repo.sign("steering-test", STEERING);
    assert_eq!(check_unsigned(&repo, NOW, &[]).status("DR-009"), "fail");
}

#[test]
fn dr009_mentions_that_are_not_settings_keep_the_flag_off() {
    let repo = Repo::reference();
    repo.edit(
        PROD_ENV,
        "# Payments provider\n",
        "# Payments provider\n# BILLING_GATEWAY_ENABLE_REAL=1\n",
    )
    .write(
        "docs/feature-flags/real-billing.md",
        "# Real billing\n\nSet `BILLING_GATEWAY_ENABLE_REAL=1` only after the steering approves.\n\n```sh\nexport BILLING_GATEWAY_ENABLE_REAL=1\n```\n",
    )
    .write(
        "docs/examples/prod.env",
        "BILLING_GATEWAY_ENABLE_REAL=1\n",
    )
    .write(
        "quality/reports/2024-07-16-env.env",
        "BILLING_GATEWAY_ENABLE_REAL=1\n",
    )
    .write("releases/2024-07-15/runtime.env", "BILLING_GATEWAY_ENABLE_REAL=1\n")
    .write(
        "config/notes.yaml",
        "note: \"flip BILLING_GATEWAY_ENABLE_REAL=1 after approval\"\nBILLING_GATEWAY_ENABLE_REAL_SINCE: 1\n",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["real_billing"], "off");
    assert_eq!(r.status("DR-009"), "pass");
    assert_eq!(r.status("DR-010"), "skip");
}

#[test]
fn dr009_a_value_that_cannot_be_proven_off_counts_as_on() {
    let repo = Repo::reference();
    repo.edit(
        PROD_ENV,
        "BILLING_GATEWAY_ENABLE_REAL=0",
        "BILLING_GATEWAY_ENABLE_REAL=${REAL}",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    assert_eq!(findings_of(&r, "DR-009"), [f("DR-009", PROD_ENV, Some(3))]);
    let m = &messages(&r, "DR-009")[0];
    assert!(
        m.contains("the value of BILLING_GATEWAY_ENABLE_REAL ('${REAL}') names a variable"),
        "{m}"
    );
    assert_failed(&r, &["DR-008", "DR-009", "DR-010", "DR-012"]);
}

#[test]
fn dr009_a_config_file_that_does_not_parse_is_a_finding_and_counts_as_on() {
    let repo = Repo::reference();
    repo.write(
        "config/staging.yaml",
        "billing:\n  gateway:\n    url: https://sandbox.psp.example.com\nenv:\n  BILLING_GATEWAY_ENABLE_REAL: \"false\n",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    assert_eq!(
        findings_of(&r, "DR-009"),
        [f("DR-009", "config/staging.yaml", Some(5))]
    );
    let m = &messages(&r, "DR-009")[0];
    assert!(m.starts_with("cannot parse config/staging.yaml"), "{m}");
    assert!(m.contains("counts as on"), "{m}");
    assert_failed(&r, &["DR-008", "DR-009", "DR-010", "DR-012"]);
}

#[track_caller]
fn assert_only_evidence(r: &Run, line: Option<u64>, message: &str) {
    assert_eq!(r.code, 1, "{}", r.stdout);
    // The committed report does not count, and no report was attached: each says why.
    assert_findings(
        r,
        vec![
            f("DR-010", EVIDENCE, line),
            f("DR-010", "attachment:real_gateway", None),
        ],
    );
    assert_failed(r, &["DR-010"]);
    let m = messages(r, "DR-010");
    assert_eq!(
        m[0],
        "attachment 'real_gateway' was not passed: run relgate check with --attach real_gateway=PATH (either alternative would do; neither holds)"
    );
    assert!(m[1].contains(message), "{m:?}");
    assert!(
        m[1].ends_with(" (either alternative would do; neither holds)"),
        "{m:?}"
    );
}

#[test]
fn dr010_the_report_the_job_produced_can_be_attached() {
    let repo = Repo::reference();
    real_on(&repo);
    repo.write(".gitignore", "test-results/\n")
        .commit_all("real billing on");
    repo.write("test-results/real_gateway.xml", GOOD_JUNIT);
    let attach = ["--attach", "real_gateway=test-results/real_gateway.xml"];
    let r = check(&repo, &attach);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    assert_eq!(r.status("DR-009"), "pass");
    assert_eq!(r.status("DR-010"), "pass");
    // Not attached: the ignored report is not evidence.
    assert_only_evidence(&check(&repo, &[]), None, "does not exist");
    // Attached but failing: a finding at the attachment's suite.
    repo.write(
        "test-results/real_gateway.xml",
        &GOOD_JUNIT.replace("failures=\"0\"", "failures=\"1\""),
    );
    let r = check(&repo, &attach);
    assert_eq!(r.code, 1);
    assert_findings(
        &r,
        vec![
            f("DR-010", EVIDENCE, None),
            f("DR-010", "attachment:real_gateway", Some(2)),
        ],
    );
    // The help shows how the job produces and passes it.
    let help = r.json()["findings"][0]["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        help.contains("pytest -m real_gateway -o junit_suite_name=real_gateway --junitxml=test-results/real_gateway.xml, then relgate check --attach real_gateway=test-results/real_gateway.xml"),
        "{help}"
    );
}

#[test]
fn dr010_real_gateway_evidence() {
    let repo = Repo::reference();
    real_on(&repo);
    assert_only_evidence(&check(&repo, &[]), None, "does not exist");

    repo.write(EVIDENCE, GOOD_JUNIT);
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    assert_eq!(r.status("DR-010"), "pass");
    assert_eq!(with_status(&r, "skip"), ["DR-016"]);

    let variant = |from: &str, to: &str| repo.write(EVIDENCE, &GOOD_JUNIT.replace(from, to));
    variant("failures=\"0\"", "failures=\"1\"");
    assert_only_evidence(&check(&repo, &[]), Some(2), "1 failure ");
    variant("errors=\"0\"", "errors=\"2\"");
    assert_only_evidence(&check(&repo, &[]), Some(2), "2 errors");
    variant("skipped=\"0\"", "skipped=\"3\"");
    assert_only_evidence(&check(&repo, &[]), Some(2), "ran 0 of its 3 tests");
    variant("tests=\"3\"", "tests=\"0\"");
    assert_only_evidence(&check(&repo, &[]), Some(2), "0 tests");
    variant("name=\"real_gateway\"", "name=\"pytest\"");
    assert_only_evidence(
        &check(&repo, &[]),
        None,
        "no testsuite named 'real_gateway' (found 'pytest')",
    );
    repo.write(EVIDENCE, "3 passed in 1.20s\n");
    assert_only_evidence(&check(&repo, &[]), Some(1), "not well-formed XML");
    repo.write(EVIDENCE, "<html><body>ok</body></html>\n");
    assert_only_evidence(&check(&repo, &[]), Some(1), "root element is <html>");

    // A bare <testsuite> root is JUnit too.
    repo.write(
        EVIDENCE,
        "<testsuite name=\"real_gateway\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\"><testcase name=\"t\"/></testsuite>\n",
    );
    assert_eq!(check(&repo, &[]).code, 0);
}

// ---------------------------------------------------------------------------------------
// DR-011 .. DR-013: the ledger

#[test]
fn dr011_broken_json_is_a_finding_at_the_parse_error() {
    let repo = Repo::reference();
    repo.edit(
        LEDGER,
        r#""by": "João Lima"},
  {"date": "2024-07-15"#,
        r#""by": "João Lima"}
  {"date": "2024-07-15"#,
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    // DR-012 and DR-013 cannot read it either: they fail, never pass.
    assert_findings(
        &r,
        vec![
            f("DR-011", LEDGER, Some(4)),
            f("DR-012", LEDGER, Some(4)),
            f("DR-013", LEDGER, Some(4)),
        ],
    );
    assert!(messages(&r, "DR-011")[0].contains("is not valid JSON"));
    assert_failed(&r, &["DR-011", "DR-012", "DR-013"]);
}

#[test]
fn dr011_a_bad_entry_at_its_line() {
    let repo = Repo::reference();
    repo.edit(
        LEDGER,
        r#""event": "activation", "flag": 0"#,
        r#""event": "deploy", "flag": 0"#,
    );
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-011", LEDGER, Some(4))]);
    assert_eq!(
        messages(&r, "DR-011"),
        ["releases/ledger.json: [2].event is 'deploy', expected one of 'activation', 'rollback'"]
    );
    assert_failed(&r, &["DR-011"]);

    let repo = Repo::reference();
    repo.edit(
        LEDGER,
        r#""flag": 1, "by": "João Lima""#,
        r#""flag": 1, "by": """#,
    )
    .edit(
        LEDGER,
        r#""release": "2024-06-03", "event": "rollback""#,
        r#""release": "junho", "event": "rollback""#,
    );
    let r = check(&repo, &[]);
    assert_findings(
        &r,
        vec![f("DR-011", LEDGER, Some(2)), f("DR-011", LEDGER, Some(3))],
    );
    assert_failed(&r, &["DR-011"]);
}

#[test]
fn dr011_dates_never_go_backwards() {
    let repo = Repo::reference();
    repo.edit(LEDGER, "2024-07-15T10:00:00Z", "2024-06-01T10:00:00Z");
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-011", LEDGER, Some(4))]);
    assert!(messages(&r, "DR-011")[0].contains("the dates go backwards"));
    assert_failed(&r, &["DR-011"]);
    // A plain date is a date too.
    repo.edit(LEDGER, "2024-06-01T10:00:00Z", "2024-07-15");
    assert_eq!(check(&repo, &[]).code, 0);
}

#[test]
fn dr012_the_release_has_an_entry() {
    let repo = Repo::reference();
    repo.edit(
        LEDGER,
        ",\n  {\"date\": \"2024-07-15T10:00:00Z\", \"release\": \"2024-07-15\", \"event\": \"activation\", \"flag\": 0, \"by\": \"Maria Souza\"}",
        "",
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-012", LEDGER, Some(1))]);
    assert!(messages(&r, "DR-012")[0].contains("no element with release = '2024-07-15'"));
    assert_failed(&r, &["DR-012"]);
}

#[test]
fn dr012_the_last_entry_is_the_flag_state() {
    // The ledger says on, the configuration is off.
    let repo = Repo::reference();
    append_ledger(
        &repo,
        r#"{"date": "2024-07-16T09:00:00Z", "release": "2024-07-15", "event": "activation", "flag": 1, "by": "Ana Lima"}"#,
    );
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-012", LEDGER, Some(5))]);
    assert!(messages(&r, "DR-012")[0].contains("[3].flag is 1, expected '0'"));
    assert_failed(&r, &["DR-012"]);

    // The configuration is on, the ledger was not told.
    let repo = Repo::reference();
    flag_on(&repo);
    approve(&repo, "2024-07-14");
    repo.edit(
        README,
        "Modo de pagamentos: sandbox",
        "Modo de pagamentos: real",
    )
    .write(EVIDENCE, GOOD_JUNIT);
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-012", LEDGER, Some(4))]);
    assert!(messages(&r, "DR-012")[0].contains("[2].flag is 0, expected '1'"));
    assert_failed(&r, &["DR-012"]);
}

const REPORT: &str = "quality/reports/2024-06-05-licoes-aprendidas.md";

#[test]
fn dr013_lessons_learned_in_time_and_late() {
    // In time: the reference (rollback 2024-06-04T16:30Z, report 2024-06-05), and the
    // last day of the window.
    let repo = Repo::reference();
    let text = repo.read(REPORT);
    repo.remove(REPORT)
        .write("quality/reports/2024-06-06-licoes-aprendidas.md", &text);
    assert_eq!(check(&repo, &[]).code, 0);

    // Late: a report dated after the 48 h is an error at the rollback's entry.
    repo.remove("quality/reports/2024-06-06-licoes-aprendidas.md")
        .write("quality/reports/2024-06-07-licoes-aprendidas.md", &text);
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-013", LEDGER, Some(3))]);
    assert_eq!(severities(&r, "DR-013"), ["error"]);
    let m = &messages(&r, "DR-013")[0];
    assert!(m.contains("after the 48h window"), "{m}");
    assert!(m.contains("due by 2024-06-06T16:30:00Z"), "{m}");
    assert_failed(&r, &["DR-013"]);

    // Missing altogether.
    repo.remove("quality/reports/2024-06-07-licoes-aprendidas.md");
    let r = check(&repo, &[]);
    assert_findings(&r, vec![f("DR-013", LEDGER, Some(3))]);
    assert_eq!(severities(&r, "DR-013"), ["error"]);
}

#[test]
fn dr013_a_pending_report_is_a_warning_until_the_deadline() {
    let repo = Repo::reference();
    append_ledger(
        &repo,
        r#"{"date": "2024-07-19T18:00:00Z", "release": "2024-07-15", "event": "rollback", "flag": 0, "by": "Ana Lima"}"#,
    );
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_findings(&r, vec![f("DR-013", LEDGER, Some(5))]);
    assert_eq!(severities(&r, "DR-013"), ["warning"]);
    assert!(messages(&r, "DR-013")[0].contains("due by 2024-07-21T18:00:00Z"));
    assert_failed(&r, &["DR-013"]);
    let r = check(&repo, &["--fail-on", "warning"]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-013", LEDGER, Some(5))]);

    // A second before the deadline, still a warning; a second after, an error.
    let r = check_at(&repo, "2024-07-21T17:59:59Z", &[]);
    assert_eq!(severities(&r, "DR-013"), ["warning"]);
    let r = check_at(&repo, "2024-07-21T18:00:01Z", &[]);
    assert_eq!(r.code, 1);
    assert_findings(&r, vec![f("DR-013", LEDGER, Some(5))]);
    assert_eq!(severities(&r, "DR-013"), ["error"]);

    // Written in time.
    repo.write(
        "quality/reports/2024-07-20-licoes-aprendidas.md",
        "# Lições aprendidas — rollback de 2024-07-19\n",
    );
    assert_eq!(check_at(&repo, "2024-07-22T00:00:00Z", &[]).code, 0);
}

// ---------------------------------------------------------------------------------------
// DR-014, DR-015

#[test]
fn dr014_no_approvals_folder_is_a_warning() {
    let repo = Repo::reference();
    repo.remove("docs/compliance/approvals/2024-07-15");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 0);
    assert_findings(
        &r,
        vec![f("DR-014", "docs/compliance/approvals/2024-07-15", None)],
    );
    assert_eq!(severities(&r, "DR-014"), ["warning"]);
    assert_failed(&r, &["DR-014"]);
    let r = check(&repo, &["--fail-on", "warning"]);
    assert_eq!(r.code, 1);
    assert_findings(
        &r,
        vec![f("DR-014", "docs/compliance/approvals/2024-07-15", None)],
    );
}

#[test]
fn dr015_mojibake_and_invalid_utf8_at_the_first_bad_line() {
    let repo = Repo::reference();
    let stack = repo.read("docs/observability-stack.md");
    let mut lines: Vec<String> = stack.lines().map(String::from).collect();
    lines[2] = "Mapa de continuidade de neg√≥cios.".into();
    repo.write("docs/observability-stack.md", &(lines.join("\n") + "\n"));
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_findings(
        &r,
        vec![f("DR-015", "docs/observability-stack.md", Some(3))],
    );
    assert!(messages(&r, "DR-015")[0].contains("Mac Roman"));
    assert_failed(&r, &["DR-015"]);

    repo.write("docs/observability-stack.md", &stack)
        .write_bytes(
            "quality/reports/2024-07-16-notas.md",
            b"# Notas\n\nSem problemas.\nRelat\xf3rio em Latin-1\n",
            0o644,
        );
    let r = check(&repo, &[]);
    assert_findings(
        &r,
        vec![f("DR-015", "quality/reports/2024-07-16-notas.md", Some(4))],
    );
    assert!(messages(&r, "DR-015")[0].contains("is not valid UTF-8"));
    assert_failed(&r, &["DR-015"]);

    // Latin-1 mojibake under releases/; outside docs/, quality/ and releases/ nothing counts.
    repo.remove("quality/reports/2024-07-16-notas.md")
        .write("releases/2024-07-15/NOTAS.md", "# Notas\n\nAÃ§Ã£o\n")
        .write("scripts/NOTAS.md", "neg√≥cios\n");
    let r = check(&repo, &[]);
    assert_findings(
        &r,
        vec![f("DR-015", "releases/2024-07-15/NOTAS.md", Some(3))],
    );
    assert!(messages(&r, "DR-015")[0].contains("Latin-1"));
}

// ---------------------------------------------------------------------------------------
// DR-016: flag changes recorded, with --base

#[test]
fn dr016_a_flag_change_must_touch_the_ledger_and_the_readme() {
    let repo = Repo::reference();
    repo.git(&["checkout", "-q", "-b", "real-billing"]);
    flag_on(&repo);
    approve(&repo, "2024-07-14");
    repo.write(EVIDENCE, GOOD_JUNIT);
    let unrecorded = vec![
        f("DR-016", PROD_ENV, Some(3)),
        f("DR-016", PROD_ENV, Some(3)),
    ];
    let missing = |r: &Run| {
        let mut m = messages(r, "DR-016");
        m.sort();
        assert_eq!(m.len(), 2, "{}", r.stdout);
        assert!(
            m[0].ends_with("but does not modify releases/2024-07-15/README.md"),
            "{}",
            m[0]
        );
        assert!(
            m[1].ends_with("but does not modify releases/ledger.json"),
            "{}",
            m[1]
        );
    };

    // Working tree, index, commit: flipped, not recorded.
    let r = check(&repo, &["--base", "main"]);
    assert_eq!(findings_of(&r, "DR-016"), unrecorded);
    missing(&r);
    repo.git(&["add", "-A"]);
    let r = check(&repo, &["--base", "main", "--staged"]);
    assert_eq!(findings_of(&r, "DR-016"), unrecorded);
    repo.git(&["commit", "-q", "-m", "real billing on"]);
    let r = check(&repo, &["--base", "main", "--rev", "HEAD"]);
    assert_eq!(findings_of(&r, "DR-016"), unrecorded);
    assert_eq!(r.status("DR-016"), "fail");

    // Recorded: the whole pack passes, for each view.
    repo.edit(
        README,
        "Modo de pagamentos: sandbox",
        "Modo de pagamentos: real",
    );
    append_ledger(
        &repo,
        r#"{"date": "2024-07-16T09:00:00Z", "release": "2024-07-15", "event": "activation", "flag": 1, "by": "Ana Lima"}"#,
    );
    let r = check(&repo, &["--base", "main"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("DR-016"), "pass");
    assert_eq!(with_status(&r, "pass").len(), 21);
    // Not staged yet: the index still lacks them.
    assert_eq!(
        findings_of(&check(&repo, &["--base", "main", "--staged"]), "DR-016"),
        unrecorded
    );
    repo.git(&["add", "-A"]);
    assert_eq!(check(&repo, &["--base", "main", "--staged"]).code, 0);
    repo.git(&["commit", "-q", "-m", "recorded"]);
    let r = check(&repo, &["--base", "main", "--rev", "HEAD"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("DR-016"), "pass");

    // The README restored to main's in the working tree only: against main it is unchanged.
    repo.edit(
        README,
        "Modo de pagamentos: real",
        "Modo de pagamentos: sandbox",
    );
    let r = check(&repo, &["--base", "main"]);
    assert_eq!(findings_of(&r, "DR-016"), [f("DR-016", PROD_ENV, Some(3))]);
    assert!(messages(&r, "DR-016")[0].ends_with("releases/2024-07-15/README.md"));
}

#[test]
fn dr016_changes_that_leave_the_flag_alone_pass() {
    let repo = Repo::reference();
    repo.git(&["checkout", "-q", "-b", "docs"]);
    repo.edit(PROD_ENV, "# Payments provider", "# Payments provider (PSP)")
        .write(
            "docs/feature-flags/real-billing.md",
            "BILLING_GATEWAY_ENABLE_REAL=1\n",
        )
        .commit_all("docs");
    for extra in [&[][..], &["--staged"][..], &["--rev", "HEAD"][..]] {
        let mut args = vec!["--base", "main"];
        args.extend_from_slice(extra);
        let r = check(&repo, &args);
        assert_eq!(r.code, 0, "{extra:?}: {}", r.stdout);
        assert_eq!(r.status("DR-016"), "pass");
    }
    // Removing an assignment (even an off one) is a change of the flag.
    repo.edit(
        PROD_ENV,
        "BILLING_GATEWAY_ENABLE_REAL=0   # desligado até aprovação do steering\n",
        "",
    );
    let r = check(&repo, &["--base", "main"]);
    // One per file that must record it (the ledger, the README), at the file: the
    // assignment has no line left.
    assert_eq!(
        findings_of(&r, "DR-016"),
        [f("DR-016", PROD_ENV, None), f("DR-016", PROD_ENV, None)]
    );
    let m = messages(&r, "DR-016");
    assert!(
        m.iter().all(|m| m.contains("removes the assignment")),
        "{m:?}"
    );
    assert!(m[0].ends_with(README) && m[1].ends_with(LEDGER), "{m:?}");
}

// ---------------------------------------------------------------------------------------
// The active release

const NEEDS_RELEASE: [&str; 8] = [
    "DR-001", "DR-002", "DR-003", "DR-005", "DR-007", "DR-008", "DR-012", "DR-014",
];

#[test]
fn no_release_directory_fails_every_policy_that_needs_it() {
    let repo = Repo::reference();
    repo.remove("releases/2024-07-15")
        .remove("releases/2024-06-03")
        .write("releases/notes/README.md", "# Notas\n")
        .write("releases/2024-13-01/README.md", "# ?\n");
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["vars"]["release"], serde_json::Value::Null);
    assert_failed(&r, &NEEDS_RELEASE);
    let why = "variable 'release' has no value: no directory matches 'releases/*' whose name matches '^\\d{4}-\\d{2}-\\d{2}$'";
    for id in NEEDS_RELEASE {
        assert_eq!(messages(&r, id), [why], "{id}");
    }
    // Each without a place: there is no release folder to point at.
    assert_findings(&r, NEEDS_RELEASE.map(|id| f(id, "", None)).to_vec());

    // With the flag on, DR-009 and DR-010 need it too; with a base, DR-016.
    repo.commit_all("no release");
    flag_on(&repo);
    let r = check(&repo, &["--base", "HEAD"]);
    let mut ids: Vec<&str> = NEEDS_RELEASE.to_vec();
    ids.extend(["DR-009", "DR-010", "DR-016"]);
    ids.sort();
    assert_failed(&r, &ids);
    for id in ["DR-009", "DR-010", "DR-016"] {
        assert_eq!(messages(&r, id), [why], "{id}");
    }

    // --var supplies it.
    let r = check(&repo, &["--var", "release=2024-07-15"]);
    assert_eq!(r.json()["vars"]["release"], "2024-07-15");
    assert!(details(&r).iter().all(|d| d.2 != why));
    let m = messages(&r, "DR-007");
    assert_eq!(m, ["no file matches 'releases/2024-07-15/**'"]);
    assert_eq!(
        findings_of(&r, "DR-007"),
        [f("DR-007", "releases/2024-07-15", None)]
    );
}

#[test]
fn var_release_selects_the_older_release() {
    let repo = Repo::reference();
    let r = check(&repo, &["--var", "release=2024-06-03"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["release"], "2024-06-03");

    // The older release's section is now the one that must be complete…
    repo.edit(
        CHECKLIST,
        "- [x] Runbook de recuperação revisado (rev. 2024-06-03)",
        "- [ ] Runbook de recuperação revisado (rev. 2024-06-03)",
    )
    // … and its artifacts the ones that must be 0644.
    .chmod("releases/2024-06-03/README.md", 0o755);
    let r = check(&repo, &["--var", "release=2024-06-03"]);
    assert_findings(
        &r,
        vec![
            f("DR-002", CHECKLIST, Some(17)),
            f("DR-007", "releases/2024-06-03/README.md", None),
        ],
    );
    assert_eq!(check(&repo, &[]).code, 0);
}

// ---------------------------------------------------------------------------------------
// Other conventions: the pack renamed, YAML only

const RENAMES: [(&str, &str); 6] = [
    ("BILLING_GATEWAY_ENABLE_REAL", "PAYMENTS_LIVE"),
    ("releases/", "deploys/"),
    ("docs/support/dr-checklist.md", "ops/checklist.md"),
    ("quality/reports/", "postmortems/"),
    ("48h", "72h"),
    ("licoes-aprendidas", "lessons"),
];

fn rename(text: &str) -> String {
    RENAMES
        .iter()
        .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
}

/// The reference repository with every path and content renamed.
fn renamed_repo() -> Repo {
    let repo = Repo::new();
    let src = example_repo();
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_str().unwrap().to_string());
            }
        }
    }
    let mut files = Vec::new();
    walk(&src, &src, &mut files);
    for rel in files {
        let text = std::fs::read_to_string(src.join(&rel)).unwrap();
        let mode = if rel.starts_with("scripts/") {
            0o755
        } else {
            0o644
        };
        repo.write_mode(&rename(&rel), &rename(&text), mode);
    }
    repo.commit_all("renamed reference tree");
    repo
}

#[test]
fn a_renamed_pack_works_on_a_renamed_repository() {
    let yaml = std::fs::read_to_string(format!(
        "{}/policies/billing-gateway-dr.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let renamed = rename(&yaml);
    assert!(!renamed.contains("BILLING_GATEWAY_ENABLE_REAL") && !renamed.contains("releases/"));
    let policies = Policies::new(&renamed);
    let path = policies.path();
    let repo = renamed_repo();
    assert!(repo.path().join("ops/checklist.md").is_file());
    assert!(
        repo.path()
            .join("postmortems/2024-06-05-lessons.md")
            .is_file()
    );
    let run = |now: &str, extra: &[&str]| {
        let mut args = vec![
            "check",
            "--policies",
            &path,
            "--format",
            "json",
            "--now",
            now,
        ];
        args.extend_from_slice(extra);
        repo.relgate(&args)
    };

    let r = run(NOW, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["release"], "2024-07-15");
    assert_eq!(r.json()["summary"]["passed"], 19);
    assert_eq!(with_status(&r, "skip"), ["DR-010", "DR-016"]);
    // The shipped pack does not fit this repository.
    let r = check(&repo, &[]);
    assert_eq!(r.code, 1);
    // Its files are not where it looks, and `release` has no value (no `releases/`).
    assert_findings(
        &r,
        vec![
            f("DR-001", CHECKLIST, None),
            f("DR-002", CHECKLIST, None),
            f("DR-003", CHECKLIST, None),
            f("DR-005", "", None),
            f("DR-007", "", None),
            f("DR-008", "", None),
            f("DR-011", LEDGER, None),
            f("DR-012", LEDGER, None),
            f("DR-013", LEDGER, None),
            f("DR-014", "", None),
            f("DR-017", CHECKLIST, None),
            // The guide names the renamed flag, not the shipped pack's.
            f("DR-021", "docs/feature-flags/billing-gateway-mock.md", None),
        ],
    );

    // The same mutations fail the same way, at the renamed places.
    repo.edit(
        "ops/checklist.md",
        "- [x] Integridade de dados",
        "- [ ] Integridade de dados",
    )
    .edit(PROD_ENV, "PAYMENTS_LIVE=0", "PAYMENTS_LIVE=1")
    // Its owner signs the edited checklist again (DR-017 is about signatures, not this).
    .sign("checklist-test", "ops/checklist.md");
    let r = run(NOW, &[]);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    assert_findings(
        &r,
        vec![
            f("DR-002", "ops/checklist.md", Some(9)),
            f("DR-008", "deploys/2024-07-15/README.md", Some(3)),
            f("DR-009", PROD_ENV, Some(3)),
            f(
                "DR-010",
                "deploys/2024-07-15/evidence/real_gateway.xml",
                None,
            ),
            f("DR-010", "attachment:real_gateway", None),
            f("DR-012", "deploys/ledger.json", Some(4)),
        ],
    );
    assert!(messages(&r, "DR-009")[0].starts_with("PAYMENTS_LIVE is on here"));
    // The approval names the renamed flag.
    repo.write(
        "docs/compliance/approvals/2024-07-15/steering.md",
        "Aprovado por: Ana Lima <ana@example.com> — 2024-07-14\nRelease: 2024-07-15\nPAYMENTS_LIVE=1\n",
    );
    // Typed text is not enough: a steering member's signature is.
    assert_eq!(run(NOW, &[]).status("DR-009"), "fail");
    repo.sign(
        "steering-test",
        "docs/compliance/approvals/2024-07-15/steering.md",
    );
    assert_eq!(run(NOW, &[]).status("DR-009"), "pass");
    repo.remove("docs/compliance/approvals/2024-07-15/steering.md.sig");
    repo.git(&["checkout", "-q", "--", "."]);
    repo.remove("docs/compliance/approvals/2024-07-15/steering.md");
    repo.sign("checklist-test", "ops/checklist.md");

    // The window is 72 hours now: a report three days after the rollback counts…
    let report = repo.read("postmortems/2024-06-05-lessons.md");
    repo.remove("postmortems/2024-06-05-lessons.md")
        .write("postmortems/2024-06-07-lessons.md", &report);
    assert_eq!(run(NOW, &[]).code, 0);
    // … four days does not.
    repo.remove("postmortems/2024-06-07-lessons.md")
        .write("postmortems/2024-06-08-lessons.md", &report);
    let r = run(NOW, &[]);
    assert_findings(&r, vec![f("DR-013", "deploys/ledger.json", Some(3))]);
    assert!(messages(&r, "DR-013")[0].contains("after the 72h window"));
}

// ---------------------------------------------------------------------------------------
// relgate init

#[test]
fn init_writes_a_config_that_loads_the_pack() {
    let repo = Repo::reference();
    let r = repo.relgate(&["init", "--pack", PACK]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let config = repo.read(".relgate/config.yaml");
    assert!(config.contains("packs: [billing-gateway-dr]"), "{config}");

    let plain = |extra: &[&str]| {
        sign(&repo);
        let mut args = vec!["check", "--format", "json", "--now", NOW];
        args.extend_from_slice(extra);
        repo.relgate(&args)
    };
    let r = plain(&[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.json()["summary"]["policies"], 21);
    assert_eq!(r.json()["vars"]["release"], "2024-07-15");

    // A vars override in .relgate/config.yaml takes effect.
    repo.edit(
        ".relgate/config.yaml",
        "policies: []",
        "vars:\n  release: '2024-06-03'\npolicies: []",
    );
    let r = plain(&[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["release"], "2024-06-03");
    repo.edit(
        CHECKLIST,
        "- [x] Runbook de recuperação revisado (rev. 2024-06-03)",
        "- [ ] Runbook de recuperação revisado (rev. 2024-06-03)",
    );
    let r = plain(&[]);
    assert_findings(&r, vec![f("DR-002", CHECKLIST, Some(17))]);
    // --var still wins.
    assert_eq!(plain(&["--var", "release=2024-07-15"]).code, 0);
}
