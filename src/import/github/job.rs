//! One GitHub job → one activity. A job `name` of plain text becomes the activity's portable
//! `name "..."`, first in it; keys without a construct go in its `github { }` block.

use super::super::expr;
use super::super::flow::{Activity, Stmt, Value};
use super::super::yaml::Node;
use super::super::{is_ident, FallbackKind};
use super::{short, steps, Ctx};

use super::super::probe::Level;

pub fn import(id: &str, job: &Node, workflow_permissions: Option<&Node>, ctx: &mut Ctx) -> Activity {
    let place = format!("job `{id}`");
    let mut a = Activity { name: flow_name(id), ..Activity::default() };
    let before = ctx.report.fallbacks.len();
    let mut head: Vec<Stmt> = Vec::new();
    let mut tail: Vec<Stmt> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    if !is_ident(id) {
        notes.push(ctx.drop("job id", &place, &format!("not a flowc name; written `{}`", a.name), None));
    }
    let axes = matrix_axes(job);
    let mut matrix_imported = false;
    if let Some(strategy) = job.get("strategy") {
        matrix_imported = matrix(strategy, &mut a, &place, ctx, &mut head, &mut notes);
    }
    let mut name = None;
    for (key, value) in job.entries() {
        match key.as_str() {
            // A text name is the portable `name "..."`; one with `${{ }}` (often the matrix
            // legs') stays GitHub's own, in the block.
            "name" => match value {
                Node::Str(text) if !text.contains("${{") => {
                    name = Some(Stmt::Line(format!("name {}", super::super::flow::string(text))))
                }
                _ => notes.extend(keep(&mut a, key, value, &place, ctx, "not plain text")),
            },
            "needs" => a.after = strings(value).iter().map(|n| flow_name(n)).collect(),
            "runs-on" => runs_on(value, &mut a, &axes, matrix_imported, &place, ctx, &mut head, &mut notes),
            "if" => {
                let text = value.scalar_text().unwrap_or_default();
                let parsed = expr::parse(expr::wrapped(&text).unwrap_or(&text));
                match parsed.ok().and_then(|e| expr::to_flowc(&e, &ctx.bool_inputs, &[])) {
                    Some(condition) => head.push(Stmt::Line(format!("when {condition}"))),
                    None => notes.extend(keep(
                        &mut a,
                        key,
                        value,
                        &place,
                        ctx,
                        "not a condition flowc writes back the same",
                    )),
                }
            }
            "environment" => environment(value, &mut a, &place, ctx, &mut head, &mut notes),
            "timeout-minutes" => match value {
                Node::Int(n) if (1..=8640).contains(n) => head.push(Stmt::Line(format!("timeout {n}m"))),
                _ => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "continue-on-error" => match value {
                Node::Bool(true) => head.push(Stmt::Line("allow_failure".into())),
                Node::Bool(false) => {}
                other => {
                    let text = other.scalar_text().unwrap_or_default();
                    let translated = expr::wrapped(&text)
                        .and_then(|t| expr::parse(t).ok())
                        .filter(|_| matrix_imported)
                        .and_then(|e| expr::to_flowc(&e, &[], &axes));
                    match translated {
                        Some(c) => head.push(Stmt::Line(format!("allow_failure when {c}"))),
                        None => block(&mut a, key, value, &place, ctx, &mut notes),
                    }
                }
            },
            "container" => match container_image(value) {
                Some(image) => head.push(Stmt::Line(format!("image {}", super::super::flow::string(&image)))),
                None => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "services" => match services(value) {
                Some(list) => tail.extend(list),
                None => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "env" => {
                let (vars, secrets) = job_env(value, &place, ctx, &mut notes);
                if !vars.is_empty() {
                    head.push(Stmt::Env(vars));
                }
                if !secrets.is_empty() {
                    head.push(Stmt::Line(format!("secret {}", secrets.join(", "))));
                }
            }
            "steps" | "strategy" | "permissions" => {}
            "uses" | "with" | "secrets" => {
                notes.extend(keep(&mut a, key, value, &place, ctx, "a reusable-workflow call has no construct"));
            }
            k => notes.extend(keep(&mut a, k, value, &place, ctx, "no construct")),
        }
    }
    let mut body = steps::import(job.get("steps"), job.get("defaults").and_then(|d| d.get("run")), &place, ctx);
    if a.github.iter().any(|(k, _)| k == "uses") {
        // GitHub runs the called workflow; GitLab needs a step of its own.
        let reason = "GitLab gets a placeholder step that fails the job";
        ctx.fallback(FallbackKind::TargetBlock, "reusable-workflow call", &place, reason);
        body.push(Stmt::Step {
            only: Some("gitlab"),
            kind: super::super::flow::Step::Run(format!(
                "echo 'flowc import: job {id} calls a GitHub reusable workflow; give GitLab its own steps' >&2\nexit 1\n"
            )),
            name: None,
            github: Vec::new(),
        });
    } else if body.iter().all(|s| !matches!(s, Stmt::Step { .. })) {
        let reason = "an activity needs a step; the placeholder fails the job";
        notes.push(ctx.drop("job without steps flowc can write", &place, reason, None));
        body.push(Stmt::Step {
            only: None,
            kind: super::super::flow::Step::Run(format!(
                "echo 'flowc import: job {id} has no steps flowc can express' >&2\nexit 1\n"
            )),
            name: None,
            github: Vec::new(),
        });
    }
    permissions(&mut a, job, workflow_permissions, &body, &place, ctx);
    a.stmts = name.into_iter().chain(head).collect();
    a.stmts.extend(tail);
    a.stmts.extend(notes.into_iter().map(Stmt::Comment));
    a.stmts.extend(body);
    ctx.report.counts.jobs += 1;
    ctx.report.counts.jobs_without_blocks += usize::from(a.github.is_empty() && a.gitlab.is_empty());
    let job_fallbacks = &ctx.report.fallbacks[before..];
    if a.github.is_empty() && !job_fallbacks.iter().any(|f| f.kind == FallbackKind::Dropped) {
        ctx.report.counts.jobs_plain += 1;
    }
    a
}

/// A job id as a flowc name: characters a name cannot hold become `-`, and a name must
/// start with a letter or `_`.
fn flow_name(id: &str) -> String {
    if is_ident(id) {
        return id.to_string();
    }
    let name: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        name
    } else {
        format!("_{name}")
    }
}

fn block(a: &mut Activity, key: &str, value: &Node, place: &str, ctx: &mut Ctx, notes: &mut Vec<String>) {
    notes.extend(keep(a, key, value, place, ctx, "not expressible with the construct"));
}

fn keep(a: &mut Activity, key: &str, value: &Node, place: &str, ctx: &mut Ctx, reason: &str) -> Option<String> {
    ctx.keep(&mut a.github, Level::Activity, key, value, place, reason)
}

fn strings(value: &Node) -> Vec<String> {
    match value {
        Node::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
        other => other.scalar_text().into_iter().collect(),
    }
}

fn matrix_axes(job: &Node) -> Vec<String> {
    let matrix = job.get("strategy").and_then(|s| s.get("matrix"));
    matrix
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| k != "include" && k != "exclude")
        .collect()
}

/// `strategy:` as `matrix { }` (true), else in a block or dropped (false).
fn matrix(
    strategy: &Node,
    a: &mut Activity,
    place: &str,
    ctx: &mut Ctx,
    out: &mut Vec<Stmt>,
    notes: &mut Vec<String>,
) -> bool {
    let mut problems: Vec<(String, String, Option<Node>)> = Vec::new();
    let m = strategy.get("matrix").cloned().unwrap_or(Node::Null);
    for (key, value) in strategy.entries() {
        match (key.as_str(), value) {
            ("matrix", _) | ("fail-fast", Node::Bool(false)) => {}
            ("fail-fast", _) => problems.push((
                "matrix `fail-fast`".into(),
                "flowc writes `fail-fast: false`".into(),
                Some(value.clone()),
            )),
            (k, _) => problems.push((format!("`strategy` key `{k}`"), "no construct".into(), Some(value.clone()))),
        }
    }
    if strategy.get("fail-fast").is_none() {
        problems.push((
            "matrix without `fail-fast: false`".into(),
            "flowc writes `fail-fast: false`; GitHub's default is true".into(),
            None,
        ));
    }
    let mut axes = Vec::new();
    let (mut include, mut exclude) = (Vec::new(), Vec::new());
    let scalar = |v: &Node| {
        matches!(v, Node::Str(_) | Node::Int(_) | Node::Bool(_))
            || matches!(v, Node::Float(f) if super::super::flow::is_plain_float(*f))
    };
    let mut ok = matches!(m, Node::Map(_));
    for (key, value) in m.entries() {
        match key.as_str() {
            "include" | "exclude" => {}
            axis => {
                let values = value.items();
                ok &= is_ident(axis) && !values.is_empty() && values.iter().all(|v| scalar(v) && !is_expr(v));
                axes.push((axis.to_string(), values.to_vec()));
            }
        }
    }
    let names: Vec<&String> = axes.iter().map(|(a, _)| a).collect();
    for (key, list) in [("include", &mut include), ("exclude", &mut exclude)] {
        let Some(value) = m.get(key) else { continue };
        ok &= matches!(value, Node::Seq(_));
        for combo in value.items() {
            let pairs = combo.entries();
            ok &= matches!(combo, Node::Map(_)) && pairs.iter().all(|(k, v)| names.contains(&k) && scalar(v));
            ok &= key == "exclude" || names.iter().all(|n| pairs.iter().any(|(k, _)| k == *n));
            list.push(pairs.to_vec());
        }
    }
    ok &= !axes.is_empty();
    if !ok {
        let reason = "flowc axes are lists of values; an `include` names every axis and nothing else";
        problems.push(("job matrix".into(), reason.into(), Some(m.clone())));
    }
    if problems.is_empty() {
        out.push(Stmt::Matrix { axes, include, exclude });
        return true;
    }
    if super::super::probe::accepts(crate::ast::Target::Github, Level::Activity, "strategy") {
        notes.extend(keep(a, "strategy", strategy, place, ctx, &problems[0].1));
        return false;
    }
    for (feature, reason, value) in &problems {
        notes.push(ctx.drop(feature, place, reason, value.as_ref()));
    }
    if ok {
        out.push(Stmt::Matrix { axes, include, exclude });
    }
    ok
}

fn is_expr(v: &Node) -> bool {
    v.as_str().is_some_and(|s| s.contains("${{"))
}

#[allow(clippy::too_many_arguments)]
fn runs_on(
    value: &Node,
    a: &mut Activity,
    axes: &[String],
    matrix: bool,
    place: &str,
    ctx: &mut Ctx,
    out: &mut Vec<Stmt>,
    notes: &mut Vec<String>,
) {
    let label = match value {
        Node::Seq(items) if items.len() == 1 => items[0].as_str(),
        other => other.as_str(),
    };
    let Some(label) = label else {
        notes.extend(ctx.keep(&mut a.github, Level::Activity, "runs-on", value, place, "flowc runs on one label"));
        return;
    };
    let axis = expr::wrapped(label)
        .and_then(|t| expr::parse(t).ok())
        .and_then(|e| match e {
            expr::Expr::Path(p) if p.len() == 2 && p[0] == "matrix" => {
                axes.iter().find(|a| a.to_ascii_lowercase() == p[1]).cloned()
            }
            _ => None,
        })
        .filter(|_| matrix);
    let statement = match (label, axis) {
        (_, Some(axis)) => format!("runs_on matrix.{axis}"),
        ("ubuntu-latest", _) => return,
        ("macos-latest", _) => "runs_on macos".into(),
        ("windows-latest", _) => "runs_on windows".into(),
        (other, _) => format!("runs_on {}", super::super::flow::string(other)),
    };
    out.push(Stmt::Line(statement));
}

fn environment(
    value: &Node,
    a: &mut Activity,
    place: &str,
    ctx: &mut Ctx,
    out: &mut Vec<Stmt>,
    notes: &mut Vec<String>,
) {
    let (name, url) = match value {
        Node::Map(_) => (value.get("name").and_then(Node::scalar_text), value.get("url").map(|u| u.scalar_text())),
        other => (other.scalar_text(), None),
    };
    let extra = value.entries().iter().any(|(k, _)| k != "name" && k != "url");
    match (name, url) {
        (Some(name), url) if !extra && !matches!(url, Some(None)) && !name.is_empty() => {
            let name = if is_ident(&name) { name } else { super::super::flow::string(&name) };
            let url = url.flatten().map(|u| format!(" url {}", super::super::flow::string(&u))).unwrap_or_default();
            out.push(Stmt::Line(format!("environment {name}{url}")));
        }
        _ => notes.extend(keep(a, "environment", value, place, ctx, "not a name with an optional url")),
    }
}

fn container_image(value: &Node) -> Option<String> {
    match value {
        Node::Str(s) => Some(s.clone()),
        Node::Map(entries) if entries.len() == 1 => value.get("image").and_then(Node::as_str).map(String::from),
        _ => None,
    }
}

fn services(value: &Node) -> Option<Vec<Stmt>> {
    let mut out = Vec::new();
    for (name, spec) in value.entries() {
        let image = spec.get("image")?.as_str()?.to_string();
        let extra = spec.entries().iter().any(|(k, _)| k != "image" && k != "env");
        if extra || !is_ident(name) {
            return None;
        }
        let mut env = Vec::new();
        for (k, v) in spec.get("env").map(Node::entries).unwrap_or_default() {
            if !super::super::is_env_name(k) || !matches!(v, Node::Str(_) | Node::Int(_) | Node::Bool(_)) {
                return None;
            }
            env.push((k.clone(), Value::Str(v.scalar_text()?)));
        }
        out.push(Stmt::Service { name: name.clone(), image, env });
    }
    (!out.is_empty()).then_some(out)
}

/// A job's `env:`: `NAME: ${{ secrets.NAME }}` becomes `secret NAME`.
fn job_env(value: &Node, place: &str, ctx: &mut Ctx, notes: &mut Vec<String>) -> (Vec<(String, Value)>, Vec<String>) {
    let vars = super::env(value, "job `env`", place, ctx, notes);
    let mut out = Vec::new();
    let mut secrets = Vec::new();
    for (name, v) in vars {
        let secret = match &v {
            Value::Str(s) => expr::wrapped(s).and_then(|t| expr::parse(t).ok()).is_some_and(|e| {
                matches!(&e, expr::Expr::Path(p) if p.len() == 2 && p[0] == "secrets" && p[1] == name.to_ascii_lowercase())
            }),
            Value::Context(_) => false,
        };
        if secret && name != "GITHUB_TOKEN" {
            notes_secret(ctx, &name);
            secrets.push(name);
        } else {
            out.push((name, v));
        }
    }
    (out, secrets)
}

fn notes_secret(ctx: &mut Ctx, name: &str) {
    if !ctx.secrets.iter().any(|s| s == name) {
        ctx.secrets.push(name.to_string());
    }
}

/// Job permissions: flowc writes `{}` (only shell steps) or `contents: read`; anything
/// else goes in a block. A workflow without `permissions:` has `permissions: default` in
/// its block, which leaves out the `permissions:` of every job without a block of its own.
fn permissions(a: &mut Activity, job: &Node, workflow: Option<&Node>, body: &[Stmt], place: &str, ctx: &mut Ctx) {
    let Some(effective) = job.get("permissions").or(workflow) else {
        return;
    };
    if workflow.is_none() {
        a.github.push(("permissions".into(), effective.clone()));
        ctx.fallback(
            FallbackKind::TargetBlock,
            "job `permissions`",
            place,
            "the workflow's are the repository default",
        );
        return;
    }
    let reads = job.get("uses").is_some() || body.iter().any(|s| matches!(s, Stmt::Step { only: None | Some("github"), kind, .. } if !matches!(kind, super::super::flow::Step::Run(_))));
    let generated =
        if reads { Node::Map(vec![("contents".into(), Node::Str("read".into()))]) } else { Node::Map(Vec::new()) };
    if *effective != generated {
        a.github.push(("permissions".into(), effective.clone()));
        let what = if job.get("permissions").is_some() {
            "job `permissions`"
        } else {
            "workflow `permissions` (for this job)"
        };
        ctx.fallback(FallbackKind::TargetBlock, what, place, &format!("flowc would write {}", short(&generated)));
    }
}
