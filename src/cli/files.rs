//! Finding and reading `.flow` files. I/O problems are `Err` (exit 2); problems with a
//! file's contents (binary, invalid UTF-8, too large) are diagnostics on that file (exit 1).

use flowc::diagnostic::Diagnostic;
use flowc::source::{io_reason, SourceMap, Span};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub struct Loaded {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let mut files = Vec::new();
    for path in paths {
        files.extend(discover(path)?);
    }
    files.dedup();
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(format!("no .flow files found in {}", shown.join(", ")));
    }
    let mut loaded = Loaded { sources: SourceMap::new(), diagnostics: Vec::new() };
    for file in files {
        read(&file, &mut loaded)?;
    }
    // Finding imports parses every file once more; a file without the word has none.
    if !loaded.sources.files().iter().any(|f| f.text.contains("import")) {
        return Ok(loaded);
    }
    let mut read_module = |name: &str| match read_text(Path::new(name)) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(why)) => Err(format!("it {why}")),
        Err(e) => Err(io_reason(&e)),
    };
    let errors = flowc::modules::load_imports(&mut loaded.sources, &mut read_module);
    loaded.diagnostics.extend(errors);
    Ok(loaded)
}

/// The `.flow` files a path stands for, sorted, so that output never depends on directory order.
fn discover(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skipped(e.file_name()));
    for entry in walker {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "flow") {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

fn skipped(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name == "target" || name == "node_modules"
}

/// The name shown for a path: relative to the current directory when possible, `/`-separated.
fn display_name(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

fn read(path: &Path, loaded: &mut Loaded) -> Result<(), String> {
    let name = display_name(path);
    match read_text(path) {
        Ok(Ok(text)) => {
            loaded.sources.add(name, text);
            Ok(())
        }
        Ok(Err(why)) => bad_content(loaded, format!("`{name}` {why}"), name),
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
            Err(format!("cannot read `{name}`: it is a directory"))
        }
        Err(e) => Err(format!("cannot read `{name}`: {}", io_reason(&e))),
    }
}

/// The text of a file without its byte-order mark; `Ok(Err(why))` when the contents cannot
/// be a `.flow` source ("is a binary file ..."). Reads at most [`MAX_FILE_BYTES`] + 1 bytes,
/// so that a device such as `/dev/zero`, named or imported, cannot hang flowc or fill memory.
fn read_text(path: &Path) -> std::io::Result<Result<String, String>> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::ErrorKind::IsADirectory.into());
    }
    let too_large =
        |size: String| Ok(Err(format!("is {size} MiB; flowc reads files of at most {} MiB", MAX_FILE_BYTES >> 20)));
    if meta.len() > MAX_FILE_BYTES {
        return too_large((meta.len() >> 20).to_string());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return too_large(format!("more than {}", MAX_FILE_BYTES >> 20));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Ok(Err(format!("is a binary file (NUL byte at offset {at}), not a .flow source")));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(Ok(text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Ok(Err(format!("is not valid UTF-8 (byte {at}, line {line})")))
        }
    }
}

/// Records a file whose contents cannot be compiled, as an error pointing at the file.
fn bad_content(loaded: &mut Loaded, message: String, name: String) -> Result<(), String> {
    let id = loaded.sources.add(name, "");
    loaded.diagnostics.push(
        Diagnostic::error("E0005", message, Span::new(id, 0, 0), "this file").with_help("flowc reads UTF-8 text files"),
    );
    Ok(())
}

/// The action pins from `lock`, or from `flowc.lock` in the current directory when it exists.
pub fn pins(lock: Option<&Path>) -> Result<flowc::pins::Pins, String> {
    let default = Path::new("flowc.lock");
    let path = match lock {
        Some(path) => path,
        None if default.is_file() => default,
        None => return Ok(flowc::pins::Pins::default()),
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
    flowc::pins::Pins::parse(&text).map_err(|errors| {
        let lines: Vec<String> =
            errors.iter().map(|(line, message)| format!("{}:{line}: {message}", path.display())).collect();
        format!("invalid lock file:\n{}", lines.join("\n"))
    })
}
