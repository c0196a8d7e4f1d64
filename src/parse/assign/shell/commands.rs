//! The shell reader's commands: which words assign, declare, print or run.

use super::{Analyzer, Tok, ident, unquote};

impl<'a> Analyzer<'a> {
    pub(super) fn script(&mut self, s: usize, e: usize, nested: bool) {
        let toks = self.tokens(s, e);
        let mut start = 0;
        for k in 0..=toks.len() {
            let end_here = k == toks.len() || matches!(toks[k], Tok::Op(..));
            if !end_here {
                continue;
            }
            let piped = |t: Option<&Tok>| matches!(t, Some(Tok::Op(_, "|" | "|&")));
            let in_pipe = piped(toks.get(k)) || (start > 0 && piped(toks.get(start - 1)));
            self.command(&toks[start..k], nested || in_pipe);
            start = k + 1;
        }
    }

    pub(super) fn command(&mut self, toks: &[Tok], captured: bool) {
        let mut words = Vec::new();
        let mut redirs = Vec::new();
        let mut k = 0;
        while let Some(t) = toks.get(k) {
            match *t {
                Tok::Word(s, e) => words.push((s, e)),
                Tok::Redir(s, e) => {
                    let target = match toks.get(k + 1) {
                        Some(Tok::Word(ts, te)) => {
                            k += 1;
                            &self.text[*ts..*te]
                        }
                        _ => "",
                    };
                    redirs.push((&self.text[s..e], target));
                }
                Tok::Op(..) => {}
            }
            k += 1;
        }
        if let (Some(first), Some(last)) = (words.first(), words.last()) {
            self.commands.push((first.0, last.1));
        }
        let printed_only = !captured && redirs.iter().all(|(op, t)| harmless_redirect(op, t));
        self.simple(&words, true, printed_only);
    }

