//! The formatter: snapshots of tricky cases, and on every fixture and example: formatting
//! is idempotent, keeps the syntax tree (spans aside) and keeps every comment.

use flowc::source::FileId;
use std::path::{Path, PathBuf};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .collect();
    files.sort();
    files
}

fn every_parsing_file() -> Vec<(PathBuf, String)> {
    [
        "examples",
        "tests/fixtures/emit",
        "tests/fixtures/format",
        "tests/fixtures/check",
        "tests/fixtures/run",
        "tests/fixtures/crashes",
    ]
    .iter()
    .flat_map(|d| files(d))
    .map(|p| {
        let text = std::fs::read_to_string(&p).unwrap();
        (p, text)
    })
    .filter(|(_, text)| flowc::syntax::parse(FileId(0), text).1.iter().all(|d| !d.is_error()))
    .collect()
}

/// The syntax tree as text with every span removed.
fn tree_without_spans(text: &str) -> String {
    flowc::format::without_spans(&flowc::syntax::parse(FileId(0), text).0)
}

fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(at) = line.find("//").filter(|at| line[..*at].matches('"').count() % 2 == 0) {
            out.push(line[at..].to_string());
        }
    }
    out
}

#[test]
fn format_fixtures() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::glob!("fixtures/format/*.flow", |path| {
            let source = std::fs::read_to_string(path).unwrap();
            let formatted = flowc::format::format(FileId(0), &source).unwrap();
            insta::assert_snapshot!(format!("----- SOURCE\n{source}----- FORMATTED\n{formatted}"));
        });
    });
}

#[test]
fn formatting_is_idempotent_and_keeps_the_tree_and_comments() {
    let all = every_parsing_file();
    assert!(all.len() > 40, "expected every fixture and example, found {}", all.len());
    for (path, text) in all {
        let once = flowc::format::format(FileId(0), &text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let twice = flowc::format::format(FileId(0), &once).unwrap();
        assert_eq!(once, twice, "{} is not stable under formatting", path.display());
        assert_eq!(
            tree_without_spans(&text),
            tree_without_spans(&once),
            "{}: formatting changed the program",
            path.display()
        );
        let trimmed: Vec<String> = comments(&text).iter().map(|c| c.trim_end().to_string()).collect();
        assert_eq!(trimmed, comments(&once), "{}: comments changed", path.display());
    }
}

#[test]
fn examples_and_emit_fixtures_are_formatted() {
    for path in files("examples").into_iter().chain(files("tests/fixtures/emit")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = flowc::format::format(FileId(0), &text).unwrap();
        assert!(formatted == text, "{} is not formatted: run `flowc fmt {}`", path.display(), path.display());
    }
}

#[test]
fn syntax_errors_are_reported_not_formatted() {
    let errors = flowc::format::format(FileId(0), "process p {").unwrap_err();
    assert_eq!(errors[0].code, "E0001");
}

#[test]
fn crlf_and_bom_become_plain_lines() {
    let text =
        "\u{feff}roles { owner = team \"x\" }\r\nprocess p {\r\n  owner owner\r\n  activity a { step \"x\" }\r\n}\r\n";
    let formatted = flowc::format::format(FileId(0), text).unwrap();
    assert_eq!(formatted, text.trim_start_matches('\u{feff}').replace("\r\n", "\n"));
}
