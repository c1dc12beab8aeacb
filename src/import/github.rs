//! GitHub Actions workflow → `.flow`: workflow-level keys and triggers here, jobs in
//! [`job`], steps in [`steps`].
//!
//! Each key becomes a language construct when flowc's GitHub emitter writes exactly that
//! key back, a `github { }` entry when the checker lets a block hold it, and otherwise a
//! `// flowc import: dropped ...` comment and a [`FallbackKind::Dropped`] fallback.

mod job;
mod steps;

use super::flow::{Flow, Value};
use super::yaml::Node;
use super::{is_env_name, Fallback, FallbackKind, Report};

use super::probe::{accepts, Level};
use crate::ast::Target;

/// What the importer of one workflow accumulates.
pub(super) struct Ctx {
    pub report: Report,
    pub secrets: Vec<String>,
    /// Boolean `workflow_dispatch` inputs without a default: flowc writes them as `inputs.NAME`.
    pub bool_inputs: Vec<String>,
    /// The workflow's `defaults: run:`, for steps that repeat it.
    pub defaults_run: Option<Node>,
}

impl Ctx {
    /// `key: value` into a `github { }` block at `level` when the checker accepts it there
    /// (a target-block fallback), else dropped: `None`, or the comment marking the drop.
    pub fn keep(
        &mut self,
        block: &mut Vec<(String, Node)>,
        level: Level,
        key: &str,
        value: &Node,
        place: &str,
        reason: &str,
    ) -> Option<String> {
        let what = match level {
            Level::Process => "workflow",
            Level::Activity => "job",
            Level::Step | Level::ActionStep => "step",
        };
        if accepts(Target::Github, level, key) {
            block.push((key.to_string(), value.clone()));
            self.fallback(FallbackKind::TargetBlock, &format!("{what} `{key}`"), place, reason);
            None
        } else {
            Some(self.drop(&format!("{what} `{key}`"), place, reason, Some(value)))
        }
    }

    pub fn fallback(&mut self, kind: FallbackKind, feature: &str, place: &str, reason: &str) {
        self.report.fallbacks.push(Fallback {
            kind,
            feature: feature.to_string(),
            place: place.to_string(),
            reason: reason.to_string(),
        });
    }

    /// Records a drop and returns the comment that marks it in the output.
    pub fn drop(&mut self, feature: &str, place: &str, reason: &str, value: Option<&Node>) -> String {
        self.fallback(FallbackKind::Dropped, feature, place, reason);
        let shown = value.map(|v| format!(" = {}", short(v))).unwrap_or_default();
        format!("flowc import: dropped {feature}{shown} ({reason})")
    }
}

/// A value shortened for a comment.
pub(super) fn short(v: &Node) -> String {
    let text = super::flow::data(v);
    if text.chars().count() > 80 {
        format!("{}...", text.chars().take(77).collect::<String>())
    } else {
        text
    }
}

pub fn import(doc: &Node, process: &str, file: &str) -> (Flow, Report) {
    let mut ctx = Ctx { report: Report::default(), secrets: Vec::new(), bool_inputs: Vec::new(), defaults_run: None };
    let mut flow = Flow {
        header: vec![format!("Imported from {file} by `flowc import` (GitHub Actions).")],
        process: process.to_string(),
        ..Flow::default()
    };
    let place = "workflow";
    for (key, value) in doc.entries() {
        match key.as_str() {
            "on" | "env" => {
                let (before, mut notes) = (ctx.report.fallbacks.len(), Vec::new());
                let (triggers, vars) = match key.as_str() {
                    "on" => (triggers(value, &mut ctx, &mut notes), Vec::new()),
                    _ => (Vec::new(), env(value, "workflow `env`", place, &mut ctx, &mut notes)),
                };
                let lossy = ctx.report.fallbacks[before..].iter().any(|f| f.kind == FallbackKind::Dropped);
                if lossy && accepts(Target::Github, Level::Process, key) {
                    ctx.report.fallbacks.truncate(before);
                    ctx.keep(&mut flow.github, Level::Process, key, value, place, "not expressible with the construct");
                } else {
                    flow.triggers.extend(triggers);
                    flow.env.extend(vars);
                    flow.notes.extend(notes);
                }
            }
            "jobs" | "permissions" => {}
            "name" if value.as_str() == Some(process) => {}
            "defaults" => {
                ctx.defaults_run = value.get("run").cloned();
                if !is_flowc_defaults(value) {
                    flow.github.push((key.clone(), value.clone()));
                    ctx.fallback(FallbackKind::TargetBlock, "workflow `defaults`", place, "no construct");
                }
            }
            k => {
                let note = ctx.keep(&mut flow.github, Level::Process, k, value, place, "no construct");
                flow.notes.extend(note);
            }
        }
    }
    if doc.get("name").is_none() {
        let note = ctx.drop(
            "workflow without `name`",
            place,
            "flowc always writes `name:`, which changes `github.workflow`",
            None,
        );
        flow.notes.push(note);
    }
    if doc.get("defaults").is_none() {
        // flowc writes `defaults: run: shell: bash` unless a block replaces it; `{}` is no defaults.
        flow.github.push(("defaults".into(), Node::Map(Vec::new())));
        ctx.fallback(FallbackKind::TargetBlock, "workflow without `defaults`", place, "flowc writes `shell: bash`");
    }
    let workflow_permissions = doc.get("permissions");
    if workflow_permissions.is_none() {
        // No `permissions:` anywhere above a job: the repository's default token permissions.
        flow.github.push(("permissions".into(), Node::Str("default".into())));
        let reason = "flowc writes least-privilege permissions";
        ctx.fallback(FallbackKind::TargetBlock, "workflow without `permissions`", place, reason);
    }
    for (id, body) in doc.get("jobs").map(Node::entries).unwrap_or_default() {
        flow.activities.push(job::import(id, body, workflow_permissions, &mut ctx));
    }
    flow.secrets = ctx.secrets.clone();
    (flow, ctx.report)
}

