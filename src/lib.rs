//! flowc: compiles `.flow` delivery processes to GitHub Actions and GitLab CI.
//!
//! The library is pure (no file system, no terminal): [`compile`] runs
//! `text → syntax → ast → check → model → emit` over a [`SourceMap`] and returns the
//! generated files with every diagnostic. The `flowc` binary reads files, calls it,
//! renders diagnostics and writes outputs; tests call exactly the same function.

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod explain;
pub mod format;
pub mod import;
pub mod lsp;
pub mod model;
pub mod modules;
pub mod pins;
pub mod source;
pub mod stdlib;
pub mod suggest;
pub mod syntax;
pub mod views;

use ast::Target;
use diagnostic::Diagnostic;
use emit::Output;
use model::Model;
use source::SourceMap;

/// The result of a compilation: outputs exist only when there is no error.
#[derive(Debug, Default)]
pub struct Compilation {
    pub model: Option<Model>,
    pub outputs: Vec<Output>,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks every file, then checks what each of `targets` can express.
pub fn analyze(sources: &SourceMap, targets: &[Target]) -> Compilation {
    analyze_planned(sources, targets).0
}

/// [`analyze`], also returning the GitLab plans its capability check made, for the emitter.
fn analyze_planned(sources: &SourceMap, targets: &[Target]) -> (Compilation, Option<emit::gitlab::Plans>) {
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    let mut syntax_ok = true;
    for id in sources.ids() {
        let (file, errors) = syntax::parse(id, &sources.get(id).text);
        syntax_ok &= !errors.iter().any(Diagnostic::is_error);
        diagnostics.extend(errors);
        files.push(file);
    }
    let (model, errors) = check::check(&files, sources);
    drop(files);
    diagnostics.extend(errors);
    let mut gitlab = None;
    if syntax_ok && !diagnostics.iter().any(Diagnostic::is_error) {
        for target in targets {
            diagnostics.extend(match target {
                Target::Github => emit::github::capabilities(&model),
                Target::Gitlab => {
                    let plans = gitlab.insert(emit::gitlab::Plans::new(&model));
                    emit::gitlab::capabilities(&model, plans)
                }
            });
        }
    }
    diagnostic::sort(&mut diagnostics);
    (Compilation { model: Some(model), outputs: Vec::new(), diagnostics }, gitlab)
}

/// [`analyze`], then emit the files of each target when there is no error.
pub fn compile(sources: &SourceMap, targets: &[Target]) -> Compilation {
    compile_pinned(sources, targets, &pins::Pins::default())
}

/// [`compile`], with GitHub actions pinned to the commits in `pins`.
pub fn compile_pinned(sources: &SourceMap, targets: &[Target], pins: &pins::Pins) -> Compilation {
    let (mut compilation, gitlab) = analyze_planned(sources, targets);
    let Some(model) = compilation.model.as_ref().filter(|_| !compilation.has_errors()) else {
        return compilation;
    };
    if model.processes.is_empty() {
        return compilation;
    }
    let mut outputs = Vec::new();
    for target in targets {
        match target {
            Target::Github => outputs.extend(emit::github::emit(model, sources, pins)),
            Target::Gitlab => {
                let plans = gitlab.as_ref().expect("`analyze_planned` plans GitLab when there is no error");
                outputs.push(emit::gitlab::emit(model, plans, sources));
            }
        }
    }
    outputs.extend(emit::codeowners::emit(model, sources, targets));
    outputs.extend(emit::settings::emit(model, sources, targets));
    compilation.outputs = outputs;
    compilation
}
