//! One integration-test binary: real git repositories, the real `relgate` binary.
//! Files mirror the areas of `src/` (check kinds, views, policy loading, reports).

#![allow(clippy::expect_used, clippy::unwrap_used)]
// `pub` here shares helpers between the test files of this one binary.
#![allow(unreachable_pub)]

mod common;

mod action;
mod answers;
mod attach;
mod attest;
mod base_values;
mod baseline;
mod captures;
mod case_attach;
mod changes;
mod checks;
mod ci_formats;
mod ci_templates;
mod cli;
mod data;
mod deadline;
mod distribution;
mod fingerprints;
mod first_run;
mod flag;
mod flag_forms;
mod for_each;
mod formats;
mod from_root;
mod git_packs;
mod github;
mod hermetic;
mod hostile;
mod hostile3;
mod human;
mod install_hook;
mod junit;
mod kinds;
mod markdown;
mod names;
mod narrowing;
mod new_only;
mod new_only_head;
mod optional_data;
mod pack;
mod policy_errors;
mod precommit;
mod reference;
mod sarif;
mod scan;
mod sections;
mod signature;
mod stages;
mod stats;
mod subjects;
mod test_cmd;
mod tools;
mod trust;
mod vars;
mod views;
mod waivers;
mod workflows;
