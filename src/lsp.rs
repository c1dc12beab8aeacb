//! The language server (`flowc lsp`), over stdio. (Implementation in progress.)

mod index;
mod position;

/// Runs the server until the client exits; returns the process exit code.
pub fn run() -> u8 {
    eprintln!("flowc lsp: not implemented yet");
    2
}
