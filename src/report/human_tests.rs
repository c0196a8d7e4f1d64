//! Unit tests of the human report.

use super::super::excerpt::cut;
use super::{strip_sgr, wrap};

#[test]
fn cuts_keep_the_window_and_mark_the_ends() {
    for (line, start, avail, want) in [
        ("short", 0, 10, "short"),
        ("0123456789abcdef", 0, 10, "012345678…"),
        ("0123456789abcdef", 4, 10, "…456789ab…"),
        ("0123456789abcdef", 8, 10, "…89abcdef"),
        ("é日本語テキスト", 2, 4, "…本語…"),
    ] {
        assert_eq!(cut(line, start, avail), want, "{line} {start} {avail}");
        assert!(cut(line, start, avail).chars().count() <= avail);
    }
}

#[test]
fn sgr_codes_are_stripped_and_nothing_else() {
    assert_eq!(strip_sgr("\x1b[31m::error::x\x1b[0m"), "::error::x");
    assert_eq!(strip_sgr("a\x1b[1;32mb"), "ab");
    assert_eq!(strip_sgr("\\x1b[31m kept"), "\\x1b[31m kept");
    assert_eq!(strip_sgr("\x1b]52;c;x"), "\x1b]52;c;x");
}

#[test]
fn wraps_only_at_spaces() {
    assert_eq!(
        wrap("vars: a=docs/x/y/z.md, b=1", 12, "  "),
        ["vars:", "  a=docs/x/y/z.md,", "  b=1"]
    );
}

/// A footer rendered once per help text and appended, and a head rendered once per
/// message, make byte for byte what miette renders for each finding, with and
/// without colour, wrapped or not.
#[test]
fn shared_footers_are_what_miette_renders() {
    use super::{Footers, Layout, diagnostic, footer_of, help_of, render_finding};
    use crate::finding::{Finding, Origin, Severity};
    use crate::report::Report;
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let origin = Origin {
        file: ".relgate/p.yaml".into(),
        line: 3,
        column: 5,
    };
    let text = "one TODO\ntwo TODO and a longer line of text to wrap around\nthree TODO\n";
    let finding = |line: usize, help: Option<&str>| Finding {
        policy: "P-1".into(),
        severity: Severity::Error,
        message: format!("TODO found on line {line}, which the policy forbids in this file"),
        subject: crate::finding::Subject::Line {
            path: "a.txt".into(),
            line,
            column: Some(5),
        },
        help: help.map(str::to_string),
        snippet: None,
        waived: None,
        instance: None,
        fingerprint: String::new(),
        origin: origin.clone(),
    };
    let long_help = "Remove the marker or move the work item into the tracker, \
                     then commit again; see docs/contributing.md for the process";
    let r = Report::for_tests(
        "P-1",
        "No TODO",
        origin.clone(),
        vec![
            finding(1, Some(long_help)),
            finding(2, Some(long_help)),
            finding(3, None),
        ],
        [(
            "a.txt".to_string(),
            Arc::new(crate::repo::Content::new(text.as_bytes().to_vec())),
        )]
        .into_iter()
        .collect(),
    );
    let titles: BTreeMap<&str, &str> = [("P-1", "No TODO")].into_iter().collect();
    for color in [true, false] {
        for width in [40, 100] {
            let layout = Layout::new(color, width);
            let mut footers = Footers::default();
            for f in &r.findings {
                let help = help_of(f);
                let footer = footer_of(&r, f, &titles, &layout, &help).unwrap();
                assert!(footer.as_deref().is_some_and(|f| f.contains("help:")));
                footers.0.insert(help, footer);
            }
            // The second time round, each head comes from `heads`.
            let mut heads = super::Heads::default();
            for f in r.findings.iter().chain(&r.findings) {
                let whole = diagnostic(&r, f, &titles, &layout, Some(help_of(f)));
                assert_eq!(
                    render_finding(&r, f, &help_of(f), &titles, &layout, &footers, &mut heads)
                        .unwrap(),
                    whole.unwrap()
                );
            }
        }
    }
}

