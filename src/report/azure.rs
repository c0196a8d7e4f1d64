//! `--format azure`: Azure Pipelines logging commands, one issue per finding.
//!
//! `##vso[task.logissue type=error;sourcepath=…;linenumber=…;columnnumber=…;code=ID]ID: message`
//! (`type=warning` for a warning), placed from the finding's subject
//! ([`Report::place`]): paths from the repository root, a finding without a file
//! without `sourcepath`. Azure has no notice level: notes and waived findings (which
//! fail nothing) are plain log lines, as is the closing summary.
//!
//! Values are escaped as the Azure Pipelines task library does (`escapedata` and
//! `escape` of `azure-pipelines-task-lib`): in the message `%` is `%AZP25`, CR `%0D`,
//! LF `%0A`; in a property `;` is also `%3B` and `]` `%5D`. `%` first and as
//! `%AZP25` (not `%25`), so no escape in the text can be read back as another
//! character. Repository text is first made inert ([`crate::output::escape`]:
//! ESC and other controls become `\xHH`; CR and LF are then encoded). The agent
//! reads `##vso[` anywhere in a line, so in a plain log line it is written
//! `##vso\[`, and a line starting `##[` (a formatting command) gets a leading `\`.

use super::{Place, Report};
use crate::finding::{Finding, Severity};
use crate::output::escape::display;

use super::github::inert;

/// Escapes a command's data (the message).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(';', "%3B").replace(']', "%5D")
}

/// A log line that is not a command: inert, and no command can start in it.
pub fn plain(s: &str) -> String {
    let line = display(s).replace("##vso[", "##vso\\[");
    if line.trim_start().starts_with("##[") {
        format!("\\{}", line.trim_start())
    } else {
        line
    }
}

fn issue(r: &Report, f: &Finding) -> String {
    let kind = match f.severity {
        Severity::Error => "error",
        _ => "warning",
    };
    let mut props = vec![format!("type={kind}")];
    if let Place::File { path, line, column } = r.place(f) {
        props.push(format!("sourcepath={}", escape_property(&display(path))));
        if let Some(line) = line {
            props.push(format!("linenumber={line}"));
            if let Some(col) = column {
                props.push(format!("columnnumber={col}"));
            }
        }
    }
    props.push(format!("code={}", escape_property(&display(&f.policy))));
    let mut message = format!("{}: {}", f.policy, f.message);
    if matches!(r.place(f), Place::Nowhere) {
        message = format!("{message} ({})", Report::about(f, true));
    }
    if let Some(help) = &f.help {
        message = format!("{message}\n{help}");
    }
    format!(
        "##vso[task.logissue {}]{}",
        props.join(";"),
        escape_data(&inert(&message))
    )
}

/// A finding that gets no issue (a note, a waived finding), as a plain log line.
fn line(f: &Finding) -> String {
    let waived = f
        .waived
        .as_ref()
        .map(|w| {
            format!(
                "waived until {} ({}, approved by {}): ",
                w.expires, w.reason, w.approved_by
            )
        })
        .unwrap_or_default();
    plain(&format!(
        "relgate: {} {} [{}] {waived}{}",
        f.severity.as_str(),
        Report::about(f, true),
        f.policy,
        f.message
    ))
}

pub fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // The issues, then the plain lines: two passes, each line written as it is made.
    let is_issue = |f: &Finding| r.counts(f) && f.severity > Severity::Note;
    for f in r.findings.iter().filter(|f| is_issue(f)) {
        writeln!(out, "{}", issue(r, f))?;
    }
    for f in r.findings.iter().filter(|f| !is_issue(f)) {
        writeln!(out, "{}", line(f))?;
    }
    let s = r.summary();
    writeln!(
        out,
        "relgate: {} policies: {} passed, {} failed, {} skipped, {} waived; {} errors, {} warnings, {} notes",
        s.policies, s.passed, s.failed, s.skipped, s.waived, s.errors, s.warnings, s.notes
    )
}

/// A run that could not evaluate: one error issue without a file.
pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "##vso[task.logissue type=error;code=relgate]{}",
        escape_data(&inert(&format!("relgate could not evaluate: {message}")))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_azure_task_library() {
        assert_eq!(escape_data("100%\r\na;b]c"), "100%AZP25%0D%0Aa;b]c");
        assert_eq!(escape_property("100%\r\na;b]c"), "100%AZP25%0D%0Aa%3Bb%5Dc");
        // `%` first, so an escape in the text is never read back as its character.
        assert_eq!(escape_data("%0A%3B"), "%AZP250A%AZP253B");
    }

    #[test]
    fn plain_lines_carry_no_command() {
        assert_eq!(
            plain("x ##vso[task.setvariable variable=a]b"),
            "x ##vso\\[task.setvariable variable=a]b"
        );
        assert_eq!(plain("  ##[error]x"), "\\##[error]x");
        assert_eq!(plain("a\nb\x1b"), "a\\x0ab\\x1b");
    }
}
