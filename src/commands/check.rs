//! `relgate check`: open the repository, load policies, evaluate, report.

use super::{Io, print_load_errors, trust};
use crate::cli::{CheckArgs, Level, StatsDetail};
use crate::error::{Error, Outcome};
use crate::eval::Cx;
use crate::eval::vars::Vars;
use crate::finding::Severity;
use crate::policy::{self, Inputs};
use crate::repo::{self, SourceSpec, Target};
use crate::report::{self, PolicyResult, RenderOptions, Report, TargetInfo};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One evaluation, as `check` runs it and `test` runs it for each case.
pub(crate) struct Request<'a> {
    pub target: Target,
    /// `--policies`: inside the repository, read from the trusted tree; outside, from
    /// disk. Empty: `.relgate/` of the trusted tree.
    pub policies: &'a [std::path::PathBuf],
    pub packs: &'a [String],
    pub vars: &'a [(String, String)],
    pub now: Option<jiff::Timestamp>,
    /// `--attach NAME=PATH`: files the job produced, from outside the repository view.
    pub attach: &'a [(String, std::path::PathBuf)],
    /// `--stats`: what each view listed and read goes into the report.
    pub stats: Option<StatsDetail>,
}

/// Why an evaluation produced no report.
pub(crate) enum Failure {
    /// The policies could not be loaded (or a waiver reaches beyond its horizon).
    Load(crate::lang::error::LoadErrors),
    /// The repository could not be opened or read: a message and an optional hint.
    Fatal(String, Option<String>),
}

