//! `data`: JSON / YAML / TOML values at a path: type, per-element rules, ordering,
//! membership and the last element.

use super::KindSpec;
use crate::eval::attach::Source;
use crate::eval::{At, Blocked, Check, Cx, Eval, EvalError, Hit};
use crate::lang::fields::{Fields, Scalar};
use crate::lang::kind::{Param, Ty};
use crate::lang::template::{Template, no_escape};
use crate::parse::dates::{Moment, is_iso_date, parse_instant};
use crate::parse::structured::{self, DataFormat, Kind, Value};

pub(super) static SPEC: KindSpec = KindSpec {
    name: "data",
    summary: "A JSON, YAML or TOML file parses, and the value at a path has the declared type, elements, order, members and last element.",
    doc: include_str!("data.md"),
    params: &[
        Param {
            name: "file",
            ty: Ty::Path,
            required: false,
            doc: "The data file in the repository (or give `attachment`).",
        },
        crate::eval::attach::PARAM,
        Param {
            name: "format",
            ty: Ty::Enum(&["json", "yaml", "toml"]),
            required: false,
            doc: "The file's format when its extension does not say.",
        },
        Param {
            name: "path",
            ty: Ty::Text,
            required: false,
            doc: "Dotted path of the value to check (`a.b.0`); empty or absent: the whole document.",
        },
        Param {
            name: "type",
            ty: Ty::Enum(TYPES),
            required: false,
            doc: "The value's type (`number` also accepts integers).",
        },
        Param {
            name: "each",
            ty: Ty::Table(EACH),
            required: false,
            doc: "Rules every element of the array satisfies.",
        },
        Param {
            name: "ordered",
            ty: Ty::Table(ORDERED),
            required: false,
            doc: "A date field that never goes backwards from one element to the next.",
        },
        Param {
            name: "contains",
            ty: Ty::FieldMap(&Ty::Text),
            required: false,
            doc: "Field → template: at least one element has all these values (compared as text).",
        },
        Param {
            name: "last",
            ty: Ty::FieldMap(&Ty::Text),
            required: false,
            doc: "Field → template: the last element has these values (compared as text).",
        },
    ],
    shorthand: None,
    build,
};

static TYPES: &[&str] = &[
    "null", "boolean", "integer", "number", "string", "array", "object",
];

static EACH: &[Param] = &[
    Param {
        name: "required",
        ty: Ty::Names,
        required: false,
        doc: "Fields every element has (each element must be an object).",
    },
    Param {
        name: "types",
        ty: Ty::FieldMap(&Ty::Enum(TYPES)),
        required: false,
        doc: "Field → its type, when present.",
    },
    Param {
        name: "enums",
        ty: Ty::FieldMap(&Ty::Scalars),
        required: false,
        doc: "Field → the values it may take, when present (compared with their type).",
    },
    Param {
        name: "formats",
        ty: Ty::FieldMap(&Ty::Enum(&["date", "datetime"])),
        required: false,
        doc: "Field → `date` (`YYYY-MM-DD`) or `datetime` (RFC 3339 or `YYYY-MM-DD`), when present.",
    },
    Param {
        name: "non_empty",
        ty: Ty::Names,
        required: false,
        doc: "Fields that, when present, are not null, blank, `[]` or `{}`.",
    },
];

static ORDERED: &[Param] = &[Param {
    name: "field",
    ty: Ty::Id,
    required: true,
    doc: "The date field (`YYYY-MM-DD` or RFC 3339; plain dates compare by day); elements where it does not parse are skipped.",
}];

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let file = Source::read(f, "file", true);
    let format = f.choice("format");
    let path = f.text("path");
    let ty = f.choice("type");
    let each = f.table("each", |e| {
        Some(Each {
            required: e.names("required").unwrap_or_default(),
            types: e.field_choices("types").unwrap_or_default(),
            enums: e.field_scalars("enums").unwrap_or_default(),
            formats: e.field_choices("formats").unwrap_or_default(),
            non_empty: e.names("non_empty").unwrap_or_default(),
        })
    });
    let ordered = f.table("ordered", |o| o.string("field"));
    let contains = f.field_texts("contains", &[]);
    let last = f.field_texts("last", &[]);
    Some(Box::new(Data {
        file: file?,
        format: format.as_deref().and_then(format_named),
        path,
        ty,
        each,
        ordered,
        contains: contains.unwrap_or_default(),
        last: last.unwrap_or_default(),
    }))
}

