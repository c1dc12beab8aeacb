//! A job's `steps:` → `step` statements.
//!
//! `run:` becomes `step "..."`; `uses:` becomes `github step uses "..." with { ... }` (GitHub
//! only, so the file still builds for GitLab), or `step checkout` for exactly what flowc
//! writes for it. A text `name` becomes the portable `name "..."`; other step keys (`id`,
//! `if`, `env`, a `shell` other than the job's default, ...) go in the step's `github { }`
//! block when the checker accepts them there, and are dropped with a comment above the step
//! otherwise.

use super::super::flow::{Step, Stmt};
use super::super::probe::Level;
use super::super::yaml::Node;
use super::Ctx;

const CHECKOUT: &str = "actions/checkout@v5";

/// `job_defaults` is the job's `defaults: run:`, which wins over the workflow's per key.
pub fn import(steps: Option<&Node>, job_defaults: Option<&Node>, place: &str, ctx: &mut Ctx) -> Vec<Stmt> {
    let mut out = Vec::new();
    let default = |key: &str| {
        job_defaults.and_then(|d| d.get(key)).or_else(|| ctx.defaults_run.as_ref().and_then(|d| d.get(key))).cloned()
    };
    let (default_shell, default_dir) = (default("shell"), default("working-directory"));
    for (i, step) in steps.map(Node::items).unwrap_or_default().iter().enumerate() {
        let place = format!("{place}, step {}", i + 1);
        let before = ctx.report.fallbacks.len();
        let mut comments = Vec::new();
        let mut github = Vec::new();
        let mut name = None;
        let kind = match (step.get("run"), step.get("uses")) {
            (Some(run), None) => run.scalar_text().map(Step::Run),
            (None, Some(Node::Str(action))) => uses(action, step.get("with"), &place, ctx, &mut comments),
            _ => None,
        };
        let level = if matches!(kind, Some(Step::Run(_))) { Level::Step } else { Level::ActionStep };
        for (key, value) in step.entries() {
            let repeated_default = match key.as_str() {
                "shell" => default_shell.as_ref() == Some(value),
                "working-directory" => default_dir.as_ref() == Some(value),
                "continue-on-error" => *value == Node::Bool(false),
                _ => false,
            };
            if matches!(key.as_str(), "run" | "uses" | "with") || repeated_default {
                continue;
            }
            if kind.is_none() {
                comments.push(ctx.drop(&format!("step `{key}`"), &place, "the step is dropped", Some(value)));
                continue;
            }
            if let ("name", Node::Str(text)) = (key.as_str(), value) {
                name = Some(text.clone());
                continue;
            }
            let reason = match key.as_str() {
                "name" | "id" | "if" | "env" | "continue-on-error" | "timeout-minutes" => "no portable construct",
                "shell" | "working-directory" => "not the job's default",
                _ => "unknown step key",
            };
            comments.extend(ctx.keep(&mut github, level, key, value, &place, reason));
        }
        out.extend(comments.into_iter().map(Stmt::Comment));
        let mut plain_step = false;
        match kind {
            Some(Step::Run(script)) if script.trim().is_empty() => {
                out.push(Stmt::Comment(ctx.drop("empty `run:` step", &place, "flowc refuses empty scripts", None)));
            }
            Some(kind) => {
                let only = if matches!(kind, Step::Uses { .. }) { Some("github") } else { None };
                plain_step = only.is_none() && github.is_empty();
                out.push(Stmt::Step { only, kind, name, github });
            }
            None => out.push(Stmt::Comment(ctx.drop(
                "step",
                &place,
                "neither `run:` nor `uses:` flowc can write",
                Some(step),
            ))),
        }
        ctx.report.counts.steps += 1;
        if !ctx.report.fallbacks[before..].iter().any(|f| f.kind == super::super::FallbackKind::Dropped) {
            ctx.report.counts.steps_plain += 1;
            ctx.report.counts.steps_portable += usize::from(plain_step);
        }
    }
    out
}

fn uses(action: &str, with: Option<&Node>, place: &str, ctx: &mut Ctx, comments: &mut Vec<String>) -> Option<Step> {
    let entries = with.map(Node::entries).unwrap_or_default();
    let persist_false = [("persist-credentials".to_string(), Node::Bool(false))];
    if action == CHECKOUT && entries == persist_false {
        return Some(Step::Checkout);
    }
    let well_formed = action.starts_with("./")
        || action.starts_with("docker://")
        || action.split_once('@').is_some_and(|(name, r)| name.contains('/') && !r.is_empty());
    if !well_formed {
        comments.push(ctx.drop("`uses:` reference", place, "not OWNER/REPO@REF, ./PATH or docker://IMAGE", None));
        return None;
    }
    let mut kept = Vec::new();
    for (k, v) in entries {
        if matches!(v, Node::Str(_) | Node::Int(_) | Node::Bool(_))
            || matches!(v, Node::Float(f) if super::super::flow::is_plain_float(*f))
        {
            kept.push((k.clone(), v.clone()));
        } else {
            comments.push(ctx.drop(&format!("`with` entry `{k}`"), place, "not a string, number or boolean", Some(v)));
        }
    }
    if with.is_some_and(|w| !matches!(w, Node::Map(_))) {
        comments.push(ctx.drop("`with`", place, "not a mapping", with));
    }
    Some(Step::Uses { action: action.to_string(), with: kept })
}
