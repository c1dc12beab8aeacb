//! Robustness over real files: every request at every position of every example, and on
//! prefixes of each (as if being typed), answers without panicking, and what it answers
//! points at the names it should.

use super::document::{Document, Documents};
use super::position::Encoding;
use super::{complete, formatting, hover, navigate, outline};
use lsp_types::*;
use std::str::FromStr;

fn examples() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).expect("readable example")))
        .collect();
    out.sort();
    out
}

fn uri() -> Uri {
    Uri::from_str("file:///examples/test.flow").expect("a valid uri")
}

fn open(text: &str) -> Documents {
    let mut docs = Documents::default();
    docs.open(uri(), 1, text.to_string(), Encoding::Utf16);
    docs
}

fn at(position: Position) -> TextDocumentPositionParams {
    TextDocumentPositionParams { text_document: TextDocumentIdentifier { uri: uri() }, position }
}

/// Every request at one position; returns the definition's range, if any.
fn ask_everything(docs: &Documents, position: Position) -> Option<Range> {
    let work = WorkDoneProgressParams::default();
    let partial = PartialResultParams::default();
    let hover = HoverParams { text_document_position_params: at(position), work_done_progress_params: work.clone() };
    hover::hover(docs, hover);
    let context = ReferenceContext { include_declaration: true };
    let params = ReferenceParams {
        text_document_position: at(position),
        context,
        work_done_progress_params: work.clone(),
        partial_result_params: partial.clone(),
    };
    navigate::references(docs, params);
    let params = DocumentHighlightParams {
        text_document_position_params: at(position),
        work_done_progress_params: work.clone(),
        partial_result_params: partial.clone(),
    };
    navigate::highlight(docs, params);
    let params = CompletionParams {
        text_document_position: at(position),
        work_done_progress_params: work.clone(),
        partial_result_params: partial.clone(),
        context: None,
    };
    complete::complete(docs, params);
    let params = GotoDefinitionParams {
        text_document_position_params: at(position),
        work_done_progress_params: work,
        partial_result_params: partial,
    };
    match navigate::definition(docs, params)? {
        GotoDefinitionResponse::Scalar(location) => Some(location.range),
        _ => None,
    }
}

#[test]
fn every_request_at_every_position_of_every_example() {
    for (name, text) in examples() {
        let docs = open(&text);
        let doc = docs.get(&uri()).expect("open");
        assert!(doc.analysis.parsed, "{name} parses");
        for (offset, _) in text.char_indices() {
            let position = doc_position(doc, offset);
            if let Some(range) = ask_everything(&docs, position) {
                let (start, end) = (doc.offset(range.start), doc.offset(range.end));
                let found = doc.analysis.index.at(offset).expect("a definition comes from a name");
                assert_eq!(&text[start..end], found.key.name, "{name} at {offset}");
            }
        }
        for line in [0, 5, 10_000] {
            ask_everything(&docs, Position::new(line, 10_000));
        }
    }
}

fn doc_position(doc: &Document, offset: usize) -> Position {
    doc.range(crate::source::Span::new(super::document::FILE, offset, offset)).start
}

#[test]
fn prefixes_of_every_example_as_if_typed() {
    for (_, text) in examples() {
        let mut docs = open("");
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(97).chain([text.len()]).collect();
        for (version, cut) in cuts.into_iter().enumerate() {
            let change =
                TextDocumentContentChangeEvent { range: None, range_length: None, text: text[..cut].to_string() };
            docs.change(&uri(), version as i32 + 2, vec![change]);
            let end = docs.get(&uri()).expect("open").whole().end;
            ask_everything(&docs, end);
            ask_everything(&docs, Position::new(end.line / 2, 3));
            let id = TextDocumentIdentifier { uri: uri() };
            let symbols = DocumentSymbolParams {
                text_document: id.clone(),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            };
            outline::symbols(&docs, symbols);
            let options = FormattingOptions { tab_size: 2, insert_spaces: true, ..Default::default() };
            formatting::format(
                &docs,
                DocumentFormattingParams { text_document: id, options, work_done_progress_params: Default::default() },
            );
        }
    }
}

#[test]
fn ranged_changes_edit_the_text_by_utf16_positions() {
    let mut docs = open("step \"𝄞\" abc\nx");
    let range = Range::new(Position::new(0, 10), Position::new(0, 13));
    let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: "é".into() };
    docs.change(&uri(), 2, vec![change]);
    assert_eq!(docs.get(&uri()).expect("open").text, "step \"𝄞\" é\nx");
    let beyond = Range::new(Position::new(7, 0), Position::new(9, 9));
    let change = TextDocumentContentChangeEvent { range: Some(beyond), range_length: None, text: "!".into() };
    docs.change(&uri(), 3, vec![change]);
    assert_eq!(docs.get(&uri()).expect("open").text, "step \"𝄞\" é\nx!");
}

/// A fixture that imports a module next to it and the standard library, opened under its real
/// path: every request at every position answers, and definitions in other files point at
/// the name under the cursor there.
#[test]
fn every_request_at_every_position_of_a_file_with_modules() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/emit/templates.flow");
    let text = std::fs::read_to_string(&path).expect("the fixture");
    let uri = super::document::uri_of(&path).expect("a file uri");
    let mut docs = Documents::default();
    docs.open(uri.clone(), 1, text.clone(), Encoding::Utf16);
    let doc = docs.get(&uri).expect("open");
    assert!(doc.analysis.diagnostics.is_empty(), "{:?}", doc.analysis.diagnostics);
    let mut elsewhere = 0;
    for (offset, _) in text.char_indices() {
        let position = doc_position(doc, offset);
        let params =
            TextDocumentPositionParams { text_document: TextDocumentIdentifier { uri: uri.clone() }, position };
        let work = WorkDoneProgressParams::default();
        let partial = PartialResultParams::default();
        hover::hover(
            &docs,
            HoverParams { text_document_position_params: params.clone(), work_done_progress_params: work.clone() },
        );
        let context = ReferenceContext { include_declaration: true };
        let references = ReferenceParams {
            text_document_position: params.clone(),
            context,
            work_done_progress_params: work.clone(),
            partial_result_params: partial.clone(),
        };
        navigate::references(&docs, references);
        let completion = CompletionParams {
            text_document_position: params.clone(),
            work_done_progress_params: work.clone(),
            partial_result_params: partial.clone(),
            context: None,
        };
        complete::complete(&docs, completion);
        let definition = GotoDefinitionParams {
            text_document_position_params: params,
            work_done_progress_params: work,
            partial_result_params: partial,
        };
        let Some(GotoDefinitionResponse::Scalar(location)) = navigate::definition(&docs, definition) else { continue };
        if location.uri == uri {
            let (start, end) = (doc.offset(location.range.start), doc.offset(location.range.end));
            assert_eq!(&text[start..end], doc.analysis.index.at(offset).expect("a name").key.name);
        } else if location.range.start != location.range.end {
            elsewhere += 1;
            let target = super::document::path_of(&location.uri).expect("a file");
            let module = std::fs::read_to_string(&target).expect("the module");
            let lines = super::position::Lines::new(&module, Encoding::Utf16);
            let start = lines.offset(&module, location.range.start);
            let end = lines.offset(&module, location.range.end);
            assert_eq!(&module[start..end], doc.analysis.index.at(offset).expect("a name").key.name, "at {offset}");
        }
    }
    assert!(elsewhere > 0, "`rust.test` and its argument lead to modules/rust.flow");
}
