//! `not_matches`: text that must not be present.

use super::KindSpec;
use super::matches::{TEXT_PARAMS, TextScan};
use crate::eval::scanned::{self, PerFile};
use crate::eval::{At, Blocked, Check, Cx, Eval, EvalError, Hit};
use crate::lang::fields::Fields;
use crate::lang::pattern::GlobSet;
use crate::lang::template::no_escape;
use crate::parse::markdown::searched;
use crate::repo::{Content, ReadError};
use std::sync::Arc;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "not_matches",
    summary: "No selected file has a match for any of the patterns (optionally within one Markdown section).",
    doc: include_str!("not_matches.md"),
    params: TEXT_PARAMS,
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    TextScan::read(f, 0).map(|t| Box::new(NotMatches(t)) as Box<dyn Check>)
}

#[derive(Debug)]
struct NotMatches(TextScan);

impl Check for NotMatches {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(crate::eval::reach::Reached::globs(&self.0.files))
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let this = &self.0;
        // A literal path that does not exist cannot hold a forbidden pattern: only
        // `min_files` makes an empty selection a finding.
        let (paths, selection) = this.select(cx)?;
        let mut hits: Vec<Hit> = selection
            .into_iter()
            .filter(|_| this.min_files > 0)
            .collect();
        for path in &paths {
            hits.extend(scanned::judge(cx, self, path)?);
        }
        Ok(hits)
    }

    fn per_file(&self) -> Option<&dyn PerFile> {
        Some(self)
    }
}

impl PerFile for NotMatches {
    fn files(&self) -> Option<&GlobSet> {
        self.0.files()
    }

    fn inputs(&self, cx: &Cx) -> Option<Vec<Option<String>>> {
        self.0.inputs(cx)
    }

    fn judge_file(
        &self,
        cx: &Cx,
        path: &str,
        read: Option<Result<Arc<Content>, ReadError>>,
    ) -> Result<Vec<Hit>, EvalError> {
        let this = &self.0;
        let (content, scope) = match this.load(cx, path, read) {
            Ok(loaded) => loaded,
            Err(Blocked::NoSection(_)) => return Ok(Vec::new()),
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let body = searched(path, content.text().unwrap_or_default(), this.raw);
        let mut hits = Vec::new();
        for p in &this.patterns {
            let re = p.get(cx)?;
            for m in re.find_iter(&body[scope.range.clone()]) {
                let (line, column) = content.line_col(scope.range.start + m.start());
                let message = match &this.message {
                    Some(t) => cx.vars.render(t, no_escape)?,
                    None => format!(
                        "'{}' matches the forbidden pattern '{}'",
                        m.as_str().lines().next().unwrap_or(""),
                        cx.vars.render(&p.tpl, no_escape)?
                    ),
                };
                hits.push(Hit::at(message, At::line(path, line, column)));
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    #[test]
    fn every_match_is_located() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("a.md", "x\nTODO\n  TODO\n")
            .file_mode("b.md", b"\xff", 0o644);
        let hits = eval_yaml("not_matches: {files: a.md, patterns: TODO}", &view, &[]);
        assert_eq!(
            brief(&hits),
            [("a.md".into(), Some(2)), ("a.md".into(), Some(3))]
        );
        assert_eq!(hits[1].subject.column(), Some(3));
        assert_eq!(
            brief(&eval_yaml(
                "not_matches: {files: b.md, patterns: x}",
                &view,
                &[]
            )),
            [("b.md".into(), Some(1))]
        );
    }
}
