//! Command-line interface: the public contract of the README and `docs/json.md`.

use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "relgate", version, about = "A CI/CD policy gate: declarative YAML policies evaluated against a git checkout.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate policies against the git repository at PATH (the main job)
    Check(CheckArgs),
    /// List the policies that would run, with id, severity and title
    List(ListArgs),
    /// Explain what a policy checks, why, and how to fix a failure; or document a check kind
    Explain(ExplainArgs),
    /// Load and validate policy files only; no repository needed
    Validate(ValidateArgs),
    /// Write a starter .relgate/ (policies, their JSON Schema, tests) into a repository
    Init(InitArgs),
    /// Run policy tests: case folders built into repositories, with expected findings
    Test(TestArgs),
    /// Print the JSON Schema of policy files (for editors and CI), or the check-kind reference
    Schema(SchemaArgs),
    /// Install a git pre-commit hook that runs `relgate check --staged`
    InstallHook(InstallHookArgs),
    /// Git packs declared in the policy files: fetch them, list them, move their pins
    #[command(subcommand)]
    Pack(PackCommand),
}

#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Fetch every git pack the policy files declare into the pack cache, verifying each pin
    Fetch(PackArgs),
    /// Each declared pack: its pin, and whether it is in the pack cache
    List(PackArgs),
    /// Move a git pack's pin to the newest commit of a branch or tag, rewriting its `rev:` line
    Update(PackUpdateArgs),
}

/// Where the pack declarations are read.
#[derive(Debug, Args, Clone)]
pub struct PackArgs {
    /// The repository (its .relgate/ declares the packs)
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// A policy file or folder (repeatable); default: .relgate/ of the repository
    #[arg(long = "policies", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PackUpdateArgs {
    /// The pack to move (its name: the last part of its path); default: every git pack
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// The branch or tag to move to (default: the remote's default branch)
    #[arg(long = "ref", value_name = "BRANCH|TAG")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub at: PackArgs,
}

/// What `check --stats` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsDetail {
    /// Per view: files listed, files read, reads made, bytes read
    Counts,
    /// The counts and, in JSON, every path read
    Paths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Error,
    Warning,
    Note,
}

/// Where policies come from.
#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// The repository (or a directory inside it)
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// A policy file or folder (repeatable); default: .relgate/ of the repository
    #[arg(long = "policies", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Add a pack (repeatable): shipped in the binary, e.g. billing-gateway-dr, or a git
    /// pack pinned to a commit, git+URL@COMMIT#PATH
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Set or override a policy variable (repeatable)
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: ListFormat,
}

/// `relgate validate`: the policies as `check` loads them, at a time.
#[derive(Debug, Args, Clone)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The time waivers' horizon is measured from, as `check --now` (RFC 3339 or
    /// YYYY-MM-DD; default: the clock)
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<jiff::Timestamp>,
}

/// Stages: which policies run (`check`, `list`, `test`).
#[derive(Debug, Args, Clone, Default)]
pub struct StageArgs {
    /// Run only the policies with this tag or id (repeatable; any of them)
    #[arg(long = "only", value_name = "TAG|ID")]
    pub only: Vec<String>,
    /// Leave out the policies with this tag or id (repeatable), e.g. `--skip ci` in a hook
    #[arg(long = "skip", value_name = "TAG|ID")]
    pub skip: Vec<String>,
}

