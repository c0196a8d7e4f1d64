//! Which config files can set the flag: on the reference repository with the
//! shipped pack, a Helm chart (Go templates, not YAML) and YAML with unrelated
//! duplicate keys set nothing; the same files spelling the flag's name, by
//! hand, through an escape or across escaped line breaks, still count (fail
//! closed, at that file and line).

use crate::common::*;

const NAME: &str = "BILLING_GATEWAY_ENABLE_REAL";
const TEMPLATE: &str = "charts/billing/templates/deployment.yaml";

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "billing.fullname" . }}
  labels:
    {{- include "billing.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          env:
            - name: LOG_LEVEL
              value: {{ .Values.logLevel | quote }}
          command:
            - /bin/sh
            - -c
            - |
              ./migrate --db {{ .Values.db | quote }} \
                --timeout 30 \
                --dry-run={{ .Values.dryRun }}
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
"#;

fn check(repo: &Repo) -> Run {
    repo.relgate(&[
        "check",
        "--pack",
        "billing-gateway-dr",
        "--format",
        "json",
        "--now",
        "2024-07-20T12:00:00Z",
    ])
}

fn with_chart() -> Repo {
    let repo = Repo::reference();
    repo.write(TEMPLATE, DEPLOYMENT)
        .write(
            "charts/billing/templates/_helpers.tpl",
            "{{- define \"billing.fullname\" -}}\n{{ .Release.Name }}\n{{- end }}\n",
        )
        .write(
            "charts/billing/values.yaml",
            "replicaCount: 1\nimage:\n  repository: billing\n  tag: \"\"\nlogLevel: info\n",
        )
        // A CRD (a template: `{{-` is no YAML) whose patterns hold `\x7f` escapes,
        // which spell no name.
        .write(
            "charts/billing/templates/crds.yaml",
            "{{- if .Values.crds.enabled }}\nspec:\n  pattern: ^[^()<>@,;:\\\\\"\\/[\\]?={} \\t\\x7f\\x00\\x1f]+$\n{{- end }}\n",
        )
        .write(
            "config/generated/sloppy.yaml",
            "image: billing:1\nreplicas: 2\nimage: billing:2\nlabels:\n  team: a\n  team: b\n",
        )
        // Names the flag, but the repeated key cannot change what it is set to.
        .write(
            "config/generated/flagged.yaml",
            "env:\n  BILLING_GATEWAY_ENABLE_REAL: \"false\"\nimage: a\nimage: b\n",
        )
        .commit_all("chart");
    repo
}

#[test]
fn templates_and_unrelated_duplicates_set_nothing() {
    let repo = with_chart();
    let r = check(&repo);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.findings(), vec![]);
    assert_eq!(r.json()["vars"]["real_billing"], "off");
}

#[test]
fn a_template_that_names_the_flag_fails_closed_at_that_line() {
    let repo = with_chart();
    repo.edit(
        TEMPLATE,
        "            - name: LOG_LEVEL\n",
        "            - name: BILLING_GATEWAY_ENABLE_REAL\n              value: \"1\"\n            - name: LOG_LEVEL\n",
    );
    let r = check(&repo);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    let dr009: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|x| x.0 == "DR-009")
        .collect();
    assert_eq!(dr009, [f("DR-009", TEMPLATE, Some(17))]);
    let m: Vec<String> = r
        .messages()
        .into_iter()
        .filter(|m| m.starts_with(&format!("cannot parse {TEMPLATE}: ")))
        .collect();
    assert_eq!(m.len(), 1, "{:?}", r.messages());
    assert!(
        m[0].contains(&format!(
            "it names {NAME} at line 17; {NAME} counts as on (fail closed)"
        )),
        "{}",
        m[0]
    );
}

#[test]
fn a_repeated_key_that_decides_the_flag_fails_closed() {
    let repo = with_chart();
    repo.write(
        "config/generated/flagged.yaml",
        "env:\n  BILLING_GATEWAY_ENABLE_REAL: \"false\"\nenv:\n  LOG: info\n",
    );
    let r = check(&repo);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let dr009: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|x| x.0 == "DR-009")
        .collect();
    // At the assignment whose value the repeat makes unknown.
    assert_eq!(
        dr009,
        [f("DR-009", "config/generated/flagged.yaml", Some(2))]
    );
    let m = r.messages();
    assert!(
        m.iter().any(|m| m.starts_with(
            "cannot parse config/generated/flagged.yaml: duplicate key \"env\" (first at line 1): which one a program keeps decides BILLING_GATEWAY_ENABLE_REAL (at line 3, column 1)"
        )),
        "{m:?}"
    );
}

#[test]
fn an_escaped_name_still_counts() {
    let repo = with_chart();
    // JSON `\u0041` spells the `A` of `REAL`: the file sets the flag.
    repo.write(
        "config/escaped.json",
        "{\n  \"env\": {\n    \"BILLING_GATEWAY_ENABLE_RE\\u0041L\": \"1\"\n  }\n}\n",
    );
    let r = check(&repo);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    let dr009: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|x| x.0 == "DR-009")
        .collect();
    assert_eq!(dr009, [f("DR-009", "config/escaped.json", Some(3))]);
    // The same escape in a file that does not parse: unknown, so on, at the line
    // where the escaped name starts (the parser stops on line 4).
    repo.write(
        "config/escaped.json",
        "{\n  \"env\": {\n    \"BILLING_GATEWAY_ENABLE_RE\\u0041L\": \"0\",\n  }\n}\n",
    );
    let r = check(&repo);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    let dr009: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|x| x.0 == "DR-009")
        .collect();
    assert_eq!(dr009, [f("DR-009", "config/escaped.json", Some(3))]);
    assert!(
        r.messages()
            .iter()
            .any(|m| m.contains(&format!("(at line 4, column 3); it names {NAME} at line 3"))),
        "{:?}",
        r.messages()
    );
}

/// A shell command in a template continued with `\`: joined, its lines spell
/// the flag's name, so the template is read for it; it is no YAML, so the flag
/// counts as on, at the line where the name starts.
#[test]
fn a_template_whose_joined_lines_spell_the_flag_fails_closed_there() {
    let repo = with_chart();
    repo.edit(
        TEMPLATE,
        "                --timeout 30 \\\n",
        "                --timeout 30 \\\n                --env BILLING_GATEWAY_\\\n                  ENABLE_REAL=1 \\\n",
    );
    let r = check(&repo);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["real_billing"], "on");
    let dr009: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|x| x.0 == "DR-009")
        .collect();
    assert_eq!(dr009, [f("DR-009", TEMPLATE, Some(25))]);
    let m: Vec<String> = r
        .messages()
        .into_iter()
        .filter(|m| m.starts_with(&format!("cannot parse {TEMPLATE}: ")))
        .collect();
    assert_eq!(m.len(), 1, "{:?}", r.messages());
    assert!(
        m[0].contains(&format!("it names {NAME} at line 25")),
        "{}",
        m[0]
    );
}
