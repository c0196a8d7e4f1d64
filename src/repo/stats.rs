//! What a run listed and read, per view (`relgate check --stats`): the evidence that
//! relgate reads exactly the files its policies need, each once, and nothing else.
//!
//! Counted where content enters the process: a view's read-once cache
//! ([`super::listing::Listing`]) and the attachments. A read that fails (a symbolic
//! link, a missing file, one over the size limit) reads no content and is not
//! counted; neither are the permission bits a `mode` check looks up, nor the
//! `.gitignore` files the working-tree walk reads to list untracked files.

use serde::Serialize;

/// What one view listed and read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ViewStats {
    /// Entries the view lists (files, symbolic links, submodules).
    pub listed: usize,
    /// Distinct files whose content was read.
    pub read: usize,
    /// Reads made: more than `read` only when a file was asked for again after it was
    /// freed (read in passing, or beyond the read cache's budget).
    pub reads: usize,
    /// Bytes of content read, over all reads.
    pub bytes: u64,
    /// The paths of the files read, sorted (`--stats=paths`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
}

/// What every view of a run listed and read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunStats {
    /// The view under check (working tree, index or commit); without `--base` the
    /// trusted inputs (policies, signers, waivers) are read from it too.
    pub checked: ViewStats,
    /// With `--base REV`: REV's tree, from which the trusted inputs are read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted: Option<ViewStats>,
    /// With `--base`: the merge base's tree, against which changes are judged, when it
    /// is not REV itself (then REV's tree is listed once, and `trusted` counts both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<ViewStats>,
    /// The files passed with `--attach` (each read once, before evaluation).
    pub attachments: ViewStats,
}

impl RunStats {
    /// One line per view, for standard error.
    pub fn lines(&self) -> Vec<String> {
        let views = [
            ("checked", Some(&self.checked)),
            ("trusted", self.trusted.as_ref()),
            ("base", self.base.as_ref()),
            ("attachments", Some(&self.attachments)),
        ];
        views
            .into_iter()
            .filter_map(|(name, s)| {
                let s = s?;
                Some(format!(
                    "{name}: {} listed, {} read ({} reads, {} bytes)",
                    s.listed, s.read, s.reads, s.bytes
                ))
            })
            .collect()
    }
}
