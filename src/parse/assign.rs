//! Where a named configuration setting is assigned, in any of the config file
//! formats a repository uses (dotenv, shell, Dockerfile, YAML, JSON, TOML).
//!
//! Why: a policy such as "the real payment gateway stays disabled" must find
//! every place that sets a flag, and tell an assignment from a mere mention.
//! A comment, a sentence, a longer name (`NAME_OLD`) or a `${NAME}` use is not
//! an assignment; only the forms below are. Nothing is specific to any flag:
//! the name is a parameter and the on/off vocabularies are the caller's.
//!
//! Forms:
//! - dotenv: `NAME=VALUE`, `export NAME=VALUE`, `NAME = VALUE`; quoted or bare
//!   values; ` # comment` after a bare value is dropped.
//! - shell: in each command of a line (split at `;`, `&&`, `||`, `|`, `&`,
//!   after `if`/`then`/`do`/... keywords), the leading `NAME=VALUE` words, and
//!   every `NAME=VALUE` argument of `export`, `declare`, `typeset`, `readonly`,
//!   `local` (options such as `-x` skipped); `env NAME=VALUE cmd` too. Lines
//!   continued with `\` are joined. Heredoc bodies are read as commands too
//!   (a `NAME=1` line written into a file is reported).
//! - Dockerfile: `ENV NAME=VALUE` (several pairs per line), legacy
//!   `ENV NAME VALUE`, `ARG NAME=VALUE` (`ARG NAME` without a default is a
//!   declaration, not an assignment); keywords case-insensitive; continuation
//!   lines and the `# escape=` directive honoured.
//! - YAML (every document), JSON, TOML, at any depth: a key `NAME`; an object
//!   `{name: NAME, value: VALUE}` (Kubernetes/ECS env lists; without `value`
//!   the value is `<valueFrom>` or `<no value>`, i.e. unknown); a string array
//!   item `NAME=VALUE` (Compose `environment:` lists). A mapping or sequence as
//!   the value reads `<mapping>` / `<sequence>`.
//!
//! Malformed YAML/JSON/TOML is a [`ParseFailure`] with its position: a gate
//! must not conclude "never assigned" from a file it could not read.

use super::structured::{self, DataFormat, Locator, Node, NodeKind, ParseFailure};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    Dotenv,
    Shell,
    Dockerfile,
    Yaml,
    Json,
    Toml,
}

/// By file name (case-insensitive): `.env`, `.env.*`, `*.env` → Dotenv;
/// `Dockerfile`, `Dockerfile.*`, `*.dockerfile` → Dockerfile; `*.sh` → Shell;
/// `*.yml`/`*.yaml`/`*.json`/`*.toml` by extension. First match in that order.
pub fn config_format_for_path(path: &str) -> Option<ConfigFormat> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
        return Some(ConfigFormat::Dotenv);
    }
    if lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
        return Some(ConfigFormat::Dockerfile);
    }
    if lower.ends_with(".sh") {
        return Some(ConfigFormat::Shell);
    }
    match structured::data_format_for_path(name)? {
        DataFormat::Yaml => Some(ConfigFormat::Yaml),
        DataFormat::Json => Some(ConfigFormat::Json),
        DataFormat::Toml => Some(ConfigFormat::Toml),
    }
}

/// One assignment of the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Normalised: quotes and surrounding blanks stripped; YAML/JSON/TOML
    /// scalars as text (`true`, `false`, `1`, `0`), null as `""`; a mapping or
    /// sequence as `<mapping>` / `<sequence>`; a name/value object without a
    /// value as `<valueFrom>` / `<no value>`.
    pub value: String,
    /// The source line (where the name is), trimmed.
    pub raw: String,
    /// 1-based line of the name.
    pub line: usize,
    /// 1-based column (characters) where the name starts; for a name/value
    /// object, where the `name` value starts.
    pub column: usize,
}

