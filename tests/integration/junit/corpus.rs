//! Every report under tests/corpora/junit/ read by relgate and compared with
//! expat's reading recorded in expected.json (see expect.py there): relgate
//! never reads what expat rejects, reads what expat reads (but for the
//! deliberate differences listed here), and counts the same test cases.

use relgate::parse::junit::parse_junit_bytes;
use serde_json::Value;
use std::path::Path;

/// Well-formed for expat, refused by relgate on purpose: (file name ending,
/// part of relgate's message).
const DELIBERATE: &[(&str, &str)] = &[
    // Not a JUnit report (root element <testsuites> or <testsuite>).
    ("/non-junit.xml", "not a JUnit XML report"),
    // XML 1.0 says version="1." and digits; expat reads "2.0" too.
    ("-decl-version-2.xml", "version=\"2.0\" is not allowed"),
];

/// Rejected by both, at another place: a document type declaration with an
/// internal subset is refused where it starts, expat fails later where an
/// entity it declares is used.
const DOCTYPE: &str = "document type declaration";

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/junit")
}

fn table() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(corpus().join("expected.json")).unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Object(m) => m,
        _ => panic!("expected.json is not an object"),
    }
}

#[test]
fn relgate_agrees_with_expat_on_every_report() {
    let table = table();
    assert!(table.len() > 400, "{} files", table.len());
    let mut problems = Vec::new();
    let mut rejected = 0;
    for (file, want) in &table {
        let bytes = std::fs::read(corpus().join(file)).unwrap();
        let got = parse_junit_bytes(&bytes);
        let deliberate = DELIBERATE.iter().find(|(f, _)| file.ends_with(f));
        match (want["expat"].as_str(), &got) {
            (Some("error"), Ok(_)) => problems.push(format!(
                "{file}: expat rejects it ({} at {}:{}), relgate reads it",
                want["message"], want["line"], want["column"]
            )),
            (Some("error"), Err(e)) => {
                rejected += 1;
                let line = want["line"].as_u64().unwrap() as usize;
                if e.line != line && !e.message.contains(DOCTYPE) {
                    problems.push(format!(
                        "{file}: expat rejects it at line {line} ({}), relgate at {}:{}: {}",
                        want["message"], e.line, e.column, e.message
                    ));
                }
            }
            (Some("ok"), Err(e)) => match deliberate {
                Some((_, why)) if e.message.contains(why) => {}
                _ if e.message.contains(DOCTYPE) => {}
                _ => problems.push(format!("{file}: expat reads it, relgate does not: {e}")),
            },
            (Some("ok"), Ok(report)) => {
                let Some(root) = report.root() else {
                    problems.push(format!("{file}: no root suite"));
                    continue;
                };
                let c = root.counted;
                let want_counts = [
                    &want["cases"],
                    &want["failures"],
                    &want["errors"],
                    &want["skipped"],
                ]
                .map(|v| v.as_u64().unwrap());
                if [c.tests, c.failures, c.errors, c.skipped] != want_counts {
                    problems.push(format!(
                        "{file}: counts {:?}, expected {want_counts:?}",
                        [c.tests, c.failures, c.errors, c.skipped]
                    ));
                }
            }
            _ => problems.push(format!("{file}: bad table entry {want}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(rejected > 300, "{rejected}");
}
