//! `flowc graph` and `flowc raci`: views of the checked model. (In progress.)

use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Files or directories (searched recursively for `*.flow`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Mermaid (renders on GitHub and GitLab) or Graphviz DOT.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Args, Debug)]
pub struct RaciArgs {
    /// Files or directories (searched recursively for `*.flow`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
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

pub fn graph(_args: GraphArgs) -> u8 {
    eprintln!("flowc graph: not implemented yet");
    super::USAGE_ERROR
}

pub fn raci(_args: RaciArgs) -> u8 {
    eprintln!("flowc raci: not implemented yet");
    super::USAGE_ERROR
}
