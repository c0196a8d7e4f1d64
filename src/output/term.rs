//! What the terminal on standard output takes: colour and width. Decided once, in
//! `main.rs`, from `--color`, the environment and whether standard output is a
//! terminal; the renderers only receive the answer, so tests drive them directly.
//!
//! The conventions are few enough to write here rather than pull a crate for them
//! (anstream's `colorchoice`/`anstyle-query` implement the same order):
//! `--color always|never` wins; with `auto`, a non-empty `NO_COLOR` (no-color.org)
//! turns colour off, then a `CLICOLOR_FORCE` other than `0` (bixense.com/clicolors)
//! turns it on even off a terminal, then `CLICOLOR=0` or `TERM=dumb` turn it off, and
//! otherwise colour is on exactly when standard output is a terminal.

use std::ffi::OsString;

/// The width used when standard output is not a terminal (a file, a pipe, a CI log).
pub const DEFAULT_WIDTH: usize = 100;
/// Narrower than this, diagnostics cannot be laid out: the width is raised to it.
pub const MIN_WIDTH: usize = 40;

/// Whether to colour: `forced` is `--color` (`Some(true)`: always, `Some(false)`:
/// never, `None`: auto), `env` reads an environment variable.
pub fn use_color(
    forced: Option<bool>,
    is_terminal: bool,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> bool {
    if let Some(f) = forced {
        return f;
    }
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    if set("CLICOLOR").is_some_and(|v| v == "0") || set("TERM").is_some_and(|v| v == "dumb") {
        return false;
    }
    is_terminal
}

/// The width to lay text out in: a valid `COLUMNS` (the user's or the shell's say),
/// else the terminal's width when standard output is one (`terminal`), else
/// [`DEFAULT_WIDTH`]; never below [`MIN_WIDTH`].
pub fn width(terminal: Option<usize>, env: &dyn Fn(&str) -> Option<OsString>) -> usize {
    let columns = env("COLUMNS")
        .and_then(|v| v.to_str().and_then(|s| s.trim().parse::<usize>().ok()))
        .filter(|w| *w > 0);
    columns
        .or(terminal.filter(|w| *w > 0))
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

/// The width of the terminal on standard output, when it is one.
pub fn stdout_width() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn colour_follows_the_flag_then_the_environment_then_the_terminal() {
        for (forced, tty, vars, want) in [
            (None, true, &[][..], true),
            (None, false, &[][..], false),
            (Some(true), false, &[("NO_COLOR", "1")][..], true),
            (Some(false), true, &[("CLICOLOR_FORCE", "1")][..], false),
            (None, true, &[("NO_COLOR", "1")][..], false),
            (None, true, &[("NO_COLOR", "")][..], true),
            (None, false, &[("CLICOLOR_FORCE", "1")][..], true),
            (None, false, &[("CLICOLOR_FORCE", "0")][..], false),
            (
                None,
                false,
                &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")][..],
                false,
            ),
            (None, true, &[("CLICOLOR", "0")][..], false),
            (None, true, &[("TERM", "dumb")][..], false),
            (None, true, &[("TERM", "xterm-256color")][..], true),
        ] {
            assert_eq!(
                use_color(forced, tty, &env(vars)),
                want,
                "{forced:?} {tty} {vars:?}"
            );
        }
    }

    #[test]
    fn width_is_columns_then_the_terminal_then_100() {
        for (terminal, vars, want) in [
            (None, &[][..], 100),
            (Some(80), &[][..], 80),
            (Some(80), &[("COLUMNS", "132")][..], 132),
            (None, &[("COLUMNS", "72")][..], 72),
            (None, &[("COLUMNS", "wide")][..], 100),
            (None, &[("COLUMNS", "0")][..], 100),
            (Some(20), &[][..], MIN_WIDTH),
        ] {
            assert_eq!(width(terminal, &env(vars)), want, "{terminal:?} {vars:?}");
        }
    }
}
