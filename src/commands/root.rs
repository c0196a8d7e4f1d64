//! Which folder a command judges: PATH as given, checked first (a file or a missing
//! path gets its own message), and, when neither `--policies` nor `--pack` is given
//! and PATH has no `.relgate/`, the nearest parent up to the repository's root that
//! has one, as ruff and eslint find their configuration from a subdirectory. With
//! `--base`, `check` does not walk the disk (the change's files could add or remove a
//! `.relgate/` on the way): the run decides in the base tree
//! ([`crate::run::trust::open_governed`]).

use std::path::{Path, PathBuf};

/// The folder to judge, or the message of a PATH that cannot be one.
pub(crate) fn resolve(path: &Path, discover: bool) -> Result<PathBuf, String> {
    // symlink_metadata: PATH itself may be a link to a folder, which is fine to enter
    // (it is the user's argument, not the repository's content); metadata follows it.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{} does not exist", path.display()));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if !meta.is_dir() {
        let hint = if super::is_policy_file(&path.to_string_lossy()) {
            format!(
                "; to use it as a policy file, pass --policies {}",
                path.display()
            )
        } else {
            String::new()
        };
        return Err(format!(
            "{} is a file: PATH is the repository or a folder inside it{hint}",
            path.display()
        ));
    }
    if !discover || path.join(".relgate").is_dir() {
        return Ok(path.to_path_buf());
    }
    let Ok(abs) = std::path::absolute(path) else {
        return Ok(path.to_path_buf());
    };
    let mut dir = abs.as_path();
    loop {
        if dir.join(".relgate").is_dir() {
            return Ok(dir.to_path_buf());
        }
        // The repository's root (`.git` is a folder, or a file in a worktree) ends the walk.
        if dir.join(".git").exists() {
            return Ok(path.to_path_buf());
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => return Ok(path.to_path_buf()),
        }
    }
}