fn format_named(name: &str) -> Option<DataFormat> {
    match name {
        "json" => Some(DataFormat::Json),
        "yaml" => Some(DataFormat::Yaml),
        "toml" => Some(DataFormat::Toml),
        _ => None,
    }
}

fn format_name(f: DataFormat) -> &'static str {
    match f {
        DataFormat::Json => "JSON",
        DataFormat::Yaml => "YAML",
        DataFormat::Toml => "TOML",
    }
}

#[derive(Debug)]
struct Each {
    required: Vec<String>,
    types: Vec<(String, String)>,
    enums: Vec<(String, Vec<Scalar>)>,
    formats: Vec<(String, String)>,
    non_empty: Vec<String>,
}

#[derive(Debug)]
struct Data {
    file: Source,
    format: Option<DataFormat>,
    path: Option<Template>,
    ty: Option<String>,
    each: Option<Each>,
    ordered: Option<String>,
    contains: Vec<(String, Template)>,
    last: Vec<(String, Template)>,
}

/// A parsed data file: its first document, or the hit that says why there is none.
pub(super) fn load(cx: &Cx, path: &str, format: Option<DataFormat>) -> Result<Value, Blocked> {
    let content = crate::eval::util::read(cx, path)?;
    parse_data(path, path, &content, format)
}

/// Parses `content` (named `path` in findings; `hint` gives the format by its extension).
fn parse_data(
    path: &str,
    hint: &str,
    content: &crate::repo::Content,
    format: Option<DataFormat>,
) -> Result<Value, Blocked> {
    let text = crate::eval::util::text(path, content)?;
    let Some(format) = format.or_else(|| structured::data_format_for_path(hint)) else {
        return Err(Blocked::Error(EvalError::Invalid(format!(
            "cannot tell the format of {path} from its name; set 'format' (json, yaml or toml)"
        ))));
    };
    match structured::parse(format, text) {
        Err(e) => Err(Blocked::File(
            Hit::at(
                format!("{path} is not valid {}: {}", format_name(format), e.message),
                At::line(path, e.line, e.column),
            )
            .cannot_judge(),
        )),
        Ok(docs) => Ok(docs
            .into_iter()
            .next()
            .ok_or_else(|| Hit::at(format!("{path} holds no document"), At::file(path)))?),
    }
}

/// The value at a dotted path, as the check's subject: the array (or the hit saying
/// why there is none). `what` names the value in messages.
pub(super) fn array_at<'v>(file: &str, doc: &'v Value, path: &str) -> Result<&'v [Value], Hit> {
    let v = value_at(file, doc, path)?;
    match &v.kind {
        Kind::Array(items) => Ok(items),
        _ => Err(Hit::at(
            format!(
                "{file}: {} is {}, expected an array",
                subject(path),
                article(v.type_name())
            ),
            at(file, v),
        )),
    }
}

fn value_at<'v>(file: &str, doc: &'v Value, path: &str) -> Result<&'v Value, Hit> {
    doc.at(path)
        .ok_or_else(|| Hit::at(format!("{file} has no value at '{path}'"), At::file(file)))
}

fn subject(path: &str) -> String {
    if path.trim_matches('.').is_empty() {
        "the document".into()
    } else {
        format!("'{path}'")
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "array" | "object" | "integer" => format!("an {type_name}"),
        "null" => "null".into(),
        t => format!("a {t}"),
    }
}

pub(super) fn at(file: &str, v: &Value) -> At {
    At::line(file, v.span.line, v.span.column)
}

/// `[1]`, or `releases[1]` under a path: how messages name an element.
pub(super) fn element(path: &str, i: usize) -> String {
    format!("{}[{i}]", path.trim_matches('.'))
}

