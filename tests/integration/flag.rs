//! Flag variables and the `flag` check: every assignment form of the reference
//! repository turned on and off, mentions that are not settings, values that
//! cannot be proven off, broken config files, exclusions.

use crate::common::*;

const POLICY: &str = r#"version: 1
vars:
  real_billing:
    flag:
      name: BILLING_GATEWAY_ENABLE_REAL
      files: ['**/.env', '**/.env.*', '**/*.env', '**/*.yml', '**/*.yaml', '**/*.json', '**/*.toml', '**/Dockerfile', '**/Dockerfile.*', '**/*.sh']
      exclude: ['docs/**', 'quality/reports/**', 'releases/**', '.relgate/**']
  payment_mode:
    from: real_billing
    map: {'on': real, 'off': sandbox}
policies:
  - id: OFF
    title: real billing stays off
    check:
      flag: {var: real_billing, is: off}
  - id: MODE
    title: the README states the payment mode
    check:
      matches: {files: README.md, patterns: '^Modo de pagamentos: {payment_mode}$'}
  - id: EVIDENCE
    title: real billing has evidence
    when:
      flag: {var: real_billing, is: on}
    check:
      exists: evidence.xml
"#;

fn run(repo: &Repo, extra: &[&str]) -> Run {
    repo.check_yaml(POLICY, extra)
}

fn base_repo() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# App\n\nModo de pagamentos: sandbox\n")
        .commit_all("base");
    repo
}

/// (path, content with `{v}` for the value, the value that is on, the value that is off, line).
const FORMS: &[(&str, &str, &str, &str, u64)] = &[
    (
        ".env",
        "# gateway\nBILLING_GATEWAY_ENABLE_REAL={v}\n",
        "1",
        "0",
        2,
    ),
    (
        "config/.env.production",
        "URL=https://psp.example.com\nBILLING_GATEWAY_ENABLE_REAL = \"{v}\"   # steering\n",
        "true",
        "false",
        2,
    ),
    (
        "deploy/prod.env",
        "export BILLING_GATEWAY_ENABLE_REAL={v}\n",
        "yes",
        "no",
        1,
    ),
    (
        "scripts/start.sh",
        "#!/bin/sh\nset -e\nexport BILLING_GATEWAY_ENABLE_REAL={v}\nexec app\n",
        "1",
        "0",
        3,
    ),
    (
        "Dockerfile",
        "FROM alpine\nENV BILLING_GATEWAY_ENABLE_REAL={v}\n",
        "1",
        "0",
        2,
    ),
    (
        "docker/Dockerfile.prod",
        "FROM alpine\nRUN true\nENV BILLING_GATEWAY_ENABLE_REAL {v}\n",
        "on",
        "off",
        3,
    ),
    (
        "docker/Dockerfile.build",
        "FROM alpine\nARG BILLING_GATEWAY_ENABLE_REAL={v}\n",
        "1",
        "0",
        2,
    ),
    (
        "config/app.yaml",
        "billing:\n  gateway:\n    BILLING_GATEWAY_ENABLE_REAL: {v}\n",
        "true",
        "false",
        3,
    ),
    (
        "deploy/k8s.yml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: BILLING_GATEWAY_ENABLE_REAL\n              value: \"{v}\"\n",
        "1",
        "0",
        11,
    ),
    (
        "docker-compose.yml",
        "services:\n  api:\n    image: app\n    environment:\n      - LOG_LEVEL=info\n      - BILLING_GATEWAY_ENABLE_REAL={v}\n",
        "1",
        "0",
        6,
    ),
    (
        "deploy/all.yaml",
        "kind: Service\nmetadata: {name: api}\n---\nkind: ConfigMap\ndata:\n  BILLING_GATEWAY_ENABLE_REAL: \"{v}\"\n",
        "1",
        "0",
        6,
    ),
    (
        "config/app.json",
        "{\n  \"billing\": {\n    \"BILLING_GATEWAY_ENABLE_REAL\": {v}\n  }\n}\n",
        "1",
        "0",
        3,
    ),
    (
        "deploy/task.json",
        "{\"containerDefinitions\": [{\"environment\": [\n  {\"name\": \"BILLING_GATEWAY_ENABLE_REAL\", \"value\": \"{v}\"}\n]}]}\n",
        "true",
        "false",
        2,
    ),
    (
        "config/app.toml",
        "[billing]\nurl = \"x\"\n\n[billing.env]\nBILLING_GATEWAY_ENABLE_REAL = {v}\n",
        "true",
        "false",
        5,
    ),
];

