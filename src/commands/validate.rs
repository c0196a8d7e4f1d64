//! `relgate validate`: load policies as `check` loads them (packs, `--var` names,
//! waivers within their horizon at `--now`), check the syntax of the allowed-signers
//! files they name, print every error, exit 2 if any.

use super::{Io, load_from_disk, print_load_errors};
use crate::cli::{ListFormat, ValidateArgs};
use crate::error::{Error, Outcome};

pub(crate) fn run(args: &ValidateArgs, io: &mut Io) -> Outcome {
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let loaded = load_from_disk(&args.policy)
        .and_then(|set| crate::run::refuse(&set, now).map(|()| set))
        .and_then(|set| {
            // The allowed-signers files a `signature` check will read, from PATH.
            let p = &args.policy;
            let discover = p.policies.is_empty() && p.packs.is_empty();
            let Ok(root) = super::root::resolve(&p.path, discover) else {
                return Ok(set);
            };
            let paths = crate::run::signers::paths(&set, &p.vars);
            let errors = crate::run::signers::errors(&root, &paths);
            if errors.is_empty() {
                Ok(set)
            } else {
                Err(crate::lang::error::LoadErrors(errors))
            }
        });
    let args = &args.policy;
    match loaded {
        Ok(set) => {
            let files: Vec<&str> = set.files.iter().map(|f| f.name.as_str()).collect();
            if args.format == ListFormat::Json {
                let v = serde_json::json!({"valid": true, "files": files, "policies": set.policies.len(), "errors": []});
                let _ = writeln!(io.out, "{v:#}");
            } else {
                let _ = writeln!(
                    io.out,
                    "ok: {} polic{} in {} file{} ({})",
                    set.policies.len(),
                    if set.policies.len() == 1 { "y" } else { "ies" },
                    files.len(),
                    if files.len() == 1 { "" } else { "s" },
                    files.join(", ")
                );
            }
            Ok(())
        }
        Err(errors) => {
            if args.format == ListFormat::Json {
                let list: Vec<_> = errors
                    .0
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "code": e.code.as_str(),
                            "message": e.message,
                            "file": e.file.as_ref().map(|f| f.name.clone()),
                            "line": e.file.as_ref().map(|_| e.span.line),
                            "column": e.file.as_ref().map(|_| e.span.column),
                            "snippet": e.snippet(),
                            "help": e.help,
                        })
                    })
                    .collect();
                let v = serde_json::json!({"valid": false, "errors": list});
                let _ = writeln!(io.out, "{v:#}");
                return Err(Error::Failed);
            }
            Err(print_load_errors(&errors, io))
        }
    }
}
