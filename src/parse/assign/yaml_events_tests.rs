//! The fast path against the value tree: on every YAML file the repository
//! vendors (the yaml-test-suite inputs under `tests/corpora/yaml/`, the
//! policies, fixtures and examples) and on generated variations of the forms
//! an assignment takes, the fast path finds exactly what the tree finds
//! (value, raw line, line, column), or declines. Where the tree refuses a text
//! (a parse error, a repeated key that matters), the fast path must decline.
//!
//! `RELGATE_YAML_CORPUS=DIR cargo test --lib yaml_events -- --ignored` runs
//! both on every `.yml`/`.yaml` file under DIR that spells the flag's name (a
//! benchmark repository, say).

use super::assignments;
use crate::parse::assign::Assignment;
use crate::parse::assign::tree::tree_only;
use crate::parse::structured::DataFormat;
use std::path::{Path, PathBuf};

const NAME: &str = "BILLING_GATEWAY_ENABLE_REAL";

fn sorted(mut found: Vec<Assignment>) -> Vec<Assignment> {
    found.sort_by_key(|a| (a.line, a.column));
    found
}

/// Both paths on `text` for `name`; panics when the fast path answers
/// something the tree does not say. The fast path's answer.
fn agree(text: &str, name: &str) -> Option<Vec<Assignment>> {
    let fast = assignments(text, name);
    if let Some(found) = &fast {
        match tree_only(DataFormat::Yaml, text, name) {
            Ok(tree) => assert_eq!(
                sorted(found.clone()),
                sorted(tree),
                "{name} in {text:?}: the fast path (left) and the tree (right) differ"
            ),
            Err(e) => {
                panic!("{name} in {text:?}: the fast path found {found:?}, the tree refused: {e}")
            }
        }
    }
    fast
}

#[derive(Debug, Default)]
struct Tally {
    runs: usize,
    declined: usize,
    found: usize,
}

impl Tally {
    fn add(&mut self, text: &str, name: &str) {
        self.runs += 1;
        match agree(text, name) {
            None => self.declined += 1,
            Some(found) => self.found += usize::from(!found.is_empty()),
        }
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            if name != "target" && name != ".git" {
                yaml_files(&path, out);
            }
        } else if kind.is_file() && (name.ends_with(".yml") || name.ends_with(".yaml")) {
            out.push(path);
        }
    }
}

/// The names tried on a file: the flag's, the env-list keys, and the words
/// of the file itself (keys, values, items' `NAME=` prefixes), up to 24.
fn names_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = [NAME, "name", "value", "valueFrom", "a", "key"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let words = text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'));
    for w in words {
        if names.len() >= 24 {
            break;
        }
        if !w.is_empty() && !names.iter().any(|n| n == w) {
            names.push(w.to_owned());
        }
    }
    names
}

#[test]
fn every_vendored_yaml_file_reads_as_the_tree_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(root, &mut files);
    let suite = files
        .iter()
        .filter(|p| p.starts_with(root.join("tests/corpora/yaml")))
        .count();
    assert!(suite >= 400, "the yaml-test-suite inputs: {suite} files");
    assert!(files.len() >= suite + 100, "{} files", files.len());
    let mut tally = Tally::default();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for name in names_in(&text) {
            tally.add(&text, &name);
        }
    }
    // The fast path answers most of them, and finds assignments in many: a
    // fast path that always declined would pass the comparison unnoticed.
    assert!(tally.declined * 3 < tally.runs, "{tally:?}");
    assert!(tally.found > 600, "{tally:?}");
}

#[test]
#[ignore = "needs RELGATE_YAML_CORPUS=DIR (a benches/gen-repo.sh repository): scripts/slow-tests.sh"]
fn a_benchmark_corpus_reads_as_the_tree_reads_it() {
    let dir = std::env::var_os("RELGATE_YAML_CORPUS")
        .unwrap_or_else(|| panic!("RELGATE_YAML_CORPUS names no directory"));
    let mut files = Vec::new();
    yaml_files(Path::new(&dir), &mut files);
    let mut tally = Tally::default();
    for path in &files {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.contains(NAME)
        {
            tally.add(&text, NAME);
        }
    }
    assert!(tally.runs > 0, "no YAML file under {dir:?} spells {NAME}");
    eprintln!("{} files: {tally:?}", files.len());
}

