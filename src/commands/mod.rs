//! One module per command. Each returns an [`crate::error::Outcome`] and writes
//! only to the writers it is given.

pub(crate) mod check;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod install_hook;
pub(crate) mod list;
pub(crate) mod reference;
pub(crate) mod root;
pub(crate) mod schema;
pub(crate) mod test;
pub(crate) mod trust;
pub(crate) mod validate;
pub(crate) mod waive;

use crate::cli::PolicyArgs;
use crate::error::Error;
use crate::lang::error::{Code, LoadError, LoadErrors};
use crate::policy::{self, Inputs, PolicySet};
use crate::repo::View;
use std::io::Write;
use std::path::Path;

/// Where a command writes.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Colour for human output on standard output.
    pub color: bool,
    /// Columns to lay human output on standard output out in (the terminal's, or 100).
    pub width: usize,
}

/// Reads `--policies` paths from disk: a file, or every `*.yaml`/`*.yml` below a folder (sorted).
pub fn read_policy_paths(
    paths: &[std::path::PathBuf],
) -> Result<Vec<(String, String)>, LoadErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let root = std::env::current_dir().unwrap_or_default();
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

pub(super) fn collect_yaml(
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

pub fn is_policy_file(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// The policy files under `.relgate/` of a view (never through a link), sorted.
pub fn read_policy_dir(view: &dyn View) -> Result<Vec<(String, String)>, LoadErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let paths = view.entries().iter().map(|e| e.path.as_str()).filter(|p| {
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

/// Loads policies for commands that need no repository view (list, explain, validate):
/// `--policies`, else `.relgate/` on disk at PATH, plus `--pack`s.
pub fn load_from_disk(args: &PolicyArgs) -> Result<PolicySet, LoadErrors> {
    let files = if args.policies.is_empty() {
        let root = root::resolve(&args.path, args.packs.is_empty())
            .map_err(|m| LoadErrors(vec![LoadError::global(Code::Io, m)]))?;
        let dir = root.join(".relgate");
        if dir.is_dir() || dir.is_symlink() {
            read_policy_paths(&[dir])?
                .into_iter()
                .filter(|(n, _)| !n.contains("/.relgate/tests/"))
                .collect()
        } else {
            Vec::new()
        }
    } else {
        read_policy_paths(&args.policies)?
    };
    policy::load(&Inputs {
        files,
        packs: args.packs.clone(),
        var_names: args.vars.iter().map(|(k, _)| k.clone()).collect(),
    })
}

/// Prints policy errors with miette, then a count.
pub fn print_load_errors(errors: &LoadErrors, io: &mut Io) -> Error {
    render_load_errors(errors, io);
    let n = errors.0.len();
    let _ = writeln!(
        io.err,
        "relgate: {n} policy error{}; nothing was checked",
        if n == 1 { "" } else { "s" }
    );
    Error::Failed
}

/// Prints each error with its position, code, snippet and help (miette).
pub fn render_load_errors(errors: &LoadErrors, io: &mut Io) {
    // No colour: standard error escapes every control character (ESC included), so
    // that nothing from a policy file can act on the terminal.
    let theme = miette::GraphicalTheme::unicode_nocolor();
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    for e in &errors.0 {
        let mut s = String::new();
        if let Some(pos) = e.position() {
            s.push_str(&format!("{pos}: "));
        }
        s.push_str(&format!("error[{}]: {}\n", e.code.as_str(), e.message));
        let mut body = String::new();
        let _ = handler.render_report(&mut body, e);
        // The header above already names the code; miette repeats it on its first line.
        let body = body
            .strip_prefix(e.code.as_str())
            .unwrap_or(&body)
            .trim_start_matches('\n');
        s.push_str(body);
        let _ = write!(io.err, "{s}");
    }
}
