//! Where a policy error says its file is. The repository's policy files are named from
//! the judged folder (`.relgate/billing.yaml`: the name reports and fingerprints use),
//! but an error is read where relgate runs: `relgate check services/billing` that
//! printed `.relgate/billing.yaml:3:5` sent an editor (or a reader) to the root's
//! `.relgate/`, another file. Errors show those files from the current directory
//! (`services/billing/.relgate/billing.yaml:3:5`); files read from disk keep the name
//! they were given with, and a pack its `pack:` name.

use crate::lang::error::{LoadErrors, PolicyFile};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// `errors` with the files named in `in_repo` shown from the current directory.
pub(crate) fn from_here(
    mut errors: LoadErrors,
    judged: &Path,
    in_repo: &BTreeSet<String>,
) -> LoadErrors {
    let Some(prefix) = prefix(judged) else {
        return errors;
    };
    let mut renamed: BTreeMap<String, Arc<PolicyFile>> = BTreeMap::new();
    for e in &mut errors.0 {
        let Some(file) = &e.file else {
            continue;
        };
        if !in_repo.contains(&file.name) {
            continue;
        }
        let shown = renamed
            .entry(file.name.clone())
            .or_insert_with(|| {
                Arc::new(PolicyFile {
                    name: format!("{prefix}/{}", file.name),
                    text: file.text.clone(),
                })
            })
            .clone();
        e.file = Some(shown);
    }
    errors
}

/// The judged folder as a path from the current directory (as given when it was given
/// relative), `None` when it is the current directory.
fn prefix(judged: &Path) -> Option<String> {
    let rel: PathBuf = if judged.is_absolute() {
        let here = std::env::current_dir().ok()?.canonicalize().ok()?;
        let judged = judged.canonicalize().ok()?;
        match judged.strip_prefix(&here) {
            Ok(r) => r.to_path_buf(),
            Err(_) => judged,
        }
    } else {
        judged.to_path_buf()
    };
    let parts: PathBuf = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let shown = parts.to_string_lossy().trim_end_matches('/').to_string();
    (!shown.is_empty()).then_some(shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::error::{Code, LoadError};
    use crate::parse::value::Span;

    #[test]
    fn repository_files_are_shown_from_the_judged_folder_given() {
        let file = |name: &str| {
            Arc::new(PolicyFile {
                name: name.into(),
                text: "x".into(),
            })
        };
        let (repo, disk) = (file(".relgate/p.yaml"), file("/etc/p.yaml"));
        let errors = || {
            LoadErrors(vec![
                LoadError::new(Code::Yaml, &repo, Span::default(), "a"),
                LoadError::new(Code::Yaml, &disk, Span::default(), "b"),
                LoadError::global(Code::Io, "c"),
            ])
        };
        let in_repo: BTreeSet<String> = [".relgate/p.yaml".to_string()].into();
        let names = |e: LoadErrors| -> Vec<Option<String>> {
            e.0.iter()
                .map(|e| e.file.as_ref().map(|f| f.name.clone()))
                .collect()
        };
        assert_eq!(
            names(from_here(
                errors(),
                Path::new("./services/billing/"),
                &in_repo
            )),
            [
                Some("services/billing/.relgate/p.yaml".into()),
                Some("/etc/p.yaml".into()),
                None
            ]
        );
        for here in [".", "", "./"] {
            assert_eq!(
                names(from_here(errors(), Path::new(here), &in_repo)),
                [
                    Some(".relgate/p.yaml".into()),
                    Some("/etc/p.yaml".into()),
                    None
                ]
            );
        }
    }
}
