//! What a check sees at run time: the evaluation context, variables and flag facts.

pub mod flags;
pub mod vars;
