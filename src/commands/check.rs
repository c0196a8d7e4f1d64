//! `relgate check`: its arguments as a [`Request`] to the run ([`crate::run`]), and the
//! run's report to standard output, `--output` and every `--also` file.

use super::{Io, print_load_errors};
use crate::cli::{CheckArgs, Level};
use crate::error::{Error, Outcome};
use crate::finding::Severity;
use crate::repo::{SourceSpec, Target};
use crate::report::{self, RenderOptions, Report};
use crate::run::{Failure, Request, evaluate_with};

pub(crate) fn run(args: &CheckArgs, io: &mut Io) -> Outcome {
    if let Some(m) = same_report_file(args) {
        let _ = writeln!(io.err, "relgate: error: {m}");
        return Err(Error::Usage);
    }
    // A commit has no "before" of its own: which base its findings are new against
    // must be said.
    if args.new_only && args.rev.is_some() && args.base.is_none() {
        let _ = writeln!(
            io.err,
            "relgate: error: --new-only with --rev needs --base: the findings are new against which revision?"
        );
        let _ = writeln!(
            io.err,
            "  help: add --base BRANCH (the branch the change goes into, e.g. --base origin/main); --staged and the working tree compare with HEAD"
        );
        return Err(Error::Usage);
    }
    // With --base, the run decides in the base which `.relgate/` governs PATH: the
    // change's disk must not.
    let discover = args.policies.is_empty() && args.packs.is_empty() && args.base.is_none();
    let path = match super::root::resolve(&args.path, discover) {
        Ok(p) => p,
        Err(m) => return fatal(io, args, &m, None),
    };
    let target = Target {
        path,
        source: match (&args.rev, args.staged) {
            (Some(r), _) => SourceSpec::Rev(r.clone()),
            (None, true) => SourceSpec::Staged,
            (None, false) => SourceSpec::Worktree,
        },
        base: args.base.clone(),
    };
    let req = Request {
        target,
        policies: &args.policies,
        packs: &args.packs,
        vars: &args.vars,
        now: args.now,
        attach: &args.attach,
        offline: args.offline,
        stages: args.stages.stages(),
        stats: args.stats.map(|d| d == crate::cli::StatsDetail::Paths),
        new_only: args.new_only,
    };
    let attest = args.format == report::Format::Attestation
        || args
            .also
            .iter()
            .any(|(f, _)| *f == report::Format::Attestation);
    let report = match evaluate_with(&req, attest) {
        Ok(r) => r,
        Err(Failure::Fatal(msg, help)) => return fatal(io, args, &msg, help),
        Err(Failure::Load(errors)) => {
            print_load_errors(&errors, io);
            let msg = errors
                .0
                .iter()
                .map(|e| match e.position() {
                    Some(p) => format!("{p}: {}", e.message),
                    None => e.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            write_error_reports(args, &format!("invalid policies: {msg}"), io);
            return Err(Error::Failed);
        }
    };
    let fail_on = match args.fail_on {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Note,
    };
    if let Some(stats) = &report.stats {
        for line in stats.lines() {
            let _ = writeln!(io.err, "relgate: stats: {line}");
        }
    }
    if let Err(e) = write_report(&report, args, fail_on, io) {
        let _ = writeln!(io.err, "relgate: cannot write the report: {e}");
        return Err(Error::Failed);
    }
    if report.fails(fail_on) {
        Err(Error::Findings)
    } else {
        Ok(())
    }
}

/// Two reports written to one file would leave only the last: `--output` and an
/// `--also`, or two `--also`, naming the same file (compared as absolute paths).
fn same_report_file(args: &CheckArgs) -> Option<String> {
    let abs = |p: &std::path::Path| {
        std::path::absolute(p)
            .map(|a| a.components().collect::<std::path::PathBuf>())
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut seen: Vec<(std::path::PathBuf, String)> = Vec::new();
    let named = args
        .output
        .iter()
        .map(|p| (p, "--output".to_string()))
        .chain(
            args.also
                .iter()
                .map(|(f, p)| (p, format!("--also {}=", format_name(*f)))),
        );
    for (path, flag) in named {
        let a = abs(path);
        if let Some((_, first)) = seen.iter().find(|(q, _)| *q == a) {
            return Some(format!(
                "{first} and {flag} name the same file {}: give each report its own file",
                path.display()
            ));
        }
        seen.push((a, flag));
    }
    None
}

fn format_name(f: report::Format) -> String {
    use clap::ValueEnum;
    f.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// The report in `--format` (to `--output` or standard output), then each `--also`
/// format to its file: every format comes from this one evaluation.
fn write_report(
    report: &Report,
    args: &CheckArgs,
    fail_on: Severity,
    io: &mut Io,
) -> std::io::Result<()> {
    let opts = RenderOptions {
        color: io.color && args.output.is_none(),
        width: match args.output {
            None => io.width,
            Some(_) => crate::output::term::DEFAULT_WIDTH,
        },
        fail_on,
    };
    match &args.output {
        Some(path) => write_file(path, &mut |w| report::render(report, args.format, &opts, w))?,
        None => {
            // Standard output writes each line as it comes (`LineWriter`): buffered
            // here, a long report is a few large writes instead of one per line.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut *io.out);
            report::render(report, args.format, &opts, &mut out)?;
            std::io::Write::flush(&mut out)?;
        }
    }
    let opts = RenderOptions {
        color: false,
        width: crate::output::term::DEFAULT_WIDTH,
        fail_on,
    };
    for (format, path) in &args.also {
        write_file(path, &mut |w| report::render(report, *format, &opts, w))?;
    }
    Ok(())
}

/// Writes a report file as it is rendered (never held whole in memory), creating its
/// folder (CI passes paths like `out/relgate.sarif`), never through a symbolic link the
/// checkout may hold ([`crate::output::write_file`]).
fn write_file(
    path: &std::path::Path,
    render: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    crate::output::file::write_report_with(path, render)
}

/// A run that could not evaluate: the `--format` document and every `--also` file
/// record the failure.
fn write_error_reports(args: &CheckArgs, message: &str, io: &mut Io) {
    if let Err(e) = report::render_error(args.format, message, args.output.as_deref(), io.out) {
        let _ = writeln!(io.err, "relgate: cannot write the report: {e}");
    }
    for (format, path) in &args.also {
        if let Err(e) = report::render_error(*format, message, Some(path), io.out) {
            let _ = writeln!(
                io.err,
                "relgate: cannot write the report to {}: {e}",
                crate::output::display_path(path)
            );
        }
    }
}

/// A run that could not evaluate: message on stderr, and for machine formats a
/// report that says so (SARIF: `executionSuccessful: false`). Always exit 2.
fn fatal(io: &mut Io, args: &CheckArgs, message: &str, help: Option<String>) -> Outcome {
    let _ = writeln!(io.err, "relgate: error: {message}");
    if let Some(h) = help {
        let _ = writeln!(io.err, "  help: {h}");
    }
    write_error_reports(args, message, io);
    Err(Error::Failed)
}
