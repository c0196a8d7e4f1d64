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
pub(crate) mod rooted;
pub(crate) mod shown;
pub(crate) mod signers;
pub(crate) mod sources;
pub(crate) mod trust;
pub(crate) mod waive;

use crate::eval::Cx;
use crate::eval::vars::Vars;
use crate::lang::error::LoadErrors;
use crate::policy::{self, Inputs};
use crate::repo::{self, Target};
use crate::report::{self, PolicyResult, Report, TargetInfo};
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
    // A commit judged on its own (`--rev` without `--base`) can have its policies read
    // first, and be listed keeping only what they can reach (debug builds, for now).
    let reached = reaching(req, attest);
    let (governed, prepared, pre) = match reached {
        Some(r) => (Ok((r.opened, r.judged)), Vec::new(), Some((r.files, r.set))),
        None => {
            // The shipped packs (`--pack NAME`) do not depend on the repository: they
            // are built on a thread of their own while it is opened, and the load below
            // takes them.
            let (governed, prepared) = std::thread::scope(|s| {
                let prepare = prepare_packs(s, req.packs);
                let governed = trust::open_governed(&req.target, discover);
                (governed, joined(prepare))
            });
            (governed, prepared, None)
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

/// The same file reached twice (`--policies .relgate --policies .relgate/a.yaml`) is
/// loaded once.
fn once_each(files: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut names = std::collections::BTreeSet::new();
    files
        .into_iter()
        .filter(|(n, _)| names.insert(n.clone()))
        .collect()
}

/// Builds the shipped packs (`--pack NAME`) on a thread of its own, with a parser's
/// stack, as the pool's; `None` when there are none or the thread cannot start.
fn prepare_packs<'s>(
    s: &'s std::thread::Scope<'s, '_>,
    packs: &'s [String],
) -> Option<std::thread::ScopedJoinHandle<'s, Option<Vec<policy::Built>>>> {
    if packs.is_empty() {
        return None;
    }
    std::thread::Builder::new()
        .name("relgate-packs".to_owned())
        .stack_size(crate::parse::structured::PARSER_STACK_SIZE)
        .spawn_scoped(s, || {
            crate::parse::structured::mark_big_stack_thread();
            // A panic here does not end the run (the load builds the packs itself, and
            // says so if it panics too): the hook stays quiet.
            crate::parse::guarded(|| {
                #[cfg(debug_assertions)]
                if std::env::var("RELGATE_DEBUG_PANIC").as_deref() == Ok("prepare") {
                    panic!("RELGATE_DEBUG_PANIC=prepare is set");
                }
                policy::prepare(packs)
            })
            .ok()
        })
        .ok()
}

/// The packs [`prepare_packs`] built; none (the load builds them) when it did not.
fn joined(
    h: Option<std::thread::ScopedJoinHandle<'_, Option<Vec<policy::Built>>>>,
) -> Vec<policy::Built> {
    h.and_then(|h| h.join().ok()).flatten().unwrap_or_default()
}

/// What the load of a run's policies takes: its policy files, `--pack`s and `--var`
/// names, and remote packs fetched as pinned in the trusted tree.
fn inputs(
    req: &Request,
    files: Vec<(String, String)>,
    judged: &std::path::Path,
    trusted: Arc<trust::Recording>,
) -> Inputs {
    Inputs {
        files,
        packs: req.packs.to_vec(),
        var_names: req.vars.iter().map(|(k, _)| k.clone()).collect(),
        remote: Some(Arc::new(policy::fetch::Packs {
            cache: policy::fetch::cache_dir().unwrap_or_default(),
            offline: req.offline,
            root: judged.to_path_buf(),
            trusted: Some(trusted),
            now: req.now.unwrap_or_else(jiff::Timestamp::now),
        })),
    }
}

/// A run that read its policies before it listed the commit under check.
struct Reaching {
    opened: repo::Opened,
    judged: std::path::PathBuf,
    files: trust::PolicyFiles,
    set: policy::PolicySet,
}

