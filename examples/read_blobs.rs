//! Measures relgate's object reads alone: the files named in PATHS (one a line,
//! as `relgate check --stats=paths` lists them), read through the `--staged`
//! view in path order by THREADS threads, each thread reading one contiguous
//! part of the list (as rayon splits it). Not shipped; compare with `git cat-file --batch` of the same blobs.
//!
//!     cargo run --release --example read_blobs -- REPO PATHS [THREADS] [ROUNDS]
#![allow(clippy::print_stdout, clippy::print_stderr)]

use relgate::repo::{self, SourceSpec, Target};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(repo_path), Some(list)) = (args.first(), args.get(1)) else {
        eprintln!("usage: read_blobs REPO PATHS [THREADS] [ROUNDS]");
        return;
    };
    let threads: usize = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(1);
    let rounds: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(1);
    let paths: Vec<String> = match std::fs::read_to_string(list) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(e) => {
            eprintln!("{list}: {e}");
            std::process::exit(2);
        }
    };
    for _ in 0..rounds {
        let target = Target {
            path: repo_path.into(),
            source: SourceSpec::Staged,
            base: None,
        };
        let opened = match repo::open(&target) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("{repo_path}: {e}");
                std::process::exit(2);
            }
        };
        let view = opened.view;
        let start = Instant::now();
        let bytes: usize = std::thread::scope(|s| {
            let part = paths.len().div_ceil(threads.max(1)).max(1);
            let workers: Vec<_> = paths
                .chunks(part)
                .map(|chunk| {
                    let view = &view;
                    s.spawn(move || {
                        let mut n = 0;
                        for p in chunk {
                            match view.read(p) {
                                Ok(c) => n += c.bytes().len(),
                                Err(e) => eprintln!("{p}: {e}"),
                            }
                        }
                        n
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
        });
        println!(
            "{} files, {bytes} bytes, {threads} threads: {:.1} ms",
            paths.len(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}
