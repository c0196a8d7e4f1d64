//! One integration-test binary: real git repositories, the real `relgate` binary.
//! Files mirror the areas of `src/` (check kinds, views, policy loading, reports).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;
mod tools;

mod action;
mod checks;
mod cli;
mod github;
mod install_hook;
mod markdown;
mod policy_errors;
mod precommit;
mod reference;
mod sarif;
mod views;
