//! `relgate list`: the policies that would run.

use super::{Io, load_from_disk, print_load_errors};
use crate::cli::{ListFormat, PolicyArgs};
use crate::error::Outcome;

pub(crate) fn run(args: &PolicyArgs, io: &mut Io) -> Outcome {
    let set = match load_from_disk(args) {
        Ok(s) => s,
        Err(e) => return Err(print_load_errors(&e, io)),
    };
    if args.format == ListFormat::Json {
        let list: Vec<_> = set
            .policies
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id, "name": p.name, "severity": p.severity.as_str(), "title": p.title,
                    "source": p.origin.to_string(),
                })
            })
            .collect();
        let _ = writeln!(io.out, "{:#}", serde_json::Value::Array(list));
        return Ok(());
    }
    let width = set.policies.iter().map(|p| p.id.len()).max().unwrap_or(0);
    for p in &set.policies {
        let _ = writeln!(
            io.out,
            "{:<width$}  {:<7}  {}",
            p.id,
            p.severity.as_str(),
            p.title
        );
    }
    Ok(())
}
