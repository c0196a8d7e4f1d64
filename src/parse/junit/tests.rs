use super::*;

fn counts(tests: u64, failures: u64, errors: u64, skipped: u64) -> Counts {
    Counts {
        tests,
        failures,
        errors,
        skipped,
    }
}

fn err(text: &str) -> ParseFailure {
    parse_junit(text).unwrap_err()
}

fn at(text: &str) -> (usize, usize, String) {
    let e = err(text);
    (e.line, e.column, e.message)
}

#[test]
fn pytest_report() {
    let text = r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="real_gateway" errors="0" failures="1" skipped="0" tests="2" time="0.05" timestamp="2024-07-15T09:00:00" hostname="ci"><testcase classname="tests.test_gateway" name="test_charge" time="0.01" /><testcase classname="tests.test_gateway" name="test_refund" time="0.01"><failure message="AssertionError: 1 != 2&#10;assert 1 == 2">trace</failure></testcase></testsuite></testsuites>"#;
    let r = parse_junit(text).unwrap();
    assert_eq!(r.suites.len(), 2);
    let root = &r.suites[0];
    assert!(root.aggregate);
    assert_eq!((root.line, root.column), (1, 39));
    let s = &r.suites[1];
    assert_eq!(
        (s.name.as_str(), s.line, s.column, s.aggregate),
        ("real_gateway", 1, 71, false)
    );
    assert_eq!(s.judged, counts(2, 1, 0, 0));
    assert_eq!(s.cases, 0..2);
    assert_eq!(
        r.cases[1],
        Case {
            classname: "tests.test_gateway".into(),
            name: "test_refund".into(),
            line: 1,
            column: 280,
            failure: Some("AssertionError: 1 != 2".into()),
            error: None,
            skipped: false,
        }
    );
    assert_eq!(r.totals(), counts(2, 1, 0, 0));
}

#[test]
fn counts_come_from_the_test_cases() {
    let text = r#"<testsuite name="bare">
  <testcase name="ok"/>
  <testcase name="f"><failure/></testcase>
  <testcase name="f+e"><failure/><failure/><error type="E"/></testcase>
  <testcase name="s"><skipped/></testcase>
  <testcase name="x"><system-out>failure</system-out><flakyFailure/><rerunFailure/></testcase>
</testsuite>"#;
    let r = parse_junit(text).unwrap();
    let s = &r.suites[0];
    assert_eq!(s.declared, Declared::default());
    assert_eq!(s.counted, counts(5, 2, 1, 1));
    assert_eq!(s.judged, counts(5, 2, 1, 1));
    assert_eq!(r.cases[2].error.as_deref(), Some("E"));
    assert_eq!(r.cases[1].failure.as_deref(), Some(""));
}

#[test]
fn attributes_and_cases_disagree_the_worse_wins() {
    // Says more tests and fewer failures than its cases show.
    let text = r#"<testsuite name="s" tests="10" failures="0" errors="3" skips="1">
<testcase name="a"><failure message="m"/></testcase>
<testcase name="b"/>
</testsuite>"#;
    let s = &parse_junit(text).unwrap().suites[0];
    assert_eq!(
        s.declared,
        Declared {
            tests: Some(10),
            failures: Some(0),
            errors: Some(3),
            skipped: Some(1)
        }
    );
    assert_eq!(s.counted, counts(2, 1, 0, 0));
    assert_eq!(s.judged, counts(2, 1, 3, 1));
}

#[test]
fn nested_suites_are_summed_and_judged_bottom_up() {
    let text = r#"<testsuites>
<testsuite name="outer" tests="3" failures="0">
  <testcase name="top"/>
  <testsuite name="inner" failures="0" errors="1">
    <testcase classname="c" name="deep"><failure message="boom"/></testcase>
    <testcase name="ok"/>
  </testsuite>
</testsuite>
<testsuite name="empty"/>
<testcase name="stray"><skipped/></testcase>
</testsuites>"#;
    let r = parse_junit(text).unwrap();
    let names: Vec<&str> = r.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["", "outer", "inner", "empty"]);
    let inner = &r.suites[2];
    assert_eq!((inner.line, inner.column), (4, 3));
    assert_eq!(inner.counted, counts(2, 1, 0, 0));
    assert_eq!(inner.judged, counts(2, 1, 1, 0));
    assert_eq!(inner.cases, 1..3);
    let outer = &r.suites[1];
    assert_eq!(outer.counted, counts(3, 1, 0, 0));
    // The inner suite's errors="1" is carried up although no case errored.
    assert_eq!(outer.contents, counts(3, 1, 1, 0));
    assert_eq!(outer.judged, counts(3, 1, 1, 0));
    assert_eq!(outer.cases, 0..3);
    assert_eq!(r.suites[3].cases, 3..3);
    let root = &r.suites[0];
    assert_eq!(root.counted, counts(4, 1, 0, 1));
    assert_eq!(root.judged, counts(4, 1, 1, 1));
    assert_eq!(root.cases, 0..4);
    assert_eq!(
        parse_junit("<testsuites/>").unwrap().totals(),
        counts(0, 0, 0, 0)
    );
}

