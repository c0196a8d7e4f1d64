//! One module per command. Each returns an [`crate::error::Outcome`] and writes
//! only to the writers it is given.

pub(crate) mod check;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod install_hook;
pub(crate) mod list;
pub(crate) mod pack;
pub(crate) mod reference;
pub(crate) mod root;
pub(crate) mod schema;
pub(crate) mod test;
pub(crate) mod validate;

use crate::cli::PolicyArgs;
use crate::error::Error;
use crate::lang::error::{Code, LoadError, LoadErrors};
use crate::policy::{self, Inputs, PolicySet};
pub(crate) use crate::run::sources::{collect_yaml, is_policy_file, read_policy_paths};
use std::io::Write;

/// Where a command writes.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Colour for human output on standard output.
    pub color: bool,
    /// Columns to lay human output on standard output out in (the terminal's, or 100).
    pub width: usize,
}

/// Loads policies for commands that need no repository view (list, explain, validate):
/// `--policies`, else `.relgate/` on disk at PATH, plus `--pack`s.
pub fn load_from_disk(args: &PolicyArgs) -> Result<PolicySet, LoadErrors> {
    let root = root::resolve(&args.path, false).unwrap_or_else(|_| args.path.clone());
    // With the `.relgate/` files, the folder they are named from (errors show them from
    // the current directory, as `check` does).
    let (files, named_from) = if args.policies.is_empty() {
        let root = root::resolve(&args.path, args.packs.is_empty())
            .map_err(|m| LoadErrors(vec![LoadError::global(Code::Io, m)]))?;
        let dir = root.join(".relgate");
        let files = if dir.is_dir() || dir.is_symlink() {
            // Named from PATH, as `check` names them (`.relgate/x.yaml`): the same
            // policy file gives the same located errors in every command.
            read_policy_paths(&[dir])?
                .into_iter()
                .filter(|(n, _)| !n.contains("/.relgate/tests/"))
                .map(
                    |(n, text)| match std::path::Path::new(&n).strip_prefix(&root) {
                        Ok(rel) => (rel.display().to_string(), text),
                        Err(_) => (n, text),
                    },
                )
                .collect()
        } else {
            Vec::new()
        };
        (files, Some(root))
    } else {
        (read_policy_paths(&args.policies)?, None)
    };
    let relative: std::collections::BTreeSet<String> = match named_from {
        Some(_) => files.iter().map(|(n, _)| n.clone()).collect(),
        None => Default::default(),
    };
    policy::load(&Inputs {
        files,
        packs: args.packs.clone(),
        var_names: args.vars.iter().map(|(k, _)| k.clone()).collect(),
        // No fetching here: these commands read what `relgate pack fetch` cached.
        remote: Some(std::sync::Arc::new(policy::fetch::Packs {
            cache: policy::fetch::cache_dir().unwrap_or_default(),
            offline: true,
            root,
            trusted: None,
            now: jiff::Timestamp::now(),
        })),
    })
    .map_err(|e| match &named_from {
        Some(from) => crate::run::shown::from_here(e, from, &relative),
        None => e,
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
