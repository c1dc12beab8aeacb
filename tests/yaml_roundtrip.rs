//! Round trip of `flowc::emit::yaml::to_document` through real YAML readers.
//!
//! Property: any string, used as a mapping key, as a value (plain, inside
//! sequences and nested maps) and inside a multi-line script, reads back
//! unchanged, with the same structure and key order, from
//! - PyYAML `yaml.safe_load` (YAML 1.1),
//! - serde-saphyr's deserializer (YAML 1.2, GitHub's side),
//! - ruamel.yaml's safe loader (YAML 1.2) when the tools venv has it,
//! - Ruby's Psych `safe_load` (YAML 1.1, the reader GitLab itself uses)
//!   when `ruby` is on PATH,
//!
//! and every document passes yamllint with the generated-files config.
//! Floats and integers must read back as the same numbers.
//!
//! The Python side runs from `$FLOWC_TOOLS/py/bin/python` (default
//! `<repo>/.tools`); the test fails (never skips) when it or PyYAML/yamllint
//! is missing. The optional readers print a note when absent. Documents are
//! checked in batches: one Python (and Ruby) process per proptest case.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use flowc::emit::yaml::{to_document, Yaml};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

/// Strings per proptest case (each checked in 3 documents).
const BATCH: usize = 32;
/// Proptest cases per run: `BATCH * CASES` = 256 strings
/// (`$PROPTEST_CASES` overrides it).
const CASES: u32 = 8;

const INSTALL_HINT: &str = "run `bash scripts/install-tools.sh` from the repo root \
     (it installs the pinned tools, PyYAML and yamllint included, into .tools/ or $FLOWC_TOOLS)";

/// yamllint settings the generated files must pass.
const YAMLLINT_CONFIG: &str = r#"
extends: default
rules:
  document-start: disable
  line-length: {max: 160, level: warning}
  truthy: {allowed-values: ["true", "false"], check-keys: false}
  indentation: {spaces: 2, indent-sequences: consistent}
"#;

/// Reads `argv[1]/<i>.yml` for i in 0..argv[2] and prints one JSON report
/// per document: PyYAML's reading, ruamel's reading (or null) and yamllint
/// errors. Values are tagged (`["str", s]`, `["float", repr]`, ...) so that
/// types and key order survive JSON.
const CHECKER: &str = r#"
import json, os, sys
try:
    import yaml
    from yamllint import linter
    from yamllint.config import YamlLintConfig
except ImportError as e:
    print(json.dumps({"missing": str(e)}))
    sys.exit(0)
try:
    from ruamel.yaml import YAML
    ruamel = YAML(typ="safe", pure=True)
except ImportError:
    ruamel = None

def tag(x):
    if x is None: return ["null"]
    if isinstance(x, bool): return ["bool", x]
    if isinstance(x, int): return ["int", str(x)]
    if isinstance(x, float): return ["float", repr(x)]
    if isinstance(x, str): return ["str", x]
    if isinstance(x, list): return ["seq", [tag(i) for i in x]]
    if isinstance(x, dict): return ["map", [[tag(k), tag(v)] for k, v in x.items()]]
    return ["other", type(x).__name__, repr(x)]

def load(fn, text):
    try:
        return tag(fn(text))
    except Exception as e:
        return ["error", type(e).__name__ + ": " + str(e)]

folder, count = sys.argv[1], int(sys.argv[2])
conf = YamlLintConfig(open(os.path.join(folder, "yamllint.yml")).read())
reports = []
for i in range(count):
    with open(os.path.join(folder, f"{i}.yml"), encoding="utf-8", newline="") as f:
        text = f.read()
    lint = [f"{p.line}:{p.column} {p.message}"
            for p in linter.run(text, conf) if p.level == "error"]
    reports.append({
        "pyyaml": load(yaml.safe_load, text),
        "ruamel": load(ruamel.load, text) if ruamel else None,
        "yamllint": lint,
    })
print(json.dumps({"reports": reports, "ruamel": ruamel is not None}))
"#;

