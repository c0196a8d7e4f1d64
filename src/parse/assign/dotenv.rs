//! dotenv files, read the way dotenv loaders read them.
//!
//! The grammar is python-dotenv's (`dotenv/parser.py`), the most complete of
//! the loaders; where the loaders disagree on a reading that matters for a
//! flag, the reading is "unknown" rather than one of them (fail closed). The
//! loaders' own test inputs and expected readings are vendored under
//! `tests/corpora/dotenv/` and compared with this reader in
//! `dotenv_corpus.rs` beside this file. No crate reads dotenv with positions, all three
//! loaders' rules and without expanding variables, hence this reader.
//!
//! - A binding is `[export ]KEY=VALUE`; the key is `'KEY'` or any run of
//!   characters but `=`, `#` and blanks; blanks around `=` are allowed.
//! - Line breaks are `\n`, `\r\n` and a lone `\r`. Positions are the crate's
//!   ([`crate::parse::lines::LineIndex`]: lines end at `\n`, as every report
//!   counts them), so a binding after a lone `\r` is located on the report's
//!   line, after the `\r`.
//! - A value in single or double quotes may span lines; lines inside it are
//!   part of the value, not bindings. One level of quotes is removed
//!   (`"'0'"` is `'0'`). Double quotes decode `\\ \' \" \a \b \f \n \r \t \v`,
//!   single quotes `\\ \'`; anything after the closing quote other than a
//!   comment makes the binding an error (python-dotenv ignores it; Node's
//!   dotenv reads the whole rest): unknown.
//! - An unquoted value is the rest of the line, cut where blanks and a `#`
//!   start a comment, right-trimmed.
//!
//! Unknown, with the reason: a value with `$VAR` or `${VAR}` outside single
//! quotes (python-dotenv and godotenv expand it, Node's dotenv does not;
//! relgate never expands); `KEY= # comment` (python-dotenv reads
//! `# comment`, the others an empty value); an unclosed quote; text after a
//! closing quote; `KEY: VALUE` (Node's dotenv reads it, the others do not).

use super::Assignment;
use crate::parse::lines::LineIndex;

pub(super) fn dotenv(text: &str, name: &str) -> Vec<Assignment> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = Reader::new(text, name);
    let mut found = Vec::new();
    if name.is_empty() {
        return found;
    }
    while let Some(b) = r.binding() {
        let (key, colon) = match b.key.strip_suffix(':') {
            Some(k) if b.value.is_none() && b.colon_value.is_some() => (k, true),
            _ => (b.key, false),
        };
        if key != name {
            continue;
        }
        let (line, column) = r.line_col(b.key_at);
        let mut a = Assignment {
            value: String::new(),
            raw: r.line_text(b.key_at).trim().to_owned(),
            line,
            column,
            unknown: None,
        };
        match (colon, b.value) {
            (true, _) => {
                a.value = b.colon_value.unwrap_or_default();
                a.unknown = Some(format!(
                    "`{name}: …` is read by Node's dotenv as an assignment and rejected by \
                     python-dotenv and godotenv; write `{name}=…`"
                ));
            }
            (false, Some(Ok(v))) => {
                a.unknown = v.unknown;
                a.value = v.text;
            }
            (false, Some(Err(why))) => a.unknown = Some(why),
            (false, None) => continue,
        }
        found.push(a);
    }
    found
}

/// One `KEY…` as read; `value` is `None` without `=`.
struct Binding<'a> {
    key: &'a str,
    key_at: usize,
    value: Option<Result<Value, String>>,
    /// For `KEY: VALUE`: the value after the colon.
    colon_value: Option<String>,
}

struct Value {
    text: String,
    unknown: Option<String>,
}

struct Reader<'a> {
    s: &'a str,
    name: &'a str,
    i: usize,
    /// Where bindings are reported: the crate's line index.
    lines: LineIndex,
}

fn blank(c: char) -> bool {
    c.is_whitespace() && c != '\r' && c != '\n'
}

impl<'a> Reader<'a> {
    fn new(s: &'a str, name: &'a str) -> Self {
        Reader {
            s,
            name,
            i: 0,
            lines: LineIndex::new(s.as_bytes()),
        }
    }

    fn line_col(&self, at: usize) -> (usize, usize) {
        self.lines.line_col(self.s.as_bytes(), at)
    }

