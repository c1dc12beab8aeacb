//! A forgiving tokenizer for the text before the cursor.
//!
//! Completion runs while the user types, on text the parser rejects, so it reads tokens, not
//! a tree: words, strings (as one opaque token), operators and punctuation, skipping comments.
//! It answers `None` when the cursor is inside a string or a comment.

/// One token before the cursor.
#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    /// A name, keyword or number: letters, digits, `_` and `-`.
    Word(&'a str),
    /// A string literal of any kind.
    Str,
    /// `==`, `!=`, `&&`, `||`, or one punctuation character such as `{` or `.`.
    Punct(&'a str),
}

/// The tokens of `text` and whether the last one is a word running up to the end (being typed).
pub fn tokens(text: &str) -> Option<(Vec<Token<'_>>, bool)> {
    let bytes = text.as_bytes();
    let (mut out, mut i, mut typing) = (Vec::new(), 0, false);
    while i < bytes.len() {
        typing = false;
        let rest = &text[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if rest.starts_with("//") {
            i += rest.find('\n')?;
        } else if let Some(body) = rest.strip_prefix("/*") {
            i += 2 + body.find("*/")? + 2;
        } else if let Some(body) = rest.strip_prefix("\"\"\"") {
            i += 3 + body.find("\"\"\"")? + 3;
            out.push(Token::Str);
        } else if c == '"' {
            i += string_end(rest)?;
            out.push(Token::Str);
        } else if is_word_char(c) {
            let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            out.push(Token::Word(&rest[..len]));
            i += len;
            typing = i == bytes.len();
        } else {
            let len = if ["==", "!=", "&&", "||"].iter().any(|op| rest.starts_with(op)) { 2 } else { c.len_utf8() };
            out.push(Token::Punct(&rest[..len]));
            i += len;
        }
    }
    Some((out, typing))
}

/// The length of the plain string at the start of `text`; `None` when it is not closed yet.
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            // A string never spans lines: the line break ends a broken one.
            '\n' => return Some(i),
            '"' if !escaped => return Some(i + 1),
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    None
}

pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

#[cfg(test)]
mod tests {
    use super::Token::*;
    use super::*;

    #[test]
    fn words_strings_and_operators() {
        let (found, typing) = tokens("when branch == \"a\\\"b\" && in").unwrap();
        assert_eq!(found, [Word("when"), Word("branch"), Punct("=="), Str, Punct("&&"), Word("in")]);
        assert!(typing);
        let (found, typing) = tokens("a /* x */ b // c\n\"\"\"\nq\n\"\"\" . ").unwrap();
        assert_eq!(found, [Word("a"), Word("b"), Str, Punct(".")]);
        assert!(!typing);
    }

    #[test]
    fn inside_a_string_or_comment_is_none() {
        assert_eq!(tokens("step \"abc"), None);
        assert_eq!(tokens("a // b"), None);
        assert_eq!(tokens("a /* b"), None);
        assert_eq!(tokens("step \"\"\"\nabc"), None);
        assert!(tokens("step \"café ✓ 𝄞\" é").is_some());
    }
}
