//! Policy packs shipped inside the binary.

static PACKS: &[(&str, &str)] = &[(
    "billing-gateway-dr",
    include_str!("../../policies/billing-gateway-dr.yaml"),
)];

pub(crate) fn get(name: &str) -> Option<&'static str> {
    PACKS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

pub(crate) fn names() -> Vec<&'static str> {
    PACKS.iter().map(|(n, _)| *n).collect()
}

/// How a pack's file is named in diagnostics.
pub(crate) fn file_name(name: &str) -> String {
    format!("pack:{name}")
}

/// Whether a policy file name is a pack's ([`file_name`]).
pub(crate) fn is_file_name(name: &str) -> bool {
    name.strip_prefix("pack:").is_some_and(|n| get(n).is_some())
}
