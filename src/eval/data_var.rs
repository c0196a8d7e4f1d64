//! Variables read from data files: `data: {file: pyproject.toml, path: project.version}`.
//!
//! The value is the scalar at a dotted path of a JSON, YAML or TOML file (the same
//! readers as the `data` check). When the file is missing, does not parse, or has no
//! scalar at the path, the variable has no value and the reason says where
//! (`pyproject.toml:2:1: 'project' has no key 'version'`), so every policy that
//! needs it fails with that reason.

use crate::parse::structured::{self, Kind, Value};
use crate::repo::{ReadError, View};

/// A value read from a data file, with the line and column it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub value: String,
    pub line: usize,
    pub column: usize,
}

/// Why a data file gave no value: absent (the file or a key of the path does not
/// exist, which `default:` covers), or broken (it does not parse, is not a scalar…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Missing {
    Absent(String),
    Broken(String),
}

impl Missing {
    pub(crate) fn reason(&self) -> &str {
        match self {
            Missing::Absent(r) | Missing::Broken(r) => r,
        }
    }
}

/// The text of the scalar at `path` in `file` and where it is, or why there is none
/// (and whether an absence is the reason).
pub(crate) fn read_at(view: &dyn View, file: &str, path: &str) -> Result<Found, Missing> {
    let Some(format) = structured::data_format_for_path(file) else {
        return Err(Missing::Broken(format!(
            "cannot tell the format of {file} from its name (a data variable reads .json, .yml, .yaml or .toml)"
        )));
    };
    let content = view.read(file).map_err(|e| match e {
        ReadError::NotFound { .. } => Missing::Absent(format!("{file} does not exist")),
        e => Missing::Broken(format!("{file}: {e}")),
    })?;
    let text = content.text().map_err(|e| {
        let (line, column) = content.line_col(e.valid_up_to());
        Missing::Broken(format!("{file}:{line}:{column}: not valid UTF-8"))
    })?;
    let docs = structured::parse(format, text)
        .map_err(|e| Missing::Broken(format!("{file}:{}:{}: {}", e.line, e.column, e.message)))?;
    let Some(doc) = docs.first() else {
        return Err(Missing::Broken(format!("{file} holds no document")));
    };
    lookup(file, doc, path)
}

/// Walks the dotted path one segment at a time, so a missing key is reported at the
/// deepest value that exists.
fn lookup(file: &str, doc: &Value, path: &str) -> Result<Found, Missing> {
    let path = path.strip_prefix('.').unwrap_or(path);
    let mut current = doc;
    let mut walked = String::new();
    for segment in path.split('.').filter(|_| !path.is_empty()) {
        let here = if walked.is_empty() {
            "the document".to_string()
        } else {
            format!("'{walked}'")
        };
        let next = match &current.kind {
            Kind::Object(_) => current.get(segment),
            Kind::Array(_) => current.at(segment),
            _ => None,
        };
        let Some(next) = next else {
            let (what, absent) = match &current.kind {
                Kind::Object(_) => (format!("{here} has no key '{segment}'"), true),
                Kind::Array(items) => (
                    format!(
                        "{here} has no element '{segment}' (it has {} elements)",
                        items.len()
                    ),
                    true,
                ),
                _ => (
                    format!("{here} is a {}, not a mapping", current.type_name()),
                    false,
                ),
            };
            let reason = format!(
                "{file}:{}:{}: {what} (looking for '{path}')",
                current.span.line, current.span.column
            );
            return Err(if absent {
                Missing::Absent(reason)
            } else {
                Missing::Broken(reason)
            });
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        current = next;
    }
    match &current.kind {
        Kind::Array(_) | Kind::Object(_) | Kind::Null => Err(Missing::Broken(format!(
            "{file}:{}:{}: '{path}' is {}, not a string, number or boolean",
            current.span.line,
            current.span.column,
            match current.kind {
                Kind::Null => "null",
                Kind::Array(_) => "an array",
                _ => "a mapping",
            }
        ))),
        _ => current
            .scalar_text()
            .map(|value| Found {
                value,
                line: current.span.line,
                column: current.span.column,
            })
            .ok_or_else(|| Missing::Broken(format!("{file}: '{path}' has no value"))),
    }
}

#[cfg(test)]
mod tests {
    use super::{Missing, read_at};
    use crate::repo::View;
    use crate::repo::{SourceKind, memory::MemoryView};

    fn read(view: &dyn View, file: &str, path: &str) -> Result<String, String> {
        read_at(view, file, path)
            .map(|f| f.value)
            .map_err(|m| m.reason().to_string())
    }

    #[test]
    fn absence_is_told_apart_from_a_broken_file() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file("Chart.yaml", "name: a\nversion: 1.2.3\n")
            .file("bad.json", "{\"version\": }");
        let found = read_at(&view, "Chart.yaml", "version").unwrap();
        assert_eq!(
            (found.value.as_str(), found.line, found.column),
            ("1.2.3", 2, 10)
        );
        assert!(matches!(
            read_at(&view, "Chart.yaml", "appVersion"),
            Err(Missing::Absent(_))
        ));
        assert!(matches!(
            read_at(&view, "none.yaml", "version"),
            Err(Missing::Absent(_))
        ));
        assert!(matches!(
            read_at(&view, "bad.json", "version"),
            Err(Missing::Broken(_))
        ));
        assert!(matches!(
            read_at(&view, "Chart.yaml", "name.x"),
            Err(Missing::Broken(_))
        ));
    }

    #[test]
    fn values_and_located_reasons() {
        let view = MemoryView::new(SourceKind::Worktree)
            .file(
                "pyproject.toml",
                "[project]\nname = \"lib\"\nversion = \"1.4.0\"\n",
            )
            .file(
                "package.json",
                "{\"version\": \"2.0.1\", \"n\": 3, \"a\": [1]}",
            )
            .file("c.yaml", "a:\n  b: [x, y]\n")
            .file("bad.json", "{\"version\": }");
        let r = |f: &str, p: &str| read(&view, f, p);
        assert_eq!(r("pyproject.toml", "project.version"), Ok("1.4.0".into()));
        assert_eq!(r("package.json", "version"), Ok("2.0.1".into()));
        assert_eq!(r("package.json", "n"), Ok("3".into()));
        assert_eq!(r("c.yaml", "a.b.1"), Ok("y".into()));
        assert_eq!(
            r("pyproject.toml", "project.versoin"),
            Err("pyproject.toml:1:1: 'project' has no key 'versoin' (looking for 'project.versoin')".into())
        );
        assert_eq!(
            r("c.yaml", "a.b.2"),
            Err(
                "c.yaml:2:6: 'a.b' has no element '2' (it has 2 elements) (looking for 'a.b.2')"
                    .into()
            )
        );
        assert_eq!(
            r("package.json", "a"),
            Err("package.json:1:35: 'a' is an array, not a string, number or boolean".into())
        );
        assert_eq!(
            r("Cargo.toml", "package.version"),
            Err("Cargo.toml does not exist".into())
        );
        assert!(
            r("bad.json", "version")
                .unwrap_err()
                .starts_with("bad.json:1:")
        );
        assert!(
            r("VERSION", "x")
                .unwrap_err()
                .contains("cannot tell the format")
        );
    }
}
