//! OpenSSH's allowed-signers format (ssh-keygen(1), "ALLOWED SIGNERS"), the file
//! `ssh-keygen -Y verify -f FILE` reads:
//!
//! ```text
//! # comment
//! ana@example.com,*@ops.example.com namespaces="relgate",valid-before="20251231Z" ssh-ed25519 AAAA… ana
//! ```
//!
//! Each line: principals (comma-separated patterns with `*` and `?`, `!` negates),
//! optional options (`cert-authority`, `namespaces="…"`, `valid-after="…"`,
//! `valid-before="…"`), then the public key as in `authorized_keys`. No crate parses
//! this format (ssh-key reads the key, not the line), so the line is split here, the
//! way OpenSSH's `sshsig.c` does, and the key handed to `ssh-key`. Timestamps are
//! `YYYYMMDD[HHMM[SS]]` with an optional `Z`; relgate reads them as UTC (OpenSSH reads
//! them without `Z` as the machine's local time, UTC on CI runners).

use jiff::Timestamp;
use ssh_key::PublicKey;

/// One usable line of an allowed-signers file.
#[derive(Debug, Clone)]
pub struct Signer {
    pub line: usize,
    /// Principal patterns, as written.
    pub principals: Vec<String>,
    pub cert_authority: bool,
    /// `namespaces="…"`: the patterns the key may sign for (any when absent).
    pub namespaces: Option<Vec<String>>,
    pub valid_after: Option<Timestamp>,
    pub valid_before: Option<Timestamp>,
    pub key: PublicKey,
}

/// A line that cannot be read: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Every signer line, and every line that is not one.
pub fn parse(text: &str) -> (Vec<Signer>, Vec<LineError>) {
    let mut signers = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        match parse_line(trimmed, line) {
            Ok(s) => signers.push(s),
            Err((offset, message)) => errors.push(LineError {
                line,
                column: raw[..indent + offset.min(trimmed.len())].chars().count() + 1,
                message,
            }),
        }
    }
    (signers, errors)
}

type LineResult<T> = Result<T, (usize, String)>;

fn parse_line(s: &str, line: usize) -> LineResult<Signer> {
    // Principals: one word, possibly double-quoted.
    let (principals_text, mut pos) = word(s, 0)?;
    let principals: Vec<String> = principals_text.split(',').map(str::to_string).collect();
    if principals.iter().any(String::is_empty) {
        return Err((0, "empty principal in the principals list".into()));
    }
    pos = skip_blanks(s, pos);
    // Options, unless the next word is a key type.
    let mut signer = Signer {
        line,
        principals,
        cert_authority: false,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key: placeholder_key(),
    };
    let next_start = pos;
    let (next, after) = word(s, pos)?;
    let key_start = if is_key_type(&next) {
        next_start
    } else {
        parse_options(&s[next_start..after], next_start, &mut signer)?;
        skip_blanks(s, after)
    };
    if key_start >= s.len() {
        return Err((
            key_start,
            "missing public key (e.g. ssh-ed25519 AAAA…)".into(),
        ));
    }
    let key_text = &s[key_start..];
    let key_type = key_text.split_whitespace().next().unwrap_or("");
    if key_type == "ssh-rsa" || key_type.starts_with("rsa-sha2") {
        return Err((
            key_start,
            "RSA keys are not supported by relgate (built without the RSA crate, which has an advisory without a fix); use ed25519 or ECDSA".into(),
        ));
    }
    signer.key = PublicKey::from_openssh(key_text.trim_end())
        .map_err(|e| (key_start, format!("cannot read the public key: {e}")))?;
    Ok(signer)
}

/// A key-less placeholder, replaced before the signer is returned.
fn placeholder_key() -> PublicKey {
    PublicKey::from(ssh_key::public::KeyData::Ed25519(
        ssh_key::public::Ed25519PublicKey([0; 32]),
    ))
}

fn is_key_type(w: &str) -> bool {
    w.starts_with("ssh-")
        || w.starts_with("ecdsa-sha2-")
        || w.starts_with("sk-")
        || w.starts_with("rsa-sha2-")
}

fn skip_blanks(s: &str, mut pos: usize) -> usize {
    while pos < s.len() && matches!(s.as_bytes()[pos], b' ' | b'\t') {
        pos += 1;
    }
    pos
}

/// A word from `pos`: up to a blank outside double quotes; the quotes of a word that is
/// wholly quoted are removed.
fn word(s: &str, pos: usize) -> LineResult<(String, usize)> {
    let bytes = s.as_bytes();
    let mut i = pos;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b' ' | b'\t' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    if quoted {
        return Err((pos, "unterminated double quote".into()));
    }
    let w = &s[pos..i];
    let w = w
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .filter(|w| !w.contains('"'))
        .unwrap_or(w);
    Ok((w.to_string(), i))
}

