//! An open document: its text, and what the compiler says about it.
//!
//! Every change re-runs exactly what `flowc check` runs: the document and the modules it
//! imports are loaded with [`crate::modules::load_imports`] (relative paths from the
//! document's own directory, taken from the text of another open document when there is one
//! and from the disk otherwise; `std/` modules from the binary), then [`crate::analyze`] runs
//! over that [`SourceMap`]. The document is file [`FILE`], named by its file name so that
//! [`crate::modules::resolve`] finds its imports. Each file is parsed once more with
//! [`crate::syntax::parse`] for the syntax trees the [`Index`] and the cross-file features
//! are built from. When an open document changes, opens or closes, the open documents that
//! import it are analysed again (their diagnostics may change). While the user types, the
//! text often does not parse: the document keeps its last analysis that did, for completion
//! to draw names from.

use super::index::{Index, Key};
use super::position::{Encoding, Lines};
use crate::ast::{self, Target, Template};
use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::source::{io_reason, FileId, SourceMap, Span};
use lsp_types::{Location, Position, Range, TextDocumentContentChangeEvent, TextDocumentPositionParams, Uri};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::str::FromStr;

/// The file id of the document in its analysis; imported modules come after it.
pub const FILE: FileId = FileId(0);

/// Modules larger than this are not read (as in the CLI).
const MAX_MODULE_BYTES: u64 = 64 * 1024 * 1024;

/// What the compiler makes of one version of the text.
#[derive(Debug)]
pub struct Analysis {
    /// The text analysed.
    pub text: String,
    pub file: ast::File,
    pub index: Index,
    pub model: Option<Model>,
    /// Exactly the diagnostics `flowc check` reports for this file (imports that cannot be
    /// read first, as the CLI reports them).
    pub diagnostics: Vec<Diagnostic>,
    /// False when the text has a syntax error (the tree is then empty).
    pub parsed: bool,
    /// Every file of the compilation: the document ([`FILE`]), then the modules it imports,
    /// directly or not.
    pub sources: SourceMap,
    /// The syntax tree of each file of `sources`, by id.
    pub trees: Vec<ast::File>,
    /// Where each file of `sources` is on disk; `None` for the standard library (which is
    /// inside the binary) and for a document that is not a file.
    pub paths: Vec<Option<PathBuf>>,
}

impl Analysis {
    /// Analyses `text`, named `name`, in `dir`; `open` gives the text of another open
    /// document by path, if it is open.
    pub fn new(name: &str, text: &str, dir: Option<&Path>, open: &dyn Fn(&Path) -> Option<String>) -> Analysis {
        let mut sources = SourceMap::new();
        let id = sources.add(name, text);
        let mut read = |module: &str| read_module(dir, module, open);
        // Finding imports parses the text; a text without the word has none.
        let mut diagnostics = match text.contains("import") {
            true => crate::modules::load_imports(&mut sources, &mut read),
            false => Vec::new(),
        };
        let compilation = crate::analyze(&sources, &Target::ALL);
        diagnostics.extend(compilation.diagnostics);
        let (file, errors) = crate::syntax::parse(id, text);
        // A syntax error leaves an empty tree; errors inside a tree (bad escapes) keep it.
        let parsed = !(file == ast::File::default() && errors.iter().any(Diagnostic::is_error));
        let index = Index::build(&file);
        let trees = sources
            .ids()
            .map(|id| if id == FILE { file.clone() } else { crate::syntax::parse(id, &sources.get(id).text).0 })
            .collect();
        let paths = sources
            .files()
            .iter()
            .enumerate()
            .map(|(i, f)| match (i, dir) {
                (0, _) => dir.map(|d| d.join(name)),
                (_, _) if f.name.starts_with("std/") => None,
                (_, Some(dir)) => Some(normalize(&dir.join(&f.name))),
                (_, None) => None,
            })
            .collect();
        Analysis {
            text: text.to_string(),
            file,
            index,
            model: compilation.model,
            diagnostics,
            parsed,
            sources,
            trees,
            paths,
        }
    }

    /// The file a module alias of the document names, if it was loaded.
    pub fn module(&self, alias: &str) -> Option<FileId> {
        let import = self.file.imports.iter().find(|i| i.alias.name == alias)?;
        let name = crate::modules::resolve(&self.sources.get(FILE).name, &import.path.value);
        self.sources.find(&name).filter(|id| *id != FILE)
    }

