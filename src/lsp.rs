//! The language server (`flowc lsp`): JSON-RPC over stdio, for editors.
//!
//! Built on `lsp-server` (transport and framing) and `lsp-types` (the protocol's types), both
//! synchronous, as rust-analyzer is. Each open document is analysed with exactly what
//! `flowc check` runs on it, so editors show the CLI's diagnostics: with the modules it imports,
//! found relative to the document's own file (the text of an open document first, the disk
//! otherwise) and `std/` modules from the binary. Navigation, hover and the outline read a
//! symbol index built from the same parser's syntax tree; formatting calls
//! [`crate::format::format`]. No second parser exists: completion, which must work on text
//! that does not parse, only reads tokens before the cursor to know where it is.
//!
//! Templates cross files: go to definition on `ALIAS.NAME` (or on an argument, or on an
//! import's path) answers with the module file's URI. The standard library is inside the
//! binary and has no file, so definition answers nothing there; the hover of a standard
//! template shows its whole source instead.
//!
//! Layout: [`server`] runs the loop and dispatches; [`document`] holds each document and its
//! analysis; [`position`] converts offsets to UTF-16 or UTF-8 positions; the features are
//! [`diagnostics`], [`navigate`], [`hover`], [`complete`], [`outline`] and [`formatting`].

mod complete;
mod diagnostics;
mod document;
mod formatting;
mod hover;
mod index;
mod navigate;
mod outline;
mod position;
mod server;
#[cfg(test)]
mod tests;

use lsp_server::{Connection, ErrorCode, Message, Response};
use lsp_types::notification::{Exit, Notification as _};
use lsp_types::request::{Initialize, Request as _};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, InitializeParams, InitializeResult, OneOf, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
};
use position::Encoding;

/// Runs the server until the client exits; returns the process exit code: 0 after
/// `shutdown` then `exit`, 1 when the client exits (or goes away) without shutting down.
pub fn run() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = match initialize(&connection) {
        Some(encoding) => server::Server::new(connection, encoding).serve(),
        None => {
            drop(connection);
            1
        }
    };
    // The reader stops at `exit` or at the end of input; the writer once the connection is dropped.
    if let Err(e) = io_threads.join() {
        eprintln!("flowc lsp: {e}");
    }
    code
}

/// Waits for `initialize` and answers it; `None` when the client exits or goes away first.
fn initialize(connection: &Connection) -> Option<Encoding> {
    while let Ok(message) = connection.receiver.recv() {
        match message {
            Message::Request(request) if request.method == Initialize::METHOD => {
                let params: Option<InitializeParams> = serde_json::from_value(request.params).ok();
                let offered = params.as_ref().and_then(|p| p.capabilities.general.as_ref());
                let encoding = Encoding::negotiate(offered.and_then(|g| g.position_encodings.as_deref()));
                let result = InitializeResult {
                    capabilities: capabilities(encoding),
                    server_info: Some(ServerInfo {
                        name: "flowc".to_string(),
                        version: Some(env!("CARGO_PKG_VERSION").to_string()),
                    }),
                };
                connection.sender.send(Response::new_ok(request.id, result).into()).ok()?;
                return Some(encoding);
            }
            Message::Request(request) => {
                let refusal = Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized yet".to_string(),
                );
                connection.sender.send(refusal.into()).ok()?;
            }
            Message::Notification(n) if n.method == Exit::METHOD => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

/// What the server can do.
fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string(), " ".to_string()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}
