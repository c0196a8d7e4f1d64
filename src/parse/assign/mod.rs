//! Where a named configuration setting is assigned, in any of the config file
//! formats a repository uses (dotenv, shell, Dockerfile, YAML, JSON, TOML).
//!
//! Why: a policy such as "the real payment gateway stays disabled" must find
//! every place that sets a flag, and tell an assignment from a mere mention.
//! A comment, a sentence, a longer name (`NAME_OLD`) or a `${NAME}` use is not
//! an assignment; only the forms below are. Nothing is specific to any flag:
//! the name is a parameter and the on/off vocabularies are the caller's.
//!
//! Each format has its own reader, which reads the file as the program that
//! loads it does, and says "unknown" (with the reason) where the text alone
//! does not tell the value:
//! - dotenv (`dotenv.rs`): as python-dotenv, Node's dotenv and godotenv read
//!   it; where they disagree, unknown.
//! - shell (`shell/`): every mention of the name is an assignment with a
//!   value, provably harmless, or unknown (`eval NAME=1`).
//! - Dockerfile (`dockerfile.rs`): `ENV NAME=VALUE` (several pairs per line),
//!   legacy `ENV NAME VALUE`, `ARG NAME=VALUE` (`ARG NAME` without a default
//!   is a declaration, not an assignment); `RUN`/`CMD`/`ENTRYPOINT` through
//!   the shell reader; keywords case-insensitive; continuation lines and the
//!   `# escape=` directive honoured.
//! - YAML (every document), JSON, TOML, at any depth: a key `NAME`; an object
//!   `{name: NAME, value: VALUE}` (Kubernetes/ECS env lists; without `value`
//!   the value is `<valueFrom>` or `<no value>`, i.e. unknown); a string array
//!   item `NAME=VALUE` (Compose `environment:` lists). A mapping or sequence as
//!   the value reads `<mapping>` / `<sequence>`. YAML is read off the parser's
//!   events when they hold nothing unusual (`yaml_events.rs`), else through the
//!   value tree (`tree.rs`), with the same results.
//!
//! Malformed YAML/JSON/TOML is a [`ParseFailure`] with its position: a gate
//! must not conclude "never assigned" from a file it could not read.

mod dockerfile;
mod dotenv;
mod shell;
mod tree;
mod yaml_events;

use super::structured::{self, DataFormat, ParseFailure};

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
    // Compared whatever the case, without a lower-case copy: every listed file passes here.
    let n = name.as_bytes();
    let starts = |p: &str| n.len() >= p.len() && n[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    let ends =
        |s: &str| n.len() >= s.len() && n[n.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes());
    if starts(".env.") || ends(".env") {
        return Some(ConfigFormat::Dotenv);
    }
    if name.eq_ignore_ascii_case("dockerfile") || starts("dockerfile.") || ends(".dockerfile") {
        return Some(ConfigFormat::Dockerfile);
    }
    if ends(".sh") {
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
    /// The value the program sees, as the format's own reader reads it (one
    /// level of quotes removed, escapes decoded, nothing expanded); YAML/JSON/
    /// TOML scalars as text (`true`, `false`, `1`, `0`), null as `""`; a
    /// mapping or sequence as `<mapping>` / `<sequence>`; a name/value object
    /// without a value as `<valueFrom>` / `<no value>`.
    pub value: String,
    /// The source line (where the name is), trimmed.
    pub raw: String,
    /// 1-based line of the name.
    pub line: usize,
    /// 1-based column (characters) where the name starts; for a name/value
    /// object, where the `name` value starts.
    pub column: usize,
    /// Set when the text does not say what value the setting gets here
    /// (`eval NAME=1`, `docker run -e NAME`, a dotenv `${VAR}`): why, in a
    /// sentence. The setting is unknown here whatever `value` says.
    pub unknown: Option<String>,
}

/// Every assignment of `name` in `text`, in source order.
pub fn find_assignments(
    format: ConfigFormat,
    text: &str,
    name: &str,
) -> Result<Vec<Assignment>, ParseFailure> {
    let mut found = match format {
        ConfigFormat::Dotenv => dotenv::dotenv(text, name),
        ConfigFormat::Shell => shell::shell(text, name),
        ConfigFormat::Dockerfile => dockerfile::dockerfile(text, name),
        ConfigFormat::Yaml => tree::tree(DataFormat::Yaml, text, name)?,
        ConfigFormat::Json => tree::tree(DataFormat::Json, text, name)?,
        ConfigFormat::Toml => tree::tree(DataFormat::Toml, text, name)?,
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

/// Case-insensitive; the value exactly as read (its quotes and blanks are
/// part of what the program sees: `'0'` is not `0`), each listed word with
/// surrounding blanks and quotes stripped: a value in `off` → Off, in `on` →
/// On, anything else (or a value in both lists) → Unknown. List `""` (or `''`)
/// in `off` to treat an empty value as off.
pub fn classify(value: &str, off: &[String], on: &[String]) -> FlagState {
    let v = value.to_lowercase();
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
pub(super) fn strip_quotes_and_blanks(s: &str) -> &str {
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
pub(super) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
}

pub(super) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

// ---------------------------------------------------------------------------
// Logical lines (continuations joined), every character keeping its position.

#[derive(Debug, Clone, Copy)]
pub(super) struct Pc {
    pub(super) c: char,
    pub(super) line: usize,
    pub(super) column: usize,
}

pub(super) fn positioned(line: &str, number: usize) -> impl Iterator<Item = Pc> + '_ {
    line.chars().enumerate().map(move |(i, c)| Pc {
        c,
        line: number,
        column: i + 1,
    })
}

/// Drops trailing blanks; if the line then ends with an odd run of `escape`,
/// drops that one escape and says the line continues.
pub(super) fn strip_continuation(chars: &mut Vec<Pc>, escape: char) -> bool {
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

pub(super) fn text_of(chars: &[Pc]) -> String {
    chars.iter().map(|p| p.c).collect()
}

pub(super) fn located(at: Pc, value: String, physical: &[&str]) -> Assignment {
    Assignment {
        value,
        raw: physical
            .get(at.line - 1)
            .map_or(String::new(), |l| l.trim().to_owned()),
        line: at.line,
        column: at.column,
        unknown: None,
    }
}

#[cfg(test)]
mod dotenv_corpus;
#[cfg(test)]
mod tests;
