//! `case.yaml`: one policy test, read with positions like a policy file.
//!
//! A case is a folder holding `case.yaml`, and optionally `tree/` (the files
//! under check) and `base/` (a commit the tree is a change on top of). A case
//! may `extends:` another case folder: it starts from that case's files, modes,
//! links and settings, overlays its own `tree/` and `base/`, then deletes the
//! `delete:` paths. A case with a `base/` extending a case without one is a change
//! on top of the extended case's tree: its base is that tree with `base/` overlaid. Errors are collected, each at `file:line:col`, through the
//! same field reader that validates policy files.

use super::fields::{list, string_map};
use crate::lang::document;
use crate::lang::error::{Code, LoadError, PolicyFile};
use crate::lang::fields::{Fields, LoadCx};
use crate::lang::kind::{Param, Ty};
use crate::parse::value::{Span, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const FINDING_PARAMS: &[Param] = &[
    Param {
        name: "policy",
        ty: Ty::Id,
        required: true,
        doc: "The policy id of the expected finding.",
    },
    Param {
        name: "path",
        ty: Ty::Text,
        required: false,
        doc: "The file the finding points at; absent for a finding about the run.",
    },
    Param {
        name: "line",
        ty: Ty::Int,
        required: false,
        doc: "The 1-based line; absent for a finding about a whole file.",
    },
    Param {
        name: "message",
        ty: Ty::Text,
        required: false,
        doc: "A substring of the finding's message.",
    },
];

const EXPECT_PARAMS: &[Param] = &[
    Param {
        name: "status",
        ty: Ty::Map,
        required: false,
        doc: "Policy id -> pass | fail | skip | waived. Policies not named are not asserted.",
    },
    Param {
        name: "findings",
        ty: Ty::Rules(FINDING_PARAMS),
        required: false,
        doc: "For each policy named here: exactly these findings (policy, path, line, message).",
    },
    Param {
        name: "exit",
        ty: Ty::Int,
        required: false,
        doc: "The exit code `relgate check` would return (0 or 1).",
    },
];

/// The keys of `case.yaml` (also `relgate schema --case`).
pub(crate) const CASE_PARAMS: &[Param] = &[
    Param {
        name: "description",
        ty: Ty::Text,
        required: false,
        doc: "One line: what this case shows.",
    },
    Param {
        name: "extends",
        ty: Ty::Path,
        required: false,
        doc: "A case folder (relative to this one) whose tree, base and settings this case starts from.",
    },
    Param {
        name: "delete",
        ty: Ty::Globs,
        required: false,
        doc: "Paths (files or folders) removed from the tree after the overlay.",
    },
    Param {
        name: "policies",
        ty: Ty::Globs,
        required: false,
        doc: "Policy files or folders, relative to the case.",
    },
    Param {
        name: "packs",
        ty: Ty::Names,
        required: false,
        doc: "Shipped packs to evaluate.",
    },
    Param {
        name: "target",
        ty: Ty::Enum(&["worktree", "staged", "rev"]),
        required: false,
        doc: "What is judged: the working tree (default), the index, or the commit.",
    },
    Param {
        name: "now",
        ty: Ty::Text,
        required: false,
        doc: "The time date rules measure against (RFC 3339 or YYYY-MM-DD).",
    },
    Param {
        name: "vars",
        ty: Ty::Map,
        required: false,
        doc: "Variables, as --var.",
    },
    Param {
        name: "modes",
        ty: Ty::Map,
        required: false,
        doc: "Path -> octal permission bits (default 0644).",
    },
    Param {
        name: "symlinks",
        ty: Ty::Map,
        required: false,
        doc: "Path -> link target, created as symbolic links.",
    },
    Param {
        name: "attach",
        ty: Ty::Map,
        required: false,
        doc: "Attachment name -> a file of the case's folder (relative to it, no '..' leaving it, no symbolic link), as `relgate check --attach NAME=PATH`.",
    },
    Param {
        name: "expect",
        ty: Ty::Table(EXPECT_PARAMS),
        required: true,
        doc: "What the evaluation must show.",
    },
];

/// What is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Worktree,
    Staged,
    Rev,
}

