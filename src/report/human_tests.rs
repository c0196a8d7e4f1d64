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

/// A footer rendered once per help text and appended is byte for byte what
/// miette renders for each finding, with and without colour, wrapped or not.
#[test]
fn shared_footers_are_what_miette_renders() {
    use super::{Footers, diagnostic, footer_of, help_of, render_finding};
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
    for theme in [
        miette::GraphicalTheme::unicode(),
        miette::GraphicalTheme::unicode_nocolor(),
    ] {
        for width in [40, 100] {
            let handler = miette::GraphicalReportHandler::new_themed(theme.clone())
                .with_width(width)
                .with_word_separator(textwrap::WordSeparator::AsciiSpace);
            let mut footers = Footers::default();
            for f in &r.findings {
                let help = help_of(f);
                let footer = footer_of(&r, f, &titles, &handler, width, &help).unwrap();
                assert!(footer.as_deref().is_some_and(|f| f.contains("help:")));
                footers.0.insert(help, footer);
            }
            for f in &r.findings {
                let whole = diagnostic(&r, f, &titles, &handler, width, Some(help_of(f)));
                assert_eq!(
                    render_finding(&r, f, &help_of(f), &titles, &handler, width, &footers).unwrap(),
                    whole.unwrap()
                );
            }
        }
    }
}
