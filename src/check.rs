//! Checking: parsed files in, [`Model`] out, with every semantic error found in one run.
//!
//! `roles` resolves role declarations, `process` and `activity` lower each construct,
//! `expr` types expressions, `graph` orders activities and `targets` checks the keys of
//! `github { }` / `gitlab { }` blocks. Each reports through the constructors in `errors`.

mod activity;
mod environments;
pub mod errors;
mod expr;
mod graph;
mod policy;
mod process;
mod roles;
mod targets;
mod templates;

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::source::{SourceMap, Span};
use indexmap::IndexMap;
use std::borrow::Cow;

/// The source of the standard policies, which `policies NAME` may name without declaring them.
pub fn standard_policies() -> &'static str {
    policy::STANDARD
}

/// Checks all files of one compilation. Roles belong to the file that declares them;
/// process names must be unique across all files (they name the generated files and jobs).
/// Files loaded only as modules (`sources`) contribute templates, not processes.
pub fn check(files: &[ast::File], sources: &SourceMap) -> (Model, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut seen: IndexMap<String, Span> = IndexMap::new();
    let mut model = Model::default();
    let aliases = templates::resolve_imports(files, sources, &mut diagnostics);
    for (index, file) in files.iter().enumerate() {
        templates::check_kinds(file, &mut diagnostics);
        let roles = roles::collect(file, &mut diagnostics);
        let policies = policy::collect(file, &mut diagnostics);
        let first_process = model.processes.len();
        let is_module = sources.files().get(index).is_some_and(|f| f.module);
        let expanded: Vec<Cow<ast::Process>> = if is_module {
            Vec::new()
        } else {
            file.processes.iter().map(|p| expand(p, index, files, &aliases, &mut diagnostics)).collect()
        };
        for process in expanded.iter().map(|p| p.as_ref()) {
            if let Some(first) = seen.get(process.name.name.as_str()) {
                diagnostics.push(errors::duplicate("process", &process.name.name, process.name.span, *first));
                continue;
            }
            seen.insert(process.name.name.clone(), process.name.span);
            let lowered = process::lower(process, &roles, &mut diagnostics);
            policy::enforce(process, &lowered, &policies, &mut diagnostics);
            model.processes.push(lowered);
        }
        let file_roles: Vec<_> = roles.into_values().map(|(role, _)| role).collect();
        roles::warn_unused(&file_roles, &model.processes[first_process..], &mut diagnostics);
        model.roles.extend(file_roles);
    }
    environments::check_gates(&model, &mut diagnostics);
    (model, diagnostics)
}

/// The process with every activity's templates expanded; the process itself (no copy) when
/// no activity starts from a template.
fn expand<'a>(
    p: &'a ast::Process,
    file: usize,
    files: &[ast::File],
    aliases: &templates::Aliases,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, ast::Process> {
    if p.uses.is_empty() && p.activities.iter().all(|a| a.from.is_empty()) {
        return Cow::Borrowed(p);
    }
    let activities = templates::expand_process(p, file, files, aliases, diagnostics);
    Cow::Owned(ast::Process { activities, uses: Vec::new(), ..p.clone() })
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
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
