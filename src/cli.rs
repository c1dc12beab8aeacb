//! Command-line definitions and dispatch. Exit codes: 0 success (warnings allowed),
//! 1 errors in the input or drift found by `--check`, 2 usage or I/O errors.

/// `eprintln!` for the whole CLI (it shadows the standard one here and in every submodule):
/// a closed stderr (`flowc import x.yml 2>&1 | head -1`) drops the line instead of panicking.
/// Stdout goes through [`stdout::print`].
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod files;
mod fmt;
mod import;
mod report;
mod stdout;
mod views;
mod write;

use clap::{Args, Parser, Subcommand, ValueEnum};
use flowc::ast::Target;
use std::path::PathBuf;

pub const SUCCESS: u8 = 0;
pub const INPUT_ERROR: u8 = 1;
pub const USAGE_ERROR: u8 = 2;

/// Compile .flow delivery processes to GitHub Actions and GitLab CI.
///
/// A `.flow` file describes processes (one workflow or pipeline each), their activities
/// (one job each), who owns and approves them, and the artifacts they hand on.
#[derive(Parser, Debug)]
#[command(name = "flowc", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  flowc build                        compile every .flow file below the current directory\n  flowc build ci.flow --target github --stdout\n  flowc build --check                exit 1 with a diff when committed YAML is out of date\n  flowc check --message-format json  machine-readable diagnostics\n  flowc explain E0301                what a diagnostic code means\n\nExit status: 0 success (warnings allowed), 1 errors in the input or drift, 2 usage or I/O errors."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile .flow files to `.github/workflows/<process>.yml` and `.gitlab-ci.yml`.
    Build(BuildArgs),
    /// Run every check without writing anything.
    Check(CheckArgs),
    /// Draw the processes: activities, dependencies, artifacts, approval gates, one lane per role.
    Graph(views::GraphArgs),
    /// The responsibility matrix (RACI) of activities and roles.
    Raci(views::RaciArgs),
    /// Format .flow files in the one canonical style (comments are kept as written).
    Fmt(FmtArgs),
    /// Import a GitHub workflow or .gitlab-ci.yml as a .flow file (or measure the import: --measure DIR).
    Import(import::ImportArgs),
    /// Run the language server over stdio (for editors).
    Lsp,
    /// Explain a diagnostic code, such as E0301.
    Explain {
        /// The code to explain; omit it to list all codes.
        code: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct Common {
    /// Files or directories; directories are searched recursively for `*.flow`.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Which CI system to generate for (and check against).
    #[arg(long, value_enum, default_value_t = TargetArg::All)]
    pub target: TargetArg,
    /// How to print diagnostics (on stderr): text for people, or one JSON object per line.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// When to colour diagnostics; `auto` honours NO_COLOR and whether stderr is a terminal.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Lock file pinning GitHub actions to commits (`owner/repo@ref SHA` per line);
    /// default: `flowc.lock` in the current directory when it exists. flowc never resolves
    /// tags itself: it cannot reach the network.
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// Directory the generated files are written under.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Print the generated files to stdout, each after a `--- # PATH` line, instead of writing them.
    #[arg(long, conflicts_with = "check")]
    pub stdout: bool,
    /// Write nothing; exit 1 and print a unified diff when files on disk differ from the output.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Files or directories (searched recursively for `*.flow`); `-` formats stdin to stdout.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Write nothing; exit 1 and print a diff when a file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum TargetArg {
    Github,
    Gitlab,
    All,
}

impl TargetArg {
    fn targets(self) -> Vec<Target> {
        match self {
            TargetArg::Github => vec![Target::Github],
            TargetArg::Gitlab => vec![Target::Gitlab],
            TargetArg::All => Target::ALL.to_vec(),
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => compile(&args.common, false).map_or_else(|code| code, |_| SUCCESS),
        Command::Graph(args) => views::graph(args),
        Command::Raci(args) => views::raci(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Import(args) => import::run(args),
        Command::Lsp => flowc::lsp::run(),
        Command::Explain { code } => explain(code),
    }
}

/// Loads and compiles; `Err(exit code)` when the caller must stop.
fn compile(common: &Common, emit: bool) -> Result<flowc::Compilation, u8> {
    let mut reporter = report::Reporter::new(common.message_format, common.color);
    let loaded = files::load(&common.paths).map_err(|e| reporter.fatal(&e))?;
    let targets = common.target.targets();
    let pins = files::pins(common.lock.as_deref()).map_err(|e| reporter.fatal(&e))?;
    let compilation = if emit {
        flowc::compile_pinned(&loaded.sources, &targets, &pins)
    } else {
        flowc::analyze(&loaded.sources, &targets)
    };
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(compilation.diagnostics.iter().cloned());
    reporter.report(&loaded.sources, &diagnostics);
    if diagnostics.iter().any(|d| d.is_error()) {
        return Err(INPUT_ERROR);
    }
    if compilation.model.as_ref().is_none_or(|m| m.processes.is_empty()) {
        reporter
            .fatal("no process is defined in the given files; a .flow file needs at least one `process NAME { ... }`");
        return Err(INPUT_ERROR);
    }
    Ok(compilation)
}

fn build(args: BuildArgs) -> u8 {
    let compilation = match compile(&args.common, true) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let outputs = &compilation.outputs;
    if args.stdout {
        return stdout::finish(&write::as_stream(outputs), SUCCESS);
    }
    let reporter = report::Reporter::new(args.common.message_format, args.common.color);
    if args.check {
        return match write::drift(&args.out_dir, outputs) {
            Ok(diff) if diff.is_empty() => SUCCESS,
            Ok(diff) => {
                if let Err(code) = stdout::print(&diff) {
                    return code;
                }
                reporter.note(&format!(
                    "generated files are out of date; run `flowc build` to update {} file(s)",
                    outputs.len()
                ));
                INPUT_ERROR
            }
            Err(e) => reporter.fatal(&e),
        };
    }
    match write::all(&args.out_dir, outputs) {
        Ok(written) => {
            reporter.note(&format!("wrote {written} of {} file(s) under {}", outputs.len(), args.out_dir.display()));
            SUCCESS
        }
        Err(e) => reporter.fatal(&e),
    }
}

fn explain(code: Option<String>) -> u8 {
    match code {
        None => {
            let list: String = flowc::explain::codes()
                .map(|code| format!("{code}  {}\n", flowc::explain::explain(code).unwrap_or_default()))
                .collect();
            stdout::finish(&list, SUCCESS)
        }
        Some(code) => match flowc::explain::explain(&code) {
            Some(text) => stdout::finish(&format!("{}: {text}\n", code.to_ascii_uppercase()), SUCCESS),
            None => {
                eprintln!("error: no diagnostic has the code `{code}`; run `flowc explain` to list them");
                USAGE_ERROR
            }
        },
    }
}
