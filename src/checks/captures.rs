//! `captures`: a line matching a regex with named captures, whose values are compared.

use super::KindSpec;
use crate::eval::attach::Source;
use crate::eval::scope::Scope;
use crate::eval::{At, Check, Cx, Eval, EvalError, Hit};
use crate::lang::error::{Code, did_you_mean};
use crate::lang::fields::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::{RegexT, SectionSpec};
use crate::lang::template::{Template, no_escape};
use crate::parse::dates::Moment;
use crate::parse::markdown::searched;
use crate::repo::Content;

pub(super) static SPEC: KindSpec = KindSpec {
    name: "captures",
    summary: "The file (or one Markdown section) has a line matching a regex, and the values of its named captures satisfy the listed comparisons.",
    doc: include_str!("captures.md"),
    params: &[
        Param {
            name: "file",
            ty: Ty::Path,
            required: false,
            doc: "The file to search (or give `attachment`).",
        },
        crate::eval::attach::PARAM,
        Param {
            name: "section",
            ty: Ty::Section,
            required: false,
            doc: "Search only this Markdown section (heading text, without the `#`s), or the first heading a regex matches: `{matches: REGEX}`.",
        },
        Param {
            name: "pattern",
            ty: Ty::Regex,
            required: true,
            doc: "A regex with named captures; `{var}` values are matched literally.",
        },
        Param {
            name: "lines",
            ty: Ty::Enum(&["every", "first", "last", "any"]),
            required: false,
            doc: "Which matching lines must satisfy the comparisons: `every` (default), the `first`, the `last`, or `any` one.",
        },
        Param {
            name: "dates",
            ty: Ty::Rules(DATE_RULE),
            required: false,
            doc: "Date comparisons on captures.",
        },
        Param {
            name: "equals",
            ty: Ty::FieldMap(&Ty::Text),
            required: false,
            doc: "Capture name → template its value must equal (as text).",
        },
        super::matches::RAW_PARAM,
    ],
    shorthand: None,
    build,
};

static DATE_RULE: &[Param] = &[
    Param {
        name: "capture",
        ty: Ty::Id,
        required: true,
        doc: "The named capture holding a date (`YYYY-MM-DD`) or an RFC 3339 time; it must parse.",
    },
    Param {
        name: "not_before",
        ty: Ty::Text,
        required: false,
        doc: "The value may not be earlier than this date or time (e.g. `'{release}'`).",
    },
    Param {
        name: "not_after",
        ty: Ty::Text,
        required: false,
        doc: "The value may not be later than this date or time (e.g. `'{now}'`).",
    },
    Param {
        name: "within",
        ty: Ty::Duration,
        required: false,
        doc: "With `of`: the value is at most this far from `of`, either way (`48h`, `2d`).",
    },
    Param {
        name: "of",
        ty: Ty::Text,
        required: false,
        doc: "With `within`: the reference date or time (a variable or another capture: `'{signed}'`).",
    },
];

fn build(f: &mut Fields) -> Option<Box<dyn Check>> {
    let file = Source::read(f, "file", true);
    let section = f.section("section");
    let pattern = f.regex("pattern");
    let lines = f.choice("lines");
    let raw = f.bool("raw");
    let names = pattern
        .as_ref()
        .map(RegexT::capture_names)
        .unwrap_or_default();
    let dates = f.rules("dates", |r| build_rule(r, names, pattern.is_some()));
    let equals = f.field_texts("equals", names);
    if let (Some(eq), Some(node), true) = (&equals, f.node("equals"), pattern.is_some()) {
        for (k, _) in eq {
            if !names.contains(k) {
                let key = node
                    .as_object()
                    .and_then(|m| m.iter().find(|m| m.key == *k))
                    .map_or(node.span, |m| m.key_span);
                unknown_capture(f, key, k, names);
            }
        }
    }
    Some(Box::new(Captures {
        file: file?,
        section,
        pattern: pattern?,
        lines: match lines.as_deref() {
            Some("first") => Lines::First,
            Some("last") => Lines::Last,
            Some("any") => Lines::Any,
            _ => Lines::Every,
        },
        dates: dates.unwrap_or_default(),
        equals: equals.unwrap_or_default(),
        raw: raw.unwrap_or(false),
    }))
}

