//! Markdown sections as the text-scanning kinds use them.

use super::{At, Blocked, Cx, Hit, util};
use crate::lang::template::{Template, no_escape};
use crate::parse::markdown;
use crate::repo::Content;
use std::sync::Arc;

/// The part of a file a check looks at: the whole file, or one section's body.
pub(crate) struct Scope {
    /// Byte range in the file.
    pub range: std::ops::Range<usize>,
    /// 1-based lines of the range (inclusive); `first > last` when empty.
    pub first: usize,
    pub last: usize,
    /// Line of the section heading, when scoped to a section.
    pub heading: Option<usize>,
    /// `in section 'X'` or empty, for messages.
    pub label: String,
}

/// Resolves `section` in `text`; a missing heading is a hit at the file.
pub(crate) fn resolve(
    cx: &Cx,
    path: &str,
    content: &Content,
    text: &str,
    section: Option<&Template>,
) -> Result<Scope, Blocked> {
    let Some(t) = section else {
        return Ok(Scope {
            range: 0..text.len(),
            first: 1,
            last: content.line_count(),
            heading: None,
            label: String::new(),
        });
    };
    let title = cx.vars.render(t, no_escape)?;
    let Some(s) = markdown::section(text, &title) else {
        return Err(Blocked::NoSection(Hit::at(
            format!("{path} has no heading '{title}'"),
            At::file(path),
        )));
    };
    let start = content.line_start(s.body_start);
    let end = if s.body_end >= s.body_start {
        content.line_range(s.body_end).end
    } else {
        start
    };
    Ok(Scope {
        range: start..end.max(start),
        first: s.body_start,
        last: s.body_end,
        heading: Some(s.heading.line),
        label: format!(" in section '{title}'"),
    })
}

impl Scope {
    /// Reads `path` and resolves `section`: the content with the scope, or why the file
    /// cannot be searched (missing, a link, not UTF-8, no such section).
    pub(crate) fn load(
        cx: &Cx,
        path: &str,
        section: Option<&Template>,
    ) -> Result<(Arc<Content>, Scope), Blocked> {
        let content = util::read(cx, path)?;
        Scope::of(cx, path, content, section)
    }

    /// [`Scope::load`] on content already read (an attachment).
    pub(crate) fn of(
        cx: &Cx,
        path: &str,
        content: Arc<Content>,
        section: Option<&Template>,
    ) -> Result<(Arc<Content>, Scope), Blocked> {
        let body = util::text(path, &content)?;
        let scope = resolve(cx, path, &content, body, section)?;
        Ok((content, scope))
    }
}
