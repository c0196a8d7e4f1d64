//! The branch names a run knows from git: the checked branch and the base branch.

use git2::{BranchType, Repository};

/// What the run knows about branches, for `{branch}` and `{base_branch}`: a name,
/// or why there is none.
#[derive(Debug, Clone)]
pub struct Branches {
    pub branch: Result<String, String>,
    pub base_branch: Result<String, String>,
}

impl Default for Branches {
    fn default() -> Branches {
        Branches {
            branch: Err("the checked revision is not a branch".into()),
            base_branch: Err("no --base was given".into()),
        }
    }
}

/// The local branch `rev` names (`main`, `refs/heads/main`), the branch a
/// remote-tracking name stands for (`origin/main` → `main`), or HEAD's branch when
/// `rev` is `None` or `HEAD`. `None` for a commit id, a tag or a detached HEAD.
pub(super) fn name_of(repo: &Repository, rev: Option<&str>) -> Option<String> {
    let rev = rev.filter(|r| *r != "HEAD");
    let Some(rev) = rev else {
        let head = repo.head().ok()?;
        return head
            .is_branch()
            .then(|| head.shorthand().ok().map(str::to_string))
            .flatten();
    };
    let short = rev.strip_prefix("refs/heads/").unwrap_or(rev);
    if repo.find_branch(short, BranchType::Local).is_ok() {
        return Some(short.to_string());
    }
    let remote = rev.strip_prefix("refs/remotes/").unwrap_or(rev);
    if repo.find_branch(remote, BranchType::Remote).is_ok() {
        return remote.split_once('/').map(|(_, b)| b.to_string());
    }
    None
}
