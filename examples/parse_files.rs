//! Measures relgate's config parsing alone: every file named in PATHS (one a
//! line, relative to DIR) that can assign NAME, read from disk first and then
//! parsed ROUNDS times on one thread, as the flag scan parses it. Not shipped.
//!
//!     cargo run --release --example parse_files -- DIR PATHS NAME [ROUNDS]
#![allow(clippy::print_stdout, clippy::print_stderr)]

use relgate::parse::assign::{config_format_for_path, find_assignments};
use relgate::parse::narrow::Narrower;
use std::time::Instant;

fn main() {
    // As relgate's worker threads: a stack the parsers' nesting limits fit in,
    // so that they run on it instead of on a thread of their own per file.
    let worker = std::thread::Builder::new()
        .stack_size(relgate::parse::structured::PARSER_STACK_SIZE)
        .spawn(|| {
            relgate::parse::structured::mark_big_stack_thread();
            run();
        });
    if let Ok(w) = worker {
        let _ = w.join();
    }
}

fn run() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(list), Some(name)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: parse_files DIR PATHS NAME [ROUNDS]");
        return;
    };
    let rounds: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(1);
    let Ok(text) = std::fs::read_to_string(list) else {
        eprintln!("{list}: cannot read");
        std::process::exit(2);
    };
    let narrower = Narrower::new(name);
    let files: Vec<_> = text
        .lines()
        .filter_map(|p| {
            let format = config_format_for_path(p)?;
            let bytes = std::fs::read(std::path::Path::new(dir).join(p)).ok()?;
            narrower
                .could_assign(format, &bytes)
                .then(|| (format, String::from_utf8(bytes).ok()))
        })
        .filter_map(|(format, text)| Some((format, text?)))
        .collect();
    for _ in 0..rounds {
        let mut per: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
        for (format, text) in &files {
            let start = Instant::now();
            let found = find_assignments(*format, text, name).map_or(0, |a| a.len());
            let e = per.entry(format!("{format:?}")).or_default();
            e.0 += usize::from(found > 0);
            e.1 += start.elapsed().as_secs_f64() * 1e3;
        }
        for (format, (n, ms)) in per {
            println!("{format:>10}: {n:5} files with an assignment, {ms:6.1} ms");
        }
    }
}
