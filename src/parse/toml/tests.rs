use crate::parse::structured::tests::{fail, one, pos};
use crate::parse::structured::{DataFormat, parse};
use crate::parse::value::{Kind, Value};

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
    assert_eq!((v.span.line, v.span.column), (1, 1));
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

/// toml-test (github.com/toml-lang/toml-test, MIT, the TOML 1.1.0 file list,
/// vendored under `tests/corpora/toml/`): every valid file parses to the
/// value its `.json` twin records, every invalid file is refused. It checks
/// the `toml` crate and, above all, this module's conversion of its tree
/// (integers, floats, dates, table order).
#[test]
fn toml_test_suite() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/toml");
    let list = std::fs::read_to_string(root.join("files-toml-1.1.0")).unwrap();
    let mut wrong = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for name in list.lines().filter(|l| l.ends_with(".toml")) {
        let bytes = std::fs::read(root.join(name)).unwrap();
        let ours = std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|t| parse(DataFormat::Toml, t).map_err(|e| e.to_string()));
        if name.starts_with("valid/") {
            valid += 1;
            let json = root.join(name.replace(".toml", ".json"));
            let want: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
            match ours {
                Ok(docs) => {
                    if let Err(e) = same(&docs[0], &want, "") {
                        wrong.push(format!("{name}: {e}"));
                    }
                }
                Err(e) => wrong.push(format!("{name}: refused: {e}")),
            }
        } else {
            invalid += 1;
            if ours.is_ok() {
                wrong.push(format!("{name}: parsed, must be refused"));
            }
        }
    }
    assert_eq!((valid, invalid), (220, 492));
    assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
}

/// Our value against toml-test's tagged JSON (`{"type": ..., "value": ...}`
/// leaves).
fn same(v: &Value, want: &serde_json::Value, at: &str) -> Result<(), String> {
    use serde_json::Value as J;
    let leaf = want.as_object().filter(|o| {
        o.len() == 2
            && o.get("type").is_some_and(J::is_string)
            && o.get("value").is_some_and(J::is_string)
    });
    if let Some(o) = leaf {
        let (ty, text) = (o["type"].as_str().unwrap(), o["value"].as_str().unwrap());
        let ok = match (ty, &v.kind) {
            ("string", Kind::Str(s)) => s == text,
            ("integer", Kind::Int(i)) => i.to_string() == text,
            ("float", Kind::Float(f)) => match text {
                "nan" | "+nan" | "-nan" => f.is_nan(),
                "inf" | "+inf" => *f == f64::INFINITY,
                "-inf" => *f == f64::NEG_INFINITY,
                _ => text.parse::<f64>().is_ok_and(|w| w == *f),
            },
            ("bool", Kind::Bool(b)) => b.to_string() == text,
            ("datetime" | "datetime-local" | "date-local" | "time-local", Kind::Str(s)) => {
                canonical_time(s) == canonical_time(text)
            }
            _ => false,
        };
        return if ok {
            Ok(())
        } else {
            Err(format!("{at}: {:?} is not {ty} {text:?}", v.kind))
        };
    }
    match (want, &v.kind) {
        (J::Array(items), Kind::Array(ours)) if items.len() == ours.len() => items
            .iter()
            .zip(ours)
            .enumerate()
            .try_for_each(|(i, (w, o))| same(o, w, &format!("{at}.{i}"))),
        (J::Object(map), Kind::Object(members)) if map.len() == members.len() => {
            members.iter().try_for_each(|m| match map.get(&m.key) {
                Some(w) => same(&m.value, w, &format!("{at}.{}", m.key)),
                None => Err(format!("{at}: unexpected key {:?}", m.key)),
            })
        }
        _ => Err(format!("{at}: {:?} is not {want}", v.kind)),
    }
}

/// A date-time with `T`, upper case, and no trailing zeros in the fraction of
/// a second (toml-test writes milliseconds, `.600`; the value is the same).
fn canonical_time(s: &str) -> String {
    let s = s.replace(' ', "T").to_ascii_uppercase();
    let Some(dot) = s.find('.') else { return s };
    let digits = s[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
    let fraction = s[dot + 1..dot + 1 + digits].trim_end_matches('0');
    let dot_part = if fraction.is_empty() {
        String::new()
    } else {
        format!(".{fraction}")
    };
    format!("{}{dot_part}{}", &s[..dot], &s[dot + 1 + digits..])
}
