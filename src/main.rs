use clap::Parser;
use relgate::error::{Error, exit_code};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A gate never exits 0 (nor 101) on a crash: a panic is an internal error, exit 2.
    // The run holds standard error's lock throughout (`Io`), so the hook writes through
    // a handle of its own: a panic on a worker thread waiting for that lock would hang
    // the run instead of ending it. The message is made inert like all of stderr.
    let crash_log: Option<std::fs::File> = {
        use std::os::fd::AsFd;
        std::io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(std::fs::File::from)
    };
    std::panic::set_hook(Box::new(move |info| {
        use std::io::Write;
        // A parser's panic that the run catches and reports as a finding is no crash.
        if relgate::parse::panic_is_guarded() {
            return;
        }
        let text =
            format!("relgate: internal error: {info}\nthis is a bug; the run did not complete");
        let mut inert = String::new();
        for line in text.lines() {
            inert.push_str(&relgate::output::escape::inert_line(line));
            inert.push('\n');
        }
        if let Some(mut f) = crash_log.as_ref() {
            let _ = f.write_all(inert.as_bytes());
        }
    }));
    let cli = match relgate::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // `--help` and `--version` end here too, and succeed.
            let outcome = if e.use_stderr() {
                Err(Error::Usage)
            } else {
                Ok(())
            };
            return ExitCode::from(exit_code(outcome));
        }
    };
    let env = |name: &str| std::env::var_os(name);
    let terminal = std::io::stdout().is_terminal();
    let color = relgate::output::term::use_color(cli.forced_color(), terminal, &env);
    let width = relgate::output::term::width(
        terminal.then(relgate::output::term::stdout_width).flatten(),
        &env,
    );
    let result = std::panic::catch_unwind(move || {
        let stdout = std::io::stdout();
        let stderr = std::io::stderr();
        let mut out = stdout.lock();
        // Nothing on standard error acts on a terminal or a job log (escapes, workflow commands).
        let mut err = relgate::output::escape::Inert::new(stderr.lock());
        let mut io = relgate::commands::Io {
            out: &mut out,
            err: &mut err,
            color,
            width,
        };
        // Lets the tests prove that a crash ends in exit 2 (debug builds only).
        #[cfg(debug_assertions)]
        if std::env::var_os("RELGATE_DEBUG_PANIC")
            .is_some_and(|v| v != "worker" && v != "parser" && v != "prepare")
        {
            panic!("RELGATE_DEBUG_PANIC is set");
        }
        relgate::run(cli, &mut io)
    });
    ExitCode::from(exit_code(result.unwrap_or(Err(Error::Internal))))
}
