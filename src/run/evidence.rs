//! What an attestation names ([`crate::report::attest`]), gathered only when one is
//! asked for: the judged commit (or the digest of the judged tree), the digest of
//! the policy set, the packs, the time and the repository's address.

use crate::policy::PolicySet;
use crate::repo::{Opened, SourceKind};
use crate::report::attest::{self, Evidence, Judged};

pub(crate) fn gather(
    set: &PolicySet,
    opened: &Opened,
    now: jiff::Timestamp,
    path: &std::path::Path,
) -> Evidence {
    let files: Vec<(String, &str)> = set
        .files
        .iter()
        .map(|f| (f.name.clone(), &*f.text))
        .collect();
    let packs = set
        .files
        .iter()
        .filter_map(|f| f.name.strip_prefix("pack:"))
        .filter(|n| crate::policy::packs::get(n).is_some())
        .map(str::to_string)
        .collect();
    let subject = match opened.view.source() {
        SourceKind::Rev => match &opened.rev {
            Some(sha) => Judged::Commit(sha.clone()),
            None => Judged::Unknown("the commit under check has no id".into()),
        },
        source => match attest::tree_digest(opened.view.as_ref()) {
            Ok(sha256) => Judged::Tree {
                source,
                sha256,
                head: opened.rev.clone(),
            },
            Err(why) => Judged::Unknown(why),
        },
    };
    let remote = git2::Repository::discover(path).ok().and_then(|r| {
        r.find_remote("origin")
            .ok()
            .and_then(|o| o.url().ok().map(str::to_string))
    });
    let root = opened.workdir.clone().unwrap_or_else(|| path.to_path_buf());
    Evidence {
        subject,
        policy_digest: attest::policy_digest(&files),
        packs,
        time: now,
        resource_uri: attest::resource_uri(remote.as_deref(), &root),
    }
}
