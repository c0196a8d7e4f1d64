//! Is a text file valid UTF-8, and free of mojibake?
//!
//! The DR manual this gate was written for had been opened as Mac Roman,
//! "fixed" and saved again as UTF-8: `negócios` became `neg√≥cios` and ✅
//! became `‚úÖ`. Such a file is perfectly valid UTF-8, so a validity check
//! alone does not catch it; this module also looks for the shape that double
//! decoding leaves behind.
//!
//! Mojibake is UTF-8 whose bytes were decoded one byte per character in a
//! legacy codec (Latin-1, Windows-1252, Mac Roman) and then re-encoded as
//! UTF-8. Reversing that is mechanical: map each character of a short run back
//! to its byte in the codec and see whether the bytes form one valid UTF-8
//! multi-byte sequence. Ordinary accented text almost never does, and the rare
//! accidental hits decode to characters nobody writes in prose (Cyrillic
//! combining marks, African click letters...), so a run is only reported when
//! the character it decodes to is plausible text: Latin letters, general
//! punctuation, currency and letterlike symbols, emoji and dingbats.
//!
//! Chinese, Japanese and Korean text (every character three bytes in UTF-8)
//! is reported when at least two such characters in a row decode from the
//! run: `ä¸­æ–‡` (Windows-1252) or `‰∏≠Êñá` (Mac Roman) for 中文. One alone is
//! not enough, because clean European text can spell one by chance: French
//! `café »` with its no-break space is the bytes E9 A0 BB, which is 頻. Two
//! need six consecutive characters of that exact shape, which prose in Latin
//! script does not have, and clean CJK text itself never maps back to bytes
//! at all (none of its characters exists in these codecs).
//!
//! Windows-1252 leaves five bytes undefined and many decoders write U+FFFD
//! for them (`â€�` for `”`): in a damaged run, a U+FFFD after the first
//! character stands for any of those bytes, and the finding shows the
//! character it made uncertain as U+FFFD.
//!
//! Positions are 1-based: lines are separated by `\n`; the mojibake column
//! counts characters (a leading BOM counts as one, as everywhere else in
//! relgate); the invalid-UTF-8 column counts bytes, since there is no
//! character there to count.

use std::fmt;

/// The first problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodingIssue {
    /// The byte at this position does not continue valid UTF-8.
    InvalidUtf8 {
        line: usize,
        /// 1-based byte column in that line.
        column: usize,
    },
    /// A run of characters that is the UTF-8 encoding of `meant` read in
    /// `codec`.
    Mojibake {
        line: usize,
        /// 1-based character column of the run's first character.
        column: usize,
        /// The damaged run as it appears in the file, e.g. `"Ã§"`.
        found: String,
        /// The text it stood for, e.g. `"ç"`, `"中文"`.
        meant: String,
        /// `"Latin-1"`, `"Windows-1252"` or `"Mac Roman"`.
        codec: &'static str,
    },
}

impl fmt::Display for EncodingIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodingIssue::InvalidUtf8 { .. } => write!(f, "invalid UTF-8"),
            EncodingIssue::Mojibake {
                found,
                meant,
                codec,
                ..
            } => write!(
                f,
                "mojibake: \"{found}\" is \"{meant}\" in UTF-8 misread as {codec}"
            ),
        }
    }
}

/// The first issue in line order, left to right within a line; `None` when
/// the bytes are valid UTF-8 without mojibake.
pub fn first_issue(bytes: &[u8]) -> Option<EncodingIssue> {
    let (valid, invalid_at) = match std::str::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let end = e.valid_up_to();
            (
                std::str::from_utf8(&bytes[..end]).unwrap_or_default(),
                Some(end),
            )
        }
    };
    // Everything before the invalid byte is valid UTF-8 and comes first.
    if let Some(issue) = first_mojibake(valid) {
        return Some(issue);
    }
    let offset = invalid_at?;
    let line_start = bytes[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + bytes[..line_start].iter().filter(|b| **b == b'\n').count();
    Some(EncodingIssue::InvalidUtf8 {
        line,
        column: offset - line_start + 1,
    })
}

