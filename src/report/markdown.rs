//! `--format markdown`: a GitHub job summary or pull-request comment.
//!
//! A heading with the verdict (measured against `--fail-on`), a table of the
//! policies with their status, the findings with `file:line`, message and help,
//! then the counts. Text from policies and files is escaped so that a `|`, a
//! newline or Markdown/HTML syntax in a message cannot break the table or the
//! layout in GitHub's renderer.
//!
//! Repository text must not act on GitHub either: an `@name` would notify that user
//! or team, a bare URL or `www.` would become a live link, `#12` a reference. So a
//! zero-width joiner (U+200D) follows every `@` and the `#` before a digit, and sits
//! inside `://` and `www.`: the text reads the same and links nothing.
//!
//! With `--base` (or `--new-only`) the findings list leads with the change's own; the
//! pre-existing ones follow in a collapsed `<details>` section (those `--new-only` does
//! not count say so).
//!
//! GitHub drops a job summary over 1 MiB whole. The findings list stops before
//! [`BUDGET`] bytes with a line saying how many findings were left out (all of them
//! stay in the JSON and SARIF reports). The summary is written as it is made, the
//! bytes counted as they go.

/// Bytes the whole summary may take: under GitHub's 1 MiB per step, with room for
/// what the action adds.
pub const BUDGET: usize = 1024 * 1024 - 16 * 1024;

const ZWJ: char = '\u{200d}';

use super::{RenderOptions, Report};
use crate::engine::Status;
use crate::finding::Severity;
use crate::output::escape::escaped_char;

/// Escapes text for inline Markdown (GFM), including table cells: punctuation that
/// could start emphasis, links, code, HTML or a cell boundary is backslash-escaped
/// (CommonMark allows that before any ASCII punctuation); line breaks become `<br>`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push_str("\\#");
                out.push(ZWJ);
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                out.push(ZWJ);
            }
            ':' if s_rest_starts(&chars, "//") => {
                out.push_str(":/");
                out.push(ZWJ);
                chars.next();
            }
            'w' | 'W' if s_rest_starts_ci(&chars, "ww.") => {
                out.push(c);
                out.push(ZWJ);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            _ => match escaped_char(c) {
                Some(e) if c != '\t' => out.push_str(&e),
                _ => out.push(c),
            },
        }
    }
    out
}

fn s_rest_starts(chars: &std::iter::Peekable<std::str::Chars<'_>>, what: &str) -> bool {
    chars.clone().take(what.len()).eq(what.chars())
}

fn s_rest_starts_ci(chars: &std::iter::Peekable<std::str::Chars<'_>>, what: &str) -> bool {
    chars
        .clone()
        .take(what.len())
        .map(|c| c.to_ascii_lowercase())
        .eq(what.chars())
}

/// A code span, or escaped text when the value holds a backtick or a line break.
fn code(s: &str) -> String {
    if s.contains(['`', '\n', '\r', '|']) || s.chars().any(|c| escaped_char(c).is_some()) {
        escape(s)
    } else {
        format!("`{s}`")
    }
}

fn status_cell(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::Skip => "⏭️ skip",
        Status::Waived => "🔕 waived",
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn render(
    r: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut counted = Counted {
        out,
        len: 0,
        failed: None,
    };
    match summary(r, opts, &mut counted) {
        Ok(()) => Ok(()),
        Err(_) => Err(counted
            .failed
            .take()
            .unwrap_or_else(|| std::io::Error::other("cannot format the summary"))),
    }
}

/// The summary's writer: each piece goes to the report's writer as it is made, and
/// the bytes written so far are counted for the budget.
struct Counted<'w> {
    out: &'w mut dyn std::io::Write,
    len: usize,
    /// The writer's error, which `fmt::Write` cannot carry.
    failed: Option<std::io::Error>,
}

impl Counted<'_> {
    fn len(&self) -> usize {
        self.len
    }

    fn push_str(&mut self, s: &str) -> std::fmt::Result {
        std::fmt::Write::write_str(self, s)
    }
}

impl std::fmt::Write for Counted<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        match self.out.write_all(s.as_bytes()) {
            Ok(()) => {
                self.len += s.len();
                Ok(())
            }
            Err(e) => {
                self.failed = Some(e);
                Err(std::fmt::Error)
            }
        }
    }
}

