//! Shell scripts: every mention of the name is an assignment whose value can
//! be read, a mention provably harmless, or unknown (fail closed).
//!
//! A script can set a variable in more ways than any reader can follow
//! (`eval`, `printf -v`, `read`, `let`, namerefs, here-documents fed to a
//! shell). So this reader does not look for assignments: it finds every
//! occurrence of the name as a word (outside comments) and explains each one;
//! an occurrence it cannot explain makes the setting unknown at that place
//! ("cannot tell what `eval FLAG=1` does with FLAG"). No crate gives a POSIX/
//! bash syntax tree with positions small enough to vendor, hence this lexer;
//! it only has to be exact about what it explains.
//!
//! Explained:
//! - assignments, with the value read: `FLAG=v`, `FLAG=(v)` (one element),
//!   `FLAG[0]=v`, as leading words of a command and as arguments of
//!   `export`, `readonly`, `local`, `declare`, `typeset` (not `-n`), of
//!   `env` and of `sudo`, after `exec`, `nohup`, `command`, `nice`, `setsid`,
//!   `timeout`, `time`; `${FLAG:=v}` and `${FLAG=v}`; `docker`/`podman`
//!   `-e FLAG=v`, `--env FLAG=v`, `--env=FLAG=v`;
//! - reads: `$FLAG`, `${FLAG}`, `${FLAG:-v}` and the other expansions;
//! - `export FLAG`, `readonly FLAG`, `local FLAG`, `declare FLAG` (no value:
//!   they give it none), `unset FLAG`, `env -u FLAG` (removing the variable
//!   is the same as never assigning it);
//! - arguments of `echo` and `printf` (without `-v`) that are only printed:
//!   not inside `$(…)`, not piped, output not redirected to a file.
//!
//! Unknown, with the reason: `FLAG+=v` (the value depends on the earlier
//! one), arrays of several values, other elements, `docker run -e FLAG`
//! (taken from the host's environment), a here-document that mentions the
//! name, and every other mention (`eval`, `let`, `read`, `for FLAG in`,
//! `printf -v`, `declare -n`, arithmetic, a command's argument …).

use super::Assignment;
use crate::parse::lines::LineIndex;

mod commands;
mod lex;

/// Every assignment and unknown mention of `name` in the whole script.
pub(super) fn shell(text: &str, name: &str) -> Vec<Assignment> {
    analyze(text, 0, text.len(), name)
}

/// The same, for the script in `text[start..end]` (a Dockerfile `RUN`), with
/// positions in `text`.
pub(super) fn analyze(text: &str, start: usize, end: usize, name: &str) -> Vec<Assignment> {
    if name.is_empty() {
        return Vec::new();
    }
    let mut a = Analyzer {
        text,
        name,
        mentions: Vec::new(),
        commands: Vec::new(),
        found: Vec::new(),
        heredocs: Vec::new(),
        comments: Vec::new(),
        lines: None,
        depth: 0,
    };
    a.script(start, end, false);
    a.finish(start, end)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Word(usize, usize),
    /// A control operator (or a newline) at this offset.
    Op(usize, &'static str),
    /// A redirection operator (`>`, `2>&`, `<<-`, …) spanning these offsets.
    Redir(usize, usize),
}

struct Analyzer<'a> {
    text: &'a str,
    name: &'a str,
    /// Offsets of mentions explained so far.
    mentions: Vec<usize>,
    /// Ranges of the simple commands seen (for messages).
    commands: Vec<(usize, usize)>,
    found: Vec<Assignment>,
    heredocs: Vec<(usize, usize)>,
    comments: Vec<(usize, usize)>,
    /// The line index, made when the first position is needed.
    lines: Option<LineIndex>,
    /// Nesting of `$(…)`, `` `…` `` and `${…}`: deeper is left unexplained.
    depth: usize,
}

fn ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

const OPS: &[&str] = &[";;", "&&", "||", "|&", ";", "&", "|", "(", ")", "\n"];

impl<'a> Analyzer<'a> {
    fn b(&self, i: usize) -> u8 {
        self.text.as_bytes().get(i).copied().unwrap_or(0)
    }

    fn explain(&mut self, at: usize) {
        self.mentions.push(at);
    }

    /// Explains every mention in `s..e` (printed text, a declaration).
    fn explain_range(&mut self, s: usize, e: usize) {
        for m in self.occurrences(s, e) {
            self.explain(m);
        }
    }

    /// Offsets of the name as a word in `s..e`.
    fn occurrences(&self, s: usize, e: usize) -> Vec<usize> {
        let n = self.name.len();
        let mut out = Vec::new();
        let hay = &self.text[s..e];
        let mut from = 0;
        while let Some(k) = hay[from..].find(self.name) {
            let at = s + from + k;
            if (at == 0 || !ident(self.b(at - 1))) && !ident(self.b(at + n)) {
                out.push(at);
            }
            from += k + n;
        }
        out
    }