/// Reads `ARGV[0]/<i>.yml` for i in 0...ARGV[1] with Psych (as GitLab
/// does: safe, aliases allowed) and prints the tagged readings as JSON.
const RUBY_CHECKER: &str = r##"
require "json"
require "psych"
def tag(x)
  case x
  when nil then ["null"]
  when true, false then ["bool", x]
  when Integer then ["int", x.to_s]
  when Float then ["float", x.to_s]
  when String then ["str", x]
  when Array then ["seq", x.map { |i| tag(i) }]
  when Hash then ["map", x.map { |k, v| [tag(k), tag(v)] }]
  else ["other", x.class.name, x.inspect]
  end
end
folder, count = ARGV[0], ARGV[1].to_i
readings = (0...count).map do |i|
  text = File.read(File.join(folder, "#{i}.yml"), encoding: "UTF-8")
  begin
    tag(Psych.safe_load(text, aliases: true))
  rescue Exception => e
    ["error", "#{e.class}: #{e.message}"]
  end
end
puts JSON.generate(readings)
"##;

/// One document to check: the tree and the header it is rendered with.
struct Case {
    value: Yaml,
    header: String,
}

impl Case {
    fn text(&self) -> String {
        to_document(&self.value, &self.header)
    }
}

fn tools_python() -> PathBuf {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tools = match std::env::var_os("FLOWC_TOOLS") {
        Some(p) if !p.is_empty() => repo.join(p),
        _ => repo.join(".tools"),
    };
    let python = tools.join("py/bin/python");
    assert!(python.exists(), "{} not found: the YAML round-trip test needs it; {INSTALL_HINT}", python.display());
    python
}

