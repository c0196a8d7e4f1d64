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

    // -- lexing -------------------------------------------------------------

    /// Tokens of `s..e`; comments and here-document bodies are recorded.
    fn tokens(&mut self, s: usize, e: usize) -> Vec<Tok> {
        let mut toks = Vec::new();
        let mut pending: Vec<(String, bool)> = Vec::new();
        let mut i = s;
        while i < e {
            let c = self.b(i);
            if c == b' ' || c == b'\t' || c == b'\r' {
                i += 1;
            } else if c == b'\\' && self.b(i + 1) == b'\n' {
                i += 2;
            } else if c == b'#' {
                let end = self.text[i..e].find('\n').map_or(e, |k| i + k);
                self.comments.push((i, end));
                i = end;
            } else if c == b'\n' {
                toks.push(Tok::Op(i, "\n"));
                i += 1;
                for (delim, tabs) in pending.drain(..) {
                    i = self.heredoc(i, e, &delim, tabs);
                }
            } else if let Some(len) = self.redir_len(i, e) {
                let op = &self.text[i..i + len];
                if op.ends_with("<<") || op.ends_with("<<-") {
                    let w = self.word_end(self.skip_blanks(i + len, e), e);
                    let ws = self.skip_blanks(i + len, e);
                    let raw = &self.text[ws..w];
                    pending.push((unquote(raw), op.ends_with('-')));
                }
                toks.push(Tok::Redir(i, i + len));
                i += len;
            } else if let Some(op) = OPS.iter().find(|o| self.text[i..e].starts_with(**o)) {
                toks.push(Tok::Op(i, op));
                i += op.len();
            } else {
                let end = self.word_end(i, e).max(i + 1);
                toks.push(Tok::Word(i, end));
                i = end;
            }
        }
        toks
    }

    fn skip_blanks(&self, mut i: usize, e: usize) -> usize {
        while i < e && matches!(self.b(i), b' ' | b'\t') {
            i += 1;
        }
        i
    }

    /// `[n]>`, `>>`, `>&`, `>|`, `<`, `<<`, `<<-`, `<<<`, `<&`, `<>`, `&>`, `&>>`.
    fn redir_len(&self, i: usize, e: usize) -> Option<usize> {
        let rest = &self.text[i..e];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = &rest[digits..];
        for op in [
            "&>>", "<<<", "<<-", ">>", ">&", ">|", "<<", "<&", "<>", "&>", ">", "<",
        ] {
            if after.starts_with(op) && (digits == 0 || !op.starts_with('&')) {
                return Some(digits + op.len());
            }
        }
        None
    }

    /// Skips a here-document body starting at `i`; returns the offset after it.
    fn heredoc(&mut self, i: usize, e: usize, delim: &str, tabs: bool) -> usize {
        let mut j = i;
        while j < e {
            let end = self.text[j..e].find('\n').map_or(e, |k| j + k);
            let line = self.text[j..end].trim_end_matches('\r');
            let line = if tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if line == delim {
                self.heredocs.push((i, j));
                return (end + 1).min(e);
            }
            j = end + 1;
        }
        self.heredocs.push((i, e));
        e
    }

    /// End of the word at `i`; expansions inside it are analysed on the way.
    fn word_end(&mut self, mut i: usize, e: usize) -> usize {
        let start = i;
        while i < e {
            match self.b(i) {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' => return i,
                b'(' if self.array_start(start, i) => i = self.balanced(i, e, b'(', b')'),
                b'(' | b')' => return i,
                b'\\' => i += 2,
                b'\'' => i = self.text[i + 1..e].find('\'').map_or(e, |k| i + 1 + k + 1),
                b'"' => i = self.double_quoted(i + 1, e),
                b'`' => i = self.backquoted(i + 1, e),
                b'$' => i = self.dollar(i, e),
                _ => i += 1,
            }
        }
        e
    }

    /// `NAME=(` or `NAME+=(` or `NAME[..]=(`: the word so far opens an array.
    fn array_start(&self, start: usize, at: usize) -> bool {
        let w = &self.text[start..at];
        w.ends_with('=') && assignment_parts(w).is_some()
    }

    fn double_quoted(&mut self, mut i: usize, e: usize) -> usize {
        while i < e {
            match self.b(i) {
                b'\\' => i += 2,
                b'"' => return i + 1,
                b'`' => i = self.backquoted(i + 1, e),
                b'$' => i = self.dollar(i, e),
                _ => i += 1,
            }
        }
        e
    }

    fn backquoted(&mut self, i: usize, e: usize) -> usize {
        let mut j = i;
        while j < e && self.b(j) != b'`' {
            j += if self.b(j) == b'\\' { 2 } else { 1 };
        }
        let end = j.min(e);
        self.script(i, end, true);
        (end + 1).min(e)
    }

    /// At `(` or `{`: the offset after its match, skipping quoted text.
    fn balanced(&self, i: usize, e: usize, open: u8, close: u8) -> usize {
        let mut depth = 0usize;
        let mut j = i;
        while j < e {
            match self.b(j) {
                b'\\' => j += 1,
                b'\'' => j = self.text[j + 1..e].find('\'').map_or(e, |k| j + 1 + k),
                c if c == open => depth += 1,
                c if c == close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        e
    }

    /// At `$`: `$((…))` (left unexplained), `$(…)` (a nested script),
    /// `${…}`, `$NAME`.
    fn dollar(&mut self, i: usize, e: usize) -> usize {
        match self.b(i + 1) {
            b'(' if self.b(i + 2) == b'(' => self.balanced(i + 1, e, b'(', b')'),
            b'(' => {
                let end = self.balanced(i + 1, e, b'(', b')');
                self.script(i + 2, end.saturating_sub(1).max(i + 2), true);
                end
            }
            b'{' => {
                let end = self.balanced(i + 1, e, b'{', b'}');
                self.brace(i + 2, end.saturating_sub(1).max(i + 2));
                end
            }
            c if ident(c) => {
                let mut j = i + 1;
                while j < e && ident(self.b(j)) {
                    j += 1;
                }
                if &self.text[i + 1..j] == self.name {
                    self.explain(i + 1);
                }
                j
            }
            _ => i + 1,
        }
    }

    /// The inside of `${…}`.
    fn brace(&mut self, s: usize, e: usize) {
        let p = if matches!(self.b(s), b'#' | b'!') && s + 1 < e {
            s + 1
        } else {
            s
        };
        let mut j = p;
        while j < e && ident(self.b(j)) {
            j += 1;
        }
        if j > p && &self.text[p..j] == self.name {
            let op = &self.text[j..e];
            let assigning = p == s && (op.starts_with(":=") || op.starts_with('='));
            if assigning {
                let v = j + if op.starts_with(':') { 2 } else { 1 };
                let value = unquote(&self.text[v..e]);
                self.explain(p);
                self.push(p, value, None);
            } else {
                self.explain(p);
            }
        }
        // The operand (`${X:-word}`) is a word of its own.
        if j < e {
            self.word_end(j, e);
        }
    }

    // -- commands -------------------------------------------------------------

    fn script(&mut self, s: usize, e: usize, nested: bool) {
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

    fn command(&mut self, toks: &[Tok], captured: bool) {
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

    fn word(&self, w: (usize, usize)) -> &'a str {
        &self.text[w.0..w.1]
    }

    /// A simple command's words: `assign` when leading `NAME=v` words assign.
    fn simple(&mut self, words: &[(usize, usize)], assign: bool, printed_only: bool) {
        self.simple_in(words, assign, false, printed_only);
    }

    /// `unquoted`: the leading words are assignments after quote removal (the
    /// arguments of `env` and `sudo`).
    fn simple_in(
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
    fn assignment(&mut self, w: (usize, usize)) -> bool {
        self.assignment_in(w, false)
    }

    /// `env` and `sudo` see their arguments unquoted: `env 'F=1'` assigns.
    fn assignment_in(&mut self, w: (usize, usize), unquoted: bool) -> bool {
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

    fn declaration(&mut self, rest: &[(usize, usize)]) {
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

    fn env(&mut self, rest: &[(usize, usize)]) {
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

    fn docker(&mut self, rest: &[(usize, usize)]) {
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

    fn push(&mut self, at: usize, value: String, unknown: Option<String>) {
        let (line, column, raw) = position(self.text, at);
        self.found.push(Assignment {
            value,
            raw,
            line,
            column,
            unknown,
        });
    }

    /// Every mention left unexplained becomes an unknown assignment.
    fn finish(mut self, s: usize, e: usize) -> Vec<Assignment> {
        let name = self.name;
        for at in self.occurrences(s, e) {
            if self.mentions.contains(&at)
                || self.comments.iter().any(|&(cs, ce)| cs <= at && at < ce)
            {
                continue;
            }
            let why = if self.heredocs.iter().any(|&(hs, he)| hs <= at && at < he) {
                format!("a here-document mentions {name}: cannot tell what it writes or runs")
            } else {
                let (cs, ce) = self
                    .commands
                    .iter()
                    .filter(|&&(cs, ce)| cs <= at && at < ce)
                    .min_by_key(|&&(cs, ce)| ce - cs)
                    .copied()
                    .unwrap_or_else(|| line_range(self.text, at));
                format!(
                    "cannot tell what `{}` does with {name}",
                    snippet(&self.text[cs..ce])
                )
            };
            self.push(at, String::new(), Some(why));
        }
        self.found.sort_by_key(|a| (a.line, a.column));
        self.found.dedup_by_key(|a| (a.line, a.column));
        self.found
    }
}

/// `NAME`, `[index]`, `+=`, offset of the value, when `word` is an assignment.
fn assignment_parts(word: &str) -> Option<(&str, Option<&str>, bool, usize)> {
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

/// Line, column (characters) and trimmed line text of `at`.
fn position(text: &str, at: usize) -> (usize, usize, String) {
    let (ls, le) = line_range(text, at);
    let line = text[..ls].matches('\n').count() + 1;
    let column = text[ls..at].chars().count() + 1;
    (line, column, text[ls..le].trim().to_owned())
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
#[path = "shell_tests.rs"]
mod tests;
