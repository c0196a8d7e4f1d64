//! The GitHub workflows: the project's CI (`ci.yml`, which runs `.ci/run`), the release
//! (`release.yml`, which runs CI first) and the example repository's gate. Each is valid
//! for GitHub's schema and clean under actionlint (with shellcheck on every `run:`
//! script) and zizmor; the checks are shown to fail on a broken copy.

use crate::common::*;
use crate::tools::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

const CI: &str = ".github/workflows/ci.yml";
const RELEASE: &str = ".github/workflows/release.yml";
/// The example repository's workflow: it runs the gate, and stays valid and clean.
const EXAMPLE: &str = "examples/billing-gateway/.github/workflows/release.yml";

#[test]
fn workflows_validate_against_the_github_workflows_schema() {
    let (code, out) = run_tool(
        &tool("check-jsonschema"),
        &[
            "--builtin-schema",
            "vendor.github-workflows",
            CI,
            RELEASE,
            EXAMPLE,
        ],
        root(),
    );
    assert_eq!(code, 0, "{out}");
}

/// Every severity, not only medium and above: the release holds publishing rights,
/// and CI runs on pull requests.
fn zizmor(dir: &Path, files: &[&str]) -> (i32, String) {
    let mut args = vec!["--offline", "--min-severity", "low"];
    args.extend(files);
    run_tool(&tool("zizmor"), &args, dir)
}

#[test]
fn workflows_have_no_zizmor_finding() {
    let (code, out) = zizmor(root(), &[CI, RELEASE, EXAMPLE]);
    assert_eq!(code, 0, "{out}");
}

/// actionlint with shellcheck named explicitly: actionlint skips the `run:` scripts
/// without a word when shellcheck is not on PATH.
fn actionlint(dir: &Path, files: &[&str]) -> (i32, String) {
    let shellcheck = tool("shellcheck");
    let flag = format!("-shellcheck={}", shellcheck.display());
    let mut args = vec!["-no-color", &*flag];
    args.extend(files);
    run_tool(&tool("actionlint"), &args, dir)
}

#[test]
fn workflows_pass_actionlint() {
    let (code, out) = actionlint(root(), &[CI, RELEASE, EXAMPLE]);
    assert_eq!(code, 0, "{out}");
}

/// A repository holding copies of the project's two workflows, `edit` applied to
/// the copy of `ci.yml`.
fn broken_copy(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q"]);
    std::fs::create_dir_all(tmp.path().join(".github/workflows")).unwrap();
    for file in [CI, RELEASE] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let text = if file == CI { edit(text) } else { text };
        std::fs::write(tmp.path().join(file), text).unwrap();
    }
    tmp
}