/// One expected finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expected {
    pub(super) policy: String,
    pub(super) path: Option<String>,
    pub(super) line: Option<usize>,
    pub(super) message: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Expect {
    pub(super) status: Vec<(String, String, Span)>,
    pub(super) findings: Vec<(Expected, Span)>,
    pub(super) exit: Option<i64>,
}

/// A case with `extends` resolved: every file comes from a known place on disk.
#[derive(Debug, Clone)]
pub(super) struct Case {
    /// The folder, relative to the folder `relgate test` was given.
    pub(super) name: String,
    pub(super) dir: PathBuf,
    pub(super) file: Arc<PolicyFile>,
    pub(super) description: Option<String>,
    /// Repository path -> file on disk; `None` for a path deleted by a layer.
    pub(super) tree: BTreeMap<String, PathBuf>,
    pub(super) base: Option<BTreeMap<String, PathBuf>>,
    pub(super) policies: Option<Vec<PathBuf>>,
    pub(super) packs: Option<Vec<String>>,
    pub(super) target: Target,
    pub(super) now: Option<jiff::Timestamp>,
    pub(super) vars: BTreeMap<String, String>,
    pub(super) modes: BTreeMap<String, u32>,
    pub(super) symlinks: BTreeMap<String, String>,
    /// Attachment name -> the case folder that names it (this one or an extended one)
    /// and the file's path relative to it.
    pub(super) attach: BTreeMap<String, (PathBuf, String)>,
    pub(super) expect: Expect,
}

/// Loads the case in `dir` (resolving `extends`); every problem is a located error.
/// `root` is the tests' folder `dir` was found in (or the `.relgate/` folder holding it):
/// `extends` and `policies` stay in it.
pub(super) fn load(root: &Path, dir: &Path, name: &str) -> Result<Case, Vec<LoadError>> {
    let mut stack = Vec::new();
    load_inner(root, dir, name, &mut stack)
}

