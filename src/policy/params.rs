//! The parameter tables of a policy file's own mappings: the file, a policy, a
//! variable and a flag definition. Check kinds declare theirs in `checks/`.

use crate::lang::kind::{Param, Ty};

pub(crate) static FILE_PARAMS: &[Param] = &[
    Param {
        name: "version",
        ty: Ty::Int,
        required: true,
        doc: "The policy language version: 1.",
    },
    Param {
        name: "packs",
        ty: Ty::Names,
        required: false,
        doc: "Packs to load with this file: names of packs shipped in the binary (e.g. `billing-gateway-dr`), git packs (`git`, `rev`, `path`, `signers`) and local folder packs (`path`).",
    },
    Param {
        name: "vars",
        ty: Ty::Vars,
        required: false,
        doc: "Variables: name → value or definition.",
    },
    Param {
        name: "policies",
        ty: Ty::Policies,
        required: false,
        doc: "The policies of this file.",
    },
    Param {
        name: "waivers",
        ty: Ty::Rules(super::waivers::WAIVER_PARAMS),
        required: false,
        doc: "Reviewed, expiring exceptions to policies (see Waivers).",
    },
    Param {
        name: "waiver_max_days",
        ty: Ty::Int,
        required: false,
        doc: "How many days after `--now` a waiver may expire (default 90).",
    },
];

pub(crate) static POLICY_PARAMS: &[Param] = &[
    Param {
        name: "id",
        ty: Ty::Id,
        required: true,
        doc: "Stable identifier (`DR-001`): letters, digits, `.`, `_`, `-`.",
    },
    Param {
        name: "name",
        ty: Ty::Id,
        required: false,
        doc: "Short slug (`checklist-published`).",
    },
    Param {
        name: "title",
        ty: Ty::Text,
        required: true,
        doc: "One line: what the policy enforces.",
    },
    Param {
        name: "severity",
        ty: Ty::Enum(&["error", "warning", "note"]),
        required: false,
        doc: "How bad a failure is (default `error`); `--fail-on` sets which severities fail the run.",
    },
    Param {
        name: "description",
        ty: Ty::Text,
        required: false,
        doc: "Why the policy exists (shown by `relgate explain`).",
    },
    Param {
        name: "help",
        ty: Ty::Text,
        required: false,
        doc: "How to fix a failure; may use `{var}`.",
    },
    Param {
        name: "url",
        ty: Ty::Text,
        required: false,
        doc: "A link to the policy's documentation.",
    },
    Param {
        name: "waivable",
        ty: Ty::Bool,
        required: false,
        doc: "`false`: no waiver may cover this policy (default `true`).",
    },
    Param {
        name: "baseline",
        ty: Ty::Bool,
        required: false,
        doc: "`false`: the policy is always judged whole. Under `check --new-only` its pre-existing findings (the base has them too) still count toward the exit code, as every finding does without `--new-only` (default `true`: only the findings the change brings count).",
    },
    Param {
        name: "tags",
        ty: Ty::Names,
        required: false,
        doc: "Stages the policy belongs to (`[ci, evidence]`): `--only TAG` runs only policies with the tag, `--skip TAG` leaves them out (ids work too).",
    },
    Param {
        name: "for_each",
        ty: Ty::Table(FOR_EACH_PARAMS),
        required: false,
        doc: "One instance of the policy per directory (`dirs`) or file (`files`) matching a glob, bound to the variable `as`; each instance is judged on its own.",
    },
    Param {
        name: "when",
        ty: Ty::Condition,
        required: false,
        doc: "Precondition: when it does not hold, the policy is `skip`.",
    },
    Param {
        name: "unless",
        ty: Ty::Condition,
        required: false,
        doc: "Exemption: when the check fails but this holds, the policy passes.",
    },
    Param {
        name: "check",
        ty: Ty::Condition,
        required: true,
        doc: "What must hold.",
    },
];

