//! YAML text in, a plain [`Node`] tree out, read the way one platform reads it.
//!
//! **In:** the text of a workflow or `.gitlab-ci.yml` and the [`Schema`] its platform uses
//! (GitHub reads YAML 1.2, GitLab's Ruby reader YAML 1.1, where `yes` and `on` are booleans
//! and `0777` is octal). **Out:** every document of the stream as a [`Node`]: aliases are
//! replaced by a copy of their anchor's node, `<<` merge keys are applied (explicit keys win),
//! `!!str` forces a string, and other tags (GitLab's `!reference`) are kept as
//! [`Node::Tagged`]. Mapping keys are the text of their scalar. Map order is kept.

use granit_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// A YAML value after tag resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// A node with a local tag such as `!reference`, tag name without the `!`.
    Tagged(String, Box<Node>),
}

/// How plain scalars resolve to types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// YAML 1.2 core schema (GitHub Actions).
    Core12,
    /// YAML 1.1 as Ruby's Psych reads it (GitLab CI).
    Yaml11,
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Node::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Removes `key` from a mapping, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match self {
            Node::Map(entries) => entries.iter().position(|(k, _)| k == key).map(|i| entries.remove(i).1),
            _ => None,
        }
    }

    /// Sets `key` in a mapping (in place when present).
    pub fn set(&mut self, key: &str, value: Node) {
        if let Node::Map(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            _ => &[],
        }
    }

    /// The text a scalar stands for when a platform reads it as a string.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Null => Some(String::new()),
            Node::Bool(b) => Some(b.to_string()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(float_text(*f)),
            Node::Str(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// A short name of the node's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "boolean",
            Node::Int(_) | Node::Float(_) => "number",
            Node::Str(_) => "string",
            Node::Seq(_) => "list",
            Node::Map(_) => "mapping",
            Node::Tagged(..) => "tagged value",
        }
    }
}

/// A float as JavaScript and Ruby print it: `3.1`, `2`, `1e+21` aside.
pub fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Reads every document of `text`.
pub fn parse(text: &str, schema: Schema) -> Result<Vec<Node>, String> {
    let mut builder = Builder { schema, stack: Vec::new(), anchors: HashMap::new(), docs: Vec::new() };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        builder.event(event).map_err(|e| format!("{e} at line {}", span.start.line()))?;
    }
    Ok(builder.docs)
}

enum Frame {
    Seq(Vec<Node>, usize, Option<String>),
    /// Entries, a key waiting for its value, merged entries, anchor, tag.
    Map(Vec<(String, Node)>, Option<String>, Vec<(String, Node)>, usize, Option<String>),
}

struct Builder {
    schema: Schema,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Node>,
}

impl Builder {
    fn event(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| (t.handle().to_string(), t.suffix().to_string()));
                let node = scalar(&text, style, tag.as_ref(), self.schema);
                self.node(node, anchor, style == ScalarStyle::Plain && text == "<<")
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| format!("unknown alias {id}"))?;
                self.node(node, 0, false)
            }
            Event::SequenceStart(_, anchor, tag) => {
                self.stack.push(Frame::Seq(Vec::new(), anchor, local_tag(tag.as_deref())));
                Ok(())
            }
            Event::MappingStart(_, anchor, tag) => {
                let tag = local_tag(tag.as_deref());
                self.stack.push(Frame::Map(Vec::new(), None, Vec::new(), anchor, tag));
                Ok(())
            }
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq(items, anchor, tag)) => self.node(tagged(tag, Node::Seq(items)), anchor, false),
                _ => Err("unbalanced sequence".into()),
            },
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map(mut entries, _, merged, anchor, tag)) => {
                    for (k, v) in merged {
                        if !entries.iter().any(|(ek, _)| *ek == k) {
                            entries.push((k, v));
                        }
                    }
                    self.node(tagged(tag, Node::Map(entries)), anchor, false)
                }
                _ => Err("unbalanced mapping".into()),
            },
            _ => Ok(()),
        }
    }

    /// Places a finished node into its parent (or as a document).
    fn node(&mut self, node: Node, anchor: usize, merge_key: bool) -> Result<(), String> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, pending, merged, ..)) => match pending.take() {
                None => {
                    let key = match (&node, merge_key) {
                        (_, true) => "<<".to_string(),
                        (Node::Str(s), _) => s.clone(),
                        (other, _) => other.scalar_text().ok_or("a mapping key that is not a scalar")?,
                    };
                    *pending = Some(key);
                }
                Some(key) if key == "<<" => {
                    let sources = match node {
                        Node::Seq(items) => items,
                        other => vec![other],
                    };
                    for source in sources {
                        for (k, v) in source.entries() {
                            if !merged.iter().any(|(mk, _)| mk == k) {
                                merged.push((k.clone(), v.clone()));
                            }
                        }
                    }
                }
                Some(key) => match entries.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = node,
                    None => entries.push((key, node)),
                },
            },
        }
        Ok(())
    }
}

