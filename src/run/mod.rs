//! The run: one evaluation from a [`Request`] to a [`Report`], as `relgate check` and
//! `relgate test` (for each case) both call it.
//!
//! It opens the repository, takes the trusted tree ([`trust`]) and reads the policy
//! files from it ([`sources`]), loads the policies, resolves the variables, evaluates
//! (the engine) beside the built-in policies ([`builtin`]), applies the waivers
//! ([`waive`]), sorts the findings once and quotes the files they point into
//! ([`crate::report::quote`]). Reports are pure functions of what it returns.

mod baseline;
pub(crate) mod builtin;
pub(crate) mod evidence;
mod keep;
mod pins;
mod reach;
mod reaching;
pub(crate) mod rooted;
pub(crate) mod shown;
pub(crate) mod signers;
pub(crate) mod sources;
pub(crate) mod trust;
pub(crate) mod waive;

use crate::eval::Cx;
use crate::eval::vars::Vars;
use crate::lang::error::LoadErrors;
use crate::policy;
use crate::repo::{self, Target};
use crate::report::{self, PolicyResult, Report, TargetInfo};
use reaching::{Reached, inputs, joined, judged_view, once_each, prepare_packs, reaching};
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
    /// `--offline`: a git pack missing from the pack cache is an error, never fetched.
    pub offline: bool,
    /// `--only` and `--skip`: the policies left out are not evaluated, only counted.
    pub stages: crate::policy::select::Stages<'a>,
    /// `--stats`: what each view listed and read goes into the report (`Some(true)`:
    /// with the paths read, `--stats=paths`).
    pub stats: Option<bool>,
    /// `--new-only`: only new findings count (against `--base`, else `HEAD`).
    pub new_only: bool,
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
    evaluate_with(req, false)
}

