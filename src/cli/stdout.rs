//! The one way the CLI writes to stdout. A reader that stops early (`flowc build --stdout |
//! head -1`, `flowc graph | head`) closes the pipe; Rust ignores SIGPIPE, so the write fails
//! with `BrokenPipe`, and `print!` would panic on it. Here that ends the output quietly:
//! the reader has what it wanted, and the command keeps its exit code.

use super::USAGE_ERROR;
use std::io::{ErrorKind, Write};

/// Writes `text` to stdout and flushes it. `Ok` when it was written or the reader has gone;
/// on any other error (a full disk behind a redirection), prints it and returns exit code 2.
pub fn print(text: &str) -> Result<(), u8> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write to stdout: {e}");
            Err(USAGE_ERROR)
        }
    }
}

/// [`print`], then `code` (or 2 when stdout failed): for a command's last words.
pub fn finish(text: &str, code: u8) -> u8 {
    print(text).map_or_else(|failed| failed, |()| code)
}
