//! The test cases shipped with each pack (`policies/tests/<pack>/`), embedded in the
//! binary so that `relgate test --pack NAME` runs them anywhere: a build of relgate can
//! prove its packs still fail where they must. `include_dir` embeds the folder; the
//! cases are written to a temporary folder and run like any other.

use include_dir::{Dir, include_dir};
use std::path::Path;

static BILLING_GATEWAY_DR: Dir<'_> =
    include_dir!("$CARGO_MANIFEST_DIR/policies/tests/billing-gateway-dr");

static TESTS: &[(&str, &Dir<'_>)] = &[("billing-gateway-dr", &BILLING_GATEWAY_DR)];

/// Whether `pack` ships test cases.
pub(super) fn has_tests(pack: &str) -> bool {
    TESTS.iter().any(|(n, _)| *n == pack)
}

/// Writes the cases of `pack` into `dest` (which must exist).
pub(super) fn extract(pack: &str, dest: &Path) -> std::io::Result<()> {
    match TESTS.iter().find(|(n, _)| *n == pack) {
        Some((_, dir)) => dir.extract(dest),
        None => Ok(()),
    }
}