/// A single-byte codec, as the reverse map char → byte for 0x80..=0xFF
/// (ASCII never takes part in a multi-byte UTF-8 sequence).
#[derive(Clone, Copy)]
enum Codec {
    Latin1,
    Windows1252,
    MacRoman,
}

/// Tried in this order; the first codec that explains a run names it.
const CODECS: [Codec; 3] = [Codec::Latin1, Codec::Windows1252, Codec::MacRoman];

/// Windows-1252 0x80..=0x9F. The five unassigned bytes (0x81, 0x8D, 0x8F,
/// 0x90, 0x9D) decode to the C1 control of the same value, as browsers do.
const WINDOWS_1252_80: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Mac OS Roman 0x80..=0xFF (Apple's ROMAN.TXT: 0xDB is €, 0xBD is Ω,
/// 0xF0 is the Apple logo in the private use area).
const MAC_ROMAN_80: [char; 128] = [
    '\u{00C4}', '\u{00C5}', '\u{00C7}', '\u{00C9}', '\u{00D1}', '\u{00D6}', '\u{00DC}', '\u{00E1}',
    '\u{00E0}', '\u{00E2}', '\u{00E4}', '\u{00E3}', '\u{00E5}', '\u{00E7}', '\u{00E9}', '\u{00E8}',
    '\u{00EA}', '\u{00EB}', '\u{00ED}', '\u{00EC}', '\u{00EE}', '\u{00EF}', '\u{00F1}', '\u{00F3}',
    '\u{00F2}', '\u{00F4}', '\u{00F6}', '\u{00F5}', '\u{00FA}', '\u{00F9}', '\u{00FB}', '\u{00FC}',
    '\u{2020}', '\u{00B0}', '\u{00A2}', '\u{00A3}', '\u{00A7}', '\u{2022}', '\u{00B6}', '\u{00DF}',
    '\u{00AE}', '\u{00A9}', '\u{2122}', '\u{00B4}', '\u{00A8}', '\u{2260}', '\u{00C6}', '\u{00D8}',
    '\u{221E}', '\u{00B1}', '\u{2264}', '\u{2265}', '\u{00A5}', '\u{00B5}', '\u{2202}', '\u{2211}',
    '\u{220F}', '\u{03C0}', '\u{222B}', '\u{00AA}', '\u{00BA}', '\u{03A9}', '\u{00E6}', '\u{00F8}',
    '\u{00BF}', '\u{00A1}', '\u{00AC}', '\u{221A}', '\u{0192}', '\u{2248}', '\u{2206}', '\u{00AB}',
    '\u{00BB}', '\u{2026}', '\u{00A0}', '\u{00C0}', '\u{00C3}', '\u{00D5}', '\u{0152}', '\u{0153}',
    '\u{2013}', '\u{2014}', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{00F7}', '\u{25CA}',
    '\u{00FF}', '\u{0178}', '\u{2044}', '\u{20AC}', '\u{2039}', '\u{203A}', '\u{FB01}', '\u{FB02}',
    '\u{2021}', '\u{00B7}', '\u{201A}', '\u{201E}', '\u{2030}', '\u{00C2}', '\u{00CA}', '\u{00C1}',
    '\u{00CB}', '\u{00C8}', '\u{00CD}', '\u{00CE}', '\u{00CF}', '\u{00CC}', '\u{00D3}', '\u{00D4}',
    '\u{F8FF}', '\u{00D2}', '\u{00DA}', '\u{00DB}', '\u{00D9}', '\u{0131}', '\u{02C6}', '\u{02DC}',
    '\u{00AF}', '\u{02D8}', '\u{02D9}', '\u{02DA}', '\u{00B8}', '\u{02DD}', '\u{02DB}', '\u{02C7}',
];

fn high_byte(index: usize) -> Option<u8> {
    u8::try_from(0x80 + index).ok()
}

impl Codec {
    fn name(self) -> &'static str {
        match self {
            Codec::Latin1 => "Latin-1",
            Codec::Windows1252 => "Windows-1252",
            Codec::MacRoman => "Mac Roman",
        }
    }

    /// The byte 0x80..=0xFF that decodes to `c` in this codec.
    fn byte(self, c: char) -> Option<u8> {
        let latin1 = || u8::try_from(u32::from(c)).ok().filter(|b| *b >= 0x80);
        match self {
            Codec::Latin1 => latin1(),
            Codec::Windows1252 => latin1()
                .filter(|b| *b >= 0xA0 || WINDOWS_1252_80[usize::from(*b - 0x80)] == c)
                .or_else(|| {
                    WINDOWS_1252_80
                        .iter()
                        .position(|m| *m == c)
                        .and_then(high_byte)
                }),
            Codec::MacRoman => match c {
                // Older mappings of the same bytes.
                '\u{2126}' => Some(0xBD), // OHM SIGN for Ω
                '\u{00A4}' => Some(0xDB), // CURRENCY SIGN before the euro
                _ => MAC_ROMAN_80
                    .iter()
                    .position(|m| *m == c)
                    .and_then(high_byte),
            },
        }
    }
}

