//! The pack cache: git packs fetched once, read from their pinned commit's objects.
//!
//! The cache (`$XDG_CACHE_HOME/relgate/packs`, else `~/.cache/relgate/packs`) holds one
//! bare repository per URL (a readable tail of the URL and a hash of all of it), and
//! in it one ref per pinned commit (`refs/relgate/pins/<id>`): a pack is cached when
//! that ref names its commit. Content is read from the objects of that commit
//! (libgit2, reading a local repository), never from a working checkout a later
//! process could edit, and the pin is verified: the object exists, hashes to its id,
//! and is a commit (or an annotated tag pointing at one).
//!
//! Fetching spawns the user's `git`, not git2: git2 is built without network
//! transports (no https, no ssh: `default-features = false` keeps OpenSSL and libssh2
//! out of a static binary), and only the user's git knows their credential helpers,
//! proxies and `url.<base>.insteadOf` rules, which private packs need (a CI job gives
//! a token through a global `insteadOf` or a credential helper, a deploy key through
//! `ssh-agent`). The child gets a clean environment: no `GIT_*` variable (a hook's
//! `GIT_DIR` must not redirect it), `GIT_CONFIG_NOSYSTEM=1`, `GIT_TERMINAL_PROMPT=0`,
//! the user's `HOME` and `XDG_CONFIG_HOME` (their global config: credentials,
//! `insteadOf`, `core.sshCommand`), proxies and `SSH_AUTH_SOCK`; `-c
//! core.hooksPath=/dev/null` and a bare repository created without templates (no
//! hook can run), and `protocol.ext.allow=never` (no URL runs a command). It always
//! works in the cache's own repository (`--git-dir`), never in the repository under
//! check, so no configuration of that repository applies; and the cache repository's
//! own `config` is rewritten before every run, so a cache restored from elsewhere (a CI
//! cache) cannot bring a command for git to run.
//!
//! A planted cache cannot change what a pin means either: the pin's object is hashed
//! here and compared with its id, and libgit2 verifies the hash of every object it
//! reads (strict hash verification, on by default), so a tree or file that does not
//! match its id is an error, never content.

use super::remote::{PackContent, PackDecl, PackError, PackSource};
use crate::repo::View;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

/// Git and local packs, as `relgate check` and the `relgate pack` commands read them.
#[derive(Clone)]
pub(crate) struct Packs {
    pub cache: PathBuf,
    /// Never fetch: a pack missing from the cache is an error.
    pub offline: bool,
    /// The repository's root on disk (local pack paths are relative to it).
    pub root: PathBuf,
    /// The trusted tree, where `signers:` files are read (`None`: the disk under `root`).
    pub trusted: Option<Arc<dyn View>>,
    /// The time signer validity is measured at.
    pub now: jiff::Timestamp,
}

impl std::fmt::Debug for Packs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packs")
            .field("cache", &self.cache)
            .field("offline", &self.offline)
            .finish()
    }
}

/// The pack cache of this user: `$XDG_CACHE_HOME/relgate/packs`, else
/// `$HOME/.cache/relgate/packs`.
pub(crate) fn cache_dir() -> Option<PathBuf> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let base = nonempty("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| nonempty("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("relgate").join("packs"))
}

pub(super) fn err(message: impl Into<String>, help: impl Into<String>) -> PackError {
    PackError {
        message: message.into(),
        help: help.into(),
    }
}

impl PackSource for Packs {
    fn resolve(&self, decl: &PackDecl) -> Result<PackContent, PackError> {
        match decl {
            PackDecl::Shipped(n) => Err(err(format!("'{n}' is a shipped pack"), "")),
            PackDecl::Local { path } => {
                super::local::read(&self.root, self.trusted.as_deref(), path, decl)
            }
            PackDecl::Git {
                url,
                rev,
                path,
                signers,
            } => {
                if !self.is_cached(url, rev) {
                    if self.offline {
                        return Err(err(
                            format!(
                                "pack {} ({url} at {rev}) is not in the pack cache, and --offline forbids fetching it",
                                decl.name()
                            ),
                            "run `relgate pack fetch` (with network access) first, then check again",
                        ));
                    }
                    self.fetch(url, rev)?;
                }
                let repo = self.open(url)?;
                let commit = pinned_commit(&repo, rev, signers.as_deref(), self)?;
                super::pack_tree::read_tree(&repo, &commit, path, decl, rev)
            }
        }
    }
}