#[test]
fn every_form_on_and_off() {
    for (path, text, on, off, line) in FORMS {
        let repo = base_repo();
        repo.write(path, &text.replace("{v}", off))
            .commit_all("off");
        let r = run(&repo, &[]);
        assert_eq!(r.code, 0, "{path} off: {}", r.stdout);
        assert_eq!(r.status("EVIDENCE"), "skip", "{path}");
        assert_eq!(r.json()["vars"]["payment_mode"], "sandbox", "{path}");

        repo.write(path, &text.replace("{v}", on));
        let r = run(&repo, &[]);
        assert_eq!(r.code, 1, "{path} on: {}", r.stdout);
        let mut want = vec![
            f("MODE", "README.md", None),
            f("EVIDENCE", "evidence.xml", None),
            f("OFF", path, Some(*line)),
        ];
        want.sort_by(|a, b| (&a.1, a.2, &a.0).cmp(&(&b.1, b.2, &b.0)));
        assert_eq!(r.findings(), want, "{path} on");
        let off_finding = r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["policy"] == "OFF")
            .cloned()
            .unwrap();
        assert_eq!(
            off_finding["message"],
            format!("BILLING_GATEWAY_ENABLE_REAL is on here ('{on}')"),
            "{path}"
        );
        assert_eq!(r.json()["vars"]["payment_mode"], "real", "{path}");
        // The working tree is on; the committed tree and the index are still off.
        assert_eq!(run(&repo, &["--rev", "HEAD"]).code, 0, "{path} --rev");
        assert_eq!(run(&repo, &["--staged"]).code, 0, "{path} --staged");
        repo.git(&["add", "-A"]);
        assert_eq!(run(&repo, &["--staged"]).code, 1, "{path} --staged on");
    }
}

#[test]
fn mentions_are_not_settings() {
    let repo = base_repo();
    repo.write(
        ".env",
        "# BILLING_GATEWAY_ENABLE_REAL=1\nBILLING_GATEWAY_ENABLE_REAL_OLD=1\nOTHER=${BILLING_GATEWAY_ENABLE_REAL}\nBILLING_GATEWAY_ENABLE_REAL=0\n",
    )
    .write(
        "NOTES.md",
        "Set BILLING_GATEWAY_ENABLE_REAL=1 to go live.\n\n```\nBILLING_GATEWAY_ENABLE_REAL=1\n```\n",
    )
    .write(
        "config/app.yaml",
        "# BILLING_GATEWAY_ENABLE_REAL: 1\nnote: \"set BILLING_GATEWAY_ENABLE_REAL=1 to enable\"\nMY_BILLING_GATEWAY_ENABLE_REAL: 1\nlist:\n  - set BILLING_GATEWAY_ENABLE_REAL=1 first\n",
    )
    .write(
        "config/app.json",
        "{\"help\": \"BILLING_GATEWAY_ENABLE_REAL=1 turns it on\", \"BILLING_GATEWAY_ENABLE_REAL_V2\": 1}\n",
    )
    .write(
        "config/app.toml",
        "# BILLING_GATEWAY_ENABLE_REAL = 1\nnote = \"BILLING_GATEWAY_ENABLE_REAL = 1\"\n",
    )
    .write(
        "scripts/run.sh",
        "#!/bin/sh\n# export BILLING_GATEWAY_ENABLE_REAL=1\necho \"BILLING_GATEWAY_ENABLE_REAL=1\"\nexec ./app \"$BILLING_GATEWAY_ENABLE_REAL\"\n",
    )
    .write(
        "Dockerfile",
        "FROM alpine\n# ENV BILLING_GATEWAY_ENABLE_REAL=1\nRUN echo BILLING_GATEWAY_ENABLE_REAL=1\nARG BILLING_GATEWAY_ENABLE_REAL\n",
    )
    .commit_all("mentions");
    let r = run(&repo, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("OFF"), "pass");
    assert_eq!(r.status("EVIDENCE"), "skip");
}