/// How the name is spelled as a key.
const KEYS: &[&str] = &[
    "{N}",
    "\"{N}\"",
    "'{N}'",
    "\"BILLING_GATEWAY_\\x45NABLE_REAL\"",
];

/// How the value is written: what each types to, and forms the fast path
/// leaves to the tree (floats, radix prefixes, long integers, tags, anchors).
const VALUES: &[&str] = &[
    "0",
    "1",
    "-0",
    "+5",
    "-7",
    "123456789012345678",
    "1234567890123456789012",
    "0755",
    "-0755",
    "1_000",
    "0x1F",
    "0X1F",
    "0o17",
    "1.5",
    "1e3",
    ".inf",
    "-.inf",
    ".nan",
    "-.nan",
    "+.NaN",
    ".",
    "-",
    "+",
    "true",
    "True",
    "TRUE",
    "tRUE",
    "false",
    "FALSE",
    "yes",
    "on",
    "off",
    "no",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "",
    "\"\"",
    "''",
    "\"0\"",
    "'1'",
    "\"true\"",
    "\"a\\tb\\u00e9\"",
    "'it''s'",
    "${REAL}",
    "inf",
    "nan",
    "infinity",
    "é",
    "x # comment",
    "\"a # b\"",
    "|\n    literal\n    text\n",
    "|-\n    kept\n",
    ">\n    folded\n    text\n\n    more\n",
    "plain\n    continued",
    "\"quoted\n    continued\"",
    "[a, b]",
    "{a: 1}",
    "[]",
    "{}",
    "\n    nested: 1",
    "\n    - item",
    "&anchor 1",
    "!!str 1",
    "!!int \"1\"",
    "!custom x",
    "! 1",
];

/// Where the assignment stands; `{K}` is the key, `{V}` the value, `{N}` the name.
const PLACES: &[&str] = &[
    "{K}: {V}\n",
    "a:\n  b:\n    {K}: {V}\n  c: 1\n",
    "- {K}: {V}\n- x\n",
    "env:\n  - name: {N}\n    value: {V}\n  - name: OTHER\n    value: x\n",
    "env:\n  - value: {V}\n    name: \"{N}\"\n",
    "env:\n  - name: '{N}'\n    valueFrom: {V}\n",
    "env:\n  - name: {N}\n",
    "env:\n  - {name: {N}, value: {V}}\n",
    "environment:\n  - {N}={V}\n  - \"{N}=2\"\n  - ' {N}=3 '\n  - {N}_OLD=4\n",
    "environment: [{N}=1, \"{N}={V}\", '{N}']\n",
    "{a: 1, {K}: {V}}\n",
    "é: {a: 1, {K}: {V}}\n",
    "# {N}: 9\n{K}: {V} # a comment\n# end\n",
    "---\n{K}: {V}\n...\n---\n- {N}=3\n---\n# empty\n---\nx: {K}\n",
    "\u{feff}{K}: {V}\n",
    "a: 1\r\n{K}: {V}\r\nb: 2\r\n",
    "\t\n{K}: {V}\n",
    "? {K}\n: {V}\n",
    "{K}: {V}\n{K}: 2\n",
    "a: 1\na: 2\n{K}: {V}\n",
    "a: {N}\na: 2\n{K}: {V}\n",
    "env:\n  - name: {N}\n    value: {V}\n    value: 2\n",
    "env:\n  - name: {N}\n    name: {N}\n",
    "base: &b\n  {K}: {V}\nuse: *b\n",
    "base: &b\n  {K}: {V}\nuse:\n  <<: *b\n",
    "<<: {a: 1}\n{K}: {V}\n",
    "!!map\n{K}: {V}\n",
    "[a]: 1\n{K}: {V}\n",
    "? [a]\n: 1\n{K}: {V}\n",
    "{K}: {V}\n  bad: indent\n",
    "{K}: \"unterminated\n",
    "{K}: {V}\n---\n[unclosed\n",
    "%YAML 1.2\n---\n{K}: {V}\n",
    "{K}: {V}\n...\n",
];

fn fill(template: &str, key: &str, value: &str) -> String {
    template
        .replace("{K}", key)
        .replace("{V}", value)
        .replace("{N}", NAME)
}

