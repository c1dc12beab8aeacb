//! The normal form of a GitHub Actions workflow: what GitHub reads alike is written alike.
//!
//! Rules (each is how GitHub itself reads the file):
//! - `on: push`, `on: [push]` and `on: {push: {}}` (or `push: null`) are one form; a filter
//!   given as one string is a list of one; an input without `type` is a `string` input,
//!   without `required` not required.
//! - Permissions: a job without `permissions:` gets the workflow's (what GitHub applies);
//!   then the workflow-level key, which affects nothing else, is dropped.
//! - Defaults: `defaults.run.shell` / `working-directory` of the workflow and job are
//!   written onto each `run:` step that does not set its own; then `defaults` is dropped.
//! - Empty `env`, `with`, `outputs`, `services`, `defaults` maps and `needs: []` are absent;
//!   `continue-on-error: false` is absent; `strategy.fail-fast` absent is `true`.
//! - `runs-on: [x]` is `x`; `needs: x` is `[x]`, in any order; `environment: x` is
//!   `{name: x}`; `container: x` is `{image: x}`.
//! - `env` and `with` values are the strings the job sees (`3` is `"3"`).
//! - Every `${{ }}` is rewritten canonically ([`expr`](super::super::expr)), and `if:` is
//!   an expression with or without `${{ }}`.

use super::super::expr;
use super::super::yaml::Node;

pub fn normalise(doc: &Node) -> Node {
    let mut doc = strings(doc);
    if let Some(on) = doc.remove("on") {
        doc.set("on", triggers(on));
    }
    let permissions = doc.remove("permissions");
    let defaults = doc.remove("defaults").and_then(|d| d.get("run").cloned());
    drop_empty(&mut doc, "env");
    if let Some(env) = doc.get_mut("env") {
        *env = texts(env);
    }
    if let Some(Node::Map(jobs)) = doc.get_mut("jobs") {
        for (_, job) in jobs.iter_mut() {
            normalise_job(job, permissions.as_ref(), defaults.as_ref());
        }
    }
    doc
}

fn normalise_job(job: &mut Node, permissions: Option<&Node>, defaults: Option<&Node>) {
    if job.get("permissions").is_none() {
        if let Some(p) = permissions {
            job.set("permissions", p.clone());
        }
    }
    let job_defaults = job.remove("defaults").and_then(|d| d.get("run").cloned());
    for key in ["env", "outputs", "services", "with", "secrets"] {
        drop_empty(job, key);
    }
    if matches!(job.get("needs"), Some(Node::Seq(items)) if items.is_empty()) {
        job.remove("needs");
    }
    if let Some(needs) = job.get("needs").cloned() {
        let mut list: Vec<String> = match needs {
            Node::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
            other => other.scalar_text().into_iter().collect(),
        };
        list.sort();
        job.set("needs", Node::Seq(list.into_iter().map(Node::Str).collect()));
    }
    if let Some(Node::Seq(items)) = job.get("runs-on").cloned() {
        if items.len() == 1 {
            job.set("runs-on", items[0].clone());
        }
    }
    if let Some(Node::Str(name)) = job.get("environment").cloned() {
        job.set("environment", Node::Map(vec![("name".into(), Node::Str(name))]));
    }
    if let Some(Node::Str(image)) = job.get("container").cloned() {
        job.set("container", Node::Map(vec![("image".into(), Node::Str(image))]));
    }
    if job.get("continue-on-error") == Some(&Node::Bool(false)) {
        job.remove("continue-on-error");
    }
    if let Some(strategy) = job.get_mut("strategy") {
        if strategy.get("fail-fast").is_none() {
            strategy.set("fail-fast", Node::Bool(true));
        }
    }
    condition(job);
    for key in ["env", "services"] {
        if let Some(v) = job.get_mut(key) {
            *v = if key == "env" { texts(v) } else { services(v) };
        }
    }
    let shell = pick(job_defaults.as_ref(), defaults, "shell");
    let dir = pick(job_defaults.as_ref(), defaults, "working-directory");
    if let Some(Node::Seq(steps)) = job.get_mut("steps") {
        for step in steps.iter_mut() {
            normalise_step(step, shell.as_ref(), dir.as_ref());
        }
    }
}

