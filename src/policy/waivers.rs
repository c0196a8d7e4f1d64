//! `waivers:`: a reviewed, expiring exception to a policy, written in a policy file
//! (so it comes from the trusted tree, like the policy it waives).
//!
//! ```yaml
//! waivers:
//!   - policy: DR-005
//!     paths: ['quality/observability/runbooks/**']   # only findings at these paths
//!     reason: New DR site, OPS-1234
//!     approved_by: Ana <ana@example.com>
//!     expires: 2024-08-01                            # end of that day, UTC
//! ```
//!
//! Loading checks what needs no clock (required fields, a known policy that may be
//! waived); [`check_horizon`] checks `expires` against `--now` and `waiver_max_days`.

use super::PolicySet;
use crate::lang::error::{Code, LoadError, LoadErrors, PolicyFile, did_you_mean};
use crate::lang::fields::{Fields, LoadCx};
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::glob;
use crate::parse::value::{Kind, Span, Value};
use std::sync::Arc;

pub(crate) static WAIVER_PARAMS: &[Param] = &[
    Param {
        name: "policy",
        ty: Ty::Id,
        required: true,
        doc: "The id of the policy waived.",
    },
    Param {
        name: "paths",
        ty: Ty::Globs,
        required: false,
        doc: "Only findings at these paths or globs are waived (default: every finding of the policy).",
    },
    Param {
        name: "reason",
        ty: Ty::Text,
        required: true,
        doc: "Why the exception is acceptable (a ticket, a plan).",
    },
    Param {
        name: "approved_by",
        ty: Ty::Text,
        required: true,
        doc: "Who approved it: `Name <email>`.",
    },
    Param {
        name: "expires",
        ty: Ty::Text,
        required: true,
        doc: "`YYYY-MM-DD`: the waiver holds until the end of that day (UTC), at most `waiver_max_days` after `--now`.",
    },
];

/// Days a waiver may reach into the future unless a file's `waiver_max_days:` says otherwise.
pub(crate) const DEFAULT_MAX_DAYS: i64 = 90;

/// One waiver, as written.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub(crate) policy: String,
    pub(crate) policy_span: Span,
    /// `(glob text, matcher)`; `None`: every finding of the policy.
    pub(crate) paths: Option<Vec<(String, globset::GlobMatcher)>>,
    pub(crate) reason: String,
    pub(crate) approved_by: String,
    pub(crate) expires: jiff::civil::Date,
    pub(crate) expires_span: Span,
    pub(crate) file: Arc<PolicyFile>,
    /// Where the waiver starts (its `- policy:` item).
    pub(crate) span: Span,
}

impl Waiver {
    /// The end of the `expires` day, UTC.
    pub(crate) fn end(&self) -> jiff::Timestamp {
        let next = self.expires.tomorrow().unwrap_or(self.expires);
        jiff::tz::Offset::UTC
            .to_timestamp(next.to_datetime(jiff::civil::Time::midnight()))
            .unwrap_or(jiff::Timestamp::MAX)
    }

    /// Whether it covers a finding at `path`.
    pub(crate) fn covers(&self, path: Option<&str>) -> bool {
        match (&self.paths, path) {
            (None, _) => true,
            (Some(globs), Some(p)) => globs.iter().any(|(_, g)| g.is_match(p)),
            (Some(_), None) => false,
        }
    }
}

