//! Fixture snapshots: every `.flow` under `tests/fixtures/check` produces diagnostics, every one
//! under `tests/fixtures/emit` compiles for both targets. Snapshots show the source, then the
//! result. Invariants are checked on every fixture and example as well.
//!
//! Re-bless with `INSTA_UPDATE=always cargo test --test fixtures` (or `cargo insta review`).

use flowc::ast::Target;
use flowc::diagnostic::{render_human, render_json};
use flowc::source::SourceMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The file, plus the modules it imports (read relative to its folder).
fn load(path: &Path) -> SourceMap {
    let mut sources = SourceMap::new();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    sources.add(name, std::fs::read_to_string(path).unwrap());
    let dir = path.parent().unwrap().to_path_buf();
    let mut read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string());
    let errors = flowc::modules::load_imports(&mut sources, &mut read);
    assert!(errors.is_empty(), "{}: imports fail to load: {errors:?}", path.display());
    sources
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

fn diagnostics_text(path: &Path) -> String {
    let sources = load(path);
    let compilation = flowc::compile(&sources, &Target::ALL);
    assert!(compilation.outputs.is_empty() || !compilation.has_errors());
    let mut out = format!("----- SOURCE\n{}\n----- DIAGNOSTICS\n", sources.files()[0].text);
    for d in &compilation.diagnostics {
        out.push_str(&render_human(&sources, d));
    }
    out
}

#[test]
fn check_fixtures() {
    settings().bind(|| {
        insta::glob!("fixtures/check/*.flow", |path| {
            let text = diagnostics_text(path);
            assert!(text.contains("error[") || text.contains("warning["), "{} reports nothing", path.display());
            insta::assert_snapshot!(text);
        });
    });
}

#[test]
fn emit_fixtures() {
    settings().bind(|| {
        insta::glob!("fixtures/emit/*.flow", |path| {
            let sources = load(path);
            let compilation = flowc::compile(&sources, &Target::ALL);
            let rendered: Vec<String> = compilation.diagnostics.iter().map(|d| render_human(&sources, d)).collect();
            assert!(compilation.diagnostics.is_empty(), "{} has diagnostics:\n{}", path.display(), rendered.join("\n"));
            let mut out = format!("----- SOURCE\n{}\n", sources.files()[0].text);
            for output in &compilation.outputs {
                out.push_str(&format!("----- {}\n{}", output.path, output.contents));
            }
            insta::assert_snapshot!(out);
        });
    });
}

/// Fixtures of GitLab's own constructs (`on any`, job keys in blocks), compiled for GitLab only.
#[test]
fn emit_gitlab_fixtures() {
    settings().bind(|| {
        insta::glob!("fixtures/emit/gitlab/*.flow", |path| {
            let sources = load(path);
            let compilation = flowc::compile(&sources, &[Target::Gitlab]);
            let rendered: Vec<String> = compilation.diagnostics.iter().map(|d| render_human(&sources, d)).collect();
            assert!(compilation.diagnostics.is_empty(), "{} has diagnostics:\n{}", path.display(), rendered.join("\n"));
            let mut out = format!("----- SOURCE\n{}\n", sources.files()[0].text);
            for output in &compilation.outputs {
                out.push_str(&format!("----- {}\n{}", output.path, output.contents));
            }
            insta::assert_snapshot!(out);
        });
    });
}

fn flow_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .collect();
    files.sort();
    files
}

fn all_flow_files() -> Vec<PathBuf> {
    ["tests/fixtures/check", "tests/fixtures/emit", "examples"].iter().flat_map(|d| flow_files(d)).collect()
}

/// Every code `flowc explain` lists is produced by some check fixture (E0005 and E0116, which
/// need the file system, by the CLI tests).
#[test]
fn every_code_has_a_fixture() {
    let mut seen = BTreeSet::new();
    for path in flow_files("tests/fixtures/check") {
        let sources = load(&path);
        for d in flowc::compile(&sources, &Target::ALL).diagnostics {
            seen.insert(d.code);
        }
    }
    let missing: Vec<&str> =
        flowc::explain::codes().filter(|c| !seen.contains(c) && !["E0005", "E0116"].contains(c)).collect();
    assert!(missing.is_empty(), "codes without a check fixture: {missing:?}");
    let unexplained: Vec<&&str> = seen.iter().filter(|c| flowc::explain::explain(c).is_none()).collect();
    assert!(unexplained.is_empty(), "codes without an explanation: {unexplained:?}");
}

/// Spans lie inside the source and on character boundaries; JSON renders for every diagnostic.
#[test]
fn spans_are_inside_the_source() {
    for path in all_flow_files() {
        let sources = load(&path);
        let text = &sources.files()[0].text;
        for d in flowc::compile(&sources, &Target::ALL).diagnostics {
            for label in std::iter::once(&d.primary).chain(&d.secondary) {
                let (start, end) = (label.span.start as usize, label.span.end as usize);
                assert!(start <= end && end <= text.len(), "{}: {} has span {start}..{end}", path.display(), d.code);
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "{}: {} splits a character",
                    path.display(),
                    d.code
                );
            }
            let json: serde_json::Value = serde_json::from_str(&render_json(&sources, &d)).unwrap();
            assert_eq!(json["code"], d.code);
        }
    }
}

/// Compiling twice gives byte-identical output.
#[test]
fn output_is_deterministic() {
    for path in all_flow_files() {
        let sources = load(&path);
        let first = flowc::compile(&sources, &Target::ALL).outputs;
        let second = flowc::compile(&sources, &Target::ALL).outputs;
        assert_eq!(first, second, "{} compiles differently twice", path.display());
    }
}
