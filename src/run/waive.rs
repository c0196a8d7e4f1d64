//! Applying waivers to a run's outcomes.
//!
//! A live waiver marks the findings it covers (they stay in every report and never
//! fail the run); a policy whose every finding is covered is `waived`. An expired
//! waiver applies to nothing and is itself a finding of the policy's severity at the
//! waiver; one that expires within [`SOON_DAYS`] days, or covers no finding, is a
//! warning there.

use crate::engine::{PolicyOutcome, Status};
use crate::finding::{Finding, Severity, Subject, WaivedBy};
use crate::policy::PolicySet;
use crate::policy::waivers::{Waiver, epoch_day};

/// A live waiver this close to its end is a warning.
pub(crate) const SOON_DAYS: i64 = 14;

pub(crate) fn apply(set: &PolicySet, outcomes: &mut [PolicyOutcome], now: jiff::Timestamp) {
    if set.waivers.is_empty() {
        return;
    }
    let today = epoch_day(crate::parse::dates::day_of(now));
    for (p, o) in set.policies.iter().zip(outcomes.iter_mut()) {
        let waivers: Vec<&Waiver> = set.waivers.iter().filter(|w| w.policy == p.id).collect();
        if waivers.is_empty() {
            continue;
        }
        let finding = |w: &Waiver, severity: Severity, message: String, help: &str| Finding {
            policy: p.id.clone(),
            severity,
            message,
            subject: Subject::Line {
                path: w.file.name.clone(),
                line: w.span.line,
                column: Some(w.span.column),
            },
            help: Some(help.to_string()),
            // The waiver's line as the trusted tree has it (not the checked tree's file).
            snippet: w.file.text.lines().nth(w.span.line - 1).map(|l| {
                let column = w.span.column.saturating_sub(1);
                crate::report::snippet::excerpt_from(l.as_bytes(), column, None).text
            }),
            origin: p.origin.clone(),
            waived: None,
            instance: None,
            fingerprint: String::new(),
        };
        let mut extra = Vec::new();
        let mut live = Vec::new();
        let mut expired = false;
        for w in waivers {
            if w.end() <= now {
                expired = true;
                extra.push(finding(
                    w,
                    p.severity,
                    format!(
                        "waiver for {} expired on {}; it no longer applies",
                        p.id, w.expires
                    ),
                    "Fix what the policy reports, or renew the waiver after a new review (new 'expires', 'approved_by').",
                ));
            } else {
                live.push((w, false));
            }
        }
        for f in o.findings.iter_mut() {
            if let Some((w, used)) = live.iter_mut().find(|(w, _)| w.covers(f.path())) {
                *used = true;
                f.waived = Some(WaivedBy {
                    reason: w.reason.clone(),
                    approved_by: w.approved_by.clone(),
                    expires: w.expires.to_string(),
                    path: w.file.name.clone(),
                    line: w.span.line,
                });
            }
        }
        for (w, used) in &live {
            if !used {
                let message = if o.findings.is_empty() {
                    format!("stale waiver: {} passes without it", p.id)
                } else {
                    format!(
                        "stale waiver: it covers none of the findings of {} (paths: {})",
                        p.id,
                        w.paths
                            .as_ref()
                            .map(|g| g
                                .iter()
                                .map(|(t, _)| t.as_str())
                                .collect::<Vec<_>>()
                                .join(", "))
                            .unwrap_or_default()
                    )
                };
                extra.push(finding(
                    w,
                    Severity::Warning,
                    message,
                    "Remove the waiver: nothing needs it.",
                ));
                continue;
            }
            let left = epoch_day(w.expires) - today;
            if left < SOON_DAYS {
                extra.push(finding(
                    w,
                    Severity::Warning,
                    format!(
                        "waiver for {} expires on {} (in {} day{})",
                        p.id,
                        w.expires,
                        left.max(0),
                        if left == 1 { "" } else { "s" }
                    ),
                    "Fix what the policy reports before then, or renew the waiver after a new review.",
                ));
            }
        }
        let covered: Vec<&WaivedBy> = o
            .findings
            .iter()
            .filter_map(|f| f.waived.as_ref())
            .collect();
        let all_covered = !o.findings.is_empty() && covered.len() == o.findings.len();
        if all_covered && !expired {
            o.status = Status::Waived;
            let w = covered[0];
            o.reason = Some(format!(
                "waived until {}: {} (approved by {}, {}:{})",
                w.expires, w.reason, w.approved_by, w.path, w.line
            ));
        } else if expired {
            o.status = Status::Fail;
        }
        // The run sorts every finding together, once.
        o.findings.extend(extra);
    }
}