fn local_tag(tag: Option<&granit_parser::Tag>) -> Option<String> {
    tag.filter(|t| t.handle() == "!").map(|t| t.suffix().to_string())
}

fn tagged(tag: Option<String>, node: Node) -> Node {
    match tag {
        Some(t) => Node::Tagged(t, Box::new(node)),
        None => node,
    }
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&(String, String)>, schema: Schema) -> Node {
    if let Some((handle, suffix)) = tag {
        if handle == "!" {
            return Node::Tagged(suffix.clone(), Box::new(Node::Str(text.to_string())));
        }
        if suffix == "str" {
            return Node::Str(text.to_string());
        }
    }
    if style != ScalarStyle::Plain {
        return Node::Str(text.to_string());
    }
    match schema {
        Schema::Core12 => core12(text),
        Schema::Yaml11 => yaml11(text),
    }
    .unwrap_or_else(|| Node::Str(text.to_string()))
}

fn core12(t: &str) -> Option<Node> {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Node::Null),
        "true" | "True" | "TRUE" => return Some(Node::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Node::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" => return Some(Node::Float(f64::INFINITY)),
        "-.inf" | "-.Inf" | "-.INF" => return Some(Node::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Node::Float(f64::NAN)),
        _ => {}
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(Node::Int).or_else(|| t.parse().ok().map(Node::Float));
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Node::Int);
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(Node::Int);
    }
    if is_float(digits) {
        return t.parse::<f64>().ok().map(Node::Float);
    }
    None
}

/// `1.5`, `.5`, `1.`, `1e3`, `1.5E-3` (without sign).
fn is_float(t: &str) -> bool {
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && (!int.is_empty() || !frac.is_empty());
    let has_dot = mantissa.contains('.');
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok && (has_dot || exponent.is_some())
}

fn yaml11(t: &str) -> Option<Node> {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Node::Null),
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Some(Node::Bool(true)),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Some(Node::Bool(false)),
        _ => {}
    }
    let sign = if t.starts_with('-') { -1 } else { 1 };
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let clean = unsigned.replace('_', "");
    if unsigned.starts_with('0') && unsigned.len() > 1 && clean.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return i64::from_str_radix(&clean, 8).ok().map(|n| Node::Int(sign * n));
    }
    if let Some(hex) = clean.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|n| Node::Int(sign * n));
    }
    if let Some(bin) = clean.strip_prefix("0b") {
        return i64::from_str_radix(bin, 2).ok().map(|n| Node::Int(sign * n));
    }
    if !clean.is_empty() && !unsigned.starts_with('_') && clean.bytes().all(|b| b.is_ascii_digit()) {
        return clean.parse::<i64>().ok().map(|n| Node::Int(sign * n));
    }
    if unsigned.contains(':') && !unsigned.starts_with('0') {
        let parts: Vec<&str> = clean.split(':').collect();
        if parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
            let n = parts.iter().fold(0i64, |acc, p| acc * 60 + p.parse::<i64>().unwrap_or(0));
            return Some(Node::Int(sign * n));
        }
    }
    if is_float(&clean) && !unsigned.starts_with('_') {
        return clean.parse::<f64>().ok().map(|f| Node::Float(sign as f64 * f));
    }
    core12(t).filter(|n| matches!(n, Node::Float(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, schema: Schema) -> Node {
        parse(text, schema).unwrap().remove(0)
    }

    #[test]
    fn schemas_differ_where_yaml_versions_do() {
        assert_eq!(one("a: on", Schema::Core12).get("a"), Some(&Node::Str("on".into())));
        assert_eq!(one("a: on", Schema::Yaml11).get("a"), Some(&Node::Bool(true)));
        assert_eq!(one("a: 0777", Schema::Yaml11).get("a"), Some(&Node::Int(511)));
        assert_eq!(one("a: 0777", Schema::Core12).get("a"), Some(&Node::Int(777)));
        assert_eq!(one("a: 3.10", Schema::Core12).get("a"), Some(&Node::Float(3.1)));
        assert_eq!(one("a: '3.10'", Schema::Core12).get("a"), Some(&Node::Str("3.10".into())));
    }

    #[test]
    fn anchors_merges_and_tags() {
        let text = ".base: &base\n  image: x\n  tags: [a]\njob:\n  <<: *base\n  tags: [b]\n  script: !reference [.s, script]\n";
        let doc = one(text, Schema::Yaml11);
        let job = doc.get("job").unwrap();
        assert_eq!(job.get("image"), Some(&Node::Str("x".into())));
        assert_eq!(job.get("tags"), Some(&Node::Seq(vec![Node::Str("b".into())])));
        assert!(matches!(job.get("script"), Some(Node::Tagged(t, _)) if t == "reference"));
    }
}