fn unknown_capture(f: &mut Fields, span: crate::parse::value::Span, name: &str, names: &[String]) {
    let e = f.lx.error(
        Code::BadValue,
        span,
        format!("the pattern has no capture named '{name}'"),
    );
    e.label = "unknown capture".into();
    e.help = Some(
        did_you_mean(name, names.iter().map(String::as_str)).unwrap_or_else(|| {
            if names.is_empty() {
                "name a group in the pattern: (?P<date>\\d{4}-\\d{2}-\\d{2})".into()
            } else {
                format!("captures: {}", names.join(", "))
            }
        }),
    );
}

fn build_rule(f: &mut Fields, names: &[String], check_names: bool) -> Option<DateRule> {
    let capture_node = f.node("capture");
    let capture = f.string("capture");
    let not_before = f.text_local("not_before", names);
    let not_after = f.text_local("not_after", names);
    let within = f.duration("within");
    let of = f.text_local("of", names);
    if let (Some(c), Some(n), true) = (&capture, capture_node, check_names)
        && !names.contains(c)
    {
        unknown_capture(f, n.span, c, names);
        return None;
    }
    let within = match (within, of) {
        (Some(w), Some(o)) => Some((w.0, w.1, o)),
        (None, None) => None,
        _ => {
            let span = f.span();
            f.lx.error(
                Code::MissingKey,
                span,
                "'within' and 'of' go together: the value is at most 'within' away from 'of'",
            );
            return None;
        }
    };
    Some(DateRule {
        capture: capture?,
        not_before,
        not_after,
        within,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    Every,
    First,
    Last,
    Any,
}

#[derive(Debug)]
struct DateRule {
    capture: String,
    not_before: Option<Template>,
    not_after: Option<Template>,
    /// The duration, as written, and the reference.
    within: Option<(jiff::SignedDuration, String, Template)>,
}

#[derive(Debug)]
struct Captures {
    file: Source,
    section: Option<SectionSpec>,
    pattern: RegexT,
    lines: Lines,
    dates: Vec<DateRule>,
    equals: Vec<(String, Template)>,
    raw: bool,
}

/// One match: the captures with their byte offsets in the file.
struct Match<'t> {
    caps: regex::Captures<'t>,
    base: usize,
}

impl Match<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        self.caps.name(name).map(|m| m.as_str())
    }

    fn at(&self, content: &Content, path: &str, name: &str) -> At {
        let offset = self
            .caps
            .name(name)
            .or_else(|| self.caps.get(0))
            .map_or(self.base, |m| self.base + m.start());
        let (line, column) = content.line_col(offset);
        At::line(path, line, column)
    }
}

/// How a bound is named in messages: the variable for `{release}`, else the template.
fn bound_name(t: &Template) -> String {
    let vars: Vec<&str> = t.vars().collect();
    if vars.len() == 1 && t.raw == format!("{{{}}}", vars[0]) {
        vars[0].to_string()
    } else {
        format!("'{}'", t.raw)
    }
}

