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
            required: false,
            doc: "Octal permission bits, quoted: `'0644'` (or give `executable`).",
        },
        Param {
            name: "executable",
            ty: Ty::Bool,
            required: false,
            doc: "Instead of `mode`: `true` when each file must be executable by its owner (the \
owner execute bit on disk; git mode `100755` with `--staged` and `--rev`), `false` when it must not be.",
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
    let executable = f.bool("executable");
    let exclude = f.globs("exclude");
    let min_files = min_files(f, 1);
    let want = match (mode, executable) {
        (Some(m), None) => Want::Exactly(m),
        (None, Some(x)) => Want::Executable(x),
        _ => {
            let span = f.span();
            f.lx.error(
                crate::lang::error::Code::BadValue,
                span,
                "check 'mode' needs exactly one of 'mode' (exact bits) or 'executable' (true or false)",
            )
            .help = Some("mode: '0644' compares the bits exactly; executable: true asks only for the owner's execute bit".into());
            return None;
        }
    };
    Some(Box::new(Mode {
        files: GlobSet {
            ignore_case: false,
            include: files?,
            exclude: exclude.unwrap_or_default(),
        },
        want,
        min_files: min_files?,
    }))
}

#[derive(Debug)]
struct Mode {
    files: GlobSet,
    want: Want,
    min_files: usize,
}

/// What a file's mode must be.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// These permission bits exactly (git: `100755` when any execute bit is set).
    Exactly(u32),
    /// Executable by its owner (`true`) or not (`false`).
    Executable(bool),
}

impl Want {
    /// The mode git records for a file that meets it.
    fn git(self) -> u32 {
        let exec = match self {
            Want::Exactly(m) => m & 0o111 != 0,
            Want::Executable(x) => x,
        };
        if exec { 0o100755 } else { 0o100644 }
    }

    /// What a regular file must be, in words (for messages).
    fn describe(self) -> String {
        match self {
            Want::Exactly(m) => format!("mode {m:04o}"),
            Want::Executable(true) => "executable".into(),
            Want::Executable(false) => "not executable".into(),
        }
    }

    /// What is wrong with a regular file's permission bits on disk, if anything.
    fn on_disk(self, path: &str, mode: u32) -> Option<String> {
        match self {
            Want::Exactly(m) if mode != m => {
                Some(format!("{path} has mode {mode:04o}, expected {m:04o}"))
            }
            Want::Executable(x) if (mode & 0o100 != 0) != x => Some(format!(
                "{path} has mode {mode:04o}: {}",
                if x {
                    "its owner cannot execute it (chmod u+x)"
                } else {
                    "it is executable (chmod a-x)"
                }
            )),
            _ => None,
        }
    }

    /// What is wrong with a git mode, if anything.
    fn in_git(self, path: &str, mode: u32) -> Option<String> {
        let want = self.git();
        (mode != want).then(|| match self {
            Want::Exactly(m) => {
                format!("{path} has git mode {mode:06o}, expected {want:06o} ({m:04o})")
            }
            Want::Executable(_) => format!(
                "{path} has git mode {mode:06o}, expected {want:06o} ({}: git update-index --chmod={}x {path})",
                self.describe(),
                if want == 0o100755 { '+' } else { '-' }
            ),
        })
    }
}

impl Check for Mode {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(crate::eval::reach::Reached::globs(&self.files))
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let (paths, mut hits) = select(cx, &self.files)?;
        if hits.is_empty() {
            hits.extend(too_few(cx, &self.files, paths.len(), self.min_files)?);
        }
        let on_disk = cx.view.source() == SourceKind::Worktree;
        for path in &paths {
            let Some(e) = cx.view.entry(path) else {
                continue;
            };
            // Looked up on demand in the working tree; 0 for a file gone since listing.
            let mode = cx.view.mode(path).unwrap_or(0);
            let problem = match e.kind {
                EntryKind::Symlink => Some(format!(
                    "{path} is a symbolic link (to {}), not a regular file ({})",
                    cx.view.link_target(path).unwrap_or_else(|| "?".into()),
                    self.want.describe()
                )),
                EntryKind::Special => Some(format!(
                    "{path} is not a regular file (FIFO, socket or device)"
                )),
                EntryKind::Submodule => Some(format!("{path} is a submodule, not a regular file")),
                EntryKind::File if on_disk => self.want.on_disk(path, mode),
                EntryKind::File => self.want.in_git(path, mode),
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

    /// `executable` asks for the owner's execute bit on disk, `100755` in git.
    #[test]
    fn executable_by_its_owner() {
        let disk = MemoryView::new(SourceKind::Worktree)
            .file_mode("s/a.sh", b"", 0o744)
            .file_mode("s/b.sh", b"", 0o644)
            .file_mode("s/c.sh", b"", 0o011);
        let hits = eval_yaml("mode: {files: 's/*', executable: true}", &disk, &[]);
        assert_eq!(
            brief(&hits),
            [("s/b.sh".into(), None), ("s/c.sh".into(), None)]
        );
        assert!(
            hits[0].message.contains("its owner cannot execute it"),
            "{hits:?}"
        );
        let hits = eval_yaml("mode: {files: 's/*', executable: false}", &disk, &[]);
        assert_eq!(brief(&hits), [("s/a.sh".into(), None)]);
        let tree = MemoryView::new(SourceKind::Rev)
            .file_mode("s/a.sh", b"", 0o100755)
            .file_mode("s/b.sh", b"", 0o100644);
        let hits = eval_yaml("mode: {files: 's/*', executable: true}", &tree, &[]);
        assert_eq!(brief(&hits), [("s/b.sh".into(), None)]);
        assert!(
            hits[0]
                .message
                .ends_with("expected 100755 (executable: git update-index --chmod=+x s/b.sh)"),
            "{hits:?}"
        );
    }
}
