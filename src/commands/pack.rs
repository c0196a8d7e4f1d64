//! `relgate pack fetch | list | update`: the git packs the policy files on disk declare.
//!
//! `fetch` fills the pack cache and verifies every pin (the same resolution `relgate
//! check` does, so a pin that `fetch` accepts is one `check --offline` can use).
//! `update` moves a pin: it asks the remote for the newest commit of a branch or tag
//! (`git ls-remote`), fetches it, rewrites only the `rev:` value of that entry (the
//! rest of the file, comments and layout, is kept byte for byte) and prints what
//! changed between the two commits: policies added, removed and changed, by id, and
//! variables added.

use super::{Io, read_policy_paths, root};
use crate::cli::{PackArgs, PackCommand, PackUpdateArgs};
use crate::error::{Error, Outcome};
use crate::parse::value::Value;
use crate::policy::fetch::{Packs, cache_dir};
use crate::policy::remote::{self, Declared, PackContent, PackDecl, PackSource};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub(crate) fn run(cmd: &PackCommand, io: &mut Io) -> Outcome {
    match cmd {
        PackCommand::Fetch(a) => fetch(a, io),
        PackCommand::List(a) => list(a, io),
        PackCommand::Update(a) => update(a, io),
    }
}

/// A declaration and the policy file (on disk) it stands in.
struct InFile {
    /// As shown.
    file: String,
    /// As opened (what `update` rewrites).
    path: PathBuf,
    text: String,
    d: Declared,
}

fn declarations(args: &PackArgs, io: &mut Io) -> Result<(Packs, Vec<InFile>), Error> {
    let fail = |io: &mut Io, m: String| {
        let _ = writeln!(io.err, "relgate pack: {m}");
        Error::Failed
    };
    let root = root::resolve(&args.path, true).map_err(|m| fail(io, m))?;
    let paths = if args.policies.is_empty() {
        vec![root.join(".relgate")]
    } else {
        args.policies.clone()
    };
    // The same walk as `--policies` (no link followed, `.relgate/tests/` left out),
    // keeping each file's path to rewrite it.
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for p in &paths {
        if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
            super::collect_yaml(p, &mut found, &mut errors);
        } else {
            found.push(p.clone());
        }
    }
    let mut files = Vec::new();
    for f in found {
        match read_policy_paths(std::slice::from_ref(&f)) {
            Ok(read) => files.extend(read.into_iter().map(|(n, t)| (n, t, f.clone()))),
            Err(e) => errors.extend(e.0),
        }
    }
    if !errors.is_empty() {
        let msgs: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        return Err(fail(io, msgs.join("; ")));
    }
    let Some(cache) = cache_dir() else {
        return Err(fail(
            io,
            "no pack cache: set XDG_CACHE_HOME or HOME".to_string(),
        ));
    };
    let packs = Packs {
        cache,
        offline: false,
        root,
        trusted: None,
        now: jiff::Timestamp::now(),
    };
    let mut out = Vec::new();
    for (file, text, path) in files {
        for d in remote::declared(&file, &text) {
            out.push(InFile {
                file: file.strip_prefix("./").unwrap_or(&file).to_string(),
                path: path.clone(),
                text: text.clone(),
                d,
            });
        }
    }
    Ok((packs, out))
}

fn at(f: &InFile) -> String {
    format!("{}:{}:{}", f.file, f.d.span.line, f.d.span.column)
}

fn fetch(args: &PackArgs, io: &mut Io) -> Outcome {
    let (packs, decls) = declarations(args, io)?;
    let mut failed = false;
    for f in decls.iter() {
        let PackDecl::Git { url, rev, .. } = &f.d.decl else {
            continue;
        };
        let was = packs.is_cached(url, rev);
        match packs.resolve(&f.d.decl) {
            Ok(c) => {
                let _ = writeln!(
                    io.out,
                    "{} {} ({url} at {rev}): {} policy file{}",
                    if was { "cached " } else { "fetched" },
                    f.d.decl.name(),
                    c.files.len(),
                    if c.files.len() == 1 { "" } else { "s" }
                );
            }
            Err(e) => {
                failed = true;
                let _ = writeln!(
                    io.err,
                    "{}: error: {}\n  help: {}",
                    at(f),
                    e.message,
                    e.help
                );
            }
        }
    }
    if failed { Err(Error::Failed) } else { Ok(()) }
}

fn list(args: &PackArgs, io: &mut Io) -> Outcome {
    let (packs, decls) = declarations(args, io)?;
    for f in &decls {
        let line = match &f.d.decl {
            PackDecl::Shipped(n) => format!("{n}  shipped in relgate"),
            PackDecl::Local { path } => format!("{}  local folder {path}", f.d.decl.name()),
            PackDecl::Git {
                url,
                rev,
                path,
                signers,
            } => format!(
                "{}  {url} {}{rev}  {}{}",
                f.d.decl.name(),
                if path.is_empty() {
                    String::new()
                } else {
                    format!("{path} at ")
                },
                if packs.is_cached(url, rev) {
                    "cached"
                } else {
                    "not cached"
                },
                match signers {
                    Some(s) => format!("  signers {s}"),
                    None => String::new(),
                }
            ),
        };
        let _ = writeln!(io.out, "{line}  ({})", at(f));
    }
    Ok(())
}