impl Captures {
    fn judge(&self, cx: &Cx, content: &Content, path: &str, m: &Match) -> Eval {
        let mut hits = Vec::new();
        let locals = |n: &str| m.value(n).map(str::to_string);
        for (name, tpl) in &self.equals {
            let want = cx.vars.render_with(tpl, no_escape, &locals)?;
            let got = m.value(name).unwrap_or_default();
            if got != want {
                hits.push(Hit::at(
                    format!("{name} is '{got}', expected '{want}'"),
                    m.at(content, path, name),
                ));
            }
        }
        for rule in &self.dates {
            let name = rule.capture.as_str();
            let at = m.at(content, path, name);
            let Some(text) = m.value(name) else {
                hits.push(Hit::at(
                    format!("the matching line has no value for '{name}'"),
                    at,
                ));
                continue;
            };
            let Some(value) = Moment::parse(text.trim()) else {
                hits.push(Hit::at(
                    format!("{name} '{text}' is not a date (YYYY-MM-DD) or an RFC 3339 time"),
                    at,
                ));
                continue;
            };
            let bound = |t: &Template| -> Result<Result<Moment, Hit>, EvalError> {
                let s = cx.vars.render_with(t, no_escape, &locals)?;
                Ok(Moment::parse(s.trim()).ok_or_else(|| {
                    Hit::at(
                        format!(
                            "{} is '{s}', which is not a date (YYYY-MM-DD) or an RFC 3339 time",
                            bound_name(t)
                        ),
                        at.clone(),
                    )
                }))
            };
            let limits = [
                (&rule.not_before, std::cmp::Ordering::Less, "before"),
                (&rule.not_after, std::cmp::Ordering::Greater, "after"),
            ];
            for (t, bad, word) in limits {
                let Some(t) = t else { continue };
                match bound(t)? {
                    Err(hit) => hits.push(hit),
                    Ok(b) if value.compare(&b) == bad => hits.push(Hit::at(
                        format!("{name} {value} is {word} {} {b}", bound_name(t)),
                        at.clone(),
                    )),
                    Ok(_) => {}
                }
            }
            if let Some((d, text_d, of)) = &rule.within {
                match bound(of)? {
                    Err(hit) => hits.push(hit),
                    Ok(b) if !value.within(&b, *d) => hits.push(Hit::at(
                        format!(
                            "{name} {value} is more than {text_d} away from {} {b}",
                            bound_name(of)
                        ),
                        at.clone(),
                    )),
                    Ok(_) => {}
                }
            }
        }
        Ok(hits)
    }
}

impl Check for Captures {
    fn reach(&self) -> Option<Vec<crate::eval::reach::Reached>> {
        self.file.reach()
    }

    /// What held, for a `not:` around it: the first line the pattern matches, where it is.
    fn held(&self, cx: &Cx) -> Option<Hit> {
        let path = self.file.label(cx).ok()?;
        let loaded = self.file.load(cx, &path).ok()?;
        let (content, scope) = Scope::of(cx, &path, loaded, self.section.as_ref()).ok()?;
        let text = searched(&path, content.text().unwrap_or_default(), self.raw);
        let re = self.pattern.get(cx).ok()?;
        let m = re.find(&text[scope.range.clone()])?;
        let (line, column) = content.line_col(scope.range.start + m.start());
        let pattern = cx.vars.render(&self.pattern.tpl, no_escape).ok()?;
        Some(Hit::at(
            format!(
                "{path}:{line} has '{}', which matches '{pattern}'{}",
                m.as_str().lines().next().unwrap_or(""),
                scope.label
            ),
            At::line(&path, line, column),
        ))
    }

    fn named(&self, cx: &Cx) -> Vec<String> {
        self.file.named(cx)
    }

    fn named_templates(&self) -> Vec<&crate::lang::template::Template> {
        self.file.named_template()
    }

    fn eval(&self, cx: &Cx) -> Eval {
        let path = self.file.label(cx)?;
        let loaded = self
            .file
            .load(cx, &path)
            .and_then(|c| Scope::of(cx, &path, c, self.section.as_ref()));
        let (content, scope) = match loaded {
            Ok(loaded) => loaded,
            Err(blocked) => return Ok(vec![blocked.hit()?]),
        };
        let text = searched(&path, content.text().unwrap_or_default(), self.raw);
        let re = self.pattern.get(cx)?;
        let body = &text[scope.range.clone()];
        let mut matches: Vec<Match> = re
            .captures_iter(body)
            .map(|caps| Match {
                caps,
                base: scope.range.start,
            })
            .collect();
        if matches.is_empty() {
            let at = match scope.heading {
                Some(l) => At::line(&path, l, 1),
                None => At::file(&path),
            };
            return Ok(vec![Hit::at(
                format!(
                    "{path} has no line matching '{}'{}",
                    cx.vars.render(&self.pattern.tpl, no_escape)?,
                    scope.label
                ),
                at,
            )]);
        }
        match self.lines {
            Lines::First => matches.truncate(1),
            Lines::Last => {
                let last = matches.split_off(matches.len() - 1);
                matches = last;
            }
            Lines::Every | Lines::Any => {}
        }
        let mut hits = Vec::new();
        for m in &matches {
            let h = self.judge(cx, &content, &path, m)?;
            if h.is_empty() && self.lines == Lines::Any {
                return Ok(Vec::new());
            }
            hits.extend(h);
        }
        Ok(hits)
    }
}
