//! Local folder packs (`packs: [{path: ../shared-policies/payments}]`): a folder on
//! disk, relative to the repository's root, written by whoever deploys the gate (a
//! path outside the repository is the workflow's own, as `--policies` outside it is).
//! Read without following any link inside the folder.

use super::remote::{PackContent, PackDecl, PackError, is_pack_policy};
use std::path::Path;

fn err(message: String, help: &str) -> PackError {
    PackError {
        message,
        help: help.into(),
    }
}

/// The policy files and manifest of the local pack at `path` (relative to `root`).
pub(super) fn read(root: &Path, path: &str, decl: &PackDecl) -> Result<PackContent, PackError> {
    let dir = root.join(path);
    let shown = crate::output::display_path(Path::new(path));
    let meta = std::fs::symlink_metadata(&dir).map_err(|e| {
        err(
            format!("local pack {shown}: {e}"),
            "'path' names a folder of policy files, relative to the repository's root",
        )
    })?;
    let mut found = Vec::new();
    if meta.is_file() {
        found.push((decl.name(), dir.clone()));
    } else if meta.is_dir() {
        walk(&dir, "", &mut found)?;
    } else {
        return Err(err(
            format!(
                "local pack {shown} is a symbolic link or a special file; relgate never follows links"
            ),
            "point 'path' at the folder itself",
        ));
    }
    let mut files = Vec::new();
    let mut manifest = None;
    for (rel, p) in found {
        let bytes =
            std::fs::read(&p).map_err(|e| err(format!("cannot read {shown}/{rel}: {e}"), ""))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| err(format!("{shown}/{rel} is not valid UTF-8"), ""))?;
        if rel == "pack.yaml" {
            manifest = Some(text);
        } else {
            files.push((rel, text));
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(err(
            format!("local pack {shown} holds no policy file (*.yaml, *.yml)"),
            "point 'path' at the pack's folder",
        ));
    }
    Ok(PackContent {
        label: format!("pack:{}", decl.name()),
        manifest,
        files,
    })
}

/// Every policy file and `pack.yaml` below `dir`, as (path inside the pack, path).
fn walk(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, std::path::PathBuf)>,
) -> Result<(), PackError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| err(format!("cannot read {}: {e}", dir.display()), ""))?;
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            walk(&e.path(), &format!("{rel}/"), out)?;
        } else if rel == "pack.yaml" || is_pack_policy(&rel) {
            if !kind.is_file() {
                return Err(err(
                    format!(
                        "{} is a symbolic link or a special file, and relgate never follows links",
                        e.path().display()
                    ),
                    "put the policy file itself in the pack",
                ));
            }
            out.push((rel, e.path()));
        }
    }
    Ok(())
}
