//! flowc diagnostics as LSP diagnostics: same code, same message, same places.
//!
//! The primary label gives the range. Secondary labels become related information, led by the
//! primary label so the set reads as in the CLI ("defined again here" / "first defined here").
//! The message is the CLI's, with notes and `help:` on the lines after it as the CLI prints
//! them (not every editor shows related information). Unused-name warnings are tagged so
//! editors can fade the name.

use super::document::{Document, FILE};
use crate::check::errors::{UNUSED_ARTIFACT, UNUSED_ROLE, UNUSED_SECRET};
use crate::diagnostic::{Diagnostic, Severity};
use lsp_types as lsp;

/// The document's diagnostics, in the compiler's order.
pub fn of(doc: &Document) -> Vec<lsp::Diagnostic> {
    doc.analysis.diagnostics.iter().filter(|d| d.primary.span.file == FILE).map(|d| convert(doc, d)).collect()
}

fn convert(doc: &Document, d: &Diagnostic) -> lsp::Diagnostic {
    let labels = std::iter::once(&d.primary).chain(&d.secondary).filter(|l| l.span.file == FILE);
    let related: Vec<lsp::DiagnosticRelatedInformation> = labels
        .map(|label| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(doc.uri.clone(), doc.range(label.span)),
            message: label.message.clone(),
        })
        .collect();
    let unused = [UNUSED_ROLE, UNUSED_ARTIFACT, UNUSED_SECRET].contains(&d.code);
    lsp::Diagnostic {
        range: doc.range(d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("flowc".to_string()),
        message: message(d),
        related_information: (related.len() > 1).then_some(related),
        tags: unused.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        ..lsp::Diagnostic::default()
    }
}

/// The message, then notes and help on their own lines.
fn message(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    for note in &d.notes {
        text.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    text
}
