//! Parsers produce facts; checks judge them. Each module is pure (bytes in,
//! facts with positions out) and has table tests next to it.

pub mod dates;
pub mod encoding;
pub mod markdown;
