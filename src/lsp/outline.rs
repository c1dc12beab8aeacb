//! Document symbols: each process with its activities, and the imports, templates, roles and
//! policies of the file.

use super::document::{Document, Documents};
use crate::ast;
use crate::source::Span;
use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolKind};

/// The outline of a document, in source order (empty while the text does not parse).
pub fn symbols(docs: &Documents, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let doc = docs.get(&params.text_document.uri)?;
    // Stale spans are worse than none: the outline follows the current text only.
    let file = &doc.analysis.file;
    let mut symbols: Vec<(u32, DocumentSymbol)> = Vec::new();
    for import in &file.imports {
        let detail = format!("{:?}", import.path.value);
        symbols.push((import.span.start, symbol(doc, &import.alias, import.span, SymbolKind::NAMESPACE, detail, None)));
    }
    for template in &file.templates {
        let detail = super::hover::signature(template);
        let children =
            (!template.activities.is_empty()).then(|| template.activities.iter().map(|a| activity(doc, a)).collect());
        let template_symbol = symbol(doc, &template.name, template.span, SymbolKind::CLASS, detail, children);
        symbols.push((template.span.start, template_symbol));
    }
    for role in &file.roles {
        let members = role.members.iter().map(|m| m.name.value.as_str()).collect::<Vec<_>>().join(", ");
        symbols.push((role.span.start, symbol(doc, &role.name, role.span, SymbolKind::OBJECT, members, None)));
    }
    for policy in &file.policies {
        let message = policy.message.first().map(|m| m.value.clone()).unwrap_or_default();
        symbols.push((policy.span.start, symbol(doc, &policy.name, policy.span, SymbolKind::INTERFACE, message, None)));
    }
    for process in &file.processes {
        let children = process.activities.iter().map(|a| activity(doc, a)).collect();
        let owner = process.owner.first().map(|o| format!("owner {}", o.name)).unwrap_or_default();
        let process_symbol = symbol(doc, &process.name, process.span, SymbolKind::MODULE, owner, Some(children));
        symbols.push((process.span.start, process_symbol));
    }
    symbols.sort_by_key(|(start, _)| *start);
    Some(DocumentSymbolResponse::Nested(symbols.into_iter().map(|(_, s)| s).collect()))
}

fn activity(doc: &Document, a: &ast::Activity) -> DocumentSymbol {
    let after = a.after.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ");
    let detail = if after.is_empty() { String::new() } else { format!("after {after}") };
    symbol(doc, &a.name, a.span, SymbolKind::FUNCTION, detail, None)
}

#[allow(deprecated)] // `deprecated` is a required field of the struct, superseded by `tags`.
fn symbol(
    doc: &Document,
    name: &ast::Ident,
    span: Span,
    kind: SymbolKind,
    detail: String,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: name.name.clone(),
        detail: (!detail.is_empty()).then_some(detail),
        kind,
        tags: None,
        deprecated: None,
        range: doc.range(span.to(name.span)),
        selection_range: doc.range(name.span),
        children,
    }
}
