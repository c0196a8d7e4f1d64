//! `relgate test --pack NAME` for a git pack the repository's policy files declare:
//! the pack's folder at its pin (verified as `relgate check` verifies it) is written to
//! a temporary folder, and its `tests/` cases run against it, loaded as a local pack
//! (with `--var` overrides, as for a shipped pack). `relgate test --pack ./FOLDER` runs
//! the cases of a pack folder on disk the same way (a pack's author, before publishing).

use crate::policy::fetch::{Packs, cache_dir};
use crate::policy::remote::{PackDecl, declared};
use std::path::{Path, PathBuf};

/// The pack's folder, its test folder and a policy file that loads it.
pub(super) struct Prepared {
    pub _dir: tempfile::TempDir,
    pub tests: PathBuf,
    pub policies: PathBuf,
}

/// The git pack `name` declared under `.relgate/` of the current folder, or the pack
/// folder `name` names (a path with a `/`), if any.
pub(super) fn find(name: &str) -> Option<PackDecl> {
    if name.contains('/') && Path::new(name).is_dir() {
        let abs = std::path::absolute(name).ok()?;
        return Some(PackDecl::Local {
            path: abs.display().to_string(),
        });
    }
    let dir = Path::new(".relgate");
    if !dir.is_dir() {
        return None;
    }
    let files = super::super::read_policy_paths(&[dir.to_path_buf()]).ok()?;
    files
        .iter()
        .filter(|(n, _)| !n.contains(".relgate/tests/"))
        .flat_map(|(n, t)| declared(n, t))
        .map(|d| d.decl)
        .find(|d| matches!(d, PackDecl::Git { .. }) && d.name() == name)
}

pub(super) fn prepare(decl: &PackDecl) -> Result<Prepared, String> {
    let dir = tempfile::Builder::new()
        .prefix("relgate-pack-tests-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let pack = match decl {
        PackDecl::Local { path } => PathBuf::from(path),
        _ => dir.path().join("pack"),
    };
    let packs = Packs {
        cache: cache_dir().ok_or("no pack cache: set XDG_CACHE_HOME or HOME")?,
        offline: false,
        root: std::env::current_dir().unwrap_or_default(),
        trusted: None,
        now: jiff::Timestamp::now(),
    };
    if let PackDecl::Git { .. } = decl {
        packs
            .extract(decl, &pack)
            .map_err(|e| format!("{}: {}", e.message, e.help))?;
    }
    let tests = pack.join("tests");
    if !tests.is_dir() {
        return Err(format!("pack {} has no tests/ folder", decl.name()));
    }
    let policies = dir.path().join("pack-under-test.yaml");
    let quoted = serde_json::to_string(&pack.display().to_string()).unwrap_or_default();
    std::fs::write(
        &policies,
        format!("version: 1\npacks:\n  - path: {quoted}\n"),
    )
    .map_err(|e| format!("cannot write {}: {e}", policies.display()))?;
    Ok(Prepared {
        _dir: dir,
        tests,
        policies,
    })
}
