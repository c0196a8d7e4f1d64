//! Whether git tracks a path of the working tree: a file the job hands relgate as
//! evidence (`--attach`) must not be one the pull request committed or staged.

use super::OpenError;
use std::path::Path;

/// `true` when `rel` (relative to the working tree `workdir`) is in the repository's
/// index (any stage), in the commit `rev` (the one checked), or in HEAD.
pub fn tracked(workdir: &Path, rev: Option<&str>, rel: &Path) -> Result<bool, OpenError> {
    let git = |e: git2::Error| OpenError::Git(e.message().to_string());
    let repo = git2::Repository::open(workdir).map_err(git)?;
    let index = repo.index().map_err(git)?;
    if (0..=3).any(|stage| index.get_path(rel, stage).is_some()) {
        return Ok(true);
    }
    let mut commits = Vec::new();
    if let Some(rev) = rev {
        commits.push(git2::Oid::from_str(rev).map_err(git)?);
    }
    if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
        commits.push(head.id());
    }
    for id in commits {
        let tree = repo.find_commit(id).and_then(|c| c.tree()).map_err(git)?;
        if tree.get_path(rel).is_ok() {
            return Ok(true);
        }
    }
    Ok(false)
}