/// A value for messages: strings quoted, other scalars as written.
pub(super) fn show(v: &Value) -> String {
    match &v.kind {
        Kind::Str(s) => format!("'{s}'"),
        _ => v.scalar_text().unwrap_or_else(|| v.type_name().into()),
    }
}

fn type_matches(v: &Value, ty: &str) -> bool {
    ty == v.type_name() || ty == "number" && matches!(v.kind, Kind::Int(_))
}

fn scalar_eq(v: &Value, s: &Scalar) -> bool {
    match (&v.kind, s) {
        (Kind::Null, Scalar::Null) => true,
        (Kind::Bool(a), Scalar::Bool(b)) => a == b,
        (Kind::Int(a), Scalar::Int(b)) => a == b,
        (Kind::Float(a), Scalar::Float(b)) => a == b,
        (Kind::Int(a), Scalar::Float(b)) | (Kind::Float(b), Scalar::Int(a)) => *a as f64 == *b,
        (Kind::Str(a), Scalar::Str(b)) => a == b,
        _ => false,
    }
}

/// Whether an element's fields equal the rendered values, as text.
pub(super) fn fields_equal(el: &Value, want: &[(String, String)]) -> bool {
    want.iter().all(|(k, w)| {
        el.get(k)
            .and_then(Value::scalar_text)
            .is_some_and(|t| &t == w)
    })
}

/// Renders `field → template` pairs.
pub(super) fn render_all(
    cx: &Cx,
    pairs: &[(String, Template)],
) -> Result<Vec<(String, String)>, EvalError> {
    pairs
        .iter()
        .map(|(k, t)| Ok((k.clone(), cx.vars.render(t, no_escape)?)))
        .collect()
}

fn describe(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k} = '{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Each {
    fn judge(&self, file: &str, name: &str, el: &Value, hits: &mut Vec<Hit>) {
        if !matches!(el.kind, Kind::Object(_)) {
            hits.push(Hit::at(
                format!(
                    "{file}: {name} is {}, expected an object",
                    article(el.type_name())
                ),
                at(file, el),
            ));
            return;
        }
        for k in &self.required {
            if el.get(k).is_none() {
                hits.push(Hit::at(
                    format!("{file}: {name} has no '{k}'"),
                    at(file, el),
                ));
            }
        }
        let mut bad_type: Vec<&str> = Vec::new();
        for (k, ty) in &self.types {
            if let Some(v) = el.get(k)
                && !type_matches(v, ty)
            {
                bad_type.push(k);
                hits.push(Hit::at(
                    format!(
                        "{file}: {name}.{k} is {}, expected {}",
                        article(v.type_name()),
                        article(ty)
                    ),
                    at(file, v),
                ));
            }
        }
        for (k, allowed) in &self.enums {
            if let Some(v) = el.get(k)
                && !bad_type.contains(&k.as_str())
                && !allowed.iter().any(|s| scalar_eq(v, s))
            {
                let list: Vec<String> = allowed.iter().map(Scalar::to_string).collect();
                hits.push(Hit::at(
                    format!(
                        "{file}: {name}.{k} is {}, expected one of {}",
                        show(v),
                        list.join(", ")
                    ),
                    at(file, v),
                ));
            }
        }
        for (k, fmt) in &self.formats {
            let Some(v) = el.get(k) else { continue };
            if bad_type.contains(&k.as_str()) {
                continue;
            }
            let ok = match (v.as_str(), fmt.as_str()) {
                (Some(s), "date") => is_iso_date(s),
                (Some(s), _) => parse_instant(s).is_some(),
                (None, _) => false,
            };
            if !ok {
                let expected = if fmt == "date" {
                    "a date (YYYY-MM-DD)"
                } else {
                    "an RFC 3339 time or a date (YYYY-MM-DD)"
                };
                hits.push(Hit::at(
                    format!("{file}: {name}.{k} is {}, expected {expected}", show(v)),
                    at(file, v),
                ));
            }
        }
        for k in &self.non_empty {
            let Some(v) = el.get(k) else { continue };
            let empty = match &v.kind {
                Kind::Null => true,
                Kind::Str(s) => s.trim().is_empty(),
                Kind::Array(a) => a.is_empty(),
                Kind::Object(o) => o.is_empty(),
                _ => false,
            };
            if empty {
                hits.push(Hit::at(format!("{file}: {name}.{k} is empty"), at(file, v)));
            }
        }
    }
}

