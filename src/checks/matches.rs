//! `matches`: text that must be present.

use super::KindSpec;
use crate::eval::attach;
use crate::eval::scanned::{self, PerFile};
use crate::eval::scope::Scope;
use crate::eval::util::{MIN_FILES, min_files, select, too_few};
use crate::eval::{At, Blocked, Check, Cx, Eval, EvalError, Hit};
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::{GlobSet, RegexT, SectionSpec};
use crate::lang::template::{Template, no_escape};
use crate::parse::markdown::searched;
use crate::repo::{Content, ReadError};
use std::borrow::Cow;
use std::sync::Arc;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "matches",
    summary: "Every selected file has a match for every pattern (optionally within one Markdown section).",
    doc: include_str!("matches.md"),
    params: TEXT_PARAMS,
    shorthand: None,
    build,
};

/// The parameters `matches` and `not_matches` share.
pub(super) static TEXT_PARAMS: &[Param] = &[
    Param {
        name: "files",
        ty: Ty::Globs,
        required: false,
        doc: "Paths or globs of the files to search (or give `attachment`).",
    },
    crate::eval::attach::PARAM,
    Param {
        name: "patterns",
        ty: Ty::Regexes,
        required: true,
        doc: "Regexes (one or a list); `{var}` values are matched literally.",
    },
    Param {
        name: "section",
        ty: Ty::Section,
        required: false,
        doc: "Search only this Markdown section (heading text, without the `#`s), or the first heading a regex matches: `{matches: REGEX}`.",
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
    RAW_PARAM,
    Param {
        doc: "Least number of files `files` must select; fewer is a finding (`matches`: \
default 1; `not_matches`: default 0, so a glob with a typo passes unless this says 1).",
        ..MIN_FILES
    },
];

/// `raw`, shared by the kinds that search text.
pub(super) const RAW_PARAM: Param = Param {
    name: "raw",
    ty: Ty::Bool,
    required: false,
    doc: "Search a Markdown file's bytes as written (default false). By default a Markdown file \
(`*.md`, `*.markdown`, any case) is searched as a reader sees it rendered: HTML comments, HTML blocks \
and tags, fenced and indented code blocks and link reference definitions read as blank (lines and \
columns are unchanged), so text a reviewer cannot see never satisfies or breaks a check.",
};

/// What `matches` and `not_matches` read from their parameters.
#[derive(Debug)]
pub(super) struct TextScan {
    pub files: GlobSet,
    /// `attachment: NAME` instead of `files`.
    pub attachment: Option<String>,
    pub min_files: usize,
    pub patterns: Vec<RegexT>,
    pub section: Option<SectionSpec>,
    pub message: Option<Template>,
    pub raw: bool,
}

impl TextScan {
    /// `min_files` defaults to `min`.
    pub(super) fn read(f: &mut Fields, min: usize) -> Option<TextScan> {
        let files_node = f.node("files").is_some();
        let files = if files_node { f.globs("files") } else { None };
        let mut ok = true;
        let attachment = match (files_node, f.node("attachment")) {
            (true, Some(n)) => {
                f.lx.error(
                    Code::BadValue,
                    n.span,
                    "give either 'files' or 'attachment', not both",
                )
                .help = Some(
                    "to accept either, write `any:` with one check on 'files' and one on 'attachment'"
                        .into(),
                );
                ok = false;
                None
            }
            (false, None) => {
                let span = f.span();
                f.lx.error(
                    Code::MissingKey,
                    span,
                    "the check needs 'files' or 'attachment'",
                )
                .help = Some(
                    "'files': paths or globs of the repository; 'attachment': a file passed with --attach NAME=PATH"
                        .into(),
                );
                ok = false;
                None
            }
            (true, None) => None,
            (false, Some(_)) => {
                let name = f.string("attachment");
                ok &= name.is_some();
                name
            }
        };
        let patterns = f.regexes("patterns");
        let section = f.section("section");
        let exclude = f.globs("exclude");
        let message = f.text("message");
        let raw = f.bool("raw");
        let min_files = min_files(f, min);
        if !ok {
            return None;
        }
        Some(TextScan {
            files: GlobSet {
                ignore_case: false,
                include: if attachment.is_some() {
                    Vec::new()
                } else {
                    files?
                },
                exclude: exclude.unwrap_or_default(),
            },
            attachment,
            min_files: min_files?,
            patterns: patterns?,
            section,
            message,
            raw: raw.unwrap_or(false),
        })
    }

    /// The paths to search and the hits of selection (missing files, too few files).
    pub(super) fn select<'v>(
        &self,
        cx: &Cx<'v>,
    ) -> Result<(Vec<Cow<'v, str>>, Vec<Hit>), EvalError> {
        if let Some(name) = &self.attachment {
            return Ok((
                vec![Cow::Owned(format!("{}{name}", attach::PREFIX))],
                Vec::new(),
            ));
        }
        let (paths, mut hits) = select(cx, &self.files)?;
        if hits.is_empty() {
            hits.extend(too_few(cx, &self.files, paths.len(), self.min_files)?);
        }
        Ok((paths.into_iter().map(Cow::Borrowed).collect(), hits))
    }

    /// The content of `path` (from [`TextScan::select`]) with its scope: from `read`
    /// when the file was read for the check, else reading it now.
    pub(super) fn load(
        &self,
        cx: &Cx,
        path: &str,
        read: Option<Result<Arc<Content>, ReadError>>,
    ) -> Result<(Arc<Content>, Scope), Blocked> {
        match (&self.attachment, read) {
            (Some(name), _) => Scope::of(
                cx,
                path,
                attach::attachment(cx, name)?,
                self.section.as_ref(),
            ),
            (None, Some(read)) => Scope::loaded(cx, path, read, self.section.as_ref()),
            (None, None) => Scope::load(cx, path, self.section.as_ref()),
        }
    }

    /// What judging one file depends on besides the file: the variables of its
    /// patterns, section and message (an attachment: never reused).
    pub(super) fn inputs(&self, cx: &Cx) -> Option<Vec<Option<String>>> {
        if self.attachment.is_some() {
            return None;
        }
        let section = self.section.as_ref().map(|s| match s {
            SectionSpec::Title(t) => t,
            SectionSpec::Matches(r) => &r.tpl,
        });
        Some(scanned::inputs_of(
            cx,
            self.patterns
                .iter()
                .map(|p| &p.tpl)
                .chain(section)
                .chain(self.message.as_ref()),
        ))
    }

    /// The globs of the files it searches; `None` for an attachment.
    pub(super) fn files(&self) -> Option<&GlobSet> {
        self.attachment.is_none().then_some(&self.files)
    }
}

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    TextScan::read(f, 1).map(|t| Box::new(Matches(t)) as Box<dyn Check>)
}

