//! Shell scripts.

use super::{Assignment, Pc, lines, located, positioned, strip_continuation, text_of};

pub(super) fn shell(text: &str, name: &str) -> Vec<Assignment> {
    let physical: Vec<&str> = lines(text).map(|(_, l)| l).collect();
    let mut found = Vec::new();
    if name.is_empty() {
        return found;
    }
    let mut current: Vec<Pc> = Vec::new();
    for (i, line) in physical.iter().enumerate() {
        let starts_comment = line.trim_start().starts_with('#');
        if current.is_empty() && starts_comment {
            continue;
        }
        let mut chars: Vec<Pc> = positioned(line, i + 1).collect();
        let continues = !starts_comment && strip_continuation(&mut chars, '\\');
        current.extend(chars);
        if !continues {
            shell_logical_line(&current, name, &physical, &mut found);
            current.clear();
        }
    }
    if !current.is_empty() {
        shell_logical_line(&current, name, &physical, &mut found);
    }
    found
}

#[derive(Debug)]
enum Tok {
    Word(usize, usize),
    Sep,
}

fn is_operator(c: char) -> bool {
    matches!(c, ';' | '&' | '|' | '(' | ')')
}

/// Index after the shell word starting at `i` (quotes, escapes, `${...}`,
/// `$(...)` and backquotes keep it together).
fn shell_word_end(chars: &[Pc], mut i: usize) -> usize {
    while let Some(p) = chars.get(i) {
        match p.c {
            c if c.is_whitespace() || is_operator(c) => return i,
            '\\' => i += 2,
            '\'' => i = closing(chars, i + 1, '\''),
            '"' => i = closing_double(chars, i + 1),
            '`' => i = closing(chars, i + 1, '`'),
            '$' if matches!(chars.get(i + 1).map(|p| p.c), Some('{' | '(')) => {
                i = balanced(chars, i + 1);
            }
            _ => i += 1,
        }
    }
    i.min(chars.len())
}

/// Index after the next `quote` from `i` (or the end).
fn closing(chars: &[Pc], i: usize, quote: char) -> usize {
    chars[i.min(chars.len())..]
        .iter()
        .position(|p| p.c == quote)
        .map_or(chars.len(), |j| i + j + 1)
}

fn closing_double(chars: &[Pc], mut i: usize) -> usize {
    while let Some(p) = chars.get(i) {
        match p.c {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// At an opening `{` or `(`: index after its match (or the end).
fn balanced(chars: &[Pc], i: usize) -> usize {
    let (open, close) = match chars.get(i).map(|p| p.c) {
        Some('{') => ('{', '}'),
        _ => ('(', ')'),
    };
    let mut depth = 0usize;
    let mut j = i;
    while let Some(p) = chars.get(j) {
        if p.c == open {
            depth += 1;
        } else if p.c == close {
            depth -= 1;
            if depth == 0 {
                return j + 1;
            }
        } else if p.c == '\\' {
            j += 1;
        }
        j += 1;
    }
    chars.len()
}

fn shell_tokens(chars: &[Pc]) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(p) = chars.get(i) {
        if p.c.is_whitespace() {
            i += 1;
        } else if p.c == '#' {
            break;
        } else if is_operator(p.c) {
            toks.push(Tok::Sep);
            i += 1;
        } else {
            let end = shell_word_end(chars, i).max(i + 1);
            toks.push(Tok::Word(i, end.min(chars.len())));
            i = end;
        }
    }
    toks
}

/// The word's text with quoting removed (`${...}` and `$(...)` kept as written).
fn shell_unquote(chars: &[Pc]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while let Some(p) = chars.get(i) {
        match p.c {
            '\\' => {
                if let Some(n) = chars.get(i + 1) {
                    out.push(n.c);
                }
                i += 2;
            }
            '\'' => {
                let end = closing(chars, i + 1, '\'');
                let inner_end =
                    if chars.get(end.wrapping_sub(1)).is_some_and(|q| q.c == '\'') && end > i + 1 {
                        end - 1
                    } else {
                        end
                    };
                out.extend(chars[i + 1..inner_end].iter().map(|q| q.c));
                i = end;
            }
            '"' => {
                let mut j = i + 1;
                while let Some(q) = chars.get(j) {
                    match q.c {
                        '"' => break,
                        '\\' => {
                            match chars.get(j + 1).map(|n| n.c) {
                                Some(e @ ('$' | '`' | '"' | '\\')) => out.push(e),
                                Some(e) => {
                                    out.push('\\');
                                    out.push(e);
                                }
                                None => out.push('\\'),
                            }
                            j += 1;
                        }
                        c => out.push(c),
                    }
                    j += 1;
                }
                i = j + 1;
            }
            '$' if matches!(chars.get(i + 1).map(|p| p.c), Some('{' | '(')) => {
                let end = balanced(chars, i + 1);
                out.extend(chars[i..end].iter().map(|q| q.c));
                i = end;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Length of the `IDENT=` prefix when the word is an assignment.
fn assignment_name_len(word: &[Pc]) -> Option<usize> {
    let first = word.first()?.c;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let len = word
        .iter()
        .take_while(|p| p.c.is_ascii_alphanumeric() || p.c == '_')
        .count();
    (word.get(len)?.c == '=').then_some(len)
}

const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time",
];
const DECLARATIONS: &[&str] = &["export", "declare", "typeset", "readonly", "local"];

fn shell_logical_line(chars: &[Pc], name: &str, physical: &[&str], found: &mut Vec<Assignment>) {
    let toks = shell_tokens(chars);
    for command in toks.split(|t| matches!(t, Tok::Sep)) {
        let words: Vec<&[Pc]> = command
            .iter()
            .filter_map(|t| match t {
                Tok::Word(s, e) => chars.get(*s..*e),
                Tok::Sep => None,
            })
            .collect();
        let mut k = 0;
        while words
            .get(k)
            .is_some_and(|w| RESERVED.contains(&text_of(w).as_str()))
        {
            k += 1;
        }
        let first = words.get(k).map(|w| text_of(w)).unwrap_or_default();
        let declaration = DECLARATIONS.contains(&first.as_str());
        if declaration || first == "env" {
            k += 1;
            while words
                .get(k)
                .is_some_and(|w| w.first().is_some_and(|p| p.c == '-'))
            {
                k += 1;
            }
        }
        for word in words.iter().skip(k) {
            let Some(len) = assignment_name_len(word) else {
                if declaration {
                    continue;
                }
                break;
            };
            if text_of(&word[..len]) == name {
                found.push(located(
                    word[0],
                    shell_unquote(&word[len + 1..]).trim().to_owned(),
                    physical,
                ));
            }
        }
    }
}
