//! `github { }` and `gitlab { }` blocks: keys checked against what each target accepts at
//! that level, and refused where they would replace what flowc generates from the language.
//! A key whose construct may be left out (`if` without `when`, `on` without `on`, ...) is
//! allowed exactly when it is. Steps take `github { }` settings only (E0604 for GitLab). A
//! GitHub `name` beside the activity's or the step's portable `name "..."` is E0603.

use super::activity::data;
use super::errors;
use crate::ast::{self, Target};
use crate::diagnostic::Diagnostic;
use crate::model::{self, TargetEntry};

/// Keys of a GitHub workflow that a process block may set.
/// (`on` is allowed when the process has no `on` statement; see `process_blocks`.)
const GITHUB_WORKFLOW: &[&str] = &["name", "run-name", "permissions", "defaults", "concurrency", "on"];
/// Workflow keys flowc generates, with the construct to use instead.
const GITHUB_WORKFLOW_GENERATED: &[(&str, &str)] = &[("jobs", "`activity`"), ("env", "`env { }`")];
/// Keys of a GitHub job that an activity block may set.
/// (Keys of constructs an activity may leave out are allowed when it does; see `activity_blocks`.)
const GITHUB_JOB: &[&str] = &[
    "name",
    "permissions",
    "concurrency",
    "defaults",
    "outputs",
    "container",
    "services",
    "timeout-minutes",
    "continue-on-error",
    "if",
    "strategy",
    "runs-on",
    "environment",
    "uses",
    "with",
    "secrets",
];
const GITHUB_JOB_GENERATED: &[(&str, &str)] = &[("needs", "`after`"), ("steps", "`step`"), ("env", "`env { }`")];
/// Keys of a GitHub step that a step's block may set (`shell` and `working-directory`: `run:` steps only).
const GITHUB_STEP: &[&str] =
    &["name", "id", "if", "env", "continue-on-error", "timeout-minutes", "shell", "working-directory"];
const GITHUB_STEP_GENERATED: &[(&str, &str)] =
    &[("run", "`step \"...\"`"), ("uses", "`step uses`"), ("with", "`step uses \"...\" with { ... }`")];
/// Global keys of a `.gitlab-ci.yml` that a process block may set.
/// (`workflow` only beside `on any`, `variables` only without `env` and inputs: see `process_blocks`.)
const GITLAB_GLOBAL: &[&str] = &[
    "default",
    "include",
    "stages",
    "cache",
    "image",
    "services",
    "before_script",
    "after_script",
    "workflow",
    "variables",
];
/// Keys of a GitLab job that an activity block may set.
const GITLAB_JOB: &[&str] = &[
    "tags",
    "cache",
    "before_script",
    "after_script",
    "interruptible",
    "resource_group",
    "coverage",
    "id_tokens",
    "hooks",
    "stage",
    "extends",
    "retry",
    "inherit",
    "release",
    "pages",
    "dependencies",
    "identity",
    "dast_configuration",
    "image",
    "services",
    "timeout",
    "allow_failure",
    "artifacts",
    "name",
    "needs",
    "rules",
    "when",
    "only",
    "except",
    "variables",
    "trigger",
    "parallel",
];
const GITLAB_JOB_GENERATED: &[(&str, &str)] = &[("script", "`step`"), ("environment", "`environment`")];

/// Splits process-level blocks per target, checking their keys against the process
/// (`has_triggers`: it has an `on` statement, which then is the only source of GitHub's `on:`).
pub fn process_blocks(
    blocks: &[ast::TargetBlock],
    has_triggers: bool,
    triggers: &model::Triggers,
    env: &[model::EnvVar],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<TargetEntry>, Vec<TargetEntry>) {
    let github_generated = |k: &str| match k {
        "on" if has_triggers => Some("`on`"),
        _ => None,
    };
    let github = entries(
        blocks,
        Target::Github,
        "workflow",
        GITHUB_WORKFLOW,
        GITHUB_WORKFLOW_GENERATED,
        github_generated,
        diagnostics,
    );
    // `on any` leaves the choice of pipelines to GitLab: a `workflow:` may then state it.
    let gitlab_generated = |k: &str| match k {
        "workflow" if triggers.any.is_none() => Some("`on` (or `on any` with this block)"),
        "variables" if !env.is_empty() => Some("`env { }`"),
        "variables" if triggers.manual.as_ref().is_some_and(|inputs| !inputs.is_empty()) => {
            Some("`env { }` (the inputs of `manual` are global variables)")
        }
        _ => None,
    };
    let gitlab = entries(blocks, Target::Gitlab, "global", GITLAB_GLOBAL, &[], gitlab_generated, diagnostics);
    (github, gitlab)
}