#[derive(Debug)]
struct Matches(TextScan);

impl Check for Matches {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        Some(crate::eval::reach::Reached::globs(&self.0.files))
    }

    /// The first line that matches, in the first file searched.
    fn held(&self, cx: &Cx) -> Option<Hit> {
        let this = &self.0;
        let (paths, _) = this.select(cx).ok()?;
        for path in &paths {
            let Ok((content, scope)) = this.load(cx, path, None) else {
                continue;
            };
            let body = searched(path, content.text().unwrap_or_default(), this.raw);
            for p in &this.patterns {
                let re = p.get(cx).ok()?;
                if let Some(m) = re.find(&body[scope.range.clone()]) {
                    let (line, column) = content.line_col(scope.range.start + m.start());
                    let pattern = cx.vars.render(&p.tpl, no_escape).ok()?;
                    return Some(Hit::at(
                        format!(
                            "{path}:{line} has '{}', which matches '{pattern}'{}",
                            m.as_str().lines().next().unwrap_or(""),
                            scope.label
                        ),
                        At::line(path, line, column),
                    ));
                }
            }
        }
        None
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let (paths, mut hits) = self.0.select(cx)?;
        for path in &paths {
            hits.extend(scanned::judge(cx, self, path)?);
        }
        Ok(hits)
    }

    fn per_file(&self) -> Option<&dyn PerFile> {
        Some(self)
    }
}

