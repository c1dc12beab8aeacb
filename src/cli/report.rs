//! Printing diagnostics and messages to stderr, as text or JSON lines.

use super::{ColorArg, MessageFormat, USAGE_ERROR};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};
use flowc::diagnostic::{self, Diagnostic};
use flowc::source::SourceMap;
use std::io::{IsTerminal, Write};

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

    /// Prints every diagnostic, then (for people) a summary line.
    pub fn report(&mut self, sources: &SourceMap, diagnostics: &[Diagnostic]) {
        // Buffered: codespan writes a snippet in many small pieces, and unbuffered stderr
        // turned each into a system call (a 10 MB line took 17 s to report).
        let mut stderr =
            BufferedStandardStream::stderr(if self.color { ColorChoice::Always } else { ColorChoice::Never });
        for d in diagnostics {
            let _ = match self.format {
                MessageFormat::Json => writeln!(stderr, "{}", diagnostic::render_json(sources, d)),
                MessageFormat::Human => diagnostic::write_colored(&mut stderr, sources, d),
            };
        }
        if self.format == MessageFormat::Human {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = diagnostics.len() - errors;
            let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            if errors > 0 {
                let _ = writeln!(
                    stderr,
                    "error: could not compile: {}, {}",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                );
            } else if warnings > 0 {
                let _ = writeln!(stderr, "warning: {} emitted", plural(warnings, "warning"));
            }
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
