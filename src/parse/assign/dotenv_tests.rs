use super::dotenv;

/// (value, line, column, unknown).
type Read = (String, usize, usize, bool);

/// Every assignment of `F`.
fn read(text: &str) -> Vec<Read> {
    dotenv(text, "F")
        .into_iter()
        .map(|a| (a.value, a.line, a.column, a.unknown.is_some()))
        .collect()
}

fn one(value: &str, line: usize, column: usize) -> Vec<Read> {
    vec![(value.to_owned(), line, column, false)]
}

fn unknown(line: usize, column: usize) -> Vec<Read> {
    vec![(String::new(), line, column, true)]
}

#[test]
fn values_as_the_loaders_read_them() {
    let cases: &[(&str, Vec<Read>)] = &[
        ("F=1", one("1", 1, 1)),
        ("export F=0", one("0", 1, 8)),
        (" export\tF = 0 ", one("0", 1, 9)),
        ("'F'=1", one("1", 1, 2)),
        ("F=", one("", 1, 1)),
        ("F=\nG=1", one("", 1, 1)),
        ("F=0 # off", one("0", 1, 1)),
        ("F=0\t# off", one("0", 1, 1)),
        ("F=0#1", one("0#1", 1, 1)),
        ("F=a b ", one("a b", 1, 1)),
        // One level of quotes: the program sees the inner quotes.
        ("F=\"'0'\"", one("'0'", 1, 1)),
        ("F='\"0\"'", one("\"0\"", 1, 1)),
        ("F=\" 0 \"", one(" 0 ", 1, 1)),
        ("F=\"0\" # c", one("0", 1, 1)),
        ("F=\"0\"#c", one("0", 1, 1)),
        ("F=\"a # b\"", one("a # b", 1, 1)),
        // Escapes: double quotes decode, single quotes only `\\` and `\'`.
        ("F=\"a\\nb\"", one("a\nb", 1, 1)),
        ("F=\"a\\\"b\"", one("a\"b", 1, 1)),
        ("F=\"a\\\\b\"", one("a\\b", 1, 1)),
        ("F='a\\nb'", one("a\\nb", 1, 1)),
        ("F='a\\'b'", one("a'b", 1, 1)),
        // A quoted value spans lines; the lines inside are not bindings.
        ("F=\"0\n1\"", one("0\n1", 1, 1)),
        ("F='0\nF=1\n'\nG=2", one("0\nF=1\n", 1, 1)),
        ("A=\"x\nF=1\n\"\n", vec![]),
        ("A='\nF=1'\nF=0", one("0", 3, 1)),
        // Line breaks: LF, CRLF and a lone CR (which breaks a dotenv line, not a
        // reported one: the binding is located after it on the report's line).
        ("A=1\rF=1\r", one("1", 1, 5)),
        ("A=1\r\nF=1\r\n", one("1", 2, 1)),
        ("A=1\r\rF=0", one("0", 1, 6)),
        ("A=1\r\nB=2\rF=0", one("0", 2, 5)),
        ("\u{feff}F=0", one("0", 1, 1)),
        // Not bindings of F.
        ("# F=1", vec![]),
        ("  # F=1", vec![]),
        ("F", vec![]),
        ("export F", vec![]),
        ("F_OLD=1\nX_F=1\nOTHER=${F}\nOTHER=F", vec![]),
        ("FF=1", vec![]),
    ];
    for (text, want) in cases {
        assert_eq!(&read(text), want, "{text:?}");
    }
}

#[test]
fn readings_the_loaders_disagree_on_are_unknown() {
    for (text, line, column) in [
        // python-dotenv reads `# comment`, Node's dotenv and godotenv ``.
        ("F= # comment", 1, 1),
        // Expanded by python-dotenv and godotenv, not by Node's dotenv.
        ("F=${REAL}", 1, 1),
        ("F=$REAL", 1, 1),
        ("F=\"x${REAL}\"", 1, 1),
        ("A=1\nexport F=\"$R\"", 2, 8),
        // Unclosed quote, text after a closing quote.
        ("F=\"0\nG=1", 1, 1),
        ("F='0", 1, 1),
        ("F=\"0\" 1", 1, 1),
        // Node's dotenv reads `KEY: value`.
        ("F: 0", 1, 1),
    ] {
        let got = read(text);
        assert_eq!(got.len(), 1, "{text:?}: {got:?}");
        assert_eq!(
            (got[0].1, got[0].2, got[0].3),
            (line, column, true),
            "{text:?}"
        );
    }
    // Single quotes are literal everywhere: nothing to expand.
    assert_eq!(read("F='${REAL}'"), one("${REAL}", 1, 1));
    assert_eq!(read("F=\"\\$0\n"), unknown(1, 1));
    // After an unclosed quote, reading resumes on the next line (python-dotenv).
    let got = dotenv("A=\"x\nF=1\n", "F");
    assert_eq!((got[0].value.as_str(), got[0].line), ("1", 2));
}

#[test]
fn reasons_name_the_loaders() {
    let a = &dotenv("F= # off until approved", "F")[0];
    assert_eq!(
        a.unknown.as_deref(),
        Some(
            "`F= # off until approved`: python-dotenv reads the value '# off until approved', \
             Node's dotenv and godotenv read it empty; write `F=0` before the comment"
        )
    );
    let a = &dotenv("F=${REAL}", "F")[0];
    assert_eq!(
        a.unknown.as_deref(),
        Some(
            "the value of F ('${REAL}') names a variable: python-dotenv and godotenv expand it, \
             Node's dotenv does not, and relgate cannot know its value"
        )
    );
    assert_eq!(a.raw, "F=${REAL}");
}

#[test]
fn no_panic_on_any_prefix() {
    let seed = "\u{feff}export 'F'=\"é\\é\n\\\"é\" # é\r'é\rF='\\é\\'\nF: é\nF=${é}\r\nF= #é\n'F";
    for (i, _) in seed.char_indices() {
        let _ = dotenv(&seed[..i], "F");
        let _ = dotenv(&seed[i..], "F");
    }
}