/// The excerpt boxes the report draws itself are byte for byte miette's, with and
/// without colour, at every width, over lines that test the layout: tabs, wide and
/// zero-width characters, escaped controls, long lines cut around the caret, empty
/// lines, carets at the start, in the middle, at the end and past the end of a line,
/// the first and last lines of a file, line numbers that gain a digit, CRLF.
#[test]
fn drawn_excerpts_are_what_miette_draws() {
    use super::super::excerpt::Excerpt;
    use super::{FindingDiag, Layout, miette_render};
    use crate::finding::{Finding, Origin, Severity, Subject};
    use crate::repo::Content;
    let lines = [
        "plain TODO line",
        "",
        "\ttab\tthen TODO\t end",
        "日本語のTODOテキスト",
        "e\u{301}\u{200b}combining TODO",
        "esc \x1b[31m red \x07 bell TODO",
        "crlf TODO\r",
        "   ",
        "emoji 🎉🎉 TODO 👩‍👩‍👧",
        "é",
    ];
    let long = format!("{}TODO{}", "ab\tcd é ".repeat(30), "x".repeat(300));
    let mut files: Vec<String> = Vec::new();
    // Each line as the middle, first and last line of a file, after the others.
    for (i, l) in lines.iter().enumerate() {
        files.push(format!(
            "{}\n{l}\n{}\n",
            lines[(i + 1) % lines.len()],
            lines[(i + 2) % lines.len()]
        ));
        files.push(format!("{l}\nnext\n"));
        files.push(format!("before\n{l}"));
        files.push(l.to_string());
    }
    files.push(format!("a\n{long}\n{long}\n"));
    files.push(format!("{}{long}\n{}", "x\n".repeat(8), "y\n".repeat(3)));
    files.push(format!("{}TODO\n\n", "z\n".repeat(98)));
    files.push("one\r\ntwo TODO\r\nthree\r\n".to_string());
    let mut drawn = 0;
    let mut cases = 0;
    for text in &files {
        let content = Content::new(text.as_bytes().to_vec());
        for line in 1..=content.line_count() {
            let bytes = &content.bytes()[content.line_range(line)];
            let chars = String::from_utf8_lossy(bytes).chars().count();
            for column in [
                None,
                Some(1),
                Some(2),
                Some(chars / 2 + 1),
                Some(chars),
                Some(chars + 1),
                Some(chars + 5),
            ] {
                for width in [40, 61, 100, 300] {
                    for color in [false, true] {
                        let layout = Layout::new(color, width);
                        let Some(excerpt) =
                            Excerpt::new("dir/a.txt", &content, line, column, width)
                        else {
                            continue;
                        };
                        let finding = Finding {
                            policy: "P-1".into(),
                            severity: Severity::Warning,
                            message: "m".into(),
                            subject: Subject::Line {
                                path: "dir/a.txt".into(),
                                line,
                                column,
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
                        };
                        let label = if width > 61 {
                            "P-1: No TODO markers"
                        } else {
                            "P-1"
                        };
                        let ours = excerpt.draw(label, &layout.pen);
                        let mut diag = FindingDiag {
                            f: &finding,
                            message: "m".into(),
                            label: label.into(),
                            help: None,
                            source: Some(excerpt),
                        };
                        let whole = miette_render(&layout.handler, &diag).unwrap();
                        diag.source = None;
                        let head = miette_render(&layout.handler, &diag).unwrap();
                        cases += 1;
                        if let Some(ours) = ours {
                            drawn += 1;
                            assert_eq!(
                                format!("{head}{ours}"),
                                whole,
                                "{text:?} line {line} column {column:?} width {width} colour {color}"
                            );
                        }
                    }
                }
            }
        }
    }
    // Only the rare shapes are left to miette.
    assert!(drawn * 10 > cases * 8, "{drawn} of {cases}");
}
