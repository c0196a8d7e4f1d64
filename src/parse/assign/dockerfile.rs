//! Dockerfiles: `ENV`, `ARG`, and the commands `RUN`, `CMD`, `ENTRYPOINT`
//! (also after `ONBUILD`) start, read by the shell reader (shell form) or as
//! the words of one command (exec form, a JSON array). A line that is no
//! instruction (a `RUN <<EOF` here-document's body) and mentions the name
//! makes it unknown there.

use super::shell;
use super::{Assignment, Pc, lines, located, positioned, strip_continuation, text_of};
use crate::parse::lines::LineIndex;

const INSTRUCTIONS: &[&str] = &[
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

pub(super) fn dockerfile(text: &str, name: &str) -> Vec<Assignment> {
    let physical: Vec<&str> = lines(text).map(|(_, l)| l).collect();
    let mut found = Vec::new();
    if name.is_empty() {
        return found;
    }
    let lines = LineIndex::new(text.as_bytes());
    let file = File {
        text,
        lines: &lines,
        physical: &physical,
    };
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
            docker_instruction(&current, name, escape, &file, &mut found);
            current.clear();
        }
    }
    if !current.is_empty() {
        docker_instruction(&current, name, escape, &file, &mut found);
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

/// The file being read: its text, line index and lines.
struct File<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    physical: &'a [&'a str],
}

impl File<'_> {
    /// Byte offset of a positioned character.
    fn offset(&self, p: Pc) -> usize {
        self.lines.offset(self.text.as_bytes(), p.line, p.column)
    }

    /// Byte offset of the end of a character's line.
    fn line_end(&self, p: Pc) -> usize {
        self.lines.line_start(p.line) + self.physical.get(p.line - 1).map_or(0, |l| l.len())
    }
}

fn docker_instruction(
    chars: &[Pc],
    name: &str,
    escape: char,
    file: &File,
    found: &mut Vec<Assignment>,
) {
    let physical = file.physical;
    let all = docker_words(chars, escape);
    let mut first = 0;
    let keyword = loop {
        let Some(&(ks, ke)) = all.get(first) else {
            return;
        };
        let keyword = text_of(&chars[ks..ke]).to_ascii_lowercase();
        if keyword != "onbuild" {
            break keyword;
        }
        first += 1;
    };
    let words = &all[first..];
    if matches!(keyword.as_str(), "run" | "cmd" | "entrypoint") {
        command(chars, &words[1..], name, file, found);
        return;
    }
    if !INSTRUCTIONS.contains(&keyword.as_str()) {
        // No instruction: a here-document's body, or a line Docker rejects.
        let (Some(f), Some(l)) = (chars.first(), chars.last()) else {
            return;
        };
        let (s, e) = (file.offset(*f), file.line_end(*l));
        for a in shell::analyze(file.text, s, e, name) {
            if a.unknown.is_some() || !a.value.is_empty() {
                found.push(Assignment {
                    unknown: Some(format!(
                        "`{}` is no Dockerfile instruction (a here-document's body?): cannot \
                         tell what it does with {name}",
                        a.raw
                    )),
                    value: String::new(),
                    ..a
                });
            }
        }
        return;
    }
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

/// `RUN`/`CMD`/`ENTRYPOINT` arguments: a JSON array is one command's words,
/// anything else a shell script.
fn command(
    chars: &[Pc],
    args: &[(usize, usize)],
    name: &str,
    file: &File,
    found: &mut Vec<Assignment>,
) {
    // `RUN --mount=… --network=…` flags are Docker's, not the script's.
    let args: Vec<_> = args
        .iter()
        .skip_while(|&&(s, e)| text_of(&chars[s..e]).starts_with("--"))
        .copied()
        .collect();
    let (Some(&(s, _)), Some(last)) = (args.first(), chars.last()) else {
        return;
    };
    let (start, end) = (file.offset(chars[s]), file.line_end(*last));
    let rest = text_of(&chars[s..]);
    if let Ok(items) = serde_json::from_str::<Vec<String>>(&rest) {
        let script: Vec<String> = items
            .iter()
            .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
            .collect();
        let script = script.join(" ");
        let mut read = shell::shell(&script, name);
        // Back to the file: the k-th mention of the script is the k-th of the array.
        let in_script = mentions(&script, name);
        let in_file = mentions(&file.text[start..end], name);
        for a in &mut read {
            let offset = script
                .lines()
                .take(a.line - 1)
                .map(|l| l.len() + 1)
                .sum::<usize>()
                + script
                    .lines()
                    .nth(a.line - 1)
                    .and_then(|l| l.char_indices().nth(a.column - 1))
                    .map_or(0, |(b, _)| b);
            let k = in_script.iter().position(|&m| m == offset);
            let at = match (k, in_script.len() == in_file.len()) {
                (Some(k), true) => start + in_file[k],
                _ => start,
            };
            let here = located_at(file, at, a.value.clone());
            a.line = here.line;
            a.column = here.column;
            a.raw = here.raw;
        }
        found.extend(read);
        return;
    }
    found.extend(shell::analyze(file.text, start, end, name));
}

/// Offsets of `name` as a word in `text`.
fn mentions(text: &str, name: &str) -> Vec<usize> {
    let ident = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_');
    let b = text.as_bytes();
    text.match_indices(name)
        .map(|(i, _)| i)
        .filter(|&i| {
            !ident(i.checked_sub(1).map(|j| b[j])) && !ident(b.get(i + name.len()).copied())
        })
        .collect()
}

fn located_at(file: &File, at: usize, value: String) -> Assignment {
    let (line, column) = file.lines.line_col(file.text.as_bytes(), at);
    located(
        Pc {
            c: ' ',
            line,
            column,
        },
        value,
        file.physical,
    )
}
