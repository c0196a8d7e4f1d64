//! The billing pack on the reference repository, with the flag set in the ways
//! dotenv loaders, shells and Docker read and relgate once did not (issues 8
//! and 12.13): each turns DR-009 red at the line that sets the flag (and
//! DR-008 at the README line that says sandbox), with the reason when the
//! value cannot be read. Nothing here is ever read as off.

use crate::common::*;

const PACK: &str = "billing-gateway-dr";
const NOW: &str = "2024-07-20T12:00:00Z";
const README: &str = "releases/2024-07-15/README.md";
const FLAG: &str = "BILLING_GATEWAY_ENABLE_REAL";

fn check(repo: &Repo) -> Run {
    repo.relgate(&["check", "--pack", PACK, "--format", "json", "--now", NOW])
}

/// `(path, line, message)` of every finding of `id`, sorted.
fn of(r: &Run, id: &str) -> Vec<(String, Option<u64>, String)> {
    let mut v: Vec<_> = r.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["policy"] == id)
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The file, its content with `@` for the flag's name, the line DR-009 must
/// name, and the start of its message (`@` for the flag's name).
const FORMS: &[(&str, &str, u64, &str)] = &[
    // dotenv
    (
        "config/production.env",
        "# Payments provider\n@=\"0\n1\"\n",
        2,
        "@ cannot be proven off ('0\n1' is not one of",
    ),
    (
        "config/production.env",
        "@=\"'0'\"\n",
        1,
        "@ cannot be proven off (''0'' is not one of",
    ),
    (
        "config/production.env",
        // A lone CR ends a dotenv line, not a reported one (reports count `\n`).
        "A=1\r@=1\r",
        1,
        "@ is on here ('1')",
    ),
    (
        "config/production.env",
        "@= # off until steering approves\n",
        1,
        "`@= # off until steering approves`: python-dotenv reads the value",
    ),
    (
        "config/production.env",
        "@=${REAL_BILLING}\n",
        1,
        "the value of @ ('${REAL_BILLING}') names a variable",
    ),
    // shell
    (
        "scripts/start.sh",
        "#!/bin/sh\n: \"${@:=1}\"\nexec billing-gateway\n",
        2,
        "@ is on here ('1')",
    ),
    (
        "scripts/start.sh",
        "#!/bin/bash\n@=(1)\n",
        2,
        "@ is on here ('1')",
    ),
    (
        "scripts/start.sh",
        "#!/bin/bash\nsetup() { @=1; }\nsetup\n",
        2,
        "@ is on here ('1')",
    ),
    (
        "scripts/start.sh",
        "#!/bin/sh\n@=0\neval \"@=1\"\n",
        3,
        "cannot tell what `eval \"@=1\"` does with @; @ counts as on (fail closed)",
    ),
    (
        "scripts/start.sh",
        "#!/bin/bash\nprintf -v @ 1\n",
        2,
        "cannot tell what `printf -v @ 1` does with @",
    ),
    (
        "scripts/start.sh",
        "#!/bin/bash\nread -r @ < /etc/billing/flag\n",
        2,
        "cannot tell what `read -r @` does with @",
    ),
    (
        "scripts/start.sh",
        "#!/bin/sh\ncat > config/.env.local <<EOF\n@=1\nEOF\n",
        3,
        "a here-document mentions @: cannot tell what it writes or runs",
    ),
    // processes started with the flag (issue 12.13)
    (
        "scripts/start.sh",
        "#!/bin/sh\nexec env @=1 ./server\n",
        2,
        "@ is on here ('1')",
    ),
    (
        "scripts/start.sh",
        "#!/bin/sh\nnohup env @=1 ./server &\n",
        2,
        "@ is on here ('1')",
    ),
    (
        "scripts/start.sh",
        "#!/bin/sh\nsudo -u billing @=1 ./server\n",
        2,
        "@ is on here ('1')",
    ),
    (
        "scripts/deploy.sh",
        "#!/bin/sh\ndocker run --rm \\\n  -e @=1 \\\n  billing-gateway\n",
        3,
        "@ is on here ('1')",
    ),
    (
        "scripts/deploy.sh",
        "#!/bin/sh\ndocker run -e @ billing-gateway\n",
        2,
        "`-e @` passes @ from the environment docker runs in",
    ),
    (
        "Dockerfile",
        "FROM python:3.12-slim\nCMD [\"env\", \"@=1\", \"billing-gateway\"]\n",
        2,
        "@ is on here ('1')",
    ),
    (
        "Dockerfile",
        "FROM python:3.12-slim\nENTRYPOINT env @=1 billing-gateway\n",
        2,
        "@ is on here ('1')",
    ),
];