/// [`evaluate`], gathering what an attestation names when `attest` is set.
pub(crate) fn evaluate_with(req: &Request, attest: bool) -> Result<Report, Failure> {
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
    // With --base and no policy named, the base decides which `.relgate/` governs PATH
    // (and so which folder is judged).
    let discover = req.policies.is_empty() && req.packs.is_empty();
    // A tree judged on its own (the working tree, `--rev` or `--staged` without
    // `--base`) has its policies read first, and is listed keeping only what they reach.
    let (governed, prepared, pre) = match reaching(req, attest) {
        Reached::Kept(r) => (Ok((r.opened, r.judged)), Vec::new(), Some((r.files, r.set))),
        reached => {
            // The shipped packs (`--pack NAME`) do not depend on the repository: they
            // are built on a thread of their own while it is opened, and the load below
            // takes them.
            std::thread::scope(|s| {
                let prepare = prepare_packs(s, req.packs);
                let governed = match reached {
                    Reached::Whole(opened) => Ok((opened, req.target.path.clone())),
                    _ => trust::open_governed(&req.target, discover),
                };
                (governed, joined(prepare), None)
            })
        }
    };
    let (opened, judged) = match governed {
        Ok(o) => o,
        Err(e) => {
            use miette::Diagnostic;
            let help = e.help().map(|h| h.to_string());
            return Err(Failure::Fatal(format!("{e}"), help));
        }
    };
    if let Err(e) = attachments.refuse_tracked(&opened) {
        let help = "--attach NAME=PATH takes the file the job produced, not one git tracks";
        return Err(Failure::Fatal(
            format!("cannot read an attachment: {e}"),
            Some(help.into()),
        ));
    }
    // The trusted tree: the base revision's tree with --base (a change cannot edit its
    // own gate, and a branch forked before a policy was added is still judged by it),
    // else the view under check. Reads through it are recorded for the notes below.
    let trusted_view = Arc::new(trust::Recording::new(match &opened.trusted {
        Some((v, _)) => v.clone(),
        None => opened.view.clone(),
    }));
    let (pre_files, pre_set) = match pre {
        Some((files, set)) => (Some(files), Some(set)),
        None => (None, None),
    };
    let trust::PolicyFiles {
        files,
        in_repo,
        bootstrap,
    } = match pre_files {
        Some(files) => files,
        None => trust::policy_files(
            req.policies,
            &judged,
            trusted_view.as_ref(),
            opened.view.as_ref(),
            opened.diff.is_some(),
            !req.packs.is_empty(),
        )
        .map_err(Failure::Load)?,
    };
    let trusted = trust::Trusted {
        source: if opened.trusted.is_some() && !bootstrap {
            "base"
        } else {
            "checked"
        },
        // In a preview too: the line says which base has no policies.
        commit: match &opened.trusted {
            Some((_, c)) => Some(c.clone()),
            None => opened.rev.clone(),
        },
        bootstrap,
    };
    // The same file reached twice (`--policies .relgate --policies .relgate/a.yaml`)
    // is loaded once.
    let files = once_each(files);
    // Pins the change moves (noted below, with --base): the base's are in force. Only
    // the policy files the change edits are read from it.
    let pin_notes = match &opened.diff {
        Some(diff) if !bootstrap => {
            let edited: Vec<(String, String)> = files
                .iter()
                .filter(|(path, _)| diff.status(path).is_some())
                .cloned()
                .collect();
            pins::notes(&edited, opened.view.as_ref())
        }
        _ => Vec::new(),
    };
    // Policy errors name the repository's files from the current directory.
    let located = |e| Failure::Load(shown::from_here(e, &judged, &in_repo));
    let mut set = match pre_set {
        Some(set) => set,
        None => policy::load_with(&inputs(req, files, &judged, trusted_view.clone()), prepared)
            .map_err(located)?,
    };
    let not_selected = policy::select::select(&mut set, req.stages).map_err(located)?;
    let now = req.now.unwrap_or_else(jiff::Timestamp::now);
    refuse(&set, now).map_err(located)?;
    // The view the policies are judged on: the one opened (debug builds evaluate on
    // the paths the policies can reach only, when `RELGATE_DEBUG_RESTRICT=1` is set).
    let (view, whole) = judged_view(&opened, (&judged, &req.target.source), &set, req.vars)?;
    // The view whose listing counts every entry and tells the case collisions.
    let listed = if whole { &view } else { &opened.view };
    let branches = branches(&opened, req.target.base.is_some(), &|k| {
        std::env::var(k).ok()
    });
    let vars = Vars::resolve_keeping(
        &set.vars,
        req.vars,
        view.as_ref(),
        now,
        &branches,
        keep::keep_for(&set),
    );
    // With --base, every variable is also resolved in the base (its own tree, not read
    // through the recording: they are evidence, not trusted inputs), as `{NAME@base}`.
    let vars = match &opened.trusted {
        Some((base_view, _)) => {
            let every = set.uses_base_values();
            let prior = (every && baseline::reuse())
                .then(|| crate::eval::flags::FlagPrior::new(view.clone(), &vars));
            vars.with_base(
                &set.vars,
                req.vars,
                base_view.clone(),
                now,
                &branches,
                every,
                prior,
            )
        }
        None => vars,
    };
    let cx = Cx {
        view: view.as_ref(),
        trusted: if bootstrap {
            opened.view.as_ref()
        } else if opened.trusted.is_none() && !Arc::ptr_eq(&view, &opened.view) {
            // Listed again keeping what the policies reach: the tree under check is
            // the trusted one, read through that listing.
            view.as_ref()
        } else {
            trusted_view.as_ref()
        },
        vars: &vars,
        now,
        diff: opened.diff.as_ref(),
        attachments: &attachments,
        selection: None,
        scan: None,
    };
    // With --base, the `latest_dir` and `data` variables the change moves.
    let moved = match &opened.trusted {
        Some(_) if !bootstrap => builtin::moved_vars(&vars, &vars.moving(&set.vars, req.vars)),
        _ => None,
    };
    // The built-in case check needs no policy: it runs beside them.
    let (outcomes, case) = rayon::join(
        || crate::engine::evaluate_with(&set, &cx, None),
        || builtin::case_collisions(listed.as_ref()),
    );
    // What the pass over the files found: the base reuses it for identical blobs.
    let (outcomes, scanned) = outcomes;
    let mut outcomes = match outcomes {
        Ok(o) => o,
        Err(e) => return Err(Failure::Fatal(format!("cannot evaluate: {e}"), None)),
    };
    waive::apply(&set, &mut outcomes, now);
    let (mut policies, mut findings) = results(&set, outcomes, &in_repo);
    // Built in: paths that differ only in case (listed only when there are some).
    if let Some((policy, found)) = case {
        policies.push(policy);
        findings.extend(found);
    }
    // Built in: variables the change moves (listed only when it moves one).
    if let Some((policy, found)) = moved {
        policies.push(policy);
        findings.extend(found);
    }
    if let Some(diff) = &opened.diff {
        // A built-in policy, listed only when the change edits what the gate trusts.
        if let Some((policy, notes)) = builtin::notes(diff, &trusted_view.paths()) {
            policies.push(policy);
            findings.extend(notes);
            findings.extend(pin_notes);
        }
    }
    // The one sort of the run: every report shows findings in this order.
    sort_findings(&mut findings);
    let quoted =
        report::quote::quote(
            &mut findings,
            repo::CACHE_BUDGET,
            &|path: &str| match attachments.by_label(path) {
                Some(c) => Some(c.clone()),
                None => view.read(path).ok(),
            },
        );
    // Once per finding, in the report's order, before paths are made rooted.
    report::fingerprint::assign(&mut findings, &quoted.lines);
    let contents = quoted.contents;
    // With --base (or --new-only: HEAD): each finding new or unchanged against the
    // base's (rooted below).
    let since_head = match (&opened.diff, req.new_only) {
        (None, true) => {
            let at = repo::Target {
                path: judged.clone(),
                source: req.target.source.clone(),
                base: None,
            };
            repo::since_head(&at).map_err(|e| {
                Failure::Fatal(
                    format!("cannot compare with HEAD for --new-only: {e}"),
                    None,
                )
            })?
        }
        _ => None,
    };
    let against = match (&opened.diff, &since_head) {
        (Some(d), _) if !bootstrap => Some((d, opened.base.clone(), None)),
        (None, Some((d, head))) => Some((
            d,
            Some(head.clone()),
            Some(format!(
                "--new-only: findings are classified against HEAD {} (new ones count, pre-existing ones are reported)",
                &head[..head.len().min(12)]
            )),
        )),
        _ => None,
    };
    let mut baseline = match against {
        Some((diff, commit, note)) => Some(report::Baseline {
            new_only: req.new_only,
            touched: diff
                .changes
                .iter()
                .filter(|c| c.status != repo::ChangeStatus::Deleted)
                .map(|c| rooted::join(&opened.prefix, &c.path))
                .collect(),
            against: commit,
            note,
            ..baseline::classify(
                &findings,
                baseline::base_findings(
                    &set,
                    &cx,
                    diff.base.as_ref(),
                    req.vars,
                    &branches,
                    &in_repo,
                    (&view, &scanned),
                ),
                diff,
                view.as_ref(),
            )
        }),
        // A repository without a commit: nothing to compare with, every finding is new.
        None if req.new_only && opened.diff.is_none() => Some(report::Baseline {
            new_only: true,
            note: Some(
                "--new-only: the repository has no commit yet, so there is no base: every finding is new and counts".into(),
            ),
            ..Default::default()
        }),
        None => None,
    };
    if let Some(b) = &mut baseline {
        let mut policies = policies.clone();
        rooted::from_root(
            &opened.prefix,
            &in_repo,
            &mut policies,
            &mut b.fixed,
            Default::default(),
        );
    }
    let evidence = attest.then(|| evidence::gather(&set, &opened, now, &req.target.path));
    // Every path a report shows, from the repository root (policies' globs stay PATH's).
    let contents = rooted::from_root(
        &opened.prefix,
        &in_repo,
        &mut policies,
        &mut findings,
        contents,
    );
    let stats = req.stats.map(|paths| repo::RunStats {
        checked: listed.stats(paths),
        trusted: opened.trusted.as_ref().map(|(v, _)| v.stats(paths)),
        // A merge base that is REV itself is the trusted tree's view: counted once.
        base: opened
            .diff
            .as_ref()
            .filter(|d| {
                !opened
                    .trusted
                    .as_ref()
                    .is_some_and(|(t, _)| Arc::ptr_eq(t, &d.base))
            })
            .map(|d| d.base.stats(paths)),
        attachments: attachments.stats(paths),
    });
    let report = Report {
        stats,
        target: TargetInfo {
            path: judged.display().to_string(),
            prefix: opened.prefix.clone(),
            source: opened.view.source(),
            rev: opened.rev.clone(),
            base: opened.base.clone(),
            trusted,
        },
        vars: vars.declared(),
        policies,
        not_selected,
        findings,
        contents,
        evidence,
        baseline,
    };
    // Freeing every file read is work nobody waits for: a thread of its own does it
    // while the report is written (and the process's exit, if it is not done by then).
    let _ = std::thread::Builder::new().spawn(move || drop((opened, trusted_view)));
    Ok(report)
}

