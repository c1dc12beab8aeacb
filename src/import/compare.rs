//! Semantic equality of two CI files: each is put in a normal form (per platform, in
//! [`github`] and [`gitlab`]), then compared key by key.
//!
//! **In:** the original YAML and flowc's YAML for the same platform, both parsed with the
//! platform's [`Schema`](super::yaml::Schema). **Out:** every [`Difference`], with the path
//! where it occurs and the *feature* (the path with job names, indices and variable names
//! replaced by `*`), so that differences can be counted across files. No difference means
//! the platform runs the two files alike; every normalisation applied is listed in
//! `docs/import.md` with the platform rule that makes it sound.

pub mod github;
pub mod gitlab;

use super::yaml::Node;
use super::Platform;

/// One place where the two files differ after normalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// `jobs.build.steps[2].name`
    pub path: String,
    /// `jobs.*.steps[].name`
    pub feature: String,
    pub original: Option<String>,
    pub generated: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
        write!(f, "{}: original {} / flowc {}", self.path, show(&self.original), show(&self.generated))
    }
}

/// Normalises both documents and lists their differences; `renames` maps job names of
/// the original to the names flowc gave them (GitLab only).
pub fn differences(
    platform: Platform,
    original: &Node,
    generated: &Node,
    renames: &[(String, String)],
) -> Vec<Difference> {
    let (a, b, mut out) = match platform {
        Platform::Github => (github::normalise(original), github::normalise(generated), Vec::new()),
        Platform::Gitlab => {
            let (b, renamed) = gitlab::restore_names(&gitlab::normalise(generated), renames);
            (gitlab::normalise(original), b, renamed)
        }
    };
    diff(&a, &b, &mut Vec::new(), platform, &mut out);
    out
}

/// Equality of two mappings regardless of key order.
pub fn same_map(a: &[(String, Node)], b: &[(String, Node)]) -> bool {
    let mut out = Vec::new();
    diff(&Node::Map(a.to_vec()), &Node::Map(b.to_vec()), &mut Vec::new(), Platform::Github, &mut out);
    out.is_empty()
}

fn diff(a: &Node, b: &Node, path: &mut Vec<String>, platform: Platform, out: &mut Vec<Difference>) {
    match (a, b) {
        (Node::Map(x), Node::Map(y)) => {
            for (k, va) in x {
                path.push(k.clone());
                match y.iter().find(|(kb, _)| kb == k) {
                    Some((_, vb)) => diff(va, vb, path, platform, out),
                    None => out.push(difference(path, platform, Some(va), None)),
                }
                path.pop();
            }
            for (k, vb) in y.iter().filter(|(k, _)| !x.iter().any(|(ka, _)| ka == k)) {
                path.push(k.clone());
                out.push(difference(path, platform, None, Some(vb)));
                path.pop();
            }
        }
        (Node::Seq(x), Node::Seq(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                path.push(format!("[{i}]"));
                diff(va, vb, path, platform, out);
                path.pop();
            }
        }
        _ if same_scalar(a, b) => {}
        _ => out.push(difference(path, platform, Some(a), Some(b))),
    }
}

fn same_scalar(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Int(i), Node::Float(f)) | (Node::Float(f), Node::Int(i)) => *i as f64 == *f,
        (Node::Float(x), Node::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => a == b,
    }
}

fn difference(path: &[String], platform: Platform, a: Option<&Node>, b: Option<&Node>) -> Difference {
    let show = |n: &Node| super::github_short(n);
    Difference { path: join(path), feature: feature(path, platform), original: a.map(show), generated: b.map(show) }
}

fn join(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if !out.is_empty() && !segment.starts_with('[') {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// The path with names that vary between files replaced by `*` and indices by `[]`.
pub fn feature(path: &[String], platform: Platform) -> String {
    let named = ["env", "with", "outputs", "inputs", "services", "matrix", "variables", "secrets"];
    let mut out: Vec<String> = Vec::new();
    for (i, segment) in path.iter().enumerate() {
        let previous = if i > 0 { path[i - 1].as_str() } else { "" };
        let job = match platform {
            Platform::Github => i == 1 && path[0] == "jobs",
            Platform::Gitlab => i == 0 && !gitlab::GLOBAL_KEYS.contains(&segment.as_str()),
        };
        let generic = if segment.starts_with('[') {
            "[]".to_string()
        } else if job || named.contains(&previous) && !matches!(segment.as_str(), "include" | "exclude") {
            "*".to_string()
        } else {
            segment.clone()
        };
        match generic.as_str() {
            "[]" => match out.last_mut() {
                Some(last) => last.push_str("[]"),
                None => out.push(generic),
            },
            _ => out.push(generic),
        }
        if out.len() >= 5 {
            break;
        }
    }
    out.join(".")
}