#[test]
fn actionlint_and_zizmor_refuse_broken_copies() {
    // The release calls ci.yml: a ci.yml that cannot be called is an error there.
    let tmp = broken_copy(|t| t.replace("  workflow_call:\n", ""));
    let (code, out) = actionlint(tmp.path(), &[CI, RELEASE]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("release.yml") && out.contains("\"workflow_call\" event trigger is not found"),
        "{out}"
    );
    // A shell script is checked by shellcheck.
    let tmp = broken_copy(|t| t.replace("run: bash .ci/run", "run: bash $CI_SCRIPT"));
    let (code, out) = actionlint(tmp.path(), &[CI]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SC2086"), "{out}");
    // A checkout that keeps the token in .git/config.
    let tmp = broken_copy(|t| t.replace("persist-credentials: false", "fetch-depth: 1"));
    let (code, out) = zizmor(tmp.path(), &[CI]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("artipacked"), "{out}");
}

/// Every `uses:` of a job, with the job's name: its steps' and, for a job that calls a
/// reusable workflow, its own.
fn uses(w: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (job, spec) in w["jobs"].as_object().unwrap() {
        if let Some(u) = spec["uses"].as_str() {
            all.push((job.clone(), u.to_string(), spec["with"].clone()));
        }
        for step in spec["steps"].as_array().into_iter().flatten() {
            if let Some(u) = step["uses"].as_str() {
                all.push((job.clone(), u.to_string(), step["with"].clone()));
            }
        }
    }
    all
}

/// Every action is pinned to a commit (a workflow of this repository, `$/…`, is read
/// at the commit that runs), and no checkout keeps the token.
fn assert_pinned(w: &Value) -> Vec<(String, String, Value)> {
    let steps = uses(w);
    for (job, u, with) in &steps {
        if u.starts_with("$/") {
            continue;
        }
        let (_, sha) = u.split_once('@').unwrap();
        assert!(
            sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{job}: {u} is not pinned to a commit"
        );
        if u.starts_with("actions/checkout@") {
            assert_eq!(with["persist-credentials"], false, "{job}: {u}");
        }
    }
    steps
}

#[test]
fn ci_workflow_runs_ci_run_on_linux_and_macos_for_pushes_and_pull_requests() {
    let w = yaml(CI);
    let on: BTreeSet<&str> = w["on"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        on,
        BTreeSet::from(["push", "pull_request", "workflow_call"])
    );
    assert_eq!(w["on"]["push"]["branches"], json!(["**"]));
    assert_eq!(w["on"]["pull_request"], Value::Null, "every pull request");
    assert_eq!(w["permissions"], json!({}), "no default permission");
    let jobs = w["jobs"].as_object().unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let job = &w["jobs"]["run"];
    assert_eq!(job["permissions"], json!({"contents": "read"}));
    assert_eq!(job["runs-on"], "${{ matrix.os }}");
    assert_eq!(
        job["strategy"]["matrix"]["os"],
        json!(["ubuntu-latest", "macos-latest"])
    );
    let runs: Vec<&str> = job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert_eq!(runs, ["bash .ci/run"]);
    let steps = assert_pinned(&w);
    assert_eq!(steps.len(), 1);
    assert!(steps[0].1.starts_with("actions/checkout@"));
}

#[test]
fn release_workflow_runs_ci_first() {
    let w = yaml(RELEASE);
    let ci = &w["jobs"]["ci"];
    assert_eq!(ci["uses"], "$/.github/workflows/ci.yml");
    assert_eq!(ci["permissions"], json!({"contents": "read"}));
    // Every other job waits for CI, directly or through the jobs it needs.
    let jobs = w["jobs"].as_object().unwrap();
    let needs = |job: &str| -> Vec<String> {
        match &jobs[job]["needs"] {
            Value::String(one) => vec![one.clone()],
            Value::Array(many) => many
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect(),
            Value::Null => vec![],
            other => panic!("{job}: needs {other:?}"),
        }
    };
    for job in jobs.keys().filter(|j| *j != "ci") {
        let mut seen = BTreeSet::new();
        let mut todo = needs(job);
        while let Some(n) = todo.pop() {
            if seen.insert(n.clone()) {
                todo.extend(needs(&n));
            }
        }
        assert!(seen.contains("ci"), "{job} does not wait for CI: {seen:?}");
    }
}

#[test]
fn release_workflow_pins_actions_and_grants_least_permissions() {
    let w = yaml(RELEASE);
    assert_eq!(w["on"]["push"]["tags"][0], "v*");
    assert_eq!(w["permissions"], json!({}), "no default permission");
    let steps = assert_pinned(&w);
    assert!(steps.len() >= 10);
    // Signing rights only where something is signed: attestations and PyPI.
    for (job, spec) in w["jobs"].as_object().unwrap() {
        let id_token = spec["permissions"]["id-token"].as_str();
        let expected = matches!(job.as_str(), "draft" | "pypi").then_some("write");
        assert_eq!(id_token, expected, "{job}");
    }
    assert!(
        steps
            .iter()
            .any(|(job, u, _)| job == "draft" && u.starts_with("actions/attest-build-provenance@"))
    );
    assert!(
        steps
            .iter()
            .any(|(job, u, _)| job == "pypi" && u.starts_with("pypa/gh-action-pypi-publish@"))
    );
    // The four platforms the action knows (relgate is POSIX-only: no Windows build).
    let targets: Vec<&str> = w["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    let script = std::fs::read_to_string(root().join("scripts/action-install.sh")).unwrap();
    assert_eq!(targets.len(), 4);
    assert!(!targets.iter().any(|t| t.contains("windows")));
    for t in targets {
        assert!(script.contains(&format!("target={t} ")), "{t}");
    }
}

#[test]
fn example_workflow_runs_relgate() {
    let w = yaml(EXAMPLE);
    let steps = w["jobs"]["gate"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("relgate check --base") && r.contains("--pack billing-gateway-dr")),
        "{runs:?}"
    );
}
