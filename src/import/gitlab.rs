//! `.gitlab-ci.yml` → `.flow`.
//!
//! Reuse inside the file is resolved first ([`resolve`]: `extends:` and `!reference`; the
//! YAML reader already applied anchors and `<<`), so each job is imported as GitLab runs
//! it and hidden `.templates` disappear. Global keys a process `gitlab { }` block may hold
//! pass through; jobs become activities ([`job`]).

pub mod job;
pub mod resolve;

use super::flow::{Flow, Value};
use super::probe::{accepts, Level};
use super::yaml::Node;
use super::{Fallback, FallbackKind, Report};
use crate::ast::Target;
/// Top-level keys that are not jobs.
pub use crate::emit::gitlab::GLOBAL_KEYS;

pub(super) struct Ctx {
    pub report: Report,
    /// Original job name → activity name.
    pub names: Vec<(String, String)>,
    /// The process's block `include`s files: a job may be completed by one of theirs.
    pub included: bool,
}

impl Ctx {
    pub fn fallback(&mut self, kind: FallbackKind, feature: &str, place: &str, reason: &str) {
        let f = Fallback { kind, feature: feature.into(), place: place.into(), reason: reason.into() };
        self.report.fallbacks.push(f);
    }

    /// `key: value` into a `gitlab { }` block at `level` when the checker accepts it there,
    /// else dropped: `None`, or the comment marking the drop.
    pub fn keep(
        &mut self,
        block: &mut Vec<(String, Node)>,
        level: Level,
        key: &str,
        value: &Node,
        place: &str,
        reason: &str,
    ) -> Option<String> {
        let what = if level == Level::Process { "global" } else { "job" };
        if tagged(value) {
            // A tag other than a `!reference` list (those are written `{ "!reference": [...] }`):
            // without it the value would be read as plain data, so the key is dropped.
            let reason = "a YAML tag a block value cannot carry";
            return Some(self.drop(&format!("{what} `{key}`"), place, reason, Some(value)));
        }
        if accepts(Target::Gitlab, level, key) {
            block.push((key.to_string(), value.clone()));
            self.fallback(FallbackKind::TargetBlock, &format!("{what} `{key}`"), place, reason);
            None
        } else {
            Some(self.drop(&format!("{what} `{key}`"), place, reason, Some(value)))
        }
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

/// True when a tagged value other than a `!reference` list stands anywhere in `node`.
fn tagged(node: &Node) -> bool {
    match node {
        Node::Tagged(tag, inner) if tag == "reference" && matches!(**inner, Node::Seq(_)) => tagged(inner),
        Node::Tagged(..) => true,
        Node::Seq(items) => items.iter().any(tagged),
        Node::Map(entries) => entries.iter().any(|(_, v)| tagged(v)),
        _ => false,
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
    let mut ctx = Ctx { report: Report::default(), names: Vec::new(), included: false };
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
        // GitLab decides which pipelines run (its `workflow:`, passed through, if any).
        triggers: vec!["any".to_string()],
        ..Flow::default()
    };
    let place = "global";
    for (key, value) in doc.entries() {
        match key.as_str() {
            k if jobs.contains(key) || k.starts_with('.') => {}
            "variables" => {
                let (before, mut notes) = (ctx.report.fallbacks.len(), Vec::new());
                let vars = variables(value, "global `variables`", place, &mut ctx, &mut notes);
                let lossy = ctx.report.fallbacks[before..].iter().any(|f| f.kind == FallbackKind::Dropped);
                if lossy && accepts(Target::Gitlab, Level::Process, key) {
                    ctx.report.fallbacks.truncate(before);
                    ctx.keep(&mut flow.gitlab, Level::Process, key, value, place, "not expressible with `env`");
                } else {
                    flow.env = vars;
                    flow.notes.extend(notes);
                }
            }
            k => {
                let note = ctx.keep(&mut flow.gitlab, Level::Process, k, value, place, "no construct");
                flow.notes.extend(note);
            }
        }
    }
    ctx.included = flow.gitlab.iter().any(|(k, _)| k == "include");
    for job in &jobs {
        let body = doc.get(job).cloned().unwrap_or(Node::Null);
        let activity = job::import(job, &body, &mut ctx);
        flow.activities.push(activity);
    }
    // Every job keeps its name: a flowc name as the activity's, any other in a block's `name`.
    let names = ctx.names.iter().map(|(o, _)| (o.clone(), o.clone())).collect();
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
