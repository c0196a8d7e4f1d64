//! Turns a case into a real git repository in a temporary folder: `base/` committed
//! first (when present), then the tree committed on top, modes and links applied,
//! so that the case is judged by the same views as `relgate check`.
//!
//! The repository is written with libgit2 and its own settings (file modes honoured,
//! links kept as links, no line-ending conversion), whatever the user's git config says.

use super::case::Case;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A built case: the repository folder (removed on drop) and the base commit.
pub(super) struct Built {
    pub(super) dir: tempfile::TempDir,
    pub(super) base: Option<String>,
}

impl Built {
    pub(super) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Builds the repository of `case`.
pub(super) fn build(case: &Case) -> Result<Built, String> {
    let dir = tempfile::Builder::new()
        .prefix("relgate-test-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let repo = git2::Repository::init(dir.path()).map_err(git)?;
    {
        // The repository's own settings win over any global or system configuration.
        let mut cfg = repo.config().map_err(git)?;
        for (k, v) in [
            ("core.filemode", true),
            ("core.symlinks", true),
            ("core.autocrlf", false),
            ("core.ignorecase", false),
        ] {
            cfg.set_bool(k, v).map_err(git)?;
        }
    }
    let sig = git2::Signature::new(
        "relgate test",
        "relgate-test@localhost",
        &git2::Time::new(946_684_800, 0),
    )
    .map_err(git)?;
    let mut parent = None;
    let mut base = None;
    if let Some(files) = &case.base {
        write_tree(dir.path(), files, &BTreeMap::new(), &case.modes)?;
        let oid = commit(&repo, &sig, None, "base")?;
        base = Some(oid.to_string());
        parent = Some(oid);
        clear(dir.path())?;
    }
    write_tree(dir.path(), &case.tree, &case.symlinks, &case.modes)?;
    commit(&repo, &sig, parent, "case")?;
    Ok(Built { dir, base })
}

fn git(e: git2::Error) -> String {
    format!("git: {}", e.message())
}

/// Writes files (mode 0644 unless `modes` says otherwise) and links under `root`.
fn write_tree(
    root: &Path,
    files: &BTreeMap<String, PathBuf>,
    links: &BTreeMap<String, String>,
    modes: &BTreeMap<String, u32>,
) -> Result<(), String> {
    for (rel, src) in files {
        let dest = no_link_on_the_way(root, rel)?;
        make_parent(&dest)?;
        let meta = std::fs::symlink_metadata(src).map_err(|e| format!("{}: {e}", src.display()))?;
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(src).map_err(|e| format!("{}: {e}", src.display()))?;
            std::os::unix::fs::symlink(&target, &dest)
                .map_err(|e| format!("{}: {e}", dest.display()))?;
            continue;
        }
        std::fs::copy(src, &dest).map_err(|e| format!("{}: {e}", src.display()))?;
        let mode = modes.get(rel).copied().unwrap_or(0o644);
        std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("{}: {e}", dest.display()))?;
    }
    for (rel, target) in links {
        let dest = no_link_on_the_way(root, rel)?;
        make_parent(&dest)?;
        let _ = std::fs::remove_file(&dest);
        std::os::unix::fs::symlink(target, &dest)
            .map_err(|e| format!("{}: {e}", dest.display()))?;
    }
    Ok(())
}

/// `root/rel`, when `rel` is a plain relative path and no folder between `root` and it
/// is a symbolic link (one written earlier would be written through). The case's
/// paths were checked when it was loaded; this holds whatever the loader let through.
fn no_link_on_the_way(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let mut at = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() || *part == "." || *part == ".." {
            return Err(format!("{rel} is not a plain relative path"));
        }
        at.push(part);
        // The last component may be a link: a link is replaced, never written through.
        let last = i + 1 == parts.len();
        if !last && std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "refusing to write {rel}: {} is a symbolic link",
                at.strip_prefix(root).unwrap_or(&at).display()
            ));
        }
    }
    Ok(at)
}

fn make_parent(dest: &Path) -> Result<(), String> {
    match dest.parent() {
        Some(p) => std::fs::create_dir_all(p).map_err(|e| format!("{}: {e}", p.display())),
        None => Ok(()),
    }
}

/// Removes everything but `.git` (the tree is written anew on top of the base).
fn clear(root: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_name() == ".git" {
            continue;
        }
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let r = if is_dir {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        r.map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Stages the whole working tree (`git add -A`) and commits it.
fn commit(
    repo: &git2::Repository,
    sig: &git2::Signature,
    parent: Option<git2::Oid>,
    message: &str,
) -> Result<git2::Oid, String> {
    let mut index = repo.index().map_err(git)?;
    index.clear().map_err(git)?;
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .map_err(git)?;
    index.write().map_err(git)?;
    let tree_id = index.write_tree().map_err(git)?;
    let tree = repo.find_tree(tree_id).map_err(git)?;
    let parents = match parent {
        Some(p) => vec![repo.find_commit(p).map_err(git)?],
        None => Vec::new(),
    };
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), sig, sig, message, &tree, &parents)
        .map_err(git)
}
