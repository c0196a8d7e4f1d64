//! `relgate install-hook`: a git pre-commit hook that runs `relgate check --staged`.
//!
//! The hook goes where git looks for hooks (`git rev-parse --git-path hooks`):
//! `core.hooksPath` when set (relative to the working tree's top), else the
//! `hooks/` folder of the common git directory, so a linked worktree shares the
//! main checkout's hooks. A hook is relgate's only when it carries [`SIGNATURE`];
//! any other hook is left alone unless `--force` (install) and is never removed.
//!
//! The hook runs the `relgate` on `PATH` and falls back to the absolute path of
//! the binary that installed it, so it works in shells that lack cargo's bin dir.
//! It prints one line when the staged content passes and the whole report when it
//! does not. Arguments after `--` are checked now (as `check --staged` would parse
//! them) and passed on. A foreign hook replaced with `--force` is kept beside it
//! as `pre-commit.legacy` (not run), and `--uninstall` puts it back.

use super::Io;
use crate::cli::InstallHookArgs;
use crate::error::{Error, Outcome};
use std::path::{Path, PathBuf};

/// The line that marks a hook as written by relgate.
pub(crate) const SIGNATURE: &str = "# installed by relgate install-hook";

pub(crate) fn run(args: &InstallHookArgs, io: &mut Io) -> Outcome {
    match install(args) {
        Ok(message) => {
            let _ = writeln!(io.out, "{message}");
            Ok(())
        }
        Err(message) => {
            let _ = writeln!(io.err, "relgate install-hook: {message}");
            Err(Error::Failed)
        }
    }
}

fn install(args: &InstallHookArgs) -> Result<String, String> {
    let hooks = hooks_dir(&args.path)?;
    let hook = hooks.join("pre-commit");
    if std::fs::symlink_metadata(&hook).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "{} is a symbolic link; relgate never reads or writes through links (remove it first)",
            crate::output::display_path(&hook)
        ));
    }
    let existing = match std::fs::read(&hook) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(format!(
                "cannot read {}: {e}",
                crate::output::display_path(&hook)
            ));
        }
    };
    let ours = existing
        .as_deref()
        .is_some_and(|t| t.lines().any(|l| l.trim_end() == SIGNATURE));
    if args.uninstall {
        return match existing {
            None => Ok(format!(
                "no pre-commit hook at {}; nothing to remove",
                crate::output::display_path(&hook)
            )),
            Some(_) if !ours => Err(format!(
                "{} was not written by relgate (no '{SIGNATURE}' line); left in place",
                crate::output::display_path(&hook)
            )),
            Some(_) => {
                std::fs::remove_file(&hook)
                    .map_err(|e| format!("cannot remove {}: {e}", dp(&hook)))?;
                let legacy = legacy_path(&hook);
                if std::fs::symlink_metadata(&legacy).is_ok() {
                    std::fs::rename(&legacy, &hook)
                        .map_err(|e| format!("cannot restore {}: {e}", dp(&legacy)))?;
                    return Ok(format!(
                        "removed relgate's hook and restored {} from {}",
                        dp(&hook),
                        dp(&legacy)
                    ));
                }
                Ok(format!("removed {}", dp(&hook)))
            }
        };
    }
    validate_check_args(&args.check_args)?;
    if existing.is_some() && !ours && !args.force {
        return Err(format!(
            "{} exists and was not written by relgate; pass --force to replace it",
            crate::output::display_path(&hook)
        ));
    }
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the relgate binary: {e}"))?;
    let mut kept = String::new();
    if existing.is_some() && !ours {
        let legacy = legacy_path(&hook);
        if std::fs::symlink_metadata(&legacy).is_ok() {
            return Err(format!(
                "{} already exists; move it away before replacing {} with --force",
                dp(&legacy),
                dp(&hook)
            ));
        }
        std::fs::rename(&hook, &legacy)
            .map_err(|e| format!("cannot keep {} as {}: {e}", dp(&hook), dp(&legacy)))?;
        kept = format!(
            "; the previous hook is kept as {} (not run; --uninstall restores it)",
            dp(&legacy)
        );
    }
    let root = std::env::current_dir().unwrap_or_default();
    crate::output::write_file(
        &root,
        &hook,
        script(&exe, &args.check_args).as_bytes(),
        Some(0o755),
    )
    .map_err(|e| e.to_string())?;
    Ok(format!("installed {}{kept}", dp(&hook)))
}

fn dp(p: &Path) -> String {
    crate::output::display_path(p).to_string()
}

fn legacy_path(hook: &Path) -> PathBuf {
    hook.with_file_name("pre-commit.legacy")
}

/// The hook's arguments must parse as `relgate check --staged ARGS` would: a typo
/// found now, not at the next commit.
fn validate_check_args(extra: &[String]) -> Result<(), String> {
    use clap::Parser;
    let argv = ["relgate", "check", "--staged"]
        .into_iter()
        .map(str::to_string)
        .chain(extra.iter().cloned());
    crate::cli::Cli::try_parse_from(argv)
        .map(|_| ())
        .map_err(|e| {
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            format!("the hook's arguments are not valid for 'relgate check --staged': {first}")
        })
}

/// The hooks folder git uses for the repository at `path`.
fn hooks_dir(path: &Path) -> Result<PathBuf, String> {
    let repo = git2::Repository::discover(path).map_err(|e| {
        format!(
            "{} is not inside a git repository: {}",
            path.display(),
            e.message()
        )
    })?;
    let configured = repo
        .config()
        .and_then(|mut c| c.snapshot())
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok());
    Ok(match configured {
        Some(p) if p.is_absolute() => p,
        // Relative to where hooks run: the top of the working tree (the git dir if bare).
        Some(p) => repo.workdir().unwrap_or_else(|| repo.path()).join(p),
        None => repo.commondir().join("hooks"),
    })
}

/// Single-quotes a string for POSIX sh.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn script(exe: &Path, extra: &[String]) -> String {
    let args: String = extra.iter().map(|a| format!(" {}", sh_quote(a))).collect();
    format!(
        "#!/bin/sh\n\
         {SIGNATURE}\n\
         # Judges what is staged against the repository's policies; a finding at or above\n\
         # error blocks the commit. One line when it passes, the report when it does not.\n\
         # Remove with: relgate install-hook --uninstall\n\
         relgate={}\n\
         if command -v relgate >/dev/null 2>&1; then\n\
         \x20 relgate=relgate\n\
         fi\n\
         out=$(\"$relgate\" check --staged{args} 2>&1)\n\
         code=$?\n\
         if [ \"$code\" -eq 0 ]; then\n\
         \x20 printf 'relgate: %s\\n' \"$(printf '%s\\n' \"$out\" | grep -v '^[[:space:]]*$' | tail -n 1)\"\n\
         else\n\
         \x20 printf '%s\\n' \"$out\"\n\
         fi\n\
         exit \"$code\"\n",
        sh_quote(&exe.to_string_lossy())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_sh() {
        assert_eq!(sh_quote("/a b/it's"), r"'/a b/it'\''s'");
    }

    #[test]
    fn script_is_signed_and_falls_back_to_the_installing_binary() {
        let s = script(
            Path::new("/opt/rel gate/relgate"),
            &["--var".into(), "a=it's".into()],
        );
        assert!(s.starts_with("#!/bin/sh\n# installed by relgate install-hook\n"));
        assert!(s.contains("relgate='/opt/rel gate/relgate'\n"));
        assert!(s.contains("out=$(\"$relgate\" check --staged '--var' 'a=it'\\''s' 2>&1)\n"));
    }
}