pub(crate) static VAR_PARAMS: &[Param] = &[
    Param {
        name: "value",
        ty: Ty::Text,
        required: false,
        doc: "A literal value; may reference other variables.",
    },
    Param {
        name: "latest_dir",
        ty: Ty::Path,
        required: false,
        doc: "Glob of directories; the value is the greatest matching directory name.",
    },
    Param {
        name: "pattern",
        ty: Ty::Regex,
        required: false,
        doc: "With `latest_dir`: only names this regex matches whole (anchored at both ends, one line) count.",
    },
    Param {
        name: "date",
        ty: Ty::Bool,
        required: false,
        doc: "With `latest_dir`: only names that are real dates (YYYY-MM-DD) count.",
    },
    Param {
        name: "flag",
        ty: Ty::Flag,
        required: false,
        doc: "A config flag: the value is `on` when any selected config file assigns the setting a value that is not provably off (a file that does not parse counts as on), else `off`.",
    },
    Param {
        name: "data",
        ty: Ty::Table(DATA_VAR_PARAMS),
        required: false,
        doc: "A value read from a JSON, YAML or TOML file: `{file: pyproject.toml, path: project.version}`.",
    },
    Param {
        name: "from",
        ty: Ty::Id,
        required: false,
        doc: "With `map`: the variable whose value is looked up.",
    },
    Param {
        name: "map",
        ty: Ty::Map,
        required: false,
        doc: "With `from`: value of `from` → value of this variable (`{'on': real, 'off': sandbox}`).",
    },
    Param {
        name: "description",
        ty: Ty::Text,
        required: false,
        doc: "What the variable means.",
    },
];

pub(crate) static DATA_VAR_PARAMS: &[Param] = &[
    Param {
        name: "file",
        ty: Ty::Path,
        required: true,
        doc: "The file, relative to the checked root; its format comes from its name (`.json`, `.yml`/`.yaml`, `.toml`).",
    },
    Param {
        name: "path",
        ty: Ty::Text,
        required: true,
        doc: "Dotted path to a scalar (`project.version`, `package.version`, `tool.poetry.version`); `.` is the whole document.",
    },
    Param {
        name: "default",
        ty: Ty::Text,
        required: false,
        doc: "The value when the file or a key of the path does not exist (a file that exists and does not parse, or a path that leads to no scalar, still leaves the variable without a value).",
    },
];

pub(crate) static FOR_EACH_PARAMS: &[Param] = &[
    Param {
        name: "dirs",
        ty: Ty::Globs,
        required: false,
        doc: "Globs of directories (`charts/*`): one instance per matching directory. Give `dirs` or `files`.",
    },
    Param {
        name: "files",
        ty: Ty::Globs,
        required: false,
        doc: "Globs of files (`services/*/Dockerfile`): one instance per matching file.",
    },
    Param {
        name: "as",
        ty: Ty::Id,
        required: false,
        doc: "The variable each instance's path (from the repository root) is bound to (default `dir` or `file`); variables whose definition uses it are resolved per instance.",
    },
    Param {
        name: "exclude",
        ty: Ty::Globs,
        required: false,
        doc: "Globs of directories or files to leave out (`charts/legacy-*`).",
    },
    Param {
        name: "min",
        ty: Ty::Int,
        required: false,
        doc: "Fewer instances than this is a finding (default 1), so a glob with a typo cannot pass; `0` allows none.",
    },
];

pub(crate) static FLAG_PARAMS: &[Param] = &[
    Param {
        name: "name",
        ty: Ty::Text,
        required: true,
        doc: "The setting's name, exactly as assigned (`BILLING_GATEWAY_ENABLE_REAL`).",
    },
    Param {
        name: "files",
        ty: Ty::Globs,
        required: true,
        doc: "Globs of the config files to read (dotenv, shell, Dockerfile, YAML, JSON, TOML; the format comes from the file name).",
    },
    Param {
        name: "exclude",
        ty: Ty::Globs,
        required: false,
        doc: "Globs of files to leave out (`docs/**`).",
    },
    Param {
        name: "off",
        ty: Ty::Names,
        required: false,
        doc: "Values that prove the flag off, case-insensitive, unquoted (default `0`, `false`, `no`, `off`, `''`).",
    },
    Param {
        name: "on",
        ty: Ty::Names,
        required: false,
        doc: "Values that turn the flag on (default `1`, `true`, `yes`, `on`); any other value cannot be proven off and counts as on.",
    },
    Param {
        name: "case",
        ty: Ty::Enum(&["sensitive", "insensitive"]),
        required: false,
        doc: "`insensitive`: `files` and `exclude` match names whatever their case (`deploy/dockerfile`, `config/PROD.ENV`), as macOS and Windows file systems and the tools running there do. Default `sensitive`.",
    },
];