/// Runs the Python checker on `count` documents in `dir`; returns one
/// report per document.
fn python_reports(dir: &Path, count: usize) -> Vec<Value> {
    std::fs::write(dir.join("yamllint.yml"), YAMLLINT_CONFIG).expect("write config");
    let out = Command::new(tools_python())
        .arg("-c")
        .arg(CHECKER)
        .arg(dir)
        .arg(count.to_string())
        .output()
        .expect("run python");
    assert!(out.status.success(), "python checker failed: {}", String::from_utf8_lossy(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).expect("checker JSON");
    if let Some(missing) = answer.get("missing") {
        panic!("the tools venv lacks PyYAML or yamllint ({missing}); {INSTALL_HINT}");
    }
    assert_eq!(
        answer["ruamel"],
        Value::Bool(true),
        "ruamel.yaml is missing from the tools venv; run `bash scripts/install-tools.sh`"
    );
    answer["reports"].as_array().expect("reports").clone()
}

/// Psych's tagged readings of the `count` documents in `dir`, or `None`
/// without `ruby` on PATH.
fn psych_readings(dir: &Path, count: usize) -> Option<Vec<Value>> {
    let out = Command::new("ruby").arg("-e").arg(RUBY_CHECKER).arg(dir).arg(count.to_string()).output();
    let out = out
        .unwrap_or_else(|e| panic!("cannot run `ruby` ({e}); run `bash scripts/install-tools.sh`, which installs it"));
    assert!(out.status.success(), "ruby checker failed: {}", String::from_utf8_lossy(&out.stderr));
    let readings: Value = serde_json::from_slice(&out.stdout).expect("ruby JSON");
    Some(readings.as_array().expect("readings").clone())
}

/// Whether a tagged Python reading equals `expected` (floats bit for bit).
fn same_tagged(expected: &Yaml, got: &Value) -> bool {
    let tag = got[0].as_str().unwrap_or("");
    let arg = &got[1];
    match expected {
        Yaml::Null => tag == "null",
        Yaml::Bool(b) => tag == "bool" && arg.as_bool() == Some(*b),
        Yaml::Int(n) => tag == "int" && arg.as_str() == Some(n.to_string().as_str()),
        Yaml::Float(x) => {
            let parsed = arg.as_str().and_then(|r| r.parse::<f64>().ok());
            tag == "float" && parsed.map(f64::to_bits) == Some(x.to_bits())
        }
        Yaml::Str(s) => tag == "str" && arg.as_str() == Some(s.as_str()),
        Yaml::Seq(items) => {
            let got = arg.as_array().map(Vec::as_slice).unwrap_or_default();
            tag == "seq" && got.len() == items.len() && items.iter().zip(got).all(|(e, g)| same_tagged(e, g))
        }
        Yaml::Map(entries) => {
            let got = arg.as_array().map(Vec::as_slice).unwrap_or_default();
            tag == "map"
                && got.len() == entries.len()
                && entries
                    .iter()
                    .zip(got)
                    .all(|((k, v), g)| same_tagged(&Yaml::Str(k.clone()), &g[0]) && same_tagged(v, &g[1]))
        }
        // The cases hold no tagged values (`!reference` is GitLab-specific and tested by its fixtures).
        Yaml::Tagged(..) => false,
    }
}

/// Whether serde-saphyr's (YAML 1.2) reading equals `expected`. JSON objects
/// do not keep order, so only membership is checked for maps here.
fn same_json(expected: &Yaml, got: &Value) -> bool {
    match expected {
        Yaml::Null => got.is_null(),
        Yaml::Bool(b) => got.as_bool() == Some(*b),
        Yaml::Int(n) => got.as_i64() == Some(*n),
        Yaml::Float(x) => got.as_f64().map(f64::to_bits) == Some(x.to_bits()),
        Yaml::Str(s) => got.as_str() == Some(s.as_str()),
        Yaml::Seq(items) => got
            .as_array()
            .is_some_and(|got| got.len() == items.len() && items.iter().zip(got).all(|(e, g)| same_json(e, g))),
        Yaml::Map(entries) => got.as_object().is_some_and(|got| {
            got.len() == entries.len() && entries.iter().all(|(k, v)| got.get(k).is_some_and(|g| same_json(v, g)))
        }),
        Yaml::Tagged(..) => false,
    }
}

/// Every problem found with `cases`, as a readable report ("" if none).
fn problems(cases: &[Case]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let texts: Vec<String> = cases.iter().map(Case::text).collect();
    for (i, text) in texts.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{i}.yml")), text).expect("write doc");
    }
    let reports = python_reports(dir.path(), cases.len());
    let psych = psych_readings(dir.path(), cases.len());
    let mut out = String::new();
    for (i, (case, text)) in cases.iter().zip(&texts).enumerate() {
        let report = &reports[i];
        let mut issues = Vec::new();
        if !same_tagged(&case.value, &report["pyyaml"]) {
            issues.push(format!("PyYAML (1.1) read {}", report["pyyaml"]));
        }
        if let Some(reading) = psych.as_ref().map(|p| &p[i]) {
            if !same_tagged(&case.value, reading) {
                issues.push(format!("Psych (1.1, GitLab) read {reading}"));
            }
        }
        if !report["ruamel"].is_null() && !same_tagged(&case.value, &report["ruamel"]) {
            issues.push(format!("ruamel (1.2) read {}", report["ruamel"]));
        }
        match serde_saphyr::from_str::<Value>(text) {
            Ok(v) if same_json(&case.value, &v) => {}
            Ok(v) => issues.push(format!("serde-saphyr (1.2) read {v}")),
            Err(e) => issues.push(format!("serde-saphyr (1.2) failed: {e}")),
        }
        if report["yamllint"].as_array().is_some_and(|l| !l.is_empty()) {
            issues.push(format!("yamllint: {}", report["yamllint"]));
        }
        if !text.ends_with('\n') || text.ends_with("\n\n") {
            issues.push("document must end with exactly one newline".to_owned());
        }
        if !issues.is_empty() {
            let _ = writeln!(out, "value {:?}\n--- document:\n{text}---", case.value);
            for issue in issues {
                let _ = writeln!(out, "  {issue}");
            }
        }
    }
    out
}

