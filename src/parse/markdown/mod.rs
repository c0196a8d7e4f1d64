//! Just enough Markdown to locate headings, sections and task-list items.
//!
//! Policies ask structural questions about documents ("does the DR checklist
//! have a section for this release?", "is every box in it ticked?") and every
//! answer must point at a line. A full CommonMark parser would give an AST
//! without reliable source positions and pull in a dependency; the questions
//! only need line-level facts, so this is a small line scanner that follows
//! CommonMark where it matters for those facts:
//!
//! * ATX headings (`#`..`######`), up to 3 leading spaces, optional closing
//!   `#`s. Setext headings (`Title` underlined by `===`) are not recognised.
//! * Fenced code blocks (```` ``` ```` / `~~~`) hide headings and task items,
//!   because a `# comment` in a shell snippet is not a heading. A fence is
//!   recognised at any indentation (fences nested in list items are indented
//!   by the item), closes only on a fence of the same character that is at
//!   least as long, and an unclosed fence runs to the end of the file, as on
//!   GitHub.
//! * Block quotes, HTML blocks and indented code blocks are not modelled.
//!
//! Lines are numbered from 1; `\n` and `\r\n` endings are both accepted.

use std::ops::RangeInclusive;

/// An ATX heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1..=6, the number of `#`.
    pub level: u8,
    /// The heading text, trimmed, closing `#`s removed, inline markup kept.
    pub text: String,
    /// 1-based line.
    pub line: usize,
}

/// A heading and its body: the lines after the heading up to (not including)
/// the next heading of the same or a higher level (`level <= heading.level`),
/// or the end of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: Heading,
    /// First body line (always `heading.line + 1`).
    pub body_start: usize,
    /// Inclusive last body line; `body_end < body_start` when the body is empty.
    pub body_end: usize,
}

impl Section {
    /// The body as an inclusive line range (empty when the body is empty).
    pub fn body(&self) -> RangeInclusive<usize> {
        self.body_start..=self.body_end
    }
}

/// A GitHub task-list item (`- [ ] text`, `1. [x] text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskItem {
    /// 1-based line.
    pub line: usize,
    /// 1-based character column of the `[`.
    pub column: usize,
    /// `[x]` or `[X]`.
    pub checked: bool,
    /// The item text after the box, trimmed.
    pub text: String,
}

/// The lines of `text` without terminators (a final `\n` does not start a
/// new line), so line `n` is `lines(text)[n - 1]`.
fn lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// An open fenced code block: its fence character and length.
#[derive(Clone, Copy)]
struct Fence {
    ch: char,
    len: usize,
}

/// If `line` is a fence line, its character, length and what follows it.
fn fence_marker(line: &str) -> Option<(Fence, &str)> {
    let rest = line.trim_start_matches([' ', '\t']);
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(ch).len();
    if len < 3 {
        return None;
    }
    Some((Fence { ch, len }, &rest[len..]))
}

/// For each line, whether it is part of a fenced code block (fence lines
/// included).
fn in_code(lines: &[&str]) -> Vec<bool> {
    let mut open: Option<Fence> = None;
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        match open {
            Some(fence) => {
                out.push(true);
                if let Some((close, after)) = fence_marker(line)
                    && close.ch == fence.ch
                    && close.len >= fence.len
                    && after.trim().is_empty()
                {
                    open = None;
                }
            }
            None => {
                // An info string after a backtick fence may not contain a
                // backtick: "```x```" on one line is inline code, not a fence.
                let opening = fence_marker(line)
                    .filter(|(fence, info)| fence.ch == '~' || !info.contains('`'));
                out.push(opening.is_some());
                open = opening.map(|(fence, _)| fence);
            }
        }
    }
    out
}

