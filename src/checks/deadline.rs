//! `deadline`: for selected elements of a data file, a dated file is due within a window.

use super::KindSpec;
use super::data::{array_at, at, element, fields_equal, load, render_all};
use crate::eval::{At, Check, Cx, Eval, EvalError, Hit};
use crate::finding::Severity;
use crate::lang::error::Code;
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::template::{Template, no_escape};
use crate::parse::dates::{Moment, day_of, display_instant};
use crate::repo::EntryKind;
use jiff::civil::Date;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "deadline",
    summary: "For every selected element of a data file, a file named after a date is present, dated within a window after the element's date.",
    doc: include_str!("deadline.md"),
    params: &[
        Param {
            name: "file",
            ty: Ty::Path,
            required: true,
            doc: "The data file (JSON, YAML or TOML, by extension).",
        },
        Param {
            name: "path",
            ty: Ty::Text,
            required: false,
            doc: "Dotted path of the array in the file; empty or absent: the whole document.",
        },
        Param {
            name: "where",
            ty: Ty::FieldMap(&Ty::Text),
            required: false,
            doc: "Field → template: only elements with these values (compared as text); absent: every element.",
        },
        Param {
            name: "date_field",
            ty: Ty::Id,
            required: true,
            doc: "The element's field holding its date (RFC 3339 or `YYYY-MM-DD`).",
        },
        Param {
            name: "expect",
            ty: Ty::Text,
            required: true,
            doc: "The due file's path, with `{date}` once where its `YYYY-MM-DD` date goes; may use other `{var}`s.",
        },
        Param {
            name: "within",
            ty: Ty::Duration,
            required: true,
            doc: "How long after the element's date the file is due (`48h`, `2d`).",
        },
    ],
    shorthand: None,
    build,
};

const DATE: &str = "date";

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let file = f.path("file");
    let path = f.text("path");
    let filter = f.field_texts("where", &[]);
    let date_field = f.string("date_field");
    let expect = f.text_local("expect", &[DATE.to_string()]);
    let within = f.duration("within");
    if let Some(t) = &expect {
        let n = t.vars().filter(|v| *v == DATE).count();
        let probe = t.with_placeholder("x");
        let problem = if n != 1 {
            Some(format!(
                "'expect' must contain '{{date}}' exactly once (found {n}): it is where the file's date goes"
            ))
        } else if probe.contains(['*', '?', '[', '{']) {
            Some("'expect' is a path, not a glob: only '{date}' varies".to_string())
        } else if probe.starts_with('/') || probe.split('/').any(|c| c == "..") {
            Some("'expect' must be relative to the repository root, without '..'".to_string())
        } else {
            None
        };
        if let Some(msg) = problem {
            f.lx.error(Code::BadValue, t.span, msg).label = "here".into();
            return None;
        }
    }
    Some(Box::new(Deadline {
        file: file?,
        path,
        filter: filter.unwrap_or_default(),
        date_field: date_field?,
        expect: expect?,
        within: within?,
    }))
}

#[derive(Debug)]
struct Deadline {
    file: Template,
    path: Option<Template>,
    filter: Vec<(String, Template)>,
    date_field: String,
    expect: Template,
    within: (jiff::SignedDuration, String),
}

/// Stands for `{date}` while the rest of `expect` is rendered.
const MARK: &str = "\u{1}";

impl Deadline {
    /// The pattern of due files (`{date}` as a capture) and its display form.
    fn pattern(&self, cx: &Cx) -> Result<(regex::Regex, String), EvalError> {
        let local = |n: &str| (n == DATE).then(|| MARK.to_string());
        let text = cx.vars.render_with(&self.expect, no_escape, &local)?;
        let re: Vec<String> = text.split(MARK).map(regex::escape).collect();
        let re = format!("^{}$", re.join("([0-9]{4}-[0-9]{2}-[0-9]{2})"));
        let re = regex::Regex::new(&re)
            .map_err(|e| EvalError::Invalid(format!("'expect' '{}': {e}", self.expect.raw)))?;
        Ok((re, text.replace(MARK, "<YYYY-MM-DD>")))
    }
}

impl Check for Deadline {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        // The due files: `expect` with `{date}` (and every variable) for anything.
        Some(vec![
            crate::eval::reach::Reached::path(&self.file),
            crate::eval::reach::Reached::path(&self.expect),
        ])
    }

    fn named(&self, cx: &Cx) -> Vec<String> {
        cx.vars.render(&self.file, no_escape).into_iter().collect()
    }

    fn named_templates(&self) -> Vec<&crate::lang::template::Template> {
        vec![&self.file]
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let file = cx.vars.render(&self.file, no_escape)?;
        let doc = match load(cx, &file, None) {
            Ok(v) => v,
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let path = match &self.path {
            Some(t) => cx.vars.render(t, no_escape)?,
            None => String::new(),
        };
        let items = match array_at(&file, &doc, &path) {
            Ok(items) => items,
            Err(hit) => return Ok(vec![hit]),
        };
        let filter = render_all(cx, &self.filter)?;
        let (re, shown) = self.pattern(cx)?;
        let candidates: Vec<(&str, Date)> = cx
            .view
            .entries()
            .iter()
            .filter(|e| e.kind == EntryKind::File)
            .filter_map(|e| {
                let caps = re.captures(e.path)?;
                let date = caps.get(1)?.as_str().parse::<Date>().ok()?;
                Some((e.path, date))
            })
            .collect();
        let (within, within_text) = &self.within;
        let field = &self.date_field;
        let mut hits = Vec::new();
        for (i, el) in items.iter().enumerate() {
            if !fields_equal(el, &filter) {
                continue;
            }
            let name = element(&path, i);
            let Some(v) = el.get(field) else {
                hits.push(Hit::at(
                    format!("{file}: {name} has no '{field}'"),
                    at(&file, el),
                ));
                continue;
            };
            let Some(d) = v.as_str().and_then(Moment::parse) else {
                hits.push(Hit::at(
                    format!(
                        "{file}: {name}.{field} is {}, not an RFC 3339 time or a date (YYYY-MM-DD)",
                        super::data::show(v)
                    ),
                    at(&file, v),
                ));
                continue;
            };
            let Ok(due) = d.at.checked_add(*within) else {
                return Err(EvalError::Invalid(format!(
                    "'within' {within_text} after {d} is out of range"
                )));
            };
            let window = d.day()..=day_of(due);
            if candidates.iter().any(|(_, c)| window.contains(c)) {
                continue;
            }
            let due_text = display_instant(due);
            let pending = cx.now < due;
            let mut message = format!(
                "{file}: {name} ({field} {d}) has no {shown} dated {} to {}; {} {due_text}",
                window.start(),
                window.end(),
                if pending { "due by" } else { "it was due by" },
            );
            // A late file is worth naming; one dated before this element belongs to another.
            let late = candidates
                .iter()
                .filter(|(_, c)| c > window.end())
                .min_by_key(|(_, c)| *c);
            if let Some((p, c)) = late {
                message.push_str(&format!(
                    " ({p} is dated {c}, after the {within_text} window)"
                ));
            }
            let mut hit = Hit::at(message, At::line(&file, el.span.line, el.span.column));
            if pending {
                hit.severity = Some(Severity::Warning);
            }
            hits.push(hit);
        }
        Ok(hits)
    }
}