/// Opens the repository, loads the policies and evaluates them.
pub(crate) fn evaluate(req: &Request) -> Result<Report, Failure> {
    // Workers get the parsers' stack, so a deeply nested config file is refused by the
    // parser's own limit, never by a stack overflow, without a thread per file.
    // (Fails harmlessly when a pool already exists, e.g. in tests.)
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(crate::parse::structured::PARSER_STACK_SIZE)
        .start_handler(|_| crate::parse::structured::mark_big_stack_thread())
        .build_global();
    let attachments = crate::eval::attach::Attachments::open(req.attach).map_err(|e| {
        Failure::Fatal(
            format!("cannot read an attachment: {e}"),
            Some(
                "--attach NAME=PATH takes a regular file the job produced (never a symbolic link)"
                    .into(),
            ),
        )
    })?;
    let opened = match repo::open(&req.target) {
        Ok(o) => o,
        Err(e) => return Err(Failure::Fatal(format!("{e}"), diag_help(&e))),
    };
    // The trusted tree: the base revision's tree with --base (a change cannot edit its
    // own gate, and a branch forked before a policy was added is still judged by it),
    // else the view under check. Reads through it are recorded for the notes below.
    let trusted_view = Arc::new(trust::Recording::new(match &opened.trusted {
        Some((v, _)) => v.clone(),
        None => opened.view.clone(),
    }));
    let (files, bootstrap) = trust::policy_files(
        req.policies,
        &req.target.path,
        trusted_view.as_ref(),
        opened.view.as_ref(),
        opened.diff.is_some(),
        !req.packs.is_empty(),
    )
    .map_err(Failure::Load)?;
    let trusted = trust::Trusted {
        source: if opened.trusted.is_some() && !bootstrap {
            "base"
        } else {
            "checked"
        },
        commit: match &opened.trusted {
            Some((_, c)) if !bootstrap => Some(c.clone()),
            _ => opened.rev.clone(),
        },
        bootstrap,
    };
    let set = policy::load(&Inputs {
        files,
        packs: req.packs.to_vec(),
        var_names: req.vars.iter().map(|(k, _)| k.clone()).collect(),
    })
    .map_err(Failure::Load)?;
    let now = req.now.unwrap_or_else(jiff::Timestamp::now);
    crate::policy::waivers::check_horizon(&set, now).map_err(Failure::Load)?;
    let branches = branches(&opened, req.target.base.is_some(), &|k| {
        std::env::var(k).ok()
    });
    let vars = Vars::resolve(&set.vars, req.vars, opened.view.as_ref(), now, &branches);
    let cx = Cx {
        view: opened.view.as_ref(),
        trusted: if bootstrap {
            opened.view.as_ref()
        } else {
            trusted_view.as_ref()
        },
        vars: &vars,
        now,
        diff: opened.diff.as_ref(),
        attachments: &attachments,
        selection: None,
    };
    // The built-in case check needs no policy: it runs beside them.
    let (outcomes, case) = rayon::join(
        || crate::engine::evaluate(&set, &cx),
        || trust::case_collisions(opened.view.as_ref()),
    );
    let mut outcomes = match outcomes {
        Ok(o) => o,
        Err(e) => return Err(Failure::Fatal(format!("cannot evaluate: {e}"), None)),
    };
    super::waive::apply(&set, &mut outcomes, now);
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
            // Expanded with the run's variables, as findings' help is (raw when one has no value).
            help: p.help.as_ref().map(|t| {
                vars.render(t, crate::lang::template::no_escape)
                    .unwrap_or_else(|_| t.raw.clone())
            }),
            url: p.url.clone(),
            origin: p.origin.clone(),
            selected: o.selected,
            unmatched: o.unmatched,
        });
        findings.extend(o.findings);
    }
    // Built in: paths that differ only in case (listed only when there are some).
    if let Some((policy, found)) = case {
        policies.push(policy);
        findings.extend(found);
    }
    if let Some(diff) = &opened.diff {
        // A built-in policy, listed only when the change edits what the gate trusts.
        if let Some((policy, notes)) = trust::notes(diff, &trusted_view.paths()) {
            policies.push(policy);
            findings.extend(notes);
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let contents = quoted(
        &findings,
        repo::CACHE_BUDGET,
        &|path: &str| match attachments.by_label(path) {
            Some(c) => Some(c.clone()),
            None => opened.view.read(path).ok(),
        },
    );
    let named_files = report::sarif::named_files(&findings, &policies, &|p| {
        opened
            .view
            .entry(p)
            .is_some_and(|e| e.kind == repo::EntryKind::File)
    });
    let stats = req.stats.map(|detail| {
        let paths = detail == StatsDetail::Paths;
        repo::RunStats {
            checked: opened.view.stats(paths),
            trusted: opened.trusted.as_ref().map(|(v, _)| v.stats(paths)),
            base: opened.diff.as_ref().map(|d| d.base.stats(paths)),
            attachments: attachments.stats(paths),
        }
    });
    let report = Report {
        stats,
        named_files,
        target: TargetInfo {
            path: req.target.path.display().to_string(),
            source: opened.view.source(),
            rev: opened.rev.clone(),
            base: opened.base.clone(),
            trusted,
        },
        vars: vars.declared(),
        policies,
        findings,
        contents,
    };
    // Freeing every file read is work nobody waits for: a thread of its own does it
    // while the report is written (and the process's exit, if it is not done by then).
    let _ = std::thread::Builder::new().spawn(move || drop((opened, trusted_view)));
    Ok(report)
}

/// The files findings quote, for the reports' excerpts, each read once: at most
/// `budget` bytes of them, in finding order (a finding in a file past the budget
/// is reported without its excerpt).
fn quoted(
    findings: &[crate::finding::Finding],
    budget: usize,
    read: &dyn Fn(&str) -> Option<Arc<repo::Content>>,
) -> BTreeMap<String, Arc<repo::Content>> {
    let mut contents = BTreeMap::new();
    let mut kept = 0usize;
    for f in findings {
        if let (Some(path), Some(_)) = (&f.path, f.line) {
            if contents.contains_key(path) {
                continue;
            }
            let Some(c) = read(path) else {
                continue;
            };
            kept = kept.saturating_add(c.bytes().len());
            if kept <= budget {
                contents.insert(path.clone(), c);
            }
        }
    }
    contents
}

/// `{branch}` and `{base_branch}`: what git says, else the pull request's branches
/// (`GITHUB_HEAD_REF`, `GITHUB_BASE_REF`: in a pull request the checkout is detached).
fn branches(
    opened: &repo::Opened,
    has_base: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> crate::eval::vars::Branches {
    let from_env = |k: &str| env(k).filter(|v| !v.is_empty());
    crate::eval::vars::Branches {
        branch: opened.branch.clone().or_else(|| from_env("GITHUB_HEAD_REF")).ok_or_else(|| {
            "the checked revision is not a branch (a commit id, a tag or a detached HEAD, and GITHUB_HEAD_REF is not set): pass --var branch=NAME".to_string()
        }),
        base_branch: opened.base_branch.clone().or_else(|| from_env("GITHUB_BASE_REF")).ok_or_else(|| {
            if has_base {
                "--base does not name a branch, and GITHUB_BASE_REF is not set: pass --var base_branch=NAME".to_string()
            } else {
                "no --base was given and GITHUB_BASE_REF is not set: pass --base BRANCH or --var base_branch=NAME".to_string()
            }
        }),
    }
}

pub(crate) fn run(args: &CheckArgs, io: &mut Io) -> Outcome {
    if let Some(m) = same_report_file(args) {
        let _ = writeln!(io.err, "relgate: error: {m}");
        return Err(Error::Usage);
    }
    let discover = args.policies.is_empty() && args.packs.is_empty();
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
        stats: args.stats,
    };
    let report = match evaluate(&req) {
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
        Some(path) => {
            let mut buf = Vec::new();
            report::render(report, args.format, &opts, &mut buf)?;
            write_file(path, &buf)?;
        }
        None => report::render(report, args.format, &opts, io.out)?,
    }
    let opts = RenderOptions {
        color: false,
        width: crate::output::term::DEFAULT_WIDTH,
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
fn fatal(io: &mut Io, args: &CheckArgs, message: &str, help: Option<String>) -> Outcome {
    let _ = writeln!(io.err, "relgate: error: {message}");
    if let Some(h) = help {
        let _ = writeln!(io.err, "  help: {h}");
    }
    write_error_reports(args, message, io);
    Err(Error::Failed)
}

#[cfg(test)]
mod tests {
    use super::quoted;
    use crate::finding::{Finding, Origin, Severity};
    use crate::repo::Content;
    use std::sync::Arc;

    fn at(path: &str, line: Option<usize>) -> Finding {
        Finding {
            policy: "P".into(),
            severity: Severity::Error,
            message: "m".into(),
            path: Some(path.into()),
            line,
            column: None,
            help: None,
            snippet: None,
            waived: None,
            origin: Origin {
                file: "p.yaml".into(),
                line: 1,
                column: 1,
            },
        }
    }

    /// Each quoted file is read once, files without a located finding are not read,
    /// and past the budget a file is left out (its findings show no excerpt).
    #[test]
    fn quoted_files_are_read_once_within_the_budget() {
        let reads = std::cell::RefCell::new(Vec::new());
        let read = |p: &str| {
            reads.borrow_mut().push(p.to_string());
            (p != "gone").then(|| Arc::new(Content::new(b"0123456789".to_vec())))
        };
        let findings = [
            at("a", Some(1)),
            at("a", Some(2)),
            at("whole-file", None),
            at("gone", Some(1)),
            at("b", Some(1)),
            at("c", Some(1)),
        ];
        let got = quoted(&findings, 20, &read);
        assert_eq!(got.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(*reads.borrow(), ["a", "gone", "b", "c"]);
    }
}
