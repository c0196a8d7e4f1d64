//! `signers:` of a git pack: the pinned commit (or the annotated tag the pin names)
//! carries an SSH signature (`gpgsig`, an SSHSIG in the `git` namespace, as
//! `git -c gpg.format=ssh commit -S` writes it) by a key of an allowed-signers file of
//! the trusted tree. The same readers as the `signature` check: the allowed-signers
//! parser ([`crate::parse::allowed_signers`]) and `ssh-key` for the signature; the
//! verdict is the one `git verify-commit` gives with `gpg.ssh.allowedSignersFile`.

use super::fetch::Packs;
use super::remote::PackError;
use crate::parse::allowed_signers::{self, matches_pattern_list};
use ssh_key::{HashAlg, PublicKey, SshSig};

/// The namespace git signs commits and tags in.
const NAMESPACE: &str = "git";

fn err(message: String, help: &str) -> PackError {
    PackError {
        message,
        help: help.into(),
    }
}

/// Reads the allowed-signers file `file` of the trusted tree (the disk under the
/// repository's root when there is no tree, as for `relgate validate`).
fn signers_text(file: &str, packs: &Packs) -> Result<String, PackError> {
    let help = "'signers' names an allowed-signers file of the repository (as ssh-keygen -Y verify reads it), committed to the trusted tree";
    let bytes = match &packs.trusted {
        Some(view) => view
            .read(file)
            .map(|c| c.bytes().to_vec())
            .map_err(|e| err(format!("cannot read the allowed signers {file}: {e}"), help))?,
        None => crate::output::file::read_regular(
            &packs.root,
            std::path::Path::new(file),
            crate::repo::MAX_FILE_SIZE,
        )
        .map_err(|e| err(format!("cannot read the allowed signers {e}"), help))?,
    };
    String::from_utf8(bytes).map_err(|_| err(format!("{file} is not valid UTF-8"), help))
}

/// Whether `signature` over `signed` is by a key of `file` that may sign for git now.
pub(super) fn verify(
    signature: &[u8],
    signed: &[u8],
    file: &str,
    packs: &Packs,
) -> Result<(), PackError> {
    let fix = "sign the pack's commit with a key listed in the allowed signers (git -c gpg.format=ssh -c user.signingkey=KEY commit -S), and pin that commit";
    let sig = SshSig::from_pem(signature).map_err(|e| {
        err(
            format!("the pinned commit's signature is not an SSH signature ({e}); only SSH signatures are accepted"),
            fix,
        )
    })?;
    let key = PublicKey::from(sig.public_key().clone());
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    if sig.namespace() != NAMESPACE {
        return Err(err(
            format!(
                "the pinned commit is signed for namespace '{}', not 'git'",
                sig.namespace()
            ),
            fix,
        ));
    }
    key.verify(NAMESPACE, signed, &sig).map_err(|_| {
        err(
            format!("the pinned commit's signature by {fingerprint} does not match the commit"),
            fix,
        )
    })?;
    let text = signers_text(file, packs)?;
    let (signers, _) = allowed_signers::parse(&text);
    let mut reasons = Vec::new();
    for s in signers
        .iter()
        .filter(|s| !s.cert_authority && s.key.key_data() == key.key_data())
    {
        if let Some(ns) = &s.namespaces
            && !matches_pattern_list(NAMESPACE, ns)
        {
            reasons.push(format!("line {} does not allow namespace 'git'", s.line));
        } else if s.valid_after.is_some_and(|t| packs.now < t) {
            reasons.push(format!("line {} is not valid yet", s.line));
        } else if s.valid_before.is_some_and(|t| packs.now > t) {
            reasons.push(format!("line {} has expired", s.line));
        } else {
            return Ok(());
        }
    }
    let why = if reasons.is_empty() {
        "is not in".to_string()
    } else {
        format!("is refused by ({})", reasons.join("; "))
    };
    Err(err(
        format!(
            "the pinned commit is signed by key {fingerprint}, which {why} the allowed signers {file}"
        ),
        fix,
    ))
}
