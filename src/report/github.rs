//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! `::error file=…,line=…,col=…,title=…::message` (`::warning`, `::notice` by
//! severity), placed from the finding's subject ([`Report::place`]): a finding about
//! the policy itself at the policy's definition when it is a file of the repository,
//! one about the repository (or a policy from a pack) without a file. Values are escaped exactly as `@actions/core` does (`toCommandValue`,
//! `escapeData`, `escapeProperty`): without it a `%0A` in a message or a `,` in a
//! path would be read as part of the command. The title names the policy; the
//! message is followed by the finding's help. A plain-text summary line ends the
//! output (lines that are not commands are ordinary log text).
//!
//! Repository text is first made inert for the log ([`crate::output::escape`]:
//! ESC, backspace and other controls escaped; CR and LF are then encoded by the
//! toolkit's rules), so no finding can colour, rewrite or forge log lines.
//!
//! GitHub shows at most [`PER_KIND`] error, warning and notice annotations per step
//! and drops the rest silently. So at most that many of each kind are emitted;
//! when some are left out, one notice says how many, and each of them is still
//! printed as a plain log line (all findings stay in the JSON and SARIF reports).
//! With `--base` the room goes first to the change's own findings, then to those in
//! files it touches, then to the rest ([`Report::live_new_first`]); the cap applies
//! after that order. Under `--new-only` a pre-existing finding that does not count
//! is a `::notice`, whatever its severity.

use super::Report;
use crate::finding::{Finding, Severity};
use crate::output::escape::{display, display_text};

/// Annotations of one kind GitHub shows per step.
pub const PER_KIND: usize = 10;

/// Controls escaped, CR and LF kept (the command encoding takes care of them): shared by
/// the workflow commands of GitHub and of Azure Pipelines.
pub(super) fn inert(s: &str) -> String {
    s.split('\r')
        .map(display_text)
        .collect::<Vec<_>>()
        .join("\r")
}

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
    if let super::Place::File { path, line, column } = r.place(f) {
        props.push(format!("file={}", escape_property(&display(path))));
        if let Some(line) = line {
            props.push(format!("line={line}"));
            if let Some(col) = column {
                props.push(format!("col={col}"));
            }
        }
    }
    let title = match r.policy_of(f) {
        Some(p) => format!("{}: {}", f.policy, p.title),
        None => f.policy.clone(),
    };
    props.push(format!("title={}", escape_property(&inert(&title))));
    let message = match &f.help {
        Some(help) => format!("{}\n{help}", f.message),
        None => f.message.clone(),
    };
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&inert(&message))
    )
}

/// A finding that gets no annotation, as a plain log line.
fn plain(f: &Finding) -> String {
    format!(
        "relgate: {} {} [{}] {}",
        f.severity.as_str(),
        display(&Report::about(f, true)),
        display(&f.policy),
        display(&f.message)
    )
}

/// A finding as annotated: under `--new-only`, a pre-existing one that does not count
/// is a notice that says so.
fn as_annotated<'a>(r: &Report, f: &'a Finding) -> std::borrow::Cow<'a, Finding> {
    if !r.pre_existing_not_counted(f) {
        return std::borrow::Cow::Borrowed(f);
    }
    let mut old = f.clone();
    old.severity = Severity::Note;
    old.message = format!(
        "pre-existing {} (the base has it too; --new-only does not count it): {}",
        f.severity.as_str(),
        f.message
    );
    std::borrow::Cow::Owned(old)
}

