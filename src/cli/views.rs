//! `flowc graph` and `flowc raci`: load and check files as `flowc check` does (diagnostics on
//! stderr, exit 1 on errors, 2 on usage or I/O errors), then print one view of the checked
//! model on stdout with [`flowc::views`].

use super::report::Reporter;
use super::{files, stdout, ColorArg, MessageFormat, INPUT_ERROR, SUCCESS};
use clap::{Args, ValueEnum};
use flowc::ast::Target;
use flowc::model::Model;
use flowc::views;
use std::path::PathBuf;

const GRAPH_HELP: &str = "\
Activities are nodes, dependencies edges: solid for `after`, dashed and labelled for an artifact
(its name) or an output (`outputs.build.version`) handed over. Each process is one block, and
inside it one swimlane per role: an activity sits in the lane of the role responsible for it
(its `run_by` role, else the process manager, else the owner), as in `flowc raci`. Approval gates are hexagons labelled `⛔ approval: 2 of
releasers` with their environment. Several processes give one diagram with one block each.

Examples:
  flowc graph examples/release.flow > release.mmd
  flowc graph --format dot . | dot -Tsvg > processes.svg";

const RACI_HELP: &str = "\
One row per activity, one column per role the process names (owner, manager, then the roles
its activities name, in declaration order). A role may hold several letters (`R/C`):
  R  responsible: the `run_by` role, else the process manager, else the process owner
  A  accountable: the `approved_by` role (they sign off), else the process owner
  C  consulted: the `consulted` roles
  I  informed: the `informed` roles
Exactly one R and one A per activity.

Formats: markdown (a table per process, its approval quorums and role members), csv (one
table: process, activity, one column per role of any process, approval), json (an object per
process with its roles, members and each activity's letters).";

#[derive(Args, Debug)]
#[command(after_help = GRAPH_HELP)]
pub struct GraphArgs {
    /// Files or directories (searched recursively for `*.flow`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Mermaid (renders on GitHub and GitLab) or Graphviz DOT.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Args, Debug)]
#[command(after_help = RACI_HELP)]
pub struct RaciArgs {
    /// Files or directories (searched recursively for `*.flow`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Markdown (for people and pull requests), CSV (for spreadsheets) or JSON (for tools).
    #[arg(long, value_enum, default_value_t = RaciFormat::Markdown)]
    pub format: RaciFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum RaciFormat {
    Markdown,
    Csv,
    Json,
}

/// `flowc graph`: the processes as a Mermaid or DOT diagram on stdout.
pub fn graph(args: GraphArgs) -> u8 {
    let render = match args.format {
        GraphFormat::Mermaid => views::graph::mermaid,
        GraphFormat::Dot => views::graph::dot,
    };
    view(args.paths, render)
}

/// `flowc raci`: the responsibility matrix as Markdown, CSV or JSON on stdout.
pub fn raci(args: RaciArgs) -> u8 {
    let render = match args.format {
        RaciFormat::Markdown => views::raci::markdown,
        RaciFormat::Csv => views::raci::csv,
        RaciFormat::Json => views::raci::json,
    };
    view(args.paths, render)
}

/// Checks the files as `flowc check` does (every target), then prints `render(model)`.
fn view(paths: Vec<PathBuf>, render: fn(&Model) -> String) -> u8 {
    let model = match checked(&paths) {
        Ok(model) => model,
        Err(code) => return code,
    };
    stdout::finish(&render(&model), SUCCESS)
}

/// Loads and analyzes `paths` for every target, reporting diagnostics on stderr;
/// `Err(exit code)` when there is an error or no process.
fn checked(paths: &[PathBuf]) -> Result<Model, u8> {
    let mut reporter = Reporter::new(MessageFormat::Human, ColorArg::Auto);
    let loaded = files::load(paths).map_err(|e| reporter.fatal(&e))?;
    let compilation = flowc::analyze(&loaded.sources, &Target::ALL);
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(compilation.diagnostics);
    reporter.report(&loaded.sources, &diagnostics);
    if diagnostics.iter().any(|d| d.is_error()) {
        return Err(INPUT_ERROR);
    }
    match compilation.model.filter(|m| !m.processes.is_empty()) {
        Some(model) => Ok(model),
        None => {
            reporter.fatal(
                "no process is defined in the given files; a .flow file needs at least one `process NAME { ... }`",
            );
            Err(INPUT_ERROR)
        }
    }
}
