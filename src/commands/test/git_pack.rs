//! `relgate test --pack NAME` for a git pack the repository's policy files declare:
//! the pack's folder at its pin (verified as `relgate check` verifies it) is written to
//! a temporary folder, and its `tests/` cases run against it, loaded as a local pack
//! with the values the repository's policy files give the variables the pack's
//! `pack.yaml` declares (and `--var`, which overrides them). `relgate test --pack ./FOLDER` runs
//! the cases of a pack folder on disk the same way (a pack's author, before publishing).

use crate::parse::value::{Kind, Value};
use crate::policy::fetch::{Packs, cache_dir};
use crate::policy::remote::{PackDecl, declared};
use std::path::{Path, PathBuf};

/// The pack's folder, its test folder and a policy file that loads it.
pub(super) struct Prepared {
    pub _dir: tempfile::TempDir,
    pub tests: PathBuf,
    pub policies: PathBuf,
}

/// A pack to test: its declaration, and the repository's policy files (for their
/// values of the pack's variables).
pub(super) struct Found {
    pub decl: PackDecl,
    files: Vec<(String, String)>,
}

/// The git pack `name` declared under `.relgate/` of the current folder, or the pack
/// folder `name` names (a path with a `/`), if any.
pub(super) fn find(name: &str) -> Option<Found> {
    if name.contains('/') && Path::new(name).is_dir() {
        let abs = std::path::absolute(name).ok()?;
        return Some(Found {
            decl: PackDecl::Local {
                path: abs.display().to_string(),
            },
            files: Vec::new(),
        });
    }
    let dir = Path::new(".relgate");
    if !dir.is_dir() {
        return None;
    }
    let files: Vec<(String, String)> = super::super::read_policy_paths(&[dir.to_path_buf()])
        .ok()?
        .into_iter()
        .filter(|(n, _)| !n.contains(".relgate/tests/"))
        .collect();
    let decl = files
        .iter()
        .flat_map(|(n, t)| declared(n, t))
        .map(|d| d.decl)
        .find(|d| matches!(d, PackDecl::Git { .. }) && d.name() == name)?;
    Some(Found { decl, files })
}

/// The `vars:` mapping of a YAML text, if it has one.
fn vars_of(name: &str, text: &str) -> Vec<(String, Value)> {
    let file = std::sync::Arc::new(crate::lang::error::PolicyFile {
        name: name.to_string(),
        text: std::sync::Arc::from(text),
    });
    let Ok(root) = crate::lang::document::read(&file) else {
        return Vec::new();
    };
    root.get("vars")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|m| (m.key.clone(), m.value.clone())).collect())
        .unwrap_or_default()
}

/// A value as JSON (which YAML reads as it is).
fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match &v.kind {
        Kind::Null => J::Null,
        Kind::Bool(b) => J::Bool(*b),
        Kind::Int(i) => J::from(*i),
        Kind::Float(f) => J::from(*f),
        Kind::Str(s) => J::String(s.clone()),
        Kind::Array(a) => J::Array(a.iter().map(to_json).collect()),
        Kind::Object(m) => J::Object(
            m.iter()
                .map(|m| (m.key.clone(), to_json(&m.value)))
                .collect(),
        ),
    }
}

/// The repository's values of the variables the pack at `pack` declares, as a JSON mapping.
fn overrides(
    pack: &Path,
    files: &[(String, String)],
) -> serde_json::Map<String, serde_json::Value> {
    let declared: Vec<String> = std::fs::read_to_string(pack.join("pack.yaml"))
        .map(|t| {
            vars_of("pack.yaml", &t)
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        })
        .unwrap_or_default();
    let mut out = serde_json::Map::new();
    for (name, text) in files {
        for (k, v) in vars_of(name, text) {
            if declared.contains(&k) {
                out.insert(k, to_json(&v));
            }
        }
    }
    out
}

pub(super) fn prepare(found: &Found) -> Result<Prepared, String> {
    let decl = &found.decl;
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
    let vars = serde_json::Value::Object(overrides(&pack, &found.files));
    std::fs::write(
        &policies,
        format!("version: 1\npacks:\n  - path: {quoted}\nvars: {vars}\n"),
    )
    .map_err(|e| format!("cannot write {}: {e}", policies.display()))?;
    Ok(Prepared {
        _dir: dir,
        tests,
        policies,
    })
}
