//! `signature`: keys and signatures made by the real `ssh-keygen`; every verdict of
//! relgate is compared with `ssh-keygen -Y verify` on the same files.

use crate::common::{Repo, f};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A folder of keys outside the repository.
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn ssh_keygen(&self) -> Command {
        let mut c = Command::new("ssh-keygen");
        c.env("HOME", self.dir.path())
            .env_remove("SSH_AUTH_SOCK")
            .stdin(Stdio::null());
        c
    }

    /// Makes a key `name` of `kind` (`ed25519`, `ecdsa`), returns its public line.
    fn make(&self, name: &str, kind: &str) -> String {
        let path = self.dir.path().join(name);
        let out = self
            .ssh_keygen()
            .args(["-q", "-t", kind, "-N", "", "-C", name, "-f"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(path.with_extension("pub"))
            .unwrap()
            .trim()
            .to_string()
    }

    /// Signs `bytes` with key `name` for `namespace`; the armored signature.
    fn sign(&self, name: &str, namespace: &str, bytes: &str) -> String {
        let file = self.dir.path().join(format!("msg-{name}-{namespace}"));
        std::fs::write(&file, bytes).unwrap();
        let out = self
            .ssh_keygen()
            .args(["-Y", "sign", "-n", namespace, "-f"])
            .arg(self.dir.path().join(name))
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(PathBuf::from(format!("{}.sig", file.display()))).unwrap()
    }

    /// `ssh-keygen -Y verify`'s verdict on the repository's files.
    fn verify(
        &self,
        repo: &Path,
        signers: &str,
        principal: &str,
        ns: &str,
        sig: &str,
        file: &str,
    ) -> bool {
        self.ssh_keygen()
            .args(["-Y", "verify", "-f"])
            .arg(repo.join(signers))
            .args(["-I", principal, "-n", ns, "-s"])
            .arg(repo.join(sig))
            .stdin(std::fs::File::open(repo.join(file)).unwrap())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    }
}

const DOC: &str =
    "Aprovado por: Ana <ana@example.com> — 2024-07-16\nBILLING_GATEWAY_ENABLE_REAL=1\n";

fn policy(extra: &str) -> String {
    format!(
        "version: 1\npolicies:\n  - id: S-1\n    title: The approval is signed\n    check:\n      signature:\n        file: docs/approval.md\n        signers: .relgate/signers{extra}\n"
    )
}

/// A repository with the policy, the signers file and the signed document.
fn repo(signers: &str, extra: &str, sigs: &[(&str, &str)]) -> Repo {
    let r = Repo::new();
    r.write(".relgate/config.yaml", &policy(extra));
    r.write(".relgate/signers", signers);
    r.write("docs/approval.md", DOC);
    for (path, sig) in sigs {
        r.write(path, sig);
    }
    r
}

fn check(r: &Repo) -> crate::common::Run {
    r.relgate(&["check", "--format", "json"])
}

/// A valid signature passes, as `ssh-keygen -Y verify` verifies it, with Ed25519 and
/// ECDSA keys alike.
#[test]
fn a_valid_signature_passes_as_ssh_keygen_verifies_it() {
    let k = Keys::new();
    for (who, kind) in [("ana", "ed25519"), ("bo", "ecdsa")] {
        let key = k.make(who, kind);
        let sig = k.sign(who, "relgate", DOC);
        let principal = format!("{who}@example.com");
        let r = repo(
            &format!("{principal} {key}\n"),
            "",
            &[("docs/approval.md.sig", &sig)],
        );
        let run = check(&r);
        assert_eq!(run.code, 0, "{kind}: {}{}", run.stdout, run.stderr);
        assert!(k.verify(
            r.path(),
            ".relgate/signers",
            &principal,
            "relgate",
            "docs/approval.md.sig",
            "docs/approval.md"
        ));
    }
}

/// Each way a signature does not count: relgate's finding, and ssh-keygen's refusal.
#[test]
fn every_reason_a_signature_does_not_count_agrees_with_ssh_keygen() {
    let k = Keys::new();
    let ana = k.make("ana", "ed25519");
    let eve = k.make("eve", "ed25519");
    let good = k.sign("ana", "relgate", DOC);
    let cases: Vec<(&str, String, String, &str, &str)> = vec![
        // (what, signers file, signature, document, expected message fragment)
        (
            "content changed",
            format!("ana@example.com {ana}\n"),
            good.clone(),
            "Aprovado por: Eve\nBILLING_GATEWAY_ENABLE_REAL=1\n",
            "does not match the file's content",
        ),
        (
            "wrong namespace",
            format!("ana@example.com {ana}\n"),
            k.sign("ana", "git", DOC),
            DOC,
            "signed for namespace 'git', not 'relgate'",
        ),
        (
            "key not listed",
            format!("ana@example.com {ana}\n"),
            k.sign("eve", "relgate", DOC),
            DOC,
            "is not in the allowed signers",
        ),
        (
            "namespaces git only",
            format!("ana@example.com namespaces=\"git\" {ana}\n"),
            good.clone(),
            DOC,
            "may sign only for namespaces \"git\"",
        ),
        (
            "valid-before in the past",
            format!("ana@example.com valid-before=\"20200101\" {ana}\n"),
            good.clone(),
            DOC,
            "was valid only before 2020-01-01",
        ),
        (
            "not SSHSIG",
            format!("ana@example.com {ana}\n"),
            "-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n".into(),
            DOC,
            "not an armored SSH signature",
        ),
    ];
    let _ = eve;
    for (what, signers, sig, doc, fragment) in cases {
        let r = repo(&signers, "", &[("docs/approval.md.sig", &sig)]);
        r.write("docs/approval.md", doc);
        let run = check(&r);
        assert_eq!(run.code, 1, "{what}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            run.findings(),
            [
                f("S-1", "docs/approval.md", None),
                f("S-1", "docs/approval.md.sig", None)
            ],
            "{what}"
        );
        let messages = run.messages().join("\n");
        assert!(messages.contains(fragment), "{what}: {messages}");
        assert!(
            messages.contains(
                "needs valid signatures by 1 distinct principal of .relgate/signers; none did"
            ),
            "{what}: {messages}"
        );
        assert!(
            !k.verify(
                r.path(),
                ".relgate/signers",
                "ana@example.com",
                "relgate",
                "docs/approval.md.sig",
                "docs/approval.md"
            ),
            "{what}: ssh-keygen accepts what relgate refuses"
        );
    }
}

#[test]
fn a_principal_outside_the_policy_patterns_does_not_count() {
    let k = Keys::new();
    let ana = k.make("ana", "ed25519");
    let sig = k.sign("ana", "relgate", DOC);
    let r = repo(
        &format!("ana@other.org {ana}\n"),
        "\n        principals: ['*@example.com']",
        &[("docs/approval.md.sig", &sig)],
    );
    let run = check(&r);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.messages().join("\n").contains(
            "signer ana@other.org (line 1) matches none of the principals '*@example.com'"
        ),
        "{:?}",
        run.messages()
    );
    // ssh-keygen accepts the signature for its own principal: the pattern is relgate's rule.
    assert!(k.verify(
        r.path(),
        ".relgate/signers",
        "ana@other.org",
        "relgate",
        "docs/approval.md.sig",
        "docs/approval.md"
    ));
}