    /// The dotenv line holding `at` (between `\n`, `\r\n` or lone `\r` breaks).
    fn line_text(&self, at: usize) -> &'a str {
        let before = self.s.get(..at).unwrap_or_default();
        let start = before.rfind(['\r', '\n']).map_or(0, |i| i + 1);
        let rest = self.s.get(start..).unwrap_or_default();
        &rest[..rest.find(['\r', '\n']).unwrap_or(rest.len())]
    }

    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let n = rest.find(|c| !f(c)).unwrap_or(rest.len());
        self.i += n;
        &rest[..n]
    }

    /// Past the end of the line and its break (python-dotenv's error recovery).
    fn skip_line(&mut self) {
        self.skip_while(|c| c != '\r' && c != '\n');
        if self.rest().starts_with("\r\n") {
            self.i += 2;
        } else if self.peek().is_some() {
            self.i += 1;
        }
    }

    fn binding(&mut self) -> Option<Binding<'a>> {
        loop {
            self.skip_while(char::is_whitespace);
            self.peek()?;
            if let Some(after) = self.rest().strip_prefix("export")
                && after.starts_with(blank)
            {
                self.i += "export".len();
                self.skip_while(blank);
            }
            let key_at = self.i;
            let key = match self.peek() {
                Some('#') => {
                    self.skip_line();
                    continue;
                }
                Some('\'') => {
                    let body = &self.rest()[1..];
                    match body.find('\'') {
                        Some(n) if n > 0 => {
                            self.i += n + 2;
                            &body[..n]
                        }
                        _ => {
                            self.skip_line();
                            continue;
                        }
                    }
                }
                _ => {
                    let k = self.skip_while(|c| c != '=' && c != '#' && !c.is_whitespace());
                    if k.is_empty() {
                        self.skip_line();
                        continue;
                    }
                    k
                }
            };
            let key_at = if self.s[key_at..].starts_with('\'') {
                key_at + 1
            } else {
                key_at
            };
            self.skip_while(blank);
            if self.peek() != Some('=') {
                let colon_value = (key.ends_with(':') && self.i > key_at + key.len())
                    .then(|| self.unquoted().text);
                self.skip_line();
                return Some(Binding {
                    key,
                    key_at,
                    value: None,
                    colon_value,
                });
            }
            self.i += 1;
            self.skip_while(blank);
            let value = self.value();
            return Some(Binding {
                key,
                key_at,
                value: Some(value),
                colon_value: None,
            });
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        let v = match self.peek() {
            Some(q @ ('\'' | '"')) => match self.quoted(q) {
                Some(v) => v,
                None => {
                    self.skip_line();
                    return Err(format!(
                        "the quoted value of {} has no closing {q}: dotenv loaders \
                         disagree on what it is",
                        self.name
                    ));
                }
            },
            None | Some('\r' | '\n') => Value {
                text: String::new(),
                unknown: None,
            },
            Some('#') => {
                let v = self.unquoted();
                let n = self.name;
                return Ok(Value {
                    unknown: Some(format!(
                        "`{n}= {}`: python-dotenv reads the value '{}', Node's dotenv and \
                         godotenv read it empty; write `{n}=0` before the comment",
                        v.text, v.text
                    )),
                    ..v
                });
            }
            Some(_) => self.unquoted(),
        };
        // An optional comment, then the end of the line.
        self.skip_while(blank);
        match self.peek() {
            None | Some('\r' | '\n') => {}
            Some('#') => {
                self.skip_while(|c| c != '\r' && c != '\n');
            }
            Some(_) => {
                self.skip_line();
                return Err(format!(
                    "text follows the closing quote of {}'s value: python-dotenv ignores \
                     the line, Node's dotenv reads it whole",
                    self.name
                ));
            }
        }
        Ok(v)
    }

    /// At an opening quote: the value up to its closing quote, decoded; `None`
    /// when it is never closed.
    fn quoted(&mut self, q: char) -> Option<Value> {
        let body = &self.rest()[1..];
        // Greedy, as the loaders' `"((?:\\"|[^"])*)"`: `\"` does not close,
        // unless no other quote does (then the last `\"`'s quote closes).
        let mut end = None;
        let mut last_escaped = None;
        let mut it = body.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c == '\\' && it.peek().is_some_and(|&(_, n)| n == q) {
                last_escaped = it.next().map(|(j, _)| j);
            } else if c == q {
                end = Some(i);
                break;
            }
        }
        let end = end.or(last_escaped)?;
        let raw = &body[..end];
        self.i += 1 + end + 1;
        let text = decode(raw, q);
        let unknown = (q == '"').then(|| expansion(raw, self.name)).flatten();
        Some(Value { text, unknown })
    }

    fn unquoted(&mut self) -> Value {
        let part = self.skip_while(|c| c != '\r' && c != '\n');
        // `\s+#.*` is a comment.
        let mut cut = part.len();
        let mut prev_ws = false;
        for (i, c) in part.char_indices() {
            if c == '#' && prev_ws {
                cut = part[..i].trim_end().len();
                break;
            }
            prev_ws = c.is_whitespace();
        }
        let text = part[..cut].trim_end().to_owned();
        let unknown = expansion(&text, self.name);
        Value { text, unknown }
    }
}

/// Why a value that names a variable cannot be read.
fn expansion(v: &str, name: &str) -> Option<String> {
    let b = v.as_bytes();
    let named = b
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1] == b'{' || w[1] == b'_' || w[1].is_ascii_alphabetic()));
    named.then(|| {
        format!(
            "the value of {name} ('{v}') names a variable: python-dotenv and godotenv expand \
             it, Node's dotenv does not, and relgate cannot know its value"
        )
    })
}

/// python-dotenv's escapes: `\\ \' \" \a \b \f \n \r \t \v` in double quotes,
/// `\\ \'` in single quotes; any other backslash is kept.
fn decode(raw: &str, q: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match (q, chars.peek()) {
            (_, Some('\\')) => Some('\\'),
            (_, Some('\'')) => Some('\''),
            ('"', Some('"')) => Some('"'),
            ('"', Some('a')) => Some('\u{7}'),
            ('"', Some('b')) => Some('\u{8}'),
            ('"', Some('f')) => Some('\u{c}'),
            ('"', Some('n')) => Some('\n'),
            ('"', Some('r')) => Some('\r'),
            ('"', Some('t')) => Some('\t'),
            ('"', Some('v')) => Some('\u{b}'),
            _ => None,
        };
        match decoded {
            Some(d) => {
                chars.next();
                out.push(d);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
#[path = "dotenv_tests.rs"]
mod tests;
