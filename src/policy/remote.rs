//! Packs declared in a policy file beside the shipped ones: a git pack pinned to a
//! commit, and a local folder pack.
//!
//! ```yaml
//! packs:
//!   - billing-gateway-dr                   # shipped in the binary
//!   - git: https://example.com/acme/relgate-packs
//!     rev: 3f1c9e…                          # a full commit id: the pin, required
//!     path: packs/release-basics            # a folder (or one file) of that commit
//!     signers: .relgate/signers/publishers  # optional: allowed signers of the commit
//!   - path: ../shared-policies/payments     # a local folder, relative to the repository
//! ```
//!
//! A pack folder holds policy files (`*.yaml`, `*.yml`, any depth), an optional
//! `pack.yaml` (`name`, `description`, `version`, `vars:` as in a policy file: what a
//! user must or may set, with defaults) and optional `tests/` (`relgate test` cases,
//! never loaded as policies). The declarations come from policy files, so from the
//! trusted tree like every policy. This module reads declarations and manifests; where
//! the content comes from (the pack cache, the disk) is a [`PackSource`]'s business
//! ([`super::fetch`]).

use super::PolicySet;
use super::var_defs::load_vars;
use crate::lang::error::{Code, PolicyFile};
use crate::lang::fields::{Fields, LoadCx};
use crate::lang::kind::{Param, Ty};
use crate::parse::value::{Kind, Span, Value};
use std::sync::Arc;

/// One entry of a `packs:` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PackDecl {
    /// A pack shipped in the binary.
    Shipped(String),
    /// A pack folder (or file) inside a pinned commit of a git repository.
    Git {
        url: String,
        /// A full commit id (or the id of an annotated tag pointing at one).
        rev: String,
        /// The folder or file inside the commit (`""`: the whole tree).
        path: String,
        /// An allowed-signers file of the trusted tree.
        signers: Option<String>,
    },
    /// A folder on disk, relative to the repository's root.
    Local { path: String },
}

impl PackDecl {
    /// The name the pack goes by before its `pack.yaml` is read: the last part of its
    /// path, else of its URL (`.git` cut off).
    pub(crate) fn name(&self) -> String {
        let last = |s: &str| {
            s.trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or(s)
                .to_string()
        };
        match self {
            PackDecl::Shipped(n) => n.clone(),
            PackDecl::Git { url, path, .. } if path.trim_matches('/').is_empty() => {
                last(url.trim_end_matches('/').trim_end_matches(".git"))
            }
            PackDecl::Git { path, .. } | PackDecl::Local { path } => {
                let p = last(path);
                p.strip_suffix(".yaml")
                    .or_else(|| p.strip_suffix(".yml"))
                    .unwrap_or(&p)
                    .to_string()
            }
        }
    }
}

/// A declaration and where it stands.
#[derive(Debug, Clone)]
pub(crate) struct Declared {
    pub decl: PackDecl,
    /// The list entry.
    pub span: Span,
    /// The value of `rev:` (what `relgate pack update` rewrites).
    pub rev_span: Option<Span>,
}

/// The keys of a `packs:` entry that is a mapping.
pub(crate) static PACK_PARAMS: &[Param] = &[
    Param {
        name: "git",
        ty: Ty::Text,
        required: false,
        doc: "The URL of a git repository holding the pack (anything `git fetch` takes).",
    },
    Param {
        name: "rev",
        ty: Ty::Text,
        required: false,
        doc: "The pin: a full commit id (40 hex digits), required with `git`.",
    },
    Param {
        name: "path",
        ty: Ty::Text,
        required: false,
        doc: "With `git`: the pack folder (or file) inside the commit; alone: a local folder, relative to the repository.",
    },
    Param {
        name: "signers",
        ty: Ty::Text,
        required: false,
        doc: "An allowed-signers file of the repository: the pinned commit must carry an SSH signature by one of its keys.",
    },
];

/// The keys of a `pack.yaml`.
pub(crate) static MANIFEST_PARAMS: &[Param] = &[
    Param {
        name: "name",
        ty: Ty::Id,
        required: true,
        doc: "The pack's name.",
    },
    Param {
        name: "description",
        ty: Ty::Text,
        required: false,
        doc: "What the pack checks.",
    },
    Param {
        name: "version",
        ty: Ty::Text,
        required: false,
        doc: "The pack's own version.",
    },
    Param {
        name: "vars",
        ty: Ty::Vars,
        required: false,
        doc: "The variables a user must or may set, with their defaults (as `vars:` of a policy file).",
    },
];