fn summary(r: &Report, opts: &RenderOptions, out: &mut Counted<'_>) -> std::fmt::Result {
    use std::fmt::Write as _;
    let s = r.summary();
    let heading = if r.fails(opts.fail_on) {
        let n = r
            .findings
            .iter()
            .filter(|f| f.severity >= opts.fail_on && r.counts(f))
            .count();
        format!(
            "❌ relgate: failed ({} at or above {})",
            plural(n, "finding", "findings"),
            opts.fail_on.as_str()
        )
    } else if r.findings.is_empty() {
        "✅ relgate: passed".to_string()
    } else {
        format!(
            "⚠️ relgate: passed with {}",
            plural(r.findings.len(), "finding", "findings")
        )
    };
    writeln!(out, "## {heading}\n")?;
    // Where the policies, signers and waivers came from (the base, or a preview).
    writeln!(out, "_{}_\n", escape(&r.target.trusted.line()))?;
    if let Some(note) = r.baseline.as_ref().and_then(|b| b.note.as_deref()) {
        writeln!(out, "_{}_\n", escape(note))?;
    }
    if let (Some(new), Some(old), Some(fixed)) = (s.new, s.unchanged, s.fixed) {
        let not_counted = match s.not_counted {
            Some(n) if n > 0 => format!(" ({n} not counted: `--new-only`)"),
            _ => String::new(),
        };
        writeln!(
            out,
            "Against the base: **{new} new**, {old} pre-existing{not_counted}, {fixed} fixed.\n"
        )?;
    }
    if r.policies.is_empty() {
        writeln!(out, "No policies ran.\n")?;
    } else {
        writeln!(out, "| Policy | Title | Severity | Status |")?;
        writeln!(out, "|---|---|---|---|")?;
        for p in &r.policies {
            let n = r.findings.iter().filter(|f| f.policy == p.id).count();
            // --new-only: every live finding of it pre-existing and not counted.
            let mut live = r
                .findings
                .iter()
                .filter(|f| f.policy == p.id && f.waived.is_none())
                .peekable();
            let old_only = live.peek().is_some() && live.all(|f| r.pre_existing_not_counted(f));
            let status = match (p.status, &p.reason) {
                (Status::Fail, _) if old_only => format!(
                    "⏸️ pre-existing ({}, not counted)",
                    plural(n, "finding", "findings")
                ),
                (Status::Fail, _) => format!(
                    "{} ({})",
                    status_cell(p.status),
                    plural(n, "finding", "findings")
                ),
                (_, Some(reason)) => format!("{} ({})", status_cell(p.status), escape(reason)),
                _ => status_cell(p.status).to_string(),
            };
            // A `for_each` policy: each instance's verdict in the cell.
            let status = if p.instances.is_empty() {
                status
            } else {
                let each: Vec<String> = p
                    .instances
                    .iter()
                    .map(|i| format!("{} {}", escape(&i.path), i.status.as_str()))
                    .collect();
                format!("{status}: {}", each.join(", "))
            };
            writeln!(
                out,
                "| {} | {} | {} | {status} |",
                escape(&p.id),
                escape(&p.title),
                p.severity.as_str()
            )?;
        }
        writeln!(out)?;
    }
    let counts = format!(
        "**{}**: {} passed, {} failed, {} skipped, {} waived · {}, {}, {}",
        plural(s.policies, "policy", "policies"),
        s.passed,
        s.failed,
        s.skipped,
        s.waived,
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.notes, "note", "notes")
    );
    let counts = if s.not_selected > 0 {
        format!("{counts} · {} not selected", s.not_selected)
    } else {
        counts
    };
    if !r.findings.is_empty() {
        writeln!(out, "### Findings\n")?;
        // Room for the closing lines (the counts and the "left out" line).
        let mut room = BUDGET.saturating_sub(out.len() + counts.len() + 512);
        let mut shown = 0;
        let live = r.live_new_first();
        let old_from = live
            .iter()
            .position(|f| r.baseline_state(f) == Some("unchanged"))
            .unwrap_or(live.len());
        if old_from == 0 && !live.is_empty() {
            writeln!(
                out,
                "_None of its own: every finding below was already in the base._\n"
            )?;
        }
        let mut in_details = false;
        for (i, f) in live.iter().enumerate() {
            let mut item = String::new();
            if i == old_from {
                // The pre-existing findings, collapsed: the change did not bring them.
                let n = live.len() - old_from;
                let counted = if r.baseline.as_ref().is_some_and(|b| b.new_only) {
                    let not = live[old_from..]
                        .iter()
                        .filter(|f| r.pre_existing_not_counted(f))
                        .count();
                    format!(", {not} of them not counted (`--new-only`)")
                } else {
                    String::new()
                };
                item.push_str(&format!(
                    "\n<details><summary>{} the base already had{counted}</summary>\n\n",
                    plural(n, "pre-existing finding", "pre-existing findings")
                ));
            }
            item.push_str(&finding(f));
            if item.len() + 32 > room {
                break;
            }
            in_details |= i == old_from;
            room -= item.len();
            out.push_str(&item)?;
            shown += 1;
        }
        if in_details {
            writeln!(out, "\n</details>\n")?;
        }
        let live = r.findings.iter().filter(|f| f.waived.is_none()).count();
        if shown < live {
            writeln!(
                out,
                "- _{} more {} not shown: GitHub drops a job summary over 1 MiB. Every finding is in the JSON and SARIF reports._",
                live - shown,
                if live - shown == 1 {
                    "finding"
                } else {
                    "findings"
                }
            )?;
        }
        writeln!(out)?;
        // Waived findings: listed apart; they fail nothing.
        let waived: Vec<_> = r.findings.iter().filter(|f| f.waived.is_some()).collect();
        if !waived.is_empty() {
            writeln!(out, "### Waived\n")?;
            for f in waived {
                if let Some(w) = &f.waived {
                    // Drawn as waived, never with a failure mark: it fails nothing.
                    let item = finding_marked(f, status_cell(Status::Waived));
                    if item.len() + 256 > BUDGET.saturating_sub(out.len()) {
                        break;
                    }
                    out.push_str(&item)?;
                    out.push_str(&format!(
                        "  <br>_Waived until {}:_ {} (approved by {}, {})\n",
                        escape(&w.expires),
                        escape(&w.reason),
                        escape(&w.approved_by),
                        code(&format!("{}:{}", w.path, w.line))
                    ))?;
                }
            }
            writeln!(out)?;
        }
    }
    writeln!(out, "{counts}")
}

