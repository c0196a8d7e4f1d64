use super::Narrower;
use crate::parse::assign::{ConfigFormat, find_assignments};

const NAME: &str = "BILLING_GATEWAY_ENABLE_REAL";

fn could(format: ConfigFormat, text: &str) -> bool {
    Narrower::new(NAME).could_assign(format, text.as_bytes())
}

/// Every escape that spells the name: the reader really reads the name from it
/// (so skipping the file would be wrong), and the narrowing keeps the file.
#[test]
fn every_escape_that_spells_the_name_is_kept() {
    use ConfigFormat::*;
    let cases: &[(ConfigFormat, &str)] = &[
        (Json, r#"{"\u0042ILLING_GATEWAY_ENABLE_REAL": 1}"#),
        (
            Json,
            r#"{"env": [{"name": "BILLING_GATEWAY_ENABLE_RE\u0041L", "value": "1"}]}"#,
        ),
        (Yaml, "\"\\x42ILLING_GATEWAY_ENABLE_REAL\": 1\n"),
        (Yaml, "\"\\u0042ILLING_GATEWAY_ENABLE_REAL\": 1\n"),
        (Yaml, "\"\\U00000042ILLING_GATEWAY_ENABLE_REAL\": 1\n"),
        (
            Yaml,
            "- name: \"BILLING_GATEWAY_\\\n    ENABLE_REAL\"\n  value: \"1\"\n",
        ),
        (
            Yaml,
            "env:\n  - \"BILLING_GATEWAY_\\\r\n     ENABLE_REAL=1\"\n",
        ),
        (Toml, "\"\\u0042ILLING_GATEWAY_ENABLE_REAL\" = 1\n"),
        (Toml, "\"\\U00000042ILLING_GATEWAY_ENABLE_REAL\" = 1\n"),
        (Toml, "\"\\x42ILLING_GATEWAY_ENABLE_REAL\" = 1\n"),
        (
            Toml,
            "env = [\"\"\"BILLING_GATEWAY_\\  \n   ENABLE_REAL=1\"\"\"]\n",
        ),
        (Shell, "export BILLING_GATEWAY_\\\nENABLE_REAL=1\n"),
        (
            Dockerfile,
            "FROM x\nENV BILLING_GATEWAY_\\\nENABLE_REAL=1\n",
        ),
        (
            Dockerfile,
            "# escape=`\nFROM x\nENV BILLING_GATEWAY_` \nENABLE_REAL=1\n",
        ),
    ];
    for (format, text) in cases {
        assert!(!text.contains(NAME), "{text:?} spells the name literally");
        let found =
            find_assignments(*format, text, NAME).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(found.len(), 1, "{format:?} {text:?}: {found:?}");
        assert!(
            could(*format, text),
            "{format:?} {text:?} was narrowed away"
        );
    }
}

/// A shell word is put together from quoted and unquoted parts; bash assigns
/// the name through `export`/`declare` from any of these, so they are kept.
#[test]
fn shell_words_split_by_quotes_are_kept() {
    use ConfigFormat::*;
    for (format, text) in [
        (Shell, "export \"BILLING_GATEWAY_\"'ENABLE_REAL'=1\n"),
        (Shell, "declare BILLING_GATEWAY_ENABLE_RE\\AL=1\n"),
        (Shell, "declare BILLING_GATEWAY_ENABLE_RE$''AL=1\n"),
        (Shell, "declare BILLING_GATEWAY_ENABLE_RE$'\\x41'L=1\n"),
        (Dotenv, "export BILLING_GATEWAY_ENABLE_RE\"A\"L=1\n"),
        (
            Dockerfile,
            "FROM x\nENV \"BILLING_GATEWAY_\"ENABLE_REAL=1\n",
        ),
    ] {
        assert!(!text.contains(NAME), "{text:?}");
        assert!(could(format, text), "{format:?} {text:?} was narrowed away");
    }
}

#[test]
fn files_that_cannot_spell_the_name_are_skipped() {
    use ConfigFormat::*;
    for (format, text) in [
        (
            Yaml,
            "image: {{ .Values.image }}\n{{- if .Values.x }}\nx: 1\n{{- end }}\n",
        ),
        (Yaml, "a: 1\na: 2\n"),
        (Yaml, "path: 'C:\\temp\\new'\nre: \"\\d+\\.\\s\"\n"),
        (Json, "{\"a\": 1\n \"b\": \"\\n\\t\\\\\"}"),
        (Toml, "a = 1\na = 2\n"),
        (Shell, "echo BILLING_GATEWAY\nexit 0\n"),
        (Shell, "echo \"BILLING_GATEWAY\" $HOME 'x'\n"),
        (Dotenv, "BILLING_GATEWAY_ENABLE=1\n"),
    ] {
        assert!(!could(format, text), "{format:?} {text:?}");
    }
    // The name, or a name whose characters no listed escape covers, always counts.
    assert!(could(
        Yaml,
        "x: {{ .Values.BILLING_GATEWAY_ENABLE_REAL }}\n"
    ));
    assert!(Narrower::new("a b").could_assign(Yaml, b"x: 1\n"));
    assert!(Narrower::new("").could_assign(Yaml, b"x: 1\n"));
}

/// UTF-16 text (YAML readers decode it), Latin-1 or any other bytes that are
/// not UTF-8 are kept: the scanner cannot read them and fails closed.
#[test]
fn text_that_is_not_utf8_is_kept() {
    let utf16le: Vec<u8> = format!("{NAME}: 1\n")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(std::str::from_utf8(&utf16le).is_ok(), "NUL bytes are UTF-8");
    let n = Narrower::new(NAME);
    assert!(n.could_assign(ConfigFormat::Yaml, &utf16le));
    // Read as UTF-8, such a text is not valid YAML: the scanner fails closed.
    let text = std::str::from_utf8(&utf16le).unwrap();
    assert!(find_assignments(ConfigFormat::Yaml, text, NAME).is_err());
    let mut bom = vec![0xFF, 0xFE];
    bom.extend(&utf16le);
    assert!(n.could_assign(ConfigFormat::Yaml, &bom));
    assert!(n.could_assign(ConfigFormat::Dotenv, b"X=caf\xe9\n"));
}

/// A `!!binary` key is its base64 text, not the bytes it encodes, so it is not
/// the name (and the narrowing need not look into base64).
#[test]
fn binary_keys_are_not_names() {
    let b64 = "QklMTElOR19HQVRFV0FZX0VOQUJMRV9SRUFM"; // base64 of the name
    for text in [
        format!("? !!binary {b64}\n: 1\n"),
        format!("!!binary {b64}: 1\n"),
        format!("env:\n  - name: !!binary {b64}\n    value: 1\n"),
    ] {
        assert!(!could(ConfigFormat::Yaml, &text), "{text}");
        let found = find_assignments(ConfigFormat::Yaml, &text, NAME).unwrap();
        assert!(found.is_empty(), "{text}: {found:?}");
    }
}

/// Soundness, by generation: whatever a mangled document holds, when the
/// narrowing says it cannot assign the name, the reader finds no assignment.
#[test]
fn skipped_files_never_assign_by_generation() {
    const PIECES: &[&str] = &[
        "BILLING_",
        "GATEWAY_",
        "ENABLE_",
        "REAL",
        "BILLING_GATEWAY_ENABLE_",
        "ENABLE_REAL",
        "\u{feff}",
        "\r",
        "---\n",
        "'''",
        "$",
        "\\_",
        "\"",
        "'",
        ": ",
        "=",
        "\n",
        "  ",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "\\",
        "\\n",
        "\\u0041",
        "\\x41",
        "&a ",
        "*a",
        "<<: ",
        "? ",
        "!!binary ",
        "|\n  ",
        ">\n  ",
        "name: ",
        "value: ",
        "#",
        "\t",
        "1",
        "[t]\n",
        "\"\"\"",
        "export ",
        "ENV ",
        "`",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let formats = [
        ConfigFormat::Yaml,
        ConfigFormat::Json,
        ConfigFormat::Toml,
        ConfigFormat::Shell,
        ConfigFormat::Dotenv,
        ConfigFormat::Dockerfile,
    ];
    let mut skipped = 0;
    for _ in 0..4000 {
        let len = 1 + next(12);
        let text: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
        for format in formats {
            if !could(format, &text) {
                skipped += 1;
                if let Ok(found) = find_assignments(format, &text, NAME) {
                    assert!(found.is_empty(), "{format:?} {text:?}: {found:?}");
                }
            }
        }
    }
    assert!(skipped > 1000, "{skipped}");
}

/// A Helm template (Go templates, not YAML) with a shell command continued by
/// `\`: the joined lines do not spell the name, so the file is not read for it.
const HELM_SHELL: &str = "spec:\n  containers:\n    - name: migrate\n      command:\n        - /bin/sh\n        - -c\n        - |\n          ./migrate --db {{ .Values.db }} \\\n            --timeout 30 \\\n            --dry-run={{ .Values.dryRun }}\n";

#[test]
fn escaped_breaks_that_do_not_spell_the_name_are_skipped() {
    use ConfigFormat::*;
    for format in [Yaml, Json, Toml, Shell, Dotenv, Dockerfile] {
        assert!(!could(format, HELM_SHELL), "{format:?}");
    }
    assert!(!could(Shell, "run \\\n  --a \\\r\n  --b\\\n"));
    assert!(!could(Dockerfile, "RUN a `\n  b\n"));
    assert_eq!(super::first_spelling(HELM_SHELL.as_bytes(), NAME), None);
}

/// The same escaped breaks, joined, spelling the name: the file is read, and a
/// failure to parse it is reported where the name starts.
#[test]
fn escaped_breaks_that_spell_the_name_are_kept_where_it_starts() {
    use ConfigFormat::*;
    let helm = "spec:\n  env:\n    - |\n      export BILLING_GATEWAY_\\\n        ENABLE_REAL={{ .Values.real }}\n";
    let toml = "env = \"\"\"x \\\n\n\n   BILLING_GATEWAY_\\\n  \n ENABLE_REAL=1\"\"\"\n";
    let cases: &[(ConfigFormat, &str, usize)] = &[
        (Yaml, helm, 4),
        (
            Shell,
            "a=1\nexport BILLING_\\\nGATEWAY_\\\nENABLE_REAL=1\n",
            2,
        ),
        (Shell, "export \"BILLING_\"\\\n'GATEWAY_ENABLE_REAL'=1\n", 1),
        (Toml, toml, 4),
        (
            Dockerfile,
            "# escape=`\nFROM x\nENV BILLING_GATEWAY_`\r\n  ENABLE_REAL=1\n",
            3,
        ),
        (Dotenv, "X=1\nBILLING_GATEWAY_\\\nENABLE_REAL=1\n", 2),
    ];
    for (format, text, line) in cases {
        assert!(!text.contains(NAME), "{text:?}");
        assert!(
            could(*format, text),
            "{format:?} {text:?} was narrowed away"
        );
        if text.contains('"') && *format == Shell {
            continue; // spelled across quotes: no single place
        }
        let at = super::first_spelling(text.as_bytes(), NAME).expect(text);
        let got = text[..at].matches('\n').count() + 1;
        assert_eq!(got, *line, "{format:?} {text:?}");
        assert!(text[at..].starts_with("BILLING_"), "{text:?}");
    }
}

/// Where the name starts once several escaped breaks are joined, in plain text and
/// in a template's shell snippet.
#[test]
fn first_spelling_after_several_joins() {
    for text in [
        "a \\\n  b \\\n  c BILLING_GATEWAY_\\\n  ENABLE_REAL=1 \\\n x\n",
        "a: 1\n  - |\n    ./migrate --db {{ .Values.db | quote }} \\\n      --timeout 30 \\\n      --env BILLING_GATEWAY_\\\n        ENABLE_REAL=1 \\\n      --dry-run={{ .Values.dryRun }}\n",
    ] {
        let at = super::first_spelling(text.as_bytes(), NAME).unwrap();
        assert!(
            text[at..].starts_with("BILLING_GATEWAY_\\"),
            "{:?}",
            &text[at..]
        );
    }
}

/// Character escapes that do not spell the name (a CRD's regular expressions,
/// a template's `\u00a0`) do not make a file read; decoded ones that do, do.
#[test]
fn character_escapes_are_decoded_before_searching() {
    use ConfigFormat::*;
    let crd = "spec:\n  pattern: ^[^()<>@,;:\\\\\"\\/[\\]?={} \\t\\x7f\\x00\\x01]+$\n  sep: \"\\u00a0\\U0001F600\"\n";
    for format in [Yaml, Json, Toml] {
        assert!(!could(format, crd), "{format:?}");
    }
    // An escaped backslash is no escape: `\\x42` is `\` and `x42`.
    assert!(!could(Yaml, "k: \"\\\\x42ILLING_GATEWAY_ENABLE_REAL\"\n"));
    // Decoded escapes and joined breaks together.
    let both = "a: 1\nenv:\n  \"\\x42ILLING_GATEWAY_\\\n    \\u0045NABLE_REAL\": 1\n";
    assert!(could(Yaml, both));
    let at = super::first_spelling(both.as_bytes(), NAME).unwrap();
    assert!(both[at..].starts_with("\\x42ILLING"), "{:?}", &both[at..]);
    // A plain scalar reads `\x42` as it is: found in the bytes as they are.
    assert!(could(Yaml, "k: \\x42ILLING_GATEWAY_ENABLE_REAL\n"));
}
