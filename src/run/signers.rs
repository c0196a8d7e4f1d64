//! The allowed-signers files policies name, checked for syntax before a run.
//!
//! `check` reads a `signature` check's signers file from the trusted tree when it
//! evaluates, and each line it cannot read is a finding there. `relgate validate`
//! reads the same files (from PATH on disk, never through a link) and refuses such a
//! line as a located load error, with the same message: a broken signers file is
//! found before the run that needs it.

use crate::eval::vars::VarKind;
use crate::lang::error::{Code, LoadError, PolicyFile};
use crate::lang::template::Template;
use crate::parse::value::Span;
use crate::policy::PolicySet;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The most bytes of a signers file read (as of a policy file).
const MAX_BYTES: u64 = 16 << 20;

/// The signers files of `set` whose path is known without the repository (literal, or
/// from `--var` values and literal variables), sorted, each once.
pub(crate) fn paths(set: &PolicySet, vars: &[(String, String)]) -> Vec<String> {
    let mut templates = Vec::new();
    for p in &set.policies {
        templates.extend(p.checks().flat_map(|c| c.trusted_files()));
    }
    let mut out = BTreeSet::new();
    for t in templates {
        if let Some(path) = render(set, vars, t, 0) {
            out.insert(path);
        }
    }
    out.into_iter().collect()
}

/// `t` rendered with `--var` values and literal variables; `None` when a value needs
/// the repository (a `data` or `latest_dir` variable, a branch).
fn render(
    set: &PolicySet,
    vars: &[(String, String)],
    t: &Template,
    depth: usize,
) -> Option<String> {
    if depth > 16 {
        return None;
    }
    t.render(
        &|name| {
            if let Some((_, v)) = vars.iter().rev().find(|(k, _)| k == name) {
                return Some(v.clone());
            }
            match &set.vars.iter().find(|d| d.name == name)?.kind {
                VarKind::Literal(inner) => render(set, vars, inner, depth + 1),
                _ => None,
            }
        },
        crate::lang::template::no_escape,
    )
    .ok()
}

/// Every line of the signers files at `paths` (below `root` on disk) that `check` would
/// report, as a located error. A missing file is left to `check` (the trusted tree
/// may have it; a working copy being edited may not yet); one that is a link, or not
/// a regular file, is refused.
pub(crate) fn errors(root: &std::path::Path, paths: &[String]) -> Vec<LoadError> {
    let mut errors = Vec::new();
    for path in paths {
        let rel = std::path::Path::new(path);
        // Only a clean path below PATH, as the view reads it; anything else is left to
        // `check`, which refuses it.
        let clean = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !clean || std::fs::symlink_metadata(root.join(rel)).is_err() {
            continue;
        }
        let bytes =
            match crate::output::file::read_regular(root, std::path::Path::new(path), MAX_BYTES) {
                Ok(b) => b,
                Err(m) => {
                    errors.push(LoadError::global(
                        Code::Io,
                        format!("allowed-signers file {m}"),
                    ));
                    continue;
                }
            };
        let Ok(text) = String::from_utf8(bytes) else {
            errors.push(LoadError::global(
                Code::BadValue,
                format!("{path} is not valid UTF-8"),
            ));
            continue;
        };
        let (signers, found) = crate::parse::allowed_signers::parse(&text);
        let file = Arc::new(PolicyFile {
            name: path.clone(),
            text: Arc::from(text.as_str()),
        });
        let mut located: Vec<(usize, usize, String)> = found
            .into_iter()
            .map(|e| (e.line, e.column, format!("{path}: {}", e.message)))
            .collect();
        located.extend(signers.iter().filter(|s| s.cert_authority).map(|s| {
            (
                s.line,
                1,
                format!("{path}: cert-authority lines are not supported by relgate; list the signer's own key"),
            )
        }));
        located.sort();
        for (line, column, message) in located {
            errors.push(
                LoadError::new(Code::BadValue, &file, span(&text, line, column), message)
                    .label("here")
                    .help("each line: PRINCIPALS [OPTIONS] KEYTYPE BASE64-KEY (ssh-keygen's ALLOWED SIGNERS format)"),
            );
        }
    }
    errors
}

/// The span from `line`:`column` (1-based, characters) to the end of that line.
fn span(text: &str, line: usize, column: usize) -> Span {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    let line_text = rest.split('\n').next().unwrap_or("");
    let skip = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    Span {
        line,
        column,
        offset: start + skip,
        len: line_text.len().saturating_sub(skip).max(1),
    }
}