/// One finding of the list, with its help.
fn finding(f: &crate::finding::Finding) -> String {
    finding_marked(f, severity_icon(f.severity))
}

/// One finding as a list item, behind `mark`.
fn finding_marked(f: &crate::finding::Finding, mark: &str) -> String {
    use crate::finding::Subject;
    let place = match &f.subject {
        Subject::Line { path, line, .. } => code(&format!("{path}:{line}")),
        Subject::File(path) => code(path),
        Subject::Files(paths) => {
            let mut s = paths
                .iter()
                .take(3)
                .map(|p| code(p))
                .collect::<Vec<_>>()
                .join(", ");
            if paths.len() > 3 {
                s.push_str(&format!(" and {} more", paths.len() - 3));
            }
            s
        }
        Subject::Policy => format!("policy {}", code(&f.origin.to_string())),
        Subject::Repository => "(repository)".to_string(),
    };
    let mut item = format!(
        "- {} **{}** {place}: {}\n",
        mark,
        escape(&f.policy),
        escape(&f.message)
    );
    if let Some(help) = &f.help {
        item.push_str(&format!("  <br>_Help:_ {}\n", escape(help)));
    }
    item
}

/// A run that could not evaluate: the summary says so, with the error.
pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "## ⛔ relgate: could not evaluate\n\n{}\n\nNothing was checked; the gate fails closed.",
        escape(message)
    )
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_cells() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("one\r\ntwo\nthree"), "one<br>two<br>three");
        assert_eq!(escape("<script> *x*"), "\\<script\\> \\*x\\*");
        assert_eq!(escape("docs/a,b:c%.md"), "docs/a,b:c%.md");
    }

    #[test]
    fn mentions_links_and_references_are_inert() {
        let z = '\u{200d}';
        assert_eq!(escape("ping @org/team"), format!("ping @{z}org/team"));
        assert_eq!(
            escape("see https://evil.example/x and WWW.evil.example"),
            format!("see https:/{z}/evil.example/x and W{z}WW.evil.example")
        );
        assert_eq!(escape("fixes #12, #x"), format!("fixes \\#{z}12, \\#x"));
        assert_eq!(escape("a@b.example"), format!("a@{z}b.example"));
    }
}
