//! The dotenv loaders' own test inputs (vendored with their licences under
//! `tests/corpora/dotenv/`), read by relgate and compared with the readings
//! their tests expect. Every disagreement is listed in [`DIFFERENCES`] with its
//! reason, and must be on the fail-closed side: where relgate finds the key
//! off, the loader does too.

use super::dotenv::dotenv;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::PathBuf;

const OFF: &[&str] = &["0", "false", "no", "off", ""];

/// (corpus, input or file, key, why relgate reads it differently).
const DIFFERENCES: &[(&str, &str, &str, &str)] = &[
    (
        "python-dotenv",
        "a=\"\nb=c",
        "a",
        "unclosed quote: python-dotenv skips the line, Node's dotenv reads `\"`; unknown",
    ),
    (
        "python-dotenv",
        "a: b",
        "a",
        "`KEY: value` is an assignment for Node's dotenv, an error for python-dotenv; unknown",
    ),
    (
        "godotenv",
        "quoted.env",
        "OPTION_K",
        "python-dotenv decodes `\\'` in single quotes, godotenv keeps the backslash; \
         relgate reads python-dotenv's (neither is an off word)",
    ),
    (
        "godotenv",
        "substitutions.env",
        "OPTION_B",
        "`${OPTION_A}` is expanded by godotenv, not by Node's dotenv: unknown",
    ),
    (
        "godotenv",
        "substitutions.env",
        "OPTION_C",
        "`$OPTION_B` is expanded by godotenv: unknown",
    ),
    (
        "godotenv",
        "substitutions.env",
        "OPTION_D",
        "expanded by godotenv: unknown",
    ),
    (
        "godotenv",
        "substitutions.env",
        "OPTION_E",
        "expanded by godotenv (to ''): unknown",
    ),
    (
        "godotenv",
        "substitutions.env",
        "OPTION_F",
        "expanded by godotenv from the environment: unknown",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "DOUBLE_QUOTES_WITH_NO_SPACE_BRACKET",
        "`$MONGOLAB_PORT` in double quotes: python-dotenv and godotenv expand it; unknown",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "EMPTY_BACKTICKS",
        "backticks quote only for Node's dotenv: python-dotenv reads the two backticks",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "BACKTICKS",
        "backticks quote only for Node's dotenv: python-dotenv keeps them",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "BACKTICKS_SPACED",
        "backticks quote only for Node's dotenv",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "DOUBLE_QUOTES_INSIDE_BACKTICKS",
        "backticks quote only for Node's dotenv",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "SINGLE_QUOTES_INSIDE_BACKTICKS",
        "backticks quote only for Node's dotenv",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "DOUBLE_AND_SINGLE_QUOTES_INSIDE_BACKTICKS",
        "backticks quote only for Node's dotenv",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "INLINE_COMMENTS_BACKTICKS",
        "backticks quote only for Node's dotenv",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "RETAIN_INNER_QUOTES_AS_BACKTICKS",
        "backticks quote only for Node's dotenv",
    ),
    (
        "motdotla-dotenv",
        "parse.env",
        "INLINE_COMMENTS_SPACE",
        "`a#number`: Node's dotenv starts a comment at any `#`, python-dotenv and godotenv \
         only after a blank; relgate reads the longer value (never an off word)",
    ),
];

#[derive(Debug, Clone, PartialEq)]
enum Reading {
    Value(String),
    Unknown,
}

fn readings(text: &str, key: &str) -> Vec<Reading> {
    dotenv(text, key)
        .into_iter()
        .map(|a| match a.unknown {
            Some(_) => Reading::Unknown,
            None => Reading::Value(a.value),
        })
        .collect()
}

fn is_off(v: &str) -> bool {
    OFF.contains(&v.to_lowercase().as_str())
}

/// relgate's verdict: off when every reading is an off value.
fn relgate_off(r: &[Reading]) -> bool {
    r.iter()
        .all(|x| matches!(x, Reading::Value(v) if is_off(v)))
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/dotenv")
}

fn json(path: &str) -> Json {
    let text = std::fs::read_to_string(corpus().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Disagreements as (corpus, input, key), each checked to be fail-closed.
fn compare(
    name: &str,
    input: &str,
    text: &str,
    key: &str,
    expected: &[String],
    last_only: bool,
    out: &mut Vec<(String, String, String)>,
) {
    let got = readings(text, key);
    let agree = if last_only {
        match expected.last() {
            Some(v) => {
                got.last() == Some(&Reading::Value(v.clone())) && !got.contains(&Reading::Unknown)
            }
            None => got.is_empty(),
        }
    } else {
        got == expected
            .iter()
            .map(|v| Reading::Value(v.clone()))
            .collect::<Vec<_>>()
    };
    if agree {
        return;
    }
    // The loader's verdict: the value it ends with (absent: off).
    let loader_off = expected.last().is_none_or(|v| is_off(v));
    assert!(
        !relgate_off(&got) || loader_off,
        "{name} {input:?} {key}: relgate reads {got:?} (off), the loader {expected:?} (on)"
    );
    out.push((name.to_owned(), input.to_owned(), key.to_owned()));
}

#[test]
fn the_loaders_test_inputs() {
    let mut disagreements = Vec::new();

    // python-dotenv: inputs and the bindings parse_stream yields.
    let cases = json("python-dotenv/cases.json");
    for case in cases.as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for b in case["bindings"].as_array().unwrap() {
            if let (Some(k), Some(v)) = (b["key"].as_str(), b["value"].as_str()) {
                by_key.entry(k.to_owned()).or_default().push(v.to_owned());
            }
        }
        // Every word of the input is asked for, so relgate's extra readings show.
        let mut keys: Vec<String> = input
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '['))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        keys.extend(by_key.keys().cloned());
        keys.sort();
        keys.dedup();
        for key in keys {
            let expected = by_key.get(&key).cloned().unwrap_or_default();
            let (name, text) = ("python-dotenv", input);
            compare(
                name,
                input,
                text,
                &key,
                &expected,
                false,
                &mut disagreements,
            );
        }
    }

    // godotenv and Node's dotenv: files and the final value of each key.
    for (name, expected) in [
        ("godotenv", "godotenv/expected.json"),
        ("motdotla-dotenv", "motdotla-dotenv/expected.json"),
    ] {
        let files = json(expected);
        for (file, keys) in files.as_object().unwrap() {
            let dir = if name == "godotenv" {
                "godotenv/fixtures"
            } else {
                "motdotla-dotenv"
            };
            let text = std::fs::read_to_string(corpus().join(dir).join(file)).unwrap();
            for (key, value) in keys.as_object().unwrap() {
                let expected: Vec<String> = value.as_str().map(str::to_owned).into_iter().collect();
                compare(name, file, &text, key, &expected, true, &mut disagreements);
            }
        }
    }

    let documented: Vec<(String, String, String)> = DIFFERENCES
        .iter()
        .map(|(c, i, k, _)| ((*c).to_owned(), (*i).to_owned(), (*k).to_owned()))
        .collect();
    let undocumented: Vec<_> = disagreements
        .iter()
        .filter(|d| !documented.contains(d))
        .collect();
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
    let stale: Vec<_> = documented
        .iter()
        .filter(|d| !disagreements.contains(d))
        .collect();
    assert!(stale.is_empty(), "documented but agreeing: {stale:#?}");
}
