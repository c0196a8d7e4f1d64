//! The bytes of an XML report as text: the encoding it declares (or its
//! byte order mark) decoded, others refused with that reason.
//!
//! Read: UTF-8 (with or without a byte order mark), UTF-16 little- and
//! big-endian (with a byte order mark, or detected from `<?` as XML's
//! appendix F says), ISO-8859-1 and US-ASCII when the XML declaration names
//! them. Refused: any other declared encoding (Windows-1252, Shift_JIS...),
//! UTF-32 and EBCDIC, and a declaration that contradicts the bytes (UTF-16
//! declared in a file that is not UTF-16, and the reverse), which expat
//! refuses too.
//!
//! Why by hand: the three encodings are a few lines each (Latin-1 maps each
//! byte to the code point of the same value; UTF-16 is `char::decode_utf16`),
//! and a general decoder (`encoding_rs`) would quietly read the
//! WHATWG-relabelled encodings (ISO-8859-1 as Windows-1252) that an XML
//! parser must not.
//!
//! Positions: the decoded text has the file's lines and characters, so a
//! line and column counted in it are the file's.

use std::borrow::Cow;

/// Why the bytes cannot be read as text, and where (byte offset of the
/// decoded prefix that was fine, so the caller can place it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub message: String,
    /// The text decoded before the problem (its end is the position).
    pub before: String,
}

pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..]
        | [0, 0, 0xFE, 0xFF, ..]
        | [0, 0, 0, 0x3C, ..]
        | [0x3C, 0, 0, 0, ..] => {
            return Err(refused("it is UTF-32; write the report in UTF-8"));
        }
        [0x4C, 0x6F, 0xA7, 0x94, ..] => {
            return Err(refused("it is EBCDIC; write the report in UTF-8"));
        }
        [0xFF, 0xFE, rest @ ..] => return utf16(rest, u16::from_le_bytes, true),
        [0xFE, 0xFF, rest @ ..] => return utf16(rest, u16::from_be_bytes, true),
        [0x3C, 0, 0x3F, 0, ..] => return utf16(bytes, u16::from_le_bytes, false),
        [0, 0x3C, 0, 0x3F, ..] => return utf16(bytes, u16::from_be_bytes, false),
        _ => {}
    }
    let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    let declared = declared_encoding(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes));
    match declared.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("utf-8") => utf8(bytes),
        Some(_) if bom => Err(refused(&format!(
            "it starts with a UTF-8 byte order mark but declares encoding=\"{}\"",
            shown(declared.as_deref().unwrap_or_default())
        ))),
        Some("iso-8859-1" | "latin1" | "latin-1" | "iso_8859-1" | "l1") => {
            Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
        }
        Some("us-ascii" | "ascii") => match bytes.iter().position(|b| !b.is_ascii()) {
            None => utf8(bytes),
            Some(at) => Err(DecodeError {
                message: format!(
                    "not well-formed XML: byte 0x{:02X} is not US-ASCII, the encoding the XML declaration names",
                    bytes[at]
                ),
                before: String::from_utf8_lossy(&bytes[..at]).into_owned(),
            }),
        },
        Some("utf-16" | "utf-16le" | "utf-16be") => Err(refused(
            "it declares UTF-16 but is not UTF-16 (no byte order mark, and not `<?xml` in UTF-16)",
        )),
        Some(_) => Err(refused(&format!(
            "it declares encoding=\"{}\", which relgate does not read (UTF-8, UTF-16, ISO-8859-1 and US-ASCII are read); write the report in UTF-8",
            shown(declared.as_deref().unwrap_or_default())
        ))),
    }
}

fn refused(why: &str) -> DecodeError {
    DecodeError {
        message: format!("cannot read the report's encoding: {why}"),
        before: String::new(),
    }
}