fn load_inner(
    tests_root: &Path,
    dir: &Path,
    name: &str,
    stack: &mut Vec<PathBuf>,
) -> Result<Case, Vec<LoadError>> {
    let path = dir.join("case.yaml");
    let display = path.display().to_string();
    // A case's own files are never read through a link: `case.yaml -> /etc/shadow`
    // would print its lines in a parse error, `tree -> ~` copy a home folder.
    let linked: Vec<LoadError> = [path.clone(), dir.join("tree"), dir.join("base")]
        .iter()
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()))
        .map(|p| {
            LoadError::global(
                Code::Io,
                format!(
                    "{} is a symbolic link, and relgate never follows links",
                    p.display()
                ),
            )
        })
        .collect();
    if !linked.is_empty() {
        return Err(linked);
    }
    let text = match read_text(&path) {
        Ok(t) => t,
        Err(e) => return Err(vec![LoadError::global(Code::Io, format!("{display}: {e}"))]),
    };
    let file = Arc::new(PolicyFile {
        name: display,
        text: Arc::from(text.as_str()),
    });
    let root = document::read(&file)?;
    let mut lx = LoadCx::new(file.clone());
    let raw = read_raw(&mut lx, &root);
    let mut errors = lx.errors;
    errors.sort_by_key(|e| (e.span.line, e.span.column));
    let Some(raw) = raw else {
        return Err(errors);
    };
    // Every path the case names stays inside: repository paths are plain relative
    // paths, `extends` and `policies` stay in the tests' folder (nothing is read yet).
    errors.extend(super::paths::check(&file, tests_root, dir, &raw));
    if !errors.is_empty() {
        return Err(errors);
    }
    // Start from the extended case, or from nothing.
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if stack.contains(&canonical) {
        let span = raw.extends.as_ref().map(|e| e.1).unwrap_or_default();
        return Err(vec![
            LoadError::new(Code::BadValue, &file, span, "'extends' forms a cycle")
                .label("extends a case that extends this one"),
        ]);
    }
    stack.push(canonical);
    let mut case = match &raw.extends {
        Some((rel, span)) => {
            let parent = dir.join(rel);
            if !parent.join("case.yaml").is_file() {
                stack.pop();
                return Err(vec![
                    LoadError::new(
                        Code::BadValue,
                        &file,
                        *span,
                        format!(
                            "'extends' names {}, which holds no case.yaml",
                            parent.display()
                        ),
                    )
                    .label("no case here"),
                ]);
            }
            match load_inner(tests_root, &parent, name, stack) {
                Ok(c) => c,
                Err(mut e) => {
                    errors.append(&mut e);
                    stack.pop();
                    return Err(errors);
                }
            }
        }
        None => Case {
            name: String::new(),
            dir: PathBuf::new(),
            file: file.clone(),
            description: None,
            tree: BTreeMap::new(),
            base: None,
            policies: None,
            packs: None,
            target: Target::Worktree,
            now: None,
            vars: BTreeMap::new(),
            modes: BTreeMap::new(),
            symlinks: BTreeMap::new(),
            attach: BTreeMap::new(),
            expect: Expect::default(),
        },
    };
    stack.pop();
    case.name = name.to_string();
    case.dir = dir.to_path_buf();
    case.file = file.clone();
    case.description = raw.description;
    case.expect = raw.expect;
    let parent_tree = case.tree.clone();
    // Overlay this case's folders.
    if let Err(e) = overlay(&dir.join("tree"), &mut case.tree) {
        errors.push(LoadError::global(Code::Io, e));
    }
    if dir.join("base").is_dir() {
        // A change on top of what the case extends: the extended case's base, or else
        // its tree (before this case's overlay), with this case's base/ on top.
        let mut base = case.base.take().unwrap_or(parent_tree);
        if let Err(e) = overlay(&dir.join("base"), &mut base) {
            errors.push(LoadError::global(Code::Io, e));
        }
        case.base = Some(base);
    }
    for (p, _) in &raw.delete {
        let prefix = format!("{}/", p.trim_end_matches('/'));
        case.tree.retain(|k, _| k != p && !k.starts_with(&prefix));
        case.symlinks
            .retain(|k, _| k != p && !k.starts_with(&prefix));
    }
    if let Some(p) = raw.policies {
        case.policies = Some(p.into_iter().map(|(p, _)| dir.join(p)).collect());
    }
    if let Some(p) = raw.packs {
        case.packs = Some(p);
    }
    if let Some(t) = raw.target {
        case.target = t;
    }
    if let Some(n) = raw.now {
        case.now = Some(n);
    }
    case.symlinks.extend(raw.symlinks);
    // No file is written through a link the tree or `symlinks:` made.
    errors.extend(super::paths::through_links(
        &file,
        &raw.key_spans,
        raw.extends.as_ref().map(|e| e.1),
        &case,
    ));
    case.vars.extend(raw.vars);
    case.attach.extend(
        raw.attach
            .into_iter()
            .map(|(k, p, _)| (k, (dir.to_path_buf(), p))),
    );
    case.modes.extend(raw.modes);
    if errors.is_empty() {
        Ok(case)
    } else {
        Err(errors)
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string())
}

/// Adds every file under `dir` (recursively; links kept as links) to `files`.
fn overlay(dir: &Path, files: &mut BTreeMap<String, PathBuf>) -> Result<(), String> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = todo.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let ft = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            if ft.is_dir() {
                todo.push((entry.path(), rel));
            } else {
                files.insert(rel, entry.path());
            }
        }
    }
    Ok(())
}

