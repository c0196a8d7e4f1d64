//! The CI templates (issue 22): the GitLab CI/CD component `ci/gitlab/relgate.yml` and
//! the snippets of docs/ci.md, each validated against its CI system's published schema
//! by check-jsonschema's built-in copies; the component's job script run as GitLab would,
//! against a real repository, publishing valid reports.

use crate::common::*;
use crate::tools::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validate(schema: &str, name: &str, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    // The Azure Pipelines schema has patterns that are Python regular expressions, not
    // ECMA-262 ones (check-jsonschema's default dialect refuses their escapes).
    let variant = if schema == "vendor.azure-pipelines" {
        "python"
    } else {
        "default"
    };
    let (code, out) = run_tool(
        &tool("check-jsonschema"),
        &[
            "--regex-variant",
            variant,
            "--builtin-schema",
            schema,
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(
        code, 0,
        "{name} is not valid against {schema}:\n{out}\n{text}"
    );
}

/// The component's two documents: the `spec` header and the jobs.
fn component() -> (String, String) {
    let text = std::fs::read_to_string(root().join("ci/gitlab/relgate.yml")).unwrap();
    let (spec, jobs) = text
        .split_once("\n---\n")
        .expect("a spec header, then `---`");
    (spec.to_string(), jobs.to_string())
}

#[test]
fn the_gitlab_component_passes_gitlab_ci_schema() {
    let (spec, jobs) = component();
    validate("vendor.gitlab-ci", "spec.yml", &spec);
    validate("vendor.gitlab-ci", "relgate.yml", &jobs);
    let spec: serde_json::Value = serde_saphyr::from_str(&spec).unwrap();
    let inputs: Vec<&str> = spec["spec"]["inputs"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for name in [
        "policies", "packs", "base", "fail-on", "stage", "image", "install",
    ] {
        assert!(inputs.contains(&name), "no input {name}: {inputs:?}");
    }
    let jobs: serde_json::Value = serde_saphyr::from_str(&jobs).unwrap();
    let reports = &jobs["relgate"]["artifacts"]["reports"];
    assert_eq!(reports["codequality"], "gl-code-quality-report.json");
    assert_eq!(reports["junit"], "relgate-junit.xml");
    assert_eq!(jobs["relgate"]["artifacts"]["when"], "always");
}

/// Runs the component's job script as a GitLab runner would (inputs interpolated,
/// `install: true`, relgate on PATH) in `repo`; returns the exit code and the log.
fn run_job(repo: &Repo, inputs: &[(&str, &str)]) -> (i32, String) {
    let (spec, jobs) = component();
    let spec: serde_json::Value = serde_saphyr::from_str(&spec).unwrap();
    let mut jobs_text = jobs;
    for (name, s) in spec["spec"]["inputs"].as_object().unwrap() {
        let value = inputs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| s["default"].as_str().unwrap_or("").to_string());
        // Outside a merge request GitLab expands the base's variable to nothing.
        let value = if value.starts_with('$') {
            String::new()
        } else {
            value
        };
        jobs_text = jobs_text.replace(&format!("$[[ inputs.{name} ]]"), &value);
    }
    assert!(!jobs_text.contains("$[["), "{jobs_text}");
    let jobs: serde_json::Value = serde_saphyr::from_str(&jobs_text).unwrap();
    let job = &jobs["relgate"];
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_relgate")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let mut log = String::new();
    // The apt-get line installs git in a bare image; the test's machine has it.
    for line in job["script"].as_array().unwrap().iter().skip(1) {
        let mut cmd = command("sh");
        cmd.env_clear();
        isolate(&mut cmd, []);
        cmd.args(["-e", "-c", line.as_str().unwrap()])
            .current_dir(repo.path())
            .env("PATH", &path)
            .env("GITLAB_CI", "true");
        for (k, v) in job["variables"].as_object().unwrap() {
            cmd.env(k, v.as_str().unwrap());
        }
        let out = cmd.output().unwrap();
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        let code = out.status.code().unwrap_or(-1);
        if code != 0 {
            return (code, log);
        }
    }
    (0, log)
}

#[test]
fn the_gitlab_component_job_gates_and_publishes_its_reports() {
    let repo = failing_repo();
    let (code, log) = run_job(&repo, &[("install", "true")]);
    assert_eq!(code, 1, "{log}");
    let gl = crate::ci_formats::read_gitlab(&repo.read("gl-code-quality-report.json"));
    assert_eq!(gl.as_array().unwrap().len(), 4, "{gl:#}");
    let junit = crate::ci_formats::read_junit(&repo.read("relgate-junit.xml"));
    assert_eq!(junit["suites"][0]["failures"], 2);

    // `fail-on: note` fails on the note too; `packs` and `policies` are passed on.
    let repo = passing_repo();
    let (code, log) = run_job(&repo, &[("install", "true")]);
    assert_eq!(code, 0, "{log}");
    let (code, log) = run_job(
        &repo,
        &[
            ("install", "true"),
            ("packs", "no-such-pack"),
            ("fail-on", "note"),
        ],
    );
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("no-such-pack"), "{log}");
}

/// Every snippet of docs/ci.md marked `<!-- check-jsonschema: SCHEMA -->` passes SCHEMA.
#[test]
fn the_ci_snippets_pass_their_systems_schemas() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let mut checked = Vec::new();
    let mut rest = doc.as_str();
    while let Some(at) = rest.find("<!-- check-jsonschema: ") {
        rest = &rest[at + "<!-- check-jsonschema: ".len()..];
        let (schema, after) = rest.split_once(" -->\n```yaml\n").expect("a yaml block");
        let (block, after) = after.split_once("\n```\n").expect("a closed block");
        validate(schema, "snippet.yml", block);
        checked.push(schema.to_string());
        rest = after;
    }
    checked.sort();
    assert_eq!(
        checked,
        [
            "vendor.azure-pipelines",
            "vendor.buildkite",
            "vendor.circle-ci",
            "vendor.gitlab-ci"
        ]
    );
}

/// A snippet that breaks its schema is caught: the check above can fail.
#[test]
fn a_broken_snippet_fails_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pipeline.yml");
    std::fs::write(
        &file,
        "steps:\n  - label: x\n    artifact_paths: {not: a list}\n    bogus_key: 1\n",
    )
    .unwrap();
    let (code, _) = run_tool(
        &tool("check-jsonschema"),
        &[
            "--builtin-schema",
            "vendor.buildkite",
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_ne!(code, 0);
}