/// `defaults: run: shell: bash`, which flowc writes itself.
fn is_flowc_defaults(value: &Node) -> bool {
    let expected = Node::Map(vec![("run".into(), Node::Map(vec![("shell".into(), Node::Str("bash".into()))]))]);
    *value == expected
}

/// An `env:` mapping as `env { }` entries; what cannot be one is dropped.
pub(super) fn env(
    value: &Node,
    what: &str,
    place: &str,
    ctx: &mut Ctx,
    notes: &mut Vec<String>,
) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if !matches!(value, Node::Map(_)) {
        notes.push(ctx.drop(what, place, "not a mapping", Some(value)));
        return out;
    }
    for (name, v) in value.entries() {
        // GitHub reads a null value as the empty string.
        match v.scalar_text() {
            Some(text) if is_env_name(name) => out.push((name.clone(), Value::Str(text))),
            _ => notes.push(ctx.drop(
                &format!("{what} entry `{name}`"),
                place,
                "flowc env names are letters, digits and `_`, values are text",
                Some(v),
            )),
        }
    }
    out
}

/// `on:` as flowc triggers.
fn triggers(on: &Node, ctx: &mut Ctx, notes: &mut Vec<String>) -> Vec<String> {
    let events: Vec<(String, Node)> = match on {
        Node::Str(s) => vec![(s.clone(), Node::Null)],
        Node::Seq(items) => items.iter().filter_map(|i| i.as_str()).map(|s| (s.to_string(), Node::Null)).collect(),
        Node::Map(entries) => entries.clone(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (event, config) in &events {
        let place = "workflow `on`";
        let trigger = match event.as_str() {
            "push" => filters("push", config, &["branches", "tags", "paths"], ctx, notes),
            "pull_request" => filters("pull_request", config, &["branches", "paths"], ctx, notes),
            "schedule" => schedule(config, ctx, notes),
            "workflow_dispatch" => manual(config, ctx, notes),
            other => {
                notes.push(ctx.drop(&format!("trigger `{other}`"), place, "flowc has no such trigger", None));
                None
            }
        };
        out.extend(trigger);
    }
    out
}

fn filters(name: &str, config: &Node, allowed: &[&str], ctx: &mut Ctx, notes: &mut Vec<String>) -> Option<String> {
    let place = "workflow `on`";
    let mut args = Vec::new();
    for (key, value) in config.entries() {
        let list: Option<Vec<String>> = match value {
            Node::Str(s) => Some(vec![s.clone()]),
            Node::Seq(items) => items.iter().map(Node::scalar_text).collect(),
            _ => None,
        };
        let valid = |p: &String| if key == "paths" { valid_path(p) } else { valid_ref(p) };
        match list {
            Some(list) if allowed.contains(&key.as_str()) && list.iter().all(valid) => {
                let items: Vec<String> = list.iter().map(|s| super::flow::string(s)).collect();
                args.push(format!("{key}: [{}]", items.join(", ")));
            }
            _ => notes.push(ctx.drop(
                &format!("trigger `{name}` filter `{key}`"),
                place,
                "flowc has no such filter, or not with these patterns",
                Some(value),
            )),
        }
    }
    Some(if args.is_empty() { name.to_string() } else { format!("{name}({})", args.join(", ")) })
}

/// A branch or tag pattern flowc accepts (git ref rules; no `!` negation).
fn valid_ref(p: &str) -> bool {
    !p.is_empty()
        && !p.contains([' ', '~', '^', ':', '[', '\\', '!'])
        && !p.contains("..")
        && !p.starts_with(['/', '.', '-'])
        && !p.ends_with(['/', '.'])
}

fn valid_path(p: &str) -> bool {
    !p.is_empty() && !p.starts_with('!')
}

fn schedule(config: &Node, ctx: &mut Ctx, notes: &mut Vec<String>) -> Option<String> {
    let crons: Vec<String> = config.items().iter().filter_map(|i| i.get("cron")?.as_str().map(String::from)).collect();
    let ok = !crons.is_empty() && crons.len() == config.items().len() && crons.iter().all(|c| valid_cron(c));
    if !ok {
        notes.push(ctx.drop("trigger `schedule`", "workflow `on`", "a cron line flowc does not accept", Some(config)));
        return None;
    }
    let items: Vec<String> = crons.iter().map(|c| super::flow::string(c)).collect();
    Some(format!("schedule(cron: [{}])", items.join(", ")))
}

/// Five fields of digits, `*`, `,`, `-` and `/` (flowc refuses names such as `MON`).
fn valid_cron(c: &str) -> bool {
    let fields: Vec<&str> = c.split_whitespace().collect();
    fields.len() == 5 && fields.iter().all(|f| f.chars().all(|ch| ch.is_ascii_digit() || "*,-/".contains(ch)))
}

fn manual(config: &Node, ctx: &mut Ctx, notes: &mut Vec<String>) -> Option<String> {
    let place = "workflow `on`";
    let inputs = config.get("inputs").map(Node::entries).unwrap_or_default();
    for (key, value) in config.entries() {
        if key != "inputs" {
            notes.push(ctx.drop(&format!("`workflow_dispatch` key `{key}`"), place, "no construct", Some(value)));
        }
    }
    let mut args = Vec::new();
    for (name, spec) in inputs {
        match input(name, spec) {
            Some((arg, exact)) => {
                if !exact {
                    let feature = "`workflow_dispatch` input settings";
                    let reason = "flowc writes `description: NAME (TYPE)` and `required` from the default";
                    notes.push(ctx.drop(feature, place, reason, Some(spec)));
                }
                if arg.contains(": boolean") && !arg.ends_with("= true") && *name == name.to_ascii_lowercase() {
                    ctx.bool_inputs.push(name.clone());
                }
                args.push(arg);
            }
            None => notes.push(ctx.drop(
                &format!("`workflow_dispatch` input `{name}`"),
                place,
                "not a flowc input (name with `-`, or type/default flowc cannot write)",
                Some(spec),
            )),
        }
    }
    Some(if args.is_empty() { "manual".into() } else { format!("manual({})", args.join(", ")) })
}

/// One input as `NAME: TYPE [= DEFAULT]`, and whether flowc writes its settings back exactly.
fn input(name: &str, spec: &Node) -> Option<(String, bool)> {
    if !is_env_name(name) {
        return None;
    }
    let ty = spec.get("type").and_then(Node::as_str).unwrap_or("string");
    let options: Vec<String> =
        spec.get("options").map(|o| o.items().iter().filter_map(Node::scalar_text).collect()).unwrap_or_default();
    let (flow_ty, label) = match ty {
        "string" => ("string".to_string(), "string"),
        "boolean" => ("boolean".to_string(), "boolean"),
        "number" => ("number".to_string(), "number"),
        "choice" if !options.is_empty() => {
            let items: Vec<String> = options.iter().map(|o| super::flow::string(o)).collect();
            (format!("choice[{}]", items.join(", ")), "one of the options")
        }
        _ => return None,
    };
    let default = match spec.get("default") {
        None | Some(Node::Null) => None,
        Some(d) => Some(match (ty, d) {
            ("boolean", Node::Bool(b)) => b.to_string(),
            ("number", Node::Int(_) | Node::Float(_)) => super::flow::data(d),
            ("string" | "choice", _) => super::flow::string(&d.scalar_text()?),
            _ => return None,
        }),
    };
    let mut expected = vec![
        ("description".to_string(), Node::Str(format!("{name} ({label})"))),
        ("required".to_string(), Node::Bool(default.is_none())),
        ("type".to_string(), Node::Str(ty.to_string())),
    ];
    if ty == "choice" {
        expected.push(("options".into(), Node::Seq(options.iter().cloned().map(Node::Str).collect())));
    }
    if let Some(d) = spec.get("default").filter(|d| !matches!(d, Node::Null)) {
        expected.push(("default".into(), d.clone()));
    }
    let mut given: Vec<(String, Node)> = spec.entries().to_vec();
    if given.iter().all(|(k, _)| k != "type") {
        given.push(("type".into(), Node::Str("string".into())));
    }
    let exact = super::compare::same_map(&given, &expected);
    let arg = match default {
        Some(d) => format!("{name}: {flow_ty} = {d}"),
        None => format!("{name}: {flow_ty}"),
    };
    Some((arg, exact))
}