/// An encoding name for a message: the characters an encoding name may
/// have, at most 40 of them.
fn shown(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '?'
            }
        })
        .take(40)
        .collect()
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let at = e.valid_up_to();
        DecodeError {
            message: format!(
                "not well-formed XML: byte 0x{:02X} is not UTF-8 (the report declares no other encoding)",
                bytes.get(at).copied().unwrap_or_default()
            ),
            before: String::from_utf8_lossy(&bytes[..at]).into_owned(),
        }
    })
}

fn utf16(
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    bom: bool,
) -> Result<Cow<'static, str>, DecodeError> {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut text = String::with_capacity(bytes.len() / 2 + 3);
    if bom {
        text.push('\u{feff}');
    }
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(e) => {
                return Err(DecodeError {
                    message: format!(
                        "not well-formed XML: unpaired UTF-16 surrogate 0x{:04X}",
                        e.unpaired_surrogate()
                    ),
                    before: text,
                });
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(DecodeError {
            message: "not well-formed XML: the UTF-16 text ends in half a character (an odd number of bytes)".into(),
            before: text,
        });
    }
    let declared = declared_encoding(text.trim_start_matches('\u{feff}').as_bytes());
    match declared.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("utf-16" | "utf-16le" | "utf-16be") => Ok(Cow::Owned(text)),
        Some(other) => Err(refused(&format!(
            "it is UTF-16 but declares encoding=\"{}\"",
            shown(other)
        ))),
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start
/// (`None` without one). Only finds it: the declaration's syntax is the XML
/// parser's to check.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let rest = bytes.strip_prefix(b"<?xml")?;
    if !rest.first().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let end = rest.windows(2).position(|w| w == b"?>")?;
    let decl = &rest[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let after = &decl[at + 8..];
    let after = after
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let quote = *after.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &after[1..];
    let close = value.iter().position(|&b| b == quote)?;
    Some(String::from_utf8_lossy(&value[..close]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn encodings() {
        assert_eq!(decode(b"<a/>").unwrap(), "<a/>");
        assert_eq!(decode("\u{feff}<a/>".as_bytes()).unwrap(), "\u{feff}<a/>");
        let decl = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>";
        assert_eq!(
            decode(&utf16le(decl, true)).unwrap(),
            format!("\u{feff}{decl}")
        );
        assert_eq!(decode(&utf16le(decl, false)).unwrap(), decl);
        let mut be = vec![0xFE, 0xFF];
        be.extend(decl.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap(), format!("\u{feff}{decl}"));
        let latin = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\xe9</a>";
        assert_eq!(
            decode(latin).unwrap(),
            "<?xml version='1.0' encoding='ISO-8859-1'?><a>café</a>"
        );
    }

    #[test]
    fn refusals() {
        let e = decode(b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><a/>").unwrap_err();
        assert!(e.message.contains("encoding=\"windows-1252\""), "{e:?}");
        let e = decode(b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>").unwrap_err();
        assert!(e.message.contains("not UTF-16"), "{e:?}");
        let e = decode(b"<a>caf\xe9</a>").unwrap_err();
        assert_eq!(e.before, "<a>caf");
        let e =
            decode(b"<?xml version=\"1.0\" encoding=\"US-ASCII\"?>\n<a>\xc3\xa9</a>").unwrap_err();
        assert!(e.before.ends_with("\n<a>"), "{e:?}");
        let mut odd = utf16le("<a/>", true);
        odd.push(0);
        assert!(decode(&odd).unwrap_err().message.contains("odd"));
        let mut lone = utf16le("<a>", true);
        lone.extend([0x00, 0xD8]);
        assert_eq!(decode(&lone).unwrap_err().before, "\u{feff}<a>");
        let e = decode(&utf16le(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>",
            true,
        ))
        .unwrap_err();
        assert!(e.message.contains("is UTF-16 but declares"), "{e:?}");
        assert!(decode(&[0, 0, 0xFE, 0xFF, 0, 0, 0, 0x3C]).is_err());
        let e =
            decode(b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>").unwrap_err();
        assert!(e.message.contains("byte order mark"), "{e:?}");
    }
}
