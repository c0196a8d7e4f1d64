//! `signature`: a file carries OpenSSH signatures (SSHSIG, as `ssh-keygen -Y sign`
//! writes them) by enough principals of an allowed-signers file from the trusted tree.
//!
//! The verdict for each signature is the one `ssh-keygen -Y verify -f SIGNERS -I
//! PRINCIPAL -n NAMESPACE -s SIG < FILE` gives (tests compare the two), plus the
//! policy's own `principals` patterns. The signers file is read from the trusted tree
//! (the base with `--base`), so a pull request cannot add its own key; the signed file
//! and the signatures are read from the tree under check.

use super::KindSpec;
use crate::eval::util::{missing_message, read};
use crate::eval::{At, Check, Cx, Eval, EvalError, Hit};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::glob;
use crate::lang::template::{Template, glob_escape, no_escape};
use crate::parse::allowed_signers::{self, Signer, matches_pattern_list};
use crate::repo::ReadError;
use ssh_key::{HashAlg, PublicKey, SshSig};

pub(super) static SPEC: KindSpec = KindSpec {
    name: "signature",
    summary: "A file is signed with OpenSSH signatures (ssh-keygen -Y sign) by enough principals of an allowed-signers file from the trusted tree.",
    doc: include_str!("signature.md"),
    params: &[
        Param {
            name: "file",
            ty: Ty::Path,
            required: true,
            doc: "The signed file.",
        },
        Param {
            name: "signatures",
            ty: Ty::Text,
            required: false,
            doc: "Path or glob of the signature files; `{file}` is the signed file's path (default `{file}.sig`).",
        },
        Param {
            name: "signers",
            ty: Ty::Path,
            required: true,
            doc: "The allowed-signers file, read from the trusted tree.",
        },
        Param {
            name: "namespace",
            ty: Ty::Text,
            required: false,
            doc: "The namespace signatures are made for (`ssh-keygen -Y sign -n`; default `relgate`).",
        },
        Param {
            name: "principals",
            ty: Ty::Names,
            required: false,
            doc: "Patterns (`*`, `?`) a principal of the signer's line must also match.",
        },
        Param {
            name: "min_signers",
            ty: Ty::Int,
            required: false,
            doc: "Least number of distinct principals with a valid signature (default 1).",
        },
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let file = f.path("file");
    let signatures = f.text_local("signatures", &["file".to_string()]);
    let signers = f.path("signers");
    let namespace = f.text("namespace");
    let principals = f.names("principals");
    let min_node = f.node("min_signers").map(|n| n.span);
    let min_signers = match f.int("min_signers") {
        Some(n) if n >= 1 => Some(n as usize),
        Some(_) => {
            f.lx.error(
                Code::BadValue,
                min_node.unwrap_or_default(),
                "'min_signers' must be at least 1",
            );
            None
        }
        None if min_node.is_none() => Some(1),
        None => None,
    };
    Some(Box::new(Signature {
        file: file?,
        signatures,
        signers: signers?,
        namespace,
        principals,
        min_signers: min_signers?,
    }))
}

#[derive(Debug)]
struct Signature {
    file: Template,
    signatures: Option<Template>,
    signers: Template,
    namespace: Option<Template>,
    principals: Option<Vec<String>>,
    min_signers: usize,
}

impl Check for Signature {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        use crate::eval::reach::Reached;
        // The signatures: `{file}.sig` unless `signatures` names them (`{file}` and
        // every variable for anything).
        let sigs = match &self.signatures {
            Some(t) => Reached::glob(t, false),
            None => Reached {
                suffix: ".sig",
                ..Reached::path(&self.file)
            },
        };
        Some(vec![Reached::path(&self.file), sigs])
    }

    fn trusted_files(&self) -> Vec<&Template> {
        vec![&self.signers]
    }

    fn named(&self, cx: &Cx) -> Vec<String> {
        cx.vars.render(&self.file, no_escape).into_iter().collect()
    }

    fn named_templates(&self) -> Vec<&crate::lang::template::Template> {
        vec![&self.file]
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let path = cx.vars.render(&self.file, no_escape)?;
        let namespace = match &self.namespace {
            Some(t) => cx.vars.render(t, no_escape)?,
            None => "relgate".to_string(),
        };
        let signers_path = cx.vars.render(&self.signers, no_escape)?;
        let mut hits = Vec::new();
        // The allowed signers, from the trusted tree.
        let signers = match cx.trusted.read(&signers_path) {
            Ok(c) => match c.text() {
                Ok(t) => {
                    let (signers, errors) = allowed_signers::parse(t);
                    for e in errors {
                        hits.push(Hit::at(
                            format!("{signers_path}: {}", e.message),
                            At::line(&signers_path, e.line, e.column),
                        ));
                    }
                    signers
                }
                Err(_) => {
                    hits.push(Hit::at(
                        format!("{signers_path} is not valid UTF-8"),
                        At::file(&signers_path),
                    ));
                    Vec::new()
                }
            },
            Err(ReadError::NotFound { .. }) => {
                let whence = if cx.diff.is_some() {
                    " in the trusted tree (the base)"
                } else {
                    ""
                };
                hits.push(Hit::at(
                    format!(
                        "the allowed-signers file {signers_path} does not exist{whence}: no signature of {path} can be checked"
                    ),
                    At::file(&signers_path),
                ));
                Vec::new()
            }
            Err(e) if e.is_finding() => {
                hits.push(Hit::at(e.to_string(), At::file(&signers_path)));
                Vec::new()
            }
            Err(e) => return Err(EvalError::Read(e)),
        };
        for s in signers.iter().filter(|s| s.cert_authority) {
            hits.push(Hit::at(
                format!(
                    "{signers_path}: cert-authority lines are not supported by relgate; list the signer's own key"
                ),
                At::line(&signers_path, s.line, 1),
            ));
        }
        // The signed file.
        let content = match read(cx, &path) {
            Ok(c) => c,
            Err(blocked) => {
                hits.push(blocked.hit()?);
                return Ok(hits);
            }
        };
        // Its signatures.
        let sig_paths = self.signature_paths(cx, &path)?;
        if sig_paths.is_empty() {
            let expected = match &self.signatures {
                Some(t) => t.raw.replace("{file}", &path),
                None => format!("{path}.sig"),
            };
            hits.push(Hit::at(
                format!(
                    "{path} is not signed: {} (sign it with: ssh-keygen -Y sign -f KEY -n {namespace} {path})",
                    missing_message(cx, &expected)
                ),
                At::file(&expected),
            ));
            return Ok(hits);
        }
        // Distinct signers (their principals), in the order found.
        let mut valid: Vec<(String, String)> = Vec::new();
        for sig_path in &sig_paths {
            let sig_content = match read(cx, sig_path) {
                Ok(c) => c,
                Err(blocked) => {
                    hits.push(blocked.hit()?);
                    continue;
                }
            };
            match self.judge(
                cx,
                &namespace,
                content.bytes(),
                sig_content.bytes(),
                &signers,
            ) {
                Ok((fingerprint, principal)) => {
                    if !valid
                        .iter()
                        .any(|(f, p)| f == &fingerprint || p == &principal)
                    {
                        valid.push((fingerprint, principal));
                    }
                }
                Err(reason) => hits.push(Hit::at(
                    format!("{sig_path} does not count: {reason}"),
                    At::file(sig_path),
                )),
            }
        }
        if valid.len() < self.min_signers {
            let who = if valid.is_empty() {
                "none did".to_string()
            } else {
                format!(
                    "signed by {}",
                    valid
                        .iter()
                        .map(|(_, p)| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            hits.push(Hit::at(
                format!(
                    "{path} needs valid signatures by {} distinct principal{} of {signers_path}; {who}",
                    self.min_signers,
                    if self.min_signers == 1 { "" } else { "s" }
                ),
                At::file(&path),
            ));
        } else {
            // Enough valid signatures: the ones that do not count are not the verdict.
            hits.retain(|h| h.subject.path() == Some(signers_path.as_str()));
        }
        Ok(hits)
    }
}

impl Signature {
    /// The signature files present in the view, sorted.
    fn signature_paths(&self, cx: &Cx, path: &str) -> Result<Vec<String>, EvalError> {
        let pattern = match &self.signatures {
            None => return Ok(present(cx, &format!("{path}.sig"))),
            Some(t) => {
                let locals = |n: &str| (n == "file").then(|| path.to_string());
                let literal = cx.vars.render_with(t, no_escape, &locals)?;
                if !literal.contains(['*', '?', '[', '{']) {
                    return Ok(present(cx, &literal));
                }
                cx.vars.render_with(t, glob_escape, &locals)?
            }
        };
        let g = glob(&pattern)
            .map_err(|e| EvalError::Invalid(format!("invalid glob '{pattern}': {}", e.kind())))?;
        let mut out: Vec<String> = cx
            .view
            .entries()
            .iter()
            .filter(|e| g.is_match(e.path))
            .map(|e| e.path.to_string())
            .collect();
        out.sort();
        Ok(out)
    }

    /// Whether one signature counts: its signer's (fingerprint, principal), or why not.
    fn judge(
        &self,
        cx: &Cx,
        namespace: &str,
        message: &[u8],
        sig_bytes: &[u8],
        signers: &[Signer],
    ) -> Result<(String, String), String> {
        let sig = SshSig::from_pem(sig_bytes).map_err(|e| {
            format!("not an armored SSH signature (-----BEGIN SSH SIGNATURE-----): {e}")
        })?;
        let key = PublicKey::from(sig.public_key().clone());
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        if sig.namespace() != namespace {
            return Err(format!(
                "it is signed for namespace '{}', not '{namespace}' (ssh-keygen -Y sign -n {namespace})",
                sig.namespace()
            ));
        }
        key.verify(namespace, message, &sig).map_err(|_| {
            "the signature does not match the file's content (the file changed after it was signed, or the signature is damaged)".to_string()
        })?;
        let lines: Vec<&Signer> = signers
            .iter()
            .filter(|s| !s.cert_authority && s.key.key_data() == key.key_data())
            .collect();
        if lines.is_empty() {
            return Err(format!("key {fingerprint} is not in the allowed signers"));
        }
        let mut reasons = Vec::new();
        for s in lines {
            if let Some(ns) = &s.namespaces
                && !matches_pattern_list(namespace, ns)
            {
                reasons.push(format!(
                    "key {fingerprint} (line {}) may sign only for namespaces \"{}\", not '{namespace}'",
                    s.line,
                    ns.join(",")
                ));
                continue;
            }
            if let Some(t) = s.valid_after
                && cx.now < t
            {
                reasons.push(format!(
                    "key {fingerprint} (line {}) is valid only after {t}",
                    s.line
                ));
                continue;
            }
            if let Some(t) = s.valid_before
                && cx.now > t
            {
                reasons.push(format!(
                    "key {fingerprint} (line {}) was valid only before {t}",
                    s.line
                ));
                continue;
            }
            let principal = match &self.principals {
                None => s.principals.first().cloned(),
                Some(patterns) => s
                    .principals
                    .iter()
                    .find(|p| patterns.iter().any(|pat| allowed_signers::wildcard(p, pat)))
                    .cloned(),
            };
            match principal {
                Some(p) => return Ok((fingerprint, p)),
                None => reasons.push(format!(
                    "signer {} (line {}) matches none of the principals {}",
                    s.principals.join(","),
                    s.line,
                    self.principals
                        .as_deref()
                        .unwrap_or_default()
                        .iter()
                        .map(|p| format!("'{p}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        Err(reasons.join("; "))
    }
}

fn present(cx: &Cx, path: &str) -> Vec<String> {
    match cx.view.entry(path) {
        Some(_) => vec![path.to_string()],
        None => Vec::new(),
    }
}
