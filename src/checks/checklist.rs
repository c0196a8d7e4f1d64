//! `checklist`: a Markdown task list with every item ticked.

use super::KindSpec;
use crate::eval::scope::Scope;
use crate::eval::{At, Check, Cx, Eval, Hit};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::SectionSpec;
use crate::lang::template::{Template, no_escape};
use crate::parse::markdown::task_items;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "checklist",
    summary: "The file (or one Markdown section of it) has at least one task item, and every task item is ticked.",
    doc: include_str!("checklist.md"),
    params: &[
        Param {
            name: "file",
            ty: Ty::Path,
            required: true,
            doc: "The Markdown file.",
        },
        Param {
            name: "section",
            ty: Ty::Section,
            required: false,
            doc: "Only this section's items count (heading text, without the `#`s), or the first heading a regex matches: `{matches: REGEX}`.",
        },
        Param {
            name: "allow_empty",
            ty: Ty::Bool,
            required: false,
            doc: "Pass when there is no task item at all (default false).",
        },
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let file = f.path("file");
    let section = f.section("section");
    let allow_empty = f.bool("allow_empty");
    Some(Box::new(Checklist {
        file: file?,
        section,
        allow_empty: allow_empty.unwrap_or(false),
    }))
}

#[derive(Debug)]
struct Checklist {
    file: Template,
    section: Option<SectionSpec>,
    allow_empty: bool,
}

impl Check for Checklist {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(vec![crate::eval::reach::Reached::path(&self.file)])
    }

    fn named(&self, cx: &Cx) -> Vec<String> {
        cx.vars.render(&self.file, no_escape).into_iter().collect()
    }

    fn named_templates(&self) -> Vec<&crate::lang::template::Template> {
        vec![&self.file]
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let path = cx.vars.render(&self.file, no_escape)?;
        let (content, scope) = match Scope::load(cx, &path, self.section.as_ref()) {
            Ok(loaded) => loaded,
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let text = content.text().unwrap_or_default();
        let items = if scope.first <= scope.last {
            task_items(text, scope.first..=scope.last)
        } else {
            Vec::new()
        };
        if items.is_empty() && !self.allow_empty {
            let at = match scope.heading {
                Some(l) => At::line(&path, l, 1),
                None => At::file(&path),
            };
            return Ok(vec![Hit::at(
                format!("{path} has no task item{}", scope.label),
                at,
            )]);
        }
        Ok(items
            .iter()
            .filter(|i| !i.checked)
            .map(|i| {
                Hit::at(
                    format!("unticked item{}: {}", scope.label, i.text),
                    At::line(&path, i.line, i.column),
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    #[test]
    fn unticked_items_in_the_section_only() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("l.md", "# L\n## R 2\n- [x] a\n- [ ] b\n## R 1\n- [ ] c\n");
        let hits = eval_yaml(
            "checklist: {file: l.md, section: 'R {r}'}",
            &view,
            &[("r", "2")],
        );
        assert_eq!(brief(&hits), [("l.md".into(), Some(4))]);
        assert_eq!(hits[0].message, "unticked item in section 'R 2': b");
        assert!(eval_yaml("checklist: {file: l.md, section: R 1}", &view, &[]).len() == 1);
    }

    #[test]
    fn no_items_missing_file_and_links_fail() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("e.md", "# E\n")
            .symlink("s.md", "/etc/x");
        assert_eq!(
            brief(&eval_yaml("checklist: {file: e.md}", &view, &[])),
            [("e.md".into(), None)]
        );
        assert!(eval_yaml("checklist: {file: e.md, allow_empty: true}", &view, &[]).is_empty());
        assert_eq!(
            eval_yaml("checklist: {file: x.md}", &view, &[])[0].message,
            "x.md does not exist"
        );
        assert!(
            eval_yaml("checklist: {file: s.md}", &view, &[])[0]
                .message
                .contains("symbolic link")
        );
    }
}
