//! Source files and byte-offset spans.
//!
//! Every stage points back into the user's text through a [`Span`]: a file id plus a
//! byte range. Spans are created at the parse boundary and never refer to pest types.

use std::ops::Range;

/// Index of a file inside a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One loaded `.flow` file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to users (relative where possible, `/` separators).
    pub name: String,
    pub text: String,
    /// Loaded only because another file imports it: its templates are used, its processes
    /// are not built.
    pub module: bool,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { name: name.into(), text, module: false, line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }
}

/// All files of one compilation, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// The first file of each name, so that [`SourceMap::find`] stays cheap with many modules.
    by_name: std::collections::HashMap<String, FileId>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let file = SourceFile::new(name, text);
        let id = FileId(self.files.len() as u32);
        self.by_name.entry(file.name.clone()).or_insert(id);
        self.files.push(file);
        id
    }

    /// Adds a file loaded only because another imports it (see [`SourceFile::module`]).
    pub fn add_module(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = self.add(name, text);
        self.files[id.0 as usize].module = true;
        id
    }

    /// The file with this name, if loaded.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.by_name.get(name).copied()
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        (0..self.files.len() as u32).map(FileId)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a.flow", "ab\nçd\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(5), (2, 2));
        assert_eq!(file.line_col(7), (3, 1));
    }

    #[test]
    fn find_returns_the_first_file_of_a_name() {
        let mut sources = SourceMap::new();
        let a = sources.add("a.flow", "");
        sources.add("b.flow", "");
        sources.add("a.flow", "again");
        assert_eq!(sources.find("a.flow"), Some(a));
        assert_eq!(sources.find("c.flow"), None);
    }
}

/// Why reading a source failed, in the words the CLI and the language server both use.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