/// The documents that check one string `s` in every position: as a key
/// and a value at each nesting (map in map, map in sequence, sequence in
/// sequence), next to siblings and last in the file, alone and inside a
/// multi-line script; the nested document also uses `s` as its header.
fn cases_for(s: &str) -> Vec<Case> {
    let script = format!("{s}\n{s}\n");
    let single = |k: &str, v: Yaml| Yaml::Map(vec![(k.to_owned(), v)]);
    let siblings = distinct_keys(vec![
        ("before", Yaml::str(&script)),
        (s, Yaml::str(&script)),
        ("list", Yaml::Seq(vec![Yaml::str(&script), Yaml::str(s)])),
        ("next", Yaml::str(s)),
        ("after", Yaml::Int(1)),
    ]);
    let items = Yaml::Seq(vec![
        Yaml::str(s),
        single(s, Yaml::str(s)),
        single(s, Yaml::Seq(vec![Yaml::str(s), Yaml::str(&script)])),
        Yaml::Seq(vec![Yaml::Seq(vec![Yaml::str(s)]), Yaml::str(&script)]),
        single(s, single(s, Yaml::str(&script))),
        siblings.clone(),
        Yaml::str(&script),
        Yaml::str(s),
    ]);
    let nested = distinct_keys(vec![(s, items), ("siblings", siblings), ("last", Yaml::str(&script))]);
    vec![
        Case { value: nested, header: s.to_owned() },
        Case { value: Yaml::str(s), header: String::new() },
        Case { value: Yaml::str(format!("{s}\n{s}")), header: String::new() },
    ]
}

/// A map of `entries`, dropping an entry whose key is already there.
fn distinct_keys(entries: Vec<(&str, Yaml)>) -> Yaml {
    let mut map: Vec<(String, Yaml)> = Vec::new();
    for (key, value) in entries {
        if !map.iter().any(|(k, _)| k == key) {
            map.push((key.to_owned(), value));
        }
    }
    Yaml::Map(map)
}

/// A document of numbers, to check their spelling.
fn numbers_case(floats: &[f64], ints: &[i64]) -> Case {
    let mut items: Vec<Yaml> = floats.iter().map(|x| Yaml::Float(*x)).collect();
    items.extend(ints.iter().map(|n| Yaml::Int(*n)));
    Case { value: Yaml::map().with("numbers", items), header: String::new() }
}

/// Strings YAML 1.1 or 1.2 readers resolve to something else, or that are
/// syntax, plus characters that need escapes.
const TOKENS: &[&str] = &[
    "on",
    "off",
    "On",
    "OFF",
    "oN",
    "yes",
    "no",
    "Yes",
    "NO",
    "yEs",
    "y",
    "n",
    "Y",
    "N",
    "true",
    "false",
    "True",
    "FALSE",
    "tRUE",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "",
    "0",
    "00",
    "08",
    "0777",
    "0o777",
    "0x1F",
    "0X1f",
    "0b101",
    "+0b1",
    "-0x_1",
    "1_000",
    "1__0",
    "_1",
    "1_",
    "1,000",
    "1,",
    ",1",
    "1,000.5",
    "+1",
    "-1",
    ".5",
    "-.5",
    "1.",
    "1.e+5",
    "1e3",
    "1E3",
    "1.0e+3",
    "6.8523015e+5",
    "685.230_15e+03",
    "1.2.3",
    ".inf",
    "-.Inf",
    "+.INF",
    ".NaN",
    "nan",
    "inf",
    "-inf",
    "1:30",
    "0:30",
    "-1:30",
    "190:20:30",
    "1:30.5",
    "12:60",
    "2024-01-01",
    "2024-1-1",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "-2024-01-01 10:00:00",
    "a: b",
    "a:b",
    "a:",
    ":a",
    "::",
    "a #b",
    "a#b",
    "#",
    "#x",
    " ",
    "  ",
    " x",
    "x ",
    "*x",
    "&x",
    "!x",
    "!!str",
    "%x",
    "@x",
    "`x",
    "-",
    "--",
    "-x",
    "- x",
    "-\tx",
    "?",
    "?x",
    "? x",
    ":",
    ": ",
    "[",
    "]",
    "{",
    "}",
    "[]",
    "{}",
    "{a: 1}",
    "[a, b]",
    ",",
    "a,b",
    "|",
    "|-",
    ">",
    ">-",
    "'",
    "''",
    "\"",
    "\"\"",
    "=",
    "<<",
    "---",
    "...",
    "--- x",
    "... x",
    "\t",
    "\n",
    "\n\n",
    "\n\n\n",
    "\r",
    "\r\n",
    "a\rb",
    "\u{0}",
    "\u{7}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{1f}",
    "\u{7f}",
    "\u{80}",
    "\u{85}",
    "\u{9f}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{e000}",
    "\u{10ffff}",
    "\u{1f600}",
    "é",
    "\\",
    "\\n",
    "\\0",
    "a'b",
    "a\"b",
    "${{ github.sha }}",
    "$CI_COMMIT_SHA",
    "echo \"a: b\" # c",
    "http://x/y?a=b#c",
    "ubuntu-latest",
    "rust:1.95",
    "  indented\nline",
    "x\n  y",
    "\n  x",
    "a \nb",
    "a\t\nb",
    "tab\tinside",
    "\ta",
    "a\n\tb",
    "end\n",
    "end\n\n",
    "#!/bin/sh\nset -e\n",
];