impl Packs {
    /// The cache's repository for `url`.
    pub(crate) fn repo_dir(&self, url: &str) -> PathBuf {
        let hash =
            gix_object::compute_hash(gix_hash::Kind::Sha1, gix_object::Kind::Blob, url.as_bytes())
                .map(|h| h.to_hex().to_string())
                .unwrap_or_default();
        let tail: String = url
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .rsplit(['/', ':'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
            .take(40)
            .collect();
        self.cache.join(format!(
            "{}-{}",
            tail.trim_start_matches('.'),
            &hash[..16.min(hash.len())]
        ))
    }

    /// Whether the cache holds the pin of `rev` for `url`.
    pub(crate) fn is_cached(&self, url: &str, rev: &str) -> bool {
        let Ok(repo) = git2::Repository::open_bare(self.repo_dir(url)) else {
            return false;
        };
        repo.find_reference(&pin_ref(rev))
            .ok()
            .and_then(|r| r.target())
            .is_some_and(|t| t.to_string() == rev)
    }

    pub(super) fn open(&self, url: &str) -> Result<git2::Repository, PackError> {
        // Every object read is hashed and compared with its id (libgit2's default, made
        // explicit: the cache may have been restored from elsewhere).
        git2::opts::strict_hash_verification(true);
        git2::Repository::open_bare(self.repo_dir(url)).map_err(|e| {
            err(
                format!("cannot open the pack cache for {url}: {}", e.message()),
                "remove that folder of the pack cache and run `relgate pack fetch`",
            )
        })
    }

    /// Fetches `rev` of `url` into the cache and records its pin.
    pub(crate) fn fetch(&self, url: &str, rev: &str) -> Result<(), PackError> {
        let dir = self.repo_dir(url);
        if !dir.join("HEAD").is_file() {
            std::fs::create_dir_all(&dir).map_err(|e| {
                err(
                    format!("cannot create the pack cache {}: {e}", dir.display()),
                    "set XDG_CACHE_HOME to a writable folder",
                )
            })?;
            run_git(&dir, &["init", "--quiet", "--bare", "--template="])?;
        }
        let fetched = run_git(
            &dir,
            &[
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--",
                url,
                rev,
            ],
        );
        if let Err(e) = fetched {
            return Err(err(
                format!(
                    "cannot fetch commit {rev} of {url}: {}",
                    e.message.trim_end()
                ),
                "check that the URL is right and reachable with your git (credentials, insteadOf) and that 'rev' names a commit that exists there",
            ));
        }
        let repo = self.open(url)?;
        let oid = git2::Oid::from_str(rev)
            .map_err(|_| err(format!("'{rev}' is not an object id"), ""))?;
        if repo.find_object(oid, None).is_err() {
            return Err(err(
                format!("{url} has no commit {rev}"),
                "pin a commit that exists (relgate pack update moves the pin to a branch's newest commit)",
            ));
        }
        repo.reference(&pin_ref(rev), oid, true, "relgate pack fetch")
            .map_err(|e| err(format!("cannot record the pin {rev}: {}", e.message()), ""))?;
        Ok(())
    }

    /// The newest commit of `reference` (a branch or tag; `None`: the remote's HEAD) of `url`.
    pub(crate) fn remote_head(
        &self,
        url: &str,
        reference: Option<&str>,
    ) -> Result<String, PackError> {
        let dir = self.repo_dir(url);
        if !dir.join("HEAD").is_file() {
            std::fs::create_dir_all(&dir)
                .map_err(|e| err(format!("cannot create {}: {e}", dir.display()), ""))?;
            run_git(&dir, &["init", "--quiet", "--bare", "--template="])?;
        }
        let want = reference.unwrap_or("HEAD");
        let out = run_git(&dir, &["ls-remote", "--", url, want])?;
        let candidates: Vec<(&str, &str)> =
            out.lines().filter_map(|l| l.split_once('\t')).collect();
        let exact = [
            want.to_string(),
            format!("refs/heads/{want}"),
            format!("refs/tags/{want}^{{}}"),
            format!("refs/tags/{want}"),
        ];
        for name in &exact {
            if let Some((id, _)) = candidates.iter().find(|(_, n)| n == name) {
                return Ok(id.to_string());
            }
        }
        Err(err(
            format!("{url} has no branch or tag '{want}'"),
            "pass --ref with an existing branch or tag",
        ))
    }
}

fn pin_ref(rev: &str) -> String {
    format!("refs/relgate/pins/{rev}")
}

/// The only configuration a cache repository has, written before every git run: a
/// cache restored from elsewhere (a CI cache another job saved) could carry a `config`
/// naming a credential helper, a proxy command or an ssh command to run.
const CACHE_CONFIG: &str =
    "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n";

fn reset_config(dir: &Path) -> Result<(), PackError> {
    let config = dir.join("config");
    // A link is removed, never written through.
    let _ = std::fs::remove_file(&config);
    std::fs::write(&config, CACHE_CONFIG).map_err(|e| {
        err(
            format!("cannot write {}: {e}", config.display()),
            "remove that folder of the pack cache and fetch again",
        )
    })
}

/// Runs the user's git in the cache repository `dir` with a clean environment (see the
/// module documentation); its standard output, or its standard error as the error.
fn run_git(dir: &Path, args: &[&str]) -> Result<String, PackError> {
    if dir.join("HEAD").is_file() {
        reset_config(dir)?;
    }
    let mut cmd = Command::new("git");
    cmd.env_clear();
    for k in [
        "PATH",
        "HOME",
        "XDG_CONFIG_HOME",
        "USER",
        "LANG",
        "LC_ALL",
        "TMPDIR",
        "SSH_AUTH_SOCK",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "all_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        if let Some(v) = std::env::var_os(k) {
            cmd.env(k, v);
        }
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CEILING_DIRECTORIES", dir)
        .arg("--git-dir")
        .arg(dir)
        .args([
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "gc.auto=0",
        ])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null());
    let out = cmd.output().map_err(|e| {
        err(
            format!("cannot run git: {e}"),
            "relgate fetches packs with git: install it, or fetch elsewhere and copy the pack cache",
        )
    })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(err(
            redact(&String::from_utf8_lossy(&out.stderr)).trim_end(),
            "",
        ))
    }
}

