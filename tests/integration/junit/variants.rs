//! Every one-break variant of tests/corpora/junit/malformed/ committed to one
//! repository and checked by the real binary, one policy per file: each file
//! expat rejects is exactly one finding of its policy, on the line expat names
//! (on the `<!DOCTYPE` line where relgate refuses the declaration itself);
//! each file expat reads passes (but the deliberate differences).

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn corpus() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/junit")
}

#[test]
fn each_non_well_formed_variant_is_a_finding_at_its_line() {
    let table: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("expected.json")).unwrap())
            .unwrap();
    let repo = Repo::new();
    let mut yaml = String::from("version: 1\npolicies:\n");
    let mut expected = Vec::new();
    let mut ids = Vec::new();
    for (i, (file, want)) in table
        .iter()
        .filter(|(f, _)| f.starts_with("malformed/"))
        .enumerate()
    {
        let bytes = std::fs::read(corpus().join(file)).unwrap();
        let path = format!("r/{}", file.trim_start_matches("malformed/"));
        repo.write_bytes(&path, &bytes, 0o644);
        let id = format!("M{i:03}");
        writeln!(
            yaml,
            "  - id: {id}\n    title: '{path}'\n    check:\n      junit: {{file: '{path}'}}"
        )
        .unwrap();
        ids.push((id.clone(), file.clone()));
        if want["expat"] == "error" {
            let text = String::from_utf8_lossy(&bytes);
            let line = match text.find("<!DOCTYPE") {
                Some(at) => text[..at].matches('\n').count() as u64 + 1,
                None => want["line"].as_u64().unwrap(),
            };
            expected.push(f(&id, &path, Some(line)));
        } else if file.ends_with("-decl-version-2.xml") {
            // Deliberate: XML 1.0 says version "1." and digits.
            expected.push(f(&id, &path, Some(1)));
        }
    }
    assert!(expected.len() > 300, "{}", expected.len());
    repo.commit_all("variants");
    let r = repo.check_yaml(&yaml, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The corpus holds names that differ only in case (`pi-xml` / `pi-XmL`): the built-in
    // RELGATE-CASE check says so, which is not what this test is about.
    let mut got: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|f| f.0 != "RELGATE-CASE")
        .collect();
    got.sort();
    expected.sort();
    if got != expected {
        let got_set: std::collections::BTreeSet<_> = got.iter().collect();
        let want_set: std::collections::BTreeSet<_> = expected.iter().collect();
        let missing: Vec<_> = want_set.difference(&got_set).collect();
        let extra: Vec<_> = got_set.difference(&want_set).collect();
        panic!("missing findings: {missing:#?}\nunexpected findings: {extra:#?}");
    }
    // Each message says what is wrong, and none is longer than a line of text.
    for m in r
        .messages()
        .into_iter()
        .filter(|m| !m.contains("differ only in case"))
    {
        assert!(
            m.contains(": not well-formed XML: ")
                || m.contains(": cannot read the report's encoding: ")
                || m.contains(": not a JUnit XML report: ")
                || m.contains("version=\"2.0\""),
            "{m}"
        );
        assert!(m.chars().count() < 300, "{m}");
    }
}
