use crate::parse::structured::tests::{fail, one, pos};
use crate::parse::structured::{DataFormat, parse};
use crate::parse::value::Kind;

#[test]
fn yaml_nested_positions_and_schema() {
    let text = "\
a:
  b:
    - 1
    - c: x
      d: [10, 'q']
on: push
mode: 0755
yes_: yes
f: 1.5
n: ~
big: 1_000
\"k é\": é
";
    let v = one(DataFormat::Yaml, text);
    assert_eq!((v.span.line, v.span.column), (1, 1));
    assert_eq!(pos(&v, "a"), (2, 3));
    assert_eq!(pos(&v, "a.b"), (3, 5));
    assert_eq!(pos(&v, "a.b.0"), (3, 7));
    assert_eq!(v.at("a.b.0").unwrap().kind, Kind::Int(1));
    assert_eq!(pos(&v, "a.b.1"), (4, 7));
    assert_eq!(pos(&v, "a.b.1.c"), (4, 10));
    assert_eq!(pos(&v, "a.b.1.d.1"), (5, 15));
    assert_eq!(v.at("a.b.1.d.1").unwrap().as_str(), Some("q"));
    assert_eq!(v.get("on").unwrap().as_str(), Some("push"));
    assert_eq!(v.get("mode").unwrap().as_str(), Some("0755"));
    assert_eq!(v.get("yes_").unwrap().as_str(), Some("yes"));
    assert_eq!(v.get("f").unwrap().kind, Kind::Float(1.5));
    assert_eq!(v.get("n").unwrap().kind, Kind::Null);
    assert_eq!(v.get("big").unwrap().as_str(), Some("1_000"));
    assert_eq!(v.get("k é").unwrap().as_str(), Some("é"));
    assert_eq!(pos(&v, "k é"), (12, 8));
}

#[test]
fn yaml_keys_are_text() {
    let v = one(DataFormat::Yaml, "1: a\ntrue: b\n~: c\n");
    let keys: Vec<_> = match &v.kind {
        Kind::Object(e) => e.iter().map(|m| m.key.as_str()).collect(),
        _ => panic!(),
    };
    assert_eq!(keys, ["1", "true", "~"]);
}

#[test]
fn yaml_multi_document() {
    let docs = parse(
        DataFormat::Yaml,
        "a: 1\n---\nb:\n  - x\n---\n# empty\n---\nc: 3\n",
    )
    .unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(pos(&docs[1], "b.0"), (4, 5));
    assert_eq!(pos(&docs[2], "c"), (8, 4));
    assert!(parse(DataFormat::Yaml, "").unwrap().is_empty());
    assert!(parse(DataFormat::Yaml, "# nothing\n").unwrap().is_empty());
}

#[test]
fn yaml_anchors_and_merges() {
    let v = one(
        DataFormat::Yaml,
        "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\nalias: *b\n",
    );
    assert_eq!(v.at("use.x").unwrap().kind, Kind::Int(1));
    assert_eq!(v.at("alias.x").unwrap().kind, Kind::Int(1));
    assert_eq!(pos(&v, "alias"), (6, 8));
}

