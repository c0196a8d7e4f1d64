//! Dockerfiles.

use super::{Assignment, Pc, lines, located, positioned, strip_continuation, text_of};

pub(super) fn dockerfile(text: &str, name: &str) -> Vec<Assignment> {
    let physical: Vec<&str> = lines(text).map(|(_, l)| l).collect();
    let mut found = Vec::new();
    if name.is_empty() {
        return found;
    }
    let escape = escape_directive(&physical);
    let mut current: Vec<Pc> = Vec::new();
    let mut continuing = false;
    for (i, line) in physical.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || (continuing && trimmed.is_empty()) {
            continue;
        }
        let mut chars: Vec<Pc> = positioned(line, i + 1).collect();
        continuing = strip_continuation(&mut chars, escape);
        current.extend(chars);
        if !continuing {
            docker_instruction(&current, name, escape, &physical, &mut found);
            current.clear();
        }
    }
    if !current.is_empty() {
        docker_instruction(&current, name, escape, &physical, &mut found);
    }
    found
}

/// `# escape=`` ` among the parser directives at the top of the file.
fn escape_directive(physical: &[&str]) -> char {
    for line in physical {
        let Some(body) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = body.split_once('=') else {
            break;
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphabetic()) {
            break;
        }
        if key.eq_ignore_ascii_case("escape") {
            return match value.trim() {
                "`" => '`',
                _ => '\\',
            };
        }
    }
    '\\'
}

/// Docker words: split at unquoted blanks; `escape` escapes the next character.
fn docker_words(chars: &[Pc], escape: char) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut quote: Option<char> = None;
        while let Some(p) = chars.get(i) {
            match quote {
                None if p.c.is_whitespace() => break,
                None if p.c == '"' || p.c == '\'' => quote = Some(p.c),
                Some(q) if p.c == q => quote = None,
                Some('\'') => {}
                _ if p.c == escape => i += 1,
                _ => {}
            }
            i += 1;
        }
        words.push((start, i.min(chars.len())));
    }
    words
}

fn docker_unquote(chars: &[Pc], escape: char) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while let Some(p) = chars.get(i) {
        match quote {
            None if p.c == '"' || p.c == '\'' => quote = Some(p.c),
            Some(q) if p.c == q => quote = None,
            Some('\'') => out.push(p.c),
            _ if p.c == escape => {
                if let Some(n) = chars.get(i + 1) {
                    out.push(n.c);
                }
                i += 1;
            }
            _ => out.push(p.c),
        }
        i += 1;
    }
    out.trim().to_owned()
}

fn docker_instruction(
    chars: &[Pc],
    name: &str,
    escape: char,
    physical: &[&str],
    found: &mut Vec<Assignment>,
) {
    let words = docker_words(chars, escape);
    let Some(&(ks, ke)) = words.first() else {
        return;
    };
    let keyword = text_of(&chars[ks..ke]).to_ascii_lowercase();
    let is_env = keyword == "env";
    if !is_env && keyword != "arg" {
        return;
    }
    let args = &words[1..];
    let has_eq = |&(s, e): &(usize, usize)| chars[s..e].iter().any(|p| p.c == '=');
    if is_env
        && let Some(&(s, e)) = args.first()
        && !has_eq(&(s, e))
    {
        // Legacy `ENV NAME VALUE`: the rest of the line is the value.
        if text_of(&chars[s..e]) == name {
            let value = docker_unquote(&chars[e..], escape);
            found.push(located(chars[s], value, physical));
        }
        return;
    }
    for &(s, e) in args {
        let word = &chars[s..e];
        let Some(eq) = word.iter().position(|p| p.c == '=') else {
            continue;
        };
        if text_of(&word[..eq]) == name {
            found.push(located(
                word[0],
                docker_unquote(&word[eq + 1..], escape),
                physical,
            ));
        }
    }
}