/// `text` with the credentials of every URL (`scheme://user:token@host`) cut out: a
/// token an `insteadOf` rule adds must not reach a report or a CI log.
fn redact(text: &str) -> String {
    static URL_USER: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    match URL_USER.get_or_init(|| regex::Regex::new(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@").ok())
    {
        Some(re) => re.replace_all(text, "${1}***@").into_owned(),
        None => "git failed (its message could not be redacted)".to_string(),
    }
}

/// The commit `rev` names (itself, or the commit an annotated tag `rev` points at),
/// its id verified, and its signature when `signers` is given.
pub(super) fn pinned_commit<'r>(
    repo: &'r git2::Repository,
    rev: &str,
    signers: Option<&str>,
    packs: &Packs,
) -> Result<git2::Commit<'r>, PackError> {
    let oid =
        git2::Oid::from_str(rev).map_err(|_| err(format!("'{rev}' is not an object id"), ""))?;
    let odb = repo
        .odb()
        .map_err(|e| err(format!("cannot read the pack cache: {}", e.message()), ""))?;
    let raw = odb.read(oid).map_err(|_| {
        err(
            format!("the pack cache has no object {rev}"),
            "run `relgate pack fetch`",
        )
    })?;
    let kind = match raw.kind() {
        git2::ObjectType::Commit => gix_object::Kind::Commit,
        git2::ObjectType::Tag => gix_object::Kind::Tag,
        other => {
            return Err(err(
                format!("{rev} is a {other}, not a commit"),
                "pin a commit id (or an annotated tag's)",
            ));
        }
    };
    let actual = gix_object::compute_hash(gix_hash::Kind::Sha1, kind, raw.data())
        .map(|h| h.to_hex().to_string())
        .unwrap_or_default();
    if actual != rev {
        return Err(err(
            format!(
                "the object stored as {rev} hashes to {actual}: the pack cache is damaged or was tampered with"
            ),
            "remove the pack cache folder and run `relgate pack fetch` again",
        ));
    }
    if let Some(file) = signers {
        let (signature, signed) = match kind {
            gix_object::Kind::Commit => super::signed::commit_signature(raw.data()),
            _ => super::signed::tag_signature(raw.data()),
        }
        .ok_or_else(|| {
            err(
                format!("{rev} is not signed, and the pack's 'signers' requires an SSH signature by one of {file}"),
                "publish the pack from a commit signed with an allowed key (git -c gpg.format=ssh commit -S), and pin that commit",
            )
        })?;
        super::signed::verify(&signature, &signed, file, packs)?;
    }
    let object = repo
        .find_object(oid, None)
        .map_err(|e| err(format!("cannot read {rev}: {}", e.message()), ""))?;
    object.peel_to_commit().map_err(|_| {
        err(
            format!("{rev} does not lead to a commit"),
            "pin a commit id",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_git_messages_are_cut_out() {
        assert_eq!(
            redact(
                "fatal: repository 'https://x-access-token:ghs_abc@github.com/acme/p/' not found"
            ),
            "fatal: repository 'https://***@github.com/acme/p/' not found"
        );
        assert_eq!(
            redact("ssh: git@github.com: denied"),
            "ssh: git@github.com: denied"
        );
    }

    #[test]
    fn cache_folders_are_keyed_by_the_whole_url() {
        let p = Packs {
            cache: PathBuf::from("/c"),
            offline: true,
            root: PathBuf::from("/r"),
            trusted: None,
            now: jiff::Timestamp::UNIX_EPOCH,
        };
        let a = p.repo_dir("https://x.invalid/a/packs.git");
        let b = p.repo_dir("https://x.invalid/b/packs.git");
        assert_ne!(a, b);
        assert!(a.to_string_lossy().starts_with("/c/packs-"), "{a:?}");
    }
}
