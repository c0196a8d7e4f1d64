//! `--also attestation=FILE`: the run's verdict as an in-toto Statement v1 whose
//! predicate is a SLSA Verification Summary (VSA v1), so a later job (a deploy) can
//! verify that the release commit passed the gate, once the statement is signed
//! (docs/attest.md). relgate needs no network and no key to write it.
//!
//! - `subject`: what was judged. With `--rev`, the commit (`digest.gitCommit`). The
//!   working tree and the index are not commits: their digest is the git tree id of
//!   what was judged (`digest.gitTree`), the id `git write-tree` gives for the index
//!   and `git add -A && git write-tree` for the working tree (no clean filters: the
//!   files as they are), computed in memory, nothing written to the repository; with
//!   PATH a folder, the tree of that folder. Annotations say it is not a commit and
//!   name HEAD. A file that cannot be read (too large, a Git LFS pointer, a FIFO) or a
//!   submodule whose commit is unknown leaves nothing to digest: no statement is
//!   written (exit 2); attest a commit instead.
//! - `predicate.policy.digest.sha256`: SHA-256 of the exact policy set evaluated,
//!   every policy file and pack in load order (`NAME<TAB>SHA256` lines of their
//!   text), so any change to a policy, a waiver or a pack changes it.
//! - `verificationResult`: `PASSED` when no live finding is at or above `--fail-on`
//!   (the exit code's verdict), else `FAILED`; `verifiedLevels` names each pack whose
//!   policies all passed (`RELGATE_PACK_<name>`; SLSA reserves the `SLSA_` prefix).
//! - `timeVerified`: the time the run judged at (`--now`, else the clock), to the
//!   second; `verifier.id` relgate's repository and `verifier.version.relgate` the
//!   version; `resourceUri` the repository (`git+` its `origin` remote without any
//!   credentials, else `git+file://` its path).

use super::Report;
use crate::finding::Severity;
use crate::repo::{EntryKind, SourceKind, View};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
pub const PREDICATE_TYPE: &str = "https://slsa.dev/verification_summary/v1";
/// `verifier.id`: relgate's repository.
pub const VERIFIER_ID: &str = env!("CARGO_PKG_REPOSITORY");

/// What the run judged and under which policies, gathered by the run when an
/// attestation is asked for ([`Evidence::gather`]).
#[derive(Debug, Clone)]
pub struct Evidence {
    pub subject: Judged,
    /// SHA-256 (hex) of the policy set: [`policy_digest`].
    pub policy_digest: String,
    /// The packs evaluated (`--pack` and those policy files name).
    pub packs: Vec<String>,
    /// The time the run judged at.
    pub time: jiff::Timestamp,
    /// `git+URL` of the repository.
    pub resource_uri: String,
}

/// The judged content.
#[derive(Debug, Clone)]
pub enum Judged {
    /// A commit (`--rev`).
    Commit(String),
    /// The working tree or the index: its git tree id, and HEAD.
    Tree {
        source: SourceKind,
        tree: String,
        head: Option<String>,
    },
    /// It could not be digested: why (no statement is written).
    Unknown(String),
}

