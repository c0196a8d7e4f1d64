//! `encoding`: valid UTF-8 with no mojibake.

use super::KindSpec;
use crate::eval::scanned::{self, PerFile};
use crate::eval::util::{self, MIN_FILES, loaded, min_files, select, too_few};
use crate::eval::{At, Check, Cx, Eval, EvalError, Hit};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::GlobSet;
use crate::parse::encoding::{EncodingIssue, first_issue};
use crate::repo::{Content, ReadError};
use rayon::prelude::*;
use std::sync::Arc;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "encoding",
    summary: "Every selected file is valid UTF-8 and free of mojibake.",
    doc: include_str!("encoding.md"),
    params: &[
        Param {
            name: "files",
            ty: Ty::Globs,
            required: true,
            doc: "Paths or globs of the files to check.",
        },
        Param {
            name: "exclude",
            ty: Ty::Globs,
            required: false,
            doc: "Globs of files to leave out.",
        },
        Param {
            name: "mojibake",
            ty: Ty::Bool,
            required: false,
            doc: "Also reject mojibake (default true); false checks UTF-8 validity only.",
        },
        MIN_FILES,
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let files = f.globs("files");
    let exclude = f.globs("exclude");
    let mojibake = f.bool("mojibake");
    let min_files = min_files(f, 0);
    Some(Box::new(Encoding {
        files: GlobSet {
            ignore_case: false,
            include: files?,
            exclude: exclude.unwrap_or_default(),
        },
        mojibake: mojibake.unwrap_or(true),
        min_files: min_files?,
    }))
}

#[derive(Debug)]
struct Encoding {
    files: GlobSet,
    mojibake: bool,
    min_files: usize,
}

impl Check for Encoding {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(crate::eval::reach::Reached::globs(&self.files))
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let (paths, mut hits) = select(cx, &self.files)?;
        if hits.is_empty() {
            hits.extend(too_few(cx, &self.files, paths.len(), self.min_files)?);
        }
        // Files the engine's pass did not judge are read and scanned in parallel
        // (thousands of docs would otherwise be the run's longest serial stretch); hits
        // keep path order (only files with hits are collected).
        let per_file: Vec<Result<Vec<Hit>, EvalError>> = paths
            .par_iter()
            .map(|path| scanned::judge(cx, self, path))
            .filter(|h| !matches!(h, Ok(h) if h.is_empty()))
            .collect();
        for h in per_file {
            hits.extend(h?);
        }
        Ok(hits)
    }

    fn per_file(&self) -> Option<&dyn PerFile> {
        Some(self)
    }
}

impl PerFile for Encoding {
    fn files(&self) -> Option<&GlobSet> {
        Some(&self.files)
    }

    /// The file alone: its globs only select.
    fn inputs(&self, _: &Cx) -> Option<Vec<Option<String>>> {
        Some(Vec::new())
    }

    fn judge_file(
        &self,
        cx: &Cx,
        path: &str,
        read: Option<Result<Arc<Content>, ReadError>>,
    ) -> Result<Vec<Hit>, EvalError> {
        let content = match read.map_or_else(|| util::read(cx, path), |r| loaded(cx, path, r)) {
            Ok(c) => c,
            Err(blocked) => return blocked.hit().map(|h| vec![h]),
        };
        Ok(match first_issue(content.bytes()) {
            Some(EncodingIssue::InvalidUtf8 { line, column }) => Some(Hit::at(
                format!("{path} is not valid UTF-8 (line {line}, byte {column})"),
                At::line(path, line, column),
            )),
            Some(EncodingIssue::Mojibake {
                line,
                column,
                found,
                meant,
                codec,
            }) if self.mojibake => Some(Hit::at(
                format!(
                    "mojibake: '{found}' is '{meant}' read as {codec} and written back as UTF-8"
                ),
                At::line(path, line, column),
            )),
            _ => None,
        }
        .into_iter()
        .collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    #[test]
    fn first_bad_line_per_file() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("ok.md", "a\u{301}ção\r\n")
            .file("m.md", "ok\nAÃ§Ã£o\nÃ©\n")
            .file_mode("l.md", b"a\n\xe7\n", 0o644);
        let hits = eval_yaml("encoding: {files: '*.md'}", &view, &[]);
        assert_eq!(
            brief(&hits),
            [("l.md".into(), Some(2)), ("m.md".into(), Some(2))]
        );
        assert_eq!(
            eval_yaml("encoding: {files: '*.md', mojibake: false}", &view, &[]).len(),
            1
        );
    }
}