/// Parse one line as an ATX heading.
fn atx_heading(line: &str) -> Option<(u8, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &rest[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let content = rest.trim_matches([' ', '\t']);
    let without_closing = content.trim_end_matches('#');
    let text = if without_closing.is_empty() {
        // "## ##": the whole content is a closing sequence.
        ""
    } else if without_closing.len() < content.len() && without_closing.ends_with([' ', '\t']) {
        without_closing
    } else {
        content
    };
    let level = u8::try_from(level).ok()?;
    Some((level, text.trim().to_string()))
}

/// The ATX headings of `text`, in order, skipping fenced code blocks.
pub fn headings(text: &str) -> Vec<Heading> {
    let lines = lines(text);
    let code = in_code(&lines);
    lines
        .iter()
        .zip(code)
        .enumerate()
        .filter(|(_, (_, code))| !code)
        .filter_map(|(i, (line, _))| {
            atx_heading(line).map(|(level, text)| Heading {
                level,
                text,
                line: i + 1,
            })
        })
        .collect()
}

/// The section of the first heading whose trimmed text equals `title`
/// exactly (no case folding or Unicode normalisation).
pub fn section(text: &str, title: &str) -> Option<Section> {
    let all = headings(text);
    let index = all.iter().position(|h| h.text == title)?;
    let heading = all[index].clone();
    let body_end = all[index + 1..]
        .iter()
        .find(|h| h.level <= heading.level)
        .map(|h| h.line - 1)
        .unwrap_or_else(|| lines(text).len());
    Some(Section {
        body_start: heading.line + 1,
        body_end,
        heading,
    })
}

/// Parse one line as a task-list item: (column of '[', checked, text).
fn task_item(line: &str) -> Option<(usize, bool, String)> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    // List marker: '-', '*', '+', or 1-9 digits followed by '.' or ')'.
    let marker_len = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if !(1..=9).contains(&digits) || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after_marker = &rest[marker_len..];
    let gap = after_marker.len() - after_marker.trim_start_matches([' ', '\t']).len();
    if !(1..=4).contains(&gap) {
        return None;
    }
    let boxed = &after_marker[gap..];
    let checked = match boxed.as_bytes() {
        [b'[', b' ', b']', ..] => false,
        [b'[', b'x' | b'X', b']', ..] => true,
        _ => return None,
    };
    let after_box = &boxed[3..];
    if !(after_box.is_empty() || after_box.starts_with([' ', '\t'])) {
        return None;
    }
    // Everything before '[' is ASCII, so the byte offset is the char offset.
    let column = indent + marker_len + gap + 1;
    Some((column, checked, after_box.trim().to_string()))
}

