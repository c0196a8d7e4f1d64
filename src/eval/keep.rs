//! What a flag's scan keeps for the checks that read after it ([`Keep`]): a flag's
//! config files are read while the variables are worked out, before any check runs,
//! and a file a check reads too is kept in the read cache from that read instead of
//! being read again (see `run::keep`, which gathers the templates).

use super::vars::Vars;
use crate::lang::template::Template;

/// The files checks may read once the variables are known: every file template of the
/// policies, each a glob (`true`) or a path, and whether it ignores case.
#[derive(Debug, Clone, Default)]
pub struct Keep(pub Vec<(Template, bool, bool)>);

impl Keep {
    /// A glob set matching every config file the templates can name: a variable with a
    /// value so far stands for it, any other for anything (`*` matches `/` here). A
    /// template whose file name says it is no config file (`docs/**/*.md`) is left out;
    /// `None` when none is left, so that the scan matches nothing per file.
    pub(super) fn globs(&self, vars: &Vars) -> Option<globset::GlobSet> {
        let known = |name: &str| vars.peek(name).map(str::to_string);
        let mut b = globset::GlobSetBuilder::new();
        let mut any = false;
        for (t, glob, ignore_case) in &self.0 {
            let over = t.glob_over(*glob, &known);
            if !could_be_config(&over) {
                continue;
            }
            any = true;
            let built = globset::GlobBuilder::new(&over)
                .literal_separator(false)
                .backslash_escape(true)
                .case_insensitive(*ignore_case)
                .build()
                // A glob that does not build is refused where its check renders it;
                // here it keeps everything rather than nothing.
                .or_else(|_| {
                    globset::GlobBuilder::new("*")
                        .literal_separator(false)
                        .build()
                })
                .ok()?;
            b.add(built);
        }
        if !any {
            return None;
        }
        b.build().ok()
    }
}

/// Whether a glob (as [`Keep::globs`] builds it) can match a config file a flag scans:
/// false only when its file name is literal (escapes aside), or `*.` and a literal
/// extension, and that name is no config file's.
fn could_be_config(glob: &str) -> bool {
    let name = glob.rsplit('/').next().unwrap_or(glob);
    let probe = match name.strip_prefix("*.").map(literal) {
        Some(Some(ext)) => format!("x.{ext}"),
        _ => match literal(name) {
            Some(name) => name,
            None => return true,
        },
    };
    crate::parse::assign::config_format_for_path(&probe).is_some()
}

/// The text a glob part matches when it matches one text only (`dr\-checklist.md`:
/// `dr-checklist.md`), else `None`.
fn literal(part: &str) -> Option<String> {
    let mut out = String::with_capacity(part.len());
    let mut chars = part.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '*' | '?' | '[' | ']' | '{' | '}' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a file name that says it is no config file rules a glob out.
    #[test]
    fn globs_whose_names_are_no_config_file_are_left_out() {
        for (glob, could) in [
            ("docs/**/*.md", false),
            ("releases/*/README.md", false),
            ("*/evidence/real_gateway.xml", false),
            ("releases/ledger.json", true),
            ("**/*.yaml", true),
            ("**/*.YML", true),
            ("svc/Dockerfile", true),
            ("**/.env.*", true),
            ("config/*", true),
            ("a/*.{md,yaml}", true),
            ("a/[x].md", true),
            ("a/\\*.md", false),
            ("docs/support/dr\\-checklist.md", false),
            ("a/b\\-c.yaml", true),
            ("a/b\\", true),
            ("*", true),
        ] {
            assert_eq!(could_be_config(glob), could, "{glob}");
        }
    }
}
