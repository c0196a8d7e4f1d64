//! `relgate init`: a starter `.relgate/` for a repository.

use super::Io;
use crate::cli::InitArgs;
use crate::error::{Error, Outcome};
use crate::policy::packs;

pub(crate) fn run(args: &InitArgs, io: &mut Io) -> Outcome {
    let dir = args.path.join(".relgate");
    let file = dir.join("config.yaml");
    if file.exists() && !args.force {
        let _ = writeln!(
            io.err,
            "relgate: {} exists; pass --force to overwrite it",
            file.display()
        );
        return Err(Error::Failed);
    }
    let body = match &args.pack {
        Some(p) if packs::get(p).is_none() => {
            let _ = writeln!(io.err, "relgate: unknown pack '{p}'; shipped packs: {}", packs::names().join(", "));
            return Err(Error::Failed);
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
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&file, body)) {
        let _ = writeln!(io.err, "relgate: cannot write {}: {e}", file.display());
        return Err(Error::Failed);
    }
    let _ = writeln!(
        io.out,
        "wrote {}; run 'relgate check' to evaluate it",
        file.display()
    );
    Ok(())
}
