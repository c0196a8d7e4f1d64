//! `relgate init`: a starter `.relgate/` for a repository.

use super::Io;
use crate::cli::InitArgs;
use crate::error::{Error, Outcome};
use crate::policy::packs;

/// The first line of the starter: editors with the YAML language server (VS Code's
/// YAML extension, Neovim, Helix) validate and complete the file against the policy
/// schema beside it, `.relgate/schema.json`, which `init` writes from the relgate that
/// ran it: completion works offline, and before any release publishes a schema.
pub(crate) const SCHEMA_LINE: &str = "# yaml-language-server: $schema=schema.json";

/// The schema's file, beside the starter.
const SCHEMA_FILE: &str = "schema.json";

pub(crate) fn run(args: &InitArgs, io: &mut Io) -> Outcome {
    let dir = args.path.join(".relgate");
    let file = dir.join("config.yaml");
    // `symlink_metadata`: a link at the destination exists too (and is refused below).
    let schema_file = dir.join(SCHEMA_FILE);
    for f in [&file, &schema_file] {
        if f.symlink_metadata().is_ok() && !args.force {
            let _ = writeln!(
                io.err,
                "relgate: {} exists; pass --force to overwrite it",
                crate::output::display_path(f)
            );
            return Err(Error::Failed);
        }
    }
    let body = match &args.pack {
        Some(p) if packs::get(p).is_none() => {
            let _ = writeln!(
                io.err,
                "relgate: unknown pack '{p}'; shipped packs: {}",
                packs::names().join(", ")
            );
            return Err(Error::Failed);
        }
        Some(p) => format!(
            "{SCHEMA_LINE}\n\
             # relgate policies for this repository. Reference: relgate schema, docs/policy-language.md\n\
             version: 1\n\
             # The shipped pack '{p}' (relgate list --pack {p} shows its policies).\n\
             packs: [{p}]\n\
             # Override the pack's variables here, e.g. to pin the release under check:\n\
             # vars:\n\
             #   release: '2024-07-15'\n\
             # Add your own policies below.\n\
             policies: []\n"
        ),
        None => format!(
            "{SCHEMA_LINE}\n\
             # relgate policies for this repository. Reference: relgate schema, docs/policy-language.md\n\
             version: 1\n\
             vars: {{}}\n\
             policies:\n\
             \x20 - id: EX-001\n\
             \x20   title: The README exists\n\
             \x20   help: Add a README.md at the top of the repository.\n\
             \x20   check:\n\
             \x20     exists: README.md\n"
        ),
    };
    let root = std::env::current_dir().unwrap_or_default();
    let schema = format!("{:#}\n", super::schema::schema());
    for (dest, text) in [(&schema_file, schema.as_str()), (&file, body.as_str())] {
        if let Err(e) = crate::output::write_file(&root, dest, text.as_bytes(), None) {
            let _ = writeln!(io.err, "relgate: {e}");
            return Err(Error::Failed);
        }
    }
    let _ = writeln!(
        io.out,
        "wrote {} and its schema {}; run 'relgate check' to evaluate it",
        crate::output::display_path(&file),
        crate::output::display_path(&schema_file)
    );
    // Starter policy tests next to the starter policy: one passing case, one failing.
    if args.pack.is_none() {
        let tests = dir.join("tests");
        if tests.exists() {
            return Ok(());
        }
        for (path, text) in STARTER_TESTS {
            let dest = tests.join(path);
            // Never through a link the repository commits, like every file relgate writes.
            if let Err(e) = crate::output::write_file(&root, &dest, text.as_bytes(), None) {
                let _ = writeln!(io.err, "relgate: {e}");
                return Err(Error::Failed);
            }
        }
        let _ = writeln!(
            io.out,
            "wrote {}; run 'relgate test' to check that the policy fails when it must",
            crate::output::display_path(&tests)
        );
    }
    Ok(())
}

/// `.relgate/tests/` of the starter: the format of `relgate test`, on EX-001.
const STARTER_TESTS: &[(&str, &str)] = &[
    (
        "readme-present/case.yaml",
        "# A policy test: tree/ is built into a git repository and checked.\n\
         description: A repository with a README passes EX-001\n\
         expect:\n\
         \x20 status: {EX-001: pass}\n\
         \x20 exit: 0\n",
    ),
    ("readme-present/tree/README.md", "# Example\n"),
    (
        "readme-missing/case.yaml",
        "# Starts from readme-present, then deletes the README: EX-001 must fail.\n\
         description: Without a README, EX-001 fails\n\
         extends: ../readme-present\n\
         delete: [README.md]\n\
         expect:\n\
         \x20 status: {EX-001: fail}\n\
         \x20 findings:\n\
         \x20   - {policy: EX-001, path: README.md}\n\
         \x20 exit: 1\n",
    ),
];
