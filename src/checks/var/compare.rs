//! Ordered comparisons of the `var` check: `compare: semver`, `date` or `number`.
//!
//! - `semver`: [semver.org 2.0](https://semver.org/spec/v2.0.0.html) precedence. Parsing
//!   and ordering are the `semver` crate's: it parses the strict semver.org grammar (three
//!   numbers without leading zeros, no `v` prefix, dot-separated pre-release and build
//!   identifiers). Its `Ord` for `Version` is Cargo's total order, which also compares
//!   build metadata (`1.0.0+a < 1.0.0+b`); semver.org says build metadata does not count,
//!   so this module uses [`semver::Version::cmp_precedence`], which compares major, minor,
//!   patch and pre-release only. The crate's pre-release order is semver.org's (numeric
//!   identifiers numerically, alphanumeric ones in ASCII order, numeric below alphanumeric,
//!   a longer list above its prefix, any pre-release below its release):
//!   `1.2.4-rc.1 > 1.2.3`, `1.10.0 > 1.9.0`, `1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0`.
//! - `date`: `YYYY-MM-DD` (midnight UTC) or RFC 3339, compared as instants (jiff).
//! - `number`: a decimal number (`-12`, `3.5`, `1e3`), compared as an `f64`; `inf`,
//!   `NaN` and hexadecimal are not numbers here.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Compare {
    Semver,
    Date,
    Number,
}

pub(super) const COMPARE_WORDS: &[&str] = &["semver", "date", "number"];

impl Compare {
    pub(super) fn parse(word: &str) -> Option<Compare> {
        match word {
            "semver" => Some(Compare::Semver),
            "date" => Some(Compare::Date),
            "number" => Some(Compare::Number),
            _ => None,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Compare::Semver => "semver",
            Compare::Date => "date",
            Compare::Number => "number",
        }
    }

    /// The order of `a` and `b`, or which side does not parse and why.
    pub(super) fn order(self, a: &str, b: &str) -> Result<Ordering, (Side, String)> {
        match self {
            Compare::Semver => {
                let a = version(a).map_err(|e| (Side::Left, e))?;
                let b = version(b).map_err(|e| (Side::Right, e))?;
                Ok(a.cmp_precedence(&b))
            }
            Compare::Date => {
                let a = date(a).map_err(|e| (Side::Left, e))?;
                let b = date(b).map_err(|e| (Side::Right, e))?;
                Ok(a.cmp(&b))
            }
            Compare::Number => {
                let a = number(a).map_err(|e| (Side::Left, e))?;
                let b = number(b).map_err(|e| (Side::Right, e))?;
                Ok(a.total_cmp(&b))
            }
        }
    }
}

/// Which side of a comparison: the variable, or the value it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Left,
    Right,
}

fn version(s: &str) -> Result<semver::Version, String> {
    semver::Version::parse(s).map_err(|e| {
        let hint = if s.starts_with(['v', 'V']) {
            " (semver.org versions have no 'v' prefix)"
        } else {
            ""
        };
        format!("not a semantic version (MAJOR.MINOR.PATCH[-PRE][+BUILD]): {e}{hint}")
    })
}

fn date(s: &str) -> Result<jiff::Timestamp, String> {
    crate::parse::dates::parse_instant(s)
        .ok_or_else(|| "not a date (YYYY-MM-DD) or an RFC 3339 time".to_string())
}

fn number(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let plain = digits
        .chars()
        .all(|c| c.is_ascii_digit() || ".eE+-".contains(c))
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match t.parse::<f64>() {
        Ok(n) if plain && n.is_finite() => Ok(n),
        _ => Err("not a number".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn semver_precedence_is_semver_orgs() {
        let o = |a: &str, b: &str| Compare::Semver.order(a, b).unwrap();
        assert_eq!(o("1.2.3", "1.2.3"), Equal);
        assert_eq!(o("1.2.4-rc.1", "1.2.3"), Greater);
        assert_eq!(o("1.10.0", "1.9.0"), Greater);
        assert_eq!(o("1.2.2", "1.2.3"), Less);
        // semver.org 11.4: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta
        // < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for w in chain.windows(2) {
            assert_eq!(o(w[0], w[1]), Less, "{} < {}", w[0], w[1]);
        }
        // Build metadata does not count (the crate's Ord would say Less).
        assert_eq!(o("1.0.0+a", "1.0.0+b"), Equal);
        assert_eq!(o("1.0.0+build.9", "1.0.0"), Equal);
        // Strict grammar: no 'v', no leading zeros, three numbers.
        for bad in ["v1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3.4", ""] {
            assert!(Compare::Semver.order(bad, "1.0.0").is_err(), "{bad}");
        }
        let (side, why) = Compare::Semver.order("1.0.0", "v2.0.0").unwrap_err();
        assert_eq!(side, Side::Right);
        assert!(why.contains("no 'v' prefix"), "{why}");
    }

    #[test]
    fn dates_and_numbers() {
        let d = |a: &str, b: &str| Compare::Date.order(a, b);
        assert_eq!(d("2024-07-15", "2024-07-14"), Ok(Greater));
        assert_eq!(d("2024-07-15", "2024-07-15T00:00:00Z"), Ok(Equal));
        assert_eq!(
            d("2024-07-15T10:00:00+02:00", "2024-07-15T08:00:00Z"),
            Ok(Equal)
        );
        assert!(d("2024-02-30", "2024-01-01").is_err());
        assert_eq!(d("x", "2024-01-01").unwrap_err().0, Side::Left);
        let n = |a: &str, b: &str| Compare::Number.order(a, b);
        assert_eq!(n("10", "9"), Ok(Greater));
        assert_eq!(n("1.10", "1.9"), Ok(Less));
        assert_eq!(n("-1", "0"), Ok(Less));
        assert_eq!(n("1e3", "999.5"), Ok(Greater));
        for bad in ["inf", "NaN", "0x10", "1,5", "", "one", "-", "e5"] {
            assert!(n(bad, "1").is_err(), "{bad}");
        }
    }
}
