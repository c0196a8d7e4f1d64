//! `relgate explain ID`: what a policy checks, why, and how to fix a failure.

use super::{Io, load_from_disk, print_load_errors};
use crate::cli::ExplainArgs;
use crate::error::{Error, Outcome};
use crate::lang::error::did_you_mean;
use crate::policy::Cond;

pub fn run(args: &ExplainArgs, io: &mut Io) -> Outcome {
    let set = match load_from_disk(&args.policies) {
        Ok(s) => s,
        Err(e) => return Err(print_load_errors(&e, io)),
    };
    let Some(p) = set
        .policies
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(&args.id))
    else {
        let hint = did_you_mean(&args.id, set.policies.iter().map(|p| p.id.as_str()))
            .unwrap_or_else(|| "relgate list shows the policies".into());
        let _ = writeln!(io.err, "relgate: no policy '{}'; {hint}", args.id);
        return Err(Error::Failed);
    };
    let mut s = format!("{} — {}\n", p.id, p.title);
    if let Some(n) = &p.name {
        s.push_str(&format!("name:      {n}\n"));
    }
    s.push_str(&format!("severity:  {}\n", p.severity.as_str()));
    s.push_str(&format!("defined:   {}\n", p.origin));
    if let Some(u) = &p.url {
        s.push_str(&format!("docs:      {u}\n"));
    }
    if let Some(d) = &p.description {
        s.push_str(&format!("\nWhy:\n  {}\n", d.trim().replace('\n', "\n  ")));
    }
    s.push_str("\nWhat it checks:\n");
    if let Some(w) = &p.when {
        s.push_str(&format!("  when:   {}\n", outline(w)));
    }
    s.push_str(&format!("  check:  {}\n", outline(&p.check)));
    if let Some(u) = &p.unless {
        s.push_str(&format!("  unless: {}\n", outline(u)));
    }
    if let Some(block) = source_block(&set, p) {
        s.push_str(&format!("\nDefinition ({}):\n{block}", p.origin));
    }
    if let Some(h) = &p.help {
        s.push_str(&format!(
            "\nHow to fix:\n  {}\n",
            h.raw.trim().replace('\n', "\n  ")
        ));
    }
    let _ = write!(io.out, "{s}");
    Ok(())
}

fn outline(c: &Cond) -> String {
    match c {
        Cond::Check { kind, .. } => {
            let summary = crate::checks::kind(kind).map_or("", |k| k.summary);
            format!("{kind} ({summary})")
        }
        Cond::All(cs) => format!(
            "all of [{}]",
            cs.iter().map(outline).collect::<Vec<_>>().join("; ")
        ),
        Cond::Any(cs) => format!(
            "any of [{}]",
            cs.iter().map(outline).collect::<Vec<_>>().join("; ")
        ),
        Cond::Not(c) => format!("not {}", outline(c)),
    }
}

/// The policy's YAML as written: its first line and every following line indented
/// deeper than the list item (or blank).
fn source_block(set: &crate::policy::PolicySet, p: &crate::policy::Policy) -> Option<String> {
    let file = set.files.iter().find(|f| f.name == p.origin.file)?;
    let lines: Vec<&str> = file.text.lines().collect();
    let first = p.origin.line.checked_sub(1)?;
    let start = *lines.get(first)?;
    let indent = start.find("- ").unwrap_or(0);
    let mut end = first + 1;
    while end < lines.len() {
        let l = lines[end];
        let deeper = l.get(..=indent).is_some_and(|head| head.trim().is_empty());
        if !(l.trim().is_empty() || deeper) {
            break;
        }
        end += 1;
    }
    while end > first + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    Some(
        lines[first..end]
            .iter()
            .map(|l| format!("  {}\n", l.get(indent..).unwrap_or(l.trim_start())))
            .collect(),
    )
}
