//! `absent`: files that must not be there.

use super::KindSpec;
use crate::eval::util::select;
use crate::eval::{At, Check, Cx, Eval, Hit};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::GlobSet;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "absent",
    summary: "No file matches any of the paths or globs.",
    doc: include_str!("absent.md"),
    params: &[
        Param {
            name: "paths",
            ty: Ty::Globs,
            required: true,
            doc: "Paths or globs that must match nothing; a bare string or list sets this.",
        },
        Param {
            name: "exclude",
            ty: Ty::Globs,
            required: false,
            doc: "Globs of files that may exist after all.",
        },
    ],
    shorthand: Some("paths"),
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let include = f.globs("paths");
    let exclude = f.globs("exclude");
    Some(Box::new(Absent(GlobSet {
        ignore_case: false,
        include: include?,
        exclude: exclude.unwrap_or_default(),
    })))
}

#[derive(Debug)]
struct Absent(GlobSet);

impl Check for Absent {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(crate::eval::reach::Reached::globs(&self.0))
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let (found, _missing) = select(cx, &self.0)?;
        Ok(found
            .iter()
            .map(|p| Hit::at(format!("{p} must not exist"), At::file(p)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    #[test]
    fn every_present_file_is_a_hit() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("k/a.pem", "")
            .file("t/b.pem", "");
        let hits = eval_yaml("absent: {paths: '**/*.pem', exclude: 't/**'}", &view, &[]);
        assert_eq!(brief(&hits), [("k/a.pem".into(), None)]);
        assert!(eval_yaml("absent: '*.key'", &view, &[]).is_empty());
    }
}