#[test]
fn interpolated_value_counts_as_on() {
    let repo = base_repo();
    repo.write("config/.env", "A=1\nBILLING_GATEWAY_ENABLE_REAL=${REAL}\n")
        .write("evidence.xml", "x")
        .write("README.md", "Modo de pagamentos: real\n")
        .commit_all("interpolated");
    let r = run(&repo, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.findings(), vec![f("OFF", "config/.env", Some(2))]);
    assert_eq!(
        r.json()["findings"][0]["message"],
        "the value of BILLING_GATEWAY_ENABLE_REAL ('${REAL}') names a variable: python-dotenv and \
         godotenv expand it, Node's dotenv does not, and relgate cannot know its value; \
         BILLING_GATEWAY_ENABLE_REAL counts as on (fail closed)"
    );
    assert_eq!(r.json()["findings"][0]["column"], 1);
    assert_eq!(r.status("EVIDENCE"), "pass");
}

/// A script that hands the name to a program cannot be proven to leave it off.
#[test]
fn a_mention_passed_to_a_program_counts_as_on() {
    let repo = base_repo();
    repo.write(
        "scripts/run.sh",
        "#!/bin/sh\n# BILLING_GATEWAY_ENABLE_REAL=1 goes live\nBILLING_GATEWAY_ENABLE_REAL=0\n./app --BILLING_GATEWAY_ENABLE_REAL=1\n",
    )
    .commit_all("argument");
    let r = run(&repo, &[]);
    assert_eq!(r.code, 1);
    let offs: Vec<_> = r.findings().into_iter().filter(|x| x.0 == "OFF").collect();
    assert_eq!(offs, vec![f("OFF", "scripts/run.sh", Some(4))]);
    let finding = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["policy"] == "OFF")
        .cloned()
        .unwrap();
    assert_eq!(finding["column"], 9);
    assert_eq!(
        finding["message"],
        "cannot tell what `./app --BILLING_GATEWAY_ENABLE_REAL=1` does with \
         BILLING_GATEWAY_ENABLE_REAL; BILLING_GATEWAY_ENABLE_REAL counts as on (fail closed)"
    );
}

