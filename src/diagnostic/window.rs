//! Long source lines cut to windows around a diagnostic's labels before codespan renders
//! them: codespan prints every rendered line whole, so an error on a 10 MB line wrote 20 MB.
//!
//! In: the [`SourceMap`] and one diagnostic's label offsets. Out: a [`View`] that codespan
//! reads instead of the `SourceMap`, and the label offsets moved into it. A line longer than
//! [`LONG_LINE`] bytes keeps [`CONTEXT`] characters on each side of every label start and end
//! on it (or its first [`HEAD`] characters when no label touches it); each cut-out stretch
//! becomes one `…`. Line numbers are unchanged, and the columns codespan prints are those of
//! the original text. Files without a long line are shown as they are, uncopied.

use crate::source::{FileId, SourceFile, SourceMap};
use codespan_reporting::files::{Error as FilesError, Files};
use std::collections::BTreeMap;
use std::ops::Range;

/// A line longer than this (in bytes, without its line break) is cut.
pub const LONG_LINE: usize = 240;
/// Characters kept on each side of a label's start or end on a long line.
pub const CONTEXT: usize = 60;
/// Characters kept of a long line no label starts or ends on.
pub const HEAD: usize = 120;
/// What replaces each stretch that is cut out.
pub const MARK: &str = "…";

/// A stretch of the original text kept in the cut text.
struct Piece {
    original: usize,
    cut: usize,
    len: usize,
}

/// One file's text with its long lines cut, and the way back to original offsets.
struct Cut {
    text: String,
    line_starts: Vec<usize>,
    pieces: Vec<Piece>,
}

impl Cut {
    /// Cuts every long line of `file`; `points` are the label offsets to keep in view.
    fn new(file: &SourceFile, points: &mut Vec<usize>) -> Cut {
        points.sort_unstable();
        points.dedup();
        let text = file.text.as_str();
        let gaps = gaps(text, file.line_starts(), points);
        let mut cut = String::with_capacity(text.len().min(gaps.len() * (2 * CONTEXT + 8) + 4096));
        let mut pieces = Vec::with_capacity(gaps.len() + 1);
        let mut from = 0;
        for gap in gaps.iter().chain(std::iter::once(&(text.len()..text.len()))) {
            pieces.push(Piece { original: from, cut: cut.len(), len: gap.start - from });
            cut.push_str(&text[from..gap.start]);
            if !gap.is_empty() {
                cut.push_str(MARK);
            }
            from = gap.end;
        }
        let line_starts = std::iter::once(0).chain(cut.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Cut { text: cut, line_starts, pieces }
    }

    /// Where an original offset is in the cut text (the nearest kept place for a cut-out one).
    fn to_cut(&self, offset: usize) -> usize {
        let at = self.pieces.partition_point(|p| p.original <= offset).saturating_sub(1);
        let piece = &self.pieces[at];
        piece.cut + offset.saturating_sub(piece.original).min(piece.len)
    }

    /// Where an offset of the cut text was in the original (a `…` maps to what it replaced).
    fn to_original(&self, offset: usize) -> usize {
        let at = self.pieces.partition_point(|p| p.cut <= offset).saturating_sub(1);
        let piece = &self.pieces[at];
        piece.original + offset.saturating_sub(piece.cut).min(piece.len)
    }
}

/// The stretches of `text` to cut out, in order: the parts of each long line outside the
/// windows around `points` (sorted).
fn gaps(text: &str, line_starts: &[usize], points: &[usize]) -> Vec<Range<usize>> {
    let mut gaps = Vec::new();
    for (index, &start) in line_starts.iter().enumerate() {
        let end = line_starts.get(index + 1).map_or(text.len(), |&next| next - 1);
        if end - start <= LONG_LINE {
            continue;
        }
        let first = points.partition_point(|&p| p < start);
        let last = points.partition_point(|&p| p <= end);
        let mut windows: Vec<Range<usize>> = points[first..last]
            .iter()
            .map(|&p| back(text, floor(text, p), CONTEXT).max(start)..forward(text, floor(text, p), CONTEXT).min(end))
            .collect();
        if windows.is_empty() {
            windows.push(start..forward(text, start, HEAD).min(end));
        }
        let mut kept_to = start;
        for window in merge(windows) {
            if window.start > kept_to {
                gaps.push(kept_to..window.start);
            }
            kept_to = window.end;
        }
        if kept_to < end {
            gaps.push(kept_to..end);
        }
    }
    gaps
}

/// Overlapping or touching windows (sorted by start) joined.
fn merge(windows: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for window in windows {
        match merged.last_mut() {
            Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
            _ => merged.push(window),
        }
    }
    merged
}

/// The nearest character boundary at or before `at`.
fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The offset `chars` characters after `at` (or the end of `text`).
fn forward(text: &str, at: usize, chars: usize) -> usize {
    text[at..].char_indices().nth(chars).map_or(text.len(), |(i, _)| at + i)
}

/// The offset `chars` characters before `at` (or 0).
fn back(text: &str, at: usize, chars: usize) -> usize {
    text[..at].char_indices().rev().take(chars).last().map_or(at, |(i, _)| i)
}

/// The sources as codespan sees them for one diagnostic: files with a long line cut.
pub struct View<'a> {
    sources: &'a SourceMap,
    cuts: BTreeMap<FileId, Cut>,
}

