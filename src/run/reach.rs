//! What the policies of a run can reach ([`of`]): the globs every check, loop and
//! variable declares ([`crate::eval::reach`]), with the gate's own files.

use crate::eval::reach::{Reach, Reached};
use crate::eval::vars::VarKind;
use crate::lang::template::{Template, glob_escape};
use crate::policy::PolicySet;

/// What the policies, variables and loops of `set` may look at, with the trusted files
/// of the gate (`.relgate/` and every check's trusted files) in the same view. A variable
/// stands for its value given with `--var` (`overrides`) or for the glob of its template
/// (a `value`), else for anything (a `latest_dir` is a folder's name, not its path).
pub(crate) fn of(set: &PolicySet, overrides: &[(String, String)]) -> Reach {
    let part = |name: &str| part(set, overrides, name, 0);
    Reach::of_globs(reached(set).map(|all| {
        all.iter()
            .flat_map(|r| r.globs_with(&part).into_iter().map(|g| (g, r.ignore_case)))
            .collect()
    }))
}

/// The glob variable `name` stands for, or `None` (anything).
fn part(
    set: &PolicySet,
    overrides: &[(String, String)],
    name: &str,
    depth: usize,
) -> Option<String> {
    // Definitions cannot reference each other in a cycle (the loader refuses one);
    // the depth only bounds the work.
    if depth > 16 {
        return None;
    }
    if let Some((_, value)) = overrides.iter().rev().find(|(k, _)| k == name) {
        return Some(glob_escape(value));
    }
    let inner = |n: &str| part(set, overrides, n, depth + 1);
    match &set.vars.iter().find(|d| d.name == name)?.kind {
        VarKind::Literal(t) => Some(t.glob_with(false, &inner)),
        _ => None,
    }
}

/// Every glob `set` reaches, or `None` when some check may look at any path.
fn reached(set: &PolicySet) -> Option<Vec<Reached>> {
    let mut out = vec![Reached::below(
        &Template::parse(".relgate", Default::default()),
        false,
    )];
    for p in &set.policies {
        for check in p.checks() {
            out.extend(check.reach()?);
            out.extend(check.trusted_files().into_iter().map(Reached::path));
        }
        if let Some(fe) = &p.for_each {
            for t in &fe.globs.include {
                if fe.dirs {
                    out.push(Reached::below(t, fe.globs.ignore_case));
                } else {
                    out.push(Reached::glob(t, fe.globs.ignore_case));
                }
            }
        }
    }
    for v in &set.vars {
        out.extend(v.kind.reach());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Inputs, load};

    fn reach(yaml: &str) -> Reach {
        reach_with(yaml, &[])
    }

    fn reach_with(yaml: &str, overrides: &[(String, String)]) -> Reach {
        let set = load(&Inputs {
            files: vec![(".relgate/p.yaml".into(), yaml.into())],
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        of(&set, overrides)
    }

    #[test]
    fn a_variable_stands_for_its_value_or_its_template() {
        // A `latest_dir` stands for anything: its value is a folder's name.
        let yaml = "version: 1\nvars:\n  rel: {latest_dir: 'releases/*'}\n  list: {value: 'docs/{rel}/dr[1].md'}\npolicies:\n  - {id: A, title: t, check: {checklist: {file: '{list}'}}}\n";
        let r = reach(yaml);
        assert!(r.keeps("docs/releases/2026-01-01/dr[1].md"));
        assert!(
            !r.keeps("docs/releases/2026-01-01/dr1.md"),
            "the value's text is literal"
        );
        assert!(!r.keeps("docs/other.md"));
        let given = reach_with(yaml, &[("list".into(), "x/{y}.md".into())]);
        assert!(given.keeps("x/{y}.md"));
        assert!(!given.keeps("docs/releases/2026-01-01/dr[1].md"));
        assert!(given.keeps(".relgate/p.yaml"));
    }

    const HEAD: &str = "version: 1\n";

    #[test]
    fn every_check_kind_reaches_its_files_and_nothing_else() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "policies:\n  - {id: A, title: t, check: {absent: 'secrets/*.pem'}}\n",
                &["secrets/a.pem", ".relgate/p.yaml"],
                &["src/a.rs", "secrets.pem"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {exists: 'docs/{v}/x.md'}}\nvars:\n  v: {description: d}\n",
                &["docs/1/x.md", "docs/a/b/x.md"],
                &["docs/1/y.md", "x.md"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {matches: {files: '*.md', patterns: x}}}\n",
                &["README.md", "a/b.md"],
                &["a/b.txt"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {checklist: {file: 'r/{v}/dr-checklist.md'}}}\nvars:\n  v: {description: d}\n",
                &["r/1.2/dr-checklist.md"],
                &["r/1.2/other.md"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {signature: {file: 'r/c.md', signers: '.signers'}}}\n",
                &["r/c.md", "r/c.md.sig", ".signers"],
                &["r/d.md"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {mode: {files: 'bin/*', mode: '0644'}}}\n",
                &["bin/x"],
                &["src/x"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {var: {name: v, equals: x}}}\nvars:\n  v: {data: {file: 'cfg/app.json', path: a.b}}\n",
                &["cfg/app.json"],
                &["cfg/other.json"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {flag: {var: f, is: 'off'}}}\nvars:\n  f: {flag: {name: F, files: '**/*.env', case: insensitive}}\n",
                &["a/.env", "x.env", "A/PROD.ENV"],
                &["a/env.txt"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {var: {name: v, matches: '.'}}}\nvars:\n  v: {latest_dir: 'releases/*'}\n",
                &["releases/1.0/x.md", "releases/1.0"],
                &["docs/x.md"],
            ),
            (
                "policies:\n  - id: A\n    title: t\n    for_each: {dirs: 'charts/*'}\n    check: {exists: '{dir}/Chart.yaml'}\n",
                &["charts/a/values.yaml", "x/Chart.yaml"],
                &["src/a.rs"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {changes: {touches: 'config/**', must_modify: ledger.json}}}\n",
                &["config/a", "ledger.json"],
                &["src/a.rs"],
            ),
            (
                "policies:\n  - {id: A, title: t, check: {deadline: {file: l.json, date_field: d, expect: 'lessons/{date}.md', within: 48h}}}\n",
                &["l.json", "lessons/2026-01-01.md"],
                &["src/a.rs"],
            ),
        ];
        for (policies, kept, dropped) in cases {
            let r = reach(&format!("{HEAD}{policies}"));
            assert!(!r.is_all(), "{policies}");
            for p in *kept {
                assert!(r.keeps(p), "{policies}: {p} is reached");
            }
            for p in *dropped {
                assert!(!r.keeps(p), "{policies}: {p} is not reached");
            }
        }
    }
}