fn pick(job: Option<&Node>, workflow: Option<&Node>, key: &str) -> Option<Node> {
    job.and_then(|d| d.get(key)).or_else(|| workflow.and_then(|d| d.get(key))).cloned()
}

fn normalise_step(step: &mut Node, shell: Option<&Node>, dir: Option<&Node>) {
    if step.get("run").is_some() {
        for (key, value) in [("shell", shell), ("working-directory", dir)] {
            if let (None, Some(v)) = (step.get(key), value) {
                step.set(key, v.clone());
            }
        }
    }
    for key in ["env", "with"] {
        drop_empty(step, key);
        if let Some(v) = step.get_mut(key) {
            *v = texts(v);
        }
    }
    if step.get("continue-on-error") == Some(&Node::Bool(false)) {
        step.remove("continue-on-error");
    }
    condition(step);
}

fn condition(node: &mut Node) {
    if let Some(c) = node.get("if").and_then(Node::scalar_text) {
        node.set("if", Node::Str(expr::canonical_condition(&c)));
    }
}

fn services(v: &Node) -> Node {
    let mut out = v.clone();
    if let Node::Map(entries) = &mut out {
        for (_, service) in entries.iter_mut() {
            drop_empty(service, "env");
            if let Some(env) = service.get_mut("env") {
                *env = texts(env);
            }
        }
    }
    out
}

fn drop_empty(node: &mut Node, key: &str) {
    if matches!(node.get(key), Some(Node::Map(m)) if m.is_empty()) || matches!(node.get(key), Some(Node::Null)) {
        node.remove(key);
    }
}

/// Scalars of a mapping as the strings a job sees.
fn texts(v: &Node) -> Node {
    match v {
        Node::Map(entries) => Node::Map(
            entries.iter().map(|(k, v)| (k.clone(), v.scalar_text().map_or_else(|| v.clone(), Node::Str))).collect(),
        ),
        other => other.clone(),
    }
}

fn triggers(on: Node) -> Node {
    let entries: Vec<(String, Node)> = match on {
        Node::Str(s) => vec![(s, Node::Null)],
        Node::Seq(items) => items.iter().filter_map(Node::scalar_text).map(|s| (s, Node::Null)).collect(),
        Node::Map(entries) => entries,
        other => return other,
    };
    let events = entries.into_iter().map(|(event, config)| {
        let mut config = match config {
            Node::Null => Node::Map(Vec::new()),
            other => other,
        };
        if let Node::Map(filters) = &mut config {
            for (key, value) in filters.iter_mut() {
                if let (true, Node::Str(s)) = (key != "inputs", &*value) {
                    *value = Node::Seq(vec![Node::Str(s.clone())]);
                }
            }
        }
        if let Some(Node::Map(inputs)) = config.get_mut("inputs") {
            for (_, input) in inputs.iter_mut() {
                if input.get("type").is_none() {
                    input.set("type", Node::Str("string".into()));
                }
                if input.get("required").is_none() {
                    input.set("required", Node::Bool(false));
                }
            }
        }
        (event, config)
    });
    Node::Map(events.collect())
}

/// Every string with its `${{ }}` written canonically.
fn strings(node: &Node) -> Node {
    match node {
        Node::Str(s) if s.contains("${{") => Node::Str(expr::canonical_text(s)),
        Node::Seq(items) => Node::Seq(items.iter().map(strings).collect()),
        Node::Map(entries) => Node::Map(entries.iter().map(|(k, v)| (k.clone(), strings(v))).collect()),
        other => other.clone(),
    }
}
