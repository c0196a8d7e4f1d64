//! What relgate writes: report files (never through a link) and text for a terminal
//! or a job log (never a control character from the repository).

pub mod escape;
pub mod file;
pub mod term;

pub use escape::{display, display_path};
pub use file::{WriteError, write_file};
