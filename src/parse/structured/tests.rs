use crate::parse::structured::{DataFormat, Locator, data_format_for_path, parse};
use crate::parse::value::{Kind, ParseFailure, Value};

/// The one document `text` holds (the format's unit tests share these helpers).
pub(crate) fn one(format: DataFormat, text: &str) -> Value {
    let mut docs = parse(format, text).unwrap();
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs.remove(0)
}

/// Line and column of the value at `path`.
pub(crate) fn pos(v: &Value, path: &str) -> (usize, usize) {
    let n = v.at(path).unwrap_or_else(|| panic!("no {path}"));
    (n.span.line, n.span.column)
}

/// Why `text` does not parse.
pub(crate) fn fail(format: DataFormat, text: &str) -> ParseFailure {
    parse(format, text).unwrap_err()
}

#[test]
fn formats_by_path() {
    assert_eq!(data_format_for_path("a/b.JSON"), Some(DataFormat::Json));
    assert_eq!(data_format_for_path("x.yml"), Some(DataFormat::Yaml));
    assert_eq!(data_format_for_path("x.Yaml"), Some(DataFormat::Yaml));
    assert_eq!(data_format_for_path("Cargo.toml"), Some(DataFormat::Toml));
    assert_eq!(data_format_for_path("x.yaml.bak"), None);
    assert_eq!(data_format_for_path("json"), None);
    assert_eq!(data_format_for_path("dir.json/file"), None);
}

#[test]
fn at_get_and_scalars() {
    let v = one(
        DataFormat::Json,
        r#"{"a": {"b": [10, {"c": null}]}, "x.y": 1, "f": 2.5, "s": "t"}"#,
    );
    assert_eq!(v.at("").unwrap(), &v);
    assert_eq!(v.at(".").unwrap(), &v);
    assert_eq!(v.at(".a.b.0").unwrap().kind, Kind::Int(10));
    assert_eq!(v.at("a.b.1.c").unwrap().scalar_text().as_deref(), Some(""));
    assert!(v.at("a.b.2").is_none());
    assert!(v.at("a.b.x").is_none());
    assert!(v.at("a.b.-1").is_none());
    assert!(v.at("a..b").is_none());
    assert!(v.at("x.y").is_none());
    assert_eq!(v.get("x.y").unwrap().kind, Kind::Int(1));
    assert!(v.at("s.0").is_none());
    assert_eq!(v.get("f").unwrap().scalar_text().as_deref(), Some("2.5"));
    assert_eq!(v.at("a.b.0").unwrap().scalar_text().as_deref(), Some("10"));
    assert_eq!(v.get("s").unwrap().scalar_text().as_deref(), Some("t"));
    assert_eq!(v.get("a").unwrap().scalar_text(), None);
    // `text` is the policy language's "a value was given": null gives none.
    assert_eq!(v.at("a.b.1.c").unwrap().text(), None);
    assert_eq!(v.get("f").unwrap().text().as_deref(), Some("2.5"));
    assert_eq!(v.get("a").unwrap().text(), None);
    assert_eq!(v.get("a").unwrap().as_object().map(<[_]>::len), Some(1));
    assert_eq!(v.get("s").unwrap().as_object(), None);
    let names: Vec<_> = ["null", "true", "1", "1.5", "\"s\"", "[]", "{}"]
        .iter()
        .map(|t| one(DataFormat::Json, t).type_name())
        .collect();
    assert_eq!(
        names,
        [
            "null", "boolean", "integer", "number", "string", "array", "object"
        ]
    );
}

