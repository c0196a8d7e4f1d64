//! The human report's first line (what was judged) and its closing summary (waived
//! findings, one verdict line per policy, the counts).

use super::*;

/// The first line: what was judged, against what, with which variables (escaped).
pub(super) fn judged(r: &Report) -> String {
    use crate::repo::SourceKind;
    let t = &r.target;
    let short = |c: &str| c[..c.len().min(12)].to_string();
    let at_head = t
        .rev
        .as_deref()
        .map_or(" (no commit yet)".to_string(), |c| {
            format!(" at HEAD {}", short(c))
        });
    let mut line = match t.source {
        SourceKind::Worktree => format!("judged: the working tree{at_head}"),
        SourceKind::Staged => format!("judged: the index (staged){at_head}"),
        SourceKind::Rev => format!(
            "judged: commit {}",
            t.rev.as_deref().map_or("?".to_string(), short)
        ),
    };
    if t.path != "." {
        line.push_str(&format!(" of {}", display(&t.path)));
    }
    if let Some(b) = &t.base {
        line.push_str(&format!(", changes since base {}", short(b)));
    }
    if r.vars.is_empty() {
        line.push_str("; no variables");
    } else {
        let vars: Vec<String> = r
            .vars
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{}={}", display(k), display(v)),
                None => format!("{} (no value)", display(k)),
            })
            .collect();
        line.push_str(&format!("; vars: {}", vars.join(", ")));
    }
    line
}

