//! `relgate test`: policy tests as folders.
//!
//! Every folder under the given folders that holds a `case.yaml` is a case: it is
//! built into a real git repository ([`build`]), evaluated exactly as `relgate check`
//! evaluates (the same [`crate::run::evaluate`]), and its expectations compared with
//! what the evaluation shows ([`compare`]). After the run, every policy that no case
//! saw fail is named: a policy that never fails may be a policy that cannot fail.

mod attach;
mod build;
mod case;
pub(crate) use case::CASE_PARAMS;
mod compare;
mod fields;
mod git_pack;
mod paths;
mod shipped;

use super::{Io, render_load_errors};
use crate::cli::{ListFormat, TestArgs};
use crate::engine::Status;
use crate::error::{Error, Outcome};
use crate::lang::error::{LoadError, LoadErrors};
use crate::repo::{SourceSpec, Target};
use crate::run::{self, Failure, Request};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The outcome of one case.
#[derive(Debug, serde::Serialize)]
struct CaseResult {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// `ok`, `failed` or `error`.
    result: &'static str,
    /// What differs from the expectation (or why the case could not run).
    problems: Vec<String>,
}

pub(crate) fn run(args: &TestArgs, io: &mut Io) -> Outcome {
    // Every case judges a fixture repository of its own: an index named by the
    // environment (a commit hook running the suite) is the outer repository's.
    crate::repo::index::ignore_outer_index();
    // `--pack NAME` naming a git pack of `.relgate/`: its own cases, against it.
    if args.dirs.is_empty()
        && let Some(found) = args
            .packs
            .iter()
            .filter(|p| crate::policy::packs::get(p).is_none())
            .find_map(|p| git_pack::find(p))
    {
        let prepared = match git_pack::prepare(&found) {
            Ok(p) => p,
            Err(m) => {
                let _ = writeln!(io.err, "relgate test: {m}");
                return Err(Error::Failed);
            }
        };
        let inner = TestArgs {
            dirs: vec![prepared.tests.clone()],
            policies: vec![prepared.policies.clone()],
            packs: args
                .packs
                .iter()
                .filter(|p| crate::policy::packs::get(p).is_some())
                .cloned()
                .collect(),
            vars: args.vars.clone(),
            filter: args.filter.clone(),
            require_failing: args.require_failing,
            format: args.format,
            stages: args.stages.clone(),
        };
        return run(&inner, io);
    }
    let default_dir = PathBuf::from(".relgate/tests");
    // `relgate test --pack NAME` without a folder: the cases the pack ships.
    let shipped_dir;
    let dirs: Vec<PathBuf> = if !args.dirs.is_empty() {
        args.dirs.clone()
    } else if !default_dir.is_dir() && args.packs.iter().any(|p| shipped::has_tests(p)) {
        shipped_dir = match tempfile::Builder::new()
            .prefix("relgate-pack-tests-")
            .tempdir()
        {
            Ok(d) => d,
            Err(e) => {
                let _ = writeln!(
                    io.err,
                    "relgate test: cannot create a temporary folder: {e}"
                );
                return Err(Error::Failed);
            }
        };
        let mut dirs = Vec::new();
        for p in args.packs.iter().filter(|p| shipped::has_tests(p)) {
            let dest = shipped_dir.path().join(p);
            if let Err(e) = std::fs::create_dir_all(&dest).and_then(|_| shipped::extract(p, &dest))
            {
                let _ = writeln!(
                    io.err,
                    "relgate test: cannot write the tests of pack {p}: {e}"
                );
                return Err(Error::Failed);
            }
            dirs.push(dest);
        }
        dirs
    } else {
        vec![default_dir]
    };
    let mut cases = Vec::new();
    for d in &dirs {
        if !d.is_dir() {
            let _ = writeln!(
                io.err,
                "relgate test: {} is not a folder of policy tests{}",
                d.display(),
                if args.dirs.is_empty() {
                    " (write cases there, or name a folder: relgate test DIR; `relgate init` writes a starter)"
                } else {
                    ""
                }
            );
            return Err(Error::Failed);
        }
        // What `extends:` and `policies:` may name: the tests' folder, or the `.relgate/`
        // folder it lies in (whose policies the cases test).
        let scope = d
            .ancestors()
            .find(|a| a.file_name().is_some_and(|n| n == ".relgate"))
            .unwrap_or(d);
        let mut found = Vec::new();
        find_cases(d, d, &mut found);
        cases.extend(
            found
                .into_iter()
                .map(|(dir, name)| (scope.to_path_buf(), dir, name)),
        );
    }
    cases.retain(|(_, _, name)| {
        args.filter
            .as_ref()
            .is_none_or(|f| name.contains(f.as_str()))
    });
    if cases.is_empty() {
        let _ = writeln!(
            io.err,
            "relgate test: no case (a folder holding case.yaml) under {}{}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            args.filter
                .as_ref()
                .map(|f| format!(" matching '{f}'"))
                .unwrap_or_default()
        );
        return Err(Error::Failed);
    }
    let default_policies = default_policies(args, &dirs);
    let mut results = Vec::new();
    let mut errors: Vec<LoadError> = Vec::new();
    // Every policy under test, by id (name for the listing), and whether a case saw it fail.
    let mut seen: BTreeMap<String, (Option<String>, bool)> = BTreeMap::new();
    for (root, dir, name) in &cases {
        let (result, errs) = run_case(root, dir, name, args, &default_policies, &mut seen);
        errors.extend(errs);
        if args.format == ListFormat::Human {
            print_case(&result, io);
        }
        results.push(result);
    }
    let never: Vec<(String, Option<String>)> = seen
        .into_iter()
        .filter(|(_, (_, failed))| !failed)
        .map(|(id, (name, _))| (id, name))
        .collect();
    let passed = results.iter().filter(|r| r.result == "ok").count();
    let failed = results.len() - passed;
    match args.format {
        ListFormat::Human => {
            if !errors.is_empty() {
                render_load_errors(&LoadErrors(errors.clone()), io);
                let n = errors.len();
                let _ = writeln!(
                    io.err,
                    "relgate test: {n} error{} in cases or policies; those cases did not run",
                    if n == 1 { "" } else { "s" }
                );
            }
            if !never.is_empty() {
                let names: Vec<String> = never
                    .iter()
                    .map(|(id, name)| match name {
                        Some(n) => format!("{id} ({n})"),
                        None => id.clone(),
                    })
                    .collect();
                let _ = writeln!(io.out, "never fails in any case: {}", names.join(", "));
            }
            let _ = writeln!(io.out, "{passed} passed, {failed} failed");
        }
        ListFormat::Json => {
            let doc = serde_json::json!({
                "version": 1,
                "cases": results,
                "never_failing": never
                    .iter()
                    .map(|(id, name)| serde_json::json!({"id": id, "name": name}))
                    .collect::<Vec<_>>(),
                "errors": errors
                    .iter()
                    .map(|e| serde_json::json!({
                        "code": e.code.as_str(),
                        "message": e.message,
                        "position": e.position(),
                    }))
                    .collect::<Vec<_>>(),
                "summary": {"passed": passed, "failed": failed},
            });
            let _ = writeln!(
                io.out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            );
        }
    }
    if !errors.is_empty() || results.iter().any(|r| r.result == "error") {
        Err(Error::Failed)
    } else if failed > 0 || (args.require_failing && !never.is_empty()) {
        Err(Error::Findings)
    } else {
        Ok(())
    }
}

