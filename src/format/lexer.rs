//! The formatter's tokens: everything in a `.flow` file, comments and line breaks included.
//!
//! Only runs on text that parses, so every string and block comment is closed.

/// One token; `text` is exactly as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// The whitespace written before the token on its line (used to keep trailing-comment alignment).
    pub space_before: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One or more line breaks; `text` holds them.
    Newline,
    LineComment,
    BlockComment,
    Str,
    Word,
    /// `{`, `(`, `[`
    Open,
    /// `}`, `)`, `]`
    Close,
    /// Any other punctuation: `,`, `:`, `=`, `==`, `!=`, `&&`, `||`, `!`, `.`, `/`.
    Punct,
}

pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let start_space = i;
        loop {
            if i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r') {
                i += 1;
            } else if text[i..].starts_with('\u{feff}') {
                // The grammar reads a byte-order mark anywhere as white space.
                i += '\u{feff}'.len_utf8();
            } else {
                break;
            }
        }
        if i >= bytes.len() {
            break;
        }
        let space_before = &text[start_space..i];
        let (kind, len) = next(&text[i..]);
        out.push(Token { kind, text: &text[i..i + len], space_before });
        i += len;
    }
    out
}

/// The kind and byte length of the token at the start of `rest`.
fn next(rest: &str) -> (Kind, usize) {
    let b = rest.as_bytes();
    match b[0] {
        b'\n' => (Kind::Newline, newlines_len(b)),
        b'/' if b.get(1) == Some(&b'/') => (Kind::LineComment, rest.find('\n').unwrap_or(rest.len())),
        b'/' if b.get(1) == Some(&b'*') => (Kind::BlockComment, rest[2..].find("*/").map_or(rest.len(), |p| p + 4)),
        b'"' if rest.starts_with("\"\"\"") => (Kind::Str, rest[3..].find("\"\"\"").map_or(rest.len(), |p| p + 6)),
        b'"' => (Kind::Str, plain_string_len(rest)),
        b'{' | b'(' | b'[' => (Kind::Open, 1),
        b'}' | b')' | b']' => (Kind::Close, 1),
        b'=' | b'!' if b.get(1) == Some(&b'=') => (Kind::Punct, 2),
        b'&' if b.get(1) == Some(&b'&') => (Kind::Punct, 2),
        b'|' if b.get(1) == Some(&b'|') => (Kind::Punct, 2),
        b'-' => (Kind::Word, 1 + word_len(&rest[1..])),
        c if c.is_ascii_alphanumeric() || c == b'_' => (Kind::Word, word_len(rest)),
        _ => (Kind::Punct, rest.chars().next().map_or(1, char::len_utf8)),
    }
}

/// Line breaks and the blank lines between them, but not the indentation of the next line.
fn newlines_len(b: &[u8]) -> usize {
    let (mut pos, mut end) = (0, 0);
    while pos < b.len() && matches!(b[pos], b'\n' | b'\r' | b' ' | b'\t') {
        pos += 1;
        if b[pos - 1] == b'\n' {
            end = pos;
        }
    }
    end
}

fn word_len(rest: &str) -> usize {
    let b = rest.as_bytes();
    let mut n = 0;
    while n < b.len() {
        let c = b[n];
        let fraction =
            c == b'.' && b[..n].iter().all(u8::is_ascii_digit) && b.get(n + 1).is_some_and(u8::is_ascii_digit);
        if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || fraction) {
            break;
        }
        n += 1;
    }
    n
}

fn plain_string_len(rest: &str) -> usize {
    let b = rest.as_bytes();
    let mut n = 1;
    while n < b.len() && b[n] != b'"' && b[n] != b'\n' {
        n += if b[n] == b'\\' { 2 } else { 1 };
    }
    (n + 1).min(b.len())
}
