//! Stages: `--only TAG|ID` and `--skip TAG|ID` choose which policies of a set run.
//!
//! A word names a policy when it is the policy's id or one of its `tags:`. With `--only`,
//! a policy runs when some `--only` word names it; every `--skip` word then removes the
//! policies it names. A word that names no policy of the set (a typo: `--skip cj`) is an
//! error, never an empty selection: a gate that silently runs nothing would pass.

use super::PolicySet;
use crate::lang::error::{Code, LoadError, LoadErrors, did_you_mean};

/// `--only` and `--skip` as given (each repeatable).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Stages<'a> {
    pub only: &'a [String],
    pub skip: &'a [String],
}

impl Stages<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.only.is_empty() && self.skip.is_empty()
    }
}

/// Removes the policies `stages` leaves out of `set`; returns their ids, in policy order.
/// A word that is neither a tag nor a policy id of the set is an error (with the nearest
/// tag or id as a suggestion).
pub(crate) fn select(set: &mut PolicySet, stages: Stages) -> Result<Vec<String>, LoadErrors> {
    if stages.is_empty() {
        return Ok(Vec::new());
    }
    let mut words: Vec<&str> = Vec::new();
    for p in &set.policies {
        words.push(&p.id);
        words.extend(p.tags.iter().map(String::as_str));
    }
    words.sort_unstable();
    words.dedup();
    let mut errors = Vec::new();
    for (flag, given) in [("--only", stages.only), ("--skip", stages.skip)] {
        for w in given {
            if words.binary_search(&w.as_str()).is_err() {
                let tags: Vec<&str> = set
                    .policies
                    .iter()
                    .flat_map(|p| p.tags.iter().map(String::as_str))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let help = suggest(w, &words).unwrap_or_else(|| {
                    if tags.is_empty() {
                        "no policy has tags: give one 'tags: [ci]' or name a policy id".into()
                    } else {
                        format!("tags: {}", tags.join(", "))
                    }
                });
                errors.push(
                    LoadError::global(
                        Code::UnknownPolicy,
                        format!("{flag} {w}: no policy has the tag or id '{w}'"),
                    )
                    .help(help),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors(errors));
    }
    let names = |p: &super::Policy, w: &String| p.id == *w || p.tags.contains(w);
    let mut left_out = Vec::new();
    set.policies.retain(|p| {
        let keep = (stages.only.is_empty() || stages.only.iter().any(|w| names(p, w)))
            && !stages.skip.iter().any(|w| names(p, w));
        if !keep {
            left_out.push(p.id.clone());
        }
        keep
    });
    Ok(left_out)
}

/// The nearest tag or id: Jaro-Winkler as for every other name, else one edit away (tags
/// are short: `cj` for `ci` scores too low on Jaro-Winkler alone).
fn suggest(word: &str, words: &[&str]) -> Option<String> {
    did_you_mean(word, words.iter().copied()).or_else(|| {
        words
            .iter()
            .map(|c| (strsim::osa_distance(word, c), *c))
            .filter(|(d, _)| *d == 1)
            .min()
            .map(|(_, c)| format!("did you mean '{c}'?"))
    })
}
