//! Reading the policies before the listing, to list only what they reach
//! (`reaching`: the working tree, `--rev` and `--staged` without `--base`), and the debug switch that
//! judges a run on only what its policies reach (`judged_view`), with the steps of a
//! run's load that the usual way shares with them.

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

/// A run that read its policies before it listed the commit or index under check.
pub(super) struct Reaching {
    pub opened: repo::Opened,
    pub judged: std::path::PathBuf,
    pub files: trust::PolicyFiles,
    pub set: policy::PolicySet,
}

/// What [`reaching`] gives.
pub(super) enum Reached {
    /// The policies loaded first, the commit listed keeping only what they reach.
    Kept(Reaching),
    /// The commit listed whole, as the usual way lists it (the policies did not load
    /// from its `.relgate/` alone, or may look at any path): the usual way goes on
    /// from it.
    Whole(repo::Opened),
    /// Not this way: the usual way opens the repository (and says why, when that fails).
    No,
}

/// The policies as [`reaching`] loaded them, with what they keep of the listing.
struct Loaded {
    files: trust::PolicyFiles,
    set: policy::PolicySet,
    keep: repo::Keep,
    /// The trusted tree's reads.
    recorded: Arc<trust::Recording>,
}

/// A tree judged on its own (the working tree, `--rev` or `--staged`, without
/// `--base`, `--attach`, `--new-only` or an attestation) is listed keeping only what
/// its policies can reach ([`crate::eval::reach`]). Its `.relgate/` is read alone
/// (through the working tree's walk, a commit's subtree, the index until past it)
/// and the policies loaded from it (or from `--policies` outside the repository) on
/// a thread of their own, while the working tree is walked, the commit's trees
/// walked or the index read; the listing keeps only the files they may look at once
/// they are loaded, counting every entry and telling the case collisions from all
/// of them as it goes ([`repo::Later`]; the working tree's walk tells them folder by
/// folder). Most entries of a large repository are files no policy looks at: they
/// are never held.
///
/// When the policies do not load that way (a policy file in the repository outside
/// `.relgate/`, a local pack, an error the usual way words) or may look at any path,
/// the listing keeps every entry, and the usual way goes on from it
/// ([`Reached::Whole`]). When the case collisions cannot be told that way (a
/// submodule's paths, which do not come sorted), the usual way lists again
/// ([`Reached::No`]).
///
/// Debug builds go the usual way with `RELGATE_DEBUG_REACH=0`, and say on stderr how
/// many entries the listing kept with `RELGATE_DEBUG_REACH=note` (for a test).
pub(super) fn reaching(req: &Request, attest: bool) -> Reached {
    let alone = req.target.base.is_none() && req.attach.is_empty() && !req.new_only && !attest;
    let switch = std::env::var("RELGATE_DEBUG_REACH")
        .ok()
        .filter(|_| cfg!(debug_assertions));
    if !alone || switch.as_deref() == Some("0") {
        return Reached::No;
    }
    let (tell, later) = std::sync::mpsc::channel();
    let (loaded, opened) = std::thread::scope(|s| {
        let loader = std::thread::Builder::new()
            .name("relgate-policies".to_owned())
            .stack_size(crate::parse::structured::PARSER_STACK_SIZE)
            .spawn_scoped(s, move || {
                crate::parse::structured::mark_big_stack_thread();
                // A panic is a load that did not happen here: the usual way loads, and
                // says what went wrong.
                let loaded = crate::parse::guarded(|| load_first(req)).ok().flatten();
                // Keep everything when they did not load (the listing's end waits for
                // the answer).
                let _ = tell.send(loaded.as_ref().map(|l| l.keep.clone()));
                loaded
            });
        // (No thread: the sender is gone with its closure, and the listing keeps all.)
        let opened = repo::open_keeping(&req.target, repo::MAX_FILE_SIZE, Some(later));
        let loaded = loader.ok().and_then(|h| h.join().ok()).flatten();
        (loaded, opened)
    });
    let Ok(opened) = opened else {
        return Reached::No;
    };
    let Some(loaded) = loaded else {
        return Reached::Whole(opened);
    };
    // Paths that did not come sorted (a submodule's) cannot be folded: listed whole.
    let folded = opened.view.entries().folded();
    if folded.is_none_or(|f| f.case.is_none()) {
        return Reached::No;
    }
    // Most files kept will be read: found in the packs now, in the order of their ids.
    opened.view.prepare_reads();
    // What the load read of the trusted tree, the usual way reads through the view
    // under check, where `--stats` counts it: read again there (the policy files, a
    // few small blobs), so both ways report the same.
    for path in loaded.recorded.paths() {
        let _ = opened.view.read(&path);
    }
    if switch.as_deref() == Some("note") {
        use std::io::Write;
        let e = opened.view.entries();
        let _ = writeln!(
            std::io::stderr(),
            "relgate: debug: the listing kept {} of {} entries",
            e.len(),
            e.listed()
        );
    }
    Reached::Kept(Reaching {
        opened,
        judged: req.target.path.clone(),
        files: loaded.files,
        set: loaded.set,
    })
}

/// The policies of the commit or index under check read from its `.relgate/` alone, and what
/// they reach; `None` when they do not load that way or may look at any path.
fn load_first(req: &Request) -> Option<Loaded> {
    let folder = repo::policy_folder(&req.target)?;
    let prepared = policy::prepare(req.packs);
    let trusted = Arc::new(trust::Recording::new(folder.clone()));
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
        &inputs(req, files.files.clone(), &judged, trusted.clone()),
        prepared,
    )
    .ok()?;
    let reach = reach::of(&set, req.vars);
    if reach.is_all() {
        return None;
    }
    Some(Loaded {
        files,
        set,
        keep: Arc::new(reach).keep(),
        recorded: trusted,
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
            let (tell, later) = std::sync::mpsc::channel();
            let _ = tell.send(Some(reach.clone().keep()));
            let at = repo::Target {
                path: target.0.to_path_buf(),
                source: target.1.clone(),
                base: None,
            };
            let again = repo::open_keeping(&at, repo::MAX_FILE_SIZE, Some(later))
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
