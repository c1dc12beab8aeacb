//! The one diagnostic type every stage reports, and its two renderings.
//!
//! Stages build [`Diagnostic`]s through constructor functions in their own `errors.rs`;
//! this module only knows how to show them: as codespan-reporting text ([`render_human`])
//! or as one JSON object per line ([`render_json`]). A long source line is shown only
//! around the labels on it (see [`window`]).

mod window;

use crate::source::{SourceMap, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A secondary location with its own message.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A problem found in the input, with a stable code and source locations.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code such as `E0101`; see `flowc explain`.
    pub code: &'static str,
    pub message: String,
    /// Where the problem is; its message says what is wrong there.
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message, span, label)
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message, span, label)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            primary: Label { span, message: label.into() },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label { span, message: message.into() });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds `help: did you mean `x`?` when a close candidate exists.
    pub fn with_suggestion<'a>(self, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        // Only candidates within `suggest::closest`'s distance limit of `name`'s length can
        // be suggested (an edit distance is at least the difference in length); skipping the
        // others up front keeps thousands of unknown names among thousands of candidates
        // from costing millions of edit distances. The suggestion itself does not change.
        let length = name.chars().count();
        let limit = (length / 3).max(1);
        let near = candidates.into_iter().filter(|c| c.chars().count().abs_diff(length) <= limit);
        match crate::suggest::closest(name, near) {
            Some(best) => self.with_help(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file and position so output is stable whatever order the checks ran in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.primary.span.end, d.code));
}

impl<'a> Files<'a> for SourceMap {
    type FileId = crate::source::FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: Self::FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).name)
    }

    fn source(&'a self, id: Self::FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).text)
    }

    fn line_index(&'a self, id: Self::FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.get(id).line_starts().partition_point(|&s| s <= byte_index) - 1)
    }

    fn line_range(&'a self, id: Self::FileId, line_index: usize) -> Result<std::ops::Range<usize>, FilesError> {
        let file = self.get(id);
        let starts = file.line_starts();
        let start =
            *starts.get(line_index).ok_or(FilesError::LineTooLarge { given: line_index, max: starts.len() - 1 })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(file.text.len());
        Ok(start..end)
    }
}

/// The sources as codespan reads them for `d` (long lines cut), and `d` in its terms.
fn to_codespan<'a>(
    sources: &'a SourceMap,
    d: &Diagnostic,
) -> (window::View<'a>, cs::Diagnostic<crate::source::FileId>) {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let spans: Vec<_> =
        std::iter::once(&d.primary).chain(&d.secondary).map(|l| (l.span.file, l.span.range())).collect();
    let view = window::View::new(sources, &spans);
    let label = |l: &Label| view.range(l.span.file, l.span.range());
    let mut labels = vec![cs::Label::primary(d.primary.span.file, label(&d.primary)).with_message(&d.primary.message)];
    labels.extend(d.secondary.iter().map(|l| cs::Label::secondary(l.span.file, label(l)).with_message(&l.message)));
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    let diagnostic =
        cs::Diagnostic::new(severity).with_code(d.code).with_message(&d.message).with_labels(labels).with_notes(notes);
    (view, diagnostic)
}

/// Renders one diagnostic as plain text (no colour), as used in snapshots.
pub fn render_human(sources: &SourceMap, d: &Diagnostic) -> String {
    let config = term::Config::default();
    let (view, diagnostic) = to_codespan(sources, d);
    term::emit_into_string(&config, &view, &diagnostic).unwrap_or_else(|e| format!("{}: {e}\n", d.message))
}

/// Writes one diagnostic with colours to a termcolor stream.
pub fn write_colored(
    out: &mut dyn term::termcolor::WriteColor,
    sources: &SourceMap,
    d: &Diagnostic,
) -> std::io::Result<()> {
    let config = term::Config::default();
    let styles = term::Styles::default();
    let mut writer = term::StylesWriter::new(out, &styles);
    let (view, diagnostic) = to_codespan(sources, d);
    term::emit_to_write_style(&mut writer, &config, &view, &diagnostic).map_err(std::io::Error::other)
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
}

fn json_label<'a>(sources: &'a SourceMap, label: &'a Label) -> JsonLabel<'a> {
    let file = sources.get(label.span.file);
    let (line, column) = file.line_col(label.span.start as usize);
    let (end_line, end_column) = file.line_col(label.span.end as usize);
    JsonLabel { file: &file.name, line, column, end_line, end_column, message: &label.message }
}

/// Renders one diagnostic as a single line of JSON (no trailing newline).
pub fn render_json(sources: &SourceMap, d: &Diagnostic) -> String {
    let primary = json_label(sources, &d.primary);
    let mut labels = vec![json_label(sources, &d.primary)];
    labels.extend(d.secondary.iter().map(|l| json_label(sources, l)));
    let json = JsonDiagnostic {
        severity: d.severity,
        code: d.code,
        message: &d.message,
        file: primary.file,
        line: primary.line,
        column: primary.column,
        end_line: primary.end_line,
        end_column: primary.end_column,
        labels,
        notes: &d.notes,
        help: d.help.as_deref(),
    };
    serde_json::to_string(&json).expect("diagnostics serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// The length filter in [`Diagnostic::with_suggestion`] must never drop the candidate
    /// `suggest::closest` would pick from the whole list.
    #[test]
    fn suggestions_are_those_of_the_whole_candidate_list() {
        let names = ["build", "biuld", "Build", "b", "bu", "buil", "builds", "rebuild", "déploy", "deploy", "x", ""];
        let candidates = ["build", "test", "deploy", "déployer", "buildx", "b", "ab", "release-build", "BUILD"];
        for name in names {
            let d = Diagnostic::error("E0000", "m", Span::new(FileId(0), 0, 0), "l");
            let expected = crate::suggest::closest(name, candidates).map(|best| format!("did you mean `{best}`?"));
            assert_eq!(d.with_suggestion(name, candidates).help, expected, "{name:?}");
        }
    }
}
