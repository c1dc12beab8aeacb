//! Checking: parsed files in, [`Model`] out, with every semantic error found in one run.
//!
//! `roles` resolves role declarations, `process` and `activity` lower each construct,
//! `expr` types expressions, `graph` orders activities and `targets` checks the keys of
//! `github { }` / `gitlab { }` blocks. Each reports through the constructors in `errors`.

pub mod errors;
mod activity;
mod expr;
mod graph;
mod process;
mod roles;
mod targets;

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::model::Model;
use indexmap::IndexMap;
use crate::source::Span;

/// Checks all files of one compilation together (names are shared across files).
pub fn check(files: &[ast::File]) -> (Model, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let roles = roles::collect(files, &mut diagnostics);
    let mut seen: IndexMap<&str, Span> = IndexMap::new();
    let mut processes = Vec::new();
    for process in files.iter().flat_map(|f| &f.processes) {
        if let Some(first) = seen.get(process.name.name.as_str()) {
            diagnostics.push(errors::duplicate("process", &process.name.name, process.name.span, *first));
            continue;
        }
        seen.insert(&process.name.name, process.name.span);
        processes.push(process::lower(process, &roles, &mut diagnostics));
    }
    let model = Model { roles: roles.into_values().map(|(role, _)| role).collect(), processes };
    roles::warn_unused(&model, &mut diagnostics);
    (model, diagnostics)
}

/// Reports each name that appears twice in `names`, pointing at both places.
fn check_unique<'a>(kind: &str, names: impl IntoIterator<Item = &'a ast::Ident>, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: IndexMap<&str, Span> = IndexMap::new();
    for ident in names {
        match seen.get(ident.name.as_str()) {
            Some(first) => diagnostics.push(errors::duplicate(kind, &ident.name, ident.span, *first)),
            None => {
                seen.insert(&ident.name, ident.span);
            }
        }
    }
}

/// True for names usable as environment variables in every shell.
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
