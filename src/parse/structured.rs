//! JSON, YAML and TOML documents as one value tree ([`Value`]) whose every
//! node and key keeps its [`Span`] (line, column, byte range): the entry point
//! that picks the reader by format and runs it safely. The policy language's
//! own YAML (policy files, test cases) is read here too
//! ([`parse_yaml_document`]), by the same YAML reader with the same budgets.
//!
//! The readers live one per format: [`super::json`] (by hand, strict, tested
//! against JSONTestSuite), [`super::yaml`] (serde-saphyr), [`super::toml`]
//! (`toml::de::DeTable`). Positions come from the shared [`super::lines`]
//! index; columns count characters (not bytes).
//!
//! Untrusted input: nothing here panics on any input, nesting is bounded (JSON
//! 128 levels; YAML 64 and its alias/size budgets; TOML 80 levels of headers
//! plus 80 of inline values), parsing runs on a thread whose stack fits those
//! limits, and every failure carries its position.

pub use super::lines::Locator;
pub use super::value::{Kind, Member, ParseFailure, Span, Value};
pub use super::yaml::Refused;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Json,
    Yaml,
    Toml,
}

/// The format a path's extension names: `.json`, `.yml`/`.yaml`, `.toml`
/// (case-insensitive).
pub fn data_format_for_path(path: &str) -> Option<DataFormat> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (_, ext) = name.rsplit_once('.')?;
    let is = |e: &str| ext.eq_ignore_ascii_case(e);
    if is("json") {
        Some(DataFormat::Json)
    } else if is("yml") || is("yaml") {
        Some(DataFormat::Yaml)
    } else if is("toml") {
        Some(DataFormat::Toml)
    } else {
        None
    }
}

/// Every document (YAML may hold several; JSON and TOML hold one). A key
/// repeated in a mapping is an error.
///
/// An empty or comment-only YAML file has no document (`Ok(vec![])`), and
/// YAML documents that are empty are skipped; an empty JSON text is an error;
/// an empty TOML file is one empty table.
pub fn parse(format: DataFormat, text: &str) -> Result<Vec<Value>, ParseFailure> {
    run(format, text, false)
}

/// Every document, read for what it says about the setting `name`: a repeated
/// key is an error only where it could change what the document says about
/// `name` (the key contains the name, either of its values mentions it, or it
/// is `name`/`value`/`valueFrom` of a mapping that mentions it). Elsewhere both
/// entries are kept, in source order: which one a program keeps does not
/// matter to `name`.
pub fn parse_for_name(
    format: DataFormat,
    text: &str,
    name: &str,
) -> Result<Vec<Value>, ParseFailure> {
    let docs = run(format, text, true)?;
    let mut relevant: Vec<ParseFailure> = Vec::new();
    for doc in &docs {
        for (members, first, repeat) in doc.duplicates() {
            let (a, b) = (&members[first], &members[repeat]);
            let matters = name.is_empty()
                || a.key.contains(name)
                || a.value.mentions(name)
                || b.value.mentions(name)
                || matches!(a.key.as_str(), "name" | "value" | "valueFrom")
                    && members
                        .iter()
                        .any(|m| m.key == "name" && m.value.mentions(name));
            if matters {
                relevant.push(ParseFailure {
                    message: format!(
                        "duplicate key {:?} (first at line {}): which one a program keeps decides {name}",
                        b.key, a.key_span.line
                    ),
                    line: b.key_span.line,
                    column: b.key_span.column,
                });
            }
        }
    }
    match relevant.into_iter().min_by_key(|e| (e.line, e.column)) {
        Some(e) => Err(e),
        None => Ok(docs),
    }
}

/// A document that does not parse, moved to where it names `name` (what the
/// reader of a flag finding looks for), saying where the parser stopped; left
/// at the parser's position when the name is not spelled out.
pub fn at_the_name(e: ParseFailure, text: &str, name: &str) -> ParseFailure {
    let Some(at) = super::narrow::first_spelling(text.as_bytes(), name) else {
        return e;
    };
    let (line, column) = Locator::new(text).locate(at);
    if line == e.line {
        return e;
    }
    ParseFailure {
        message: format!(
            "{} (at line {}, column {}); it names {name} at line {line}",
            e.message, e.line, e.column
        ),
        line,
        column,
    }
}

/// The parsers recurse once per nesting level. serde-saphyr's frames are large
/// (about 45 KiB a level in a debug build: 50 levels overflow a 2 MiB thread
/// stack, and a stack overflow aborts the whole process). So every parse runs
/// on its own thread with a stack sized for the nesting limits; the memory is
/// only reserved, pages are committed when touched. A panic inside a parser
/// library becomes a `ParseFailure` instead of unwinding into the caller.
pub const PARSER_STACK_SIZE: usize = 64 * 1024 * 1024;

thread_local! {
    static ON_BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Declares that the current thread was started with [`PARSER_STACK_SIZE`] of stack
/// (relgate's worker pool), so parsers run on it directly instead of spawning a
/// thread per file.
pub fn mark_big_stack_thread() {
    ON_BIG_STACK.with(|b| b.set(true));
}

/// The one YAML document of a policy file or a `relgate test` case
/// ([`super::yaml::parse_one`]: every entry of a mapping kept, for the caller
/// to report each repeated key), run like every other parse.
pub fn parse_yaml_document(text: &str) -> Result<Value, Refused> {
    let locator = Locator::new(text);
    on_parser_stack(
        || super::yaml::parse_one(text, &locator),
        |message| {
            Err(Refused {
                message,
                span: locator.span(0, 0),
                over_limit: false,
            })
        },
    )
}

fn run(format: DataFormat, text: &str, duplicates: bool) -> Result<Vec<Value>, ParseFailure> {
    let locator = Locator::new(text);
    let read = || {
        super::debug_panic(text);
        match format {
            DataFormat::Json => super::json::parse(text, &locator, duplicates).map(|n| vec![n]),
            DataFormat::Yaml => super::yaml::parse(text, &locator, duplicates),
            DataFormat::Toml => super::toml::parse(text, &locator).map(|n| vec![n]),
        }
    };
    on_parser_stack(read, |message| Err(locator.failure(0, message)))
}

/// Runs `read` on a stack of [`PARSER_STACK_SIZE`]; a panic inside it, or a
/// thread that cannot start, becomes `failed(why)`.
fn on_parser_stack<T: Send>(
    read: impl FnOnce() -> T + Send,
    failed: impl FnOnce(String) -> T,
) -> T {
    const CRASHED: &str = "the parser failed unexpectedly";
    if ON_BIG_STACK.with(std::cell::Cell::get) {
        return super::guarded(read).unwrap_or_else(|_| failed(CRASHED.to_owned()));
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("relgate-parse".to_owned())
            .stack_size(PARSER_STACK_SIZE)
            .spawn_scoped(scope, || super::guarded(read));
        match worker {
            Ok(handle) => match handle.join() {
                Ok(Ok(v)) => v,
                _ => failed(CRASHED.to_owned()),
            },
            Err(e) => failed(format!("cannot start the parser thread: {e}")),
        }
    })
}

#[cfg(test)]
pub(crate) mod tests;
