//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! `::error file=…,line=…,col=…,title=…::message` (`::warning`, `::notice` by
//! severity). Values are escaped exactly as `@actions/core` does (`toCommandValue`,
//! `escapeData`, `escapeProperty`): without it a `%0A` in a message or a `,` in a
//! path would be read as part of the command. The title names the policy; the
//! message is followed by the finding's help. A plain-text summary line ends the
//! output (lines that are not commands are ordinary log text).

use super::Report;
use crate::finding::{Finding, Severity};

/// Escapes a command's data (the message).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn annotation(r: &Report, f: &Finding) -> String {
    let mut props = Vec::new();
    if let Some(path) = &f.path {
        props.push(format!("file={}", escape_property(path)));
        if let Some(line) = f.line {
            props.push(format!("line={line}"));
            if let Some(col) = f.column {
                props.push(format!("col={col}"));
            }
        }
    }
    let title = match r.policies.iter().find(|p| p.id == f.policy) {
        Some(p) => format!("{}: {}", f.policy, p.title),
        None => f.policy.clone(),
    };
    props.push(format!("title={}", escape_property(&title)));
    let message = match &f.help {
        Some(help) => format!("{}\n{help}", f.message),
        None => f.message.clone(),
    };
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&message)
    )
}

pub fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &r.findings {
        writeln!(out, "{}", annotation(r, f))?;
    }
    let s = r.summary();
    writeln!(
        out,
        "relgate: {} policies: {} passed, {} failed, {} skipped, {} waived; {} errors, {} warnings, {} notes",
        s.policies, s.passed, s.failed, s.skipped, s.waived, s.errors, s.warnings, s.notes
    )
}

/// A run that could not evaluate: one error annotation without a file.
pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "::error title={}::{}",
        escape_property("relgate: could not evaluate"),
        escape_data(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("100%\r\na:b,c"), "100%25%0D%0Aa:b,c");
        assert_eq!(escape_property("100%\r\na:b,c"), "100%25%0D%0Aa%3Ab%2Cc");
        // `%` first, so an escape is never escaped twice.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
