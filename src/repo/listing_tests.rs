//! Tests of the read cache and the path rules.
use super::*;

fn listing(names: &[&str]) -> Listing<()> {
    let mut b = Builder::new();
    for n in names {
        b.push(n, EntryKind::File, 0o100644, ()).unwrap();
    }
    Listing::new(b)
}

fn ten_bytes(_: EntryRef<'_>, _: &()) -> Result<Arc<Content>, ReadError> {
    Ok(Arc::new(Content::new(b"0123456789".to_vec())))
}

#[test]
fn within_the_budget_every_file_is_read_once() {
    let l = listing(&["a", "b"]).with_budget(20);
    let a = l.load(0, ten_bytes).unwrap();
    drop(a);
    let again = l.load(0, ten_bytes).unwrap();
    let b = l.load(1, ten_bytes).unwrap();
    assert_eq!(l.read_count(), 2);
    assert!(Arc::ptr_eq(&again, &l.load(0, ten_bytes).unwrap()));
    assert!(Arc::ptr_eq(&b, &l.load(1, ten_bytes).unwrap()));
}

#[test]
fn beyond_the_budget_content_lives_only_while_held() {
    let l = listing(&["a", "b", "c"]).with_budget(10);
    let a = l.load(0, ten_bytes).unwrap(); // kept: the budget is full
    let b = l.load(1, ten_bytes).unwrap(); // held, not kept
    assert_eq!(l.read_count(), 2);
    // Held by someone: the same content, not read again.
    assert!(Arc::ptr_eq(&b, &l.load(1, ten_bytes).unwrap()));
    assert_eq!(l.read_count(), 2);
    let weak = Arc::downgrade(&b);
    drop(b);
    // Nobody holds it: freed, and read again when asked for.
    assert!(weak.upgrade().is_none());
    let b2 = l.load(1, ten_bytes).unwrap();
    assert_eq!(l.read_count(), 3);
    assert_eq!(b2.bytes(), b"0123456789");
    // The kept one is never read again.
    drop(a);
    let _ = l.load(0, ten_bytes).unwrap();
    assert_eq!(l.read_count(), 3);
    // Errors are kept (they are small).
    let missing = |_: EntryRef<'_>, _: &()| -> Result<Arc<Content>, ReadError> {
        Err(ReadError::NotFound { path: "c".into() })
    };
    assert!(l.load(2, missing).is_err());
    assert!(l.load(2, ten_bytes).is_err());
    assert_eq!(l.read_count(), 4);
}

#[test]
fn a_passing_read_keeps_nothing_unless_adopted() {
    let l = listing(&["a", "b", "c"]);
    let kept = l.load(2, ten_bytes).unwrap();
    // Read in passing: counted, not kept; asked for again, read again.
    let a = passing(|| l.load(0, ten_bytes)).unwrap();
    assert_eq!(l.read_count(), 2);
    assert!(!Arc::ptr_eq(&a, &l.load(0, ten_bytes).unwrap()));
    assert_eq!(l.read_count(), 3);
    // What the cache already has is taken from it.
    assert!(Arc::ptr_eq(
        &kept,
        &passing(|| l.load(2, ten_bytes)).unwrap()
    ));
    assert_eq!(l.read_count(), 3);
    // Adopted: kept without another read.
    let b = passing(|| l.load(1, ten_bytes)).unwrap();
    ADOPTED.with(|x| *x.borrow_mut() = Some(Arc::clone(&b)));
    assert!(Arc::ptr_eq(&b, &l.load(1, ten_bytes).unwrap()));
    ADOPTED.with(|x| x.borrow_mut().take());
    drop(b);
    let _ = l.load(1, ten_bytes).unwrap();
    assert_eq!(l.read_count(), 4);
    let s = l.stats(true);
    assert_eq!((s.read, s.reads), (3, 4));
    assert_eq!(s.paths, Some(vec!["a".into(), "b".into(), "c".into()]));
}

#[test]
fn path_rules() {
    assert!(is_clean(b"a/b.txt"));
    assert!(!is_clean(b""));
    assert!(!is_clean(b"/a"));
    assert!(!is_clean(b"a//b"));
    assert!(!is_clean(b"a/../b"));
    assert!(!is_clean(b"./a"));
    assert!(!is_clean(b"a/"));
    assert_eq!(under_prefix(b"a/b", b""), Some(&b"a/b"[..]));
    assert_eq!(under_prefix(b"sub/b", b"sub"), Some(&b"b"[..]));
    assert_eq!(under_prefix(b"subx/b", b"sub"), None);
    assert_eq!(under_prefix(b"sub", b"sub"), None);
    assert_eq!(join_prefix(b"sub", b"b"), b"sub/b".to_vec());
    assert_eq!(join_prefix(b"", b"b"), b"b".to_vec());
}

#[test]
fn descends_only_toward_the_prefix() {
    assert!(descends(b"a", b""));
    assert!(descends(b"a", b"a/b"));
    assert!(descends(b"a/b", b"a/b"));
    assert!(descends(b"a/b/c", b"a/b"));
    assert!(!descends(b"ab", b"a/b"));
    assert!(!descends(b"a/bc", b"a/b"));
    assert!(!descends(b"x", b"a"));
}

#[test]
fn names_are_injective_and_turn_back_into_bytes() {
    let cases: &[(&[u8], &str)] = &[
        (b"config/app.env", "config/app.env"),
        (
            "d\u{e9}j\u{e0}/\u{fffd}.env".as_bytes(),
            "d\u{e9}j\u{e0}/\u{fffd}.env",
        ),
        (b"config/override\xFF.env", r"config/override\xFF.env"),
        (br"config/override\xFF.env", r"config/override\\xFF.env"),
        (br"v9\", r"v9\\"),
        (b"\xC3(\xE9", r"\xC3(\xE9"),
        (b"a\\\xFF", r"a\\\xFF"),
    ];
    for (bytes, name) in cases {
        assert_eq!(path_string(bytes), *name);
        let mut listed = Builder::new();
        listed.push_bytes(bytes, EntryKind::File, 0, ()).unwrap();
        assert_eq!(listed.finish().0.path(0), Some(*name));
        assert_eq!(path_bytes(name).as_deref(), Some(*bytes), "{name}");
    }
    let names: std::collections::HashSet<String> =
        cases.iter().map(|(b, _)| path_string(b)).collect();
    assert_eq!(names.len(), cases.len());
    // Forms no path has: they name nothing.
    for bad in [r"\x41", r"a\", r"\q", r"\xff", r"\xF", r"\xC3\xA9"] {
        assert_eq!(path_bytes(bad), None, "{bad}");
    }
}
