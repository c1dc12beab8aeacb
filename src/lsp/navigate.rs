//! Go to definition, find references and document highlights: lookups in the symbol index.
//!
//! Names resolve by [`Key`] within the current text only: when it does not parse there is
//! nothing to navigate (the last good tree's spans would point at stale text).
//!
//! Templates cross files. A template used as `ALIAS.NAME` (and its parameters, named by the
//! call's arguments) is declared in the module the alias imports: definition answers with that
//! file's URI (the open document's, when it is open), and the path of an `import` leads to the
//! module file. References of a template (or of a parameter) are collected from every open
//! document that reaches the same template, plus its declaration in a module that is not open.
//! Modules of the standard library have no file: definition answers nothing for them (hover
//! shows their source instead).

use super::document::{Document, Documents, FILE};
use super::index::{Index, Key, Kind, Occurrence};
use crate::source::Span;
use lsp_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams, GotoDefinitionParams, GotoDefinitionResponse,
    Location, Range, ReferenceParams, TextDocumentPositionParams,
};

/// Where the name at the cursor is declared.
pub fn definition(docs: &Documents, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let position = &params.text_document_position_params;
    if let Some(location) = import_target(docs, position) {
        return Some(GotoDefinitionResponse::Scalar(location));
    }
    let (doc, found) = at(docs, position)?;
    let locations: Vec<Location> = match doc.analysis.home(&found.key)? {
        FILE => doc.analysis.index.definitions(&found.key).map(|o| location(doc, o)).collect(),
        module => {
            let index = Index::build(&doc.analysis.trees[module.0 as usize]);
            let key = declared(&found.key);
            index.definitions(&key).filter_map(|o| docs.location(doc, module, o.span)).collect()
        }
    };
    match locations.len() {
        0 => None,
        1 => locations.into_iter().next().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

/// Every place the name at the cursor is used, with its declaration when asked for.
pub fn references(docs: &Documents, params: ReferenceParams) -> Option<Vec<Location>> {
    let (doc, found) = at(docs, &params.text_document_position)?;
    let with_declaration = params.context.include_declaration;
    if matches!(found.key.kind, Kind::Template | Kind::Parameter) {
        return Some(template_references(docs, doc, &found.key, with_declaration));
    }
    let all = doc.analysis.index.references(&found.key);
    Some(all.filter(|o| with_declaration || !o.definition).map(|o| location(doc, o)).collect())
}

/// The occurrences of the name at the cursor in this document: declarations as writes.
pub fn highlight(docs: &Documents, params: DocumentHighlightParams) -> Option<Vec<DocumentHighlight>> {
    let (doc, found) = at(docs, &params.text_document_position_params)?;
    let highlights = doc.analysis.index.references(&found.key).map(|o| DocumentHighlight {
        range: doc.range(o.span),
        kind: Some(if o.definition { DocumentHighlightKind::WRITE } else { DocumentHighlightKind::READ }),
    });
    Some(highlights.collect())
}

/// The declared name at a position (built-in contexts and functions have no declaration).
fn at<'a>(docs: &'a Documents, params: &TextDocumentPositionParams) -> Option<(&'a Document, &'a Occurrence)> {
    let (doc, offset) = docs.at(params)?;
    let found = doc.analysis.index.at(offset).filter(|o| o.key.kind.is_declared())?;
    Some((doc, found))
}

fn location(doc: &Document, o: &Occurrence) -> Location {
    Location::new(doc.uri.clone(), doc.range(o.span))
}

/// The key as the file that declares it indexes it.
fn declared(key: &Key) -> Key {
    Key { module: None, ..key.clone() }
}

/// On the path of an `import`: the start of the module file (nothing for `std/` modules).
fn import_target(docs: &Documents, params: &TextDocumentPositionParams) -> Option<Location> {
    let (doc, offset) = docs.at(params)?;
    let import = doc.analysis.file.imports.iter().find(|i| {
        let span = i.path.span;
        (span.start as usize) <= offset && offset < span.end as usize
    })?;
    let module = doc.analysis.module(&import.alias.name)?;
    let mut location = docs.location(doc, module, Span::new(module, 0, 0))?;
    location.range = Range::default();
    Some(location)
}

/// What a template or parameter key names, whatever file it is seen from: the file that
/// declares it (its path, or its name for the standard library and unsaved documents) and
/// its key there.
fn identity(doc: &Document, key: &Key) -> Option<(String, Key)> {
    let analysis = &doc.analysis;
    let home = analysis.home(key)?;
    let file = match analysis.paths.get(home.0 as usize).cloned().flatten() {
        Some(path) => path.display().to_string(),
        None if home == FILE => doc.uri.as_str().to_string(),
        None => analysis.sources.get(home).name.clone(),
    };
    Some((file, declared(key)))
}

/// The occurrences of one template (or parameter) in every open document, and its
/// declaration in a module that is not open.
fn template_references(docs: &Documents, doc: &Document, key: &Key, with_declaration: bool) -> Vec<Location> {
    let Some(target) = identity(doc, key) else { return Vec::new() };
    let mut out: Vec<Location> = Vec::new();
    let mut declaration_seen = false;
    let mut open: Vec<&Document> = docs.iter().collect();
    open.sort_by(|a, b| a.uri.as_str().cmp(b.uri.as_str()));
    for other in open {
        for o in &other.analysis.index.occurrences {
            if o.key.kind != key.kind || o.key.name != key.name || identity(other, &o.key).as_ref() != Some(&target) {
                continue;
            }
            declaration_seen |= o.definition;
            if with_declaration || !o.definition {
                out.push(location(other, o));
            }
        }
    }
    if with_declaration && !declaration_seen {
        if let Some(module) = doc.analysis.home(key).filter(|m| *m != FILE) {
            let index = Index::build(&doc.analysis.trees[module.0 as usize]);
            out.extend(index.definitions(&target.1).filter_map(|o| docs.location(doc, module, o.span)));
        }
    }
    let mut seen = Vec::new();
    out.retain(|l| {
        let id = (l.uri.as_str().to_string(), l.range.start, l.range.end);
        let new = !seen.contains(&id);
        seen.push(id);
        new
    });
    out
}
