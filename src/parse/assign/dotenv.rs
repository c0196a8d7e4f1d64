//! dotenv files.

use super::{Assignment, column_of, is_blank, lines, strip_quotes_and_blanks};

pub(super) fn dotenv(text: &str, name: &str) -> Vec<Assignment> {
    let mut found = Vec::new();
    if name.is_empty() {
        return found;
    }
    for (number, line) in lines(text) {
        let mut rest = line
            .trim_start_matches('\u{feff}')
            .trim_start_matches(is_blank);
        if rest.starts_with('#') {
            continue;
        }
        if let Some(r) = rest.strip_prefix("export")
            && r.starts_with(is_blank)
        {
            rest = r.trim_start_matches(is_blank);
        }
        let name_at = line.len() - rest.len();
        let Some(after) = rest.strip_prefix(name) else {
            continue;
        };
        let Some(value) = after.trim_start_matches(is_blank).strip_prefix('=') else {
            continue;
        };
        found.push(Assignment {
            value: dotenv_value(value),
            raw: line.trim().to_owned(),
            line: number,
            column: column_of(line, name_at),
        });
    }
    found
}

fn dotenv_value(v: &str) -> String {
    let v = v.trim_start_matches(is_blank);
    if let Some(body) = v.strip_prefix('\'') {
        return match body.find('\'') {
            Some(end) => body[..end].trim().to_owned(),
            None => body.trim().to_owned(),
        };
    }
    if let Some(body) = v.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some(e @ ('"' | '\\')) => out.push(e),
                    Some(e) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        return out.trim().to_owned();
    }
    // A bare value ends where a comment starts: a `#` after a blank.
    let mut end = v.len();
    let mut prev_blank = false;
    for (i, c) in v.char_indices() {
        if c == '#' && prev_blank {
            end = i;
            break;
        }
        prev_blank = is_blank(c);
    }
    strip_quotes_and_blanks(&v[..end]).to_owned()
}
