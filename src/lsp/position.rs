//! Positions: byte offsets into a document ↔ LSP `(line, character)` positions.
//!
//! flowc spans are byte offsets; LSP counts characters in UTF-16 code units unless client and
//! server agreed on UTF-8. Every conversion clamps: a position past the end of its line or of
//! the document maps to that end, an offset inside a character maps to its start. Nothing here
//! panics, whatever the client sends.

use crate::source::Span;
use lsp_types::{Position, PositionEncodingKind, Range};

/// How the `character` of a position is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion needed), otherwise LSP's default UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The name advertised in the server capabilities.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// Where each line of a text starts, for converting in both directions.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
    encoding: Encoding,
}

impl Lines {
    pub fn new(text: &str, encoding: Encoding) -> Lines {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { starts, encoding }
    }

    /// The position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset);
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let character: usize = text[start..offset].chars().map(|c| self.encoding.width(c)).sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of a position; past the end of a line is its end, past the last line the text's end.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self.starts.get(position.line as usize + 1).copied().unwrap_or(text.len());
        let line = text[start..end].trim_end_matches(['\n', '\r']);
        let (mut offset, mut counted) = (start, 0usize);
        for c in line.chars() {
            let next = counted + self.encoding.width(c);
            if next > position.character as usize {
                break;
            }
            counted = next;
            offset += c.len_utf8();
        }
        offset
    }

    /// The range of a span.
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start as usize), self.position(text, span.end as usize))
    }

    /// The range of the whole text.
    pub fn whole(&self, text: &str) -> Range {
        Range::new(Position::new(0, 0), self.position(text, text.len()))
    }
}

/// `offset` clamped to the text and moved back to the start of the character it falls in.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "ab\n\"café ✓ 𝄞\" x\r\nlast";

    #[test]
    fn utf16_counts_surrogate_pairs_twice() {
        let lines = Lines::new(TEXT, Encoding::Utf16);
        let x = TEXT.find('x').unwrap();
        assert_eq!(lines.position(TEXT, x), Position::new(1, 12));
        assert_eq!(lines.offset(TEXT, Position::new(1, 12)), x);
        // Inside the surrogate pair of 𝄞: the start of the character.
        let clef = TEXT.find('𝄞').unwrap();
        assert_eq!(lines.offset(TEXT, Position::new(1, 9)), clef);
        assert_eq!(lines.position(TEXT, clef + 2), lines.position(TEXT, clef));
    }

    #[test]
    fn utf8_counts_bytes() {
        let lines = Lines::new(TEXT, Encoding::Utf8);
        let x = TEXT.find('x').unwrap();
        assert_eq!(lines.position(TEXT, x), Position::new(1, (x - 3) as u32));
        assert_eq!(lines.offset(TEXT, Position::new(1, (x - 3) as u32)), x);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let lines = Lines::new(TEXT, Encoding::Utf16);
        let eol = TEXT.find('\r').unwrap();
        assert_eq!(lines.offset(TEXT, Position::new(1, 999)), eol);
        assert_eq!(lines.offset(TEXT, Position::new(99, 0)), TEXT.len());
        assert_eq!(lines.position(TEXT, 10_000), Position::new(2, 4));
        assert_eq!(lines.position("", 3), Position::new(0, 0));
    }
}