/// Case folders under `dir`, sorted, named relative to `root`. `tree/` and `base/` of a
/// case are its fixtures, never searched for cases.
fn find_cases(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let is_case = dir.join("case.yaml").is_file();
    if is_case {
        let name = dir
            .strip_prefix(root)
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| dir.display().to_string());
        out.push((dir.to_path_buf(), name));
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !(is_case && (e.file_name() == "tree" || e.file_name() == "base")))
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for d in subdirs {
        find_cases(root, &d, out);
    }
}

/// The policies a case uses when it names none: `--policies`, else the `.relgate/`
/// folder the test folder lives in (or `.relgate/` of the current folder), unless only
/// packs are given.
fn default_policies(args: &TestArgs, dirs: &[PathBuf]) -> Vec<PathBuf> {
    if !args.policies.is_empty() {
        return args.policies.clone();
    }
    let from_dir = dirs.iter().find_map(|d| {
        d.ancestors()
            .find(|a| a.file_name().is_some_and(|n| n == ".relgate"))
            .map(Path::to_path_buf)
    });
    let dir = from_dir.unwrap_or_else(|| PathBuf::from(".relgate"));
    if !dir.is_dir() {
        return Vec::new();
    }
    // The policy files of that folder, without its tests (the same walk `--policies`
    // makes). A folder with a refused entry is passed whole, so loading reports it.
    let mut files = Vec::new();
    let mut errors = Vec::new();
    super::collect_yaml(&dir, &mut files, &mut errors);
    if errors.is_empty() { files } else { vec![dir] }
}