impl Check for Data {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        self.file.reach()
    }

    fn named(&self, cx: &Cx) -> Vec<String> {
        self.file.named(cx)
    }

    fn named_templates(&self) -> Vec<&crate::lang::template::Template> {
        self.file.named_template()
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let file = self.file.label(cx)?;
        let loaded = self.file.load(cx, &file).and_then(|content| {
            parse_data(
                &file,
                &self.file.name_hint(cx, &file),
                &content,
                self.format,
            )
        });
        let doc = match loaded {
            Ok(v) => v,
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let path = match &self.path {
            Some(t) => cx.vars.render(t, no_escape)?,
            None => String::new(),
        };
        let value = match value_at(&file, &doc, &path) {
            Ok(v) => v,
            Err(hit) => return Ok(vec![hit]),
        };
        if let Some(ty) = &self.ty
            && !type_matches(value, ty)
        {
            return Ok(vec![Hit::at(
                format!(
                    "{file}: {} is {}, expected {}",
                    subject(&path),
                    article(value.type_name()),
                    article(ty)
                ),
                at(&file, value),
            )]);
        }
        let needs_array = self.each.is_some()
            || self.ordered.is_some()
            || !self.contains.is_empty()
            || !self.last.is_empty();
        if !needs_array {
            return Ok(Vec::new());
        }
        let items = match array_at(&file, &doc, &path) {
            Ok(items) => items,
            Err(hit) => return Ok(vec![hit]),
        };
        let mut hits = Vec::new();
        if let Some(each) = &self.each {
            for (i, el) in items.iter().enumerate() {
                each.judge(&file, &element(&path, i), el, &mut hits);
            }
        }
        if let Some(field) = &self.ordered {
            let mut prev: Option<(usize, Moment)> = None;
            for (i, el) in items.iter().enumerate() {
                let Some(v) = el.get(field) else { continue };
                let Some(m) = v.as_str().and_then(Moment::parse) else {
                    continue;
                };
                if let Some((j, p)) = prev
                    && m.compare(&p) == std::cmp::Ordering::Less
                {
                    hits.push(Hit::at(
                        format!(
                            "{file}: {}.{field} {m} is before {}.{field} {p}: the dates go backwards",
                            element(&path, i),
                            element(&path, j)
                        ),
                        at(&file, v),
                    ));
                }
                prev = Some((i, m));
            }
        }
        if !self.contains.is_empty() {
            let want = render_all(cx, &self.contains)?;
            if !items.iter().any(|el| fields_equal(el, &want)) {
                hits.push(Hit::at(
                    format!(
                        "{file}: {} has no element with {}",
                        subject(&path),
                        describe(&want)
                    ),
                    at(&file, value),
                ));
            }
        }
        if !self.last.is_empty() {
            let want = render_all(cx, &self.last)?;
            match items.last() {
                None => hits.push(Hit::at(
                    format!(
                        "{file}: {} is empty, expected a last element with {}",
                        subject(&path),
                        describe(&want)
                    ),
                    at(&file, value),
                )),
                Some(el) => {
                    let name = element(&path, items.len() - 1);
                    for (k, w) in &want {
                        match el.get(k) {
                            None => hits.push(Hit::at(
                                format!(
                                    "{file}: the last element {name} has no '{k}', expected '{w}'"
                                ),
                                at(&file, el),
                            )),
                            Some(v) if v.scalar_text().as_deref() != Some(w.as_str()) => {
                                hits.push(Hit::at(
                                    format!(
                                        "{file}: the last element {name}.{k} is {}, expected '{w}'",
                                        show(v)
                                    ),
                                    at(&file, v),
                                ))
                            }
                            Some(_) => {}
                        }
                    }
                }
            }
        }
        Ok(hits)
    }
}
