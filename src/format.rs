//! The formatter: `.flow` text in, the same program in the one canonical style out.
//! (Implementation in progress.)

use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// Formats one file. Fails with the syntax errors when the text does not parse.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (_, errors) = crate::syntax::parse(file, text);
    if errors.iter().any(Diagnostic::is_error) {
        return Err(errors);
    }
    Ok(text.to_string())
}
