//! Policy load errors: every one with a stable code, file:line:col, the
//! snippet and a suggestion where one is obvious.

use crate::parse::value::Span;
use std::fmt;
use std::sync::Arc;

/// A policy file as loaded: its display name and text (kept for snippets).
#[derive(Debug)]
pub struct PolicyFile {
    /// `.relgate/billing.yaml`, `policies/x.yaml` or `pack:billing-gateway-dr`.
    pub name: String,
    pub text: Arc<str>,
}

/// Stable codes of policy errors (`relgate::policy::<code>`). Never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    Io,
    Yaml,
    UnknownKey,
    MissingKey,
    WrongType,
    BadValue,
    BadRegex,
    BadGlob,
    UnknownVariable,
    VariableCycle,
    UnknownKind,
    DuplicateId,
    UnknownPack,
    NoPolicies,
    UnknownPolicy,
}

impl Code {
    pub const ALL: [Code; 15] = [
        Code::Io,
        Code::Yaml,
        Code::UnknownKey,
        Code::MissingKey,
        Code::WrongType,
        Code::BadValue,
        Code::BadRegex,
        Code::BadGlob,
        Code::UnknownVariable,
        Code::VariableCycle,
        Code::UnknownKind,
        Code::DuplicateId,
        Code::UnknownPack,
        Code::NoPolicies,
        Code::UnknownPolicy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "relgate::policy::io",
            Code::Yaml => "relgate::policy::yaml",
            Code::UnknownKey => "relgate::policy::unknown_key",
            Code::MissingKey => "relgate::policy::missing_key",
            Code::WrongType => "relgate::policy::wrong_type",
            Code::BadValue => "relgate::policy::bad_value",
            Code::BadRegex => "relgate::policy::bad_regex",
            Code::BadGlob => "relgate::policy::bad_glob",
            Code::UnknownVariable => "relgate::policy::unknown_variable",
            Code::VariableCycle => "relgate::policy::variable_cycle",
            Code::UnknownKind => "relgate::policy::unknown_check",
            Code::DuplicateId => "relgate::policy::duplicate_id",
            Code::UnknownPack => "relgate::policy::unknown_pack",
            Code::NoPolicies => "relgate::policy::no_policies",
            Code::UnknownPolicy => "relgate::policy::unknown_policy",
        }
    }
}

/// One problem in a policy file.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub code: Code,
    pub message: String,
    /// `None` for errors not tied to a file (no policies found, unknown `--pack`).
    pub file: Option<Arc<PolicyFile>>,
    pub span: Span,
    /// Text of the label under the snippet.
    pub label: String,
    /// Other places the error involves (the first of two repeated keys), each
    /// labelled in the snippet.
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl LoadError {
    pub fn new(code: Code, file: &Arc<PolicyFile>, span: Span, message: impl Into<String>) -> Self {
        LoadError {
            code,
            message: message.into(),
            file: Some(file.clone()),
            span,
            label: String::new(),
            related: Vec::new(),
            help: None,
        }
    }

    pub fn global(code: Code, message: impl Into<String>) -> Self {
        LoadError {
            code,
            message: message.into(),
            file: None,
            span: Span::default(),
            label: String::new(),
            related: Vec::new(),
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Labels another place of the same file in the snippet.
    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col`, or nothing for a global error.
    pub fn position(&self) -> Option<String> {
        self.file
            .as_ref()
            .map(|f| format!("{}:{}:{}", f.name, self.span.line, self.span.column))
    }

    /// The source line the error points at.
    pub fn snippet(&self) -> Option<String> {
        let f = self.file.as_ref()?;
        f.text
            .lines()
            .nth(self.span.line.checked_sub(1)?)
            .map(str::to_string)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

impl miette::Diagnostic for LoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.file.as_ref().map(|f| f as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.file.as_ref()?;
        let label = (!self.label.is_empty()).then(|| self.label.clone());
        let primary = miette::LabeledSpan::new(label, self.span.offset, self.span.len);
        let related = self.related.iter().map(|(span, label)| {
            miette::LabeledSpan::new(Some(label.clone()), span.offset, span.len)
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

impl miette::SourceCode for PolicyFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// All errors of one load, in file order.
#[derive(Debug, Default)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} policy error(s)", self.0.len())
    }
}

impl std::error::Error for LoadErrors {}

/// `did you mean 'x'?` for the closest candidate, if it is close enough: alike by
/// Jaro-Winkler similarity, or one edit away (a transposition, a letter missing, extra
/// or wrong: `tga` for `tag`, which Jaro-Winkler does not see in a short word).
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| {
            let alike = strsim::jaro_winkler(word, c);
            let one_edit = word.chars().count() > 1 && strsim::osa_distance(word, c) == 1;
            (if one_edit { alike.max(0.95) } else { alike }, c)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean '{c}'?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_stable() {
        let mut seen: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), Code::ALL.len());
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("sectoin", ["file", "section", "pattern"]).as_deref(),
            Some("did you mean 'section'?")
        );
        assert_eq!(did_you_mean("zzz", ["file", "section"]), None);
        // A transposition in a short name.
        assert_eq!(
            did_you_mean("tga", ["branch", "base_branch", "tag"]).as_deref(),
            Some("did you mean 'tag'?")
        );
        assert_eq!(did_you_mean("x", ["y"]), None);
    }
}
