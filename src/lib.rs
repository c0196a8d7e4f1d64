//! relgate: a CI/CD policy gate. Declarative YAML policies evaluated against a
//! git checkout (working tree, index or any commit, optionally against a base),
//! reported as diagnostics that point at the exact file and line.
//!
//! `main.rs` only parses arguments and maps [`run`]'s result to an exit code;
//! everything else lives here so that tests can drive it.

pub mod checks;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod finding;
pub mod output;
pub mod parse;
pub mod policy;
pub mod repo;
pub mod report;

use cli::{Cli, Command};
use commands::Io;

/// Runs one command; returns the exit code (0, 1 or 2).
pub fn run(cli: Cli, io: &mut Io) -> u8 {
    if !matches!(cli.command, Command::Check(_)) {
        // Policy titles and paths printed by list, explain, validate, init may come from the
        // checkout: nothing they print may act on a terminal or a CI log.
        let mut out = output::escape::Inert::new(&mut *io.out);
        let mut inert = Io {
            out: &mut out,
            err: &mut *io.err,
            color: io.color,
        };
        return run_command(&cli, &mut inert);
    }
    run_command(&cli, io)
}

fn run_command(cli: &Cli, io: &mut Io) -> u8 {
    match &cli.command {
        Command::Check(a) => commands::check::run(a, io),
        Command::List(a) => commands::list::run(a, io),
        Command::Explain(a) => commands::explain::run(a, io),
        Command::Validate(a) => commands::validate::run(a, io),
        Command::Init(a) => commands::init::run(a, io),
        Command::Schema => commands::schema::run(io),
        Command::Test(_) => not_ready(io, "test", "policy tests"),
        Command::InstallHook(a) => commands::install_hook::run(a, io),
    }
}

fn not_ready(io: &mut Io, name: &str, what: &str) -> u8 {
    let _ = writeln!(
        io.err,
        "relgate {name}: {what} are not ready yet in this version"
    );
    commands::ERROR
}