    fn push(&mut self, at: usize, value: String, unknown: Option<String>) {
        let text = self.text;
        let (line, column) = self
            .lines
            .get_or_insert_with(|| LineIndex::new(text.as_bytes()))
            .line_col(text.as_bytes(), at);
        let (ls, le) = line_range(text, at);
        self.found.push(Assignment {
            value,
            raw: text[ls..le].trim().to_owned(),
            line,
            column,
            unknown,
        });
    }

    /// Every mention left unexplained becomes an unknown assignment.
    fn finish(mut self, s: usize, e: usize) -> Vec<Assignment> {
        let name = self.name;
        self.mentions.sort_unstable();
        self.comments.sort_unstable();
        self.heredocs.sort_unstable();
        self.commands.sort_unstable();
        // Is `at` inside one of the sorted, non-overlapping ranges?
        let inside = |ranges: &[(usize, usize)], at: usize| {
            let k = ranges.partition_point(|&(rs, _)| rs <= at);
            k > 0 && at < ranges[k - 1].1
        };
        for at in self.occurrences(s, e) {
            if self.mentions.binary_search(&at).is_ok() || inside(&self.comments, at) {
                continue;
            }
            let why = if inside(&self.heredocs, at) {
                format!("a here-document mentions {name}: cannot tell what it writes or runs")
            } else {
                // The innermost command around it: the nearest start before it
                // whose command reaches past it (nested commands start later).
                let k = self.commands.partition_point(|&(cs, _)| cs <= at);
                let (cs, ce) = self.commands[..k]
                    .iter()
                    .rev()
                    .take(64)
                    .find(|&&(_, ce)| at < ce)
                    .copied()
                    .unwrap_or_else(|| line_range(self.text, at));
                format!(
                    "cannot tell what `{}` does with {name}",
                    snippet(&self.text[cs..ce])
                )
            };
            self.push(at, String::new(), Some(why));
        }
        // The name spelled in pieces (`BILLING_\<newline>GATEWAY…`, `"BILLING_"'GATEWAY'…`):
        // the shell joins them, relgate does not read them, so the flag is unknown there.
        for at in self.spelled(s, e) {
            if inside(&self.comments, at) {
                continue;
            }
            let (ls, le) = line_range(self.text, at);
            let why = format!(
                "cannot tell what `{}` does with {name}: the name is spelled with quotes or escapes",
                snippet(&self.text[ls..le])
            );
            self.push(at, String::new(), Some(why));
        }
        self.found.sort_by_key(|a| (a.line, a.column));
        self.found.dedup_by_key(|a| (a.line, a.column));
        self.found
    }

    /// Where the name appears once quotes, `$`, backquotes and backslashes (with the
    /// line breaks they escape) are taken out, but not as itself: the offset of its
    /// first piece.
    fn spelled(&self, s: usize, e: usize) -> Vec<usize> {
        let bytes = self.text.as_bytes();
        let mut squashed = Vec::with_capacity(e - s);
        let mut origin = Vec::with_capacity(e - s);
        let mut i = s;
        while i < e {
            match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
                b'"' | b'\'' | b'`' | b'$' | b'\\' => i += 1,
                b => {
                    squashed.push(b);
                    origin.push(i);
                    i += 1;
                }
            }
        }
        let name = self.name.as_bytes();
        let n = name.len();
        let mut out = Vec::new();
        if n == 0 || squashed.len() < n {
            return out;
        }
        for k in 0..=squashed.len() - n {
            if &squashed[k..k + n] != name
                || (k > 0 && ident(squashed[k - 1]))
                || squashed.get(k + n).is_some_and(|&c| ident(c))
            {
                continue;
            }
            let first = origin[k];
            let contiguous = origin[k + n - 1] == first + n - 1;
            if !contiguous {
                out.push(first);
            }
        }
        out
    }
}

/// The word with its quoting removed (`$…` kept as written).
pub(super) fn unquote(w: &str) -> String {
    let mut out = String::new();
    let mut chars = w.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                } else {
                    out.extend(chars.next());
                }
            }
            '\'' => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    out.push(q);
                }
            }
            '"' => {
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&e @ ('$' | '`' | '"' | '\\')) => {
                                chars.next();
                                out.push(e);
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => out.push('\\'),
                        },
                        q => out.push(q),
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn line_range(text: &str, at: usize) -> (usize, usize) {
    let ls = text[..at].rfind('\n').map_or(0, |k| k + 1);
    let le = text[at..].find('\n').map_or(text.len(), |k| at + k);
    (ls, le)
}

/// A command for a message: blanks collapsed, at most 60 characters.
fn snippet(s: &str) -> String {
    let one: String = s
        .replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if one.chars().count() > 60 {
        format!("{}…", one.chars().take(59).collect::<String>())
    } else {
        one
    }
}

#[cfg(test)]
mod tests;