fn sha256(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 of the policy set: one `NAME<TAB>SHA256(text)` line per file, in load order.
pub fn policy_digest(files: &[(String, &str)]) -> String {
    let mut manifest = String::new();
    for (name, text) in files {
        let _ = writeln!(manifest, "{name}\t{}", sha256(text.as_bytes()));
    }
    sha256(manifest.as_bytes())
}

/// The git tree id of a view (see the module doc), or why there is none.
/// `gitlink` gives a submodule's commit id.
pub fn tree_id(
    view: &dyn View,
    gitlink: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    use gix_object::tree::{Entry, EntryKind as Kind};
    let blob = |bytes: &[u8]| {
        gix_object::compute_hash(gix_hash::Kind::Sha1, gix_object::Kind::Blob, bytes)
            .map_err(|e| e.to_string())
    };
    // Entries by folder: each folder's tree is made once its children are.
    let mut folders: std::collections::BTreeMap<String, Vec<Entry>> = Default::default();
    folders.entry(String::new()).or_default();
    for e in view.entries() {
        let (kind, oid) = match e.kind {
            EntryKind::File => {
                let content = view.read(e.path).map_err(|err| err.to_string())?;
                let exec = view.mode(e.path).is_some_and(|m| m & 0o111 != 0);
                let kind = if exec {
                    Kind::BlobExecutable
                } else {
                    Kind::Blob
                };
                (kind, blob(content.bytes())?)
            }
            EntryKind::Symlink => {
                let target = view
                    .link_target(e.path)
                    .ok_or_else(|| format!("cannot read the symbolic link {}", e.path))?;
                (Kind::Link, blob(target.as_bytes())?)
            }
            EntryKind::Submodule => {
                let id = gitlink(e.path)
                    .and_then(|h| gix_hash::ObjectId::from_hex(h.as_bytes()).ok())
                    .ok_or_else(|| format!("the commit of submodule {} is unknown", e.path))?;
                (Kind::Commit, id)
            }
            EntryKind::Special => {
                return Err(format!(
                    "{} is not a regular file (FIFO, socket or device)",
                    e.path
                ));
            }
        };
        let (dir, name) = e.path.rsplit_once('/').unwrap_or(("", e.path));
        // Every folder up to the root exists, even one holding only folders.
        let mut d = dir;
        while !d.is_empty() && !folders.contains_key(d) {
            folders.insert(d.to_string(), Vec::new());
            d = d.rsplit_once('/').map_or("", |(p, _)| p);
        }
        folders.entry(dir.to_string()).or_default().push(Entry {
            mode: kind.into(),
            filename: name.into(),
            oid,
        });
    }
    // Deepest folders first (longer paths sort after their parents).
    let mut names: Vec<String> = folders.keys().cloned().collect();
    names.sort_by_key(|n| {
        std::cmp::Reverse(if n.is_empty() {
            0
        } else {
            n.matches('/').count() + 1
        })
    });
    let mut root = None;
    for name in names {
        let mut entries = folders.remove(&name).unwrap_or_default();
        entries.sort();
        let mut buf = Vec::new();
        gix_object::WriteTo::write_to(&gix_object::Tree { entries }, &mut buf)
            .map_err(|e| e.to_string())?;
        let id = gix_object::compute_hash(gix_hash::Kind::Sha1, gix_object::Kind::Tree, &buf)
            .map_err(|e| e.to_string())?;
        match name.rsplit_once('/') {
            _ if name.is_empty() => root = Some(id),
            Some((parent, leaf)) => folders.entry(parent.to_string()).or_default().push(Entry {
                mode: Kind::Tree.into(),
                filename: leaf.into(),
                oid: id,
            }),
            None => folders.entry(String::new()).or_default().push(Entry {
                mode: Kind::Tree.into(),
                filename: name.as_str().into(),
                oid: id,
            }),
        }
    }
    root.map(|id| id.to_string())
        .ok_or_else(|| "no tree was made".to_string())
}

/// `git+URL` of a repository URL, without user information (a token in an HTTPS
/// remote must never reach a statement that may be published).
pub fn resource_uri(remote: Option<&str>, path: &std::path::Path) -> String {
    match remote {
        Some(url) => {
            let clean = match url.split_once("://") {
                Some((scheme, rest)) => {
                    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                    format!("{scheme}://{host}{tail}")
                }
                // scp-like `git@host:owner/repo.git`: the user is not a secret, but
                // the form is not a URL; keep host and path.
                None => match url.split_once(':') {
                    Some((user_host, tail)) => {
                        let host = user_host.rsplit_once('@').map_or(user_host, |(_, h)| h);
                        format!("ssh://{host}/{tail}")
                    }
                    None => url.to_string(),
                },
            };
            format!("git+{clean}")
        }
        None => {
            let shown = path.display().to_string();
            let trimmed = shown.trim_end_matches('/');
            format!(
                "git+file://{}",
                if trimmed.is_empty() { "/" } else { trimmed }
            )
        }
    }
}

/// The packs whose policies all passed (no live finding at or above `fail_on`).
fn packs_passed(r: &Report, packs: &[String], fail_on: Severity) -> Vec<String> {
    packs
        .iter()
        .filter(|name| {
            let file = crate::policy::packs::file_name(name);
            r.findings
                .iter()
                .all(|f| f.waived.is_some() || f.severity < fail_on || f.origin.file != file)
                && r.policies.iter().any(|p| p.origin.file == file)
        })
        .map(|name| format!("RELGATE_PACK_{name}"))
        .collect()
}

/// The statement, or why none can be written.
pub fn statement(r: &Report, e: &Evidence, fail_on: Severity) -> Result<Value, String> {
    let subject = match &e.subject {
        Judged::Commit(sha) => json!({
            "name": e.resource_uri,
            "digest": {"gitCommit": sha},
        }),
        Judged::Tree { source, tree, head } => {
            let what = match source {
                SourceKind::Staged => "the index (--staged)",
                _ => "the working tree",
            };
            json!({
                "name": e.resource_uri,
                "digest": {"gitTree": tree},
                "annotations": {
                    "relgate.source": super::junit::source_name(*source),
                    "relgate.note": format!("{what} is not a commit: the digest is its git tree id, as git write-tree would make it (docs/attest.md)"),
                    "relgate.head": head,
                },
            })
        }
        Judged::Unknown(why) => {
            return Err(format!("cannot digest what was judged: {why}"));
        }
    };
    let time = jiff::Timestamp::from_second(e.time.as_second()).map_err(|x| x.to_string())?;
    Ok(json!({
        "_type": STATEMENT_TYPE,
        "subject": [subject],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "verifier": {
                "id": VERIFIER_ID,
                "version": {"relgate": env!("CARGO_PKG_VERSION")},
            },
            "timeVerified": time.to_string(),
            "resourceUri": e.resource_uri,
            "policy": {
                "uri": format!("{VERIFIER_ID}/blob/main/docs/attest.md#policy-digest"),
                "digest": {"sha256": e.policy_digest},
            },
            "verificationResult": if r.fails(fail_on) { "FAILED" } else { "PASSED" },
            "verifiedLevels": packs_passed(r, &e.packs, fail_on),
        },
    }))
}

