//! Keeps the crate's layers in order (see the table in the crate docs): reads every
//! file under `src/`, collects the top-level modules each one names through
//! `crate::`, and fails on an import from a lower layer to a higher one, on a
//! module missing from the table, and on a cycle between top-level modules.
//!
//! Test items (`#[cfg(test)]`) are left out: a unit test may drive the loader or
//! the engine from any layer, as the test helpers in `testkit` do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules, lowest layer first. A module may import its own layer and
/// those before it.
const LAYERS: &[&[&str]] = &[
    &["finding", "output", "parse", "repo"],
    &["lang"],
    &["eval"],
    &["checks"],
    &["policy"],
    &["engine"],
    &["report"],
    &["run"],
    &["cli", "error", "commands", ""],
    // Compiled for unit tests only.
    &["testkit", "layers"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file belongs to (`""` for the crate root).
fn module_of(rel: &Path) -> Option<String> {
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    Some(match first.strip_suffix(".rs") {
        Some("lib") => String::new(),
        Some("main") => return None,
        Some(m) => m.to_string(),
        None => first.to_string(),
    })
}

/// The lines of `text` outside `#[cfg(test)]` items, comments cut off.
fn code_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            let indent = line.len() - line.trim_start().len();
            // Skip the item: one line (`use …;`, `fn f() {}`), or up to its closing
            // brace at the same indentation (the code is formatted by rustfmt).
            let mut first = true;
            for item in lines.by_ref() {
                let trimmed = item.trim_start();
                let at = item.len() - trimmed.len();
                if first && trimmed.starts_with("#[") {
                    continue;
                }
                let one_line = first
                    && (item.trim_end().ends_with(';') || item.trim_end().ends_with('}'))
                    && item.matches('{').count() == item.matches('}').count();
                if one_line || (!first && at == indent && trimmed.starts_with('}')) {
                    break;
                }
                first = false;
            }
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push(code);
    }
    out
}

/// The top-level modules `text` names through `crate::`, outside test items.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for line in code_lines(text) {
        for (i, _) in line.match_indices("crate::") {
            if line[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                continue; // `relgate_crate::`, not ours
            }
            let rest = &line[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::x, b};`: the first name of each item at depth 0.
                let mut depth = 0;
                let mut start = true;
                for (j, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if start && !c.is_whitespace() => {
                            out.insert(ident(&group[j..]));
                            start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                out.insert(ident(rest));
            }
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// Module → the other top-level modules it imports.
fn graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("cannot read {}", dir.display());
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let Some(module) = path.strip_prefix(root).ok().and_then(module_of) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let deps = g.entry(module.clone()).or_default();
            deps.extend(imports(&text).into_iter().filter(|d| *d != module));
        }
    }
    g
}

/// Every import that breaks the layer order, and every cycle, as messages.
fn violations(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (m, deps) in g {
        let Some(r) = rank(m) else {
            out.push(format!(
                "module '{m}' is not in the layer table of src/layers.rs"
            ));
            continue;
        };
        for d in deps {
            match rank(d) {
                Some(rd) if rd > r => out.push(format!("'{m}' imports '{d}', a higher layer")),
                Some(_) => {}
                None => out.push(format!("module '{d}' is not in the layer table")),
            }
        }
    }
    // A cycle can only stay within one layer: walk from each module and look for it.
    for start in g.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Vec<&str>> = vec![vec![start.as_str()]];
        while let Some(path) = stack.pop() {
            let last = path[path.len() - 1];
            for d in g.get(last).into_iter().flatten() {
                if d == start {
                    out.push(format!("cycle: {} -> {start}", path.join(" -> ")));
                } else if seen.insert(d.as_str()) {
                    let mut p = path.clone();
                    p.push(d);
                    stack.push(p);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn layers_import_only_downward_and_no_module_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&root);
    assert!(g.contains_key("checks") && g.contains_key("lang"), "{g:?}");
    assert!(
        g["checks"].contains("eval"),
        "the scan finds imports: {g:?}"
    );
    // `check` and `test` both hand a request to the run.
    assert!(g["commands"].contains("run"), "{g:?}");
    let bad = violations(&g);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_scan_sees_grouped_and_inline_paths_but_not_tests_or_comments() {
    let text = "use crate::{lang::x, eval::{Cx, Hit}};\n\
                // crate::engine in a comment\n\
                fn f() { crate::parse::dates::now(); }\n\
                #[cfg(test)]\n\
                use crate::commands::y;\n\
                #[cfg(test)]\n\
                mod tests {\n    use crate::policy::load;\n    fn g() {}\n}\n\
                use crate::repo::View;\n";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["eval", "lang", "parse", "repo"]);
}

#[test]
fn an_upward_import_and_a_cycle_are_reported() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("checks".into())
        .or_default()
        .insert("policy".into());
    g.entry("policy".into())
        .or_default()
        .insert("checks".into());
    g.entry("cli".into()).or_default().insert("commands".into());
    g.entry("commands".into()).or_default().insert("cli".into());
    assert_eq!(
        violations(&g),
        [
            "'checks' imports 'policy', a higher layer",
            "cycle: checks -> policy -> checks",
            "cycle: cli -> commands -> cli",
            "cycle: commands -> cli -> commands",
            "cycle: policy -> checks -> policy",
        ]
    );
}
