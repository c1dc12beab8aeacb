//! Synthetic workloads for the benchmarks, and the same workflow for the peers.
//!
//! [`flow`] writes a process of `n` activities, each with a runner, one to three
//! dependencies, three env values, a checkout step, two multi-line scripts and a condition.
//! The GitHub workflow flowc builds from it is the reference output: [`read_yaml`] reads it
//! into an ordered tree, from which [`jsonnet`], [`pkl`] and [`nickel`] write literal
//! sources (no loops) that evaluate to the same workflow, and [`direct`] and
//! [`serde_json::Value`] ([`json`]) give the floor: the same data written straight from memory.
//! [`generate`] writes all of them to a directory for `scripts/bench.sh`.

#![allow(dead_code)] // each bench uses a part

use flowc::emit::yaml::Yaml;
use std::fmt::Write as _;
use std::path::Path;

/// The synthetic process of `n` activities, deterministic (a fixed pseudo-random sequence).
pub fn flow(n: usize) -> String {
    let mut out = String::with_capacity(n * 360 + 200);
    out.push_str("roles { platform = team \"acme/platform\" }\n\nprocess synthetic {\n  owner platform\n");
    out.push_str("  on push(branches: [\"main\"]), pull_request\n");
    for i in 0..n {
        let after: Vec<String> = dependencies(i).iter().map(|d| format!("a{d:06}")).collect();
        let after = if after.is_empty() { String::new() } else { format!(" after {}", after.join(", ")) };
        let runner = ["linux", "linux", "macos"][i % 3];
        let _ = write!(
            out,
            "\n  activity a{i:06}{after} {{\n    runs_on {runner}\n    env {{ STAGE = \"s{i}\" REGION = \"eu-{}\" LEVEL = \"{}\" }}\n    step checkout\n    step \"\"\"\n      echo \"building a{i:06}\"\n      make -C pkg{i} all\n      \"\"\"\n    step \"\"\"\n      ./run-tests --shard {i}\n      echo \"done\"\n      \"\"\"\n    when branch == \"main\" || event == pull_request\n  }}\n",
            i % 3,
            i % 5
        );
    }
    out.push_str("}\n");
    out
}

/// One to three earlier activities (none for the first).
fn dependencies(i: usize) -> Vec<usize> {
    if i == 0 {
        return Vec::new();
    }
    let mut deps: Vec<usize> = (0..1 + i % 3).map(|k| (i.wrapping_mul(2_654_435_761) + k * 40_503) % i).collect();
    deps.sort_unstable();
    deps.dedup();
    deps
}

/// The sources of one synthetic file.
pub fn sources(n: usize) -> flowc::source::SourceMap {
    let mut sources = flowc::source::SourceMap::new();
    sources.add(format!("synthetic-{n}.flow"), flow(n));
    sources
}

/// The GitHub workflow flowc builds from [`flow`]`(n)`.
pub fn github_yaml(n: usize) -> String {
    let compilation = flowc::compile(&sources(n), &[flowc::ast::Target::Github]);
    assert!(!compilation.has_errors(), "the synthetic process compiles: {:?}", compilation.diagnostics.first());
    compilation.outputs.into_iter().next().expect("one workflow").contents
}

/// A YAML document read into an ordered tree (keys in document order).
pub fn read_yaml(text: &str) -> Yaml {
    let options = serde_saphyr::options! { budget: None };
    serde_saphyr::from_str_with_options::<Ordered>(text, options).expect("valid YAML").0
}

struct Ordered(Yaml);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Visitor).map(Ordered)
    }
}

struct Visitor;