/// Whether `rev` is a full object id (SHA-1, lower case).
pub(crate) fn is_full_id(rev: &str) -> bool {
    rev.len() == 40
        && rev
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A git pack given on the command line (`--pack`, the action's `packs` input):
/// `git+URL@COMMIT` or `git+URL@COMMIT#PATH`. `None` when `spec` is not one (a shipped
/// pack's name); an error when it is one but not valid.
pub(crate) fn parse_spec(spec: &str) -> Option<Result<PackDecl, String>> {
    let rest = spec.strip_prefix("git+")?;
    let (pinned, path) = rest.split_once('#').unwrap_or((rest, ""));
    let Some((url, rev)) = pinned.rsplit_once('@') else {
        return Some(Err(format!(
            "'{spec}' names no commit: write git+URL@COMMIT#PATH"
        )));
    };
    if url.is_empty() || !is_full_id(rev) {
        return Some(Err(format!(
            "'{spec}' must pin a full commit id (40 lower-case hex digits): git+URL@COMMIT#PATH"
        )));
    }
    Some(Ok(PackDecl::Git {
        url: url.to_string(),
        rev: rev.to_string(),
        path: path.trim_matches('/').to_string(),
        signers: None,
    }))
}

/// Reads a `packs:` node; errors go to `lx`.
pub(crate) fn read_decls(lx: &mut LoadCx, node: &Value) -> Vec<Declared> {
    let Kind::Array(items) = &node.kind else {
        lx.wrong_type(
            node,
            "'packs'",
            "a list of packs (names, or mappings with 'git' or 'path')",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for it in items {
        if let Some(s) = it.as_str() {
            out.push(Declared {
                decl: PackDecl::Shipped(s.to_string()),
                span: it.span,
                rev_span: None,
            });
        } else if let Kind::Object(_) = it.kind {
            if let Some(d) = read_entry(lx, it) {
                out.push(d);
            }
        } else {
            lx.wrong_type(
                it,
                "a pack",
                "a pack name or a mapping with 'git' or 'path'",
            );
        }
    }
    out
}

fn read_entry(lx: &mut LoadCx, it: &Value) -> Option<Declared> {
    let before = lx.errors.len();
    let mut f = Fields::new(lx, it, PACK_PARAMS, None, "pack")?;
    let git = f.string("git");
    let rev_node = f.node("rev");
    let rev = f.string("rev");
    let path = f.string("path");
    let signers = f.string("signers");
    f.finish();
    if lx.errors.len() != before {
        return None;
    }
    let decl = match (git, path) {
        (Some(url), path) => {
            let Some(rev) = rev else {
                lx.error(Code::MissingKey, it.span, "a git pack is missing the required key 'rev'")
                    .help = Some("pin the pack to a full commit id: 'rev: <40 hex digits>' (relgate pack update writes it)".into());
                return None;
            };
            if !is_full_id(&rev) {
                lx.error(
                    Code::BadValue,
                    rev_node.map_or(it.span, |n| n.span),
                    format!("'rev' must be a full commit id, found '{rev}'"),
                )
                .help = Some("a branch or tag moves; pin the commit (40 lower-case hex digits): git rev-parse REF, or relgate pack update".into());
                return None;
            }
            PackDecl::Git {
                url,
                rev,
                path: path.unwrap_or_default().trim_matches('/').to_string(),
                signers,
            }
        }
        (None, Some(path)) => {
            if rev.is_some() || signers.is_some() {
                lx.error(
                    Code::BadValue,
                    it.span,
                    "'rev' and 'signers' belong to git packs (with 'git:')",
                );
                return None;
            }
            PackDecl::Local { path }
        }
        (None, None) => {
            lx.error(
                Code::MissingKey,
                it.span,
                "a pack mapping needs 'git' or 'path'",
            )
            .help = Some(
                "git: URL, rev: COMMIT, path: FOLDER (a git pack), or path: FOLDER (a local pack)"
                    .into(),
            );
            return None;
        }
    };
    Some(Declared {
        decl,
        span: it.span,
        rev_span: rev_node.map(|n| n.span),
    })
}

/// The packs a policy file declares, errors left out (for `relgate pack` and the trust
/// notes, which read declarations without loading the policies).
pub(crate) fn declared(name: &str, text: &str) -> Vec<Declared> {
    let file = Arc::new(PolicyFile {
        name: name.to_string(),
        text: Arc::from(text),
    });
    let Ok(root) = crate::lang::document::read(&file) else {
        return Vec::new();
    };
    let Some(node) = root.get("packs") else {
        return Vec::new();
    };
    let mut lx = LoadCx::new(file);
    read_decls(&mut lx, node)
}

/// The content of a resolved pack: its manifest and policy files.
#[derive(Debug, Clone)]
pub(crate) struct PackContent {
    /// How its files are named in diagnostics: `pack:NAME@COMMIT7` or `pack:NAME`.
    pub label: String,
    /// `pack.yaml`, when there is one.
    pub manifest: Option<String>,
    /// Policy files as (path inside the pack, text), sorted.
    pub files: Vec<(String, String)>,
}

/// Why a pack could not be used: a message and how to fix it.
#[derive(Debug, Clone)]
pub(crate) struct PackError {
    pub message: String,
    pub help: String,
}

/// Where git and local packs come from (the pack cache, the disk, the trusted tree).
pub(crate) trait PackSource: std::fmt::Debug + Send + Sync {
    fn resolve(&self, decl: &PackDecl) -> Result<PackContent, PackError>;
}

/// Which files of a pack folder are its policies: `*.yaml`/`*.yml` below `root`
/// (`root` itself when it names one file), except `pack.yaml` at its top and
/// anything under `tests/`.
pub(crate) fn is_pack_policy(rel: &str) -> bool {
    (rel.ends_with(".yaml") || rel.ends_with(".yml"))
        && rel != "pack.yaml"
        && !rel.starts_with("tests/")
        && !rel.contains("/tests/")
}

/// Reads a `pack.yaml`: its variables join the set; returns the pack's name.
pub(crate) fn load_manifest(lx: &mut LoadCx, root: &Value, set: &mut PolicySet) -> Option<String> {
    let mut f = Fields::new(lx, root, MANIFEST_PARAMS, None, "pack.yaml")?;
    let name = f.string("name");
    let _ = f.string("description");
    let _ = f.string("version");
    let vars = f.node("vars");
    f.finish();
    if let Some(v) = vars {
        load_vars(lx, v, set);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_of_every_form_and_their_names() {
        let id = "0123456789abcdef0123456789abcdef01234567";
        let text = format!(
            "version: 1\npacks:\n  - billing-gateway-dr\n  - git: https://x.invalid/acme/packs.git\n    rev: {id}\n    path: packs/release-basics/\n    signers: .relgate/signers\n  - git: file:///srv/acme-packs.git\n    rev: {id}\n  - path: ../shared/payments\n"
        );
        let d = declared("c.yaml", &text);
        let names: Vec<String> = d.iter().map(|d| d.decl.name()).collect();
        assert_eq!(
            names,
            [
                "billing-gateway-dr",
                "release-basics",
                "acme-packs",
                "payments"
            ]
        );
        assert_eq!(d[1].rev_span.map(|s| s.line), Some(5));
        assert_eq!(
            d[1].decl,
            PackDecl::Git {
                url: "https://x.invalid/acme/packs.git".into(),
                rev: id.into(),
                path: "packs/release-basics".into(),
                signers: Some(".relgate/signers".into()),
            }
        );
    }

    #[test]
    fn a_git_pack_without_a_full_commit_id_is_refused() {
        for (entry, want) in [
            ("{git: 'file:///x'}", "missing the required key 'rev'"),
            (
                "{git: 'file:///x', rev: main}",
                "must be a full commit id, found 'main'",
            ),
            (
                "{git: 'file:///x', rev: ABCDEF0123456789abcdef0123456789abcdef01}",
                "full commit id",
            ),
            (
                "{path: x, rev: 0123456789abcdef0123456789abcdef01234567}",
                "belong to git packs",
            ),
            ("{signers: x}", "needs 'git' or 'path'"),
            ("{git: 'file:///x', branch: main}", "branch"),
        ] {
            let file = Arc::new(PolicyFile {
                name: "c.yaml".into(),
                text: Arc::from(format!("packs:\n  - {entry}\n").as_str()),
            });
            let root = crate::lang::document::read(&file).unwrap();
            let mut lx = LoadCx::new(file);
            let got = read_decls(&mut lx, root.get("packs").unwrap());
            assert!(got.is_empty(), "{entry}");
            let msgs: Vec<&str> = lx.errors.iter().map(|e| e.message.as_str()).collect();
            assert!(msgs.iter().any(|m| m.contains(want)), "{entry}: {msgs:?}");
        }
    }

    #[test]
    fn command_line_git_packs() {
        let id = "0123456789abcdef0123456789abcdef01234567";
        assert!(parse_spec("billing-gateway-dr").is_none());
        let d = parse_spec(&format!("git+git@example.com:acme/packs.git@{id}#packs/x/")).unwrap();
        assert_eq!(
            d.unwrap(),
            PackDecl::Git {
                url: "git@example.com:acme/packs.git".into(),
                rev: id.into(),
                path: "packs/x".into(),
                signers: None,
            }
        );
        assert!(parse_spec("git+https://x.invalid/p@main").unwrap().is_err());
        assert!(parse_spec("git+https://x.invalid/p").unwrap().is_err());
    }

    #[test]
    fn pack_policy_files_leave_out_the_manifest_and_tests() {
        assert!(is_pack_policy("a.yaml"));
        assert!(is_pack_policy("sub/b.yml"));
        assert!(!is_pack_policy("pack.yaml"));
        assert!(!is_pack_policy("tests/case-1/case.yaml"));
        assert!(!is_pack_policy("README.md"));
    }
}