/// Splits activity-level blocks per target, checking their keys against the activity
/// (`display_name`: its `name "..."`, which a GitHub `name` may not repeat; `runs_on_given`: it
/// has a `runs_on` statement, rather than the default runner; `after`: it waits for other
/// activities, by `after` or by consuming from them).
pub fn activity_blocks(
    blocks: &[ast::TargetBlock],
    activity: &model::Activity,
    display_name: Option<&ast::Str>,
    runs_on_given: bool,
    after: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<TargetEntry>, Vec<TargetEntry>) {
    let a = activity;
    let github_generated = |k: &str| match k {
        "runs-on" if runs_on_given => Some("`runs_on`"),
        "uses" if a.steps.iter().any(|s| s.applies_to(Target::Github)) => Some("steps for github"),
        "secrets" if !a.secrets.is_empty() => Some("`secret`"),
        "environment" if a.environment.is_some() => Some("`environment`"),
        "if" if a.condition.is_some() => Some("`when`"),
        "strategy" if a.matrix.is_some() => Some("`matrix`"),
        "outputs" if !a.outputs.is_empty() => Some("`output`"),
        "container" if a.image.is_some() => Some("`image`"),
        "services" if !a.services.is_empty() => Some("`service`"),
        "timeout-minutes" if a.timeout_minutes.is_some() => Some("`timeout`"),
        "continue-on-error" if !matches!(a.allow_failure, model::AllowFailure::No) => Some("`allow_failure`"),
        _ => None,
    };
    let mut github =
        entries(blocks, Target::Github, "job", GITHUB_JOB, GITHUB_JOB_GENERATED, github_generated, diagnostics);
    if let Some(portable) = display_name {
        for entry in github.iter().filter(|e| e.key == "name") {
            diagnostics.push(errors::activity_name_conflict(entry.span, portable.span));
        }
        github.retain(|e| e.key != "name");
    }
    if !github.iter().any(|e| e.key == "uses") {
        for entry in github.iter().filter(|e| matches!(e.key.as_str(), "with" | "secrets")) {
            diagnostics.push(errors::call_key_without_uses(&entry.key, entry.span));
        }
    }
    let gitlab_generated = |k: &str| match k {
        "tags" if !matches!(a.runner, model::Runner::Linux) => Some("`runs_on`"),
        "retry" if a.retry.is_some() => Some("`retry`"),
        "image" if a.image.is_some() => Some("`image`"),
        "services" if !a.services.is_empty() => Some("`service`"),
        "timeout" if a.timeout_minutes.is_some() => Some("`timeout`"),
        "allow_failure" if a.approval.is_some() || !matches!(a.allow_failure, model::AllowFailure::No) => {
            Some("`allow_failure` or `approved_by`")
        }
        "artifacts" if !a.produces.is_empty() || !a.outputs.is_empty() => Some("`produces` or `output`"),
        // GitLab's own ordering and conditions, for an activity that states none of flowc's.
        "needs" if after => Some("`after`"),
        "rules" | "only" | "except" if a.condition.is_some() || a.approval.is_some() => Some("`when` or `approved_by`"),
        "when" if a.condition.is_some() || a.approval.is_some() => Some("`when` or `approved_by`"),
        "variables" if !a.env.is_empty() || !a.outputs.is_empty() => Some("`env { }` or `output`"),
        "parallel" if a.matrix.is_some() => Some("`matrix`"),
        // A trigger job runs no script of its own.
        "trigger"
            if a.steps.iter().any(|s| s.applies_to(Target::Gitlab)) || !a.outputs.is_empty() || a.run_by.is_some() =>
        {
            Some("`step` (a trigger job runs no script)")
        }
        _ => None,
    };
    let gitlab =
        entries(blocks, Target::Gitlab, "job", GITLAB_JOB, GITLAB_JOB_GENERATED, gitlab_generated, diagnostics);
    (github, gitlab)
}

/// A step's blocks: GitHub keys checked against the step's kind; any other block is E0604.
pub fn step_blocks(step: &ast::Step, diagnostics: &mut Vec<Diagnostic>) -> Vec<TargetEntry> {
    for block in &step.targets {
        let runs_there = step.only.is_none_or(|t| t == block.target);
        if block.target == Target::Gitlab || !runs_there {
            let only = step.only.filter(|_| !runs_there).map(Target::name);
            diagnostics.push(errors::step_block_target(block.target.name(), block.span, only));
        }
    }
    let runs = matches!(step.kind, ast::StepKind::Run(_));
    let allowed = if runs { GITHUB_STEP } else { &GITHUB_STEP[..6] };
    if step.only == Some(Target::Gitlab) {
        return Vec::new();
    }
    let level = if runs { "step" } else { "action step" };
    let mut out = entries(&step.targets, Target::Github, level, allowed, GITHUB_STEP_GENERATED, |_| None, diagnostics);
    if let Some(portable) = step.names.first() {
        for entry in out.iter().filter(|e| e.key == "name") {
            diagnostics.push(errors::step_name_conflict(entry.span, portable.span));
        }
        out.retain(|e| e.key != "name");
    }
    out
}

fn entries(
    blocks: &[ast::TargetBlock],
    target: Target,
    level: &str,
    allowed: &[&str],
    generated: &[(&str, &str)],
    generated_here: impl Fn(&str) -> Option<&'static str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<TargetEntry> {
    let mut out: Vec<TargetEntry> = Vec::new();
    for (key, value) in blocks.iter().filter(|b| b.target == target).flat_map(|b| &b.entries) {
        let name = key.value.as_str();
        if let Some((_, construct)) = generated.iter().find(|(k, _)| *k == name) {
            diagnostics.push(errors::target_key_conflict(target.name(), name, key.span, construct));
            continue;
        }
        if let Some(construct) = generated_here(name) {
            let owner = if matches!(level, "job") { "activity" } else { "process" };
            let d = errors::target_key_conflict(target.name(), name, key.span, construct);
            diagnostics.push(d.with_note(format!(
                "a {target} block may set `{name}` only when the {owner} has no {construct}",
                target = target.name()
            )));
            continue;
        }
        if !allowed.contains(&name) {
            let known = allowed.iter().copied().chain(generated.iter().map(|(k, _)| *k));
            let d = errors::unknown_target_key(target.name(), level, name, key.span, known);
            diagnostics.push(d.with_note(format!("keys flowc passes through at this level: {}", allowed.join(", "))));
            continue;
        }
        if let Some(first) = out.iter().find(|e| e.key == name) {
            diagnostics.push(errors::duplicate_statement(name, key.span, first.span));
            continue;
        }
        out.push(TargetEntry { key: name.to_string(), value: data(value), span: key.span });
    }
    out
}
