//! Every check kind's own `relgate test` cases (`tests/kinds/<kind>/`, see its README): one
//! run of the real binary over all of them, then the checks that make a kind without cases,
//! or a key without a passing and a failing case, fail the suite.

use crate::common::relgate_in;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Keys exempt from "a policy using it passes in one case and fails in another", and why.
const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "matches",
        "message",
        "it replaces the message, not the verdict (a case asserts it)",
    ),
    (
        "not_matches",
        "message",
        "it replaces the message, not the verdict (a case asserts it)",
    ),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every key path of a parameter table in the schema (`each.types` for a nested key), with
/// whether its top-level key is required.
fn key_paths(def: &Value, prefix: &str, top_required: Option<bool>, out: &mut Vec<(String, bool)>) {
    let required: Vec<&str> = def["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (key, sub) in def["properties"].as_object().into_iter().flatten() {
        let path = format!("{prefix}{key}");
        let req = top_required.unwrap_or(required.contains(&key.as_str()));
        out.push((path.clone(), req));
        for nested in [sub, &sub["items"]] {
            if nested["properties"].is_object() {
                key_paths(nested, &format!("{path}."), Some(req), out);
            }
        }
    }
}

/// The key paths a policy's value for `kind` uses, in every condition of the policy.
fn used_keys(cond: &Value, kind: &str, out: &mut BTreeSet<String>) {
    let Some(map) = cond.as_object() else { return };
    for (k, v) in map {
        match k.as_str() {
            "all" | "any" => v
                .as_array()
                .into_iter()
                .flatten()
                .for_each(|c| used_keys(c, kind, out)),
            "not" => used_keys(v, kind, out),
            _ if k == kind => paths_of(v, "", out),
            _ => {}
        }
    }
}

fn paths_of(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    let items: Vec<&Value> = match v {
        Value::Object(_) => vec![v],
        Value::Array(a) => a.iter().filter(|i| i.is_object()).collect(),
        _ => Vec::new(),
    };
    for item in items {
        for (k, sub) in item.as_object().into_iter().flatten() {
            let path = format!("{prefix}{k}");
            paths_of(sub, &format!("{path}."), out);
            out.insert(path);
        }
    }
}

fn case_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.join("case.yaml").is_file() {
        out.push(dir.join("case.yaml"));
    }
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if e.file_type().unwrap().is_dir() && name != "tree" && name != "base" {
            case_files(&e.path(), out);
        }
    }
}

#[test]
fn every_kind_has_cases_that_pass_and_fail_for_each_key() {
    // The registry, as the binary publishes it: one `check_<kind>` per kind.
    let schema = relgate_in(root(), &["schema"]).json();
    let mut kinds: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for (name, def) in schema["$defs"].as_object().unwrap() {
        if let Some(kind) = name.strip_prefix("check_") {
            let table = if def["properties"].is_object() {
                def
            } else {
                &def["anyOf"][0]
            };
            let mut paths = Vec::new();
            key_paths(table, "", None, &mut paths);
            kinds.insert(kind.to_string(), paths);
        }
    }
    assert!(kinds.len() >= 15, "{:?}", kinds.keys());

    let dir = root().join("tests/kinds");
    let folders: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<&String> = kinds.keys().filter(|k| !folders.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "kinds without tests/kinds/<kind>/: {missing:?}"
    );
    let stray: Vec<&String> = folders.iter().filter(|f| !kinds.contains_key(*f)).collect();
    assert!(
        stray.is_empty(),
        "folders of tests/kinds/ that are no kind: {stray:?}"
    );

    // One run of every case: each passes, and every policy fails in some case.
    let run = relgate_in(
        root(),
        &[
            "test",
            "tests/kinds",
            "--require-failing",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    let mut all_cases = Vec::new();
    case_files(&dir, &mut all_cases);
    assert_eq!(
        report["summary"]["passed"],
        all_cases.len(),
        "{}",
        run.stdout
    );
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["never_failing"], serde_json::json!([]));

    let mut problems = Vec::new();
    for (kind, params) in &kinds {
        // `policies.yaml`, and `attachment.yaml` (policies only the cases that attach
        // their evidence use).
        let mut policies = Vec::new();
        for name in ["policies.yaml", "attachment.yaml"] {
            let path = dir.join(kind).join(name);
            if name == "policies.yaml" || path.is_file() {
                policies.extend(yaml(&path)["policies"].as_array().unwrap().clone());
            }
        }
        // Policy id -> the key paths it uses.
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in &policies {
            let id = p["id"].as_str().unwrap().to_string();
            assert!(
                id.starts_with(&format!("{kind}.")),
                "policy {id} of tests/kinds/{kind} is not named {kind}.<key>"
            );
            let mut keys = BTreeSet::new();
            for c in ["when", "check", "unless"] {
                used_keys(&p[c], kind, &mut keys);
            }
            uses.insert(id, keys);
        }
        // Policy id -> the statuses cases assert for it (each asserted status is verified
        // by the run above).
        let mut cases = Vec::new();
        case_files(&dir.join(kind), &mut cases);
        let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let (mut passing, mut failing) = (0, 0);
        for c in &cases {
            let case = yaml(c);
            let statuses = case["expect"]["status"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            passing += usize::from(statuses.values().any(|s| s == "pass"));
            failing += usize::from(statuses.values().any(|s| s == "fail"));
            for (id, status) in statuses {
                let Some((id, _)) = uses.get_key_value(&id) else {
                    problems.push(format!(
                        "{}: no policy {id} in {kind}/policies.yaml",
                        c.display()
                    ));
                    continue;
                };
                seen.entry(id)
                    .or_default()
                    .insert(status.as_str().unwrap().to_string());
            }
        }
        if passing == 0 || failing == 0 {
            problems.push(format!(
                "{kind}: {passing} case(s) with a passing policy, {failing} with a failing one"
            ));
        }
        for (path, required) in params {
            if EXEMPT
                .iter()
                .any(|(k, key, _)| *k == kind.as_str() && *key == path.as_str())
            {
                continue;
            }
            let top = path.split('.').next().unwrap();
            let covered = uses.iter().any(|(id, keys)| {
                let named =
                    id == &format!("{kind}.{top}") || id.starts_with(&format!("{kind}.{top}."));
                let both = seen
                    .get(id.as_str())
                    .is_some_and(|s| s.contains("pass") && s.contains("fail"));
                keys.contains(path) && (*required || named) && both
            });
            if !covered {
                problems.push(format!(
                    "{kind}.{path}: no policy {}uses it and passes in one case and fails in another",
                    if *required { "" } else { "named after it " }
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
