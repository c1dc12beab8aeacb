//! The `flowc` command line: reads files, calls the library, renders diagnostics, writes outputs.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    ExitCode::from(cli::run(args))
}