fn update(args: &PackUpdateArgs, io: &mut Io) -> Outcome {
    let (packs, decls) = declarations(&args.at, io)?;
    let chosen: Vec<&InFile> = decls
        .iter()
        .filter(|f| matches!(f.d.decl, PackDecl::Git { .. }))
        .filter(|f| args.name.as_ref().is_none_or(|n| *n == f.d.decl.name()))
        .collect();
    if chosen.is_empty() {
        let _ = writeln!(
            io.err,
            "relgate pack update: no git pack{} is declared",
            args.name
                .as_ref()
                .map(|n| format!(" named '{n}'"))
                .unwrap_or_default()
        );
        return Err(Error::Failed);
    }
    // Files are rewritten after every pack is judged: one edit per `rev:` value.
    // Per file: its text and the (offset, old, new) of each `rev:` value to rewrite.
    type Edits = BTreeMap<PathBuf, (String, Vec<(usize, String, String)>)>;
    let mut edits: Edits = BTreeMap::new();
    for f in chosen {
        let PackDecl::Git {
            url,
            rev,
            path,
            signers,
        } = &f.d.decl
        else {
            continue;
        };
        let fail = |io: &mut Io, m: String, h: String| {
            let _ = writeln!(io.err, "{}: error: {m}\n  help: {h}", at(f));
            Error::Failed
        };
        let new = packs
            .remote_head(url, args.reference.as_deref())
            .map_err(|e| fail(io, e.message, e.help))?;
        let name = f.d.decl.name();
        if &new == rev {
            let _ = writeln!(io.out, "{name}: already at {rev}");
            continue;
        }
        let old_content = packs
            .resolve(&f.d.decl)
            .map_err(|e| fail(io, e.message, e.help))?;
        let moved = PackDecl::Git {
            url: url.clone(),
            rev: new.clone(),
            path: path.clone(),
            signers: signers.clone(),
        };
        let new_content = packs
            .resolve(&moved)
            .map_err(|e| fail(io, e.message, e.help))?;
        let Some(offset) = f.d.rev_span.and_then(|s| {
            f.text
                .get(s.offset..)
                .and_then(|t| t.find(rev.as_str()))
                .map(|i| s.offset + i)
        }) else {
            return Err(fail(
                io,
                "cannot find the 'rev:' value".into(),
                String::new(),
            ));
        };
        edits
            .entry(f.path.clone())
            .or_insert_with(|| (f.text.clone(), Vec::new()))
            .1
            .push((offset, rev.clone(), new.clone()));
        let _ = writeln!(io.out, "{name}: {rev} -> {new} ({})", f.file);
        for line in summary(&old_content, &new_content) {
            let _ = writeln!(io.out, "  {line}");
        }
    }
    for (file, (text, mut at)) in edits {
        at.sort_by_key(|e| std::cmp::Reverse(e.0));
        let mut text = text;
        for (offset, old, new) in at {
            text.replace_range(offset..offset + old.len(), &new);
        }
        if let Err(e) = std::fs::write(&file, text) {
            let shown = crate::output::display_path(&file);
            let _ = writeln!(io.err, "relgate pack update: cannot write {shown}: {e}");
            return Err(Error::Failed);
        }
    }
    Ok(())
}

/// Policy ids with their definitions, and variable names, of a pack's content.
fn contents(c: &PackContent) -> (BTreeMap<String, Value>, Vec<String>) {
    let mut policies = BTreeMap::new();
    let mut vars = Vec::new();
    let texts = c.manifest.iter().map(|m| ("pack.yaml", m.as_str()));
    for (name, text) in texts.chain(c.files.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        let file = std::sync::Arc::new(crate::lang::error::PolicyFile {
            name: name.to_string(),
            text: std::sync::Arc::from(text),
        });
        let Ok(root) = crate::lang::document::read(&file) else {
            continue;
        };
        if let Some(m) = root.get("vars").and_then(Value::as_object) {
            vars.extend(m.iter().map(|m| m.key.clone()));
        }
        if let Some(crate::parse::value::Kind::Array(items)) = root.get("policies").map(|p| &p.kind)
        {
            for it in items {
                if let Some(id) = it.get("id").and_then(Value::as_str) {
                    policies.insert(id.to_string(), it.clone());
                }
            }
        }
    }
    (policies, vars)
}

/// Whether two values are the same, wherever they stand.
fn same(a: &Value, b: &Value) -> bool {
    use crate::parse::value::Kind;
    match (&a.kind, &b.kind) {
        (Kind::Array(x), Kind::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Kind::Object(x), Kind::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(a, b)| a.key == b.key && same(&a.value, &b.value))
        }
        (x, y) => x == y,
    }
}

/// What changed between two contents of a pack, one line each.
fn summary(old: &PackContent, new: &PackContent) -> Vec<String> {
    let (op, ov) = contents(old);
    let (np, nv) = contents(new);
    let list = |v: Vec<&String>| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    let added: Vec<&String> = np.keys().filter(|k| !op.contains_key(*k)).collect();
    let removed: Vec<&String> = op.keys().filter(|k| !np.contains_key(*k)).collect();
    let changed: Vec<&String> = np
        .iter()
        .filter(|(k, v)| op.get(*k).is_some_and(|o| !same(o, v)))
        .map(|(k, _)| k)
        .collect();
    let vars: Vec<&String> = nv.iter().filter(|v| !ov.contains(v)).collect();
    let mut out = Vec::new();
    for (what, v) in [
        ("policies added", added),
        ("policies removed", removed),
        ("policies changed", changed),
        ("variables added", vars),
    ] {
        if !v.is_empty() {
            out.push(format!("{what}: {}", list(v)));
        }
    }
    if out.is_empty() {
        out.push("no policy or variable changed".into());
    }
    out
}
