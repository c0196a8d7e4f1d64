use super::shell;

/// (value, line, column, unknown) of every assignment or unknown mention of `F`.
fn read(text: &str) -> Vec<(String, usize, usize, bool)> {
    shell(text, "F")
        .into_iter()
        .map(|a| (a.value, a.line, a.column, a.unknown.is_some()))
        .collect()
}

#[test]
fn values_are_read() {
    let cases: &[(&str, &str, usize)] = &[
        ("F=1", "1", 1),
        ("F='0'", "0", 1),
        ("F=\"'0'\"", "'0'", 1),
        ("export F=0", "0", 8),
        ("readonly F=0", "0", 10),
        ("local F=0", "0", 7),
        ("declare -x -g F=0", "0", 15),
        ("typeset F=0", "0", 9),
        ("A=1 F=0 ./run", "0", 5),
        ("cd x && F=0 ./run", "0", 9),
        ("if true; then F=0; fi", "0", 15),
        (": \"${F:=1}\"", "1", 6),
        (": ${F=0}", "0", 5),
        ("F=(1)", "1", 1),
        ("F=( \"0\" )", "0", 1),
        ("F=()", "", 1),
        ("F[0]=1", "1", 1),
        ("function f { F=1; }", "1", 14),
        ("f() { F=1; }", "1", 7),
        ("env F=1 ./app", "1", 5),
        ("env -i -u X F=1 ./app", "1", 13),
        ("exec env F=1 ./server", "1", 10),
        ("nohup env F=1 ./server &", "1", 11),
        ("sudo F=1 ./server", "1", 6),
        ("sudo -u app -E F=1 ./server", "1", 16),
        ("exec nohup env F=0 ./x", "0", 16),
        ("docker run -e F=1 img", "1", 15),
        ("docker run --rm -e \"F=0\" img", "0", 21),
        ("docker run --env F=1 img", "1", 18),
        ("docker run --env=F=1 img", "1", 18),
        ("podman run -eF=1 img", "1", 14),
        ("export A=1 \\\n  F=0", "0", 3),
    ];
    let mut wrong = Vec::new();
    for (text, value, column) in cases {
        let got = read(text);
        let line = if text.contains('\n') { 2 } else { 1 };
        if got != [((*value).to_owned(), line, *column, false)] {
            wrong.push(format!("{text:?}: {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn harmless_mentions() {
    for text in [
        "# F=1",
        "  # export F=1",
        "echo \"F=1\"",
        "echo F=1",
        "echo 'set F=1 to go live' >&2",
        "printf 'F=%s\\n' 1",
        "echo $F ${F} ${F:-0} ${#F} \"${F}\"",
        "if [ \"$F\" = 1 ]; then echo on; fi",
        "case $F in 1) echo on;; esac",
        "export F",
        "readonly F",
        "local F",
        "unset F",
        "unset -v F",
        "env -u F ./app",
        "X=$F ./app",
        "F_OLD=1 X_F=1",
        "FF=1",
        "./app \"$F\"",
    ] {
        assert_eq!(read(text), [], "{text:?}");
    }
}

#[test]
fn mentions_that_cannot_be_read_are_unknown() {
    let mut wrong = Vec::new();
    for (text, line, column) in [
        ("eval F=1", 1, 6),
        ("eval \"F=1\"", 1, 7),
        ("printf -v F 1", 1, 11),
        ("let F=1", 1, 5),
        ("let \"F = 1\"", 1, 6),
        ("read F", 1, 6),
        ("read -r F <<< 1", 1, 9),
        ("declare -n F=OTHER", 1, 12),
        ("declare -n r=F", 1, 14),
        ("for F in 1; do :; done", 1, 5),
        ("F+=1", 1, 1),
        ("F=(0 1)", 1, 1),
        ("F[1]=1", 1, 1),
        ("OTHER=F", 1, 7),
        ("./run F=1", 1, 7),
        ("./app --F=1", 1, 9),
        ("exec F=1 ./x", 1, 6),
        ("x=$(echo F=1)", 1, 10),
        ("echo F=1 > .env", 1, 6),
        ("echo F=1 >> config/.env", 1, 6),
        ("echo F=1 | tee .env", 1, 6),
        ("echo F=1 | sh", 1, 6),
        ("export $(echo F=1)", 1, 15),
        ("(( F = 1 ))", 1, 4),
        ("x=$(( F = 1 ))", 1, 7),
        ("sh -c 'F=1 ./app'", 1, 8),
        ("docker run -e F img", 1, 15),
        ("docker run --env \"F\" img", 1, 19),
        ("env -S 'F=1 x' ./app", 1, 9),
        ("cat > .env <<EOF\nF=1\nEOF", 2, 1),
        ("cat <<-'EOF' | sh\n\tF=0\n\tEOF", 2, 2),
    ] {
        let got = read(text);
        if got.len() != 1 || (got[0].1, got[0].2, got[0].3) != (line, column, true) {
            wrong.push(format!("{text:?}: {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn reasons() {
    let why = |text: &str| shell(text, "F")[0].unknown.clone().unwrap_or_default();
    assert_eq!(why("eval F=1"), "cannot tell what `eval F=1` does with F");
    assert_eq!(
        why("x=1\ncat <<EOF\nF=1\nEOF\n"),
        "a here-document mentions F: cannot tell what it writes or runs"
    );
    assert_eq!(
        why("F+=1"),
        "`F+=1` appends '1' to F's earlier value, which it depends on"
    );
    assert_eq!(why("F=(0 1)"), "`F=(0 1)` is an array of several values");
    assert_eq!(why("F[2]=1"), "`F[2]=1` sets element [2] of F");
    assert_eq!(
        why("docker run -e F img"),
        "`-e F` passes F from the environment docker runs in, which relgate cannot see"
    );
    // The value of an unknown mention is never an off word.
    assert!(shell("eval F=0", "F")[0].value.is_empty());
}

#[test]
fn lines_after_a_heredoc_are_commands_again() {
    assert_eq!(
        read("cat <<EOF\nhello\nEOF\nF=0\n"),
        [("0".to_owned(), 4, 1, false)]
    );
    // A quoted mention in another variable's value is not provably harmless.
    assert_eq!(
        read("x='\nF=1\n'\nF=0"),
        [(String::new(), 2, 1, true), ("0".to_owned(), 4, 1, false)]
    );
}

#[test]
fn hostile_nesting_is_unknown_not_a_crash() {
    for (open, close) in [("$(", ")"), ("${X:-", "}"), ("\"$(", ")\"")] {
        let deep = format!("x={}F=0{}\n", open.repeat(50_000), close.repeat(50_000));
        let got = read(&deep);
        assert_eq!(got.len(), 1, "{open}");
        assert!(got[0].3, "{open}");
    }
    // Many mentions stay linear: 20k unknown lines.
    let many = "eval F=1\n".repeat(20_000);
    assert_eq!(read(&many).len(), 20_000);
}

/// Every prefix of inputs with multi-byte characters after escapes, quotes and
/// operators: no panic (offsets stay on character boundaries).
#[test]
fn no_panic_on_any_prefix() {
    let seeds = [
        "F=\\é x=\"\\é$é${é}`\\é`\" 'é' <<é\nF=1\né\necho \\é F=1 | sh # é\n",
        "F=(é \"é\" [é]=1) F[é]=1 ${F:=é} ${F[é]} $((é)) $(é) `é` <<-'é'\n\té\n",
        "docker run -eé -e F=é --env=é env -ué -C é sudo -u é F=é exec -a é F\n",
        "f() { F=1; }; function é { F=é; }; case é in é) F=1;; esac\r\n\\\n\\",
    ];
    for seed in seeds {
        for (i, _) in seed.char_indices() {
            let _ = shell(&seed[..i], "F");
            let _ = shell(&seed[i..], "F");
        }
    }
}
