//! `relgate check`: open the repository, load policies, evaluate, report.

use super::{ERROR, FINDINGS, Io, OK, print_load_errors, read_policy_dir, read_policy_paths};
use crate::checks::Cx;
use crate::cli::{CheckArgs, Level};
use crate::finding::Severity;
use crate::policy::vars::Vars;
use crate::policy::{self, Inputs};
use crate::repo::{self, SourceSpec, Target};
use crate::report::{self, PolicyResult, RenderOptions, Report, TargetInfo};
use std::collections::BTreeMap;

pub fn run(args: &CheckArgs, io: &mut Io) -> u8 {
    // Workers get the parsers' stack, so a deeply nested config file is refused by the
    // parser's own limit, never by a stack overflow, without a thread per file.
    // (Fails harmlessly when a pool already exists, e.g. in tests.)
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(crate::parse::structured::PARSER_STACK_SIZE)
        .start_handler(|_| crate::parse::structured::mark_big_stack_thread())
        .build_global();
    let target = Target {
        path: args.path.clone(),
        source: match (&args.rev, args.staged) {
            (Some(r), _) => SourceSpec::Rev(r.clone()),
            (None, true) => SourceSpec::Staged,
            (None, false) => SourceSpec::Worktree,
        },
        base: args.base.clone(),
    };
    let opened = match repo::open(&target) {
        Ok(o) => o,
        Err(e) => return fatal(io, args, &format!("{e}"), diag_help(&e)),
    };
    // Policies: --policies from disk; else .relgate/ of the base when a base is given
    // (a change cannot switch off its own gate), else of the view under check.
    let files = if !args.policies.is_empty() {
        read_policy_paths(&args.policies)
    } else {
        let from = match &opened.diff {
            Some(d) => d.base.as_ref(),
            None => opened.view.as_ref(),
        };
        read_policy_dir(from)
    };
    let loaded = files.and_then(|files| {
        policy::load(&Inputs {
            files,
            packs: args.packs.clone(),
            var_names: args.vars.iter().map(|(k, _)| k.clone()).collect(),
        })
    });
    let set = match loaded {
        Ok(s) => s,
        Err(errors) => {
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
            return ERROR;
        }
    };
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let vars = Vars::resolve(&set.vars, &args.vars, opened.view.as_ref(), now);
    let cx = Cx {
        view: opened.view.as_ref(),
        vars: &vars,
        now,
        diff: opened.diff.as_ref(),
    };
    let outcomes = match crate::engine::evaluate(&set, &cx) {
        Ok(o) => o,
        Err(e) => return fatal(io, args, &format!("cannot evaluate: {e}"), None),
    };
    let mut findings = Vec::new();
    let mut policies = Vec::new();
    for (p, o) in set.policies.iter().zip(outcomes) {
        policies.push(PolicyResult {
            id: p.id.clone(),
            name: p.name.clone(),
            title: p.title.clone(),
            severity: p.severity,
            status: o.status,
            reason: o.reason,
            description: p.description.clone(),
            help: p.help.as_ref().map(|t| t.raw.clone()),
            url: p.url.clone(),
            origin: p.origin.clone(),
        });
        findings.extend(o.findings);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut contents = BTreeMap::new();
    for f in &findings {
        if let (Some(path), Some(_)) = (&f.path, f.line)
            && let Ok(c) = opened.view.read(path)
        {
            contents.insert(path.clone(), c);
        }
    }
    let report = Report {
        target: TargetInfo {
            path: args.path.display().to_string(),
            source: opened.view.source(),
            rev: opened.rev.clone(),
            base: opened.base.clone(),
        },
        vars: vars.declared(),
        policies,
        findings,
        contents,
    };
    let fail_on = match args.fail_on {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Note,
    };
    if let Err(e) = write_report(&report, args, fail_on, io) {
        let _ = writeln!(io.err, "relgate: cannot write the report: {e}");
        return ERROR;
    }
    if report.fails(fail_on) { FINDINGS } else { OK }
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
        fail_on,
    };
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            report::render(report, args.format, &opts, &mut buf)?;
            write_file(path, &buf)?;
        }
        None => report::render(report, args.format, &opts, io.out)?,
    }
    let opts = RenderOptions {
        color: false,
        fail_on,
    };
    for (format, path) in &args.also {
        let mut buf = Vec::new();
        report::render(report, *format, &opts, &mut buf)?;
        write_file(path, &buf)?;
    }
    Ok(())
}

/// Writes a report file, creating its folder (CI passes paths like `out/relgate.sarif`),
/// never through a symbolic link the checkout may hold ([`crate::output::write_file`]).
fn write_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::output::file::write_report(path, bytes)
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

fn diag_help(e: &repo::OpenError) -> Option<String> {
    use miette::Diagnostic;
    e.help().map(|h| h.to_string())
}

/// A run that could not evaluate: message on stderr, and for machine formats a
/// report that says so (SARIF: `executionSuccessful: false`). Always exit 2.
fn fatal(io: &mut Io, args: &CheckArgs, message: &str, help: Option<String>) -> u8 {
    let _ = writeln!(io.err, "relgate: error: {message}");
    if let Some(h) = help {
        let _ = writeln!(io.err, "  help: {h}");
    }
    write_error_reports(args, message, io);
    ERROR
}
