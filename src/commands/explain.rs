//! `relgate explain ID`: what a policy checks, why, and how to fix a failure.
//! `relgate explain KIND`: the reference of a check kind (also without policies).

use super::reference;
use super::{Io, load_from_disk, print_load_errors};
use crate::checks;
use crate::cli::{ExplainArgs, ListFormat};
use crate::error::{Error, Outcome};
use crate::lang::error::did_you_mean;
use crate::policy::{Cond, PolicySet};

pub(crate) fn run(args: &ExplainArgs, io: &mut Io) -> Outcome {
    let kind = checks::kind(&args.id);
    let set = match load_from_disk(&args.policies) {
        Ok(s) => s,
        // A check kind needs no policies: its reference is in the binary.
        Err(_) if kind.is_some() => PolicySet::default(),
        Err(e) => return Err(print_load_errors(&e, io)),
    };
    let Some(p) = set
        .policies
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(&args.id))
    else {
        if let Some(k) = kind {
            if args.policies.format == ListFormat::Json {
                let doc = kind_json(k);
                let _ = writeln!(io.out, "{}", pretty(&doc));
            } else {
                let _ = write!(io.out, "{}", reference::kind_markdown(k));
            }
            return Ok(());
        }
        let ids = set.policies.iter().map(|p| p.id.as_str());
        let hint = did_you_mean(&args.id, ids.chain(checks::KINDS.iter().map(|k| k.name)))
            .unwrap_or_else(|| {
                "relgate list shows the policies; relgate schema --format markdown the check kinds"
                    .into()
            });
        let _ = writeln!(io.err, "relgate: no policy '{}'; {hint}", args.id);
        return Err(Error::Failed);
    };
    if args.policies.format == ListFormat::Json {
        let _ = writeln!(io.out, "{}", pretty(&policy_json(&set, p)));
        return Ok(());
    }
    let mut s = format!("{} — {}\n", p.id, p.title);
    if let Some(n) = &p.name {
        s.push_str(&format!("name:      {n}\n"));
    }
    s.push_str(&format!("severity:  {}\n", p.severity.as_str()));
    s.push_str(&format!("defined:   {}\n", p.origin));
    if !p.tags.is_empty() {
        s.push_str(&format!(
            "tags:      {} (--only / --skip)\n",
            p.tags.join(", ")
        ));
    }
    if !p.baseline {
        s.push_str(
            "baseline:  false (judged whole: pre-existing findings count under --new-only)\n",
        );
    }
    if let Some(u) = &p.url {
        s.push_str(&format!("docs:      {u}\n"));
    }
    if let Some(d) = &p.description {
        s.push_str(&format!("\nWhy:\n  {}\n", d.trim().replace('\n', "\n  ")));
    }
    s.push_str("\nWhat it checks:\n");
    if let Some(fe) = &p.for_each {
        s.push_str(&format!("  for each: {}\n", for_each_line(fe)));
    }
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
    let mut kinds = Vec::new();
    for c in [p.when.as_ref(), Some(&p.check), p.unless.as_ref()]
        .into_iter()
        .flatten()
    {
        kinds_of(c, &mut kinds);
    }
    for k in kinds.iter().filter_map(|k| checks::kind(k)) {
        // The kind's details without its example; `relgate explain KIND` shows all.
        s.push_str(&format!(
            "\nCheck '{}' (relgate explain {} shows its keys):\n{}",
            k.name,
            k.name,
            indented(reference::details(k))
        ));
    }
    let _ = write!(io.out, "{s}");
    Ok(())
}

/// `for_each` in a line: what is iterated, the variable, what is left out, the minimum.
fn for_each_line(fe: &crate::policy::ForEach) -> String {
    let raw = |ts: &[crate::lang::template::Template]| {
        ts.iter()
            .map(|t| format!("'{}'", t.raw))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = format!(
        "{} matching {} as {{{}}}",
        if fe.dirs { "directory" } else { "file" },
        raw(&fe.globs.include),
        fe.name
    );
    if !fe.globs.exclude.is_empty() {
        s.push_str(&format!(", except {}", raw(&fe.globs.exclude)));
    }
    s.push_str(&format!(
        "; each instance is judged on its own; fewer than {} is a finding",
        fe.min
    ));
    s
}

/// Each line indented by two spaces (blank lines left blank).
fn indented(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect()
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// `explain ID --format json`: the same facts as the human text, as fields.
fn policy_json(set: &PolicySet, p: &crate::policy::Policy) -> serde_json::Value {
    let mut kinds = Vec::new();
    for c in [p.when.as_ref(), Some(&p.check), p.unless.as_ref()]
        .into_iter()
        .flatten()
    {
        kinds_of(c, &mut kinds);
    }
    serde_json::json!({
        "version": 1,
        "id": p.id,
        "name": p.name,
        "title": p.title,
        "severity": p.severity.as_str(),
        "defined": {"file": p.origin.file, "line": p.origin.line, "column": p.origin.column},
        "url": p.url,
        "tags": p.tags,
        "baseline": p.baseline,
        "for_each": p.for_each.as_ref().map(for_each_line),
        "description": p.description.as_deref().map(str::trim),
        "when": p.when.as_ref().map(outline),
        "check": outline(&p.check),
        "unless": p.unless.as_ref().map(outline),
        "definition": source_block(set, p),
        "help": p.help.as_ref().map(|h| h.raw.trim().to_string()),
        "kinds": kinds.iter().filter_map(|k| checks::kind(k)).map(kind_json).collect::<Vec<_>>(),
    })
}

/// `explain KIND --format json`: the kind's summary, details and keys.
fn kind_json(k: &checks::KindSpec) -> serde_json::Value {
    serde_json::json!({
        "kind": k.name,
        "summary": k.summary,
        "details": k.doc,
        "params": k.params.iter().map(|p| serde_json::json!({
            "name": p.name,
            "required": p.required,
            "doc": p.doc,
        })).collect::<Vec<_>>(),
    })
}

/// The check kinds a condition uses, each once, in order of appearance.
fn kinds_of(c: &Cond, out: &mut Vec<&'static str>) {
    match c {
        Cond::Check { kind, .. } => {
            if !out.contains(kind) {
                out.push(kind);
            }
        }
        Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| kinds_of(c, out)),
        Cond::Not(c) => kinds_of(c, out),
    }
}

fn outline(c: &Cond) -> String {
    match c {
        Cond::Check { kind, .. } => {
            let summary = checks::kind(kind).map_or("", |k| k.summary);
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
fn source_block(set: &PolicySet, p: &crate::policy::Policy) -> Option<String> {
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
