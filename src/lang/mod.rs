//! The policy language's vocabulary: positions and the YAML tree that keeps them,
//! `{var}` templates, the typed field reader and load errors. Everything above
//! (check kinds, the loader, the engine) speaks it; it imports nothing above it.

pub(crate) mod error;
pub(crate) mod fields;
pub(crate) mod kind;
pub(crate) mod node;
pub(crate) mod pattern;
pub(crate) mod template;
