//! Go to definition, find references and document highlights: lookups in the symbol index.
//!
//! Names resolve by [`Key`](super::index::Key) within the current text only: when it does not
//! parse there is nothing to navigate (the last good tree's spans would point at stale text).

use super::document::{Document, Documents};
use super::index::Occurrence;
use lsp_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams, GotoDefinitionParams, GotoDefinitionResponse,
    Location, ReferenceParams, TextDocumentPositionParams,
};

/// Where the name at the cursor is declared.
pub fn definition(docs: &Documents, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let (doc, found) = at(docs, &params.text_document_position_params)?;
    let locations: Vec<Location> = doc.analysis.index.definitions(&found.key).map(|o| location(doc, o)).collect();
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
