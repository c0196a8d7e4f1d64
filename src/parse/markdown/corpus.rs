//! relgate's reading of public Markdown corpora, compared with the reference
//! parsers' (files and licences in `tests/corpora/commonmark/`):
//!
//! * every example of the CommonMark spec (0.31.2) and of the GitHub Flavored
//!   Markdown spec (0.29-gfm): the headings' levels and the task boxes must be
//!   those of the example's expected HTML, written by the reference
//!   implementations;
//! * real Kubernetes KEPs, several with the KEP template's checklist commented
//!   out: every heading (level, line) and task box (state, line) must be where
//!   GitHub's parser, cmark-gfm, puts them (`kep/expected.tsv`, recorded by
//!   `record.py`).
//! * cases where common renderers disagree on a task box
//!   (`renderers/cases.json`; `renderers/expected.tsv`, recorded by
//!   `renderers/record.sh` with cmark-gfm and markdown-it's task-list rule):
//!   relgate reads an unticked box wherever either renderer shows one, and a
//!   ticked one only where both do (the reading that fails).

use super::{headings, task_items, visible};
use regex::Regex;
use std::path::PathBuf;

fn corpus(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpora/commonmark")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One spec example: its number, its Markdown and its expected HTML.
struct Example {
    number: usize,
    markdown: String,
    html: String,
}

/// The examples of a spec file: fenced by 32 backticks and `example`, the
/// Markdown and the HTML separated by a line `.`, tabs written `→`.
fn examples(spec: &str) -> Vec<Example> {
    const FENCE: &str = "````````````````````````````````";
    let mut out = Vec::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with(&format!("{FENCE} example")) {
            continue;
        }
        let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
        for l in lines.by_ref() {
            if l == FENCE {
                break;
            }
            if l == "." && !in_html {
                in_html = true;
                continue;
            }
            let part = if in_html { &mut html } else { &mut markdown };
            part.push_str(&l.replace('→', "\t"));
            part.push('\n');
        }
        out.push(Example {
            number: out.len() + 1,
            markdown,
            html,
        });
    }
    out
}

/// `h2 h3 [ ] [x]`: the headings' levels and the boxes, in document order.
type Reading = Vec<String>;

fn relgate_reading(markdown: &str) -> Reading {
    // In document order: by line, then column (a heading starts its line).
    let mut at: Vec<(usize, usize, String)> = headings(markdown)
        .into_iter()
        .map(|h| (h.line, 0, format!("h{}", h.level)))
        .collect();
    for item in task_items(markdown, 1..=usize::MAX) {
        let boxed = if item.checked { "[x]" } else { "[ ]" };
        at.push((item.line, item.column, boxed.into()));
    }
    at.sort();
    at.into_iter().map(|(_, _, w)| w).collect()
}

