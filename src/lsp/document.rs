//! An open document: its text, and what the compiler says about it.
//!
//! Every change re-runs exactly what `flowc check` runs ([`crate::analyze`] over a one-file
//! [`SourceMap`]) and parses the text once more with [`crate::syntax::parse`] for the syntax
//! tree the [`Index`] is built from. While the user types, the text often does not parse: the
//! document keeps its last analysis that did, for completion to draw names from.

use super::index::Index;
use super::position::{Encoding, Lines};
use crate::ast::{self, Target};
use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::source::{FileId, SourceMap, Span};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, TextDocumentPositionParams, Uri};
use std::collections::HashMap;
use std::rc::Rc;

/// The file id of a document: each document is analysed on its own.
pub const FILE: FileId = FileId(0);

/// What the compiler makes of one version of the text.
#[derive(Debug)]
pub struct Analysis {
    /// The text analysed.
    pub text: String,
    pub file: ast::File,
    pub index: Index,
    pub model: Option<Model>,
    /// Exactly the diagnostics `flowc check` reports for this file.
    pub diagnostics: Vec<Diagnostic>,
    /// False when the text has a syntax error (the tree is then empty).
    pub parsed: bool,
}

impl Analysis {
    pub fn new(name: &str, text: &str) -> Analysis {
        let mut sources = SourceMap::new();
        let id = sources.add(name, text);
        let compilation = crate::analyze(&sources, &Target::ALL);
        let (file, errors) = crate::syntax::parse(id, text);
        // A syntax error leaves an empty tree; errors inside a tree (bad escapes) keep it.
        let parsed = !(file == ast::File::default() && errors.iter().any(Diagnostic::is_error));
        let index = Index::build(&file);
        let (model, diagnostics) = (compilation.model, compilation.diagnostics);
        Analysis { text: text.to_string(), file, index, model, diagnostics, parsed }
    }
}

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
    lines: Lines,
    encoding: Encoding,
    pub analysis: Rc<Analysis>,
    /// The latest analysis whose text parsed, if any.
    pub last_good: Option<Rc<Analysis>>,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: String, encoding: Encoding) -> Document {
        let analysis = Rc::new(Analysis::new(&file_name(&uri), &text));
        let last_good = analysis.parsed.then(|| analysis.clone());
        let lines = Lines::new(&text, encoding);
        Document { uri, version, text, lines, encoding, analysis, last_good }
    }

    /// Applies changes in order (whole-text replacements or ranged edits), then re-analyses.
    pub fn change(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let start = self.offset(range.start);
                    let end = self.offset(range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
            }
            self.lines = Lines::new(&self.text, self.encoding);
        }
        self.version = version;
        self.analysis = Rc::new(Analysis::new(&file_name(&self.uri), &self.text));
        if self.analysis.parsed {
            self.last_good = Some(self.analysis.clone());
        }
    }

    /// The analysis to take names from: the current one if it parsed, else the last that did.
    pub fn names(&self) -> &Analysis {
        match &self.last_good {
            Some(good) if !self.analysis.parsed => good,
            _ => &self.analysis,
        }
    }

    pub fn offset(&self, position: Position) -> usize {
        self.lines.offset(&self.text, position)
    }

    pub fn range(&self, span: Span) -> Range {
        self.lines.range(&self.text, span)
    }

    pub fn whole(&self) -> Range {
        self.lines.whole(&self.text)
    }
}

/// The last segment of the URI's path, as a name for the source map.
fn file_name(uri: &Uri) -> String {
    let path = uri.path().as_str();
    path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("untitled.flow").to_string()
}

/// The open documents, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<String, Document>,
}

impl Documents {
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri.as_str())
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.open.get_mut(uri.as_str())
    }

    pub fn insert(&mut self, doc: Document) -> &Document {
        let key = doc.uri.as_str().to_string();
        self.open.insert(key.clone(), doc);
        &self.open[&key]
    }

    pub fn remove(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri.as_str())
    }

    /// The document and byte offset a request points at; `None` for a document that is not open.
    pub fn at(&self, params: &TextDocumentPositionParams) -> Option<(&Document, usize)> {
        let doc = self.get(&params.text_document.uri)?;
        Some((doc, doc.offset(params.position)))
    }
}