#[test]
fn min_signers_counts_distinct_principals() {
    let k = Keys::new();
    let ana = k.make("ana", "ed25519");
    let bo = k.make("bo", "ed25519");
    let signers = format!("ana@example.com {ana}\nbo@example.com {bo}\n");
    let sigs = "\n        signatures: '{file}.*.sig'\n        min_signers: 2";
    // Two keys: passes.
    let r = repo(
        &signers,
        sigs,
        &[
            ("docs/approval.md.ana.sig", &k.sign("ana", "relgate", DOC)),
            ("docs/approval.md.bo.sig", &k.sign("bo", "relgate", DOC)),
        ],
    );
    let run = check(&r);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // One key signing twice counts once.
    let r = repo(
        &signers,
        sigs,
        &[
            ("docs/approval.md.a.sig", &k.sign("ana", "relgate", DOC)),
            ("docs/approval.md.b.sig", &k.sign("ana", "relgate", DOC)),
        ],
    );
    let run = check(&r);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("S-1", "docs/approval.md", None)]);
    assert!(
        run.messages()[0].contains("needs valid signatures by 2 distinct principals of .relgate/signers; signed by ana@example.com"),
        "{:?}",
        run.messages()
    );
}

#[test]
fn a_bad_signers_line_is_a_finding_at_its_line_and_column() {
    let k = Keys::new();
    let ana = k.make("ana", "ed25519");
    let sig = k.sign("ana", "relgate", DOC);
    let r = repo(
        &format!("# steering\nana@example.com {ana}\nbo@example.com bogus=\"1\" {ana}\n"),
        "",
        &[("docs/approval.md.sig", &sig)],
    );
    let run = check(&r);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.findings(), [f("S-1", ".relgate/signers", Some(3))]);
    let v = run.json();
    assert_eq!(v["findings"][0]["column"], 16);
}

#[test]
fn an_unsigned_file_says_how_to_sign_it() {
    let k = Keys::new();
    let ana = k.make("ana", "ed25519");
    let r = repo(&format!("ana@example.com {ana}\n"), "", &[]);
    let run = check(&r);
    assert_eq!(run.findings(), [f("S-1", "docs/approval.md.sig", None)]);
    assert!(
        run.messages()[0].contains("ssh-keygen -Y sign -f KEY -n relgate docs/approval.md"),
        "{:?}",
        run.messages()
    );
}

/// With --base, the signers come from the base: a change that adds its own key and
/// signs its own approval does not pass; a key the base lists does.
#[test]
fn a_change_cannot_add_its_own_signer() {
    let k = Keys::new();
    let ana = k.make("ana", "ed25519");
    let eve = k.make("eve", "ed25519");
    let r = Repo::new();
    r.write(".relgate/config.yaml", &policy(""));
    r.write(".relgate/signers", &format!("ana@example.com {ana}\n"));
    r.write("README.md", "x\n");
    r.commit_all("base");
    r.git(&["branch", "main-base"]);
    r.write(
        ".relgate/signers",
        &format!("ana@example.com {ana}\neve@example.com {eve}\n"),
    );
    r.write("docs/approval.md", DOC);
    r.write("docs/approval.md.sig", &k.sign("eve", "relgate", DOC));
    r.commit_all("change");
    let run = r.relgate(&["check", "--base", "main-base", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.messages()
            .join("\n")
            .contains("is not in the allowed signers"),
        "{:?}",
        run.messages()
    );
    // The change's edit of the signers file is named, and not in force.
    let notes: Vec<_> = run
        .findings()
        .into_iter()
        .filter(|f| f.0 == "RELGATE-TRUST")
        .collect();
    assert_eq!(notes, [f("RELGATE-TRUST", ".relgate/signers", None)]);
    assert!(run.messages().contains(&"this change modifies .relgate/signers; the base's version is in force for this check (it takes effect once merged)".to_string()), "{:?}", run.messages());
    // Signed by a key the base lists: passes.
    r.write("docs/approval.md.sig", &k.sign("ana", "relgate", DOC));
    r.commit_all("signed by ana");
    let run = r.relgate(&["check", "--base", "main-base", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
