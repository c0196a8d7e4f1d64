//! Check kinds: one file each, registered in [`KINDS`].
//!
//! A kind is declared by a [`KindSpec`]: its name, documentation and parameters. Its
//! details and example are Markdown in `<kind>.md` beside it (`include_str!`), and its
//! `relgate test` cases are in `tests/kinds/<kind>/`.
//! The same table drives the policy loader (unknown keys, required keys, types),
//! `relgate schema`, `relgate explain KIND` and the generated check-kind section of
//! `docs/policy-language.md`, so they cannot drift. A kind sees the repository only
//! through [`crate::eval`] and reads its parameters with [`crate::lang::fields`];
//! it never imports the loader (`policy`).

mod absent;
mod captures;
mod changes;
mod checklist;
mod data;
mod deadline;
mod encoding;
mod exists;
mod flag;
mod junit;
mod matches;
mod mode;
mod not_matches;
mod signature;
mod var;

use crate::eval::Check;
use crate::lang::fields::Fields;
use crate::lang::kind::Param;

/// A check kind: its name, documentation and parameters, and how to build one.
pub(crate) struct KindSpec {
    pub name: &'static str,
    /// One line: what holds when the check passes.
    pub summary: &'static str,
    /// Markdown: details and an example, from `<kind>.md` (`include_str!`).
    pub doc: &'static str,
    pub params: &'static [Param],
    /// The parameter a bare scalar or list sets (`exists: docs/x.md`).
    pub shorthand: Option<&'static str>,
    pub build: fn(&mut Fields<'_, '_>) -> Option<Box<dyn Check>>,
}

/// Every check kind, in documentation order. Registration is this one line per kind.
pub(crate) static KINDS: &[&KindSpec] = &[
    &exists::SPEC,
    &absent::SPEC,
    &matches::SPEC,
    &not_matches::SPEC,
    &checklist::SPEC,
    &captures::SPEC,
    &data::SPEC,
    &deadline::SPEC,
    &mode::SPEC,
    &encoding::SPEC,
    &flag::SPEC,
    &changes::SPEC,
    &var::SPEC,
    &junit::SPEC,
    &signature::SPEC,
];

pub(crate) fn kind(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().copied().find(|k| k.name == name)
}
