//! `relgate init`: a starter `.relgate/` for a repository.

use super::{ERROR, Io, OK};
use crate::cli::InitArgs;
use crate::policy::packs;

pub fn run(args: &InitArgs, io: &mut Io) -> u8 {
    let dir = args.path.join(".relgate");
    let file = dir.join("config.yaml");
    // `symlink_metadata`: a link at the destination exists too (and is refused below).
    if file.symlink_metadata().is_ok() && !args.force {
        let _ = writeln!(
            io.err,
            "relgate: {} exists; pass --force to overwrite it",
            crate::output::display_path(&file)
        );
        return ERROR;
    }
    let body = match &args.pack {
        Some(p) if packs::get(p).is_none() => {
            let _ = writeln!(io.err, "relgate: unknown pack '{p}'; shipped packs: {}", packs::names().join(", "));
            return ERROR;
        }
        Some(p) => format!(
            "# relgate policies for this repository. Reference: relgate schema, docs/policy-language.md\n\
             version: 1\n\
             # The shipped pack '{p}' (relgate list --pack {p} shows its policies).\n\
             packs: [{p}]\n\
             # Override the pack's variables here, e.g. to pin the release under check:\n\
             # vars:\n\
             #   release: '2024-07-15'\n\
             # Add your own policies below.\n\
             policies: []\n"
        ),
        None => "# relgate policies for this repository. Reference: relgate schema, docs/policy-language.md\n\
             version: 1\n\
             vars: {}\n\
             policies:\n\
             \x20 - id: EX-001\n\
             \x20   title: The README exists\n\
             \x20   help: Add a README.md at the top of the repository.\n\
             \x20   check:\n\
             \x20     exists: README.md\n"
            .to_string(),
    };
    let root = std::env::current_dir().unwrap_or_default();
    if let Err(e) = crate::output::write_file(&root, &file, body.as_bytes(), None) {
        let _ = writeln!(io.err, "relgate: {e}");
        return ERROR;
    }
    let _ = writeln!(
        io.out,
        "wrote {}; run 'relgate check' to evaluate it",
        crate::output::display_path(&file)
    );
    OK
}
