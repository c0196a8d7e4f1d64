//! The shell reader's lexer: tokens, words, quotes and expansions.

use super::commands::assignment_parts;
use super::{Analyzer, OPS, Tok, ident, unquote};

/// Deeper `$(…)`, `` `…` `` and `${…}` are not analysed (their mentions are
/// unknown): hostile nesting must not exhaust the stack.
const MAX_DEPTH: usize = 32;

impl Analyzer<'_> {
    /// Tokens of `s..e`; comments and here-document bodies are recorded.
    pub(super) fn tokens(&mut self, s: usize, e: usize) -> Vec<Tok> {
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

    pub(super) fn skip_blanks(&self, mut i: usize, e: usize) -> usize {
        while i < e && matches!(self.b(i), b' ' | b'\t') {
            i += 1;
        }
        i
    }

    /// `[n]>`, `>>`, `>&`, `>|`, `<`, `<<`, `<<-`, `<<<`, `<&`, `<>`, `&>`, `&>>`.
    pub(super) fn redir_len(&self, i: usize, e: usize) -> Option<usize> {
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
    pub(super) fn heredoc(&mut self, i: usize, e: usize, delim: &str, tabs: bool) -> usize {
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
    pub(super) fn word_end(&mut self, mut i: usize, e: usize) -> usize {
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
    pub(super) fn array_start(&self, start: usize, at: usize) -> bool {
        let w = &self.text[start..at];
        w.ends_with('=') && assignment_parts(w).is_some()
    }

    pub(super) fn double_quoted(&mut self, mut i: usize, e: usize) -> usize {
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

    pub(super) fn backquoted(&mut self, i: usize, e: usize) -> usize {
        let mut j = i;
        while j < e && self.b(j) != b'`' {
            j += if self.b(j) == b'\\' { 2 } else { 1 };
        }
        let end = j.min(e);
        if self.depth <= MAX_DEPTH {
            self.depth += 1;
            self.script(i, end, true);
            self.depth -= 1;
        }
        (end + 1).min(e)
    }

    /// At `(` or `{`: the offset after its match, skipping quoted text.
    pub(super) fn balanced(&self, i: usize, e: usize, open: u8, close: u8) -> usize {
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
    pub(super) fn dollar(&mut self, i: usize, e: usize) -> usize {
        if self.depth > MAX_DEPTH {
            return self.word_skip(i + 1, e);
        }
        self.depth += 1;
        let end = self.dollar_in(i, e);
        self.depth -= 1;
        end
    }

    /// Past the rest of a word too deeply nested to analyse (its mentions
    /// stay unexplained, so unknown).
    fn word_skip(&self, i: usize, e: usize) -> usize {
        match self.b(i) {
            b'(' => self.balanced(i, e, b'(', b')'),
            b'{' => self.balanced(i, e, b'{', b'}'),
            _ => i,
        }
    }

    /// The end of what is inside a bracket that ends at `end` (before its
    /// closing byte, unless it was never closed).
    fn inner_end(&self, start: usize, end: usize, close: u8) -> usize {
        if end > start && self.b(end - 1) == close {
            end - 1
        } else {
            end.max(start)
        }
    }

    fn dollar_in(&mut self, i: usize, e: usize) -> usize {
        if i + 2 > e {
            return e; // a `$` that ends the script
        }
        match self.b(i + 1) {
            b'(' if self.b(i + 2) == b'(' => self.balanced(i + 1, e, b'(', b')'),
            b'(' => {
                let end = self.balanced(i + 1, e, b'(', b')');
                self.script(i + 2, self.inner_end(i + 2, end, b')'), true);
                end
            }
            b'{' => {
                let end = self.balanced(i + 1, e, b'{', b'}');
                self.brace(i + 2, self.inner_end(i + 2, end, b'}'));
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
    pub(super) fn brace(&mut self, s: usize, e: usize) {
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
}