#[test]
fn yaml_errors_have_positions() {
    let e = fail(DataFormat::Yaml, "a: 1\nb: 2\na: 3\n");
    assert_eq!((e.line, e.column), (3, 1), "{e}");
    assert!(e.message.starts_with("duplicate mapping key: a"), "{e}");
    assert!(!e.message.contains("at line"), "{e}");

    let e = fail(DataFormat::Yaml, "a:\n  b: [1, 2\nc: 3\n");
    assert_eq!((e.line, e.column), (3, 2), "{e}");

    let e = fail(DataFormat::Yaml, "a: 1\n b: 2\n");
    assert_eq!((e.line, e.column), (2, 3), "{e}");

    let e = fail(DataFormat::Yaml, "ok: 1\n---\nkey: \"unterminated\n");
    assert_eq!((e.line, e.column), (3, 6), "{e}");
    assert_eq!(e.message, "unclosed quote");

    // Complex (non-scalar) keys are refused rather than guessed at.
    let e = fail(DataFormat::Yaml, "? [a]\n: b\n");
    assert_eq!(e.line, 1, "{e}");

    // Nesting: 64 levels parse, deeper is refused with a position (and
    // never overflows the stack).
    let nest = |d: usize| {
        (0..d)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>()
    };
    assert!(parse(DataFormat::Yaml, &nest(64)).is_ok());
    let e = fail(DataFormat::Yaml, &nest(65));
    assert_eq!(e.line, 65, "{e}");
    for d in [65, 1000] {
        let flow = format!("{}1{}", "[".repeat(d), "]".repeat(d));
        let e = fail(DataFormat::Yaml, &flow);
        assert_eq!(e.line, 1, "{e}");
    }

    let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
    assert!(parse(DataFormat::Yaml, bomb).is_err());
}

/// Policy files and test cases: one document, read with the data files'
/// options, every entry kept, refusals located and classed.
#[test]
fn one_document_with_spans_repeats_kept_and_limits_named() {
    use crate::parse::structured::parse_yaml_document;

    let text = "id: A\nlist: [1, 'x']\nid: B\n";
    let v = parse_yaml_document(text).unwrap();
    let Kind::Object(members) = &v.kind else {
        panic!("{v:?}")
    };
    // Both `id` entries are kept, in source order, each with its key's span.
    let keys: Vec<_> = members
        .iter()
        .map(|m| {
            (
                m.key.as_str(),
                m.key_span.line,
                m.key_span.offset,
                m.key_span.len,
            )
        })
        .collect();
    assert_eq!(keys, [("id", 1, 0, 2), ("list", 2, 6, 4), ("id", 3, 21, 2)]);
    assert_eq!(v.duplicates().len(), 1);
    let x = v.at("list.1").unwrap();
    assert_eq!(
        (x.span.line, x.span.column, x.span.offset, x.span.len),
        (2, 11, 16, 3)
    );
    assert_eq!(&text[x.span.offset..x.span.offset + x.span.len], "'x'");
    // The data files' schema.
    let v = parse_yaml_document("a: 1_000\nb: 0644\nc: yes\nd: ~\n").unwrap();
    assert_eq!(v.get("a").unwrap().as_str(), Some("1_000"));
    assert_eq!(v.get("b").unwrap().as_str(), Some("0644"));
    assert_eq!(v.get("c").unwrap().as_str(), Some("yes"));
    assert_eq!(v.get("d").unwrap().kind, Kind::Null);
    assert_eq!(parse_yaml_document("").unwrap().kind, Kind::Null);

    // A syntax error: serde-saphyr's words, no position in them.
    let e = parse_yaml_document("ok: 1\nkey: \"unterminated\n").unwrap_err();
    assert_eq!(
        (e.span.line, e.span.column, e.message.as_str()),
        (2, 6, "unclosed quote")
    );
    assert!(!e.over_limit);
    assert!(parse_yaml_document("a: 1\n---\nb: 2\n").is_err());

    // Budgets: said in words, at the place that broke them.
    let nest: String = (0..65).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let e = parse_yaml_document(&nest).unwrap_err();
    assert!(e.over_limit, "{e:?}");
    assert_eq!(e.message, "it nests more than 64 levels deep");
    assert_eq!(e.span.line, 65, "{e:?}");
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let e = parse_yaml_document(&bomb).unwrap_err();
    assert!(e.over_limit, "{e:?}");
    assert_eq!(
        e.message,
        "its aliases expand to more than 200000 parse events"
    );
    assert_eq!((e.span.line, e.span.column), (6, 15), "{e:?}");
    assert!(bomb[e.span.offset..].starts_with("*a4"), "{e:?}");
}