/// Every assignment of `name` in `text`, in source order.
pub fn find_assignments(
    format: ConfigFormat,
    text: &str,
    name: &str,
) -> Result<Vec<Assignment>, ParseFailure> {
    let mut found = match format {
        ConfigFormat::Dotenv => dotenv(text, name),
        ConfigFormat::Shell => shell(text, name),
        ConfigFormat::Dockerfile => dockerfile(text, name),
        ConfigFormat::Yaml => tree(DataFormat::Yaml, text, name)?,
        ConfigFormat::Json => tree(DataFormat::Json, text, name)?,
        ConfigFormat::Toml => tree(DataFormat::Toml, text, name)?,
    };
    found.sort_by_key(|a| (a.line, a.column));
    Ok(found)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagState {
    Off,
    On,
    Unknown,
}

/// Case-insensitive, after stripping quotes and blanks (from the value and from
/// each listed word): a value in `off` → Off, in `on` → On, anything else (or
/// a value in both lists) → Unknown. List `""` (or `''`) in `off` to treat an
/// empty value as off.
pub fn classify(value: &str, off: &[String], on: &[String]) -> FlagState {
    let v = normalise(value);
    let is_off = off.iter().any(|o| normalise(o) == v);
    let is_on = on.iter().any(|o| normalise(o) == v);
    match (is_off, is_on) {
        (true, false) => FlagState::Off,
        (false, true) => FlagState::On,
        _ => FlagState::Unknown,
    }
}

fn normalise(s: &str) -> String {
    strip_quotes_and_blanks(s).to_lowercase()
}

/// Surrounding blanks, then matching surrounding quotes, repeatedly.
fn strip_quotes_and_blanks(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let stripped = s
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')));
        match stripped {
            Some(inner) => s = inner.trim(),
            None => return s,
        }
    }
}

/// Physical lines: 1-based number and text without `\n` / `\r\n`.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn column_of(line: &str, byte: usize) -> usize {
    line.get(..byte).map_or(0, |p| p.chars().count()) + 1
}

// ---------------------------------------------------------------------------
// dotenv

fn dotenv(text: &str, name: &str) -> Vec<Assignment> {
    let mut found = Vec::new();
    if name.is_empty() {
        return found;
    }
    for (number, line) in lines(text) {
        let mut rest = line
            .trim_start_matches('\u{feff}')
            .trim_start_matches(is_blank);
        if rest.starts_with('#') {
            continue;
        }
        if let Some(r) = rest.strip_prefix("export")
            && r.starts_with(is_blank)
        {
            rest = r.trim_start_matches(is_blank);
        }
        let name_at = line.len() - rest.len();
        let Some(after) = rest.strip_prefix(name) else {
            continue;
        };
        let Some(value) = after.trim_start_matches(is_blank).strip_prefix('=') else {
            continue;
        };
        found.push(Assignment {
            value: dotenv_value(value),
            raw: line.trim().to_owned(),
            line: number,
            column: column_of(line, name_at),
        });
    }
    found
}

fn dotenv_value(v: &str) -> String {
    let v = v.trim_start_matches(is_blank);
    if let Some(body) = v.strip_prefix('\'') {
        return match body.find('\'') {
            Some(end) => body[..end].trim().to_owned(),
            None => body.trim().to_owned(),
        };
    }
    if let Some(body) = v.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some(e @ ('"' | '\\')) => out.push(e),
                    Some(e) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        return out.trim().to_owned();
    }
    // A bare value ends where a comment starts: a `#` after a blank.
    let mut end = v.len();
    let mut prev_blank = false;
    for (i, c) in v.char_indices() {
        if c == '#' && prev_blank {
            end = i;
            break;
        }
        prev_blank = is_blank(c);
    }
    strip_quotes_and_blanks(&v[..end]).to_owned()
}

// ---------------------------------------------------------------------------
// Logical lines (continuations joined), every character keeping its position.

#[derive(Debug, Clone, Copy)]
struct Pc {
    c: char,
    line: usize,
    column: usize,
}

fn positioned(line: &str, number: usize) -> impl Iterator<Item = Pc> + '_ {
    line.chars().enumerate().map(move |(i, c)| Pc {
        c,
        line: number,
        column: i + 1,
    })
}