    /// The file a key is declared in: the document, or the module its alias names.
    pub fn home(&self, key: &Key) -> Option<FileId> {
        match &key.module {
            None => Some(FILE),
            Some(alias) => self.module(alias),
        }
    }

    /// The template a `from` call (or a template declaration) names, with its file.
    pub fn template(&self, module: Option<&str>, name: &str) -> Option<(FileId, &Template)> {
        let id = match module {
            None => FILE,
            Some(alias) => self.module(alias)?,
        };
        let template = self.trees.get(id.0 as usize)?.templates.iter().find(|t| t.name.name == name)?;
        Some((id, template))
    }

    /// A file's text.
    pub fn text_of(&self, id: FileId) -> &str {
        &self.sources.get(id).text
    }

    /// True for a module of the standard library (no file on disk).
    pub fn is_std(&self, id: FileId) -> bool {
        id != FILE && self.sources.get(id).name.starts_with("std/")
    }
}

/// Reads a module for [`crate::modules::load_imports`]: `module` is relative to the
/// document's directory.
fn read_module(dir: Option<&Path>, module: &str, open: &dyn Fn(&Path) -> Option<String>) -> Result<String, String> {
    let Some(dir) = dir else {
        return Err("the document is not a file, so there is no directory to find it in".into());
    };
    let path = normalize(&dir.join(module));
    if let Some(text) = open(&path) {
        return Ok(text);
    }
    // At most the limit and one byte: a device such as `/dev/zero` cannot hang the server.
    let file = std::fs::File::open(&path).map_err(|e| io_reason(&e))?;
    if file.metadata().map_err(|e| io_reason(&e))?.is_dir() {
        return Err("it is a directory".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_MODULE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_MODULE_BYTES {
        return Err(format!("it is larger than {} MiB", MAX_MODULE_BYTES >> 20));
    }
    if bytes.contains(&0) {
        return Err("it is a binary file, not a .flow source".into());
    }
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".into())
}

/// `a/b/../c` as `a/c`, without touching the file system (paths stay as the editor sees them).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::ParentDir if out.has_root() => {}
            other => out.push(other),
        }
    }
    out
}

/// The file a `file:` URI names; `None` for other schemes (such as unsaved `untitled:` ones).
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().is_some_and(|s| s.as_str().eq_ignore_ascii_case("file")) {
        return None;
    }
    let decoded = uri.path().as_estr().decode().into_string().ok()?.into_owned();
    if decoded.is_empty() {
        return None;
    }
    // `file:///C:/x` on Windows.
    let bytes = decoded.as_bytes();
    if cfg!(windows) && bytes.len() > 2 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of a path (absolute paths only).
pub fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let text = if text.starts_with('/') { text } else { format!("/{text}") };
    let mut encoded = String::with_capacity(text.len() + 8);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => encoded.push(byte as char),
            b':' if encoded.len() == 2 => encoded.push(':'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    Uri::from_str(&format!("file://{encoded}")).ok()
}

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    /// The file the document is, for `file:` URIs.
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: String,
    lines: Lines,
    encoding: Encoding,
    pub analysis: Rc<Analysis>,
    /// The latest analysis whose text parsed, if any.
    pub last_good: Option<Rc<Analysis>>,
}

impl Document {
    /// Applies changes without analysing the new text.
    fn edit(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
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
    }

    fn set_analysis(&mut self, analysis: Analysis) {
        self.analysis = Rc::new(analysis);
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

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }
}