fn run_case(
    root: &Path,
    dir: &Path,
    name: &str,
    args: &TestArgs,
    default_policies: &[PathBuf],
    seen: &mut BTreeMap<String, (Option<String>, bool)>,
) -> (CaseResult, Vec<LoadError>) {
    let error = |description: Option<String>, problems: Vec<String>| CaseResult {
        name: name.to_string(),
        description,
        result: "error",
        problems,
    };
    let case = match case::load(root, dir, name) {
        Ok(c) => c,
        Err(errors) => {
            let problems = errors
                .iter()
                .map(|e| match e.position() {
                    Some(p) => format!("{p}: {}", e.message),
                    None => e.message.clone(),
                })
                .collect();
            return (error(None, problems), errors);
        }
    };
    let built = match build::build(&case) {
        Ok(b) => b,
        Err(e) => {
            return (
                error(
                    case.description.clone(),
                    vec![format!("cannot build the case: {e}")],
                ),
                Vec::new(),
            );
        }
    };
    let policies: Vec<PathBuf> = case
        .policies
        .clone()
        .unwrap_or_else(|| default_policies.to_vec());
    let mut packs = case.packs.clone().unwrap_or_default();
    for p in &args.packs {
        if !packs.contains(p) {
            packs.push(p.clone());
        }
    }
    let mut vars: Vec<(String, String)> = case
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in &args.vars {
        if !case.vars.contains_key(k) {
            vars.push((k.clone(), v.clone()));
        }
    }
    let target = Target {
        path: built.path().to_path_buf(),
        source: match case.target {
            case::Target::Worktree => SourceSpec::Worktree,
            case::Target::Staged => SourceSpec::Staged,
            case::Target::Rev => SourceSpec::Rev("HEAD".into()),
        },
        base: built.base.clone(),
    };
    // Attachments from the case's folder, as `--attach` takes them: the folder's own
    // path is resolved (a linked temp or home folder above it is fine), and the file is
    // opened below it without following any link.
    let attach: Vec<(String, PathBuf)> = case
        .attach
        .iter()
        .map(|(k, (dir, rel))| {
            let dir = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            (k.clone(), dir.join(rel))
        })
        .collect();
    let req = Request {
        target,
        policies: &policies,
        packs: &packs,
        vars: &vars,
        now: case.now,
        attach: &attach,
        offline: false,
        stages: args.stages.stages(),
        stats: None,
        new_only: false,
    };
    let evaluated = match run::evaluate(&req) {
        Ok(e) => e,
        Err(Failure::Load(errors)) => {
            let problems = errors
                .0
                .iter()
                .map(|e| match e.position() {
                    Some(p) => format!("{p}: {}", e.message),
                    None => e.message.clone(),
                })
                .collect();
            return (error(case.description.clone(), problems), errors.0);
        }
        Err(Failure::Fatal(msg, _)) => {
            return (
                error(
                    case.description.clone(),
                    vec![format!("cannot evaluate: {msg}")],
                ),
                Vec::new(),
            );
        }
    };
    for p in &evaluated.policies {
        let entry = seen.entry(p.id.clone()).or_insert((p.name.clone(), false));
        entry.1 |= p.status == Status::Fail;
    }
    let problems = compare::compare(&case, &evaluated);
    let result = if problems.is_empty() { "ok" } else { "failed" };
    (
        CaseResult {
            name: name.to_string(),
            description: case.description.clone(),
            result,
            problems,
        },
        Vec::new(),
    )
}

fn print_case(r: &CaseResult, io: &mut Io) {
    let label = match r.result {
        "ok" => "ok    ",
        "failed" => "FAILED",
        _ => "ERROR ",
    };
    let desc = r
        .description
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let _ = writeln!(io.out, "{label} {}{desc}", r.name);
    for p in &r.problems {
        let _ = writeln!(io.out, "       {p}");
    }
}