pub(super) fn write_summary(
    r: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let paint = Paint(opts.color);
    let width = opts.width.max(crate::output::term::MIN_WIDTH);
    if !r.findings.is_empty() {
        writeln!(out)?;
    }
    // Waived findings: listed, one line each, under their own heading; they fail nothing.
    let waived: Vec<_> = r.findings.iter().filter(|f| f.waived.is_some()).collect();
    if !waived.is_empty() {
        writeln!(out, "waived:")?;
        for f in waived {
            let place = display(&Report::about(f, true)).into_owned();
            if let Some(w) = &f.waived {
                let text = format!(
                    "~ {} {place}: {} (waived until {}: {}, approved by {}; {}:{})",
                    display(&f.policy),
                    display_text(&f.message),
                    w.expires,
                    display_text(&w.reason),
                    display_text(&w.approved_by),
                    display(&w.path),
                    w.line
                );
                for line in wrap(&text, width, "  ") {
                    writeln!(out, "{}", paint.paint(DIM, &line))?;
                }
            }
        }
        writeln!(out)?;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    // The highest severity of each policy's live findings: below --fail-on, a failing
    // policy fails nothing, and says so.
    let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in &r.findings {
        *counts.entry(f.policy.as_str()).or_default() += 1;
        if r.counts(f) {
            let w = worst.entry(f.policy.as_str()).or_insert(f.severity);
            *w = (*w).max(f.severity);
        }
    }
    let (mut failed, mut warned, mut noted) = (0, 0, 0);
    for p in &r.policies {
        let severity = worst.get(p.id.as_str()).copied();
        // --new-only: a failing policy whose live findings are all pre-existing and
        // not counted fails nothing.
        let old_only = p.status == Status::Fail
            && severity.is_none()
            && r.baseline.as_ref().is_some_and(|b| b.new_only)
            && r.findings
                .iter()
                .any(|f| f.policy == p.id && f.waived.is_none());
        let severity = severity.unwrap_or(p.severity);
        let (mark, word, sgr) = match p.status {
            Status::Fail if old_only => ("•", "old", DIM),
            Status::Pass => ("✓", "pass", GREEN),
            Status::Fail if severity >= opts.fail_on => ("✗", "fail", RED),
            Status::Fail if severity == Severity::Warning => ("⚠", "warn", YELLOW),
            Status::Fail => ("ℹ", "note", CYAN),
            Status::Skip => ("-", "skip", DIM),
            Status::Waived => ("~", "waived", DIM),
        };
        match word {
            "fail" => failed += 1,
            "warn" => warned += 1,
            "note" => noted += 1,
            _ => {}
        }
        let n = counts.get(p.id.as_str()).copied().unwrap_or(0);
        let extra = match (p.status, &p.reason) {
            (Status::Fail, _) if old_only => format!(
                " ({n} pre-existing finding{}, not counted: --new-only)",
                if n == 1 { "" } else { "s" }
            ),
            (Status::Fail, _) => format!(" ({n} finding{})", if n == 1 { "" } else { "s" }),
            (_, Some(reason)) => format!(" ({})", display(reason)),
            _ => String::new(),
        };
        let head = format!("{mark} {word:<5} ");
        let indent = " ".repeat(head.chars().count());
        let text = format!("{}{} {}{extra}", head, display(&p.id), display(&p.title));
        for (i, line) in wrap(&text, width, &indent).iter().enumerate() {
            let shown = match (p.status, i) {
                (Status::Skip | Status::Waived, _) => paint.paint(sgr, line),
                (_, 0) => {
                    let rest = line.strip_prefix(head.as_str()).unwrap_or(line);
                    Cow::Owned(format!("{}{rest}", paint.paint(sgr, &head)))
                }
                _ => Cow::Borrowed(line.as_str()),
            };
            writeln!(out, "{shown}")?;
        }
        // A `for_each` policy: each instance's verdict, under it.
        for i in &p.instances {
            let n = r
                .findings
                .iter()
                .filter(|f| f.policy == p.id && f.instance.as_deref() == Some(i.path.as_str()))
                .count();
            let extra = match (i.status, &i.reason) {
                (Status::Fail, _) => format!(" ({n} finding{})", if n == 1 { "" } else { "s" }),
                (_, Some(reason)) => format!(" ({})", display(reason)),
                _ => String::new(),
            };
            let text = format!("{indent}{} {}{extra}", i.status.as_str(), display(&i.path));
            for line in wrap(&text, width, &format!("{indent}  ")) {
                writeln!(out, "{line}")?;
            }
        }
    }
    for line in r.vacuous() {
        for l in wrap(&format!("note: {}", display_text(&line)), width, "  ") {
            writeln!(out, "{l}")?;
        }
    }
    let s = r.summary();
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    // Failing policies below --fail-on: warned (a warning) or noted (only notes).
    let mut warned = if warned > 0 {
        format!(", {warned} warned")
    } else {
        String::new()
    };
    if noted > 0 {
        warned.push_str(&format!(", {noted} noted"));
    }
    let line = format!(
        "{}: {} passed, {failed} failed{warned}, {} skipped, {} waived; {}, {}, {}",
        n(s.policies, "policy", "policies"),
        s.passed,
        s.skipped,
        s.waived,
        n(s.errors, "error", "errors"),
        n(s.warnings, "warning", "warnings"),
        n(s.notes, "note", "notes"),
    );
    let line = if s.not_selected > 0 {
        format!("{line}; {} not selected", s.not_selected)
    } else {
        line
    };
    // With --base: what the change did against the base's findings.
    let line = match (s.new, s.unchanged, s.fixed) {
        (Some(new), Some(old), Some(fixed)) => {
            format!("{line}; against the base: {new} new, {old} pre-existing, {fixed} fixed")
        }
        _ => line,
    };
    let line = match s.not_counted {
        Some(n) if n > 0 => format!("{line} ({n} not counted: --new-only)"),
        _ => line,
    };
    // Red when the run fails, yellow when it passes with findings, else green.
    let sgr = if r.fails(opts.fail_on) {
        RED
    } else if r.findings.iter().any(|f| f.waived.is_none()) {
        YELLOW
    } else {
        GREEN
    };
    writeln!(out)?;
    for l in wrap(&line, width, "  ") {
        writeln!(out, "{}", paint.paint(sgr, &l))?;
    }
    Ok(())
}