fn html_reading(html: &str) -> Reading {
    let re = Regex::new(r#"<(h[1-6])[ >]|<input (checked="" )?disabled="" type="checkbox""#)
        .unwrap_or_else(|e| panic!("{e}"));
    re.captures_iter(html)
        .map(|c| match c.get(1) {
            Some(h) => h.as_str().to_string(),
            None if c.get(2).is_some() => "[x]".to_string(),
            None => "[ ]".to_string(),
        })
        .collect()
}

/// The examples where relgate's reading differs from the spec's HTML, each
/// deliberate; and the number of headings and boxes in the expected HTML (so
/// that the comparison is known to compare something).
fn differences(spec: &str) -> (Vec<(usize, Reading, Reading)>, usize, usize) {
    let all = examples(&corpus(spec));
    let expected: Vec<String> = all.iter().flat_map(|e| html_reading(&e.html)).collect();
    let boxes = expected.iter().filter(|r| r.starts_with('[')).count();
    let diff = all
        .into_iter()
        .filter_map(|e| {
            let shown = visible(&e.markdown);
            assert_eq!(shown.len(), e.markdown.len(), "example {}", e.number);
            assert_eq!(
                shown.matches('\n').count(),
                e.markdown.matches('\n').count(),
                "example {}",
                e.number
            );
            let (ours, theirs) = (relgate_reading(&e.markdown), html_reading(&e.html));
            (ours != theirs).then_some((e.number, ours, theirs))
        })
        .collect();
    (diff, expected.len() - boxes, boxes)
}

#[test]
fn commonmark_spec_examples() {
    let all = examples(&corpus("commonmark-spec.txt"));
    assert_eq!(all.len(), 655);
    let (diff, headings, boxes) = differences("commonmark-spec.txt");
    assert_eq!((headings, boxes), (62, 0));
    let numbers: Vec<usize> = diff.iter().map(|d| d.0).collect();
    assert_eq!(numbers, DELIBERATE_COMMONMARK, "{diff:#?}");
}

#[test]
fn gfm_spec_examples() {
    let all = examples(&corpus("gfm-spec.txt"));
    assert_eq!(all.len(), 673);
    let (diff, headings, boxes) = differences("gfm-spec.txt");
    assert_eq!((headings, boxes), (62, 6));
    let numbers: Vec<usize> = diff.iter().map(|d| d.0).collect();
    assert_eq!(numbers, DELIBERATE_GFM, "{diff:#?}");
}

/// Deliberate differences with the CommonMark spec's HTML (example numbers).
const DELIBERATE_COMMONMARK: &[usize] = &[];

/// Deliberate differences with the GFM spec's HTML (example numbers).
const DELIBERATE_GFM: &[usize] = &[];

#[test]
fn kubernetes_keps_read_as_github_reads_them() {
    let expected = corpus("kep/expected.tsv");
    let mut files: Vec<&str> = Vec::new();
    for row in expected.lines().filter(|l| !l.starts_with('#')) {
        let file = row.split('\t').next().unwrap_or_default();
        if !files.contains(&file) {
            files.push(file);
        }
    }
    assert_eq!(files.len(), 7);
    let mut commented_out = 0;
    let r_item = Regex::new(r"(?m)^\s*- \[[ xX]\] \(R\)").unwrap_or_else(|e| panic!("{e}"));
    for file in files {
        let text = corpus(&format!("kep/{file}"));
        let theirs: Vec<String> = expected
            .lines()
            .filter_map(|l| l.strip_prefix(file)?.strip_prefix('\t'))
            .map(|l| l.replace('\t', "@"))
            .collect();
        let mut ours: Vec<(usize, usize, String)> = headings(&text)
            .into_iter()
            .map(|h| (h.line, 0, format!("h{}@{}", h.level, h.line)))
            .collect();
        for i in task_items(&text, 1..=usize::MAX) {
            let boxed = if i.checked { "[x]" } else { "[ ]" };
            ours.push((i.line, i.column, format!("{boxed}@{}", i.line)));
        }
        ours.sort();
        let ours: Vec<String> = ours.into_iter().map(|o| o.2).collect();
        assert_eq!(ours, theirs, "{file}");
        // The template's checklist, commented out, is in the file but is not read.
        let written = r_item.find_iter(&text).count();
        commented_out += written
            - task_items(&text, 1..=usize::MAX)
                .iter()
                .filter(|i| i.text.starts_with("(R)"))
                .count();
    }
    assert!(commented_out >= 7, "{commented_out}");
}

#[test]
fn where_renderers_disagree_the_reading_fails() {
    let cases: Vec<String> =
        serde_json::from_str(&corpus("renderers/cases.json")).unwrap_or_else(|e| panic!("{e}"));
    let expected = corpus("renderers/expected.tsv");
    let count = |r: &str, b: &str| r.split(' ').filter(|w| *w == b).count();
    let mut disagreements = 0;
    for row in expected.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = row.split('\t').collect();
        let [case, cmark, mdit] = cols[..] else {
            panic!("{row:?}")
        };
        let index: usize = case.parse().unwrap_or_else(|e| panic!("{row:?}: {e}"));
        let ours = relgate_reading(&cases[index]).join(" ");
        let unticked = count(cmark, "[ ]").max(count(mdit, "[ ]"));
        let ticked = count(cmark, "[x]").min(count(mdit, "[x]"));
        assert_eq!(
            (count(&ours, "[ ]"), count(&ours, "[x]")),
            (unticked, ticked),
            "case {index} {:?}: relgate {ours:?}, cmark-gfm {cmark:?}, markdown-it {mdit:?}",
            cases[index]
        );
        disagreements += usize::from(cmark != mdit);
    }
    assert_eq!(cases.len(), expected.lines().count() - 1);
    assert!(disagreements >= 5, "{disagreements}");
}
