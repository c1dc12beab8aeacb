//! `.gitlab-ci.yml` → `.flow`.
//!
//! Reuse inside the file is resolved first ([`resolve`]: `extends:` and `!reference`; the
//! YAML reader already applied anchors and `<<`), so each job is imported as GitLab runs
//! it and hidden `.templates` disappear. Global keys a process `gitlab { }` block may hold
//! pass through; jobs become activities ([`job`]).

pub mod job;
pub mod resolve;

use super::flow::{Flow, Value};
use super::yaml::Node;
use super::{Fallback, FallbackKind, Report};

/// Top-level keys that are not jobs.
pub const GLOBAL_KEYS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
    "pages:deploy",
];

/// Global keys a process-level `gitlab { }` block may hold (mirrors `check::targets`).
const GLOBAL_BLOCK_KEYS: &[&str] =
    &["default", "include", "stages", "cache", "image", "services", "before_script", "after_script"];

pub(super) struct Ctx {
    pub report: Report,
    /// Original job name → activity name.
    pub names: Vec<(String, String)>,
}

impl Ctx {
    pub fn fallback(&mut self, kind: FallbackKind, feature: &str, place: &str, reason: &str) {
        let f = Fallback { kind, feature: feature.into(), place: place.into(), reason: reason.into() };
        self.report.fallbacks.push(f);
    }

    pub fn drop(&mut self, feature: &str, place: &str, reason: &str, value: Option<&Node>) -> String {
        self.fallback(FallbackKind::Dropped, feature, place, reason);
        let shown = value.map(|v| format!(" = {}", super::github_short(v))).unwrap_or_default();
        format!("flowc import: dropped {feature}{shown} ({reason})")
    }

    pub fn activity(&self, job: &str) -> Option<&str> {
        self.names.iter().find(|(o, _)| o == job).map(|(_, a)| a.as_str())
    }
}

/// The document that holds the pipeline: the second of a `spec:` header file, else the first.
pub fn document(docs: Vec<Node>) -> Option<Node> {
    let mut docs: Vec<Node> = docs.into_iter().filter(|d| matches!(d, Node::Map(_))).collect();
    if docs.len() > 1 && docs[0].get("spec").is_some() {
        let body = docs.remove(1);
        let mut merged = docs.remove(0);
        for (k, v) in body.entries() {
            merged.set(k, v.clone());
        }
        return Some(merged);
    }
    docs.into_iter().next()
}

/// The names of the jobs of a (resolved) document, in order.
pub fn job_names(doc: &Node) -> Vec<String> {
    doc.entries()
        .iter()
        .filter(|(k, v)| !k.starts_with('.') && !GLOBAL_KEYS.contains(&k.as_str()) && matches!(v, Node::Map(_)))
        .map(|(k, _)| k.clone())
        .collect()
}

pub fn import(doc: &Node, process: &str, file: &str) -> (Flow, Report, Vec<(String, String)>) {
    let doc = resolve::resolve(doc);
    let mut ctx = Ctx { report: Report::default(), names: Vec::new() };
    let jobs = job_names(&doc);
    for job in &jobs {
        let mut name = super::ident(job, "job");
        while ctx.names.iter().any(|(_, a)| *a == name) {
            name.push('_');
        }
        ctx.names.push((job.clone(), name));
    }
    let mut flow = Flow {
        header: vec![format!("Imported from {file} by `flowc import` (GitLab CI).")],
        process: process.to_string(),
        triggers: Vec::new(),
        ..Flow::default()
    };
    let place = "global";
    for (key, value) in doc.entries() {
        match key.as_str() {
            k if jobs.contains(key) || k.starts_with('.') => {}
            "variables" => flow.env = variables(value, "global `variables`", place, &mut ctx, &mut flow.notes),
            k if GLOBAL_BLOCK_KEYS.contains(&k) => {
                flow.gitlab.push((key.clone(), value.clone()));
                ctx.fallback(FallbackKind::TargetBlock, &format!("global `{k}`"), place, "passed through `gitlab { }`");
            }
            k => {
                let note = ctx.drop(&format!("global `{k}`"), place, "no construct or target block", Some(value));
                flow.notes.push(note);
            }
        }
    }
    if doc.get("workflow").is_none() {
        let reason = "flowc always writes `workflow: rules:` from the triggers";
        let note = ctx.drop("pipeline without `workflow:`", place, reason, None);
        flow.notes.push(note);
    }
    for job in &jobs {
        let body = doc.get(job).cloned().unwrap_or(Node::Null);
        let activity = job::import(job, &body, &mut ctx);
        flow.activities.push(activity);
    }
    let names = ctx.names.iter().map(|(o, a)| (o.clone(), format!("{process}:{a}"))).collect();
    (flow, ctx.report, names)
}

/// `variables:` as `env { }` entries: plain values, and the four CI variables flowc's
/// contexts stand for; a value with another `$` would be escaped by flowc, so it is dropped.
pub(super) fn variables(
    value: &Node,
    what: &str,
    place: &str,
    ctx: &mut Ctx,
    notes: &mut Vec<String>,
) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (name, v) in value.entries() {
        let text = v.scalar_text().filter(|_| !matches!(v, Node::Null));
        let value = match text.as_deref() {
            Some("$CI_COMMIT_REF_NAME") => Some(Value::Context("branch".into())),
            Some("$CI_COMMIT_TAG") => Some(Value::Context("tag".into())),
            Some("$CI_PIPELINE_SOURCE") => Some(Value::Context("event".into())),
            Some("$GITLAB_USER_LOGIN") => Some(Value::Context("actor".into())),
            Some(t) if !t.contains('$') => Some(Value::Str(t.to_string())),
            _ => None,
        };
        match value {
            Some(v) if super::is_env_name(name) => out.push((name.clone(), v)),
            _ => notes.push(ctx.drop(
                &format!("{what} entry"),
                place,
                "flowc writes `$` as `$$` and takes plain names and values only",
                Some(&Node::Map(vec![(name.clone(), v.clone())])),
            )),
        }
    }
    out
}