impl<'de> serde::de::Visitor<'de> for Visitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_none<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Yaml, E> {
        Ok(Yaml::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Yaml, E> {
        Ok(Yaml::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Yaml, E> {
        Ok(Yaml::Int(v as i64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Yaml, E> {
        Ok(Yaml::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Yaml, E> {
        Ok(Yaml::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Yaml, E> {
        Ok(Yaml::Str(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::new();
        while let Some(Ordered(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Yaml::Seq(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = Vec::new();
        while let Some((Ordered(key), Ordered(value))) = map.next_entry()? {
            let key = match key {
                Yaml::Str(s) => s,
                Yaml::Bool(b) => b.to_string(),
                other => format!("{other:?}"),
            };
            entries.push((key, value));
        }
        Ok(Yaml::Map(entries))
    }
}

/// The floor: block YAML written straight from the tree, quoting only what needs it. Good
/// for this workload (keys are plain, strings either plain, double-quoted or `|` blocks);
/// [`read_yaml`] of its output gives the tree back.
pub fn direct(value: &Yaml) -> String {
    let mut out = String::with_capacity(1 << 16);
    block(&mut out, value, 0);
    out
}

fn block(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Map(entries) if !entries.is_empty() => {
            for (key, item) in entries {
                pad(out, indent);
                scalar(out, key, indent);
                out.push(':');
                after_key(out, item, indent);
            }
        }
        Yaml::Seq(items) if !items.is_empty() => {
            for item in items {
                pad(out, indent);
                out.push('-');
                after_key(out, item, indent);
            }
        }
        _ => {
            inline(out, value, indent);
            out.push('\n');
        }
    }
}

/// What follows `key:` or `-`.
fn after_key(out: &mut String, item: &Yaml, indent: usize) {
    match item {
        Yaml::Map(e) if !e.is_empty() => {
            out.push('\n');
            block(out, item, indent + 2);
        }
        Yaml::Seq(s) if !s.is_empty() => {
            out.push('\n');
            block(out, item, indent + 2);
        }
        _ => {
            out.push(' ');
            inline(out, item, indent + 2);
            out.push('\n');
        }
    }
}

fn inline(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Yaml::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Yaml::Str(s) => scalar(out, s, indent),
        Yaml::Map(_) => out.push_str("{}"),
        Yaml::Seq(_) => out.push_str("[]"),
        // The synthetic workflows hold no tags (only GitLab `!reference` blocks do).
        Yaml::Tagged(tag, inner) => {
            let _ = write!(out, "!{tag} ");
            self::inline(out, inner, indent);
        }
    }
}

fn scalar(out: &mut String, s: &str, indent: usize) {
    let multi_line = s.contains('\n') && !s.starts_with([' ', '\t']) && !s.contains(" \n") && !s.contains("\n\n");
    if multi_line {
        out.push_str(if s.ends_with('\n') { "|" } else { "|-" });
        for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
            out.push('\n');
            pad(out, indent);
            out.push_str(line);
        }
    } else if plain(s) {
        out.push_str(s);
    } else {
        json_string(out, s);
    }
}

/// Strings every YAML reader takes as that same string when written plain.
fn plain(s: &str) -> bool {
    let first = s.bytes().next();
    first.is_some_and(|b| b.is_ascii_alphabetic() || b == b'/' || b == b'.')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./@ ".contains(&b))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | ".inf" | ".nan"
        )
}

fn json_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).expect("a string serialises"));
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// The tree as a `serde_json::Value` (the other floor).
pub fn json(value: &Yaml) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Int(i) => Value::from(*i),
        Yaml::Float(f) => Value::from(*f),
        Yaml::Str(s) => Value::String(s.clone()),
        Yaml::Seq(items) => Value::Array(items.iter().map(json).collect()),
        Yaml::Map(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), json(v))).collect()),
        Yaml::Tagged(_, inner) => json(inner),
    }
}

/// A Jsonnet program whose manifestation is the workflow: a literal object, scripts as
/// `|||` text blocks, rendered with `std.manifestYamlDoc`.
pub fn jsonnet(value: &Yaml) -> String {
    let mut out = String::from("std.manifestYamlDoc(\n");
    jsonnet_value(&mut out, value, 1);
    out.push_str(",\n  indent_array_in_object=true,\n  quote_keys=false,\n)\n");
    out
}

fn jsonnet_value(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Map(entries) => {
            out.push_str("{\n");
            for (key, item) in entries {
                pad(out, 2 * indent + 2);
                if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && !JSONNET_KEYWORDS.contains(&key.as_str())
                {
                    out.push_str(key);
                } else {
                    json_string(out, key);
                }
                out.push_str(": ");
                jsonnet_value(out, item, indent + 1);
                out.push_str(",\n");
            }
            pad(out, 2 * indent);
            out.push('}');
        }
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                jsonnet_value(out, item, indent + 1);
            }
            out.push(']');
        }
        Yaml::Str(s) if s.ends_with('\n') && !s.starts_with([' ', '\t']) && !s.contains("\n\n") => {
            out.push_str("|||\n");
            for line in s.lines() {
                pad(out, 2 * indent + 2);
                out.push_str(line);
                out.push('\n');
            }
            pad(out, 2 * indent);
            out.push_str("|||");
        }
        Yaml::Str(s) => json_string(out, s),
        other => inline(out, other, 0),
    }
}

const JSONNET_KEYWORDS: &[&str] = &[
    "assert",
    "else",
    "error",
    "false",
    "for",
    "function",
    "if",
    "import",
    "importstr",
    "importbin",
    "in",
    "local",
    "null",
    "tailstrict",
    "then",
    "self",
    "super",
    "true",
];

/// A Pkl module whose output is the workflow in YAML: nested `Dynamic` objects with
/// `["key"]` entries and `Listing`s.
pub fn pkl(value: &Yaml) -> String {
    let mut out = String::from("output {\n  renderer = new YamlRenderer {}\n  value = ");
    pkl_value(&mut out, value, 1);
    out.push_str("\n}\n");
    out
}

fn pkl_value(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Map(entries) => {
            out.push_str("new Dynamic {\n");
            for (key, item) in entries {
                pad(out, 2 * indent + 2);
                out.push('[');
                pkl_string(out, key);
                out.push_str("] = ");
                pkl_value(out, item, indent + 1);
                out.push('\n');
            }
            pad(out, 2 * indent);
            out.push('}');
        }
        Yaml::Seq(items) => {
            out.push_str("new Listing {");
            for item in items {
                out.push(' ');
                pkl_value(out, item, indent + 1);
            }
            out.push_str(" }");
        }
        Yaml::Str(s) => pkl_string(out, s),
        other => inline(out, other, 0),
    }
}

