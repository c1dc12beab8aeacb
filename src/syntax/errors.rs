//! Wording of the errors found while reading text.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

pub const SYNTAX: &str = "E0001";
pub const BAD_ESCAPE: &str = "E0002";
pub const BAD_NUMBER: &str = "E0003";
pub const TOO_DEEP: &str = "E0004";

pub fn syntax(span: Span, message: String, label: String) -> Diagnostic {
    Diagnostic::error(SYNTAX, message, span, label)
}

pub fn bad_escape(span: Span, escape: &str) -> Diagnostic {
    Diagnostic::error(BAD_ESCAPE, format!("unknown escape `{escape}` in string"), span, "not a valid escape")
        .with_help("valid escapes are \\\\, \\\", \\n, \\t, \\r, \\0 and \\u{XXXX}; write \\\\ for a backslash")
}

pub fn bad_number(span: Span, text: &str, what: &str) -> Diagnostic {
    Diagnostic::error(BAD_NUMBER, format!("`{text}` is not a valid {what}"), span, "out of range")
}

/// Scans for bracket nesting deeper than `limit`, outside strings and comments.
pub fn too_deep(file: FileId, text: &str, limit: usize) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = find(bytes, i, b"\n"),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = find(bytes, i + 2, b"*/") + 1,
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limit {
                    let span = Span::new(file, i, i + 1);
                    return Some(
                        Diagnostic::error(
                            TOO_DEEP,
                            "nested too deeply",
                            span,
                            format!("more than {limit} levels of brackets"),
                        )
                        .with_note("flowc limits nesting so that no input can exhaust its stack"),
                    );
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> usize {
    bytes[from.min(bytes.len())..].windows(needle.len()).position(|w| w == needle).map_or(bytes.len(), |p| from + p)
}

fn skip_string(bytes: &[u8], start: usize) -> usize {
    if bytes[start..].starts_with(b"\"\"\"") {
        return find(bytes, start + 3, b"\"\"\"") + 2;
    }
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    i
}
