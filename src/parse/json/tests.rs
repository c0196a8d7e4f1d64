use crate::parse::structured::{DataFormat, parse};
use crate::parse::value::{Kind, ParseFailure, Value};

fn one(format: DataFormat, text: &str) -> Value {
    let mut docs = parse(format, text).unwrap();
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs.remove(0)
}

fn pos(v: &Value, path: &str) -> (usize, usize) {
    let n = v.at(path).unwrap_or_else(|| panic!("no {path}"));
    (n.line, n.column)
}

fn fail(format: DataFormat, text: &str) -> ParseFailure {
    parse(format, text).unwrap_err()
}

#[test]
fn json_nested_positions() {
    let v = one(
        DataFormat::Json,
        "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"é\": -2.5e1,\n  \"t\": true\n}\n",
    );
    assert_eq!((v.line, v.column), (1, 1));
    assert_eq!(pos(&v, "a"), (2, 8));
    assert_eq!(pos(&v, "a.b"), (2, 14));
    assert_eq!(pos(&v, "a.b.0"), (2, 15));
    assert_eq!(pos(&v, "a.b.1.c"), (2, 24));
    assert_eq!(v.at("a.b.1.c").unwrap().as_str(), Some("x"));
    assert_eq!(v.at("é").unwrap().kind, Kind::Float(-25.0));
    assert_eq!(pos(&v, "é"), (3, 8));
    assert_eq!(v.at("t").unwrap().kind, Kind::Bool(true));
    let keys: Vec<_> = match &v.kind {
        Kind::Object(e) => e.iter().map(|m| m.key.as_str()).collect(),
        _ => panic!(),
    };
    assert_eq!(keys, ["a", "é", "t"]);
}

#[test]
fn json_scalars_and_strings() {
    let v = one(
        DataFormat::Json,
        r#"[0, -0, 9223372036854775807, 9223372036854775808, 1.5, null, "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", ""]"#,
    );
    let k: Vec<_> = (0..8)
        .map(|i| v.at(&i.to_string()).unwrap().kind.clone())
        .collect();
    assert_eq!(k[0], Kind::Int(0));
    assert_eq!(k[1], Kind::Int(0));
    assert_eq!(k[2], Kind::Int(i64::MAX));
    assert_eq!(k[3], Kind::Float(9223372036854775808.0));
    assert_eq!(k[4], Kind::Float(1.5));
    assert_eq!(k[5], Kind::Null);
    assert_eq!(k[6], Kind::Str("a\"\\/\u{8}\u{c}\n\r\té😀".into()));
    assert_eq!(k[7], Kind::Str(String::new()));
    // Scalars at the top level are JSON too (RFC 8259), and a BOM is ignored.
    assert_eq!(one(DataFormat::Json, " 42 ").kind, Kind::Int(42));
    assert_eq!(
        one(DataFormat::Json, "\u{feff}\"x\"").kind,
        Kind::Str("x".into())
    );
}

#[test]
fn json_errors_point_at_the_problem() {
    let missing_comma = "{\n  \"a\": 1\n  \"b\": 2\n}\n";
    let e = fail(DataFormat::Json, missing_comma);
    assert_eq!((e.line, e.column), (3, 3), "{e}");
    assert!(e.message.contains("expected ',' or '}'"), "{e}");

    let dup = "{\"a\": 1,\n \"a\": 2}";
    let e = fail(DataFormat::Json, dup);
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (2, 2, "duplicate key \"a\"")
    );

    for (text, line, column) in [
        ("", 1, 1),
        ("{", 1, 2),
        ("[1,]", 1, 4),
        ("{\"a\":1,}", 1, 8),
        ("// c\n{}", 1, 1),
        ("{'a': 1}", 1, 2),
        ("[01]", 1, 2),
        ("[1.]", 1, 4),
        ("[.5]", 1, 2),
        ("[+1]", 1, 2),
        ("[NaN]", 1, 2),
        ("[1e999]", 1, 2),
        ("[tru]", 1, 2),
        ("{} {}", 1, 4),
        ("[\"a\tb\"]", 1, 4),
        ("[\"\\x\"]", 1, 3),
        ("[\"\\ud800\"]", 1, 3),
        ("[\"\\udc00\"]", 1, 3),
        ("\n\n  \"abc", 3, 3),
        ("a: 1", 1, 1),
    ] {
        let e = fail(DataFormat::Json, text);
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
    }
    // Deep nesting is refused, not a stack overflow.
    let deep = "[".repeat(100_000);
    let e = fail(DataFormat::Json, &deep);
    assert!(e.message.contains("nesting"), "{e}");
    assert_eq!(e.column, 129);
}

#[test]
fn json_agrees_with_serde_json_on_validity() {
    for text in [
        "{}",
        "[]",
        "1",
        "-0.0e+0",
        "\"\\u0000\"",
        "[1,2",
        "{\"a\"}",
        "[1]]",
        "\"\u{7f}\"",
        "{\"a\":{\"b\":[true,false,null]}}",
        "1.0E-2",
        "-",
        "--1",
        "1e",
        "0x10",
        "[,]",
        "\"\\uD834\\uDD1E\"",
        "\"\\uD834x\"",
    ] {
        let ours = parse(DataFormat::Json, text).is_ok();
        let reference = serde_json::from_str::<serde_json::Value>(text).is_ok();
        assert_eq!(ours, reference, "{text:?}");
    }
}

