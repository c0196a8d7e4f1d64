//! `exists`: files that must be there.

use super::KindSpec;
use crate::eval::util::missing_message;
use crate::eval::{At, Check, Cx, Eval, Hit, Subject};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::GlobSet;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "exists",
    summary: "Each path exists; each glob matches at least one file.",
    doc: include_str!("exists.md"),
    params: &[Param {
        name: "paths",
        ty: Ty::Globs,
        required: true,
        doc: "Paths or globs, relative to the checked root; a bare string or list sets this.",
    }],
    shorthand: Some("paths"),
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let include = f.globs("paths")?;
    Some(Box::new(Exists(GlobSet {
        ignore_case: false,
        include,
        exclude: Vec::new(),
    })))
}

#[derive(Debug)]
struct Exists(GlobSet);

impl Check for Exists {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(crate::eval::reach::Reached::globs(&self.0))
    }

    fn held(&self, cx: &Cx) -> Option<Hit> {
        let set = self.0.render(cx).ok()?;
        let pat = set.include.first()?;
        let (path, how) = match &pat.glob {
            None => (cx.view.entry(&pat.text)?.path, String::new()),
            Some(g) => (
                cx.view.entries().iter().find(|e| g.is_match(e.path))?.path,
                format!(", which matches '{}'", pat.text),
            ),
        };
        Some(Hit::at(format!("{path} exists{how}"), At::file(path)))
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let set = self.0.render(cx)?;
        let mut hits = Vec::new();
        for pat in &set.include {
            let found = match &pat.glob {
                None => cx.view.entry(&pat.text).map(|e| e.path),
                Some(g) => cx
                    .view
                    .entries()
                    .iter()
                    .find(|e| g.is_match(e.path))
                    .map(|e| e.path),
            };
            if let Some(path) = found {
                cx.record(path);
                continue;
            }
            hits.push(match &pat.glob {
                None => Hit::at(missing_message(cx, &pat.text), At::file(&pat.text)),
                Some(_) => Hit::new(
                    format!("no file matches '{}'", pat.text),
                    match pat.base() {
                        "" => Subject::Repository,
                        base => Subject::File(base.to_string()),
                    },
                ),
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    #[test]
    fn paths_and_globs() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("a/b.md", "")
            .symlink("l", "x");
        assert!(eval_yaml("exists: [a/b.md, 'a/*.md', l]", &view, &[]).is_empty());
        let hits = eval_yaml(
            "exists: {paths: ['a/{n}.md', 'c/**/*.md']}",
            &view,
            &[("n", "z")],
        );
        assert_eq!(brief(&hits), [("a/z.md".into(), None), ("c".into(), None)]);
    }
}
