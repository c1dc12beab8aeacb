//! The normal form of a `.gitlab-ci.yml`: what GitLab runs alike is written alike.
//!
//! Rules (each is how GitLab itself reads the file):
//! - In-file reuse is resolved (`extends:`, `!reference`; anchors and `<<` by the reader);
//!   hidden `.jobs` are dropped: they are not jobs.
//! - The global `image`, `services`, `cache`, `before_script`, `after_script` are `default:`
//!   entries; `default:` entries and global `variables:` are written into every job that
//!   does not set them (honouring `inherit:`), then the global keys are dropped — except
//!   variables with a `description`, which also shape the *Run pipeline* form.
//! - `script: x` is `[x]`, nested script lists are flattened; `image: x` is `{name: x}`; a
//!   service `x` is `{name: x, alias: x-without-tag}` for images without `/`; `environment: x`
//!   is `{name: x}`; `needs: [a]` is `[{job: a, artifacts: true}]`, in any order;
//!   `optional: false` is absent; `tags` are a set; `retry: n` is `{max: n}`; `cache: {}`
//!   alone is a list of one; `timeout` is a number of minutes.
//! - `when: on_success` and `allow_failure: false` (outside manual jobs) are absent; a
//!   missing `stage` is `test`.
//! - Variable values are strings (`3` is `"3"`).

use super::super::gitlab::job::minutes;
use super::super::gitlab::resolve::resolve;
use super::super::yaml::Node;
use super::Difference;

pub use super::super::gitlab::GLOBAL_KEYS;

const DEFAULTABLE: &[&str] = &[
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
];

pub fn normalise(doc: &Node) -> Node {
    let doc = resolve(doc);
    let mut default = doc.get("default").cloned().unwrap_or(Node::Map(Vec::new()));
    for key in ["image", "services", "cache", "before_script", "after_script"] {
        if let (Some(v), None) = (doc.get(key), default.get(key)) {
            default.set(key, v.clone());
        }
    }
    let variables = doc.get("variables").cloned().unwrap_or(Node::Map(Vec::new()));
    let mut out = Vec::new();
    let form: Vec<(String, Node)> =
        variables.entries().iter().filter(|(_, v)| v.get("description").is_some()).cloned().collect();
    for (key, value) in doc.entries() {
        if key.starts_with('.')
            || ["default", "variables", "image", "services", "cache", "before_script", "after_script"]
                .contains(&key.as_str())
        {
            continue;
        }
        if GLOBAL_KEYS.contains(&key.as_str()) || !matches!(value, Node::Map(_)) {
            out.push((key.clone(), value.clone()));
            continue;
        }
        out.push((key.clone(), job(value, &default, &variables)));
    }
    if !form.is_empty() {
        out.push(("variables".into(), Node::Map(form)));
    }
    Node::Map(out)
}

fn inherits(job: &Node, what: &str, key: &str) -> bool {
    match job.get("inherit").and_then(|i| i.get(what)) {
        Some(Node::Bool(b)) => *b,
        Some(Node::Seq(items)) => items.iter().any(|i| i.as_str() == Some(key)),
        _ => true,
    }
}

