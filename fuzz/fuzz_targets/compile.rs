//! Fuzz target: the whole pipeline, as `flowc build --target all` runs it. The input is
//! split at NUL bytes into up to four files `f0.flow`..`f3.flow` (NUL cannot occur in a
//! loaded source), which may import each other and the standard library; they are parsed,
//! checked and emitted for GitHub and GitLab, and every diagnostic is rendered as text and
//! as JSON. Nothing may panic; outputs exist only without errors and are deterministic.

#![no_main]

use flowc::ast::Target;
use flowc::diagnostic::{render_human, render_json};
use flowc::source::SourceMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = SourceMap::new();
    for (i, part) in text.splitn(4, '\0').enumerate() {
        sources.add(format!("f{i}.flow"), part);
    }
    let mut no_files = |_: &str| Err("the fuzzer reads no files".to_string());
    let _ = flowc::modules::load_imports(&mut sources, &mut no_files);
    let compilation = flowc::compile(&sources, &Target::ALL);
    assert!(compilation.outputs.is_empty() || !compilation.has_errors(), "outputs despite errors");
    for d in &compilation.diagnostics {
        let _ = render_human(&sources, d);
        let json: serde_json::Value = serde_json::from_str(&render_json(&sources, d)).expect("JSON diagnostic");
        assert_eq!(json["code"], d.code);
    }
    if !compilation.outputs.is_empty() {
        let again = flowc::compile(&sources, &Target::ALL);
        assert_eq!(compilation.outputs, again.outputs, "output differs between two runs");
    }
});