/// Drops trailing blanks; if the line then ends with an odd run of `escape`,
/// drops that one escape and says the line continues.
fn strip_continuation(chars: &mut Vec<Pc>, escape: char) -> bool {
    while chars.last().is_some_and(|p| is_blank(p.c)) {
        chars.pop();
    }
    let run = chars.iter().rev().take_while(|p| p.c == escape).count();
    if run % 2 == 1 {
        chars.pop();
        true
    } else {
        false
    }
}

fn text_of(chars: &[Pc]) -> String {
    chars.iter().map(|p| p.c).collect()
}

// ---------------------------------------------------------------------------
// shell

fn shell(text: &str, name: &str) -> Vec<Assignment> {
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

fn located(at: Pc, value: String, physical: &[&str]) -> Assignment {
    Assignment {
        value,
        raw: physical
            .get(at.line - 1)
            .map_or(String::new(), |l| l.trim().to_owned()),
        line: at.line,
        column: at.column,
    }
}

// ---------------------------------------------------------------------------
// Dockerfile

fn dockerfile(text: &str, name: &str) -> Vec<Assignment> {
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

// ---------------------------------------------------------------------------
// YAML / JSON / TOML

fn tree(format: DataFormat, text: &str, name: &str) -> Result<Vec<Assignment>, ParseFailure> {
    let docs = structured::parse_for_name(format, text, name)?;
    let locator = Locator::new(text);
    let mut found = Vec::new();
    if name.is_empty() {
        return Ok(found);
    }
    let item_prefix = format!("{name}=");
    let mut walker = Walker {
        name,
        item_prefix: &item_prefix,
        locator: &locator,
        found: &mut found,
    };
    for doc in &docs {
        walker.walk(doc);
    }
    Ok(found)
}

struct Walker<'a> {
    name: &'a str,
    item_prefix: &'a str,
    locator: &'a Locator<'a>,
    found: &'a mut Vec<Assignment>,
}

fn value_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Object(_) => "<mapping>".to_owned(),
        NodeKind::Array(_) => "<sequence>".to_owned(),
        _ => node
            .scalar_text()
            .map_or(String::new(), |s| s.trim().to_owned()),
    }
}