/// A commit judged on its own (`--rev` without `--base`, `--attach`, `--new-only` or
/// an attestation) listed keeping only what its policies can reach
/// ([`crate::eval::reach`]): its `.relgate/` is read alone first, the policies are
/// loaded from it (or from `--policies` outside the repository; one inside it that
/// is not in `.relgate/` is not found there, and the run goes the usual way), and the commit is listed keeping only the files they may look at,
/// counting every entry and telling the case collisions from all of them as it goes.
/// Most entries of a large repository are files no policy looks at: they are never
/// held (at 300k files the peak falls from 46 to 37 MB). `None` (the run opens, reads
/// and loads as usual, and says why there when something fails) when that is not the
/// case, or anything on the way fails, or the policies may look at any path.
///
/// Only debug builds with `RELGATE_DEBUG_REACH=1` take this way for now: it costs
/// time the usual run does not (8% to 13% of the wall on the benchmark: the policies'
/// load no longer beside the listing, and the matching and the case fold on the
/// listing's one thread), against the 1.3x of the floor that `benches/` holds a run
/// to, and the memory goal needs more than it gives. The test suite runs with it in
/// CI, so it stays correct while it is made cheaper.
fn reaching(req: &Request, attest: bool) -> Option<Reaching> {
    let alone = matches!(req.target.source, repo::SourceSpec::Rev(_))
        && req.target.base.is_none()
        && req.attach.is_empty()
        && !req.new_only
        && !attest;
    // (`note`: and say on stderr how many entries the listing kept, for a test.)
    let switch = std::env::var("RELGATE_DEBUG_REACH");
    let enabled = cfg!(debug_assertions) && matches!(switch.as_deref(), Ok("1" | "note"));
    if !alone || !enabled {
        return None;
    }
    let (folder, prepared) = std::thread::scope(|s| {
        let prepare = prepare_packs(s, req.packs);
        (repo::policy_folder(&req.target), joined(prepare))
    });
    let folder = folder?;
    let trusted = Arc::new(trust::Recording::new(folder.clone()));
    let recorded = trusted.clone();
    let judged = req.target.path.clone();
    let mut files = trust::policy_files(
        req.policies,
        &judged,
        trusted.as_ref(),
        folder.as_ref(),
        false,
        !req.packs.is_empty(),
    )
    .ok()?;
    files.files = once_each(std::mem::take(&mut files.files));
    let set = policy::load_with(
        &inputs(req, files.files.clone(), &judged, trusted),
        prepared,
    )
    .ok()?;
    let reach = reach::of(&set, req.vars);
    if reach.is_all() {
        return None;
    }
    let keep: repo::Keep = Arc::new(move |p: &str| reach.keeps(p));
    let opened = repo::open_keeping(&req.target, repo::MAX_FILE_SIZE, Some(keep)).ok()?;
    // Paths that did not come sorted (a submodule's) cannot be folded: listed whole.
    opened.view.entries().folded()?.case.as_ref()?;
    // What the load read of the trusted tree, the usual way reads through the view
    // under check, where `--stats` counts it: read again there (the policy files, a
    // few small blobs), so both ways report the same.
    for path in recorded.paths() {
        let _ = opened.view.read(&path);
    }
    if switch.as_deref() == Ok("note") {
        use std::io::Write;
        let e = opened.view.entries();
        let _ = writeln!(
            std::io::stderr(),
            "relgate: debug: the listing kept {} of {} entries",
            e.len(),
            e.listed()
        );
    }
    Some(Reaching {
        opened,
        judged,
        files,
        set,
    })
}

/// The view the policies of `set` are judged on: `opened`, or in a debug build with
/// `RELGATE_DEBUG_RESTRICT=1` only the paths they can reach ([`crate::eval::reach`]),
/// so that the test suite checks their declarations: the index or commit under check
/// listed again keeping only those (without `--base`), else the view restricted to
/// them. The second says whether the view's own listing (what it counted and found
/// of case collisions) stands for the whole view.
fn judged_view(
    opened: &repo::Opened,
    target: (&std::path::Path, &repo::SourceSpec),
    set: &policy::PolicySet,
    overrides: &[(String, String)],
) -> Result<(Arc<dyn repo::View>, bool), Failure> {
    let restrict =
        cfg!(debug_assertions) && std::env::var("RELGATE_DEBUG_RESTRICT").as_deref() == Ok("1");
    // A listing that kept only what the policies reach is judged as it is.
    if restrict && opened.view.entries().folded().is_none() {
        let reach = Arc::new(reach::of(set, overrides));
        let listable = !matches!(target.1, repo::SourceSpec::Worktree);
        if listable && opened.trusted.is_none() {
            let keep: repo::Keep = {
                let reach = reach.clone();
                Arc::new(move |p: &str| reach.keeps(p))
            };
            let at = repo::Target {
                path: target.0.to_path_buf(),
                source: target.1.clone(),
                base: None,
            };
            let again = repo::open_keeping(&at, repo::MAX_FILE_SIZE, Some(keep))
                .map_err(|e| Failure::Fatal(format!("{e}"), None))?;
            // Paths that did not come sorted (a submodule's) cannot be folded.
            if again
                .view
                .entries()
                .folded()
                .is_some_and(|f| f.case.is_some())
            {
                return Ok((again.view, true));
            }
        }
        let restricted =
            repo::restricted::Restricted::new(opened.view.clone(), &|p| reach.keeps(p))
                .map_err(|e| Failure::Fatal(format!("{e}"), None))?;
        return Ok((Arc::new(restricted), false));
    }
    Ok((opened.view.clone(), true))
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
