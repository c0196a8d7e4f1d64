use super::*;
use crate::parse::value::Kind;

fn file(text: &str) -> Arc<PolicyFile> {
    Arc::new(PolicyFile {
        name: ".relgate/p.yaml".into(),
        text: Arc::from(text),
    })
}

fn errors(text: &str) -> Vec<LoadError> {
    read(&file(text)).unwrap_err()
}

#[test]
fn keeps_positions_and_modes() {
    let n = read(&file("version: 1\nmode: 0644\np:\n  - id: x\n")).unwrap();
    let mode = n.get("mode").unwrap();
    assert_eq!(mode.kind, Kind::Str("0644".into()));
    assert_eq!((mode.span.line, mode.span.column), (2, 7));
    let Kind::Array(items) = &n.get("p").unwrap().kind else {
        panic!()
    };
    let id = items[0].get("id").unwrap();
    let s = id.span;
    assert_eq!((s.line, s.column, s.offset, s.len), (4, 9, 33, 1));
    // Only `true` and `false` are booleans: `on: yes` stays a string.
    let n = read(&file("on: yes\nb: true\n")).unwrap();
    assert_eq!(n.get("on").unwrap().as_str(), Some("yes"));
    assert_eq!(n.get("b").unwrap().kind, Kind::Bool(true));
    // An empty file is one null document.
    assert_eq!(read(&file("")).unwrap().kind, Kind::Null);
}

#[test]
fn every_repeated_key_is_an_error_naming_both_places() {
    let text =
        "version: 1\npolicies:\n  - id: A\n    title: t\n    id: B\n    title: u\nversion: 2\n";
    let e = errors(text);
    let got: Vec<_> = e
        .iter()
        .map(|e| (e.span.line, e.span.column, e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                5,
                5,
                "invalid YAML: duplicate key 'id' (first at line 3, column 5)"
            ),
            (
                6,
                5,
                "invalid YAML: duplicate key 'title' (first at line 4, column 5)"
            ),
            (
                7,
                1,
                "invalid YAML: duplicate key 'version' (first at line 1, column 1)"
            ),
        ]
    );
    let first = &e[0];
    assert_eq!(first.code, Code::Yaml);
    assert_eq!(
        (first.span.offset, first.span.len),
        (text.find("id: B").unwrap(), 2)
    );
    assert_eq!(first.label, "repeated here");
    let (at, label) = &first.related[0];
    assert_eq!(
        (at.line, at.column, at.offset, label.as_str()),
        (3, 5, 25, "first here")
    );
    assert_eq!(
        first.help.as_deref(),
        Some("a key appears once in a mapping: keep one 'id' and remove the other")
    );
    // A merge key that an explicit key overrides is no repeat.
    assert!(read(&file("base: &b {x: 1}\nuse:\n  <<: *b\n  x: 2\n")).is_ok());
}

/// A billion-laughs document: nine levels of nine aliases each.
pub(crate) fn alias_bomb() -> String {
    let mut text =
        String::from("version: 1\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("policies: []\n");
    text
}

#[test]
fn an_alias_bomb_is_a_located_error_with_a_suggestion() {
    let text = alias_bomb();
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    let e = &e[0];
    assert_eq!(e.code, Code::Yaml);
    assert!(e.message.starts_with("invalid YAML: "), "{}", e.message);
    assert!(!e.message.contains("at line"), "{}", e.message);
    // Located at an alias that expands past the budget, on one of the anchor lines.
    assert!((3..=10).contains(&e.span.line), "{e:?}");
    let line = text.lines().nth(e.span.line - 1).unwrap();
    assert!(text[e.span.offset..].starts_with("*a"), "{line}: {e:?}");
    assert_eq!(e.label, "past the limit");
    assert!(e.help.as_deref().unwrap().contains("alias bomb"), "{e:?}");
}

#[test]
fn syntax_errors_and_second_documents_are_located() {
    let e = errors("version: 1\npolicies: [\n");
    assert_eq!((e[0].code, e[0].span.line), (Code::Yaml, 2), "{e:?}");
    assert_eq!(e[0].label, "here");
    assert!(e[0].help.is_none());
    let e = errors("version: 1\n---\nversion: 1\n");
    assert_eq!(e[0].code, Code::Yaml, "{e:?}");
}
