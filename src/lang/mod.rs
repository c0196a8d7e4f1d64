//! The policy language's vocabulary: reading a policy file into the value tree
//! that keeps positions ([`document`]), `{var}` templates ([`template`]), parameter tables ([`kind`]), paths,
//! globs and regexes as written ([`pattern`]), the typed field reader ([`fields`])
//! and load errors ([`error`]). Everything above
//! (check kinds, the loader, the engine) speaks it; it imports nothing above it.

pub(crate) mod document;
pub(crate) mod error;
pub(crate) mod fields;
pub(crate) mod kind;
pub(crate) mod pattern;
pub(crate) mod template;