/// One piece of a generated string.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(TOKENS).prop_map(str::to_owned),
        3 => "[:#\\-?{}\\[\\],&*!|>'\"%@` ]{1,6}",
        2 => "[:#\\-?{}\\[\\],&*!|>'\"%@ a0.\n\t]{0,10}",
        2 => "[-+]?[0-9.][0-9_,.:eExob+-]{0,6}",
        1 => "-?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ Tt][0-9]{1,2}:[0-9]{2}:[0-9]{2})?",
        2 => prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
        1 => "[ a#\\-:\t]{0,3}(\n[ a#\\-:\t]{0,3}){0,4}\n{0,3}",
    ]
}

/// Strings biased to YAML-ambiguous tokens, punctuation, whitespace,
/// newlines, control characters and arbitrary Unicode.
fn yaml_string() -> impl Strategy<Value = String> {
    let separator = prop::sample::select(&["", "", " ", "\n", ": ", " #", "\t", "-"][..]);
    (piece(), prop::collection::vec((separator, piece()), 0..3)).prop_map(|(first, rest)| {
        rest.into_iter().fold(first, |mut s, (sep, p)| {
            s.push_str(sep);
            s.push_str(&p);
            s
        })
    })
}

/// [`CASES`], or `$PROPTEST_CASES` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(CASES)
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_map(|x| if x.is_finite() { x } else { 0.5 })
}

proptest! {
    #![proptest_config(Config { cases: cases(), ..Config::default() })]

    #[test]
    fn strings_and_numbers_survive_yaml_11_and_12_readers(
        strings in prop::collection::vec(yaml_string(), BATCH),
        floats in prop::collection::vec(finite_f64(), 16),
        ints in prop::collection::vec(any::<i64>(), 8),
    ) {
        let mut cases: Vec<Case> = strings.iter().flat_map(|s| cases_for(s)).collect();
        cases.push(numbers_case(&floats, &ints));
        let report = problems(&cases);
        prop_assert!(report.is_empty(), "round trip failed:\n{}", report);
    }
}

/// Every fixed token, plus edge cases, in one batch.
#[test]
fn fixed_tokens_survive_yaml_11_and_12_readers() {
    let mut cases: Vec<Case> = TOKENS.iter().flat_map(|s| cases_for(s)).collect();
    let long_key = "k".repeat(1100);
    cases.push(Case {
        value: Yaml::map().with(long_key.as_str(), "v").with("on", Yaml::map()),
        header: "Generated by flowc\n\nDo not edit\u{2028}by hand\r\n".to_owned(),
    });
    let edge_floats = [0.0, -0.0, 1.0, 0.1, 1e20, 1e-7, 5e-324, f64::MAX, f64::MIN_POSITIVE, -2.5e-300];
    cases.push(numbers_case(&edge_floats, &[0, -1, i64::MIN, i64::MAX]));
    let report = problems(&cases);
    assert!(report.is_empty(), "round trip failed:\n{report}");
}
