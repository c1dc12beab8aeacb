//! Formatting: the whole document through [`crate::format::format`], as one edit.
//!
//! No edit when the text is already formatted, and none (rather than an error) when it does
//! not parse: the diagnostics already say why.

use super::document::{Documents, FILE};
use lsp_types::{DocumentFormattingParams, TextEdit};

/// One whole-document edit when formatting changes the text, else none.
pub fn format(docs: &Documents, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let doc = docs.get(&params.text_document.uri)?;
    let edits = match crate::format::format(FILE, &doc.text) {
        Ok(formatted) if formatted != doc.text => vec![TextEdit::new(doc.whole(), formatted)],
        Ok(_) | Err(_) => Vec::new(),
    };
    Some(edits)
}