pub fn render(r: &Report, fail_on: Severity, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let Some(e) = &r.evidence else {
        return Err(std::io::Error::other(
            "no evidence was gathered for an attestation",
        ));
    };
    let v = statement(r, e, fail_on).map_err(std::io::Error::other)?;
    writeln!(out, "{v:#}")
}

/// A run that could not evaluate: no statement (nothing was verified), but a
/// document that says why, so no verifier reads an old file in its place.
pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let v = json!({"error": format!("relgate could not evaluate, nothing is attested: {message}")});
    writeln!(out, "{v:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_uris_carry_no_credentials() {
        let p = std::path::Path::new("/r");
        assert_eq!(
            resource_uri(Some("https://x-access-token:SECRET@github.com/o/r.git"), p),
            "git+https://github.com/o/r.git"
        );
        assert_eq!(
            resource_uri(Some("git@github.com:o/r.git"), p),
            "git+ssh://github.com/o/r.git"
        );
        assert_eq!(
            resource_uri(Some("https://gitlab.com/g/r"), p),
            "git+https://gitlab.com/g/r"
        );
        assert_eq!(resource_uri(None, p), "git+file:///r");
    }

    #[test]
    fn the_policy_digest_follows_every_byte_and_the_order() {
        let a = policy_digest(&[("a.yaml".into(), "x"), ("pack:p".into(), "y")]);
        assert_ne!(
            a,
            policy_digest(&[("a.yaml".into(), "x "), ("pack:p".into(), "y")])
        );
        assert_ne!(
            a,
            policy_digest(&[("pack:p".into(), "y"), ("a.yaml".into(), "x")])
        );
        assert_eq!(a.len(), 64);
    }
}