/// GitHub task-list items on the given 1-based lines (inclusive), skipping
/// fenced code blocks. Lines outside the file are ignored.
pub fn task_items(text: &str, lines_range: RangeInclusive<usize>) -> Vec<TaskItem> {
    let lines = lines(text);
    let code = in_code(&lines);
    lines
        .iter()
        .zip(code)
        .enumerate()
        .filter(|(i, (_, code))| !code && lines_range.contains(&(i + 1)))
        .filter_map(|(i, (line, _))| {
            task_item(line).map(|(column, checked, text)| TaskItem {
                line: i + 1,
                column,
                checked,
                text,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (heading line, body start, body end)
    type SectionLines = Option<(usize, usize, usize)>;
    /// (column, checked, text)
    type Item<'a> = Option<(usize, bool, &'a str)>;

    fn h(level: u8, text: &str, line: usize) -> Heading {
        Heading {
            level,
            text: text.to_string(),
            line,
        }
    }

    #[test]
    fn single_line_headings() {
        let cases: &[(&str, Option<(u8, &str)>)] = &[
            ("# Title", Some((1, "Title"))),
            ("###### Six", Some((6, "Six"))),
            ("####### Seven", None),
            ("#Title", None),
            ("#", Some((1, ""))),
            ("## ", Some((2, ""))),
            ("   ## Indented", Some((2, "Indented"))),
            ("    ## Code", None),
            ("\t## Tab", None),
            ("## Closing ##", Some((2, "Closing"))),
            ("## Closing ##   ", Some((2, "Closing"))),
            ("## Closing#", Some((2, "Closing#"))),
            ("## C# and F#", Some((2, "C# and F#"))),
            ("## ##", Some((2, ""))),
            ("#\tTab separated", Some((1, "Tab separated"))),
            ("##   Spaced   out  ", Some((2, "Spaced   out"))),
            (
                "# Recuperação de Desastres",
                Some((1, "Recuperação de Desastres")),
            ),
            (
                "## 🔄 Próximos passos ✅",
                Some((2, "🔄 Próximos passos ✅")),
            ),
            ("\\# Escaped", None),
            ("Text # not a heading", None),
        ];
        for (input, want) in cases {
            let got: Vec<_> = headings(input)
                .into_iter()
                .map(|h| (h.level, h.text))
                .collect();
            let want: Vec<_> = want.iter().map(|(l, t)| (*l, t.to_string())).collect();
            assert_eq!(got, want, "input {input:?}");
        }
    }

    #[test]
    fn headings_skip_fenced_code() {
        let text = "# A\n```bash\n# comment\n```\n## B\n~~~~\n# x\n~~~\n# still code\n~~~~\n## C\n````\n# y\n```\n# still code\n````\n### D\n";
        assert_eq!(
            headings(text),
            vec![h(1, "A", 1), h(2, "B", 5), h(2, "C", 11), h(3, "D", 17)]
        );
        // Inline code with triple backticks does not open a fence.
        assert_eq!(headings("```x```\n# A\n"), vec![h(1, "A", 2)]);
        // A fence nested in a list item is indented.
        assert_eq!(
            headings("- step\n    ```\n    # x\n# not\n    ```\n# A\n"),
            vec![h(1, "A", 6)]
        );
        // Unclosed fence: code to the end of the file.
        assert_eq!(headings("# A\n```\n# B\n"), vec![h(1, "A", 1)]);
        // A closing fence may not carry an info string.
        assert_eq!(headings("```\n``` x\n# B\n```\n# C"), vec![h(1, "C", 5)]);
    }

    #[test]
    fn crlf_lines() {
        let text = "# Um\r\n\r\n## Dois ##\r\ntexto\r\n";
        assert_eq!(headings(text), vec![h(1, "Um", 1), h(2, "Dois", 3)]);
        let s = section(text, "Um").unwrap();
        assert_eq!((s.body_start, s.body_end), (2, 4));
    }

    #[test]
    fn sections() {
        let text = "\
# Manual
intro
## Planos de Recuperação
- a
### Detalhe
- b
## Escalonamento
- c
# Anexo
## Vazio
## Último
";
        let cases: &[(&str, SectionLines)] = &[
            ("Manual", Some((1, 2, 8))),
            ("Planos de Recuperação", Some((3, 4, 6))),
            ("Detalhe", Some((5, 6, 6))),
            ("Escalonamento", Some((7, 8, 8))),
            ("Anexo", Some((9, 10, 11))),
            ("Vazio", Some((10, 11, 10))),
            ("Último", Some((11, 12, 11))),
            ("planos de recuperação", None),
            ("Planos", None),
            ("Ausente", None),
        ];
        for (title, want) in cases {
            let got = section(text, title).map(|s| (s.heading.line, s.body_start, s.body_end));
            assert_eq!(got, *want, "title {title:?}");
        }
        // No trailing newline; first match wins.
        let s = section("## A\nx\n## A\ny", "A").unwrap();
        assert_eq!((s.heading.line, s.body_end), (1, 2));
        let s = section("## A\nx\n## B\ny", "B").unwrap();
        assert_eq!(s.body(), 4..=4);
        assert!(section("", "A").is_none());
    }

    #[test]
    fn single_line_task_items() {
        let cases: &[(&str, Item)] = &[
            ("- [ ] todo", Some((3, false, "todo"))),
            ("* [x] done", Some((3, true, "done"))),
            ("+ [X] done", Some((3, true, "done"))),
            ("1. [ ] first", Some((4, false, "first"))),
            ("12) [x] twelfth", Some((5, true, "twelfth"))),
            ("  - [x] nested", Some((5, true, "nested"))),
            ("      1. [ ] deeper", Some((10, false, "deeper"))),
            ("\t- [ ] tab", Some((4, false, "tab"))),
            ("- [ ]", Some((3, false, ""))),
            ("- [x]   ", Some((3, true, ""))),
            ("-   [x] wide", Some((5, true, "wide"))),
            (
                "- [x] Runbook de recuperação revisado (rev. 2024-07-15)",
                Some((3, true, "Runbook de recuperação revisado (rev. 2024-07-15)")),
            ),
            ("- [x] ✅ emoji", Some((3, true, "✅ emoji"))),
            ("- [x]done", None),
            ("- [ ]done", None),
            ("- [y] no", None),
            ("- [] no", None),
            ("- [  ] no", None),
            ("-[ ] no", None),
            ("1.[ ] no", None),
            ("a. [ ] no", None),
            ("1234567890. [ ] no", None),
            ("-      [ ] too far", None),
            ("[ ] bare", None),
            ("- item [ ] later", None),
            ("> - [ ] quoted", None),
        ];
        for (input, want) in cases {
            let got: Vec<_> = task_items(input, 1..=1)
                .into_iter()
                .map(|t| (t.column, t.checked, t.text))
                .collect();
            let want: Vec<_> = want
                .iter()
                .map(|(c, k, t)| (*c, *k, t.to_string()))
                .collect();
            assert_eq!(got, want, "input {input:?}");
        }
    }

    #[test]
    fn task_items_in_range_and_outside_code() {
        let text = "\
## 2024-07-15\r
- [x] Runbook de recuperação revisado\r
- [ ] Contatos confirmados\r
```md\r
- [ ] example in code\r
```\r
## 2024-06-03\r
- [x] Runbook\r
";
        let s = section(text, "2024-07-15").unwrap();
        let items = task_items(text, s.body());
        assert_eq!(
            items,
            vec![
                TaskItem {
                    line: 2,
                    column: 3,
                    checked: true,
                    text: "Runbook de recuperação revisado".to_string()
                },
                TaskItem {
                    line: 3,
                    column: 3,
                    checked: false,
                    text: "Contatos confirmados".to_string()
                },
            ]
        );
        assert_eq!(task_items(text, 1..=100).len(), 3);
        assert!(task_items(text, 4..=6).is_empty());
        // An empty body range yields nothing.
        let empty = section("# A\n- [ ] x\n# B", "B").unwrap();
        assert_eq!((empty.body_start, empty.body_end), (4, 3));
        assert!(task_items("# A\n- [ ] x\n# B", empty.body()).is_empty());
    }
}