/// What a run refuses in a loaded policy set at `now`, before it reads a file under
/// check (a waiver beyond its horizon). `relgate validate` refuses the same, with the
/// same located errors.
pub(crate) fn refuse(set: &policy::PolicySet, now: jiff::Timestamp) -> Result<(), LoadErrors> {
    crate::policy::waivers::check_horizon(set, now)
}

/// Each policy's result for reports, and all their findings.
fn results(
    set: &policy::PolicySet,
    outcomes: Vec<crate::engine::PolicyOutcome>,
    in_repo: &std::collections::BTreeSet<String>,
) -> (Vec<PolicyResult>, Vec<crate::finding::Finding>) {
    let mut findings: Vec<crate::finding::Finding> = Vec::new();
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
            // Rendered once, with the run's variables, as its findings carry it.
            help: o.help,
            url: p.url.clone(),
            origin: p.origin.clone(),
            in_repo: in_repo.contains(&p.origin.file),
            selected: o.selected,
            unmatched: o.unmatched,
            instances: o.instances,
            baseline: p.baseline,
        });
        // The first policy's findings are taken as they are, not copied: with many
        // findings, a copy would briefly hold them twice.
        if findings.is_empty() {
            findings = o.findings;
        } else {
            findings.extend(o.findings);
        }
    }
    (policies, findings)
}

