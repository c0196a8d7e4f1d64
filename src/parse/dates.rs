//! Dates, instants and durations as policies and documents write them.
//!
//! Policies compare things like "the checklist was signed at most 48h after the
//! release" or "lessons learned are filed within 2d of the rollback". Those
//! values arrive as plain strings (YAML scalars, text in a Markdown file), so
//! this module is the single place that decides which spellings are accepted.
//! It is deliberately strict: a string that is almost a date (`2024-6-4`,
//! `2024-02-30`, `2024-06-04 16:30` without an offset) is rejected rather than
//! guessed at, so a check can report it instead of silently misjudging a
//! deadline. All calendar arithmetic is delegated to `jiff`.

use std::sync::LazyLock;

use jiff::civil::{Date, Time};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use regex::Regex;

/// `YYYY-MM-DD`, nothing more.
static ISO_DATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").ok());

/// The RFC 3339 `date-time` production (section 5.6): seconds are required,
/// fractional seconds optional, and the offset is `Z` or `±hh:mm`. `T`/`Z` may
/// be lower case and a space may separate date and time, as the RFC allows.
/// A bracketed time zone annotation (RFC 9557) is not accepted.
static RFC3339: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
    )
    .ok()
});

fn matches(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|re| re.is_match(s))
}

/// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 timestamp
/// (`2024-06-04T16:30:00Z`, `2024-06-04T16:30:00-03:00`); `None` otherwise
/// (also for impossible dates like `2024-13-01` or `2024-02-30`).
pub fn parse_instant(s: &str) -> Option<Timestamp> {
    if matches(&ISO_DATE, s) {
        let date: Date = s.parse().ok()?;
        return Offset::UTC
            .to_timestamp(date.to_datetime(Time::midnight()))
            .ok();
    }
    if matches(&RFC3339, s) {
        return s.parse().ok();
    }
    None
}

/// Exactly `YYYY-MM-DD` and a real calendar date.
pub fn is_iso_date(s: &str) -> bool {
    matches(&ISO_DATE, s) && s.parse::<Date>().is_ok()
}

/// A compact duration: one or more `<digits><unit>` parts with units in
/// decreasing order, each unit at most once: `w` (7 days), `d` (24 hours),
/// `h`, `m` (minutes), `s`. Examples: `48h`, `2d`, `90m`, `1w`, `36h30m`.
/// Days and weeks are exact multiples of 24 hours (an elapsed time, not a
/// calendar span). No sign, spaces, fractions or upper case; `None` otherwise
/// and on overflow.
pub fn parse_duration(s: &str) -> Option<SignedDuration> {
    const UNITS: [(u8, i64); 5] = [
        (b'w', 7 * 86_400),
        (b'd', 86_400),
        (b'h', 3_600),
        (b'm', 60),
        (b's', 1),
    ];
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut next_unit = 0; // index into UNITS of the smallest unit still allowed
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i == bytes.len() {
            return None; // a unit without a number, or a number without a unit
        }
        let number: i64 = s.get(start..i)?.parse().ok()?;
        let unit = bytes[i];
        let pos = UNITS.iter().position(|(u, _)| *u == unit)?;
        if pos < next_unit {
            return None; // repeated or out-of-order unit
        }
        next_unit = pos + 1;
        total = total.checked_add(number.checked_mul(UNITS[pos].1)?)?;
        i += 1;
    }
    Some(SignedDuration::from_secs(total))
}

/// Render an instant for messages: `YYYY-MM-DD` when it is midnight UTC, else
/// RFC 3339 in UTC with seconds (`2024-06-06T16:30:00Z`). Fractional seconds
/// are shown only when present, so the rendering never hides a difference.
pub fn display_instant(t: Timestamp) -> String {
    let midnight = t.as_second().rem_euclid(86_400) == 0 && t.subsec_nanosecond() == 0;
    if midnight {
        t.strftime("%Y-%m-%d").to_string()
    } else {
        t.to_string()
    }
}

/// A point in time as a document writes it: a plain date (`YYYY-MM-DD`, the
/// whole day) or an instant. Comparisons involving a plain date are made at day
/// granularity (UTC calendar days), so a signature dated on the release day is
/// not "before" a release that happened at 10:00 that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// Midnight UTC for a plain date.
    pub at: Timestamp,
    pub date_only: bool,
}

impl Moment {
    /// See [`parse_instant`].
    pub fn parse(s: &str) -> Option<Moment> {
        Some(Moment {
            at: parse_instant(s)?,
            date_only: is_iso_date(s),
        })
    }

    pub fn instant(at: Timestamp) -> Moment {
        Moment {
            at,
            date_only: false,
        }
    }

    /// The UTC calendar day.
    pub fn day(&self) -> Date {
        day_of(self.at)
    }

    /// Orders two moments: by day when either is a plain date, else by instant.
    pub fn compare(&self, other: &Moment) -> std::cmp::Ordering {
        if self.date_only || other.date_only {
            self.day().cmp(&other.day())
        } else {
            self.at.cmp(&other.at)
        }
    }

    /// Whether the two are at most `d` apart (either direction); by day when either
    /// is a plain date: the day of `self` lies between the days of `other - d` and
    /// `other + d`.
    pub fn within(&self, other: &Moment, d: SignedDuration) -> bool {
        let (Ok(lo), Ok(hi)) = (other.at.checked_sub(d), other.at.checked_add(d)) else {
            return false;
        };
        if self.date_only || other.date_only {
            (day_of(lo)..=day_of(hi)).contains(&self.day())
        } else {
            (lo..=hi).contains(&self.at)
        }
    }
}

impl std::fmt::Display for Moment {
    /// `YYYY-MM-DD` for a plain date, else [`display_instant`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.date_only {
            write!(f, "{}", self.day())
        } else {
            f.write_str(&display_instant(self.at))
        }
    }
}

