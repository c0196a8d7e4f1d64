//! Reading the policies before the listing (`reaching`, a debug switch for now) and the
//! debug switch that judges a run on only what its policies reach (`judged_view`), with
//! the steps of a run's load that the usual way shares with them.

use super::{Failure, Request, reach, trust};
use crate::policy::{self, Inputs};
use crate::repo;
use std::sync::Arc;

/// The same file reached twice (`--policies .relgate --policies .relgate/a.yaml`) is
/// loaded once.
pub(super) fn once_each(files: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut names = std::collections::BTreeSet::new();
    files
        .into_iter()
        .filter(|(n, _)| names.insert(n.clone()))
        .collect()
}

/// Builds the shipped packs (`--pack NAME`) on a thread of its own, with a parser's
/// stack, as the pool's; `None` when there are none or the thread cannot start.
pub(super) fn prepare_packs<'s>(
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
pub(super) fn joined(
    h: Option<std::thread::ScopedJoinHandle<'_, Option<Vec<policy::Built>>>>,
) -> Vec<policy::Built> {
    h.and_then(|h| h.join().ok()).flatten().unwrap_or_default()
}

/// What the load of a run's policies takes: its policy files, `--pack`s and `--var`
/// names, and remote packs fetched as pinned in the trusted tree.
pub(super) fn inputs(
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
pub(super) struct Reaching {
    pub opened: repo::Opened,
    pub judged: std::path::PathBuf,
    pub files: trust::PolicyFiles,
    pub set: policy::PolicySet,
}

/// A commit judged on its own (`--rev` without `--base`, `--attach`, `--new-only` or
/// an attestation) listed keeping only what its policies can reach
/// ([`crate::eval::reach`]): its `.relgate/` is read alone first, the policies are
/// loaded from it (or from `--policies` outside the repository; one inside it that
/// is not in `.relgate/` is not found there, and the run goes the usual way), and
/// the commit is listed keeping only the files they may look at, counting every entry
/// and telling the case collisions from all of them as it goes.
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
pub(super) fn reaching(req: &Request, attest: bool) -> Option<Reaching> {
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
    let keep = Arc::new(reach).keep();
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
pub(super) fn judged_view(
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
            let keep = reach.clone().keep();
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
