//! `mode`: regular files with exact permission bits.

use super::KindSpec;
use crate::eval::util::{MIN_FILES, min_files, select, too_few};
use crate::eval::{At, Check, Cx, Eval, Hit};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::GlobSet;
use crate::repo::{EntryKind, SourceKind};

pub(super) static SPEC: KindSpec = KindSpec {
    name: "mode",
    summary: "Every selected file is a regular file with exactly the given permission bits.",
    doc: include_str!("mode.md"),
    params: &[
        Param {
            name: "files",
            ty: Ty::Globs,
            required: true,
            doc: "Paths or globs of the files to check.",
        },
        Param {
            name: "mode",
            ty: Ty::Mode,
            required: true,
            doc: "Octal permission bits, quoted: `'0644'`.",
        },
        Param {
            name: "exclude",
            ty: Ty::Globs,
            required: false,
            doc: "Globs of files to leave out.",
        },
        Param {
            doc: "Least number of files the globs must select (default 1: a glob that matches \
nothing is a finding; `0` allows it).",
            ..MIN_FILES
        },
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let files = f.globs("files");
    let mode = f.mode("mode");
    let exclude = f.globs("exclude");
    let min_files = min_files(f, 1);
    Some(Box::new(Mode {
        files: GlobSet {
            ignore_case: false,
            include: files?,
            exclude: exclude.unwrap_or_default(),
        },
        mode: mode?,
        min_files: min_files?,
    }))
}

#[derive(Debug)]
struct Mode {
    files: GlobSet,
    mode: u32,
    min_files: usize,
}

impl Check for Mode {
    fn eval(&self, cx: &Cx) -> Eval {
        let (paths, mut hits) = select(cx, &self.files)?;
        if hits.is_empty() {
            hits.extend(too_few(cx, &self.files, paths.len(), self.min_files)?);
        }
        let on_disk = cx.view.source() == SourceKind::Worktree;
        let want_git = if self.mode & 0o111 == 0 {
            0o100644
        } else {
            0o100755
        };
        for path in &paths {
            let Some(e) = cx.view.entry(path) else {
                continue;
            };
            // Looked up on demand in the working tree; 0 for a file gone since listing.
            let mode = cx.view.mode(path).unwrap_or(0);
            let problem = match e.kind {
                EntryKind::Symlink => Some(format!(
                    "{path} is a symbolic link (to {}), not a regular file with mode {:04o}",
                    cx.view.link_target(path).unwrap_or_else(|| "?".into()),
                    self.mode
                )),
                EntryKind::Special => Some(format!(
                    "{path} is not a regular file (FIFO, socket or device)"
                )),
                EntryKind::Submodule => Some(format!("{path} is a submodule, not a regular file")),
                EntryKind::File if on_disk && mode != self.mode => Some(format!(
                    "{path} has mode {:04o}, expected {:04o}",
                    mode, self.mode
                )),
                EntryKind::File if !on_disk && mode != want_git => Some(format!(
                    "{path} has git mode {:06o}, expected {want_git:06o} ({:04o})",
                    mode, self.mode
                )),
                EntryKind::File => None,
            };
            hits.extend(problem.map(|m| Hit::at(m, At::file(path))));
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    #[test]
    fn exact_bits_on_disk_git_modes_in_trees() {
        let disk = MemoryView::new(SourceKind::Worktree)
            .file_mode("r/a", b"", 0o644)
            .file_mode("r/b", b"", 0o664)
            .symlink("r/c", "a");
        let hits = eval_yaml("mode: {files: 'r/**', mode: '0644'}", &disk, &[]);
        assert_eq!(brief(&hits), [("r/b".into(), None), ("r/c".into(), None)]);
        let tree = MemoryView::new(SourceKind::Rev)
            .file_mode("r/a", b"", 0o100644)
            .file_mode("r/b", b"", 0o100755);
        let hits = eval_yaml("mode: {files: 'r/**', mode: '0644'}", &tree, &[]);
        assert_eq!(brief(&hits), [("r/b".into(), None)]);
        assert!(
            eval_yaml(
                "mode: {files: 'r/*', mode: '0755', exclude: r/a}",
                &tree,
                &[]
            )
            .is_empty()
        );
        assert_eq!(
            eval_yaml("mode: {files: 'x/*', mode: '0644'}", &tree, &[]).len(),
            1
        );
    }
}
