use super::*;

const FLAG: &str = "BILLING_GATEWAY_ENABLE_REAL";

fn find(format: ConfigFormat, text: &str) -> Vec<Assignment> {
    find_assignments(format, text, FLAG).unwrap()
}

/// (value, line, column) of every assignment.
fn vlc(format: ConfigFormat, text: &str) -> Vec<(String, usize, usize)> {
    find(format, text)
        .into_iter()
        .map(|a| (a.value, a.line, a.column))
        .collect()
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn state(value: &str) -> FlagState {
    classify(
        value,
        &words(&["0", "false", "no", "off", "''"]),
        &words(&["1", "true", "yes", "on"]),
    )
}

/// The values every form is tried with, and what `state` makes of them.
const VALUES: &[(&str, &str, FlagState)] = &[
    // (as written, normalised value, classification)
    ("0", "0", FlagState::Off),
    ("false", "false", FlagState::Off),
    ("\"no\"", "no", FlagState::Off),
    ("off", "off", FlagState::Off),
    ("''", "", FlagState::Off),
    ("1", "1", FlagState::On),
    ("true", "true", FlagState::On),
    ("yes", "yes", FlagState::On),
    ("on", "on", FlagState::On),
    ("${REAL}", "${REAL}", FlagState::Unknown),
    ("maybe", "maybe", FlagState::Unknown),
];

#[test]
fn formats_by_path() {
    use ConfigFormat::*;
    for (path, format) in [
        (".env", Some(Dotenv)),
        ("config/.env.production", Some(Dotenv)),
        ("config/production.env", Some(Dotenv)),
        ("scripts/run.sh", Some(Shell)),
        ("Dockerfile", Some(Dockerfile)),
        ("docker/Dockerfile.prod", Some(Dockerfile)),
        ("api.dockerfile", Some(Dockerfile)),
        ("dockerfile", Some(Dockerfile)),
        ("a/b.yml", Some(Yaml)),
        ("a/b.YAML", Some(Yaml)),
        ("package.json", Some(Json)),
        ("Cargo.toml", Some(Toml)),
        ("README.md", None),
        ("environment", None),
        ("venv", None),
        // Whatever the case, as the file systems of macOS and Windows runners read them.
        ("config/PROD.ENV", Some(Dotenv)),
        (".ENV.Local", Some(Dotenv)),
        ("x/DOCKERFILE", Some(Dockerfile)),
        ("Dockerfile.", Some(Dockerfile)),
        ("a.Sh", Some(Shell)),
        ("x.Yml", Some(Yaml)),
        ("x.TOML", Some(Toml)),
        (".envrc", None),
        ("env", None),
        ("a.json5", None),
        ("a.sh.bak", None),
        ("Dockerfiles", None),
    ] {
        assert_eq!(config_format_for_path(path), format, "{path}");
    }
}

#[test]
fn classify_values() {
    for (_, value, expected) in VALUES {
        assert_eq!(state(value), *expected, "{value}");
    }
    assert_eq!(state("OFF"), FlagState::Off);
    // The value is what the program sees: its quotes and blanks count.
    assert_eq!(state(" OFF "), FlagState::Unknown);
    assert_eq!(state("'True'"), FlagState::Unknown);
    assert_eq!(state("'0'"), FlagState::Unknown);
    assert_eq!(state(""), FlagState::Off);
    assert_eq!(state("<valueFrom>"), FlagState::Unknown);
    assert_eq!(
        classify("x", &words(&["x"]), &words(&["X"])),
        FlagState::Unknown
    );
}

#[test]
fn dotenv_forms() {
    for (written, value, expected) in VALUES {
        for (line, column) in [
            (format!("{FLAG}={written}"), 1),
            (format!("export {FLAG}={written}"), 8),
            (format!("{FLAG} = {written}"), 1),
            (format!("  {FLAG}={written}   # a comment"), 3),
        ] {
            let text = format!("# head\n{line}\n");
            let got = vlc(ConfigFormat::Dotenv, &text);
            assert_eq!(got, [((*value).to_owned(), 2, column)], "{line}");
            assert_eq!(state(&got[0].0), *expected, "{line}");
        }
    }
    assert_eq!(
        vlc(ConfigFormat::Dotenv, &format!("{FLAG}=")),
        [(String::new(), 1, 1)]
    );
    assert_eq!(
        vlc(
            ConfigFormat::Dotenv,
            &format!("{FLAG}=\"a # b\" # c\n{FLAG}=a#b\n{FLAG}='x\n")
        ),
        [
            ("a # b".to_owned(), 1, 1),
            ("a#b".to_owned(), 2, 1),
            (String::new(), 3, 1)
        ]
    );
}

#[test]
fn reference_production_env() {
    let text = "# Payments provider\nBILLING_GATEWAY_URL=https://psp.example.com\nBILLING_GATEWAY_ENABLE_REAL=0   # desligado até aprovação do steering\n";
    let found = find(ConfigFormat::Dotenv, text);
    assert_eq!(
        found,
        [Assignment {
            value: "0".into(),
            raw: "BILLING_GATEWAY_ENABLE_REAL=0   # desligado até aprovação do steering".into(),
            line: 3,
            column: 1,
            unknown: None,
        }]
    );
    assert_eq!(state(&found[0].value), FlagState::Off);
}

#[test]
fn mentions_are_not_assignments() {
    let dotenv = format!(
        "# {FLAG}=1\n   # {FLAG}=1\n{FLAG}_OLD=1\nOTHER=${{{FLAG}}}\nX_{FLAG}=1\nset {FLAG}=1 to enable\n"
    );
    assert!(find(ConfigFormat::Dotenv, &dotenv).is_empty());
    let sh = format!(
        "# {FLAG}=1\necho \"{FLAG}=1\"\necho ${{{FLAG}}}\n{FLAG}_OLD=1\nif [ \"${FLAG}\" = 1 ]; then :; fi\nexport {FLAG}\n"
    );
    assert!(find(ConfigFormat::Shell, &sh).is_empty());
    let docker = format!(
        "# ENV {FLAG}=1\nRUN echo {FLAG}=1\nENV {FLAG}_OLD=1\nARG {FLAG}\nLABEL {FLAG}=1\n"
    );
    assert!(find(ConfigFormat::Dockerfile, &docker).is_empty());
    let yaml = format!(
        "# {FLAG}: 1\nnote: \"set {FLAG}=1 to enable\"\n{FLAG}_OLD: 1\nlist:\n  - set {FLAG}=1\n  - {FLAG}_OLD=1\nname: {FLAG}\n"
    );
    // `name: FLAG` without `value` is reported (unknown), everything else is not.
    assert_eq!(
        vlc(ConfigFormat::Yaml, &yaml),
        [("<no value>".to_owned(), 7, 7)]
    );
    let json = format!(
        "{{\"note\": \"set {FLAG}=1 to enable\", \"{FLAG}_OLD\": 1, \"l\": [\"x {FLAG}=1\"]}}"
    );
    assert!(find(ConfigFormat::Json, &json).is_empty());
    let toml = format!("# {FLAG} = 1\nnote = \"{FLAG} = 1\"\n{FLAG}_OLD = 1\n");
    assert!(find(ConfigFormat::Toml, &toml).is_empty());
}

#[test]
fn shell_forms() {
    for (written, value, _) in VALUES {
        for (line, column) in [
            (format!("{FLAG}={written}"), 1),
            (format!("export {FLAG}={written}"), 8),
            (format!("    export {FLAG}={written}"), 12),
            (format!("declare -x {FLAG}={written}"), 12),
            (format!("{FLAG}={written} ./run.sh"), 1),
            (format!("cd /x && {FLAG}={written} ./run"), 10),
            (format!("A=1 {FLAG}={written}  # comment"), 5),
            (format!("then export A {FLAG}={written}"), 15),
        ] {
            let text = format!("#!/bin/sh\n{line}\n");
            assert_eq!(
                vlc(ConfigFormat::Shell, &text),
                [((*value).to_owned(), 2, column)],
                "{line}"
            );
        }
    }
    assert_eq!(
        vlc(
            ConfigFormat::Shell,
            &format!("{FLAG}=\"$(cat f) x\"\n{FLAG}=${{A:-0}}\n")
        ),
        [
            ("$(cat f) x".to_owned(), 1, 1),
            ("${A:-0}".to_owned(), 2, 1)
        ]
    );
    assert_eq!(
        vlc(ConfigFormat::Shell, &format!("export A=1 \\\n  {FLAG}=0\n")),
        [("0".to_owned(), 2, 3)]
    );
    // Only leading words assign; an argument after the command is no
    // assignment, and what the command does with it is unknown.
    let got = find(ConfigFormat::Shell, &format!("./run {FLAG}=1\n"));
    assert_eq!((got[0].line, got[0].column), (1, 7));
    assert!(got[0].unknown.is_some());
}

#[test]
fn dockerfile_forms() {
    for (written, value, _) in VALUES {
        for (line, column) in [
            (format!("ENV {FLAG}={written}"), 5),
            (format!("env A=1 {FLAG}={written}"), 9),
            (format!("ENV {FLAG} {written}"), 5),
            (format!("ARG {FLAG}={written}"), 5),
        ] {
            let text = format!("FROM alpine\n# note\n{line}\n");
            assert_eq!(
                vlc(ConfigFormat::Dockerfile, &text),
                [((*value).to_owned(), 3, column)],
                "{line}"
            );
        }
    }
    assert_eq!(
        vlc(
            ConfigFormat::Dockerfile,
            &format!("ENV {FLAG} \"a b\"  \nENV A=1 \\\n  # c\n    {FLAG}=\"x y\" \\\n    B=2\n")
        ),
        [("a b".to_owned(), 1, 5), ("x y".to_owned(), 4, 5)]
    );
    assert_eq!(
        vlc(
            ConfigFormat::Dockerfile,
            &format!("# escape=`\nFROM x\nENV A=1 `\n  {FLAG}=0\n")
        ),
        [("0".to_owned(), 4, 3)]
    );
}

/// `RUN`, `CMD`, `ENTRYPOINT` (also after `ONBUILD`) start processes: read as
/// shell (shell form) or as one command's words (exec form).
#[test]
fn dockerfile_commands() {
    let cases: &[(&str, Option<&str>, usize, usize)] = &[
        // (Dockerfile, value or unknown, line, column)
        ("FROM x\nCMD env F=1 ./server\n", Some("1"), 2, 9),
        (
            "FROM x\nCMD [\"env\", \"F=1\", \"./server\"]\n",
            Some("1"),
            2,
            14,
        ),
        (
            "FROM x\nENTRYPOINT [\"/usr/bin/env\", \"F=0\", \"app\"]\n",
            Some("0"),
            2,
            30,
        ),
        (
            "FROM x\nENTRYPOINT [\"env\", \\\n  \"F=0\", \"app\"]\n",
            Some("0"),
            3,
            4,
        ),
        // Without `\`, Docker rejects the second line: not an assignment.
        (
            "FROM x\nENTRYPOINT [\"env\",\n  \"F=0\", \"app\"]\n",
            None,
            3,
            4,
        ),
        ("FROM x\nRUN export F=1 && ./migrate\n", Some("1"), 2, 12),
        (
            "FROM x\nRUN --mount=type=cache,target=/c F=1 ./build\n",
            Some("1"),
            2,
            34,
        ),
        (
            "FROM x\nRUN apt-get update \\\n && F=1 ./x\n",
            Some("1"),
            3,
            5,
        ),
        ("FROM x\nONBUILD RUN F=1 ./x\n", Some("1"), 2, 13),
        ("FROM x\nCMD exec env F=1 ./server\n", Some("1"), 2, 14),
        (
            "FROM x\nCMD [\"sh\", \"-c\", \"F=1 ./server\"]\n",
            None,
            2,
            19,
        ),
        ("FROM x\nRUN eval F=1\n", None, 2, 10),
        ("FROM x\nRUN <<EOF\nexport F=1\nEOF\n", None, 3, 8),
    ];
    let mut wrong = Vec::new();
    for (text, value, line, column) in cases {
        let got: Vec<_> = find_assignments(ConfigFormat::Dockerfile, text, "F")
            .unwrap()
            .into_iter()
            .map(|a| (a.unknown.is_none().then_some(a.value), a.line, a.column))
            .collect();
        let want = [(value.map(str::to_owned), *line, *column)];
        if got != want {
            wrong.push(format!("{text:?}: {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn yaml_forms() {
    for (written, value, expected) in VALUES {
        // YAML scalars as written (`''` is YAML's empty string).
        let w = *written;
        let quoted_w = if w.contains('"') || w.contains('\'') {
            w.to_owned()
        } else {
            format!("\"{w}\"")
        };
        let cases = [
            (format!("env:\n  {FLAG}: {w}\n"), 2, 3),
            (
                format!("spec:\n  env:\n    - name: {FLAG}\n      value: {quoted_w}\n"),
                3,
                13,
            ),
            (
                format!(
                    "services:\n  api:\n    environment:\n      - {FLAG}={}\n",
                    written.trim_matches('"')
                ),
                4,
                9,
            ),
        ];
        for (text, line, column) in cases {
            let got = vlc(ConfigFormat::Yaml, &text);
            assert_eq!(got, [((*value).to_owned(), line, column)], "{text}");
            assert_eq!(state(&got[0].0), *expected, "{text}");
        }
    }
    assert_eq!(
        vlc(
            ConfigFormat::Yaml,
            &format!("a:\n  {FLAG}:\n    nested: 1\nb:\n  {FLAG}: ~\nc:\n  - \"{FLAG}=0\"\n")
        ),
        [
            ("<mapping>".to_owned(), 2, 3),
            (String::new(), 5, 3),
            ("0".to_owned(), 7, 6)
        ]
    );
    assert_eq!(
        vlc(
            ConfigFormat::Yaml,
            &format!(
                "env:\n  - name: {FLAG}\n    valueFrom:\n      secretKeyRef: {{name: s, key: k}}\n"
            )
        ),
        [("<valueFrom>".to_owned(), 2, 11)]
    );
}

#[test]
fn yaml_every_document() {
    let text = format!(
        "kind: ConfigMap\ndata:\n  OTHER: x\n---\nkind: ConfigMap\ndata:\n  {FLAG}: \"1\"\n"
    );
    assert_eq!(vlc(ConfigFormat::Yaml, &text), [("1".to_owned(), 7, 3)]);
}

#[test]
fn reference_yaml_files() {
    let staging = "billing:\n  gateway:\n    url: https://sandbox.psp.example.com\nenv:\n  BILLING_GATEWAY_ENABLE_REAL: \"false\"\n";
    let found = find(ConfigFormat::Yaml, staging);
    assert_eq!(
        found,
        [Assignment {
            value: "false".into(),
            raw: "BILLING_GATEWAY_ENABLE_REAL: \"false\"".into(),
            line: 5,
            column: 3,
            unknown: None,
        }]
    );

    let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: billing-gateway\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/billing-gateway:2024-07-15\n          env:\n            - name: BILLING_GATEWAY_ENABLE_REAL\n              value: \"0\"\n            - name: LOG_LEVEL\n              value: info\n";
    let found = find(ConfigFormat::Yaml, k8s);
    assert_eq!(
        found,
        [Assignment {
            value: "0".into(),
            raw: "- name: BILLING_GATEWAY_ENABLE_REAL".into(),
            line: 12,
            column: 21,
            unknown: None,
        }]
    );

    let workflow = "name: release\non:\n  pull_request:\n    paths: [\"releases/**\"]\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    env:\n      BILLING_GATEWAY_ENABLE_REAL: 0\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n";
    let found = find(ConfigFormat::Yaml, workflow);
    assert_eq!(
        found,
        [Assignment {
            value: "0".into(),
            raw: "BILLING_GATEWAY_ENABLE_REAL: 0".into(),
            line: 9,
            column: 7,
            unknown: None,
        }]
    );
    for a in [staging, k8s, workflow] {
        assert_eq!(state(&find(ConfigFormat::Yaml, a)[0].value), FlagState::Off);
    }
}

#[test]
fn json_forms() {
    for (written, value, expected) in VALUES {
        // JSON has no bare words: everything but numbers and booleans is a string.
        let json_value = match *written {
            "0" | "1" | "true" | "false" => (*written).to_owned(),
            "''" => "\"\"".to_owned(),
            w if w.starts_with('"') => w.to_owned(),
            w => format!("\"{w}\""),
        };
        let item = format!("\"{FLAG}={}\"", json_value.trim_matches('"'));
        let text = format!(
            "{{\n  \"a\": {{\"{FLAG}\": {json_value}}},\n  \"env\": [{{\"name\": \"{FLAG}\", \"value\": {json_value}}}],\n  \"list\": [{item}]\n}}\n"
        );
        let got = vlc(ConfigFormat::Json, &text);
        assert_eq!(
            got,
            [
                ((*value).to_owned(), 2, 9),
                ((*value).to_owned(), 3, 20),
                ((*value).to_owned(), 4, 13),
            ],
            "{text}"
        );
        assert!(got.iter().all(|g| state(&g.0) == *expected), "{text}");
    }
    assert_eq!(
        vlc(
            ConfigFormat::Json,
            &format!("{{\"{FLAG}\": null, \"x\": {{\"{FLAG}\": [1]}}}}")
        ),
        [(String::new(), 1, 2), ("<sequence>".to_owned(), 1, 45)]
    );
}

#[test]
fn toml_forms() {
    for (written, value, expected) in VALUES {
        let toml_value = match *written {
            "0" | "1" | "true" | "false" => (*written).to_owned(),
            w if w.starts_with('"') || w.starts_with('\'') => w.to_owned(),
            w => format!("\"{w}\""),
        };
        let text = format!(
            "{FLAG} = {toml_value}\n[server.env]\n{FLAG} = {toml_value}\n[[jobs]]\nname = \"a\"\nenv = [\"{FLAG}={}\"]\n",
            toml_value.trim_matches(['"', '\''])
        );
        let got = vlc(ConfigFormat::Toml, &text);
        assert_eq!(
            got,
            [
                ((*value).to_owned(), 1, 1),
                ((*value).to_owned(), 3, 1),
                ((*value).to_owned(), 6, 9),
            ],
            "{text}"
        );
        assert!(got.iter().all(|g| state(&g.0) == *expected), "{text}");
    }
    assert_eq!(
        vlc(
            ConfigFormat::Toml,
            &format!("a.b.{FLAG} = 0\n[[t]]\n[t.env]\n{FLAG} = 1\n")
        ),
        [("0".to_owned(), 1, 5), ("1".to_owned(), 4, 1)]
    );
}

#[test]
fn broken_files_fail_with_position() {
    let e = find_assignments(
        ConfigFormat::Yaml,
        &format!("a: 1\n{FLAG}: 0\n  b: [\n"),
        FLAG,
    )
    .unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    let e = find_assignments(
        ConfigFormat::Json,
        &format!("{{\n  \"{FLAG}\": 0\n  \"x\": 1\n}}"),
        FLAG,
    )
    .unwrap_err();
    assert_eq!((e.line, e.column), (3, 3), "{e}");
    let e = find_assignments(ConfigFormat::Toml, &format!("{FLAG} = 0\n[x\n"), FLAG).unwrap_err();
    assert_eq!(e.line, 2, "{e}");
    // A duplicated key must not let one reader see 0 and another 1.
    let e =
        find_assignments(ConfigFormat::Yaml, &format!("{FLAG}: 0\n{FLAG}: 1\n"), FLAG).unwrap_err();
    assert_eq!(e.line, 2, "{e}");
}

/// A Dockerfile instruction ending in `$`, `\`, a quote or an open bracket,
/// followed by more lines: the shell reader stays inside the instruction.
#[test]
fn dockerfile_commands_end_where_the_instruction_ends() {
    for end in ["$", "\\", "'", "\"", "$(", "${", "`", "<<", "é"] {
        let text = format!("FROM x\nRUN echo {end}\n(F=1)\n${{F:=1}}\n");
        for (i, _) in text.char_indices() {
            let _ = find_assignments(ConfigFormat::Dockerfile, &text[..i], "F");
        }
    }
}
