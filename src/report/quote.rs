//! What reports quote of the files findings point into: each file read once, each
//! finding's snippet cut from that one read, and the contents kept (within a budget)
//! for the human report's excerpts. The only place snippets and excerpts are cut
//! from repository files.

use super::fingerprint::line_digest;
use super::snippet::excerpt;
use crate::finding::Finding;
use crate::repo::Content;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What [`quote`] returns.
pub(crate) struct Quoted {
    /// The contents to keep for excerpts, by path.
    pub(crate) contents: BTreeMap<String, Arc<Content>>,
    /// For each finding (same order), the digest of its whole line, trimmed
    /// ([`super::fingerprint::line_digest`]), when it has a line of a readable file.
    pub(crate) lines: Vec<Option<[u8; 32]>>,
}

/// Reads each file a finding has a line in once (`read`: the view under check, or an
/// attachment), sets each such finding's snippet (unless it has one: a waiver quotes
/// its policy file as the trusted tree has it), digests its line for its fingerprint,
/// and returns the contents to keep: at most `budget` bytes of them, in finding order
/// (a finding in a file past the budget keeps its snippet and is shown without an
/// excerpt). `findings` are sorted, so the findings of one file are together.
pub(crate) fn quote(
    findings: &mut [Finding],
    budget: usize,
    read: &dyn Fn(&str) -> Option<Arc<Content>>,
) -> Quoted {
    let mut contents = BTreeMap::new();
    let mut lines = Vec::with_capacity(findings.len());
    let mut kept = 0usize;
    // The file of the previous finding (kept or not), so a file past the budget is
    // still read once for its findings' snippets.
    let mut last: Option<(String, Option<Arc<Content>>)> = None;
    for f in findings.iter_mut() {
        let (Some(path), Some(line)) = (f.path(), f.line()) else {
            lines.push(None);
            continue;
        };
        let content = match (&last, contents.get(path)) {
            (_, Some(c)) => Some(Arc::clone(c)),
            (Some((p, c)), None) if p == path => c.clone(),
            _ => {
                let c = read(path);
                if let Some(c) = &c {
                    kept = kept.saturating_add(c.bytes().len());
                    if kept <= budget {
                        contents.insert(path.to_string(), Arc::clone(c));
                    }
                }
                last = Some((path.to_string(), c.clone()));
                c
            }
        };
        lines.push(
            content
                .as_ref()
                .map(|c| line_digest(&c.bytes()[c.line_range(line)])),
        );
        if f.snippet.is_none()
            && let Some(c) = content
        {
            f.snippet = Some(excerpt(&c, line, f.column()).text);
        }
    }
    Quoted { contents, lines }
}

#[cfg(test)]
mod tests {
    use super::quote;
    use crate::finding::{Finding, Origin, Severity, Subject};
    use crate::repo::Content;
    use std::sync::Arc;

    fn at(path: &str, line: Option<usize>) -> Finding {
        Finding {
            policy: "P".into(),
            severity: Severity::Error,
            message: "m".into(),
            subject: match line {
                Some(line) => Subject::Line {
                    path: path.into(),
                    line,
                    column: None,
                },
                None => Subject::File(path.into()),
            },
            help: None,
            snippet: None,
            waived: None,
            instance: None,
            fingerprint: String::new(),
            origin: Origin {
                file: "p.yaml".into(),
                line: 1,
                column: 1,
            },
        }
    }

    /// Each quoted file is read once, files without a located finding are not read,
    /// and past the budget a file is left out (its findings show no excerpt, but keep
    /// their snippet).
    #[test]
    fn quoted_files_are_read_once_within_the_budget() {
        let reads = std::cell::RefCell::new(Vec::new());
        let read = |p: &str| {
            reads.borrow_mut().push(p.to_string());
            (p != "gone").then(|| Arc::new(Content::new(b"0123456789\nsecond".to_vec())))
        };
        let mut findings = [
            at("a", Some(1)),
            at("a", Some(2)),
            at("b", Some(1)),
            at("c", Some(2)),
            at("c", Some(1)),
            at("gone", Some(1)),
            at("whole-file", None),
        ];
        let quoted = quote(&mut findings, 40, &read);
        let got = quoted.contents;
        assert_eq!(got.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(*reads.borrow(), ["a", "b", "c", "gone"]);
        let snippets: Vec<Option<&str>> = findings.iter().map(|f| f.snippet.as_deref()).collect();
        assert_eq!(
            snippets,
            [
                Some("0123456789"),
                Some("second"),
                Some("0123456789"),
                Some("second"),
                Some("0123456789"),
                None,
                None
            ]
        );
        // Every finding with a line of a readable file has its line digested.
        let digested: Vec<bool> = quoted.lines.iter().map(Option::is_some).collect();
        assert_eq!(digested, [true, true, true, true, true, false, false]);
        assert_eq!(quoted.lines[0], quoted.lines[4]);
        assert_ne!(quoted.lines[0], quoted.lines[1]);
    }
}
