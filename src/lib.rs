//! relgate: a CI/CD policy gate. Declarative YAML policies evaluated against a git
//! checkout, reported as located diagnostics.

pub mod parse;
pub mod repo;
