//! `flowc fmt`: formats files in place, checks them (`--check`), or formats stdin (`-`).

use super::report::Reporter;
use super::{files, stdout, write, FmtArgs, MessageFormat, INPUT_ERROR, SUCCESS, USAGE_ERROR};
use flowc::source::{FileId, SourceMap};
use std::io::Read;

pub fn run(args: FmtArgs) -> u8 {
    let mut reporter = Reporter::new(MessageFormat::Human, args.color);
    if args.paths.len() == 1 && args.paths[0].as_os_str() == "-" {
        return stdin(&mut reporter);
    }
    let loaded = match files::load(&args.paths) {
        Ok(loaded) => loaded,
        Err(e) => return reporter.fatal(&e),
    };
    if !loaded.diagnostics.is_empty() {
        reporter.report(&loaded.sources, &loaded.diagnostics);
        return INPUT_ERROR;
    }
    let mut status = SUCCESS;
    let mut changed = Vec::new();
    for id in loaded.sources.ids() {
        let file = loaded.sources.get(id);
        match flowc::format::format(id, &file.text) {
            Ok(formatted) if formatted == file.text => {}
            Ok(formatted) => changed.push(flowc::emit::Output { path: file.name.clone(), contents: formatted }),
            Err(errors) => {
                reporter.report(&loaded.sources, &errors);
                status = INPUT_ERROR;
            }
        }
    }
    if args.check {
        if !changed.is_empty() {
            let originals: Vec<(String, String)> =
                changed.iter().map(|o| (o.path.clone(), loaded_text(&loaded.sources, &o.path))).collect();
            if let Err(code) = stdout::print(&write::diff_texts(&originals, &changed)) {
                return code;
            }
            reporter.note(&format!("{} file(s) are not formatted; run `flowc fmt`", changed.len()));
            return INPUT_ERROR;
        }
        return status;
    }
    match write::all(std::path::Path::new("."), &changed) {
        Ok(n) if n > 0 => reporter.note(&format!("formatted {n} file(s)")),
        Ok(_) => {}
        Err(e) => return reporter.fatal(&e),
    }
    status
}

fn loaded_text(sources: &SourceMap, name: &str) -> String {
    sources.files().iter().find(|f| f.name == name).map(|f| f.text.clone()).unwrap_or_default()
}

fn stdin(reporter: &mut Reporter) -> u8 {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        return reporter.fatal(&format!("cannot read stdin: {e}"));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!("error: stdin is not valid UTF-8");
        return INPUT_ERROR;
    };
    let mut sources = SourceMap::new();
    let id: FileId = sources.add("<stdin>", text.clone());
    match flowc::format::format(id, &text) {
        Ok(formatted) => stdout::finish(&formatted, SUCCESS),
        Err(errors) => {
            reporter.report(&sources, &errors);
            if errors.is_empty() {
                USAGE_ERROR
            } else {
                INPUT_ERROR
            }
        }
    }
}