#[test]
fn every_form_turns_dr009_red_at_its_line() {
    let mut wrong = Vec::new();
    for (path, content, line, message) in FORMS {
        let repo = Repo::reference();
        let content = content.replace('@', FLAG);
        // The reference's own assignment stays off, unless this is that file.
        repo.write(path, &content);
        let r = check(&repo);
        let dr009 = of(&r, "DR-009");
        let want_message = message.replace('@', FLAG);
        let ok = r.code == 1
            && dr009.len() == 1
            && dr009[0].0 == *path
            && dr009[0].1 == Some(*line)
            && dr009[0].2.starts_with(&want_message)
            && r.json()["vars"]["real_billing"] == "on"
            // The release README says sandbox: DR-008 names that line.
            && of(&r, "DR-008").iter().map(|f| (f.0.as_str(), f.1)).eq([(README, Some(3))]);
        if !ok {
            wrong.push(format!(
                "{path} {content:?}: code {}, DR-009 {dr009:?}, DR-008 {:?}",
                r.code,
                of(&r, "DR-008")
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Mentions a script can make without setting the flag keep the pack green.
#[test]
fn harmless_mentions_keep_the_pack_green() {
    let repo = Repo::reference();
    repo.write_mode(
        "scripts/start.sh",
        &"#!/bin/sh\n# @=1 turns real billing on\necho \"@=1 turns real billing on\" >&2\nif [ \"${@:-0}\" = 1 ]; then echo real; fi\nexport @\nunset @\nexec env -u @ billing-gateway\n"
            .replace('@', FLAG),
        0o755,
    )
    .write(
        "Dockerfile",
        &"FROM python:3.12-slim\nENV @=0\nRUN echo \"@ is ${@}\"\nCMD [\"env\", \"@=0\", \"billing-gateway\"]\n"
            .replace('@', FLAG),
    )
    .write(
        "config/local.env",
        &"@=\"0\"  # quoted, with a comment\nNOTE=\"multi\n@=1\nline\"\n".replace('@', FLAG),
    )
    .commit_all("mentions");
    let r = check(&repo);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["vars"]["real_billing"], "off");
}

/// A pull request that adds a mention relgate cannot read changes the flag:
/// DR-016 asks for the ledger and the README, at the new line.
#[test]
fn an_unknown_mention_is_a_change_of_the_flag() {
    let repo = Repo::reference();
    repo.git(&["branch", "-M", "main"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write_mode(
        "scripts/start.sh",
        &"#!/bin/sh\neval \"@=1\"\nexec billing-gateway\n".replace('@', FLAG),
        0o755,
    )
    .commit_all("start script");
    let r = repo.relgate(&[
        "check", "--pack", PACK, "--format", "json", "--now", NOW, "--base", "main",
    ]);
    assert_eq!(r.code, 1);
    let dr016 = of(&r, "DR-016");
    assert_eq!(
        dr016
            .iter()
            .map(|f| (f.0.as_str(), f.1))
            .collect::<Vec<_>>(),
        [("scripts/start.sh", Some(2)), ("scripts/start.sh", Some(2))],
        "{dr016:#?}"
    );
    assert!(
        dr016[0].2.starts_with(&format!(
            "the change sets {FLAG} to '<unknown>' in scripts/start.sh"
        )),
        "{dr016:#?}"
    );
}
