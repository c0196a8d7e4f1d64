//! Where policy files come from: `--policies` paths on disk (never through a link),
//! and `.relgate/` or a `--policies` path of a repository view.

use crate::lang::error::{Code, LoadError, LoadErrors};
use crate::repo::View;
use std::path::Path;

/// Reads `--policies` paths from disk: a file, or every `*.yaml`/`*.yml` below a folder (sorted).
pub(crate) fn read_policy_paths(
    paths: &[std::path::PathBuf],
) -> Result<Vec<(String, String)>, LoadErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let root = std::env::current_dir().unwrap_or_default();
    let mut seen: Vec<std::path::PathBuf> = Vec::new();
    for p in paths {
        let mut found = Vec::new();
        // Never through a link: a checkout may commit `.relgate -> ~/.ssh`.
        if let Some(link) = crate::output::file::link_on_the_way(&root, p) {
            errors.push(LoadError::global(
                Code::Io,
                format!(
                    "policy path {}: {} is a symbolic link, and relgate never follows links",
                    crate::output::display_path(p),
                    crate::output::display_path(&link)
                ),
            ));
            continue;
        }
        if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
            collect_yaml(p, &mut found, &mut errors);
            if found.is_empty() && errors.is_empty() {
                errors.push(LoadError::global(
                    Code::NoPolicies,
                    format!("{} holds no policy file (*.yaml, *.yml)", p.display()),
                ));
            }
        } else {
            found.push(p.clone());
        }
        for f in found {
            // The same file reached twice (a folder and a file in it) is loaded once.
            // Links were refused above, so the canonical path names the file itself.
            let key = std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let name = crate::output::display_path(&f);
            match crate::output::file::read_regular(&root, &f, crate::repo::MAX_FILE_SIZE) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => files.push((name, text)),
                    Err(_) => errors.push(LoadError::global(
                        Code::Io,
                        format!("{name} is not valid UTF-8"),
                    )),
                },
                Err(e) => errors.push(LoadError::global(
                    Code::Io,
                    format!("cannot read policy file {e}"),
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(LoadErrors(errors))
    }
}

pub(crate) fn collect_yaml(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    errors: &mut Vec<LoadError>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(LoadError::global(
                Code::Io,
                format!("cannot read {}: {e}", dir.display()),
            ));
            return;
        }
    };
    // `file_type` of an entry does not follow links: a linked file or folder is refused.
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| (e.path(), e.file_type().ok()))
        .collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, kind) in paths {
        if kind.is_some_and(|k| k.is_symlink()) {
            if is_policy_file(&p.to_string_lossy()) || p.is_dir() {
                errors.push(LoadError::global(
                    Code::Io,
                    format!(
                        "{} is a symbolic link, and relgate never follows links",
                        crate::output::display_path(&p)
                    ),
                ));
            }
        } else if kind.is_some_and(|k| k.is_dir()) {
            // Policy tests are not policies: a case folder (it holds `case.yaml`, and its
            // `tree/` may hold any YAML) and `.relgate/tests/` are left out.
            let is_tests = p.file_name().is_some_and(|n| n == "tests")
                && dir.file_name().is_some_and(|n| n == ".relgate");
            if !is_tests && !p.join("case.yaml").is_file() {
                collect_yaml(&p, out, errors);
            }
        } else if is_policy_file(&p.to_string_lossy()) {
            out.push(p);
        }
    }
}

pub(crate) fn is_policy_file(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// The policy files under `.relgate/` of a view (never through a link), sorted.
pub(crate) fn read_policy_dir(view: &dyn View) -> Result<Vec<(String, String)>, LoadErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let paths = view.entries().iter().map(|e| e.path).filter(|p| {
        p.starts_with(".relgate/") && is_policy_file(p) && !p.starts_with(".relgate/tests/")
    });
    read_view_files(view, paths, &mut files, &mut errors);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(LoadErrors(errors))
    }
}

/// Reads policy files from a view (never through a link) as `(path, text)`; a file that
/// cannot be read or is not UTF-8 is an error.
pub(crate) fn read_view_files<'a>(
    view: &dyn View,
    paths: impl Iterator<Item = &'a str>,
    files: &mut Vec<(String, String)>,
    errors: &mut Vec<LoadError>,
) {
    for path in paths {
        match view.read(path) {
            Ok(c) => match c.text() {
                Ok(t) => files.push((path.to_string(), t.to_string())),
                Err(_) => errors.push(LoadError::global(
                    Code::Io,
                    format!("{path} is not valid UTF-8"),
                )),
            },
            Err(err) => errors.push(LoadError::global(
                Code::Io,
                format!("cannot read policy file {path}: {err}"),
            )),
        }
    }
}