/// Read for a name, a repeated key is an error only where it could change
/// what the document says about the name; elsewhere both entries are kept.
#[test]
fn duplicates_matter_only_near_the_name() {
    use crate::parse::structured::parse_for_name;
    const N: &str = "FLAG";
    let ok = |format, text: &str| {
        parse_for_name(format, text, N).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    };
    let err = |format, text: &str| parse_for_name(format, text, N).unwrap_err();

    // Unrelated repeats: kept, in source order (the strict reading refuses them).
    let docs = ok(DataFormat::Yaml, "a: 1\nb: 2\na: 3\nFLAG: 0\n");
    let keys: Vec<_> = match &docs[0].kind {
        Kind::Object(m) => m
            .iter()
            .map(|m| (m.key.as_str(), m.key_span.line))
            .collect(),
        _ => panic!(),
    };
    assert_eq!(keys, [("a", 1), ("b", 2), ("a", 3), ("FLAG", 4)]);
    assert!(parse(DataFormat::Yaml, "a: 1\nb: 2\na: 3\n").is_err());
    ok(DataFormat::Json, "{\"a\": 1, \"a\": 2, \"FLAG\": 0}");
    ok(
        DataFormat::Yaml,
        "env:\n  - name: FLAG\n    value: 0\n  - name: X\n    value: 1\n    value: 2\n",
    );
    assert_eq!(pos(&ok(DataFormat::Yaml, "x: 1\nx: 2\n")[0], "x"), (1, 4));

    // Repeats that decide the flag: the name itself, a value mentioning it, the
    // value of a name/value entry for it.
    for (format, text, line, column) in [
        (DataFormat::Yaml, "FLAG: 0\nFLAG: 1\n", 2, 1),
        (DataFormat::Yaml, "env:\n  FLAG: 0\nenv:\n  X: 1\n", 3, 1),
        (
            DataFormat::Yaml,
            "- name: FLAG\n  value: 0\n  value: 1\n",
            3,
            3,
        ),
        (
            DataFormat::Yaml,
            "- name: X\n  name: FLAG\n  value: 1\n",
            2,
            3,
        ),
        (DataFormat::Json, "{\"FLAG\": 0,\n \"FLAG\": 1}", 2, 2),
        (DataFormat::Json, "{\"e\": [\"FLAG=0\"], \"e\": []}", 1, 19),
    ] {
        let e = err(format, text);
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
        assert!(e.message.starts_with("duplicate key "), "{e}");
        assert!(e.message.ends_with("decides FLAG"), "{e}");
    }
    // A large mapping (hashed rather than compared pairwise) is judged alike.
    let mut big: String = (0..20).map(|i| format!("k{i}: {i}\n")).collect();
    big.push_str("k0: 1\nk3: FLAG=1\n");
    let e = err(DataFormat::Yaml, &big);
    assert_eq!((e.line, e.column), (22, 1), "{e}");
    assert!(
        e.message
            .starts_with("duplicate key \"k3\" (first at line 4)"),
        "{e}"
    );

    // TOML forbids repeats (every TOML reader refuses them).
    let e = fail(DataFormat::Toml, "a = 1\na = 2\n");
    assert_eq!(e.line, 2);
    assert!(parse_for_name(DataFormat::Toml, "a = 1\na = 2\n", N).is_err());

    // A flag finding for a document that does not parse is where it names the flag.
    let text = "x: {{ .Values.x }}\nFLAG: \"1\"\n";
    let e = err(DataFormat::Yaml, text);
    assert_eq!(e.line, 1, "{e}");
    let e = crate::parse::structured::at_the_name(e, text, N);
    assert_eq!((e.line, e.column), (2, 1), "{e}");
    assert!(e.message.contains("(at line 1, column "), "{e}");
    assert!(e.message.ends_with("; it names FLAG at line 2"), "{e}");
    let text = "{\"FLAG\": 1,}";
    let e = crate::parse::structured::at_the_name(err(DataFormat::Json, text), text, N);
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (1, 12, "expected a string key, found '}'")
    );
}

/// Every format gives each value and key its byte range beside its line and column.
#[test]
fn spans_cover_the_source_text() {
    let slice =
        |text: &str, s: crate::parse::value::Span| text[s.offset..s.offset + s.len].to_owned();
    for (format, text, path, value, key) in [
        (
            DataFormat::Json,
            "{\"a\": [1, \"x\"],\n \"b\": {\"c\": true}}",
            "b",
            "{\"c\": true}",
            "\"a\"",
        ),
        (
            DataFormat::Json,
            "{\"a\": [1, \"x\"]}",
            "a.1",
            "\"x\"",
            "\"a\"",
        ),
        (
            DataFormat::Toml,
            "[t]\na = \"x\"\nb = [1, 2]\n",
            "t.b",
            "[1, 2]",
            "t",
        ),
        (
            DataFormat::Yaml,
            "t:\n  a: 'x'\n  b: [1, 2]\n",
            "t.a",
            "'x'",
            "t",
        ),
    ] {
        let doc = one(format, text);
        let v = doc.at(path).unwrap();
        assert_eq!(slice(text, v.span), value, "{format:?} {path}");
        let (line, column) = Locator::new(text).locate(v.span.offset);
        assert_eq!((v.span.line, v.span.column), (line, column), "{format:?}");
        let first = &doc.as_object().unwrap()[0];
        assert_eq!(slice(text, first.key_span), key, "{format:?}");
    }
}