#[test]
fn broken_configs_fail_closed() {
    let repo = base_repo();
    repo.write(".env", "BILLING_GATEWAY_ENABLE_REAL=0\n")
        // Broken files that name the flag: they could set it, so they count.
        .write(
            "config/broken.json",
            "{\n  \"a\": 1\n  \"BILLING_GATEWAY_ENABLE_REAL\": 0\n}\n",
        )
        .write(
            "config/broken.yaml",
            "BILLING_GATEWAY_ENABLE_REAL: 0\nb:\n  - c\n d: [\n",
        )
        // A broken file that cannot spell the name cannot set it: no finding.
        .write("config/other.yaml", "a: 1\nb:\n  - c\n d: [\n")
        .symlink("config/link.env", "../.env")
        .commit_all("broken");
    let r = run(&repo, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let offs: Vec<_> = r.findings().into_iter().filter(|x| x.0 == "OFF").collect();
    assert_eq!(offs.len(), 3, "{}", r.stdout);
    assert_eq!(offs[0], f("OFF", "config/broken.json", Some(3)));
    // At the line that names the flag; the message says where parsing stopped.
    assert_eq!(offs[1], f("OFF", "config/broken.yaml", Some(1)));
    // A linked config is never followed, so it cannot be proven off either.
    assert_eq!(offs[2], f("OFF", "config/link.env", None));
    let msgs: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["policy"] == "OFF")
        .map(|x| x["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        msgs[0].starts_with("cannot parse config/broken.json: ")
            && msgs[0].ends_with("; BILLING_GATEWAY_ENABLE_REAL counts as on (fail closed)"),
        "{msgs:?}"
    );
    assert_eq!(
        msgs[2],
        "config/link.env is a symbolic link (to ../.env); relgate never follows links; BILLING_GATEWAY_ENABLE_REAL counts as on (fail closed)"
    );
    // The flag counts as on: the `when` applies and the mode is real.
    assert_eq!(r.status("EVIDENCE"), "fail");
    assert_eq!(r.json()["vars"]["payment_mode"], "real");
}

#[test]
fn excluded_folders_do_not_count() {
    let repo = base_repo();
    repo.write("docs/flags/example.env", "BILLING_GATEWAY_ENABLE_REAL=1\n")
        .write("docs/config.yaml", "BILLING_GATEWAY_ENABLE_REAL: 1\n")
        .write(
            "releases/2024-07-15/config.json",
            "{\"BILLING_GATEWAY_ENABLE_REAL\": 1}\n",
        )
        .write("quality/reports/run.env", "BILLING_GATEWAY_ENABLE_REAL=1\n")
        .write(".relgate/x.yaml", "BILLING_GATEWAY_ENABLE_REAL: 1\n")
        .write("releases/broken.yaml", "a: [\n")
        .commit_all("excluded");
    let r = run(&repo, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    repo.write("config/x.yaml", "BILLING_GATEWAY_ENABLE_REAL: 1\n");
    assert_eq!(
        run(&repo, &[])
            .findings()
            .into_iter()
            .filter(|x| x.0 == "OFF")
            .collect::<Vec<_>>(),
        vec![f("OFF", "config/x.yaml", Some(1))]
    );
}

const APPROVAL: &str = r#"version: 1
vars:
  release: '2024-07-15'
  real_billing:
    flag: {name: BILLING_GATEWAY_ENABLE_REAL, files: ['**/*.env', '**/*.yaml']}
policies:
  - id: DR-009
    title: real billing needs steering approval
    check:
      flag: {var: real_billing, is: off}
    unless:
      matches:
        files: 'docs/compliance/approvals/{release}/steering.md'
        patterns: ['^Aprovado por: .+ <[^>]+> [—–-] \d{4}-\d{2}-\d{2}', 'BILLING_GATEWAY_ENABLE_REAL=1']
"#;

#[test]
fn approval_exempts_every_assignment() {
    let repo = Repo::new();
    repo.write("a.env", "BILLING_GATEWAY_ENABLE_REAL=1\n")
        .write(
            "k8s/d.yaml",
            "env:\n  - name: BILLING_GATEWAY_ENABLE_REAL\n    value: \"true\"\n",
        )
        .commit_all("on");
    let p = Policies::new(APPROVAL);
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings(),
        vec![
            f("DR-009", "a.env", Some(1)),
            f("DR-009", "k8s/d.yaml", Some(2))
        ]
    );
    assert!(
        r.json()["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains(
                "(no exemption: docs/compliance/approvals/2024-07-15/steering.md does not exist)"
            ),
        "{}",
        r.stdout
    );
    repo.write(
        "docs/compliance/approvals/2024-07-15/steering.md",
        "Aprovado por: Ana <ana@example.com> — 2024-07-10\nBILLING_GATEWAY_ENABLE_REAL=1\n",
    );
    let r = repo.relgate(&["check", "--policies", &p.path(), "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.status("DR-009"), "pass");
}

#[test]
fn flag_references_are_checked_at_load_time() {
    let repo = Repo::new();
    let p = Policies::new(
        "version: 1\nvars:\n  real: {flag: {name: X, files: '**/*.env'}}\n  mode: {from: reel, map: {'on': a}}\npolicies:\n  - id: A\n    title: t\n    check: {flag: {var: rea, is: off}}\n",
    );
    let r = repo.relgate(&["check", "--policies", &p.path()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown variable '{reel}'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("unknown flag variable 'rea'"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean 'real'"), "{}", r.stderr);
}

#[test]
fn hostile_nesting_is_a_finding_not_a_crash() {
    let repo = base_repo();
    // Each names the flag (so it could set it) and nests too deep to read.
    let deep_json = format!(
        "[{{\"BILLING_GATEWAY_ENABLE_REAL\": 0}}, {}{}]",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_yaml = format!("# BILLING_GATEWAY_ENABLE_REAL\n{}1\n", "- ".repeat(20_000));
    let deep_toml = format!(
        "# BILLING_GATEWAY_ENABLE_REAL\na = {}1{}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    repo.write("config/deep.json", &deep_json)
        .write("config/deep.yaml", &deep_yaml)
        .write("config/deep.toml", &deep_toml)
        .commit_all("hostile");
    let r = run(&repo, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let got: Vec<String> = r
        .findings()
        .into_iter()
        .filter(|f| f.0 == "OFF")
        .map(|f| f.1)
        .collect();
    assert_eq!(
        got,
        ["config/deep.json", "config/deep.toml", "config/deep.yaml"]
    );
}