/// The fields of one `case.yaml`, before `extends` is applied.
pub(super) struct Raw {
    description: Option<String>,
    pub(super) extends: Option<(String, Span)>,
    pub(super) delete: Vec<(String, Span)>,
    pub(super) policies: Option<Vec<(String, Span)>>,
    packs: Option<Vec<String>>,
    target: Option<Target>,
    now: Option<jiff::Timestamp>,
    vars: BTreeMap<String, String>,
    modes: BTreeMap<String, u32>,
    pub(super) symlinks: BTreeMap<String, String>,
    /// `attach:` name, path (relative to the case's folder), where the path is written.
    pub(super) attach: Vec<(String, String, Span)>,
    /// Where each key of `symlinks` and `modes` is written.
    pub(super) key_spans: Vec<(&'static str, String, Span)>,
    expect: Expect,
}

fn read_raw(lx: &mut LoadCx, root: &Value) -> Option<Raw> {
    let mut f = Fields::new(lx, root, CASE_PARAMS, None, "case")?;
    let description = f.string("description");
    let extends = f.node("extends").map(|n| (scalar(n), n.span));
    let delete = list(&mut f, "delete");
    let policies = f
        .node("policies")
        .is_some()
        .then(|| list(&mut f, "policies"));
    let packs = f.names("packs");
    let target = f.choice("target").map(|t| match t.as_str() {
        "staged" => Target::Staged,
        "rev" => Target::Rev,
        _ => Target::Worktree,
    });
    let now = match f.node("now") {
        Some(n) => {
            let text = scalar(n);
            match crate::parse::dates::parse_instant(&text) {
                Some(t) => Some(t),
                None => {
                    f.lx.error(
                        Code::BadValue,
                        n.span,
                        format!(
                            "'now' must be an RFC 3339 time or a YYYY-MM-DD date, found '{text}'"
                        ),
                    )
                    .label = "not a time".into();
                    None
                }
            }
        }
        None => None,
    };
    let vars = string_map(&mut f, "vars");
    let modes = string_map(&mut f, "modes")
        .into_iter()
        .filter_map(|(k, v)| {
            let m = u32::from_str_radix(v.trim_start_matches("0o"), 8).ok();
            if m.is_none() || v.is_empty() || m.is_some_and(|m| m > 0o7777) {
                let span = f.node("modes").and_then(|n| n.get(&k)).map(|n| n.span);
                f.lx.error(
                    Code::BadValue,
                    span.unwrap_or_default(),
                    format!(
                        "mode of {k} must be octal permission bits such as '0644', found '{v}'"
                    ),
                )
                .label = "not a mode".into();
            }
            m.map(|m| (k, m))
        })
        .collect();
    let symlinks = string_map(&mut f, "symlinks");
    let attach = string_map(&mut f, "attach");
    let attach = super::attach::read(&mut f, attach);
    let mut key_spans = Vec::new();
    for field in ["symlinks", "modes"] {
        for m in f
            .node(field)
            .and_then(|n| n.as_object())
            .unwrap_or_default()
        {
            key_spans.push((field, m.key.clone(), m.key_span));
        }
    }
    let expect = f
        .table("expect", |e| {
            let status = match e.node("status") {
                Some(n) => status_map(e, n),
                None => Vec::new(),
            };
            let findings = e
                .rules("findings", |item| {
                    let span = item.span();
                    let policy = item.node("policy").map(scalar)?;
                    let path = item.node("path").map(scalar);
                    let line = item.int("line").map(|l| l.max(0) as usize);
                    let message = item.node("message").map(scalar);
                    Some((
                        Expected {
                            policy,
                            path,
                            line,
                            message,
                        },
                        span,
                    ))
                })
                .unwrap_or_default();
            let exit = e.int("exit");
            Some(Expect {
                status,
                findings,
                exit,
            })
        })
        .unwrap_or_default();
    f.finish();
    Some(Raw {
        description,
        extends,
        delete,
        policies,
        packs,
        target,
        now,
        vars,
        modes,
        symlinks,
        attach,
        key_spans,
        expect,
    })
}

fn scalar(n: &Value) -> String {
    n.text().unwrap_or_default()
}

const STATUSES: &[&str] = &["pass", "fail", "skip", "waived"];

fn status_map(e: &mut Fields<'_, '_>, node: &Value) -> Vec<(String, String, Span)> {
    let Some(map) = node.as_object() else {
        e.lx.wrong_type(
            node,
            "'status' of expect",
            "a mapping of policy ids to statuses",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in map {
        let (id, v) = (entry.key.clone(), &entry.value);
        let s = scalar(v);
        if !STATUSES.contains(&s.as_str()) {
            let err = e.lx.error(
                Code::BadValue,
                v.span,
                format!(
                    "status of {id} must be one of {}, found '{s}'",
                    STATUSES.join(", ")
                ),
            );
            err.label = "unknown status".into();
            err.help = crate::lang::error::did_you_mean(&s, STATUSES.iter().copied());
            continue;
        }
        out.push((id, s, entry.key_span));
    }
    out
}
