use super::*;

/// (heading line, body start, body end)
type SectionLines = Option<(usize, usize, usize)>;
/// (column, checked, text)
type Item<'a> = Option<(usize, bool, &'a str)>;

/// (level, text, line) of every heading.
fn hs(text: &str) -> Vec<(u8, String, usize)> {
    headings(text)
        .into_iter()
        .map(|h| (h.level, h.text, h.line))
        .collect()
}

fn h(level: u8, text: &str, line: usize) -> (u8, String, usize) {
    (level, text.to_string(), line)
}

/// (line, checked) of every task item.
fn items(text: &str) -> Vec<(usize, bool)> {
    task_items(text, 1..=usize::MAX)
        .into_iter()
        .map(|i| (i.line, i.checked))
        .collect()
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
        ("## Release *1.2*", Some((2, "Release *1.2*"))),
        ("## Release `1.2`", Some((2, "Release `1.2`"))),
        ("## Release 1.2 <!-- old: 1.1 -->", Some((2, "Release 1.2"))),
        ("> ## Quoted", Some((2, "Quoted"))),
        ("- ## In an item", Some((2, "In an item"))),
        ("\\# Escaped", None),
        ("Text # not a heading", None),
        ("<!-- # Comment -->", None),
    ];
    for (input, want) in cases {
        let got: Vec<_> = hs(input).into_iter().map(|(l, t, _)| (l, t)).collect();
        let want: Vec<_> = want.iter().map(|(l, t)| (*l, t.to_string())).collect();
        assert_eq!(got, want, "input {input:?}");
    }
}

#[test]
fn setext_headings() {
    let text = "Title\n=====\n\nRelease 2024-07-15\n---\n- [ ] a\n\nTwo\nlines\n===\n";
    assert_eq!(
        hs(text),
        [
            h(1, "Title", 1),
            h(2, "Release 2024-07-15", 4),
            h(1, "Two lines", 8)
        ]
    );
    let s = section(text, "Release 2024-07-15").unwrap();
    assert_eq!((s.heading.line, s.body_start, s.body_end), (4, 6, 7));
    // A `---` after a list item is a thematic break, not an underline.
    assert_eq!(hs("- a\n---\n"), []);
}

#[test]
fn headings_skip_code_and_html() {
    let text = "# A\n```bash\n# comment\n```\n## B\n~~~~\n# x\n~~~\n# still code\n~~~~\n## C\n````\n# y\n```\n# still code\n````\n### D\n";
    assert_eq!(
        hs(text),
        [h(1, "A", 1), h(2, "B", 5), h(2, "C", 11), h(3, "D", 17)]
    );
    // Inline code with triple backticks does not open a fence.
    assert_eq!(hs("```x```\n# A\n"), [h(1, "A", 2)]);
    // Unclosed fence: code to the end of the file.
    assert_eq!(hs("# A\n```\n# B\n"), [h(1, "A", 1)]);
    // A closing fence may not carry an info string.
    assert_eq!(hs("```\n``` x\n# B\n```\n# C"), [h(1, "C", 5)]);
    // Indented code, HTML blocks and comments hold no heading.
    assert_eq!(hs("para\n\n    # code\n# A\n"), [h(1, "A", 4)]);
    assert_eq!(hs("<div>\n# html\n</div>\n\n# A\n"), [h(1, "A", 5)]);
    assert_eq!(
        hs("<!--\n# hidden\n\n# still hidden\n-->\n# A\n"),
        [h(1, "A", 6)]
    );
}

#[test]
fn an_unclosed_fence_ends_with_its_list_item() {
    // The fence opened in the item is closed by the end of the item: the
    // heading and the items after it are read, and so is the item before.
    let text = "- step\n    ```\n    # x\n# not code\n    ```\n# A\n- [x] a\n  ```\n- [ ] b\n";
    assert_eq!(hs(text), [h(1, "not code", 4), h(1, "A", 6)]);
    assert_eq!(items(text), [(7, true), (9, false)]);
    // In a block quote, the quote's end closes the fence.
    assert_eq!(items("> ```\n> - [x] code\n\n- [ ] b\n"), [(4, false)]);
}

#[test]
fn crlf_lines() {
    let text = "# Um\r\n\r\n## Dois ##\r\ntexto\r\n";
    assert_eq!(hs(text), [h(1, "Um", 1), h(2, "Dois", 3)]);
    let s = section(text, "Um").unwrap();
    assert_eq!((s.body_start, s.body_end), (2, 4));
}

