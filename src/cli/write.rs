//! Writing generated files atomically, and comparing them with what is on disk.

use flowc::emit::Output;
use similar::TextDiff;
use std::io::Write;
use std::path::Path;

/// Writes every output under `dir`; returns how many files changed. Each file is written to a
/// temporary file beside it and renamed into place, so no reader ever sees half a file.
pub fn all(dir: &Path, outputs: &[Output]) -> Result<usize, String> {
    let mut written = 0;
    for output in outputs {
        let path = dir.join(&output.path);
        if std::fs::read(&path).is_ok_and(|old| old == output.contents.as_bytes()) {
            continue;
        }
        atomic_write(&path, output.contents.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        written += 1;
    }
    Ok(written)
}

fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut temp = tempfile::Builder::new().prefix(".flowc-").tempfile_in(parent)?;
    temp.write_all(bytes)?;
    set_mode(temp.as_file(), path)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Temporary files are private (0600); the result gets the mode an ordinary file would:
/// the old file's mode when replacing one, else 0644 (0755 for a script).
#[cfg(unix)]
fn set_mode(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match std::fs::metadata(path) {
        Ok(old) => old.permissions().mode(),
        Err(_) if path.extension().is_some_and(|x| x == "sh") => 0o755,
        Err(_) => 0o644,
    };
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A unified diff from each `(path, old text)` to the new contents of the output at the same index.
pub fn diff_texts(old: &[(String, String)], new: &[Output]) -> String {
    old.iter().zip(new).map(|((path, before), after)| unified(path, before, &after.contents)).collect()
}

fn unified(path: &str, old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string()
}

/// A unified diff of every output that differs from the file on disk (empty when none does).
pub fn drift(dir: &Path, outputs: &[Output]) -> Result<String, String> {
    let mut out = String::new();
    for output in outputs {
        let path = dir.join(&output.path);
        let old = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
        };
        if old != output.contents {
            out.push_str(&unified(&output.path, &old, &output.contents));
        }
    }
    Ok(out)
}

/// All outputs in one stream, each introduced by a `--- # PATH` line (the CI files form a
/// valid YAML stream; CODEOWNERS, JSON and shell files are shown as they are).
pub fn as_stream(outputs: &[Output]) -> String {
    outputs.iter().map(|o| format!("--- # {}\n{}", o.path, o.contents)).collect()
}