/// `cert-authority,namespaces="a,b",valid-after="20240101"`.
fn parse_options(text: &str, base: usize, signer: &mut Signer) -> LineResult<()> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < text.len() {
        // Up to the next comma outside quotes.
        let mut end = start;
        let mut quoted = false;
        while end < bytes.len() && (quoted || bytes[end] != b',') {
            if bytes[end] == b'"' {
                quoted = !quoted;
            }
            end += 1;
        }
        let opt = &text[start..end];
        let at = base + start;
        let (name, value) = match opt.split_once('=') {
            Some((n, v)) => {
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .ok_or((
                        at,
                        format!("the value of option '{n}' must be double-quoted"),
                    ))?;
                (n, Some(v))
            }
            None => (opt, None),
        };
        match (name.to_ascii_lowercase().as_str(), value) {
            ("cert-authority", None) => signer.cert_authority = true,
            ("namespaces", Some(v)) => {
                signer.namespaces = Some(v.split(',').map(str::to_string).collect())
            }
            ("valid-after", Some(v)) => signer.valid_after = Some(timestamp(v, at)?),
            ("valid-before", Some(v)) => signer.valid_before = Some(timestamp(v, at)?),
            (n @ ("namespaces" | "valid-after" | "valid-before"), None) => {
                return Err((at, format!("option '{n}' needs a value")));
            }
            _ => {
                return Err((
                    at,
                    format!(
                        "unknown option '{name}' (known: cert-authority, namespaces, valid-after, valid-before)"
                    ),
                ));
            }
        }
        start = end + 1;
    }
    Ok(())
}

/// `YYYYMMDD[HHMM[SS]][Z]`, as UTC.
fn timestamp(v: &str, at: usize) -> LineResult<Timestamp> {
    let digits = v.strip_suffix(['Z', 'z']).unwrap_or(v);
    let bad = || {
        (
            at,
            format!("'{v}' is not a time of the form YYYYMMDD[HHMM[SS]][Z]"),
        )
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|d| d.parse::<i16>().ok());
    let date = jiff::civil::Date::new(
        n(0..4).ok_or_else(bad)?,
        n(4..6).ok_or_else(bad)? as i8,
        n(6..8).ok_or_else(bad)? as i8,
    )
    .map_err(|_| bad())?;
    let (h, m, s) = (
        n(8..10).unwrap_or(0),
        n(10..12).unwrap_or(0),
        n(12..14).unwrap_or(0),
    );
    let time = jiff::civil::Time::new(h as i8, m as i8, s as i8, 0).map_err(|_| bad())?;
    jiff::tz::Offset::UTC
        .to_timestamp(date.to_datetime(time))
        .map_err(|_| bad())
}

/// OpenSSH's `match_pattern_list`: the name matches some pattern of the list and no
/// negated (`!`) one. Patterns use `*` and `?`.
pub fn matches_pattern_list(name: &str, patterns: &[String]) -> bool {
    let mut matched = false;
    for p in patterns {
        match p.strip_prefix('!') {
            Some(neg) if wildcard(name, neg) => return false,
            Some(_) => {}
            None if wildcard(name, p) => matched = true,
            None => {}
        }
    }
    matched
}

/// `*` any run of characters, `?` one character; everything else literal.
pub fn wildcard(name: &str, pattern: &str) -> bool {
    let n: Vec<char> = name.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut i, mut j) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while i < n.len() {
        if j < p.len() && (p[j] == '?' || p[j] == n[i]) {
            i += 1;
            j += 1;
        } else if j < p.len() && p[j] == '*' {
            star = Some(j);
            mark = i;
            j += 1;
        } else if let Some(s) = star {
            j = s + 1;
            mark += 1;
            i = mark;
        } else {
            return false;
        }
    }
    while j < p.len() && p[j] == '*' {
        j += 1;
    }
    j == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZkBoXcr9hBCfBt63HXp4y6CYWmNkRlqPGfIHr/cNZ0";

    #[test]
    fn lines_with_options_comments_and_blanks() {
        let text = format!(
            "# steering\n\nana@example.com {KEY} ana\n\"bo@example.com,*@ops.example.com\" namespaces=\"relgate,git\",valid-after=\"20240101\",valid-before=\"20241231235959Z\" {KEY}\n  cy@example.com cert-authority {KEY}\n"
        );
        let (s, e) = parse(&text);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].line, 3);
        assert_eq!(s[0].principals, ["ana@example.com"]);
        assert_eq!(s[1].principals, ["bo@example.com", "*@ops.example.com"]);
        assert_eq!(
            s[1].namespaces.as_deref(),
            Some(&["relgate".to_string(), "git".to_string()][..])
        );
        assert_eq!(
            s[1].valid_before.map(|t| t.to_string()).as_deref(),
            Some("2024-12-31T23:59:59Z")
        );
        assert!(s[2].cert_authority);
    }

    #[test]
    fn bad_lines_are_located() {
        let text = format!(
            "ana@example.com\nbo@example.com bogus=\"x\" {KEY}\ncy@example.com valid-before=\"2024-01-01\" {KEY}\ndi@example.com ssh-rsa AAAAB3NzaC1yc2E\nev@example.com ssh-ed25519 AAAAnotbase64\n"
        );
        let (s, e) = parse(&text);
        assert!(s.is_empty());
        let got: Vec<(usize, usize, &str)> = e
            .iter()
            .map(|e| (e.line, e.column, e.message.split(' ').next().unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                (1, 16, "missing"),
                (2, 16, "unknown"),
                (3, 16, "'2024-01-01'"),
                (4, 16, "RSA"),
                (5, 16, "cannot"),
            ]
        );
    }

    #[test]
    fn pattern_lists_as_openssh_matches_them() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(matches_pattern_list(
            "ana@example.com",
            &l(&["*@example.com"])
        ));
        assert!(!matches_pattern_list(
            "ana@example.org",
            &l(&["*@example.com"])
        ));
        assert!(!matches_pattern_list(
            "ana@example.com",
            &l(&["*@example.com", "!ana@*"])
        ));
        assert!(matches_pattern_list("relgate", &l(&["git", "rel?ate"])));
        assert!(!matches_pattern_list("x", &l(&["!y"])));
    }
}