/// Reads a file's `waivers:` list.
pub(super) fn load_waivers(lx: &mut LoadCx, node: &Value, set: &mut PolicySet) {
    let Kind::Array(items) = &node.kind else {
        lx.wrong_type(node, "'waivers'", "a list of waivers");
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let Some(mut f) = Fields::new(lx, item, WAIVER_PARAMS, None, format!("waiver {}", i + 1))
        else {
            continue;
        };
        let policy_node = f.node("policy");
        let policy = f.string("policy");
        let paths = f.node("paths");
        let reason = f.string("reason");
        let approved_by = f.string("approved_by");
        let expires_node = f.node("expires");
        f.finish();
        for (name, value, n) in [
            ("reason", &reason, item.get("reason")),
            ("approved_by", &approved_by, item.get("approved_by")),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                lx.error(
                    Code::BadValue,
                    n.map(|n| n.span).unwrap_or(item.span),
                    format!("the '{name}' of a waiver must not be empty"),
                );
            }
        }
        let globs = paths.and_then(|p| waiver_globs(lx, p));
        let expires = expires_node.and_then(|n| {
            let text = n.text().unwrap_or_default();
            let date = crate::parse::dates::is_iso_date(&text)
                .then(|| text.parse::<jiff::civil::Date>().ok())
                .flatten();
            if date.is_none() {
                lx.error(
                    Code::BadValue,
                    n.span,
                    format!("'expires' must be a date YYYY-MM-DD, found '{text}'"),
                )
                .label = "not a date".into();
            }
            date.map(|d| (d, n.span))
        });
        if let (Some(policy), Some(pn), Some(reason), Some(approved_by), Some((expires, es))) =
            (policy, policy_node, reason, approved_by, expires)
        {
            set.waivers.push(Waiver {
                policy,
                policy_span: pn.span,
                paths: match paths {
                    Some(_) => match globs {
                        Some(g) => Some(g),
                        None => continue,
                    },
                    None => None,
                },
                reason,
                approved_by,
                expires,
                expires_span: es,
                file: lx.file.clone(),
                span: item.span,
            });
        }
    }
}

fn waiver_globs(lx: &mut LoadCx, node: &Value) -> Option<Vec<(String, globset::GlobMatcher)>> {
    let items: Vec<&Value> = match &node.kind {
        Kind::Array(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for it in items {
        let Some(text) = it.text() else {
            lx.wrong_type(it, "a path of a waiver", "a string");
            return None;
        };
        match glob(&text) {
            Ok(g) => out.push((text, g)),
            Err(e) => {
                lx.error(
                    Code::BadGlob,
                    it.span,
                    format!("invalid glob '{text}': {}", e.kind()),
                );
                return None;
            }
        }
    }
    Some(out)
}

/// Waivers for unknown policies, or for policies that may not be waived.
pub(super) fn check_targets(set: &PolicySet, errors: &mut Vec<LoadError>) {
    for w in &set.waivers {
        match set.policies.iter().find(|p| p.id == w.policy) {
            None => {
                let ids: Vec<&str> = set.policies.iter().map(|p| p.id.as_str()).collect();
                errors.push(
                    LoadError::new(
                        Code::UnknownPolicy,
                        &w.file,
                        w.policy_span,
                        format!("waiver for unknown policy '{}'", w.policy),
                    )
                    .label("no such policy")
                    .help(
                        did_you_mean(&w.policy, ids.iter().copied())
                            .unwrap_or_else(|| "a waiver names the id of a loaded policy".into()),
                    ),
                );
            }
            Some(p) if !p.waivable => errors.push(
                LoadError::new(
                    Code::BadValue,
                    &w.file,
                    w.policy_span,
                    format!(
                        "policy {} may not be waived (waivable: false); remove this waiver",
                        w.policy
                    ),
                )
                .label("not waivable")
                .help(format!(
                    "fix what {} reports instead; it is defined at {}",
                    w.policy, p.origin
                )),
            ),
            Some(_) => {}
        }
    }
}

/// Days since 1970-01-01 of a date (UTC).
pub(crate) fn epoch_day(d: jiff::civil::Date) -> i64 {
    jiff::tz::Offset::UTC
        .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .map(|t| t.as_second().div_euclid(86_400))
        .unwrap_or(0)
}

/// Waivers that reach further than `waiver_max_days` (default 90) after `now`.
pub(crate) fn check_horizon(set: &PolicySet, now: jiff::Timestamp) -> Result<(), LoadErrors> {
    let max = set.waiver_max_days.unwrap_or(DEFAULT_MAX_DAYS);
    let today = crate::parse::dates::day_of(now);
    let mut errors = Vec::new();
    for w in &set.waivers {
        let days = epoch_day(w.expires) - epoch_day(today);
        if days > max {
            errors.push(
                LoadError::new(
                    Code::BadValue,
                    &w.file,
                    w.expires_span,
                    format!(
                        "waiver for {} expires {} days from now, beyond the {max}-day horizon",
                        w.policy, days
                    ),
                )
                .label("too far ahead")
                .help(format!(
                    "waive for at most {max} days and review it again then (a file's 'waiver_max_days:' sets the horizon)"
                )),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(LoadErrors(errors))
    }
}
