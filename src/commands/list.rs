//! `relgate list`: the policies that would run.

use super::{Io, load_from_disk, print_load_errors};
use crate::cli::{ListArgs, ListFormat};
use crate::error::Outcome;

pub(crate) fn run(list: &ListArgs, io: &mut Io) -> Outcome {
    let args = &list.policies;
    let mut set = match load_from_disk(args) {
        Ok(s) => s,
        Err(e) => return Err(print_load_errors(&e, io)),
    };
    let left_out = match crate::policy::select::select(&mut set, list.stages.stages()) {
        Ok(l) => l,
        Err(e) => return Err(print_load_errors(&e, io)),
    };
    if args.format == ListFormat::Json {
        let list: Vec<_> = set
            .policies
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id, "name": p.name, "severity": p.severity.as_str(), "title": p.title,
                    "source": p.origin.to_string(), "tags": p.tags,
                })
            })
            .collect();
        let _ = writeln!(io.out, "{:#}", serde_json::Value::Array(list));
        return Ok(());
    }
    let width = set.policies.iter().map(|p| p.id.len()).max().unwrap_or(0);
    for p in &set.policies {
        let tags = if p.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", p.tags.join(", "))
        };
        let _ = writeln!(
            io.out,
            "{:<width$}  {:<7}  {}{tags}",
            p.id,
            p.severity.as_str(),
            p.title
        );
    }
    if !left_out.is_empty() {
        let _ = writeln!(io.out, "{} not selected", left_out.len());
    }
    Ok(())
}
