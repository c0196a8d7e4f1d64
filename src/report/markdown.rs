//! `--format markdown`: a GitHub job summary or pull-request comment.
//!
//! A heading with the verdict (measured against `--fail-on`), a table of the
//! policies with their status, the findings with `file:line`, message and help,
//! then the counts. Text from policies and files is escaped so that a `|`, a
//! newline or Markdown/HTML syntax in a message cannot break the table or the
//! layout in GitHub's renderer.

use super::{RenderOptions, Report};
use crate::engine::Status;
use crate::finding::Severity;

/// Escapes text for inline Markdown (GFM), including table cells: punctuation that
/// could start emphasis, links, code, HTML or a cell boundary is backslash-escaped
/// (CommonMark allows that before any ASCII punctuation); line breaks become `<br>`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

/// A code span, or escaped text when the value holds a backtick or a line break.
fn code(s: &str) -> String {
    if s.contains(['`', '\n', '\r', '|']) {
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
    let s = r.summary();
    let heading = if r.fails(opts.fail_on) {
        let n = r
            .findings
            .iter()
            .filter(|f| f.severity >= opts.fail_on)
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
    if r.policies.is_empty() {
        writeln!(out, "No policies ran.\n")?;
    } else {
        writeln!(out, "| Policy | Title | Severity | Status |")?;
        writeln!(out, "|---|---|---|---|")?;
        for p in &r.policies {
            let n = r.findings.iter().filter(|f| f.policy == p.id).count();
            let status = match (p.status, &p.reason) {
                (Status::Fail, _) => format!(
                    "{} ({})",
                    status_cell(p.status),
                    plural(n, "finding", "findings")
                ),
                (_, Some(reason)) => format!("{} ({})", status_cell(p.status), escape(reason)),
                _ => status_cell(p.status).to_string(),
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
    if !r.findings.is_empty() {
        writeln!(out, "### Findings\n")?;
        for f in &r.findings {
            let place = match (&f.path, f.line) {
                (Some(path), Some(line)) => code(&format!("{path}:{line}")),
                (Some(path), None) => code(path),
                (None, _) => "(repository)".to_string(),
            };
            writeln!(
                out,
                "- {} **{}** {place}: {}",
                severity_icon(f.severity),
                escape(&f.policy),
                escape(&f.message)
            )?;
            if let Some(help) = &f.help {
                writeln!(out, "  <br>_Help:_ {}", escape(help))?;
            }
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "**{}**: {} passed, {} failed, {} skipped, {} waived · {}, {}, {}",
        plural(s.policies, "policy", "policies"),
        s.passed,
        s.failed,
        s.skipped,
        s.waived,
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.notes, "note", "notes")
    )
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
}