/// A Pkl string literal (`\(` would start an interpolation, so every `\` is escaped).
fn pkl_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A Nickel record literal, exported with `nickel export --format yaml`.
pub fn nickel(value: &Yaml) -> String {
    let mut out = String::new();
    nickel_value(&mut out, value, 0);
    out.push('\n');
    out
}

fn nickel_value(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Map(entries) => {
            out.push_str("{\n");
            for (key, item) in entries {
                pad(out, 2 * indent + 2);
                nickel_string(out, key);
                out.push_str(" = ");
                nickel_value(out, item, indent + 1);
                out.push_str(",\n");
            }
            pad(out, 2 * indent);
            out.push('}');
        }
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                nickel_value(out, item, indent + 1);
            }
            out.push(']');
        }
        Yaml::Str(s) => nickel_string(out, s),
        other => inline(out, other, 0),
    }
}

/// A Nickel string literal (`%{` would start an interpolation).
fn nickel_string(out: &mut String, s: &str) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '%' if chars.peek() == Some(&'{') => out.push_str("\\%"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes, for each `n`: `synthetic-N.flow`, flowc's workflow `synthetic-N.github.yml`, the
/// peers' sources `synthetic-N.{jsonnet,pkl,ncl}` and `synthetic-N.json`.
pub fn generate(dir: &Path, sizes: &[usize]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for &n in sizes {
        let base = dir.join(format!("synthetic-{n}"));
        let yaml = github_yaml(n);
        let tree = read_yaml(&yaml);
        std::fs::write(base.with_extension("flow"), flow(n))?;
        std::fs::write(base.with_extension("github.yml"), &yaml)?;
        std::fs::write(base.with_extension("jsonnet"), jsonnet(&tree))?;
        std::fs::write(base.with_extension("pkl"), pkl(&tree))?;
        std::fs::write(base.with_extension("ncl"), nickel(&tree))?;
        std::fs::write(base.with_extension("json"), serde_json::to_string(&json(&tree)).expect("JSON"))?;
    }
    Ok(())
}

/// Whether two YAML documents hold the same data (maps compared as sets of entries). A
/// plain top-level `on:` key (Nickel writes one) counts as `"on"`, as GitHub's YAML 1.2
/// reader takes it, although YAML 1.1 readers take it for `true`.
pub fn same_data(a: &str, b: &str) -> bool {
    let data = |text: &str| {
        let mut value = json(&read_yaml(text));
        if let Some(on) = value.as_object_mut().and_then(|map| map.remove("true")) {
            value["on"] = on;
        }
        value
    };
    data(a) == data(b)
}
