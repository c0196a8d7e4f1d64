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
fn toml_positions_in_source_order() {
    let text = "\
title = \"x\"
[server]
port = 8080
hosts = [\"a\", \"b\"]
[[jobs]]
name = \"j1\"
env.ZED = 1
[[jobs]]
name = \"j2\"
when = 1979-05-27T07:32:00Z
ratio = 0.5
";
    let v = one(DataFormat::Toml, text);
    assert_eq!((v.line, v.column), (1, 1));
    let keys: Vec<_> = match &v.kind {
        Kind::Object(e) => e.iter().map(|m| m.key.as_str()).collect(),
        _ => panic!(),
    };
    assert_eq!(keys, ["title", "server", "jobs"]);
    assert_eq!(pos(&v, "title"), (1, 9));
    assert_eq!(pos(&v, "server.port"), (3, 8));
    assert_eq!(v.at("server.port").unwrap().kind, Kind::Int(8080));
    assert_eq!(pos(&v, "server.hosts.1"), (4, 15));
    assert_eq!(v.at("jobs.1.name").unwrap().as_str(), Some("j2"));
    assert_eq!(pos(&v, "jobs.1.name"), (9, 8));
    assert_eq!(v.at("jobs.0.env.ZED").unwrap().kind, Kind::Int(1));
    assert_eq!(pos(&v, "jobs.0.env.ZED"), (7, 11));
    assert_eq!(
        v.at("jobs.1.when").unwrap().as_str(),
        Some("1979-05-27T07:32:00Z")
    );
    assert_eq!(v.at("jobs.1.ratio").unwrap().kind, Kind::Float(0.5));
    assert_eq!(one(DataFormat::Toml, "").kind, Kind::Object(vec![]));
}

#[test]
fn toml_errors_have_positions() {
    let e = fail(DataFormat::Toml, "a = 1\nb = \nc = 3\n");
    assert_eq!(e.line, 2, "{e}");
    let e = fail(DataFormat::Toml, "a = 1\n[t]\nx = 1\n[t]\n");
    assert_eq!(e.line, 4, "{e}");
    let e = fail(DataFormat::Toml, "a = 1\na = 2\n");
    assert_eq!((e.line, e.column), (2, 1), "{e}");
    let e = fail(DataFormat::Toml, "x = [1, 2\n");
    assert_eq!(e.line, 1, "{e}");
    let deep = format!("x = {}1{}", "[".repeat(1000), "]".repeat(1000));
    assert!(parse(DataFormat::Toml, &deep).is_err());
}