impl PerFile for Matches {
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
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let body = searched(path, content.text().unwrap_or_default(), this.raw);
        let mut hits = Vec::new();
        for p in &this.patterns {
            let re = p.get(cx)?;
            if re.is_match(&body[scope.range.clone()]) {
                continue;
            }
            let message = match &this.message {
                Some(m) => cx.vars.render(m, no_escape)?,
                None => format!(
                    "{path} has no line matching '{}'{}",
                    cx.vars.render(&p.tpl, no_escape)?,
                    scope.label
                ),
            };
            let at = match scope.heading {
                Some(line) => At::line(path, line, 1),
                None => At::file(path),
            };
            hits.push(Hit::at(message, at));
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::{SourceKind, memory::MemoryView};
    use crate::testkit::{brief, eval_yaml};

    #[test]
    fn patterns_sections_and_escaped_values() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("r.md", "# R\n## v1.2\nok: yes\n## v1x2\nok: no\n");
        assert!(
            eval_yaml(
                "matches: {files: r.md, patterns: '^ok: yes$', section: 'v{v}'}",
                &view,
                &[("v", "1.2")]
            )
            .is_empty()
        );
        // The value is matched literally: '1.2' does not match '1x2'.
        let hits = eval_yaml(
            "matches: {files: r.md, patterns: '^## v{v}$'}",
            &view,
            &[("v", "1.3")],
        );
        assert_eq!(brief(&hits), [("r.md".into(), None)]);
        let hits = eval_yaml(
            "matches: {files: r.md, patterns: '^ok: yes$', section: v1x2}",
            &view,
            &[],
        );
        assert_eq!(brief(&hits), [("r.md".into(), Some(4))]);
        assert_eq!(
            eval_yaml(
                "matches: {files: r.md, patterns: x, section: nope}",
                &view,
                &[]
            )[0]
            .message,
            "r.md has no heading 'nope'"
        );
    }

    #[test]
    fn markdown_is_searched_as_rendered_unless_raw() {
        let text = "# R\n<!--\n## v1\nok: yes\n-->\n```\nok: yes\n```\n## v1\nok: no\n";
        let view = MemoryView::new(SourceKind::Worktree)
            .file("r.md", text)
            .file("r.txt", text);
        let yaml = |file: &str, raw: bool| {
            format!("matches: {{files: {file}, patterns: '^ok: yes$', raw: {raw}}}")
        };
        assert_eq!(
            brief(&eval_yaml(&yaml("r.md", false), &view, &[])),
            [("r.md".into(), None)]
        );
        assert!(eval_yaml(&yaml("r.md", true), &view, &[]).is_empty());
        assert!(eval_yaml(&yaml("r.txt", false), &view, &[]).is_empty());
        // The section is the visible heading's, whatever `raw` says.
        let hits = eval_yaml(
            "matches: {files: r.md, patterns: '^ok: no$', section: v1, raw: true}",
            &view,
            &[],
        );
        assert!(hits.is_empty(), "{hits:?}");
        let hits = eval_yaml(
            "not_matches: {files: r.md, patterns: 'ok: yes'}",
            &view,
            &[],
        );
        assert!(hits.is_empty(), "{hits:?}");
        let hits = eval_yaml(
            "not_matches: {files: r.md, patterns: 'ok: yes', raw: true}",
            &view,
            &[],
        );
        assert_eq!(
            brief(&hits),
            [("r.md".into(), Some(4)), ("r.md".into(), Some(7))]
        );
    }
}
