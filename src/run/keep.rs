//! What a flag's scan keeps for later: the flag's config files are read while the
//! variables are worked out, before any check runs, and a file that a check reads
//! too (a `matches` over `**/*.yaml`, a `data` check on a config file) would be read
//! a second time if the scan let it go. The scan keeps, in the read cache (within its
//! budget), every file that some check of the run may read: the file templates of
//! every policy ([`Keep`]), matched with the values the variables have so far and
//! anything for the others. Keeping more than needed costs only cache room; keeping
//! less, a second read.

use crate::eval::keep::Keep;
use crate::eval::vars::VarKind;
use crate::policy::PolicySet;

/// The files a flag's scan keeps, or `None` when the run has no flag to scan.
pub(super) fn keep_for(set: &PolicySet) -> Option<Keep> {
    if !set.vars.iter().any(|v| matches!(v.kind, VarKind::Flag(_))) {
        return None;
    }
    let mut keep = Keep::default();
    for check in set.policies.iter().flat_map(|p| p.checks()) {
        if let Some(files) = check.per_file().and_then(|p| p.files()) {
            for t in &files.include {
                keep.0.push((t.clone(), true, files.ignore_case));
            }
        }
        for t in check.named_templates() {
            keep.0.push((t.clone(), false, false));
        }
    }
    (!keep.0.is_empty()).then_some(keep)
}