impl StageArgs {
    pub(crate) fn stages(&self) -> crate::policy::select::Stages<'_> {
        crate::policy::select::Stages {
            only: &self.only,
            skip: &self.skip,
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub policies: PolicyArgs,
    #[command(flatten)]
    pub stages: StageArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The repository (or a directory inside it; policy paths are then relative to it)
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Judge the index (staged content and git modes), as a pre-commit hook must
    #[arg(long, conflicts_with = "rev")]
    pub staged: bool,
    /// Judge a commit's tree (HEAD, a sha, a branch)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Compare against REV (merge base): enables change-scoped policies; policies are read from the base
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Only findings the change brings count toward the exit code and --fail-on; those the
    /// base already had are reported as pre-existing. Against --base, else HEAD (--staged,
    /// the working tree); --rev needs --base
    #[arg(long)]
    pub new_only: bool,
    /// A policy file or folder (repeatable); default: .relgate/ of the repository
    #[arg(long = "policies", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Add a pack (repeatable): shipped in the binary, e.g. billing-gateway-dr, or a git
    /// pack pinned to a commit, git+URL@COMMIT#PATH
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Set or override a policy variable (repeatable)
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// The time date rules measure against (RFC 3339 or YYYY-MM-DD; default: the clock)
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<jiff::Timestamp>,
    /// Hand a file the job produced (e.g. a git-ignored test report) to checks that
    /// say `attachment: NAME` (repeatable)
    #[arg(long = "attach", value_name = "NAME=PATH", value_parser = parse_attach)]
    pub attach: Vec<(String, PathBuf)>,
    /// Never fetch: a git pack missing from the pack cache is an error (run `relgate pack fetch` first)
    #[arg(long)]
    pub offline: bool,
    #[command(flatten)]
    pub stages: StageArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the same report in FORMAT to FILE (repeatable), e.g. `--also sarif=relgate.sarif`
    #[arg(long = "also", value_name = "FORMAT=FILE", value_parser = parse_also)]
    pub also: Vec<(Format, PathBuf)>,
    /// Lowest severity that fails the run
    #[arg(long, value_enum, default_value = "error", value_name = "LEVEL")]
    pub fail_on: Level,
    /// Colour the human report: `auto` (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE
    /// forces it), `always` or `never`
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// Say what each view listed and read (files, reads, bytes) on standard error and
    /// in the JSON report; `--stats=paths` also lists in JSON every path read
    #[arg(long, value_enum, value_name = "WHAT", num_args = 0..=1, require_equals = true,
          default_missing_value = "counts")]
    pub stats: Option<StatsDetail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl Cli {
    /// `--color` of `check` as [`crate::output::term::use_color`] takes it.
    pub fn forced_color(&self) -> Option<bool> {
        match &self.command {
            Command::Check(a) => match a.color {
                ColorChoice::Auto => None,
                ColorChoice::Always => Some(true),
                ColorChoice::Never => Some(false),
            },
            _ => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// `json`: the JSON Schema of policy files; `markdown`: the reference of every check kind
    #[arg(long, value_enum, default_value = "json")]
    pub format: SchemaFormat,
    /// The JSON Schema of a policy test's `case.yaml` (`relgate test`) instead
    #[arg(long, conflicts_with = "format")]
    pub case: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The policy id, e.g. DR-002, or the name of a check kind, e.g. checklist
    pub id: String,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to write .relgate/ into
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Start from a shipped pack
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,
    /// Overwrite an existing .relgate/config.yaml
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Folders of policy tests: every folder below holding a case.yaml is a case (default: .relgate/tests)
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Policy files or folders for cases that name none (default: the .relgate/ the tests live in)
    #[arg(long = "policies", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Add a pack shipped in the binary to every case (repeatable)
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Set a variable for every case that does not set it (repeatable)
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Run only the cases whose name contains SUBSTRING
    #[arg(long, value_name = "SUBSTRING")]
    pub filter: Option<String>,
    /// Exit 1 when a policy under test fails in no case (a policy that may never fail)
    #[arg(long)]
    pub require_failing: bool,
    /// Evaluate only the policies with a tag or id (`--only`), or leave some out
    /// (`--skip`); expectations about the others are not checked
    #[command(flatten)]
    pub stages: StageArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// The repository
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite a pre-commit hook relgate did not write
    #[arg(long)]
    pub force: bool,
    /// Remove the hook relgate wrote (a hook relgate did not write is never removed)
    #[arg(long, conflicts_with = "force")]
    pub uninstall: bool,
    /// Arguments the hook passes to `relgate check --staged`, after `--`
    /// (e.g. `relgate install-hook -- --pack billing-gateway-dr`)
    #[arg(last = true, value_name = "CHECK-ARGS")]
    pub check_args: Vec<String>,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, found '{s}'"))?;
    let k = k.trim();
    let valid = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(format!("'{k}' is not a variable name"));
    }
    Ok((k.to_string(), v.to_string()))
}

fn parse_attach(s: &str) -> Result<(String, PathBuf), String> {
    let (name, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=PATH, found '{s}'"))?;
    let (name, _) = parse_var(&format!("{name}="))
        .map_err(|_| format!("'{name}' is not an attachment name"))?;
    if path.is_empty() {
        return Err(format!("--attach {name}= needs a path"));
    }
    Ok((name, PathBuf::from(path)))
}

fn parse_also(s: &str) -> Result<(Format, PathBuf), String> {
    let (f, file) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, found '{s}'"))?;
    let format = Format::from_str(f, true).map_err(|_| {
        let names: Vec<_> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        format!("unknown format '{f}' (one of: {})", names.join(", "))
    })?;
    if file.is_empty() {
        return Err(format!("'{s}' names no file"));
    }
    Ok((format, PathBuf::from(file)))
}

fn parse_now(s: &str) -> Result<jiff::Timestamp, String> {
    crate::parse::dates::parse_instant(s)
        .ok_or_else(|| format!("'{s}' is not an RFC 3339 time or a YYYY-MM-DD date"))
}