#[test]
fn a_lone_cr_never_takes_a_line_out_of_its_section() {
    // CommonMark ends lines at a lone \r; relgate's lines end at \n. A line
    // holding the end of one section and the start of the next is in both.
    let text = "## R\n- [x] a\n- [ ] b\r## Next\r- [ ] c\n";
    assert_eq!(hs(text), [h(2, "R", 1), h(2, "Next", 3)]);
    let r = section(text, "R").unwrap();
    assert_eq!((r.body_start, r.body_end), (2, 3));
    let next = section(text, "Next").unwrap();
    assert_eq!((next.body_start, next.body_end), (3, 3));
    assert_eq!(items(text), [(2, true), (3, false), (3, false)]);
    let t = task_items(text, 3..=3);
    assert_eq!((t[0].column, t[0].text.as_str()), (3, "b"));
    assert_eq!((t[1].column, t[1].text.as_str()), (19, "c"));
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
    // A heading in a comment or code is not a section.
    assert!(section("<!--\n## A\n-->\n", "A").is_none());
    assert!(section("```\n## A\n```\n", "A").is_none());
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
        ("   1. [ ] three spaces", Some((7, false, "three spaces"))),
        ("-   [x] wide", Some((5, true, "wide"))),
        ("-\t[ ] tab", Some((3, false, "tab"))),
        (
            "- [x] Runbook de recuperação revisado (rev. 2024-07-15)",
            Some((3, true, "Runbook de recuperação revisado (rev. 2024-07-15)")),
        ),
        ("- [x] ✅ emoji", Some((3, true, "✅ emoji"))),
        ("- [ ] a <!-- b -->", Some((3, false, "a"))),
        ("> - [ ] quoted", Some((5, false, "quoted"))),
        (">> * [ ] twice", Some((6, false, "twice"))),
        (
            "- > - [ ] item in quote in item",
            Some((7, false, "item in quote in item")),
        ),
        ("- [x]done", None),
        ("- [ ]done", None),
        ("- [y] no", None),
        ("- [] no", None),
        ("- [  ] no", None),
        ("-[ ] no", None),
        ("1.[ ] no", None),
        ("a. [ ] no", None),
        ("1234567890. [ ] no", None),
        ("-      [ ] indented code in an item", None),
        ("    - [ ] indented code", None),
        ("\t- [ ] tab: indented code", None),
        ("[ ] bare", None),
        ("- item [ ] later", None),
        ("`- [ ] code span`", None),
        ("<!-- - [ ] comment -->", None),
        ("<div>- [ ] html</div>", None),
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
fn task_items_in_containers() {
    let cases: &[(&str, &[(usize, bool)])] = &[
        // Nested lists, every marker.
        (
            "- [x] a\n  - [ ] b\n    1. [x] c\n       1) [ ] d\n* [x] e\n+ [ ] f\n",
            &[
                (1, true),
                (2, false),
                (3, true),
                (4, false),
                (5, true),
                (6, false),
            ],
        ),
        // Loose list, items after a paragraph continuation.
        (
            "- [x] a\n\n  more text\n\n- [ ] b\n",
            &[(1, true), (5, false)],
        ),
        // Block quotes, lazy continuation.
        (
            "> # Q\n> - [x] a\n> - [ ] b\n>\n> > - [ ] c\n",
            &[(2, true), (3, false), (5, false)],
        ),
        // Multi-line HTML comments, even with blank lines inside.
        (
            "<!--\n- [ ] (R) Enhancement issue\n\n- [ ] (R) KEP approvers\n-->\n- [x] real\n",
            &[(6, true)],
        ),
        // Comments inside a list item.
        ("- [x] a\n  <!--\n  - [ ] b\n  -->\n", &[(1, true)]),
        // Fenced and indented code.
        ("```md\n- [ ] a\n```\n~~~\n- [ ] b\n~~~\n", &[]),
        ("text\n\n    - [ ] code\n\n- [x] real\n", &[(5, true)]),
        // HTML blocks end at a blank line: what follows is Markdown again.
        (
            "<details>\n- [ ] html\n\n- [ ] markdown\n</details>\n",
            &[(4, false)],
        ),
        // A table cell is not a list item.
        ("| a | b |\n|---|---|\n| [ ] | x |\n", &[]),
    ];
    for (input, want) in cases {
        assert_eq!(items(input), *want, "input {input:?}");
    }
}

#[test]
fn task_items_in_range() {
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
    let got = task_items(text, s.body());
    assert_eq!(
        got,
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

#[test]
fn the_hidden_copy_of_a_section_is_not_read() {
    let text = "\
# Checklist de DR
<!--
## Release 2024-07-15
- [x] Runbook
-->
## Release 2024-07-15
- [ ] Runbook
";
    let s = section(text, "Release 2024-07-15").unwrap();
    assert_eq!((s.heading.line, s.body_start, s.body_end), (6, 7, 7));
    assert_eq!(items(text), [(7, false)]);
}

#[test]
fn visible_text_blanks_what_is_not_rendered() {
    let cases: &[(&str, &str)] = &[
        ("plain *text*\n", "plain *text*\n"),
        ("a <!-- b --> c\n", "a            c\n"),
        ("<!--\nx\r\n-->\nok\n", "    \n \r\n   \nok\n"),
        ("```\ncode\n```\nok\n", "   \n    \n   \nok\n"),
        ("p\n\n    code\n", "p\n\n        \n"),
        ("<div>\né\n</div>\n\nok\n", "     \n  \n      \n\nok\n"),
        ("[a]: /url \"title\"\nok\n", "                 \nok\n"),
        ("> <!-- q -->\n", ">           \n"),
        ("`inline code` stays\n", "`inline code` stays\n"),
    ];
    for (input, want) in cases {
        let got = visible(input);
        assert_eq!(got, *want, "input {input:?}");
        assert_eq!(got.len(), input.len());
    }
    assert!(matches!(visible("# A\n- [ ] b\n"), Cow::Borrowed(_)));
}

#[test]
fn markdown_paths_and_searched_text() {
    let cases: &[(&str, bool)] = &[
        ("README.md", true),
        ("docs/a.MD", true),
        ("docs/b.Markdown", true),
        ("c.markdown", true),
        ("d.mdx", false),
        ("e.txt", false),
        (".md", false),
        ("dir.md/f", false),
        ("md", false),
    ];
    for (path, want) in cases {
        assert_eq!(is_markdown(path), *want, "{path}");
    }
    let text = "a <!-- b -->\n";
    assert_eq!(searched("x.md", text, false), "a           \n");
    assert_eq!(searched("x.md", text, true), text);
    assert_eq!(searched("x.txt", text, false), text);
}
