//! Nested values: tables, lists of rules and mappings from names to values.

use super::{Fields, Scalar};
use crate::lang::error::{Code, did_you_mean};
use crate::lang::kind::Ty;
use crate::lang::template::Template;
use crate::parse::value::{Kind, Value};

impl<'n> Fields<'_, 'n> {
    /// A nested mapping, read by `build` against the table of `name` (a [`Ty::Table`]).
    pub(crate) fn table<T>(
        &mut self,
        name: &'static str,
        build: impl FnOnce(&mut Fields<'_, 'n>) -> Option<T>,
    ) -> Option<T> {
        let Ty::Table(params) = self.param(name).ty else {
            return None;
        };
        let node = self.node(name)?;
        let what = self.label(name);
        let mut inner = Fields::new(self.lx, node, params, None, what)?;
        let out = build(&mut inner);
        inner.finish();
        out
    }

    /// A list of mappings, each read by `build` against the table of `name` (a [`Ty::Rules`]).
    /// `None` when any item is invalid.
    pub(crate) fn rules<T>(
        &mut self,
        name: &'static str,
        mut build: impl FnMut(&mut Fields<'_, 'n>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Ty::Rules(params) = self.param(name).ty else {
            return None;
        };
        let node = self.node(name)?;
        let what = self.label(name);
        let Kind::Array(items) = &node.kind else {
            self.lx.wrong_type(node, &what, "a list of mappings");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let Some(mut inner) = Fields::new(
                self.lx,
                item,
                params,
                None,
                format!("item {} of {what}", i + 1),
            ) else {
                ok = false;
                continue;
            };
            match build(&mut inner) {
                Some(t) => out.push(t),
                None => ok = false,
            }
            inner.finish();
        }
        ok.then_some(out)
    }

    /// The entries of a mapping from names to values (a [`Ty::FieldMap`]); the
    /// mapping must not be empty.
    fn field_nodes(&mut self, name: &'static str) -> Option<Vec<(String, &'n Value)>> {
        let node = self.node(name)?;
        let what = self.label(name);
        let Some(map) = node.as_object() else {
            self.lx
                .wrong_type(node, &what, "a mapping of names to values");
            return None;
        };
        if map.is_empty() {
            self.lx.error(
                Code::BadValue,
                node.span,
                format!("{what} must not be empty"),
            );
            return None;
        }
        Some(map.iter().map(|m| (m.key.clone(), &m.value)).collect())
    }

    /// Name → template (a [`Ty::FieldMap`] of [`Ty::Text`]); references may name `locals`.
    pub(crate) fn field_texts(
        &mut self,
        name: &'static str,
        locals: &[String],
    ) -> Option<Vec<(String, Template)>> {
        let entries = self.field_nodes(name)?;
        let what = self.label(name);
        let mut out = Vec::new();
        let mut ok = true;
        for (k, v) in entries {
            match self
                .lx
                .template_local(v, &format!("'{k}' of {what}"), locals)
            {
                Some(t) => out.push((k, t)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Name → one of the words of the inner [`Ty::Enum`].
    pub(crate) fn field_choices(&mut self, name: &'static str) -> Option<Vec<(String, String)>> {
        let Ty::FieldMap(Ty::Enum(words)) = self.param(name).ty else {
            return None;
        };
        let entries = self.field_nodes(name)?;
        let what = self.label(name);
        let mut out = Vec::new();
        let mut ok = true;
        for (k, v) in entries {
            let text = v.text().unwrap_or_default();
            if words.contains(&text.as_str()) {
                out.push((k, text));
                continue;
            }
            ok = false;
            let e = self.lx.error(
                Code::BadValue,
                v.span,
                format!(
                    "'{k}' of {what} must be one of {}, found '{text}'",
                    words.join(", ")
                ),
            );
            e.help = did_you_mean(&text, words.iter().copied());
        }
        ok.then_some(out)
    }

    /// Name → a list of scalars (a [`Ty::FieldMap`] of [`Ty::Scalars`]); one scalar
    /// stands for a list of one.
    pub(crate) fn field_scalars(
        &mut self,
        name: &'static str,
    ) -> Option<Vec<(String, Vec<Scalar>)>> {
        let entries = self.field_nodes(name)?;
        let what = self.label(name);
        let mut out = Vec::new();
        let mut ok = true;
        for (k, v) in entries {
            let items: Vec<&Value> = match &v.kind {
                Kind::Array(items) => items.iter().collect(),
                _ => vec![v],
            };
            let mut values = Vec::new();
            for item in items {
                match Scalar::of(item) {
                    Some(s) => values.push(s),
                    None => {
                        self.lx.wrong_type(
                            item,
                            &format!("'{k}' of {what}"),
                            "a scalar or a list of scalars",
                        );
                        ok = false;
                    }
                }
            }
            if values.is_empty() && ok {
                self.lx.error(
                    Code::BadValue,
                    v.span,
                    format!("'{k}' of {what} must not be empty"),
                );
                ok = false;
            }
            out.push((k, values));
        }
        ok.then_some(out)
    }
}