#[test]
fn generated_variations_read_as_the_tree_reads_them() {
    let mut tally = Tally::default();
    for place in PLACES {
        for key in KEYS {
            for value in VALUES {
                let text = fill(place, key, value);
                tally.add(&text, NAME);
                // A longer name is another setting; a shorter one is too.
                tally.add(&text, "BILLING_GATEWAY_ENABLE");
                tally.add(&text, "name");
            }
        }
    }
    // Half the places hold something the fast path leaves to the tree.
    assert!(tally.declined * 5 < tally.runs * 3, "{tally:?}");
    assert!(tally.found * 6 > tally.runs, "{tally:?}");
}

/// Value, line and column of an assignment.
type Vlc<'a> = (&'a str, usize, usize);

/// (text, what the fast path finds), each checked against the tree too.
#[test]
fn the_fast_path_answers_the_common_forms() {
    let cases: &[(&str, &[Vlc<'_>])] = &[
        ("{N}: 1\n", &[("1", 1, 1)]),
        ("a:\n  \"{N}\": \"false\"\n", &[("false", 2, 3)]),
        ("{N}: +5\n", &[("5", 1, 1)]),
        ("{N}: -0\n", &[("0", 1, 1)]),
        ("{N}: 0755\n", &[("0755", 1, 1)]),
        ("{N}: True\n", &[("true", 1, 1)]),
        ("{N}: ~\n", &[("", 1, 1)]),
        ("{N}:\n", &[("", 1, 1)]),
        ("{N}: [1]\n", &[("<sequence>", 1, 1)]),
        ("{N}: |\n  a\n  b\n", &[("a\nb\n", 1, 1)]),
        ("env:\n  - name: {N}\n    value: \"0\"\n", &[("0", 2, 11)]),
        ("env:\n  - name: {N}\n", &[("<no value>", 2, 11)]),
        (
            "env:\n  - {value: {a: 1}, name: {N}}\n",
            &[("<mapping>", 2, 27)],
        ),
        (
            "e:\n  - {N}=1\n  - \"{N}= 'x' \"\n  - ' {N}=2'\n",
            &[("1", 2, 5), ("x", 3, 6), ("2", 4, 6)],
        ),
        ("é: {ü: 1, {N}: 2}\n", &[("2", 1, 11)]),
        ("{N}: 1\n---\n{N}: 2\n", &[("1", 1, 1), ("2", 3, 1)]),
        ("a: 1\r\n{N}: 2\r\n", &[("2", 2, 1)]),
    ];
    for (template, expected) in cases {
        let text = fill(template, NAME, "");
        let found = agree(&text, NAME).unwrap_or_else(|| panic!("{text:?} was declined"));
        let found: Vec<_> = sorted(found)
            .into_iter()
            .map(|a| (a.value, a.line, a.column))
            .collect();
        let expected: Vec<_> = expected
            .iter()
            .map(|(v, l, c)| ((*v).to_owned(), *l, *c))
            .collect();
        assert_eq!(found, expected, "{text:?}");
    }
}

/// What the fast path does not model goes to the tree, which decides.
#[test]
fn the_fast_path_declines_what_it_does_not_model() {
    for template in [
        "{N}: 1.5\n",
        "{N}: 0x1F\n",
        "{N}: 12345678901234567890\n",
        "{N}: &a 1\n",
        "a: &a 1\n{N}: *a\n",
        "{N}: !!str 1\n",
        "<<: {a: 1}\n{N}: 1\n",
        "? [a]\n: 1\n{N}: 1\n",
        "{N}: 1\n{N}: 2\n",
        "a: 1\na: 2\n{N}: 1\n",
        "{N}: \"unterminated\n",
        "{N}: 1\n---\n[unclosed\n",
    ] {
        let text = fill(template, NAME, "");
        assert_eq!(agree(&text, NAME), None, "{text:?}");
    }
    // An empty name, and budgets: deep nesting, many documents.
    assert_eq!(assignments("a: 1\n", ""), None);
    let deep: String = (0..40).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert_eq!(agree(&deep, NAME), None);
    let documents = format!("{NAME}: 1\n") + &"---\na: 1\n".repeat(120);
    assert_eq!(agree(&documents, NAME), None);
    // Flow nesting up to the parser's limit and past it, on a test thread's
    // ordinary stack: declined, never a crash.
    for depth in [250, 256, 1000] {
        let flow = format!("{NAME}: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(agree(&flow, NAME), None);
    }
}