/// The UTC calendar day of an instant.
pub fn day_of(t: Timestamp) -> Date {
    Offset::UTC.to_datetime(t).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn instants() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2024-06-04", Some("2024-06-04T00:00:00Z")),
            ("2024-02-29", Some("2024-02-29T00:00:00Z")),
            ("2024-06-04T16:30:00Z", Some("2024-06-04T16:30:00Z")),
            ("2024-06-04T16:30:00-03:00", Some("2024-06-04T19:30:00Z")),
            ("2024-06-04T16:30:00+01:00", Some("2024-06-04T15:30:00Z")),
            ("2024-06-04t16:30:00z", Some("2024-06-04T16:30:00Z")),
            ("2024-06-04 16:30:00Z", Some("2024-06-04T16:30:00Z")),
            ("2024-06-04T16:30:00.5Z", Some("2024-06-04T16:30:00.5Z")),
            ("2024-13-01", None),
            ("2024-02-30", None),
            ("2023-02-29", None),
            ("2024-00-10", None),
            ("2024-6-4", None),
            ("24-06-04", None),
            ("2024-06-04T16:30Z", None),
            ("2024-06-04T16:30:00", None),
            ("2024-06-04T25:30:00Z", None),
            ("2024-06-04T16:30:00+0300", None),
            ("2024-06-04T16:30:00Z[America/Sao_Paulo]", None),
            (" 2024-06-04", None),
            ("2024-06-04\n", None),
            ("20240604", None),
            ("", None),
            ("ontem", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_instant(input), want.map(ts), "input {input:?}");
        }
    }

    #[test]
    fn iso_dates() {
        let cases: &[(&str, bool)] = &[
            ("2024-07-15", true),
            ("2000-02-29", true),
            ("1900-02-29", false),
            ("2024-02-30", false),
            ("2024-13-01", false),
            ("2024-07-15T00:00:00Z", false),
            ("2024-7-15", false),
            ("２０２４-07-15", false),
            ("", false),
        ];
        for (input, want) in cases {
            assert_eq!(is_iso_date(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn durations() {
        let h = |n: i64| SignedDuration::from_hours(n);
        let cases: &[(&str, Option<SignedDuration>)] = &[
            ("48h", Some(h(48))),
            ("2d", Some(h(48))),
            ("90m", Some(SignedDuration::from_mins(90))),
            ("1w", Some(h(168))),
            ("36h30m", Some(SignedDuration::from_mins(36 * 60 + 30))),
            ("1w2d3h4m5s", Some(SignedDuration::from_secs(788_645))),
            ("0h", Some(SignedDuration::ZERO)),
            ("30s", Some(SignedDuration::from_secs(30))),
            ("", None),
            ("h", None),
            ("48", None),
            ("48H", None),
            ("-48h", None),
            ("+48h", None),
            ("48 h", None),
            (" 48h", None),
            ("1.5h", None),
            ("30m1h", None),
            ("1h1h", None),
            ("2x", None),
            ("99999999999999999999h", None),
            ("9223372036854775807w", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_duration(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn display() {
        let cases: &[(&str, &str)] = &[
            ("2024-06-04T00:00:00Z", "2024-06-04"),
            ("2024-06-06T16:30:00Z", "2024-06-06T16:30:00Z"),
            ("2024-06-06T16:30:00-03:00", "2024-06-06T19:30:00Z"),
            ("2024-06-04T00:00:00-03:00", "2024-06-04T03:00:00Z"),
            ("2024-06-04T00:00:00.25Z", "2024-06-04T00:00:00.25Z"),
            ("1969-12-31T00:00:00Z", "1969-12-31"),
        ];
        for (input, want) in cases {
            assert_eq!(display_instant(ts(input)), *want, "input {input:?}");
        }
        assert_eq!(
            display_instant(parse_instant("2024-07-15").unwrap()),
            "2024-07-15"
        );
    }

    #[test]
    fn moments() {
        use std::cmp::Ordering::*;
        let m = |s: &str| Moment::parse(s).unwrap();
        let cases: &[(&str, &str, std::cmp::Ordering)] = &[
            ("2024-07-15", "2024-07-15", Equal),
            ("2024-07-14", "2024-07-15", Less),
            ("2024-07-15", "2024-07-15T10:00:00Z", Equal),
            ("2024-07-15T23:59:59Z", "2024-07-15", Equal),
            ("2024-07-16T00:00:00Z", "2024-07-15", Greater),
            ("2024-07-15T09:00:00Z", "2024-07-15T10:00:00Z", Less),
            // 2024-07-15T22:00-03:00 is the 16th in UTC.
            ("2024-07-15T22:00:00-03:00", "2024-07-16", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(m(a).compare(&m(b)), *want, "{a} vs {b}");
        }
        let h48 = SignedDuration::from_hours(48);
        assert!(m("2024-06-06").within(&m("2024-06-04T16:30:00Z"), h48));
        assert!(!m("2024-06-07").within(&m("2024-06-04T16:30:00Z"), h48));
        assert!(m("2024-06-06T16:30:00Z").within(&m("2024-06-04T16:30:00Z"), h48));
        assert!(!m("2024-06-06T16:30:01Z").within(&m("2024-06-04T16:30:00Z"), h48));
        assert!(m("2024-06-02T16:30:00Z").within(&m("2024-06-04T16:30:00Z"), h48));
        assert_eq!(m("2024-06-04").to_string(), "2024-06-04");
        assert_eq!(m("2024-06-04T00:00:00Z").to_string(), "2024-06-04");
        assert_eq!(
            m("2024-06-04T16:30:00Z").to_string(),
            "2024-06-04T16:30:00Z"
        );
    }
}
