//! `section:` of the text-scanning kinds: a heading's text, or `{matches: REGEX}`.

use super::Fields;
use crate::lang::kind::{Param, Ty};
use crate::lang::pattern::SectionSpec;
use crate::parse::value::Kind;

/// The keys of `section: {matches: REGEX}`.
pub(crate) static SECTION_PARAMS: &[Param] = &[Param {
    name: "matches",
    ty: Ty::Regex,
    required: true,
    doc: "The first heading whose text (without the `#`s) this regex matches, searched anywhere in the text (anchor it with `^…$`); `{var}` values are matched literally.",
}];

impl Fields<'_, '_> {
    /// A [`Ty::Section`]: the heading's text (templated), or `{matches: REGEX}`.
    pub(crate) fn section(&mut self, name: &'static str) -> Option<SectionSpec> {
        let node = self.node(name)?;
        if !matches!(node.kind, Kind::Object(_)) {
            return self.text(name).map(SectionSpec::Title);
        }
        let what = self.label(name);
        let mut inner = Fields::new(self.lx, node, SECTION_PARAMS, None, what)?;
        let re = inner.regex("matches");
        inner.finish();
        re.map(SectionSpec::Matches)
    }
}