/// Characters a real document plausibly contains, so that decoding to them
/// is evidence of mojibake rather than coincidence.
///
/// Latin Extended-B is only partly included: U+01C0..=U+0217 and
/// U+021C..=U+024F are what `«`, `»` and `…` (Mac Roman) or `Ç`, `È`, `É`
/// (Windows-1252) followed by an accented letter or typographic punctuation
/// decode to, e.g. European Portuguese `«É isso»` would otherwise read as
/// U+01C3. Romanian ș ț (U+0218..=U+021B) stay in.
fn plausible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00A0..=0x01BF
            | 0x0218..=0x021B
            | 0x2010..=0x205E
            | 0x20A0..=0x20CF
            | 0x2100..=0x214F
            | 0x2600..=0x27BF
            | 0x1F000..=0x1FAFF
    )
}

/// Chinese, Japanese and Korean characters and punctuation: CJK symbols and
/// punctuation, kana, CJK ideographs (extension A, unified, compatibility,
/// extensions B and later), Hangul syllables, full-width forms.
fn east_asian(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3000..=0x30FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3134F
    )
}

/// How many decoded East Asian characters in a row make mojibake, and how
/// many a finding quotes at most.
const EAST_ASIAN_MIN: usize = 2;
const EAST_ASIAN_QUOTED: usize = 4;

/// Length of the UTF-8 sequence a lead byte starts (multi-byte only).
fn sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// Windows-1252 leaves five bytes undefined, and many decoders write U+FFFD
/// for them: where a damaged run has one, it stood for one of these bytes
/// (all of them UTF-8 continuation bytes, never a lead).
const WINDOWS_1252_UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// A decoded character: itself, and whether a U+FFFD made it a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decoded {
    c: char,
    guessed: bool,
}

/// If the run starting at `chars[0]` is the UTF-8 of one plausible or East
/// Asian character read in `codec`: its length and that character.
fn decode_run(chars: &[char], codec: Codec) -> Option<(usize, Decoded)> {
    let lead = codec.byte(*chars.first()?)?;
    let len = sequence_len(lead)?;
    let run = chars.get(..len)?;
    let mut choices: Vec<&[u8]> = Vec::with_capacity(len);
    let lone = |b: u8| -> &'static [u8] { &HIGH_BYTES[usize::from(b - 0x80)..][..1] };
    for (i, c) in run.iter().enumerate() {
        match codec.byte(*c) {
            Some(b) => choices.push(lone(b)),
            None if i > 0 && *c == '\u{FFFD}' && matches!(codec, Codec::Windows1252) => {
                choices.push(&WINDOWS_1252_UNDEFINED)
            }
            None => return None,
        }
    }
    let guessed = choices.iter().any(|c| c.len() > 1);
    // Every filling of the U+FFFDs (at most 5^3), in order; the first that
    // decodes to a character worth reporting.
    let combos: usize = choices.iter().map(|c| c.len()).product();
    (0..combos).find_map(|mut n| {
        let mut buf = [0u8; 4];
        for (slot, choice) in buf.iter_mut().zip(&choices) {
            *slot = choice[n % choice.len()];
            n /= choice.len();
        }
        // from_utf8 also rejects overlong forms, surrogates and > U+10FFFF.
        let c = std::str::from_utf8(&buf[..len]).ok()?.chars().next()?;
        (plausible(c) || east_asian(c)).then_some((len, Decoded { c, guessed }))
    })
}

