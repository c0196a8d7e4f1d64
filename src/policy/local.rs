//! Local folder packs (`packs: [{path: ../shared-policies/payments}]`): a folder
//! relative to the repository's root. Outside the repository it is read from disk: it
//! is the workflow's own, written by whoever deploys the gate, as a `--policies` path
//! outside the repository is. Inside the repository it is read from the trusted tree
//! (the base with `--base`), never from the checkout a pull request wrote. Read without
//! following any link.

use super::remote::{PackContent, PackDecl, PackError, is_pack_policy};
use crate::repo::View;
use std::path::{Component, Path};

/// `path` relative to the repository's root when it stays inside it (`..` resolved
/// lexically, no link followed), `None` when it leaves it or is absolute.
fn inside(path: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(n) => parts.push(n.to_str()?.to_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// The local pack at `path` of the trusted tree `view`.
fn from_view(view: &dyn View, rel: &str, decl: &PackDecl) -> Result<PackContent, PackError> {
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    let mut files = Vec::new();
    let mut manifest = None;
    let wanted: Vec<(String, String)> = view
        .entries()
        .iter()
        .filter_map(|e| {
            let inner = if e.path == rel {
                decl.name()
            } else {
                e.path.strip_prefix(&prefix)?.to_string()
            };
            (inner == "pack.yaml" || is_pack_policy(&inner) || e.path == rel)
                .then(|| (inner, e.path.to_string()))
        })
        .collect();
    for (inner, path) in wanted {
        let content = view.read(&path).map_err(|e| {
            err(
                format!("cannot read {path} of local pack {rel} in the trusted tree: {e}"),
                "relgate never follows links: commit the policy file itself",
            )
        })?;
        let text = content
            .text()
            .map_err(|_| err(format!("{path} is not valid UTF-8"), ""))?
            .to_string();
        if inner == "pack.yaml" {
            manifest = Some(text);
        } else {
            files.push((inner, text));
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(err(
            format!(
                "local pack {rel} holds no policy file in the trusted tree (with --base, a pack inside the repository is read from the base)"
            ),
            "'path' names a folder of policy files, relative to the repository's root",
        ));
    }
    Ok(PackContent {
        label: format!("pack:{}", decl.name()),
        manifest,
        files,
    })
}

fn err(message: String, help: &str) -> PackError {
    PackError {
        message,
        help: help.into(),
    }
}

/// The policy files and manifest of the local pack at `path` (relative to `root`): from
/// the trusted tree when it lies inside the repository and there is one, else from disk.
pub(super) fn read(
    root: &Path,
    trusted: Option<&dyn View>,
    path: &str,
    decl: &PackDecl,
) -> Result<PackContent, PackError> {
    if let (Some(view), Some(rel)) = (trusted, inside(path)) {
        return from_view(view, &rel, decl);
    }
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
