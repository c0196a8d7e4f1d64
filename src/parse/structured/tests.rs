use crate::parse::structured::{DataFormat, data_format_for_path, parse};
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

