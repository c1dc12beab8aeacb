//! The main loop: one message at a time, in order, on the main thread.
//!
//! Requests are answered by plain functions `(&Documents, params) -> result`; a malformed
//! request gets `InvalidParams`, an unknown one `MethodNotFound`, and a handler that panics
//! gets `InternalError` instead of taking the server down. After `shutdown` every request is
//! refused; `exit` ends the loop with 0 after a shutdown and 1 without one.

use super::document::Documents;
use super::position::Encoding;
use super::{complete, diagnostics, formatting, hover, navigate, outline};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Exit, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentHighlightRequest, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, Initialize,
    References, Request as LspRequest, Shutdown,
};
use lsp_types::{PublishDiagnosticsParams, Uri};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The server's state between messages.
pub struct Server {
    connection: Connection,
    encoding: Encoding,
    documents: Documents,
    shut_down: bool,
}

impl Server {
    pub fn new(connection: Connection, encoding: Encoding) -> Server {
        Server { connection, encoding, documents: Documents::default(), shut_down: false }
    }

    /// Serves until `exit` (or the client goes away); returns the exit code.
    pub fn serve(mut self) -> u8 {
        while let Ok(message) = self.connection.receiver.recv() {
            match message {
                Message::Request(request) => self.request(request),
                Message::Notification(n) if n.method == Exit::METHOD => return if self.shut_down { 0 } else { 1 },
                Message::Notification(n) => {
                    let method = n.method.clone();
                    if catch_unwind(AssertUnwindSafe(|| self.notification(n))).is_err() {
                        eprintln!("flowc lsp: internal error while handling `{method}`");
                    }
                }
                Message::Response(_) => {}
            }
        }
        1
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let response = if self.shut_down {
            Response::new_err(id, ErrorCode::InvalidRequest as i32, "the server is shutting down".into())
        } else {
            match request.method.as_str() {
                Initialize::METHOD => {
                    Response::new_err(id, ErrorCode::InvalidRequest as i32, "the server is already initialized".into())
                }
                Shutdown::METHOD => {
                    self.shut_down = true;
                    Response::new_ok(id, ())
                }
                GotoDefinition::METHOD => self.answer::<GotoDefinition>(request, navigate::definition),
                References::METHOD => self.answer::<References>(request, navigate::references),
                DocumentHighlightRequest::METHOD => {
                    self.answer::<DocumentHighlightRequest>(request, navigate::highlight)
                }
                HoverRequest::METHOD => self.answer::<HoverRequest>(request, hover::hover),
                Completion::METHOD => self.answer::<Completion>(request, complete::complete),
                DocumentSymbolRequest::METHOD => self.answer::<DocumentSymbolRequest>(request, outline::symbols),
                Formatting::METHOD => self.answer::<Formatting>(request, formatting::format),
                method => {
                    Response::new_err(id, ErrorCode::MethodNotFound as i32, format!("unsupported request `{method}`"))
                }
            }
        };
        self.send(response.into());
    }

    /// Decodes the parameters of `R`, runs `handler` on them, and wraps its result.
    fn answer<R: LspRequest>(&self, request: Request, handler: fn(&Documents, R::Params) -> R::Result) -> Response {
        let Request { id, method, params } = request;
        let params: R::Params = match serde_json::from_value(params) {
            Ok(params) => params,
            Err(e) => return Response::new_err(id, ErrorCode::InvalidParams as i32, format!("`{method}`: {e}")),
        };
        match catch_unwind(AssertUnwindSafe(|| handler(&self.documents, params))) {
            Ok(result) => Response::new_ok(id, result),
            Err(_) => Response::new_err(id, ErrorCode::InternalError as i32, format!("internal error in `{method}`")),
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(params) = n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD) {
                    let item = params.text_document;
                    let changed = self.documents.open(item.uri, item.version, item.text, self.encoding);
                    changed.iter().for_each(|uri| self.publish(uri));
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = n.extract::<lsp_types::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD) {
                    let document = params.text_document;
                    let changed = self.documents.change(&document.uri, document.version, params.content_changes);
                    changed.iter().for_each(|uri| self.publish(uri));
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = n.extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD) {
                    let uri = params.text_document.uri;
                    let changed = self.documents.close(&uri);
                    self.send_diagnostics(PublishDiagnosticsParams::new(uri, Vec::new(), None));
                    changed.iter().for_each(|uri| self.publish(uri));
                }
            }
            _ => {}
        }
    }

    /// Sends the diagnostics of an open document.
    fn publish(&self, uri: &Uri) {
        if let Some(doc) = self.documents.get(uri) {
            let params = PublishDiagnosticsParams::new(uri.clone(), diagnostics::of(doc), Some(doc.version));
            self.send_diagnostics(params);
        }
    }

    fn send_diagnostics(&self, params: PublishDiagnosticsParams) {
        self.send(Notification::new(PublishDiagnostics::METHOD.to_string(), params).into());
    }

    /// Sends a message; a client that is gone is noticed by the receive loop.
    fn send(&self, message: Message) {
        let _ = self.connection.sender.send(message);
    }
}