#[test]
fn not_junit() {
    assert_eq!(
        at("<?xml version=\"1.0\"?>\n<html><body>hi</body></html>"),
        (
            2,
            1,
            "not a JUnit XML report: the root element is <html>, not <testsuite> or <testsuites>"
                .into()
        )
    );
    let (line, column, m) = at("this is not XML\n");
    assert_eq!((line, column), (1, 1), "{m}");
    let (line, column, m) = at("{\"tests\": 3}");
    assert_eq!((line, column), (1, 1), "{m}");
    assert!(at("").2.contains("no root element"));
    let e = err("<testsuites>\n <testsuite tests=\"three\"/></testsuites>");
    assert_eq!((e.line, e.column), (2, 2), "{e}");
    assert!(
        e.message
            .contains("tests=\"three\" of <testsuite> is not a whole number"),
        "{e}"
    );
}

/// One break each; (text, line, column, words of the message).
#[test]
fn not_well_formed_at_its_position() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "<testsuite>\n<!-- a -- b -->\n</testsuite>",
            2,
            1,
            "comment",
        ),
        (
            "<testsuite name=\"a<b\"/>",
            1,
            19,
            "'<' inside an attribute",
        ),
        ("<testsuite name=\"a & b\"/>", 1, 20, "'&'"),
        (
            "<testsuite>&nbsp;</testsuite>",
            1,
            12,
            "&nbsp; is not defined",
        ),
        ("<testsuite name=\"&xxe;\"/>", 1, 18, "&xxe; is not defined"),
        ("<testsuite>\u{1}</testsuite>", 1, 12, "U+0001"),
        ("<testsuite>\n a\u{0}</testsuite>", 2, 3, "U+0000"),
        ("<testsuite name=\"\u{1b}[31m\"/>", 1, 18, "U+001B"),
        (
            "\n<?xml version=\"1.0\"?><testsuite/>",
            2,
            1,
            "XML declaration",
        ),
        (
            "<testsuite><?xml version=\"1.0\"?></testsuite>",
            1,
            12,
            "XML declaration",
        ),
        ("<testsuite><?XmL x?></testsuite>", 1, 12, "reserved"),
        ("<x:testsuite/>", 1, 2, "prefix 'x' is not declared"),
        ("<testsuite a:b=\"1\"/>", 1, 12, "prefix 'a'"),
        (
            "<testsuite><t xmlns:p=\"\"/></testsuite>",
            1,
            12,
            "undeclared",
        ),
        ("<testsuite name=\"a\"tests=\"1\"/>", 1, 20, "whitespace"),
        (
            "<testsuite>\n<a></b>\n</testsuite>",
            2,
            4,
            "</b> does not match the open element <a>",
        ),
        ("<testsuite>\n<testcase>\n", 3, 1, "ends before"),
        ("<testsuite/>\n<testsuite/>", 2, 1, ""),
        ("<testsuite/> trailing", 1, 14, ""),
        (
            "<testsuite tests=\"3\" tests=\"4\"/>",
            1,
            22,
            "'tests' is repeated",
        ),
        ("<testsuite><1a/></testsuite>", 1, 13, "name"),
        ("<testsuite>a ]]> b</testsuite>", 1, 14, "']]>'"),
        ("<testsuite><![CDATA[x]]>é ]]>é</testsuite>", 1, 27, "']]>'"),
        ("<testsuite>&#0;</testsuite>", 1, 12, ""),
        ("<testsuite>\n&#xD800;</testsuite>", 2, 1, "&#xD800;"),
        ("<testsuite name=\"&#x110000;\"/>", 1, 18, "&#x110000;"),
        (
            "<testsuite>\n<!-- never closed\n</testsuite>",
            2,
            1,
            "never closed",
        ),
        (
            "<?xml version=\"1.0\" standalone=\"maybe\"?><testsuite/>",
            1,
            33,
            "standalone",
        ),
        (
            "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY e \"x\">]><testsuite>&e;</testsuite>",
            1,
            22,
            "document type declaration",
        ),
        (
            "<!DOCTYPE html>\n<html/>",
            1,
            1,
            "document type declaration",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, line, column, words) in cases {
        let e = err(text);
        if !e.message.starts_with("not well-formed XML: ")
            || !e.message.contains(words)
            || (e.line, e.column) != (*line, *column)
        {
            wrong.push(format!("{text:?}: {e}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn literal_ampersand_hash_in_comments_and_cdata_is_fine() {
    let text = "<testsuite><!-- &#0; --><![CDATA[&#xD800;]]><?pi &#1;?><testcase/></testsuite>";
    assert_eq!(parse_junit(text).unwrap().totals(), counts(1, 0, 0, 0));
}

#[test]
fn encodings() {
    let report = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<testsuite name=\"é\">\n<testcase name=\"ü\"><failure message=\"ß\"/></testcase>\n</testsuite>";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(report.encode_utf16().flat_map(u16::to_le_bytes));
    let r = parse_junit_bytes(&bytes).unwrap();
    assert_eq!(r.suites[0].name, "é");
    assert_eq!(
        (r.cases[0].line, r.cases[0].failure.as_deref()),
        (3, Some("ß"))
    );

    let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<testsuite name=\"caf\xe9\"/>";
    assert_eq!(parse_junit_bytes(latin).unwrap().suites[0].name, "café");

    let e =
        parse_junit_bytes(b"<testsuite>\n<testcase name=\"caf\xe9\"/></testsuite>").unwrap_err();
    assert_eq!((e.line, e.column), (2, 20), "{e}");
    assert!(e.message.contains("not UTF-8"), "{e}");

    let e = parse_junit_bytes(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><testsuite/>")
        .unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert!(
        e.message.starts_with("cannot read the report's encoding"),
        "{e}"
    );
}

#[test]
fn byte_order_mark() {
    let r = parse_junit("\u{feff}<testsuite/>").unwrap();
    assert_eq!((r.suites[0].line, r.suites[0].column), (1, 2));
}

#[test]
fn names_and_messages_are_bounded_and_escaped() {
    let long = "x".repeat(10_000);
    let text = format!(
        "<testsuite name=\"{long}\"><testcase name=\"a&#x85;&#x202E;b\"><failure message=\"{long}\"/></testcase></testsuite>"
    );
    let r = parse_junit(&text).unwrap();
    assert_eq!(r.suites[0].name.chars().count(), 121);
    assert_eq!(r.cases[0].name, "a\\u{85}\\u{202e}b");
    assert!(r.cases[0].failure.as_ref().unwrap().ends_with("x…"));
    assert_eq!(bounded("a\u{202e}b\nc", 10), "a\\u{202e}b\\nc");
}

#[test]
fn deep_nesting() {
    let deep = format!(
        "<testsuite>{}{}</testsuite>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    assert_eq!(parse_junit(&deep).unwrap().totals(), counts(0, 0, 0, 0));
    let suites = format!(
        "{}<testcase><failure/></testcase>{}",
        "<testsuite>".repeat(10_000),
        "</testsuite>".repeat(10_000)
    );
    assert_eq!(parse_junit(&suites).unwrap().totals(), counts(1, 1, 0, 0));
}

#[test]
fn text_is_not_a_report() {
    assert_eq!(
        at("3 passed in 1.20s\n"),
        (
            1,
            1,
            "not well-formed XML: text outside the root element (is this a JUnit XML report?)"
                .into()
        )
    );
    assert_eq!(
        at("<testsuite><!DOCTYPE x></testsuite>"),
        (
            1,
            12,
            "not well-formed XML: markup that is not allowed here".into()
        )
    );
}

/// Random byte damage to real reports (UTF-8 and UTF-16) never panics and
/// every failure has a position.
#[test]
fn damaged_reports_never_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpora/junit");
    let seeds: Vec<Vec<u8>> = [
        "generated/pytest-mixed.xml",
        "generated/node-test-runner.xml",
        "malformed/enc-utf16le-bom.xml",
        "malformed/enc-latin1-declared.xml",
    ]
    .iter()
    .map(|f| std::fs::read(format!("{dir}/{f}")).unwrap())
    .collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    const BYTES: &[u8] = b"<>&;#x\"'=/!?-[] \n\0\xff\xfe\xc3\xa9";
    for _ in 0..400 {
        for seed in &seeds {
            let mut b = seed.clone();
            for _ in 0..=next(4) {
                let at = next(b.len());
                match next(3) {
                    0 if at < b.len() => b[at] = BYTES[next(BYTES.len())],
                    1 => b.truncate(at),
                    _ => b.insert(at, BYTES[next(BYTES.len())]),
                }
            }
            if let Err(e) = parse_junit_bytes(&b) {
                assert!(e.line >= 1 && e.column >= 1, "{e:?}");
            }
        }
    }
}