pub fn render(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if let Some(note) = r.baseline.as_ref().and_then(|b| b.note.as_deref()) {
        writeln!(out, "relgate: {}", display_text(note))?;
    }
    // The live findings in the order they get room (references only: each is made
    // into its annotation as it is written). Under --new-only a pre-existing one that
    // does not count is annotated as a notice.
    let live = r.live_new_first();
    let old = |f: &Finding| r.pre_existing_not_counted(f);
    let kind = |f: &Finding| if old(f) { Severity::Note } else { f.severity };
    let count = |s: Severity| live.iter().filter(|f| kind(f) == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let cut = errors > PER_KIND || warnings > PER_KIND || notes > PER_KIND;
    // The notice that counts the rest is a notice too: it takes one notice's place.
    let limit = |s: Severity| match s {
        Severity::Note if cut => PER_KIND - 1,
        _ => PER_KIND,
    };
    let mut shown = [0usize; 3];
    let mut left_out = Vec::new();
    for f in live {
        let n = &mut shown[kind(f) as usize];
        if *n < limit(kind(f)) {
            *n += 1;
            writeln!(out, "{}", annotation(r, &as_annotated(r, f)))?;
        } else {
            left_out.push(f);
        }
    }
    let left_out_count = left_out.len();
    if !left_out.is_empty() {
        let of = |s: Option<Severity>, one: &str, many: &str| {
            let n = left_out
                .iter()
                .filter(|f| match s {
                    Some(s) => !old(f) && kind(f) == s,
                    None => old(f),
                })
                .count();
            (n > 0).then(|| super::count(n, one, many))
        };
        let kinds: Vec<String> = [
            of(Some(Severity::Error), "error", "errors"),
            of(Some(Severity::Warning), "warning", "warnings"),
            of(Some(Severity::Note), "note", "notes"),
            of(None, "pre-existing", "pre-existing"),
        ]
        .into_iter()
        .flatten()
        .collect();
        writeln!(
            out,
            "::notice title={}::{}",
            escape_property("relgate: more findings than annotations"),
            escape_data(&format!(
                "{} more findings ({}) are not annotated: GitHub shows {PER_KIND} annotations of each kind per step. They are listed in this log below, and every finding is in the JSON and SARIF reports.",
                left_out.len(),
                kinds.join(", ")
            ))
        )?;
        for f in left_out {
            writeln!(out, "{}", plain(&as_annotated(r, f)))?;
        }
    }
    // Waived findings: a notice each (they fail nothing), after the live ones.
    for f in r.findings.iter().filter(|f| f.waived.is_some()) {
        let mut waived = f.clone();
        waived.severity = Severity::Note;
        if let Some(w) = &f.waived {
            waived.message = format!(
                "waived until {} ({}, approved by {}): {}",
                w.expires, w.reason, w.approved_by, f.message
            );
        }
        writeln!(out, "{}", annotation(r, &waived))?;
    }
    let s = r.summary();
    let not_selected = if s.not_selected > 0 {
        format!("; {} not selected", s.not_selected)
    } else {
        String::new()
    };
    let against = match (s.new, s.unchanged, s.fixed) {
        (Some(new), Some(old), Some(fixed)) => {
            format!("; against the base: {new} new, {old} pre-existing, {fixed} fixed")
        }
        _ => String::new(),
    };
    let not_counted = match s.not_counted {
        Some(n) if n > 0 => format!(
            "; {} not counted (--new-only)",
            super::count(n, "pre-existing finding", "pre-existing findings")
        ),
        _ => String::new(),
    };
    let not_annotated = if left_out_count > 0 {
        format!(
            "; {} got no annotation (listed above as log lines; every finding is in the job summary, --format json and SARIF)",
            super::count(left_out_count, "finding", "findings")
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "relgate: {}: {} passed, {} failed, {} skipped, {} waived; {}, {}, {}{not_selected}{against}{not_counted}{not_annotated}",
        super::count(s.policies, "policy", "policies"),
        s.passed,
        s.failed,
        s.skipped,
        s.waived,
        super::count(s.errors, "error", "errors"),
        super::count(s.warnings, "warning", "warnings"),
        super::count(s.notes, "note", "notes"),
    )
}

/// A run that could not evaluate: one error annotation without a file.
pub fn render_error(message: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "::error title={}::{}",
        escape_property("relgate: could not evaluate"),
        escape_data(&inert(message))
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
