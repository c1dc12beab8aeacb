//! Printing diagnostics and messages to stderr, as text or JSON lines.
//!
//! For people, at most [`SHOWN`] diagnostics are rendered, then a line saying how many more
//! there are; the summary still counts every one. JSON lines are for tools and list them all
//! (one short object each, with no source text).

use super::{ColorArg, MessageFormat, USAGE_ERROR};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};
use flowc::diagnostic::{self, Diagnostic};
use flowc::source::SourceMap;
use std::io::{IsTerminal, Write};

/// How many diagnostics are rendered for people; the rest are counted (as rustc and most
/// compilers do, thousands of snippets help nobody: fixing the first ones fixes many others).
pub const SHOWN: usize = 100;

pub struct Reporter {
    format: MessageFormat,
    color: bool,
}

impl Reporter {
    pub fn new(format: MessageFormat, color: ColorArg) -> Reporter {
        let color = match color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
            }
        };
        Reporter { format, color }
    }

    /// Prints the diagnostics (for people at most [`SHOWN`]), then (for people) a summary.
    pub fn report(&mut self, sources: &SourceMap, diagnostics: &[Diagnostic]) {
        // Buffered: codespan writes a snippet in many small pieces, and unbuffered stderr
        // turned each into a system call (a 10 MB line took 17 s to report).
        let mut stderr =
            BufferedStandardStream::stderr(if self.color { ColorChoice::Always } else { ColorChoice::Never });
        let shown = match self.format {
            MessageFormat::Json => diagnostics.len(),
            MessageFormat::Human => SHOWN.min(diagnostics.len()),
        };
        for d in &diagnostics[..shown] {
            let _ = match self.format {
                MessageFormat::Json => writeln!(stderr, "{}", diagnostic::render_json(sources, d)),
                MessageFormat::Human => diagnostic::write_colored(&mut stderr, sources, d),
            };
        }
        if self.format == MessageFormat::Human {
            summarise(&mut stderr, diagnostics, shown);
        }
        let _ = stderr.flush();
    }

    /// A fatal usage or I/O problem: printed, and exit code 2 returned.
    pub fn fatal(&self, message: &str) -> u8 {
        match self.format {
            MessageFormat::Json => {
                let json = serde_json::json!({"severity": "error", "code": null, "message": message});
                let _ = writeln!(std::io::stderr(), "{json}");
            }
            // `let _`: a closed stderr (`2>&1 | head -1`) must not turn into a panic.
            MessageFormat::Human => {
                let _ = writeln!(std::io::stderr(), "error: {message}");
            }
        }
        USAGE_ERROR
    }

    /// A short informational line for people (nothing in JSON mode).
    pub fn note(&self, message: &str) {
        if self.format == MessageFormat::Human {
            let _ = writeln!(std::io::stderr(), "{message}");
        }
    }
}

/// "... and N more errors not shown" when some were not shown, then the count of every one.
fn summarise(out: &mut impl Write, diagnostics: &[Diagnostic], shown: usize) {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let hidden = &diagnostics[shown..];
    if !hidden.is_empty() {
        let more = |n: usize, word: &str| format!("{n} more {word}{}", if n == 1 { "" } else { "s" });
        let more = match hidden.iter().filter(|d| d.is_error()).count() {
            0 => more(hidden.len(), "warning"),
            e if e == hidden.len() => more(e, "error"),
            e => format!("{} and {}", more(e, "error"), more(hidden.len() - e, "warning")),
        };
        let _ = writeln!(out, "... and {more} not shown\n");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        let _ = writeln!(out, "error: could not compile: {}, {}", plural(errors, "error"), plural(warnings, "warning"));
    } else if warnings > 0 {
        let _ = writeln!(out, "warning: {} emitted", plural(warnings, "warning"));
    }
}