fn job(body: &Node, default: &Node, variables: &Node) -> Node {
    let mut job = body.clone();
    for (key, value) in default.entries() {
        if DEFAULTABLE.contains(&key.as_str()) && job.get(key).is_none() && inherits(body, "default", key) {
            job.set(key, value.clone());
        }
    }
    let mut vars: Vec<(String, Node)> = Vec::new();
    for (k, v) in variables.entries() {
        if inherits(body, "variables", k) {
            vars.push((k.clone(), v.get("value").cloned().unwrap_or_else(|| v.clone())));
        }
    }
    for (k, v) in job.get("variables").map(Node::entries).unwrap_or_default() {
        match vars.iter_mut().find(|(vk, _)| vk == k) {
            Some(entry) => entry.1 = v.clone(),
            None => vars.push((k.clone(), v.clone())),
        }
    }
    job.remove("inherit");
    job.remove("variables");
    if !vars.is_empty() {
        let texts = vars.into_iter().map(|(k, v)| (k, v.scalar_text().map_or(v, Node::Str))).collect();
        job.set("variables", Node::Map(texts));
    }
    for key in ["script", "before_script", "after_script"] {
        if let Some(v) = job.get(key).cloned() {
            job.set(key, Node::Seq(flatten(&v)));
        }
    }
    if let Some(Node::Str(image)) = job.get("image").cloned() {
        job.set("image", Node::Map(vec![("name".into(), Node::Str(image))]));
    }
    if let Some(Node::Seq(items)) = job.get("services").cloned() {
        job.set("services", Node::Seq(items.iter().map(service).collect()));
    }
    if let Some(Node::Str(name)) = job.get("environment").cloned() {
        job.set("environment", Node::Map(vec![("name".into(), Node::Str(name))]));
    }
    if let Some(needs) = job.get("needs").cloned() {
        job.set("needs", self::needs(&needs));
    }
    if let Some(Node::Seq(mut tags)) = job.get("tags").cloned() {
        tags.sort_by_key(|t| t.scalar_text());
        job.set("tags", Node::Seq(tags));
    }
    if let Some(Node::Int(n)) = job.get("retry").cloned() {
        job.set("retry", Node::Map(vec![("max".into(), Node::Int(n))]));
    }
    if let Some(cache @ Node::Map(_)) = job.get("cache").cloned() {
        job.set("cache", Node::Seq(vec![cache]));
    }
    if let Some(m) = job.get("timeout").and_then(Node::scalar_text).and_then(|t| minutes(&t)) {
        job.set("timeout", Node::Int(i64::from(m)));
    }
    if job.get("when").and_then(Node::as_str) == Some("on_success") {
        job.remove("when");
    }
    let manual = job.get("when").and_then(Node::as_str) == Some("manual");
    if job.get("allow_failure") == Some(&Node::Bool(false)) && !manual {
        job.remove("allow_failure");
    }
    if job.get("stage").is_none() {
        job.set("stage", Node::Str("test".into()));
    }
    job
}

fn flatten(v: &Node) -> Vec<Node> {
    match v {
        Node::Seq(items) => items.iter().flat_map(flatten).collect(),
        other => vec![other.scalar_text().map_or_else(|| other.clone(), Node::Str)],
    }
}

fn service(item: &Node) -> Node {
    let mut s = match item {
        Node::Str(name) => Node::Map(vec![("name".into(), Node::Str(name.clone()))]),
        other => other.clone(),
    };
    if s.get("alias").is_none() {
        if let Some(name) = s.get("name").and_then(Node::as_str).filter(|n| !n.contains('/')) {
            let alias = name.split(':').next().unwrap_or(name).to_string();
            s.set("alias", Node::Str(alias));
        }
    }
    if let Some(vars) = s.get("variables").cloned() {
        let texts =
            vars.entries().iter().map(|(k, v)| (k.clone(), v.scalar_text().map_or(v.clone(), Node::Str))).collect();
        s.set("variables", Node::Map(texts));
    }
    s
}

fn needs(v: &Node) -> Node {
    let mut items: Vec<Node> = v
        .items()
        .iter()
        .map(|n| {
            let mut need = match n {
                Node::Str(job) => Node::Map(vec![("job".into(), Node::Str(job.clone()))]),
                other => other.clone(),
            };
            if need.get("artifacts").is_none() {
                need.set("artifacts", Node::Bool(true));
            }
            if need.get("optional") == Some(&Node::Bool(false)) {
                need.remove("optional");
            }
            need
        })
        .collect();
    items.sort_by_key(|n| n.get("job").and_then(Node::scalar_text));
    Node::Seq(items)
}

/// Gives flowc's jobs (`ACTIVITY`, or `PROCESS:ACTIVITY` beside other processes) their original names back, inside `needs:` too,
/// and reports each renamed job as a difference: job names are not neutral.
pub fn restore_names(doc: &Node, renames: &[(String, String)]) -> (Node, Vec<Difference>) {
    let original = |name: &str| renames.iter().find(|(_, f)| f == name).map(|(o, _)| o.clone());
    let mut diffs = Vec::new();
    let mut out = Vec::new();
    for (key, value) in doc.entries() {
        let mut value = value.clone();
        if let Some(Node::Seq(needs)) = value.get_mut("needs") {
            for need in needs.iter_mut() {
                if let Some(job) = need.get("job").and_then(Node::as_str).and_then(original) {
                    need.set("job", Node::Str(job));
                }
            }
            needs.sort_by_key(|n| n.get("job").and_then(Node::scalar_text));
        }
        match original(key) {
            Some(name) if name == *key => out.push((name, value)),
            Some(name) => {
                diffs.push(Difference {
                    path: name.clone(),
                    feature: "job names (not flowc names)".into(),
                    original: Some(name.clone()),
                    generated: Some(key.clone()),
                });
                out.push((name, value));
            }
            None => out.push((key.clone(), value)),
        }
    }
    (Node::Map(out), diffs)
}