impl Walker<'_> {
    fn push(&mut self, line: usize, column: usize, value: String) {
        self.found.push(Assignment {
            value,
            raw: self.locator.line_text(line).trim().to_owned(),
            line,
            column,
        });
    }

    fn walk(&mut self, node: &Node) {
        match &node.kind {
            NodeKind::Object(members) => {
                for m in members {
                    if m.key == self.name {
                        self.push(m.line, m.column, value_text(&m.value));
                    }
                }
                let named = members
                    .iter()
                    .find(|m| m.key == "name")
                    .filter(|m| matches!(&m.value.kind, NodeKind::Str(s) if s == self.name));
                if let Some(n) = named {
                    let value = match members.iter().find(|m| m.key == "value") {
                        Some(v) => value_text(&v.value),
                        None if members.iter().any(|m| m.key == "valueFrom") => {
                            "<valueFrom>".to_owned()
                        }
                        None => "<no value>".to_owned(),
                    };
                    self.push(n.value.line, n.value.column, value);
                }
                for m in members {
                    self.walk(&m.value);
                }
            }
            NodeKind::Array(items) => {
                for item in items {
                    if let NodeKind::Str(s) = &item.kind
                        && let Some(value) = s.trim_start().strip_prefix(self.item_prefix)
                    {
                        let column = self.name_column(item);
                        self.push(item.line, column, strip_quotes_and_blanks(value).to_owned());
                    }
                    self.walk(item);
                }
            }
            _ => {}
        }
    }

    /// A quoted string item starts at its quote; the name one character later.
    fn name_column(&self, item: &Node) -> usize {
        let line = self.locator.line_text(item.line);
        match line.chars().nth(item.column - 1) {
            Some('"' | '\'') => item.column + 1,
            _ => item.column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAG: &str = "BILLING_GATEWAY_ENABLE_REAL";

    fn find(format: ConfigFormat, text: &str) -> Vec<Assignment> {
        find_assignments(format, text, FLAG).unwrap()
    }

    /// (value, line, column) of every assignment.
    fn vlc(format: ConfigFormat, text: &str) -> Vec<(String, usize, usize)> {
        find(format, text)
            .into_iter()
            .map(|a| (a.value, a.line, a.column))
            .collect()
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn state(value: &str) -> FlagState {
        classify(
            value,
            &words(&["0", "false", "no", "off", "''"]),
            &words(&["1", "true", "yes", "on"]),
        )
    }

    /// The values every form is tried with, and what `state` makes of them.
    const VALUES: &[(&str, &str, FlagState)] = &[
        // (as written, normalised value, classification)
        ("0", "0", FlagState::Off),
        ("false", "false", FlagState::Off),
        ("\"no\"", "no", FlagState::Off),
        ("off", "off", FlagState::Off),
        ("''", "", FlagState::Off),
        ("1", "1", FlagState::On),
        ("true", "true", FlagState::On),
        ("yes", "yes", FlagState::On),
        ("on", "on", FlagState::On),
        ("${REAL}", "${REAL}", FlagState::Unknown),
        ("maybe", "maybe", FlagState::Unknown),
    ];

    #[test]
    fn formats_by_path() {
        use ConfigFormat::*;
        for (path, format) in [
            (".env", Some(Dotenv)),
            ("config/.env.production", Some(Dotenv)),
            ("config/production.env", Some(Dotenv)),
            ("scripts/run.sh", Some(Shell)),
            ("Dockerfile", Some(Dockerfile)),
            ("docker/Dockerfile.prod", Some(Dockerfile)),
            ("api.dockerfile", Some(Dockerfile)),
            ("dockerfile", Some(Dockerfile)),
            ("a/b.yml", Some(Yaml)),
            ("a/b.YAML", Some(Yaml)),
            ("package.json", Some(Json)),
            ("Cargo.toml", Some(Toml)),
            ("README.md", None),
            ("environment", None),
            ("venv", None),
        ] {
            assert_eq!(config_format_for_path(path), format, "{path}");
        }
    }

    #[test]
    fn classify_values() {
        for (written, _, expected) in VALUES {
            assert_eq!(state(written), *expected, "{written}");
        }
        assert_eq!(state(" OFF "), FlagState::Off);
        assert_eq!(state("'True'"), FlagState::On);
        assert_eq!(state(""), FlagState::Off);
        assert_eq!(state("<valueFrom>"), FlagState::Unknown);
        assert_eq!(
            classify("x", &words(&["x"]), &words(&["X"])),
            FlagState::Unknown
        );
    }

    #[test]
    fn dotenv_forms() {
        for (written, value, expected) in VALUES {
            for (line, column) in [
                (format!("{FLAG}={written}"), 1),
                (format!("export {FLAG}={written}"), 8),
                (format!("{FLAG} = {written}"), 1),
                (format!("  {FLAG}={written}   # a comment"), 3),
            ] {
                let text = format!("# head\n{line}\n");
                let got = vlc(ConfigFormat::Dotenv, &text);
                assert_eq!(got, [((*value).to_owned(), 2, column)], "{line}");
                assert_eq!(state(&got[0].0), *expected, "{line}");
            }
        }
        assert_eq!(
            vlc(ConfigFormat::Dotenv, &format!("{FLAG}=")),
            [(String::new(), 1, 1)]
        );
        assert_eq!(
            vlc(
                ConfigFormat::Dotenv,
                &format!("{FLAG}=\"a # b\" # c\n{FLAG}=a#b\n{FLAG}='x\n")
            ),
            [
                ("a # b".to_owned(), 1, 1),
                ("a#b".to_owned(), 2, 1),
                ("x".to_owned(), 3, 1)
            ]
        );
    }

    #[test]
    fn reference_production_env() {
        let text = "# Payments provider\nBILLING_GATEWAY_URL=https://psp.example.com\nBILLING_GATEWAY_ENABLE_REAL=0   # desligado até aprovação do steering\n";
        let found = find(ConfigFormat::Dotenv, text);
        assert_eq!(
            found,
            [Assignment {
                value: "0".into(),
                raw: "BILLING_GATEWAY_ENABLE_REAL=0   # desligado até aprovação do steering".into(),
                line: 3,
                column: 1,
            }]
        );
        assert_eq!(state(&found[0].value), FlagState::Off);
    }

    #[test]
    fn mentions_are_not_assignments() {
        let dotenv = format!(
            "# {FLAG}=1\n   # {FLAG}=1\n{FLAG}_OLD=1\nOTHER=${{{FLAG}}}\nX_{FLAG}=1\nset {FLAG}=1 to enable\n"
        );
        assert!(find(ConfigFormat::Dotenv, &dotenv).is_empty());
        let sh = format!(
            "# {FLAG}=1\necho \"{FLAG}=1\"\necho ${{{FLAG}}}\n{FLAG}_OLD=1\nif [ \"${FLAG}\" = 1 ]; then :; fi\nexport {FLAG}\nrun --{FLAG}=1\n"
        );
        assert!(find(ConfigFormat::Shell, &sh).is_empty());
        let docker = format!(
            "# ENV {FLAG}=1\nRUN echo {FLAG}=1\nENV {FLAG}_OLD=1\nARG {FLAG}\nLABEL {FLAG}=1\n"
        );
        assert!(find(ConfigFormat::Dockerfile, &docker).is_empty());
        let yaml = format!(
            "# {FLAG}: 1\nnote: \"set {FLAG}=1 to enable\"\n{FLAG}_OLD: 1\nlist:\n  - set {FLAG}=1\n  - {FLAG}_OLD=1\nname: {FLAG}\n"
        );
        // `name: FLAG` without `value` is reported (unknown), everything else is not.
        assert_eq!(
            vlc(ConfigFormat::Yaml, &yaml),
            [("<no value>".to_owned(), 7, 7)]
        );
        let json = format!(
            "{{\"note\": \"set {FLAG}=1 to enable\", \"{FLAG}_OLD\": 1, \"l\": [\"x {FLAG}=1\"]}}"
        );
        assert!(find(ConfigFormat::Json, &json).is_empty());
        let toml = format!("# {FLAG} = 1\nnote = \"{FLAG} = 1\"\n{FLAG}_OLD = 1\n");
        assert!(find(ConfigFormat::Toml, &toml).is_empty());
    }

    #[test]
    fn shell_forms() {
        for (written, value, _) in VALUES {
            for (line, column) in [
                (format!("{FLAG}={written}"), 1),
                (format!("export {FLAG}={written}"), 8),
                (format!("    export {FLAG}={written}"), 12),
                (format!("declare -x {FLAG}={written}"), 12),
                (format!("{FLAG}={written} ./run.sh"), 1),
                (format!("cd /x && {FLAG}={written} ./run"), 10),
                (format!("A=1 {FLAG}={written}  # comment"), 5),
                (format!("then export A {FLAG}={written}"), 15),
            ] {
                let text = format!("#!/bin/sh\n{line}\n");
                assert_eq!(
                    vlc(ConfigFormat::Shell, &text),
                    [((*value).to_owned(), 2, column)],
                    "{line}"
                );
            }
        }
        assert_eq!(
            vlc(
                ConfigFormat::Shell,
                &format!("{FLAG}=\"$(cat f) x\"\n{FLAG}=${{A:-0}}\n")
            ),
            [
                ("$(cat f) x".to_owned(), 1, 1),
                ("${A:-0}".to_owned(), 2, 1)
            ]
        );
        assert_eq!(
            vlc(ConfigFormat::Shell, &format!("export A=1 \\\n  {FLAG}=0\n")),
            [("0".to_owned(), 2, 3)]
        );
        // Only leading words assign: an argument after the command does not.
        assert!(find(ConfigFormat::Shell, &format!("./run {FLAG}=1\n")).is_empty());
    }

    #[test]
    fn dockerfile_forms() {
        for (written, value, _) in VALUES {
            for (line, column) in [
                (format!("ENV {FLAG}={written}"), 5),
                (format!("env A=1 {FLAG}={written}"), 9),
                (format!("ENV {FLAG} {written}"), 5),
                (format!("ARG {FLAG}={written}"), 5),
            ] {
                let text = format!("FROM alpine\n# note\n{line}\n");
                assert_eq!(
                    vlc(ConfigFormat::Dockerfile, &text),
                    [((*value).to_owned(), 3, column)],
                    "{line}"
                );
            }
        }
        assert_eq!(
            vlc(
                ConfigFormat::Dockerfile,
                &format!(
                    "ENV {FLAG} \"a b\"  \nENV A=1 \\\n  # c\n    {FLAG}=\"x y\" \\\n    B=2\n"
                )
            ),
            [("a b".to_owned(), 1, 5), ("x y".to_owned(), 4, 5)]
        );
        assert_eq!(
            vlc(
                ConfigFormat::Dockerfile,
                &format!("# escape=`\nFROM x\nENV A=1 `\n  {FLAG}=0\n")
            ),
            [("0".to_owned(), 4, 3)]
        );
    }

    #[test]
    fn yaml_forms() {
        for (written, value, expected) in VALUES {
            // YAML scalars as written (`''` is YAML's empty string).
            let w = *written;
            let quoted_w = if w.contains('"') || w.contains('\'') {
                w.to_owned()
            } else {
                format!("\"{w}\"")
            };
            let cases = [
                (format!("env:\n  {FLAG}: {w}\n"), 2, 3),
                (
                    format!("spec:\n  env:\n    - name: {FLAG}\n      value: {quoted_w}\n"),
                    3,
                    13,
                ),
                (
                    format!(
                        "services:\n  api:\n    environment:\n      - {FLAG}={}\n",
                        written.trim_matches('"')
                    ),
                    4,
                    9,
                ),
            ];
            for (text, line, column) in cases {
                let got = vlc(ConfigFormat::Yaml, &text);
                assert_eq!(got, [((*value).to_owned(), line, column)], "{text}");
                assert_eq!(state(&got[0].0), *expected, "{text}");
            }
        }
        assert_eq!(
            vlc(
                ConfigFormat::Yaml,
                &format!("a:\n  {FLAG}:\n    nested: 1\nb:\n  {FLAG}: ~\nc:\n  - \"{FLAG}=0\"\n")
            ),
            [
                ("<mapping>".to_owned(), 2, 3),
                (String::new(), 5, 3),
                ("0".to_owned(), 7, 6)
            ]
        );
        assert_eq!(
            vlc(
                ConfigFormat::Yaml,
                &format!(
                    "env:\n  - name: {FLAG}\n    valueFrom:\n      secretKeyRef: {{name: s, key: k}}\n"
                )
            ),
            [("<valueFrom>".to_owned(), 2, 11)]
        );
    }

    #[test]
    fn yaml_every_document() {
        let text = format!(
            "kind: ConfigMap\ndata:\n  OTHER: x\n---\nkind: ConfigMap\ndata:\n  {FLAG}: \"1\"\n"
        );
        assert_eq!(vlc(ConfigFormat::Yaml, &text), [("1".to_owned(), 7, 3)]);
    }

    #[test]
    fn reference_yaml_files() {
        let staging = "billing:\n  gateway:\n    url: https://sandbox.psp.example.com\nenv:\n  BILLING_GATEWAY_ENABLE_REAL: \"false\"\n";
        let found = find(ConfigFormat::Yaml, staging);
        assert_eq!(
            found,
            [Assignment {
                value: "false".into(),
                raw: "BILLING_GATEWAY_ENABLE_REAL: \"false\"".into(),
                line: 5,
                column: 3,
            }]
        );

        let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: billing-gateway\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/billing-gateway:2024-07-15\n          env:\n            - name: BILLING_GATEWAY_ENABLE_REAL\n              value: \"0\"\n            - name: LOG_LEVEL\n              value: info\n";
        let found = find(ConfigFormat::Yaml, k8s);
        assert_eq!(
            found,
            [Assignment {
                value: "0".into(),
                raw: "- name: BILLING_GATEWAY_ENABLE_REAL".into(),
                line: 12,
                column: 21,
            }]
        );

        let workflow = "name: release\non:\n  pull_request:\n    paths: [\"releases/**\"]\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    env:\n      BILLING_GATEWAY_ENABLE_REAL: 0\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n";
        let found = find(ConfigFormat::Yaml, workflow);
        assert_eq!(
            found,
            [Assignment {
                value: "0".into(),
                raw: "BILLING_GATEWAY_ENABLE_REAL: 0".into(),
                line: 9,
                column: 7,
            }]
        );
        for a in [staging, k8s, workflow] {
            assert_eq!(state(&find(ConfigFormat::Yaml, a)[0].value), FlagState::Off);
        }
    }

    #[test]
    fn json_forms() {
        for (written, value, expected) in VALUES {
            // JSON has no bare words: everything but numbers and booleans is a string.
            let json_value = match *written {
                "0" | "1" | "true" | "false" => (*written).to_owned(),
                "''" => "\"\"".to_owned(),
                w if w.starts_with('"') => w.to_owned(),
                w => format!("\"{w}\""),
            };
            let item = format!("\"{FLAG}={}\"", json_value.trim_matches('"'));
            let text = format!(
                "{{\n  \"a\": {{\"{FLAG}\": {json_value}}},\n  \"env\": [{{\"name\": \"{FLAG}\", \"value\": {json_value}}}],\n  \"list\": [{item}]\n}}\n"
            );
            let got = vlc(ConfigFormat::Json, &text);
            assert_eq!(
                got,
                [
                    ((*value).to_owned(), 2, 9),
                    ((*value).to_owned(), 3, 20),
                    ((*value).to_owned(), 4, 13),
                ],
                "{text}"
            );
            assert!(got.iter().all(|g| state(&g.0) == *expected), "{text}");
        }
        assert_eq!(
            vlc(
                ConfigFormat::Json,
                &format!("{{\"{FLAG}\": null, \"x\": {{\"{FLAG}\": [1]}}}}")
            ),
            [(String::new(), 1, 2), ("<sequence>".to_owned(), 1, 45)]
        );
    }

    #[test]
    fn toml_forms() {
        for (written, value, expected) in VALUES {
            let toml_value = match *written {
                "0" | "1" | "true" | "false" => (*written).to_owned(),
                w if w.starts_with('"') || w.starts_with('\'') => w.to_owned(),
                w => format!("\"{w}\""),
            };
            let text = format!(
                "{FLAG} = {toml_value}\n[server.env]\n{FLAG} = {toml_value}\n[[jobs]]\nname = \"a\"\nenv = [\"{FLAG}={}\"]\n",
                toml_value.trim_matches(['"', '\''])
            );
            let got = vlc(ConfigFormat::Toml, &text);
            assert_eq!(
                got,
                [
                    ((*value).to_owned(), 1, 1),
                    ((*value).to_owned(), 3, 1),
                    ((*value).to_owned(), 6, 9),
                ],
                "{text}"
            );
            assert!(got.iter().all(|g| state(&g.0) == *expected), "{text}");
        }
        assert_eq!(
            vlc(
                ConfigFormat::Toml,
                &format!("a.b.{FLAG} = 0\n[[t]]\n[t.env]\n{FLAG} = 1\n")
            ),
            [("0".to_owned(), 1, 5), ("1".to_owned(), 4, 1)]
        );
    }

    #[test]
    fn broken_files_fail_with_position() {
        let e = find_assignments(
            ConfigFormat::Yaml,
            &format!("a: 1\n{FLAG}: 0\n  b: [\n"),
            FLAG,
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = find_assignments(
            ConfigFormat::Json,
            &format!("{{\n  \"{FLAG}\": 0\n  \"x\": 1\n}}"),
            FLAG,
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 3), "{e}");
        let e =
            find_assignments(ConfigFormat::Toml, &format!("{FLAG} = 0\n[x\n"), FLAG).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        // A duplicated key must not let one reader see 0 and another 1.
        let e = find_assignments(ConfigFormat::Yaml, &format!("{FLAG}: 0\n{FLAG}: 1\n"), FLAG)
            .unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
