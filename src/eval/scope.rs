//! Markdown sections as the text-scanning kinds use them.

use super::{At, Blocked, Cx, Hit, util};
use crate::lang::pattern::SectionSpec;
use crate::lang::template::no_escape;
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
    section: Option<&SectionSpec>,
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
    let t = match t {
        SectionSpec::Title(t) => t,
        SectionSpec::Matches(r) => return by_pattern(cx, path, content, text, r),
    };
    let title = cx.vars.render(t, no_escape)?;
    let Some(s) = markdown::section(text, &title) else {
        let headings = markdown::headings(text);
        let close = closest(&title, headings.iter().map(|h| h.text.as_str()));
        let hint = match close.as_slice() {
            [] => String::new(),
            [one] => format!("; did you mean '{one}'?"),
            [init @ .., last] => format!(
                "; did you mean {} or '{last}'?",
                init.iter()
                    .map(|h| format!("'{h}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(Blocked::NoSection(Hit::at(
            format!("{path} has no heading '{title}'{hint}"),
            At::file(path),
        )));
    };
    Ok(scope_of(content, &s, &title))
}

/// `section: {matches: REGEX}`: the first heading whose text the regex matches.
fn by_pattern(
    cx: &Cx,
    path: &str,
    content: &Content,
    text: &str,
    r: &crate::lang::pattern::RegexT,
) -> Result<Scope, Blocked> {
    let re = r.get(cx)?;
    let Some(s) = markdown::section_where(text, |h| re.is_match(h)) else {
        return Err(Blocked::NoSection(Hit::at(
            format!("{path} has no heading matching '{}'", re.as_str()),
            At::file(path),
        )));
    };
    let title = s.heading.text.clone();
    Ok(scope_of(content, &s, &title))
}

/// The body of section `s` (headed `title`) as a scope.
fn scope_of(content: &Content, s: &markdown::Section, title: &str) -> Scope {
    let start = content.line_start(s.body_start);
    let end = if s.body_end >= s.body_start {
        content.line_range(s.body_end).end
    } else {
        start
    };
    Scope {
        range: start..end.max(start),
        first: s.body_start,
        last: s.body_end,
        heading: Some(s.heading.line),
        label: format!(" in section '{title}'"),
    }
}

/// At most [`SHOWN`] headings closest to `title`, closest first (document order
/// among equals): those that contain it (`2.0.1` in `[2.0.1] - 2022-02-08`), then
/// without such, those alike by Jaro-Winkler similarity (a typo, another date),
/// ignoring case.
fn closest<'h>(title: &str, headings: impl Iterator<Item = &'h str>) -> Vec<&'h str> {
    const SHOWN: usize = 3;
    let wanted = title.trim().to_lowercase();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, usize, &str)> = Vec::new();
    for (i, h) in headings.enumerate() {
        let have = h.to_lowercase();
        let alike = strsim::jaro_winkler(&wanted, &have);
        let score = if have.contains(&wanted) || wanted.contains(&have) && !have.is_empty() {
            1.0 + alike
        } else {
            alike
        };
        if score > 0.8 && !scored.iter().any(|(_, _, seen)| *seen == h) {
            scored.push((score, i, h));
        }
    }
    // Headings that contain the title are the ones meant: look-alikes only without them.
    if scored.iter().any(|(score, _, _)| *score >= 1.0) {
        scored.retain(|(score, _, _)| *score >= 1.0);
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(SHOWN).map(|(_, _, h)| h).collect()
}

impl Scope {
    /// Reads `path` and resolves `section`: the content with the scope, or why the file
    /// cannot be searched (missing, a link, not UTF-8, no such section).
    pub(crate) fn load(
        cx: &Cx,
        path: &str,
        section: Option<&SectionSpec>,
    ) -> Result<(Arc<Content>, Scope), Blocked> {
        let content = util::read(cx, path)?;
        Scope::of(cx, path, content, section)
    }

    /// [`Scope::load`] on the result of a read already made.
    pub(crate) fn loaded(
        cx: &Cx,
        path: &str,
        read: Result<Arc<Content>, crate::repo::ReadError>,
        section: Option<&SectionSpec>,
    ) -> Result<(Arc<Content>, Scope), Blocked> {
        let content = util::loaded(cx, path, read)?;
        Scope::of(cx, path, content, section)
    }

    /// [`Scope::load`] on content already read (an attachment).
    pub(crate) fn of(
        cx: &Cx,
        path: &str,
        content: Arc<Content>,
        section: Option<&SectionSpec>,
    ) -> Result<(Arc<Content>, Scope), Blocked> {
        let body = util::text(path, &content)?;
        let scope = resolve(cx, path, &content, body, section)?;
        Ok((content, scope))
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn closest_headings_contain_the_title_first_then_look_alike() {
        let headings = [
            "Changelog",
            "[Unreleased]",
            "[2.0.1] - 2022-02-08",
            "[2.0.0] - 2022-01-10",
            "Release 2024-07-16",
        ];
        let c = |t: &str| closest(t, headings.iter().copied());
        assert_eq!(c("2.0.1"), ["[2.0.1] - 2022-02-08"]);
        assert_eq!(c("[2.0.1]"), ["[2.0.1] - 2022-02-08"]);
        assert_eq!(c("release 2024-07-15"), ["Release 2024-07-16"]);
        assert_eq!(c("unreleased"), ["[Unreleased]"]);
        assert!(c("Security").is_empty());
        assert!(c(" ").is_empty());
    }
}