/// The last segment of the URI's path, as a name for the source map.
fn file_name(uri: &Uri) -> String {
    if let Some(name) = path_of(uri).as_deref().and_then(Path::file_name).and_then(|n| n.to_str()) {
        return name.to_string();
    }
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

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    /// Opens a document, analysed with the other open documents; returns the URIs of the
    /// documents whose analysis changed (it, and those that import it).
    pub fn open(&mut self, uri: Uri, version: i32, text: String, encoding: Encoding) -> Vec<Uri> {
        let path = path_of(&uri);
        let analysis = Rc::new(self.analyse(&uri, path.as_deref(), &text));
        let last_good = analysis.parsed.then(|| analysis.clone());
        let lines = Lines::new(&text, encoding);
        self.insert(Document { uri: uri.clone(), path, version, text, lines, encoding, analysis, last_good });
        self.refresh_dependents(&uri)
    }

    /// Applies changes to an open document and re-analyses it and the open documents that
    /// import it; returns their URIs (none when the document is not open).
    pub fn change(&mut self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Vec<Uri> {
        let Some(doc) = self.get_mut(uri) else { return Vec::new() };
        doc.edit(version, changes);
        self.reanalyse(uri);
        self.refresh_dependents(uri)
    }

    /// Closes a document; the open documents that import it read it from the disk again.
    /// Returns their URIs.
    pub fn close(&mut self, uri: &Uri) -> Vec<Uri> {
        let Some(doc) = self.remove(uri) else { return Vec::new() };
        let dependents = doc.path.as_deref().map(|p| self.importers(p)).unwrap_or_default();
        for dependent in &dependents {
            self.reanalyse(dependent);
        }
        dependents
    }

    /// Re-analyses the documents that import `uri`; returns `uri` and theirs.
    fn refresh_dependents(&mut self, uri: &Uri) -> Vec<Uri> {
        let dependents = match self.get(uri).and_then(|d| d.path.clone()) {
            Some(path) => self.importers(&path),
            None => Vec::new(),
        };
        let dependents: Vec<Uri> = dependents.into_iter().filter(|d| d.as_str() != uri.as_str()).collect();
        for dependent in &dependents {
            self.reanalyse(dependent);
        }
        std::iter::once(uri.clone()).chain(dependents).collect()
    }

    /// The open documents whose last analysis loaded the file at `path` as a module.
    fn importers(&self, path: &Path) -> Vec<Uri> {
        let mut found: Vec<Uri> = self
            .open
            .values()
            .filter(|d| d.analysis.paths.iter().skip(1).any(|p| p.as_deref() == Some(path)))
            .map(|d| d.uri.clone())
            .collect();
        found.sort();
        found
    }

    /// Analyses an open document again.
    fn reanalyse(&mut self, uri: &Uri) {
        let Some(doc) = self.get(uri) else { return };
        let analysis = self.analyse(uri, doc.path.as_deref(), &doc.text);
        if let Some(doc) = self.get_mut(uri) {
            doc.set_analysis(analysis);
        }
    }

    /// Analyses the text of the document `uri` (the file `path`), reading the modules it
    /// imports from the other open documents first and from the disk otherwise.
    fn analyse(&self, uri: &Uri, path: Option<&Path>, text: &str) -> Analysis {
        let open = |module: &Path| {
            let mut others = self.open.values().filter(|d| d.uri.as_str() != uri.as_str());
            others.find(|d| d.path.as_deref() == Some(module)).map(|d| d.text.clone())
        };
        Analysis::new(&file_name(uri), text, path.and_then(Path::parent), &open)
    }

    /// The document and byte offset a request points at; `None` for a document that is not open.
    pub fn at(&self, params: &TextDocumentPositionParams) -> Option<(&Document, usize)> {
        let doc = self.get(&params.text_document.uri)?;
        Some((doc, doc.offset(params.position)))
    }

    /// The location of `span` in file `id` of `doc`'s analysis: the document itself, or a
    /// module file (by the URI of the open document that is that file, if any). `None` for
    /// the standard library, which has no file.
    pub fn location(&self, doc: &Document, id: FileId, span: Span) -> Option<Location> {
        if id == FILE {
            return Some(Location::new(doc.uri.clone(), doc.range(span)));
        }
        let path = doc.analysis.paths.get(id.0 as usize)?.as_deref()?;
        if let Some(open) = self.open.values().find(|d| d.path.as_deref() == Some(path)) {
            // The open document's text is the module's text in this analysis.
            if open.text == doc.analysis.text_of(id) {
                return Some(Location::new(open.uri.clone(), open.range(span)));
            }
        }
        let text = doc.analysis.text_of(id);
        let range = Lines::new(text, doc.encoding()).range(text, span);
        Some(Location::new(uri_of(path)?, range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths() {
        let uri = Uri::from_str("file:///tmp/my%20dir/ci.flow").unwrap();
        assert_eq!(path_of(&uri), Some(PathBuf::from("/tmp/my dir/ci.flow")));
        assert_eq!(uri_of(Path::new("/tmp/my dir/ci.flow")).unwrap().as_str(), "file:///tmp/my%20dir/ci.flow");
        assert_eq!(path_of(&Uri::from_str("untitled:Untitled-1").unwrap()), None);
        assert_eq!(file_name(&uri), "ci.flow");
        assert_eq!(normalize(Path::new("/a/b/../c/./d.flow")), PathBuf::from("/a/c/d.flow"));
        assert_eq!(normalize(Path::new("/../x")), PathBuf::from("/x"));
    }
}
