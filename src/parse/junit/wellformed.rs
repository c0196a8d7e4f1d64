//! The well-formedness rules roxmltree (0.21) does not check, checked after
//! it has read the document: the values of the XML declaration, the
//! reserved `xml` processing-instruction target in any case, character
//! references to code points XML does not allow (surrogates, beyond
//! U+10FFFF), and undeclaring a namespace prefix (`xmlns:p=""`). Each was
//! found by comparing with expat on the corpus in `tests/corpora/junit/`.

use roxmltree::Document;

use super::bounded;

/// The first break of these rules: byte offset and what is wrong.
pub(super) fn rest(text: &str, doc: &Document<'_>) -> Result<(), (usize, String)> {
    declaration(text)?;
    for node in doc.root().descendants() {
        if let Some(pi) = node.pi()
            && pi.target.eq_ignore_ascii_case("xml")
        {
            return Err((
                node.range().start,
                format!(
                    "the processing instruction target <?{}> is reserved (an XML declaration belongs at the very start, in lower case)",
                    bounded(pi.target, 10)
                ),
            ));
        }
        if node.is_element()
            && let Some(ns) = node
                .namespaces()
                .find(|ns| ns.name().is_some() && ns.uri().is_empty())
        {
            return Err((
                node.range().start,
                format!(
                    "the namespace prefix '{}' is undeclared (xmlns:{}=\"\"), which XML 1.0 does not allow",
                    bounded(ns.name().unwrap_or_default(), 40),
                    bounded(ns.name().unwrap_or_default(), 40)
                ),
            ));
        }
    }
    char_refs(text)
}

/// Character references in text and attribute values (not in comments,
/// CDATA sections, processing instructions or the document type
/// declaration, where `&#` is literal) must name a character XML allows.
/// The document is already known to be well-formed, so skipping those
/// constructs by their delimiters is exact.
fn char_refs(text: &str) -> Result<(), (usize, String)> {
    let mut at = 0;
    while let Some(found) = text[at..].find(['<', '&']) {
        let i = at + found;
        let rest = &text[i..];
        let skip_to = |open: &str, close: &str| {
            rest.starts_with(open)
                .then(|| rest.find(close).map_or(text.len(), |e| i + e + close.len()))
        };
        if let Some(next) = skip_to("<!--", "-->")
            .or_else(|| skip_to("<![CDATA[", "]]>"))
            .or_else(|| skip_to("<?", "?>"))
            .or_else(|| skip_to("<!DOCTYPE", ">"))
        {
            at = next;
            continue;
        }
        if let Some(body) = rest.strip_prefix("&#") {
            let end = body.find(';').unwrap_or(body.len());
            let digits = &body[..end];
            let code = match digits.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => digits.parse::<u32>().ok(),
            };
            if !code.and_then(char::from_u32).is_some_and(is_xml_char) {
                return Err((
                    i,
                    format!(
                        "the character reference &#{}; is not a character XML allows",
                        bounded(digits, 12)
                    ),
                ));
            }
        }
        at = i + 1;
    }
    Ok(())
}

/// XML 1.0's `Char`.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The values of the XML declaration, which roxmltree does not check:
/// `version` is `1.` and digits, `encoding` a name of letters, digits and
/// `._-` starting with a letter, `standalone` `yes` or `no`. Offset and
/// reason of the first wrong one.
fn declaration(text: &str) -> Result<(), (usize, String)> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let Some(rest) = text[bom..].strip_prefix("<?xml") else {
        return Ok(());
    };
    let Some(end) = rest.find("?>") else {
        return Ok(());
    };
    let mut at = bom + "<?xml".len();
    let mut s = &rest[..end];
    loop {
        let trimmed = s.trim_start();
        at += s.len() - trimmed.len();
        s = trimmed;
        let Some(eq) = s.find('=') else { return Ok(()) };
        let name = s[..eq].trim_end();
        let after = s[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            return Ok(());
        };
        let Some(close) = after[1..].find(quote) else {
            return Ok(());
        };
        let value = &after[1..=close];
        let value_at = at + (s.len() - after.len()) + 1;
        let ok = match name {
            "version" => value
                .strip_prefix("1.")
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
            "encoding" => {
                value.starts_with(|c: char| c.is_ascii_alphabetic())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            }
            "standalone" => value == "yes" || value == "no",
            _ => true,
        };
        if !ok {
            return Err((
                value_at,
                format!(
                    "the XML declaration's {name}=\"{}\" is not allowed",
                    bounded(value, 20)
                ),
            ));
        }
        let consumed = s.len() - after.len() + close + 2;
        at += consumed;
        s = &s[consumed..];
    }
}
