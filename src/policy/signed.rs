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

/// The `gpgsig` header of a raw commit and the commit without it (what was signed).
pub(super) fn commit_signature(raw: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let end = raw.windows(2).position(|w| w == b"\n\n")? + 1;
    let (headers, rest) = raw.split_at(end);
    let mut signature = Vec::new();
    let mut signed = Vec::new();
    let mut in_sig = false;
    for line in headers.split_inclusive(|b| *b == b'\n') {
        if let Some(v) = line.strip_prefix(b"gpgsig ") {
            in_sig = true;
            signature.extend_from_slice(v);
        } else if in_sig && line.starts_with(b" ") {
            signature.extend_from_slice(&line[1..]);
        } else {
            in_sig = false;
            signed.extend_from_slice(line);
        }
    }
    if signature.is_empty() {
        return None;
    }
    signed.extend_from_slice(rest);
    Some((signature, signed))
}

/// The signature appended to a raw tag's message, and the tag before it.
pub(super) fn tag_signature(raw: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let marker = b"-----BEGIN SSH SIGNATURE-----";
    let at = raw.windows(marker.len()).rposition(|w| w == marker)?;
    Some((raw[at..].to_vec(), raw[..at].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_signature_is_cut_out_of_what_was_signed() {
        let raw = b"tree t\nparent p\ngpgsig -----BEGIN SSH SIGNATURE-----\n abc\n -----END SSH SIGNATURE-----\ncommitter c\n\nmessage\n";
        let (sig, signed) = commit_signature(raw).unwrap();
        assert_eq!(
            sig,
            b"-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----\n"
        );
        assert_eq!(signed, b"tree t\nparent p\ncommitter c\n\nmessage\n");
        assert!(commit_signature(b"tree t\n\nmsg\n").is_none());
    }
}
