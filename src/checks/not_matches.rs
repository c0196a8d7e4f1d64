//! `not_matches`: text that must not be present.

use super::scope::Scope;
use super::util::select;
use super::{At, Check, Cx, Eval, Hit, KindSpec, Param, Ty};
use crate::policy::fields::{Fields, GlobSet, RegexT};
use crate::policy::template::{Template, no_escape};

pub static SPEC: KindSpec = KindSpec {
    name: "not_matches",
    summary: "No selected file has a match for any of the patterns (optionally within one Markdown section).",
    doc: "One finding per match, at its line and column. Files that do not exist are fine; a file \
that cannot be read as UTF-8 is a finding.\n\n```yaml\ncheck:\n  not_matches:\n    files: 'docs/**/*.md'\n    patterns: '(?i)\\bTODO\\b'\n```",
    params: &[
        Param {
            name: "files",
            ty: Ty::Globs,
            required: true,
            doc: "Paths or globs of the files to search.",
        },
        Param {
            name: "patterns",
            ty: Ty::Regexes,
            required: true,
            doc: "Regexes that must not match.",
        },
        Param {
            name: "section",
            ty: Ty::Text,
            required: false,
            doc: "Search only this Markdown section.",
        },
        Param {
            name: "exclude",
            ty: Ty::Globs,
            required: false,
            doc: "Globs of files to leave out.",
        },
        Param {
            name: "message",
            ty: Ty::Text,
            required: false,
            doc: "The finding's message instead of the default.",
        },
    ],
    shorthand: None,
    build,
};

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let files = f.globs("files");
    let patterns = f.regexes("patterns");
    let section = f.text("section");
    let exclude = f.globs("exclude");
    let message = f.text("message");
    Some(Box::new(NotMatches {
        files: GlobSet {
            include: files?,
            exclude: exclude.unwrap_or_default(),
        },
        patterns: patterns?,
        section,
        message,
    }))
}

#[derive(Debug)]
struct NotMatches {
    files: GlobSet,
    patterns: Vec<RegexT>,
    section: Option<Template>,
    message: Option<Template>,
}

impl Check for NotMatches {
    fn eval(&self, cx: &Cx) -> Eval {
        let (paths, _missing) = select(cx, &self.files)?;
        let mut hits = Vec::new();
        for path in &paths {
            let (content, scope) = match Scope::load(cx, path, self.section.as_ref())? {
                Ok((c, Ok(s))) => (c, s),
                Ok((_, Err(_no_section))) => continue,
                Err(hit) => {
                    hits.push(hit);
                    continue;
                }
            };
            let body = content.text().unwrap_or_default();
            for p in &self.patterns {
                let re = p.get(cx)?;
                for m in re.find_iter(&body[scope.range.clone()]) {
                    let (line, column) = content.line_col(scope.range.start + m.start());
                    let message = match &self.message {
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
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::{brief, eval_yaml};
    use crate::repo::{SourceKind, memory::MemoryView};

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
        assert_eq!(hits[1].at.as_ref().and_then(|a| a.column), Some(3));
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
