//! Syntax: source text in, [`ast::File`] out.
//!
//! pest does the parsing (grammar in `grammar/flowc.pest`); [`lower`] turns its pairs into
//! the AST and [`expected`] turns its errors into plain words. pest's `Rule` type and error
//! text never leave this module.

mod errors;
mod expected;
mod lower;
mod strings;

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use pest::Parser as _;

// pest_derive tries the path against the crate root before `src/`: `../grammar` would pick up
// a `grammar/` folder beside the checkout first.
#[derive(pest_derive::Parser)]
#[grammar = "grammar/flowc.pest"]
struct FlowParser;

/// Deepest nesting of brackets the parser accepts; deeper input gets an error, not a stack overflow.
pub const MAX_NESTING: usize = 64;

/// Parses one file. On a syntax error the file is empty and the one error says where and why.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    if let Some(diagnostic) = errors::too_deep(file, text, MAX_NESTING) {
        return (ast::File::default(), vec![diagnostic]);
    }
    match FlowParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let root = pairs.next().expect("the file rule always yields one pair");
            lower::file(file, root)
        }
        Err(error) => (ast::File::default(), vec![expected::syntax_error(file, text, error)]),
    }
}
