//! Modules: finding the files that `import` names, and loading them into the source map.
//!
//! The library does no I/O: [`load_imports`] asks the caller to read each relative path.
//! `std/...` paths name the standard library shipped inside the binary ([`crate::stdlib`]).

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceMap, Span};

pub const CANNOT_READ_MODULE: &str = "E0116";

/// The name under which `import "path"` in the file `importer` is loaded.
pub fn resolve(importer: &str, path: &str) -> String {
    if let Some(name) = path.strip_prefix("std/") {
        return format!("std/{}.flow", name.trim_end_matches(".flow"));
    }
    let base = importer.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut parts: Vec<&str> = if base.is_empty() { Vec::new() } else { base.split('/').collect() };
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Loads every file imported, directly or not, by the files in `sources`. `read` gets a
/// resolved path and returns its text or why it could not be read.
pub fn load_imports(sources: &mut SourceMap, read: &mut dyn FnMut(&str) -> Result<String, String>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut next = 0;
    while next < sources.files().len() {
        let id = FileId(next as u32);
        next += 1;
        // Parsing twice costs time on big files; a file without the word imports nothing.
        if !sources.get(id).text.contains("import") {
            continue;
        }
        let (file, _) = crate::syntax::parse(id, &sources.get(id).text);
        let importer = sources.get(id).name.clone();
        for import in &file.imports {
            let name = resolve(&importer, &import.path.value);
            if sources.find(&name).is_some() {
                continue;
            }
            let text = match name.strip_prefix("std/") {
                Some(_) => crate::stdlib::source(&name).map(str::to_string).ok_or_else(|| unknown_std(&name)),
                None => read(&name),
            };
            match text {
                Ok(text) => {
                    sources.add_module(name, text);
                }
                Err(why) => diagnostics.push(cannot_read(import.path.span, &name, &why)),
            }
        }
    }
    diagnostics
}

fn unknown_std(name: &str) -> String {
    let known: Vec<String> = crate::stdlib::names().map(|n| format!("`{}`", n.trim_end_matches(".flow"))).collect();
    format!("`{name}` is not part of the standard library ({})", known.join(", "))
}

fn cannot_read(span: Span, name: &str, why: &str) -> Diagnostic {
    Diagnostic::error(CANNOT_READ_MODULE, format!("cannot import `{name}`: {why}"), span, "imported here")
        .with_help("import paths are relative to the importing file; `std/NAME` names the standard library")
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn paths_are_relative_to_the_importer() {
        assert_eq!(resolve("ci/main.flow", "lib/rust.flow"), "ci/lib/rust.flow");
        assert_eq!(resolve("ci/main.flow", "../shared.flow"), "shared.flow");
        assert_eq!(resolve("main.flow", "./a.flow"), "a.flow");
        assert_eq!(resolve("x/y.flow", "std/rust"), "std/rust.flow");
    }
}