impl<'a> View<'a> {
    /// A view in which every label in `labels` stays visible.
    pub fn new(sources: &'a SourceMap, labels: &[(FileId, Range<usize>)]) -> View<'a> {
        let mut points: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
        for (file, range) in labels {
            points.entry(*file).or_default().extend([range.start, range.end]);
        }
        let cuts = points
            .into_iter()
            .filter(|(file, points)| long_line_near(sources.get(*file), points))
            .map(|(file, mut points)| (file, Cut::new(sources.get(file), &mut points)))
            .collect();
        View { sources, cuts }
    }

    /// Where an original byte range of `file` is in this view.
    pub fn range(&self, file: FileId, range: Range<usize>) -> Range<usize> {
        match self.cuts.get(&file) {
            Some(cut) => cut.to_cut(range.start)..cut.to_cut(range.end),
            None => range,
        }
    }

    fn line_starts(&self, id: FileId) -> &[usize] {
        self.cuts.get(&id).map_or_else(|| self.sources.get(id).line_starts(), |cut| &cut.line_starts)
    }
}

/// Lines codespan may show around labels: a label's first and last line, up to three lines
/// after the first and one before the last (`term::Config::default()`), and a single line
/// between two shown ones. Two lines before and four after each point cover them all.
const NEAR: (usize, usize) = (2, 4);

/// True when a line codespan may show for labels at `points` is long.
fn long_line_near(file: &SourceFile, points: &[usize]) -> bool {
    let starts = file.line_starts();
    let length = |line: usize| starts.get(line + 1).map_or(file.text.len(), |&next| next - 1) - starts[line];
    points.iter().any(|&p| {
        let line = starts.partition_point(|&s| s <= p) - 1;
        (line.saturating_sub(NEAR.0)..=(line + NEAR.1).min(starts.len() - 1)).any(|l| length(l) > LONG_LINE)
    })
}

impl<'a> Files<'a> for View<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.sources.get(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.cuts.get(&id).map_or(&self.sources.get(id).text, |cut| &cut.text))
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.line_starts(id).partition_point(|&s| s <= byte_index) - 1)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let starts = self.line_starts(id);
        let start =
            *starts.get(line_index).ok_or(FilesError::LineTooLarge { given: line_index, max: starts.len() - 1 })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(self.source(id)?.len());
        Ok(start..end)
    }

    /// The column in the original line, so that a cut changes no `file:line:column`.
    fn column_number(&'a self, id: FileId, line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let Some(cut) = self.cuts.get(&id) else {
            let file = self.sources.get(id);
            let start = file.line_starts()[line_index];
            return Ok(file.text[start..byte_index.max(start)].chars().count() + 1);
        };
        Ok(self.sources.get(id).line_col(cut.to_original(byte_index)).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of(text: &str, label: Range<usize>) -> (String, Range<usize>, usize) {
        let mut sources = SourceMap::new();
        let id = sources.add("a.flow", text);
        let view = View::new(&sources, &[(id, label.clone())]);
        let range = view.range(id, label);
        let line = view.line_index(id, range.start).unwrap();
        let column = view.column_number(id, line, range.start).unwrap();
        (view.source(id).unwrap().to_string(), range, column)
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = "a\nbcd\n";
        assert_eq!(view_of(text, 3..4), (text.to_string(), 3..4, 2));
    }

    #[test]
    fn a_long_line_keeps_a_window_around_each_label_end_and_its_columns() {
        let long = format!("{}é{}", "x".repeat(1000), "y".repeat(1000));
        let text = format!("first\n{long}\nlast {}\n", "z".repeat(500));
        let start = 6 + 1000;
        let (cut, range, column) = view_of(&text, start..start + 2);
        assert_eq!(column, 1001, "the column of `é` in the original line");
        assert_eq!(&cut[range.clone()], "é");
        let lines: Vec<&str> = cut.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "first");
        assert_eq!(lines[1], format!("…{}é{}…", "x".repeat(CONTEXT), "y".repeat(CONTEXT)));
        assert_eq!(lines[2], format!("last {}…", "z".repeat(HEAD - 5)), "an unlabelled long line keeps its head");
    }

    #[test]
    fn labels_far_apart_on_one_line_get_a_window_each() {
        let text = format!("{}\n", "a".repeat(5000));
        let mut sources = SourceMap::new();
        let id = sources.add("a.flow", text.as_str());
        let view = View::new(&sources, &[(id, 100..101), (id, 4000..4001)]);
        let cut = view.source(id).unwrap();
        assert_eq!(cut.matches(MARK).count(), 3);
        assert_eq!(cut.chars().count(), 2 + 2 * (2 * CONTEXT) + 3 + 1);
        let far = view.range(id, 4000..4001);
        assert_eq!(view.column_number(id, 0, far.start).unwrap(), 4001);
    }

    /// Labels anywhere on long lines of multi-byte text, one or two lines apart: the
    /// rendering keeps every header's original `line:column` and stays small.
    #[test]
    fn rendered_snippets_are_small_and_keep_their_positions() {
        use crate::diagnostic::{render_human, Diagnostic};
        let line = "aé€𝄞 ".repeat(400);
        let text = format!("{line}\n{line}\nshort\n{line}");
        let mut sources = SourceMap::new();
        let id = sources.add("a.flow", text.as_str());
        let file = sources.get(id);
        let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).step_by(97).collect();
        for (k, &start) in boundaries.iter().enumerate() {
            let end = boundaries[(k + 3).min(boundaries.len() - 1)];
            let other = boundaries[(k * 7) % boundaries.len()];
            let d = Diagnostic::error("E0000", "m", crate::source::Span::new(id, start, end), "here")
                .with_label(crate::source::Span::new(id, other, other), "there");
            let shown = render_human(&sources, &d);
            let (line, column) = file.line_col(start);
            assert!(shown.contains(&format!("a.flow:{line}:{column}\n")), "{start}..{end}:\n{shown}");
            assert!(shown.len() < 4_000, "{start}..{end}: {} bytes", shown.len());
        }
    }

    #[test]
    fn a_long_line_far_from_every_label_leaves_the_file_uncut() {
        let text = format!("a\nb\nc\nd\ne\nf\ng\n{}\n", "x".repeat(1000));
        assert_eq!(view_of(&text, 0..1).0, text, "the long line is 7 lines below the label");
        assert_ne!(view_of(&text, 6..7).0, text, "the long line is 4 lines below the label");
    }
}