/// The bytes 0x80..=0xFF, to borrow one-byte slices from.
const HIGH_BYTES: [u8; 128] = {
    let mut out = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        out[i] = 0x80 + i as u8;
        i += 1;
    }
    out
};

/// If the text starting at `chars[0]` is mojibake in `codec`: how many
/// characters it spans and the text they stood for (U+FFFD where a byte was
/// lost).
fn mojibake_at(chars: &[char], codec: Codec) -> Option<(usize, String)> {
    let shown = |d: Decoded| if d.guessed { '\u{FFFD}' } else { d.c };
    let (len, first) = decode_run(chars, codec)?;
    if plausible(first.c) {
        return Some((len, shown(first).to_string()));
    }
    let (mut used, mut meant) = (len, vec![shown(first)]);
    while meant.len() < EAST_ASIAN_QUOTED {
        match decode_run(&chars[used..], codec) {
            Some((len, d)) if east_asian(d.c) => {
                used += len;
                meant.push(shown(d));
            }
            _ => break,
        }
    }
    (meant.len() >= EAST_ASIAN_MIN).then(|| (used, meant.into_iter().collect()))
}

/// Whether some codec reads `a` as the lead byte of a multi-byte UTF-8
/// sequence and `b` as a continuation byte: how every run of mojibake starts
/// ([`decode_run`] needs both, and every codec maps ASCII to ASCII, which is
/// neither).
fn could_start(a: char, b: char) -> bool {
    CODECS.into_iter().any(|codec| {
        codec.byte(a).and_then(sequence_len).is_some()
            && (matches!(codec.byte(b), Some(0x80..=0xBF))
                || (b == '\u{FFFD}' && matches!(codec, Codec::Windows1252)))
    })
}

/// Whether `text` has two characters in a row that [`could_start`] a run: most
/// text, accented or not, has none, and is then free of mojibake without a
/// line being decoded. Non-ASCII characters in a row are UTF-8 where a
/// continuation byte is followed by a lead byte, which is where this looks.
fn could_have_mojibake(text: &str) -> bool {
    const CHUNK: usize = 32;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() {
        let end = (at + CHUNK).min(bytes.len());
        // No pair starts in ASCII: an ASCII chunk is skipped whole, and every byte of
        // another is looked at once (each pair that starts in it, the last one's
        // second byte in the next chunk).
        if bytes.get(at..end).is_some_and(<[u8]>::is_ascii) {
            at = end;
            continue;
        }
        for i in at..end.min(bytes.len() - 1) {
            if matches!((bytes[i], bytes[i + 1]), (0x80..=0xBF, 0xC0..=0xFF)) {
                // `i + 1` starts a character (a lead byte); the one before it ends there.
                let before = text[..=i].chars().next_back();
                let after = text[i + 1..].chars().next();
                if let (Some(a), Some(b)) = (before, after)
                    && could_start(a, b)
                {
                    return true;
                }
            }
        }
        at = end;
    }
    false
}

fn first_mojibake(text: &str) -> Option<EncodingIssue> {
    if !could_have_mojibake(text) {
        return None;
    }
    first_mojibake_in_lines(text)
}

/// [`first_mojibake`] without its filter: every run tried, line by line.
fn first_mojibake_in_lines(text: &str) -> Option<EncodingIssue> {
    for (index, line) in text.split('\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        for start in 0..chars.len() {
            // No codec maps an ASCII character to a byte that starts a UTF-8 sequence.
            if chars[start].is_ascii() {
                continue;
            }
            for codec in CODECS {
                if let Some((len, meant)) = mojibake_at(&chars[start..], codec) {
                    return Some(EncodingIssue::Mojibake {
                        line: index + 1,
                        column: start + 1,
                        found: chars[start..start + len].iter().collect(),
                        meant,
                        codec: codec.name(),
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