    pub(super) fn word(&self, w: (usize, usize)) -> &'a str {
        &self.text[w.0..w.1]
    }

    /// A simple command's words: `assign` when leading `NAME=v` words assign.
    pub(super) fn simple(&mut self, words: &[(usize, usize)], assign: bool, printed_only: bool) {
        self.simple_in(words, assign, false, printed_only);
    }

    /// `unquoted`: the leading words are assignments after quote removal (the
    /// arguments of `env` and `sudo`).
    pub(super) fn simple_in(
        &mut self,
        words: &[(usize, usize)],
        assign: bool,
        unquoted: bool,
        printed_only: bool,
    ) {
        let mut k = 0;
        while let Some(&w) = words.get(k) {
            match self.word(w) {
                "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{" | "}"
                | "time" | "done" | "fi" | "esac" => k += 1,
                "function" => k += 2,
                _ => break,
            }
        }
        while assign
            && let Some(&w) = words.get(k)
            && self.assignment_in(w, unquoted)
        {
            k += 1;
        }
        let Some(&cmd) = words.get(k) else {
            return;
        };
        let rest = &words[k + 1..];
        // `/usr/bin/env` is `env`.
        let command = unquote(self.word(cmd));
        match command.rsplit('/').next().unwrap_or_default() {
            "export" | "readonly" | "local" | "declare" | "typeset" => self.declaration(rest),
            "unset" => {
                for &w in rest {
                    if self.word(w) == self.name {
                        self.explain(w.0);
                    }
                }
            }
            "env" => self.env(rest),
            "sudo" => {
                let n = skip_options(
                    self,
                    rest,
                    &[
                        "-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R",
                    ],
                );
                self.simple_in(&rest[n..], true, true, false);
            }
            "exec" | "nohup" | "command" | "nice" | "setsid" | "timeout" | "stdbuf" => {
                let with_arg: &[&str] = &["-a", "-n", "-s", "-k", "-i", "-o", "-e"];
                let mut n = skip_options(self, rest, with_arg);
                if command.ends_with("timeout") && n < rest.len() {
                    n += 1;
                }
                self.simple(&rest[n..], false, false);
            }
            "docker" | "podman" => self.docker(rest),
            "echo" | "printf" if printed_only => {
                let dash_v = rest.iter().any(|&w| self.word(w).starts_with("-v"));
                if !(command.ends_with("printf") && dash_v)
                    && let (Some(f), Some(l)) = (rest.first(), rest.last())
                {
                    self.explain_range(f.0, l.1);
                }
            }
            _ => {}
        }
    }

    /// `NAME=v`, `NAME+=v`, `NAME=(…)`, `NAME[i]=v`: reads it when it is the
    /// flag's; false when the word is no assignment.
    pub(super) fn assignment(&mut self, w: (usize, usize)) -> bool {
        self.assignment_in(w, false)
    }

    /// `env` and `sudo` see their arguments unquoted: `env 'F=1'` assigns.
    pub(super) fn assignment_in(&mut self, w: (usize, usize), unquoted: bool) -> bool {
        let written = self.word(w);
        let unq = unquote(written);
        let word = if unquoted { unq.as_str() } else { written };
        let Some((var, index, append, value_at)) = assignment_parts(word) else {
            return false;
        };
        if var != self.name {
            return true;
        }
        let at = if unquoted {
            self.occurrences(w.0, w.1).first().copied().unwrap_or(w.0)
        } else {
            w.0
        };
        self.explain(at);
        let raw = &word[value_at..];
        let name = self.name;
        let (value, why) = if unquoted {
            (raw.to_owned(), None)
        } else if let Some(inner) = raw.strip_prefix('(') {
            let inner = inner.strip_suffix(')').unwrap_or(inner);
            let items = split_words(inner);
            match items.as_slice() {
                [] => (String::new(), None),
                [one] if !one.starts_with('[') => (unquote(one), None),
                _ => (
                    raw.to_owned(),
                    Some(format!("`{name}={raw}` is an array of several values")),
                ),
            }
        } else {
            (unquote(raw), None)
        };
        let why = why.or_else(|| match index {
            Some(i) if i != "0" => Some(format!("`{}` sets element [{i}] of {name}", word)),
            _ => None,
        });
        let why = why.or_else(|| {
            append.then(|| {
                format!("`{word}` appends '{value}' to {name}'s earlier value, which it depends on")
            })
        });
        self.push(at, value, why);
        true
    }

    pub(super) fn declaration(&mut self, rest: &[(usize, usize)]) {
        let mut k = 0;
        while let Some(&w) = rest.get(k) {
            let word = self.word(w);
            if word.starts_with('-') || word.starts_with('+') {
                if word.contains('n') || word.contains('f') {
                    return; // a nameref or a function: the mentions stay unexplained
                }
                k += 1;
                continue;
            }
            if !self.assignment(w) && word == self.name {
                self.explain(w.0);
            }
            k += 1;
        }
    }

    pub(super) fn env(&mut self, rest: &[(usize, usize)]) {
        let mut k = 0;
        while let Some(&w) = rest.get(k) {
            let word = self.word(w);
            match word {
                "-i" | "-" | "-0" | "--ignore-environment" | "--null" => k += 1,
                "-u" | "--unset" | "-C" | "--chdir" => {
                    if let Some(&n) = rest.get(k + 1)
                        && self.word(n) == self.name
                    {
                        self.explain(n.0);
                    }
                    k += 2;
                }
                "--" => {
                    k += 1;
                    break;
                }
                _ if word.starts_with("-u") || word.starts_with("--unset=") => {
                    let at = w.0 + if word.starts_with("-u") { 2 } else { 8 };
                    if &self.text[at..w.1] == self.name {
                        self.explain(at);
                    }
                    k += 1;
                }
                _ if word.starts_with("--chdir=") || word.starts_with("-C") => k += 1,
                _ if word.starts_with('-') => return, // -S and the like: unexplained
                _ => break,
            }
        }
        self.simple_in(&rest[k.min(rest.len())..], true, true, false);
    }

    pub(super) fn docker(&mut self, rest: &[(usize, usize)]) {
        let name = self.name;
        let mut k = 0;
        while let Some(&w) = rest.get(k) {
            let word = self.word(w);
            let value = match word {
                "-e" | "--env" => {
                    k += 1;
                    rest.get(k).copied()
                }
                _ if word.starts_with("--env=") => Some((w.0 + 6, w.1)),
                _ if word.starts_with("-e") && word.len() > 2 && !word.starts_with("--") => {
                    Some((w.0 + 2, w.1))
                }
                _ => None,
            };
            k += 1;
            let Some(v) = value else { continue };
            let text = unquote(self.word(v));
            // `-eNAME=1` glues the name to the option: no word boundary.
            let glued = self.text[v.0..v.1].starts_with(name).then_some(v.0);
            let Some(at) = glued.or_else(|| self.occurrences(v.0, v.1).first().copied()) else {
                continue;
            };
            if text == name {
                self.explain(at);
                self.push(
                    at,
                    String::new(),
                    Some(format!(
                        "`{}` passes {name} from the environment docker runs in, which \
                         relgate cannot see",
                        &self.text[w.0..v.1]
                    )),
                );
            } else if let Some(value) = text.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                self.explain(at);
                self.push(at, value.to_owned(), None);
            }
        }
    }
}

/// `NAME`, `[index]`, `+=`, offset of the value, when `word` is an assignment.
pub(super) fn assignment_parts(word: &str) -> Option<(&str, Option<&str>, bool, usize)> {
    let b = word.as_bytes();
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    let n = b.iter().take_while(|c| ident(**c)).count();
    let mut i = n;
    let mut index = None;
    if b.get(i) == Some(&b'[') {
        let close = word[i..].find(']')? + i;
        index = Some(&word[i + 1..close]);
        i = close + 1;
    }
    let append = b.get(i) == Some(&b'+');
    if append {
        i += 1;
    }
    (b.get(i) == Some(&b'=')).then_some((&word[..n], index, append, i + 1))
}

/// Options (and the arguments of those in `with_arg`) at the start of `rest`.
fn skip_options(a: &Analyzer, rest: &[(usize, usize)], with_arg: &[&str]) -> usize {
    let mut k = 0;
    while let Some(&w) = rest.get(k) {
        let word = a.word(w);
        if word == "--" {
            return k + 1;
        }
        if !word.starts_with('-') || word == "-" {
            break;
        }
        k += if with_arg.contains(&word) { 2 } else { 1 };
    }
    k.min(rest.len())
}

/// Where the output of `op target` goes is not a file the script writes.
fn harmless_redirect(op: &str, target: &str) -> bool {
    let op = op.trim_start_matches(|c: char| c.is_ascii_digit());
    if op.starts_with('<') {
        return true;
    }
    matches!(
        target,
        "&1" | "&2" | "2" | "1" | "/dev/null" | "/dev/stderr" | "/dev/stdout"
    )
}

/// Blank-separated words of an array's inside (quotes kept together).
fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (_, '\\') => {
                cur.push(c);
                cur.extend(chars.next());
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
