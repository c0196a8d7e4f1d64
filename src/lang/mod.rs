//! The policy language's vocabulary: positions and the YAML tree that keeps them,
//! `{var}` templates, the typed field reader and load errors. Everything above
//! (check kinds, the loader, the engine) speaks it; it imports nothing above it.

pub mod error;
pub mod fields;
pub mod kind;
pub mod node;
pub mod pattern;
pub mod template;
