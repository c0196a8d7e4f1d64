//! `action.yml`: valid for GitHub's schema, clean under zizmor, and its shell
//! steps run locally in a simulated runner against a failing and a passing repository.

use crate::common::*;
use crate::tools::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn action_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")
}

fn action() -> Value {
    let text = std::fs::read_to_string(action_path()).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[test]
fn action_validates_against_the_github_actions_schema() {
    let cj = tool("check-jsonschema");
    let (code, out) = run_tool(
        &cj,
        &["--builtin-schema", "vendor.github-actions", "action.yml"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn action_has_no_zizmor_finding_of_medium_severity_or_above() {
    let zizmor = tool("zizmor");
    // Exit 0: no finding left after the filter (10+ would mean findings, 1 an error).
    let (code, out) = run_tool(
        &zizmor,
        &["--offline", "--min-severity", "medium", "action.yml"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn action_inputs_reach_shell_steps_only_through_env() {
    let a = action();
    let steps = a["runs"]["steps"].as_array().unwrap();
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "expression inside run: {run}");
            assert_eq!(step["shell"], "bash");
        }
    }
    assert_eq!(
        a["inputs"]["base"]["default"],
        "${{ github.event.pull_request.base.sha }}"
    );
    for out in ["exit-code", "errors", "warnings", "findings"] {
        assert!(a["outputs"][out]["value"].is_string(), "output {out}");
    }
}

struct Runner {
    _tmp: tempfile::TempDir,
    temp: PathBuf,
    summary: PathBuf,
    output: PathBuf,
}

/// Runs every `run:` step of the action in order as the runner would
/// (`bash --noprofile --norc -eo pipefail`), with `install: false` and the built
/// binary on PATH. Returns the exit code of the first failing step (or 0).
fn run_action(repo: &Repo, inputs: &[(&str, &str)]) -> (i32, Runner, String) {
    run_action_with(repo, inputs, None)
}

/// [`run_action`] with `bin` first on PATH (a stand-in `relgate`).
fn run_action_with(
    repo: &Repo,
    inputs: &[(&str, &str)],
    bin: Option<&Path>,
) -> (i32, Runner, String) {
    // The steps read the JSON report with jq, as GitHub's runners provide it.
    tool("jq");
    let a = action();
    let tmp = tempfile::tempdir().unwrap();
    let r = Runner {
        temp: tmp.path().join("runner-temp"),
        summary: tmp.path().join("step-summary.md"),
        output: tmp.path().join("github-output"),
        _tmp: tmp,
    };
    std::fs::create_dir_all(&r.temp).unwrap();
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in a["inputs"].as_object().unwrap() {
        let default = spec["default"].as_str().unwrap_or("");
        // Outside a pull request the base expression is empty.
        let default = if default.contains("${{") { "" } else { default };
        values.insert(name.clone(), default.to_string());
    }
    values.insert("install".into(), "false".into());
    for (k, v) in inputs {
        assert!(values.contains_key(*k), "no input {k}");
        values.insert(k.to_string(), v.to_string());
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_relgate")).parent().unwrap();
    let mut path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    if let Some(bin) = bin {
        path = format!("{}:{path}", bin.display());
    }
    let mut log = String::new();
    for step in a["runs"]["steps"].as_array().unwrap() {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        match step["if"].as_str() {
            None => {}
            Some("inputs.install != 'binary' && inputs.install != 'false'")
                if values["install"] == "binary" || values["install"] == "false" =>
            {
                continue;
            }
            Some(other) => panic!("the test does not know the condition {other:?}"),
        }
        let mut cmd = command("bash");
        // A runner's environment only: PATH, then the isolated HOME and git config.
        cmd.env_clear();
        isolate(&mut cmd, []);
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(repo.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", repo.path())
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_STEP_SUMMARY", &r.summary)
            .env("GITHUB_OUTPUT", &r.output)
            .env("RUNNER_TEMP", &r.temp)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                let v = v.as_str().unwrap();
                cmd.env(k, expression(v, &values, &r.output));
            }
        }
        let out = cmd.output().unwrap();
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        let code = out.status.code().unwrap_or(-1);
        if code != 0 {
            return (code, r, log);
        }
    }
    (0, r, log)
}

/// The value of an `env:` expression: `${{ inputs.NAME }}`, or
/// `${{ steps.ID.outputs.NAME }}` read from the (shared) `GITHUB_OUTPUT` file.
fn expression(v: &str, inputs: &BTreeMap<String, String>, output: &Path) -> String {
    let inner = v
        .strip_prefix("${{ ")
        .and_then(|s| s.strip_suffix(" }}"))
        .unwrap_or_else(|| panic!("env is not an expression: {v}"));
    if let Some(name) = inner.strip_prefix("inputs.") {
        return inputs[name].clone();
    }
    let (_, name) = inner
        .strip_prefix("steps.")
        .and_then(|s| s.split_once(".outputs."))
        .unwrap_or_else(|| panic!("env is neither an input nor a step output: {v}"));
    let text = std::fs::read_to_string(output).unwrap_or_default();
    text.lines()
        .rev()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

fn outputs(r: &Runner) -> BTreeMap<String, String> {
    std::fs::read_to_string(&r.output)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn action_fails_the_step_on_a_failing_repository() {
    let repo = failing_repo();
    let (code, r, log) = run_action(&repo, &[("sarif-file", "out/relgate.sarif")]);
    assert_eq!(code, 1, "{log}");
    // Annotations went to the log.
    assert!(
        log.contains("::error file=docs/support/dr-checklist.md,line=6,col=3,"),
        "{log}"
    );
    let o = outputs(&r);
    assert_eq!(o["exit-code"], "1");
    assert_eq!(o["completed"], "true");
    assert_eq!(o["errors"], "2");
    assert_eq!(o["warnings"], "1");
    assert_eq!(o["findings"], "4");
    let summary = std::fs::read_to_string(&r.summary).unwrap();
    assert!(summary.starts_with("## ❌ relgate: failed"), "{summary}");
    assert!(summary.contains("| DR-002 |"), "{summary}");
    // SARIF from the same run, at the path relative to the workspace.
    let sarif: Value = serde_json::from_str(&repo.read("out/relgate.sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4);
}

#[test]
fn action_passes_and_appends_to_the_summary() {
    let repo = passing_repo();
    let (code, r, log) = run_action(&repo, &[]);
    assert_eq!(code, 0, "{log}");
    let o = outputs(&r);
    assert_eq!(o["exit-code"], "0");
    assert_eq!(o["errors"], "0");
    assert_eq!(o["findings"], "0");
    let summary = std::fs::read_to_string(&r.summary).unwrap();
    assert!(summary.starts_with("## ✅ relgate: passed"), "{summary}");

    // fail-on warning, a pack list and a policies list are passed through.
    let repo = failing_repo();
    repo.edit(
        "docs/support/dr-checklist.md",
        "- [ ] failover",
        "- [x] failover",
    )
    .write("docs/a,b:c%.md", "Signed: Ana\n")
    .commit_all("errors fixed");
    let (code, r, log) = run_action(&repo, &[]);
    assert_eq!(code, 0, "{log}");
    assert_eq!(outputs(&r)["warnings"], "1");
    let (code, r, log) = run_action(&repo, &[("fail-on", "warning")]);
    assert_eq!(code, 1, "{log}");
    assert_eq!(outputs(&r)["exit-code"], "1");
}

#[test]
fn action_reports_a_run_that_could_not_evaluate() {
    let repo = failing_repo();
    let (code, r, log) = run_action(&repo, &[("packs", "no-such-pack\nother")]);
    assert_eq!(code, 2, "{log}");
    let o = outputs(&r);
    assert_eq!(o["exit-code"], "2");
    assert_eq!(o["completed"], "false");
    // Nothing was judged: no count, not a count of zero.
    assert_eq!(o["findings"], "");
    assert_eq!(o["errors"], "");
    let summary = std::fs::read_to_string(&r.summary).unwrap();
    assert!(summary.contains("could not evaluate"), "{summary}");
}

/// A run killed mid-way (exit 137): the outputs say it did not finish, the counts are
/// empty (not 0), the step fails, and a `relgate.sarif` the pull request committed is
/// gone before the upload step could read it.
#[test]
fn action_after_a_killed_run_reports_nothing_as_judged() {
    let repo = passing_repo();
    repo.write("relgate.sarif", "{\"runs\": [{\"results\": []}]}\n")
        .commit_all("a clean-looking SARIF");
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("relgate");
    std::fs::write(&fake, "#!/bin/sh\nkill -KILL $$\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, r, log) =
        run_action_with(&repo, &[("sarif-file", "relgate.sarif")], Some(bin.path()));
    assert_eq!(code, 137, "{log}");
    let o = outputs(&r);
    assert_eq!(o["exit-code"], "137");
    assert_eq!(o["completed"], "false");
    for k in ["errors", "warnings", "findings"] {
        assert_eq!(o[k], "", "{k}");
    }
    assert!(
        !repo.path().join("relgate.sarif").exists(),
        "the committed SARIF is left"
    );
    assert!(
        log.contains("::error title=relgate did not finish::"),
        "{log}"
    );
    let summary = std::fs::read_to_string(&r.summary).unwrap();
    assert!(summary.contains("relgate did not finish"), "{summary}");
}

/// `sarif-file` pointing at a link the pull request committed: the link goes, the
/// report is written in its place, the link's target is untouched; a linked folder
/// on the way fails the step.
#[test]
fn action_never_writes_sarif_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("bashrc");
    std::fs::write(&victim, "keep\n").unwrap();
    let repo = failing_repo();
    repo.symlink("relgate.sarif", &victim.display().to_string())
        .symlink("out", &outside.path().display().to_string())
        .commit_all("links");
    let (code, _, log) = run_action(&repo, &[("sarif-file", "relgate.sarif")]);
    assert_eq!(code, 1, "{log}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
    let meta = std::fs::symlink_metadata(repo.path().join("relgate.sarif")).unwrap();
    assert!(meta.is_file());
    let (code, r, log) = run_action(&repo, &[("sarif-file", "out/relgate.sarif")]);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("out is a symbolic link"), "{log}");
    assert_eq!(outputs(&r)["completed"], "false");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
}

#[test]
fn action_passes_vars_and_now() {
    let repo = Repo::new();
    repo.write(
        ".relgate/p.yaml",
        "version: 1\npolicies:\n  - id: V\n    title: v\n    check:\n      all:\n        - var: {name: version, equals: '1.4.0'}\n        - var: {name: channel, equals: 'a b=c'}\n        - var: {name: today, equals: '2026-01-02'}\n",
    )
    .commit_all("policies");
    let inputs = [
        ("vars", "version=1.4.0\n\nchannel=a b=c\n"),
        ("now", "2026-01-02T10:00:00Z"),
    ];
    let (code, _, log) = run_action(&repo, &inputs);
    assert_eq!(code, 0, "{log}");
    let (code, _, log) = run_action(&repo, &[("vars", "version=1.4.1\nchannel=a b=c")]);
    assert_eq!(code, 1, "{log}");
}

/// `attestation`: the statement of the checked-out commit, beside the usual reports.
#[test]
fn action_writes_an_attestation_of_the_commit() {
    let repo = passing_repo();
    std::fs::create_dir_all(repo.path().join("out")).unwrap();
    std::fs::write(repo.path().join("out/relgate.intoto.json"), "stale").unwrap();
    let (code, _, log) = run_action(&repo, &[("attestation", "out/relgate.intoto.json")]);
    assert_eq!(code, 0, "{log}");
    let s: serde_json::Value = serde_json::from_str(&repo.read("out/relgate.intoto.json")).unwrap();
    assert_eq!(
        s["subject"][0]["digest"]["gitCommit"],
        repo.git(&["rev-parse", "HEAD"]).as_str()
    );
    assert_eq!(s["predicate"]["verificationResult"], "PASSED");
}

#[test]
fn action_with_a_path_annotates_files_from_the_top_of_the_repository() {
    let repo = Repo::new();
    repo.write(
        "svc/.relgate/config.yaml",
        "version: 1\npolicies:\n  - id: C\n    title: ticked\n    check:\n      checklist: {file: docs/list.md}\n",
    )
    .write("svc/docs/list.md", "# List\n- [ ] a\n")
    .write("docs/list.md", "- [x] a\n")
    .commit_all("c");
    let (code, _r, log) = run_action(&repo, &[("path", "svc"), ("sarif-file", "out/r.sarif")]);
    assert_eq!(code, 1, "{log}");
    // GitHub resolves `file=` from the top of the repository, not from the action's path.
    assert!(
        log.contains("::error file=svc/docs/list.md,line=2,col=3,title=C%3A ticked::"),
        "{log}"
    );
    let sarif: Value = serde_json::from_str(&repo.read("out/r.sarif")).unwrap();
    let loc = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "svc/docs/list.md");
    assert_eq!(loc["region"]["startLine"], 2);
}

#[test]
fn action_passes_only_and_skip() {
    let repo = Repo::new();
    repo.write(
        ".relgate/p.yaml",
        "version: 1\npolicies:\n  - id: R\n    title: r\n    check: {exists: README.md}\n  - id: E\n    title: e\n    tags: [ci, evidence]\n    check: {exists: junit.xml}\n",
    )
    .write("README.md", "x\n")
    .commit_all("policies");
    let (code, _, log) = run_action(&repo, &[]);
    assert_eq!(code, 1, "{log}");
    let (code, _, log) = run_action(&repo, &[("skip", "evidence\nE")]);
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("; 1 not selected"), "{log}");
    let (code, r, log) = run_action(&repo, &[("only", "ci R")]);
    assert_eq!(code, 1, "{log}");
    assert_eq!(outputs(&r)["errors"], "1");
    let (code, r, log) = run_action(&repo, &[("skip", "evidnce")]);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("did you mean 'evidence'?"), "{log}");
    assert_eq!(outputs(&r)["completed"], "false");
}

#[test]
fn action_passes_new_only_with_a_base() {
    let repo = Repo::new();
    repo.write(
        ".relgate/p.yaml",
        "version: 1\npolicies:\n  - id: TAG-1\n    title: no latest tags\n    check:\n      not_matches: {files: 'charts/*.yaml', patterns: ':latest\\b'}\n",
    )
    .write("charts/a.yaml", "image: a:latest\n")
    .commit_all("an old tag");
    let main = repo.git(&["rev-parse", "HEAD"]);
    repo.write("README.md", "x\n").commit_all("docs");
    // The old tag fails the step unless only new findings count.
    let (code, _, log) = run_action(&repo, &[("base", &main)]);
    assert_eq!(code, 1, "{log}");
    let (code, r, log) = run_action(&repo, &[("base", &main), ("new-only", "true")]);
    assert_eq!(code, 0, "{log}");
    assert!(
        log.contains("::notice file=charts/a.yaml,line=1,col=9,"),
        "{log}"
    );
    assert_eq!(outputs(&r)["errors"], "1");
    // A new tag fails it.
    repo.write("charts/b.yaml", "image: b:latest\n")
        .commit_all("a new tag");
    let (code, _, log) = run_action(&repo, &[("base", &main), ("new-only", "true")]);
    assert_eq!(code, 1, "{log}");
    assert!(
        log.contains("::error file=charts/b.yaml,line=1,col=9,"),
        "{log}"
    );
    // Without a base nothing would be new against the checkout: every finding counts.
    let (code, _, log) = run_action(&repo, &[("new-only", "true")]);
    assert_eq!(code, 1, "{log}");
    assert!(
        log.contains("::notice title=relgate: new-only needs a base::"),
        "{log}"
    );
    let (code, r, log) = run_action(&repo, &[("base", &main), ("new-only", "yes")]);
    assert_eq!(code, 2, "{log}");
    assert_eq!(outputs(&r)["completed"], "false");
}