/// Sorts the findings by [`crate::finding::Finding::sort_key`], stably: their indices
/// are sorted, then the findings moved into that order in place. A stable sort of the
/// findings themselves would hold half of them again in its buffer.
fn sort_findings(findings: &mut [crate::finding::Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| findings[a].sort_key().cmp(&findings[b].sort_key()));
    permute(findings, order);
}

/// Moves `v[order[i]]` to `v[i]` for every `i`, in place (`order` is a permutation),
/// one cycle at a time.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        // A cycle is done when each of its places points at itself.
        while order[at] != start && order[at] != at {
            let from = order[at];
            v.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
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

#[cfg(test)]
mod tests {
    use super::permute;

    /// Every permutation of a few elements (cycles of every length, fixed points) is
    /// applied as `v[i] = old[order[i]]`, and the index sort keeps equal keys in their
    /// order, as a stable sort of the elements would.
    #[test]
    fn findings_are_put_in_order_in_place() {
        fn all(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut out = Vec::new();
            for p in all(n - 1) {
                for i in 0..n {
                    let mut q = p.clone();
                    q.insert(i, n - 1);
                    out.push(q);
                }
            }
            out
        }
        for n in 0..7 {
            for order in all(n) {
                let mut v: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
                permute(&mut v, order.clone());
                let want: Vec<String> = order.iter().map(|i| format!("x{i}")).collect();
                assert_eq!(v, want, "{order:?}");
            }
        }
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e'), (2, 'f')];
        let mut stable = v.clone();
        stable.sort_by_key(|x| x.0);
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by_key(|&i| v[i].0);
        permute(&mut v, order);
        assert_eq!(v, stable);
    }
}
