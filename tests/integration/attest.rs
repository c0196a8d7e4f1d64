//! `--also attestation=FILE`: an in-toto Statement v1 with a SLSA Verification
//! Summary, read back by the in-toto project's bindings and validated against the
//! vendored schema (tests/data/README.md).

use crate::common::*;
use crate::tools::*;
use serde_json::Value;

/// Reads a statement with the in-toto bindings (unknown fields refused, then the
/// bindings' own `validate`).
const READ_STATEMENT: &str = r#"
import json, sys
from google.protobuf import json_format
from in_toto_attestation.v1 import statement, statement_pb2
pb = json_format.Parse(open(sys.argv[1]).read(), statement_pb2.Statement())
statement.Statement.copy_from_pb(pb).validate()
print(pb.predicate_type)
"#;

/// The statement in `text`, validated both ways.
fn validate(text: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("relgate.intoto.json");
    std::fs::write(&file, text).unwrap();
    let (code, out) = run_tool(
        &tool("python3"),
        &["-c", READ_STATEMENT, file.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code, 0, "in-toto bindings refuse it:\n{out}\n{text}");
    assert_eq!(out.trim(), "https://slsa.dev/verification_summary/v1");
    let schema = test_data("in-toto-vsa-v1.schema.json");
    let (code, out) = run_tool(
        &tool("check-jsonschema"),
        &[
            "--schemafile",
            schema.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "not a valid VSA statement:\n{out}\n{text}");
    serde_json::from_str(text).unwrap()
}

/// Runs `check ARGS --also attestation=…` and returns (exit code, statement).
fn attest(repo: &Repo, args: &[&str]) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out/relgate.intoto.json");
    let also = format!("attestation={}", file.display());
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--also", &also]);
    let run = repo.relgate(&all);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    (run.code, validate(&std::fs::read_to_string(&file).unwrap()))
}

const NOW: [&str; 2] = ["--now", "2024-07-20T12:00:00Z"];

#[test]
fn a_commit_is_attested_passed_or_failed() {
    let repo = passing_repo();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let (code, s) = attest(&repo, &["--rev", "HEAD", NOW[0], NOW[1]]);
    assert_eq!(code, 0);
    assert_eq!(s["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(s["subject"][0]["digest"]["gitCommit"], head.as_str());
    let p = &s["predicate"];
    assert_eq!(p["verificationResult"], "PASSED");
    assert_eq!(p["timeVerified"], "2024-07-20T12:00:00Z");
    assert_eq!(p["verifier"]["id"], "https://github.com/relgate/relgate");
    assert_eq!(
        p["verifier"]["version"]["relgate"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        p["resourceUri"],
        format!("git+file://{}", repo.path().display())
    );
    assert_eq!(p["verifiedLevels"], serde_json::json!([]));
    let digest = p["policy"]["digest"]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(digest.len(), 64);

    // The same policies, a failing tree: FAILED, same policy digest.
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] failover",
        "- [ ] failover",
    )
    .commit_all("untick");
    let (code, s) = attest(&repo, &["--rev", "HEAD", NOW[0], NOW[1]]);
    assert_eq!(code, 1);
    assert_eq!(s["predicate"]["verificationResult"], "FAILED");
    assert_eq!(
        s["predicate"]["policy"]["digest"]["sha256"],
        digest.as_str()
    );

    // A changed policy file (one byte of a title): another policy digest.
    repo.edit(
        ".relgate/policies.yaml",
        "title: Readme exists",
        "title: Readme exists!",
    )
    .commit_all("policy");
    let (_, s) = attest(&repo, &["--rev", "HEAD", NOW[0], NOW[1]]);
    assert_ne!(
        s["predicate"]["policy"]["digest"]["sha256"],
        digest.as_str()
    );

    // `--fail-on` is the verdict's: a warning fails at `--fail-on warning`.
    let repo = passing_repo();
    repo.chmod("releases/2024-07-15/app.bin", 0o755)
        .commit_all("mode");
    let (code, s) = attest(&repo, &["--rev", "HEAD"]);
    assert_eq!(
        (code, &s["predicate"]["verificationResult"]),
        (0, &"PASSED".into())
    );
    let (code, s) = attest(&repo, &["--rev", "HEAD", "--fail-on", "warning"]);
    assert_eq!(
        (code, &s["predicate"]["verificationResult"]),
        (1, &"FAILED".into())
    );
}

#[test]
fn the_working_tree_and_the_index_are_not_commits() {
    let repo = passing_repo();
    let (_, s) = attest(&repo, &[]);
    let subject = &s["subject"][0];
    assert!(subject["digest"]["gitCommit"].is_null(), "{s:#}");
    let tree = subject["digest"]["sha256"].as_str().unwrap().to_string();
    assert_eq!(subject["annotations"]["relgate.source"], "worktree");
    assert_eq!(
        subject["annotations"]["relgate.head"],
        repo.git(&["rev-parse", "HEAD"]).as_str()
    );
    assert!(
        subject["annotations"]["relgate.note"]
            .as_str()
            .unwrap()
            .starts_with("the working tree is not a commit"),
        "{s:#}"
    );
    // Same content, same digest; one byte more, another.
    assert_eq!(
        attest(&repo, &[]).1["subject"][0]["digest"]["sha256"],
        tree.as_str()
    );
    repo.write("README.md", "readme!\n");
    let (_, s) = attest(&repo, &[]);
    assert_ne!(s["subject"][0]["digest"]["sha256"], tree.as_str());
    // The index: its own source, and a digest of what is staged.
    let (_, s) = attest(&repo, &["--staged"]);
    assert_eq!(s["subject"][0]["annotations"]["relgate.source"], "staged");
    assert_eq!(s["subject"][0]["digest"]["sha256"], tree.as_str());
}

#[test]
fn packs_passed_are_the_verified_levels_and_credentials_never_leak() {
    let repo = Repo::reference();
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://x-access-token:SECRET@example.invalid/acme/billing.git",
    ]);
    let args = [
        "--rev",
        "HEAD",
        "--pack",
        "billing-gateway-dr",
        "--var",
        "release=2024-07-15",
        NOW[0],
        NOW[1],
    ];
    let (code, s) = attest(&repo, &args);
    assert_eq!(code, 0);
    let p = &s["predicate"];
    assert_eq!(p["verificationResult"], "PASSED");
    assert_eq!(
        p["verifiedLevels"],
        serde_json::json!(["RELGATE_PACK_billing-gateway-dr"])
    );
    assert_eq!(
        p["resourceUri"],
        "git+https://example.invalid/acme/billing.git"
    );
    assert!(!s.to_string().contains("SECRET"));

    repo.edit(
        "docs/support/dr-checklist.md",
        "- [x] Integridade de dados validada",
        "- [ ] Integridade de dados validada",
    )
    .commit_all("untick");
    let (code, s) = attest(&repo, &args);
    assert_eq!(code, 1);
    assert_eq!(s["predicate"]["verificationResult"], "FAILED");
    assert_eq!(s["predicate"]["verifiedLevels"], serde_json::json!([]));
}

/// A run that could not evaluate attests nothing: the file says so and is no statement.
#[test]
fn a_failed_run_writes_no_statement() {
    let repo = passing_repo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.json");
    std::fs::write(&file, "{\"old\": \"statement\"}").unwrap();
    let bad = Policies::new("version: 1\npolicies:\n  - id: X\n    check: {nope: 1}\n");
    let run = repo.relgate(&[
        "check",
        "--policies",
        &bad.path(),
        "--also",
        &format!("attestation={}", file.display()),
    ]);
    assert_eq!(run.code, 2);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(v["_type"].is_null());
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("relgate could not evaluate, nothing is attested: invalid policies"),
        "{v}"
    );
}
