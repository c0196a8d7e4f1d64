//! Parameter tables: the names, types and documentation of the keys a mapping of
//! a policy file may hold. The loader validates against them, `relgate schema`
//! publishes them and the check-kind reference is generated from them.

/// The type of a parameter, for validation messages, the schema and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A path or glob, or a list of them, with `{var}` templates.
    Globs,
    /// One path with `{var}` templates.
    Path,
    /// A regex (Rust syntax) with `{var}` templates; values are regex-escaped.
    Regex,
    /// A regex or a list of regexes.
    Regexes,
    /// Free text with `{var}` templates.
    Text,
    /// Octal permission bits such as `'0644'`.
    Mode,
    Bool,
    Int,
    /// `48h`, `2d`, `90m`.
    Duration,
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// An identifier: letters, digits, `.`, `_`, `-`.
    Id,
    /// A list of names.
    Names,
    /// A condition: one check kind, or `all` / `any` / `not`.
    Condition,
    /// The `vars:` mapping.
    Vars,
    /// The `flag:` definition of a variable.
    Flag,
    /// A mapping of strings to strings.
    Map,
    /// The `policies:` list.
    Policies,
    /// A mapping read against its own parameter table.
    Table(&'static [Param]),
    /// A list of mappings, each read against the parameter table.
    Rules(&'static [Param]),
    /// A mapping from names (data fields, regex captures) to values of the inner type.
    FieldMap(&'static Ty),
    /// A list of scalars (strings, numbers, booleans), compared with their type.
    Scalars,
    /// A Markdown section: the heading's text, or `{matches: REGEX}`.
    Section,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Param {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}
