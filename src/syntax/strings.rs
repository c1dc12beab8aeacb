//! String literals: escapes and the indentation rule of `"""` strings.

/// Why an escape sequence could not be decoded: the byte range of the bad escape inside the literal.
pub struct BadEscape {
    pub start: usize,
    pub end: usize,
}

/// Decodes a `"..."` literal (with its quotes).
pub fn plain(literal: &str) -> Result<String, BadEscape> {
    unescape(&literal[1..literal.len() - 1], 1)
}

/// Decodes a `"""..."""` literal: the first line break after the opening quotes and the
/// indentation common to all non-blank lines are removed; a trailing line break is kept
/// when the closing quotes stand on their own line.
pub fn triple(literal: &str) -> Result<String, BadEscape> {
    let body = &literal[3..literal.len() - 3];
    let body = body.strip_prefix("\r\n").or_else(|| body.strip_prefix('\n')).unwrap_or(body);
    let lines: Vec<&str> = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let indent = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !l.trim().is_empty() || *i == lines.len() - 1)
        .map(|(_, l)| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let last = i == lines.len() - 1;
        if last && line.trim().is_empty() {
            break;
        }
        out.push_str(line.get(indent..).unwrap_or("").trim_end_matches([' ', '\t']));
        if !last {
            out.push('\n');
        }
    }
    if !out.contains('\\') {
        return Ok(out);
    }
    unescape(&out, 3).map_err(|_| BadEscape { start: 0, end: literal.len() })
}

fn unescape(text: &str, offset: usize) -> Result<String, BadEscape> {
    if !text.contains('\\') {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let bad = |end: usize| BadEscape { start: offset + i, end: offset + end };
        let (j, e) = chars.next().ok_or(bad(i + 1))?;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' | '"' | '$' => out.push(e),
            'u' => {
                let rest = &text[j + 1..];
                let close = rest.find('}').filter(|_| rest.starts_with('{')).ok_or(bad(j + 1))?;
                let code = u32::from_str_radix(&rest[1..close], 16).ok().and_then(char::from_u32);
                out.push(code.ok_or(bad(j + 2 + close))?);
                for _ in 0..close + 1 {
                    chars.next();
                }
            }
            _ => return Err(bad(j + e.len_utf8())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(plain(r#""a\"b\\c\n\u{e9}""#).ok().unwrap(), "a\"b\\c\né");
        assert!(plain(r#""\q""#).is_err());
        assert!(plain(r#""\u{zz}""#).is_err());
    }

    #[test]
    fn triple_strips_common_indentation() {
        let text = "\"\"\"\n      ./deploy.sh\n        --fast\n      \"\"\"";
        assert_eq!(triple(text).ok().unwrap(), "./deploy.sh\n  --fast\n");
        assert_eq!(triple("\"\"\"one line\"\"\"").ok().unwrap(), "one line");
        let blank_inside = "\"\"\"\n  a\n\n  b\n  \"\"\"";
        assert_eq!(triple(blank_inside).ok().unwrap(), "a\n\nb\n");
    }
}
