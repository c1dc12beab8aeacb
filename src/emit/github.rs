//! GitHub Actions: one workflow file per process.
//!
//! A process becomes `.github/workflows/<process>.yml`; each activity a job. Artifacts
//! travel as tar files (which keep paths and permissions) through the artifact actions;
//! outputs through a file named by `$FLOWC_OUTPUT` that a last step publishes.

pub mod expr;

use super::yaml::Yaml;
use super::{data, header, insert_some, strings, Output};
use crate::check::errors;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Activity, AllowFailure, Data, EnvVar, ExprKind, InputType, Model, Process, Runner, Step, StepKind, Target,
    TargetEntry, Triggers,
};
use crate::pins::Pins;
use crate::source::SourceMap;

const CHECKOUT: &str = "actions/checkout@v5";
const UPLOAD: &str = "actions/upload-artifact@v6";
const DOWNLOAD: &str = "actions/download-artifact@v7";

/// What GitHub cannot express (errors) or only document (warnings), reported before emitting.
pub fn capabilities(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for process in &model.processes {
        for activity in &process.activities {
            out.extend(super::guard::warnings(model, process, activity, "github"));
            out.extend(approval_warnings(model, process, activity));
        }
    }
    for span in model.processes.iter().filter_map(|p| p.triggers.any) {
        out.push(errors::cannot_express(
            "github",
            "`on any` (every event)",
            span,
            "name the events: `on push, pull_request, schedule(...), manual`",
        ));
    }
    for activity in model.processes.iter().flat_map(|p| &p.activities) {
        if let Some(condition) = activity.condition.as_ref().filter(|c| c.reads_matrix()) {
            out.push(errors::cannot_express(
                "github",
                "a job condition that reads a matrix value",
                condition.span,
                "GitHub evaluates a job's `if` before the matrix exists; drop legs with `exclude { ... }` instead",
            ));
        }
        if let Some(call) = activity.github_call() {
            out.extend(call_limits(activity, call.span));
        } else if !activity.steps.iter().any(|s| s.applies_to(Target::Github)) {
            out.push(errors::cannot_express(
                "github",
                &format!("activity `{}`, which has no step for github", activity.name),
                activity.name_span,
                "add a step without a target, or a `github step`",
            ));
        }
        if let Some((count, span)) = activity.retry {
            out.push(errors::cannot_express(
                "github",
                "retrying an activity",
                span,
                format!("GitHub Actions has no job retry; remove `retry`, or write `gitlab {{ retry: {count} }}` to retry on GitLab only"),
            ));
        }
    }
    out
}

/// A job that calls a reusable workflow has no runner, steps or environment of its own.
fn call_limits(a: &Activity, span: crate::source::Span) -> Option<Diagnostic> {
    let given = [
        ("`runs_on`", !matches!(a.runner, Runner::Linux)),
        ("`image`", a.image.is_some()),
        ("`env { }`", !a.env.is_empty()),
        ("`secret`", !a.secrets.is_empty()),
        ("`service`", !a.services.is_empty()),
        ("`timeout`", a.timeout_minutes.is_some()),
        ("`allow_failure`", !matches!(a.allow_failure, AllowFailure::No)),
        ("`environment`", a.environment.is_some()),
        ("`run_by`", a.run_by.is_some()),
        ("`produces`", !a.produces.is_empty()),
        ("`consumes`", !a.consumes.is_empty()),
        ("`output`", !a.outputs.is_empty()),
    ];
    let found: Vec<&str> = given.iter().filter(|(_, g)| *g).map(|(name, _)| *name).collect();
    if found.is_empty() {
        return None;
    }
    Some(
        errors::cannot_express(
            "github",
            &format!("{} in activity `{}`, which calls a reusable workflow", found.join(", "), a.name),
            span,
            "pass what the called workflow needs with `with` and `secrets` in the github block",
        )
        .with_label(a.name_span, "the activity"),
    )
}

/// Limits of GitHub environments' required reviewers: one approval suffices, six reviewers at most.
fn approval_warnings(model: &Model, process: &Process, a: &Activity) -> Vec<Diagnostic> {
    let Some(approval) = &a.approval else { return Vec::new() };
    let mut out = Vec::new();
    if approval.quorum > 1 {
        out.push(
            Diagnostic::warning(
                errors::NOT_ENFORCED,
                format!("a quorum of {} is not enforced on github", approval.quorum),
                approval.span,
                "documented only",
            )
            .with_note("a GitHub environment's required reviewers proceed on one approval")
            .with_help("on GitLab, a role that is one group enforces the quorum through the approval rule"),
        );
    }
    let members = model.role(process, &approval.role).map_or(0, |r| r.members.len());
    if members > 6 {
        out.push(
            Diagnostic::warning(
                errors::NOT_ENFORCED,
                format!("only 6 of the {members} members of `{}` can be required reviewers on github", approval.role),
                approval.span,
                "more than 6 reviewers",
            )
            .with_help("approve with a team, which counts as one reviewer"),
        );
    }
    out
}

/// One workflow per process. The model must have passed [`capabilities`].
pub fn emit(model: &Model, sources: &SourceMap, pins: &Pins) -> Vec<Output> {
    model
        .processes
        .iter()
        .map(|process| {
            let source = sources.get(process.file).name.as_str();
            Output {
                path: format!(".github/workflows/{}.yml", process.name),
                contents: super::yaml::to_document(&pin(workflow(model, process), pins), &header(&[source])),
            }
        })
        .collect()
}

/// Replaces every `uses:` value listed in `pins` by its commit.
fn pin(doc: Yaml, pins: &Pins) -> Yaml {
    if pins.is_empty() {
        return doc;
    }
    match doc {
        Yaml::Map(entries) => Yaml::Map(
            entries
                .into_iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("uses", Yaml::Str(action)) => (k, Yaml::Str(pins.resolve(&action))),
                    (_, v) => (k, pin(v, pins)),
                })
                .collect(),
        ),
        Yaml::Seq(items) => Yaml::Seq(items.into_iter().map(|i| pin(i, pins)).collect()),
        other => other,
    }
}

fn workflow(model: &Model, process: &Process) -> Yaml {
    let mut doc = Yaml::map().with("name", process.name.as_str()).with("on", triggers(&process.triggers));
    if !repository_default(&process.github) {
        // Nothing by default; each job asks for what its steps need (see `permissions`).
        doc.insert("permissions", Yaml::map());
    }
    doc.insert("defaults", Yaml::map().with("run", Yaml::map().with("shell", "bash")));
    if !process.env.is_empty() {
        doc.insert("env", env_map(&process.env, process));
    }
    for entry in process.github.iter().filter(|e| !is_repository_default(e)) {
        doc.insert(entry.key.as_str(), data(&entry.value));
    }
    let jobs = process.activities.iter().map(|a| (a.name.clone(), job(model, a, process))).collect();
    doc.insert("jobs", Yaml::Map(jobs));
    doc
}

fn triggers(t: &Triggers) -> Yaml {
    let mut on = Yaml::map();
    if let Some(push) = &t.push {
        let mut m = Yaml::map();
        for (key, list) in [("branches", &push.branches), ("tags", &push.tags), ("paths", &push.paths)] {
            if !list.is_empty() {
                m.insert(key, strings(list));
            }
        }
        on.insert("push", m);
    }
    if let Some(pr) = &t.pull_request {
        let mut m = Yaml::map();
        for (key, list) in [("branches", &pr.branches), ("paths", &pr.paths)] {
            if !list.is_empty() {
                m.insert(key, strings(list));
            }
        }
        on.insert("pull_request", m);
    }
    if !t.schedules.is_empty() {
        on.insert(
            "schedule",
            Yaml::Seq(t.schedules.iter().map(|s| Yaml::map().with("cron", s.cron.as_str())).collect()),
        );
    }
    let no_trigger = t.push.is_none() && t.pull_request.is_none() && t.schedules.is_empty();
    if t.manual.is_some() || no_trigger {
        on.insert("workflow_dispatch", workflow_dispatch(t.manual.as_deref().unwrap_or(&[])));
    }
    on
}

fn workflow_dispatch(inputs: &[crate::model::Input]) -> Yaml {
    if inputs.is_empty() {
        return Yaml::map();
    }
    let inputs = inputs
        .iter()
        .map(|input| {
            let mut m = Yaml::map();
            m.insert("description", format!("{} ({})", input.name, type_name(&input.ty)));
            m.insert("required", input.default.is_none());
            let ty = match &input.ty {
                InputType::String => "string",
                InputType::Boolean => "boolean",
                InputType::Number => "number",
                InputType::Choice(_) => "choice",
            };
            m.insert("type", ty);
            if let InputType::Choice(options) = &input.ty {
                m.insert("options", strings(options));
            }
            insert_some(&mut m, "default", input.default.as_ref().map(data));
            (input.name.clone(), m)
        })
        .collect();
    Yaml::map().with("inputs", Yaml::Map(inputs))
}

fn type_name(ty: &InputType) -> &'static str {
    match ty {
        InputType::String => "string",
        InputType::Boolean => "boolean",
        InputType::Number => "number",
        InputType::Choice(_) => "one of the options",
    }
}

/// Environment values: literals as strings, contexts as `${{ }}`.
fn env_map(vars: &[EnvVar], process: &Process) -> Yaml {
    Yaml::Map(vars.iter().map(|v| (v.name.clone(), env_value(v, process))).collect())
}

fn env_value(var: &EnvVar, process: &Process) -> Yaml {
    match &var.value.kind {
        ExprKind::Str(s) => Yaml::str(s.as_str()),
        ExprKind::Bool(b) => Yaml::str(b.to_string()),
        ExprKind::Num(_) => Yaml::str(expr::render(&var.value, process.inputs())),
        _ => Yaml::str(expr::wrapped(&var.value, process.inputs())),
    }
}

fn job(model: &Model, a: &Activity, process: &Process) -> Yaml {
    let inputs = process.inputs();
    let mut job = Yaml::map();
    insert_some(&mut job, "name", a.display_name.as_deref().map(Yaml::str));
    if !a.needs.is_empty() {
        job.insert("needs", strings(&a.needs));
    }
    insert_some(&mut job, "if", a.condition.as_ref().map(|c| Yaml::str(expr::wrapped(c, inputs))));
    let own_permissions = a.github.iter().any(|e| e.key == "permissions");
    if !repository_default(&a.github) && (own_permissions || !repository_default(&process.github)) {
        job.insert("permissions", permissions(a));
    }
    let call = a.github_call().is_some();
    if !call {
        job.insert("runs-on", runner(a));
    }
    insert_some(&mut job, "container", a.image.as_deref().map(Yaml::str));
    if let Some(env) = &a.environment {
        let value = match &env.url {
            None => Yaml::str(env.name.as_str()),
            Some(url) => Yaml::map().with("name", env.name.as_str()).with("url", url.as_str()),
        };
        job.insert("environment", value);
    }
    insert_some(&mut job, "timeout-minutes", a.timeout_minutes.map(Yaml::from));
    match &a.allow_failure {
        AllowFailure::No => {}
        AllowFailure::Yes => job.insert("continue-on-error", true),
        AllowFailure::When(e) => job.insert("continue-on-error", expr::wrapped(e, inputs)),
    }
    if let Some(matrix) = &a.matrix {
        job.insert("strategy", strategy(matrix));
    }
    if !a.services.is_empty() {
        let services = a.services.iter().map(|s| {
            let mut m = Yaml::map().with("image", s.image.as_str());
            if !s.env.is_empty() {
                m.insert("env", env_map(&s.env, process));
            }
            (s.name.clone(), m)
        });
        job.insert("services", Yaml::Map(services.collect()));
    }
    let mut env = env_map(&a.env, process);
    for secret in &a.secrets {
        env.insert(secret.as_str(), format!("${{{{ secrets.{secret} }}}}"));
    }
    if env != Yaml::map() {
        job.insert("env", env);
    }
    if !a.outputs.is_empty() {
        let outputs =
            a.outputs.iter().map(|o| (o.clone(), Yaml::str(format!("${{{{ steps.flowc-outputs.outputs.{o} }}}}"))));
        job.insert("outputs", Yaml::Map(outputs.collect()));
    }
    for entry in a.github.iter().filter(|e| !is_repository_default(e)) {
        job.insert(entry.key.as_str(), data(&entry.value));
    }
    if !call {
        job.insert("steps", Yaml::Seq(steps(model, process, a)));
    }
    job
}

/// `permissions: default` in a block: no `permissions:` at that level, so a job gets the
/// workflow's and a workflow the repository's default token permissions.
fn is_repository_default(entry: &TargetEntry) -> bool {
    entry.key == "permissions" && matches!(&entry.value, Data::Str(s) if s == "default")
}

fn repository_default(block: &[TargetEntry]) -> bool {
    block.iter().any(is_repository_default)
}

/// The least the job's token needs: reading the repository for a checkout, an action or a
/// called workflow (which may read it), nothing otherwise. Artifacts travel with the
/// runner's own token.
fn permissions(a: &Activity) -> Yaml {
    let reads = a.github_call().is_some()
        || a.steps.iter().filter(|s| s.applies_to(Target::Github)).any(|s| !matches!(s.kind, StepKind::Run(_)));
    if reads {
        Yaml::map().with("contents", "read")
    } else {
        Yaml::map()
    }
}

fn hosted(runner: &Runner) -> Option<&'static str> {
    match runner {
        Runner::Linux => Some("ubuntu-latest"),
        Runner::Macos => Some("macos-latest"),
        Runner::Windows => Some("windows-latest"),
        _ => None,
    }
}

fn runner(a: &Activity) -> Yaml {
    match &a.runner {
        Runner::Label(label) => Yaml::str(label.as_str()),
        Runner::Matrix(axis) => {
            let values =
                a.matrix.iter().flat_map(|m| m.legs()).filter_map(|leg| leg.into_iter().find(|(k, _)| k == axis));
            let mut map = serde_json::Map::new();
            for (_, value) in values {
                let name = value.to_text();
                if let Some(label) = hosted(&Runner::named(&name)) {
                    map.insert(name, serde_json::Value::String(label.into()));
                }
            }
            if map.is_empty() {
                return Yaml::str(format!("${{{{ matrix.{axis} }}}}"));
            }
            let json = expr::quote(&serde_json::Value::Object(map).to_string());
            Yaml::str(format!("${{{{ fromJSON({json})[matrix.{axis}] || matrix.{axis} }}}}"))
        }
        named => Yaml::str(hosted(named).unwrap_or("ubuntu-latest")),
    }
}

fn strategy(m: &crate::model::Matrix) -> Yaml {
    let mut matrix = Yaml::Map(
        m.axes.iter().map(|(axis, values)| (axis.clone(), Yaml::Seq(values.iter().map(data).collect()))).collect(),
    );
    let combos = |list: &[crate::model::Combo]| {
        Yaml::Seq(list.iter().map(|c| Yaml::Map(c.iter().map(|(k, v)| (k.clone(), data(v))).collect())).collect())
    };
    if !m.include.is_empty() {
        matrix.insert("include", combos(&m.include));
    }
    if !m.exclude.is_empty() {
        matrix.insert("exclude", combos(&m.exclude));
    }
    Yaml::map().with("fail-fast", false).with("matrix", matrix)
}

fn steps(model: &Model, process: &Process, a: &Activity) -> Vec<Yaml> {
    let mut out = Vec::new();
    if let Some(script) = super::guard::script(model, process, a, "FLOWC_ACTOR", "::error::") {
        // `triggering_actor` is who started this run (a re-run too); `actor` is the fallback some runners need.
        let env = Yaml::map().with("FLOWC_ACTOR", "${{ github.triggering_actor || github.actor }}");
        out.push(Yaml::map().with("name", "Check who started the run").with("env", env).with("run", script));
    }
    if !a.outputs.is_empty() {
        let script = "echo \"FLOWC_OUTPUT=$RUNNER_TEMP/flowc-outputs.env\" >> \"$GITHUB_ENV\"\n: > \"$RUNNER_TEMP/flowc-outputs.env\"\n";
        out.push(Yaml::map().with("name", "Prepare outputs").with("run", script));
    }
    let user: Vec<&Step> = a.steps.iter().filter(|s| s.applies_to(Target::Github)).collect();
    let downloads_at = user.iter().position(|s| matches!(s.kind, StepKind::Checkout)).map_or(0, |i| i + 1);
    for (i, step) in user.iter().enumerate() {
        if i == downloads_at {
            out.extend(downloads(a));
        }
        out.push(step_yaml(step));
    }
    if downloads_at >= user.len() {
        out.extend(downloads(a));
    }
    for artifact in &a.produces {
        let tar = format!("$RUNNER_TEMP/flowc-artifact-{}.tar", artifact.name);
        let paths = artifact.paths.iter().map(|p| shell_path(p)).collect::<Vec<_>>().join(" ");
        out.push(
            Yaml::map()
                .with("name", format!("Pack artifact {}", artifact.name))
                .with("run", format!("tar -cf \"{tar}\" {paths}\n")),
        );
        let with = Yaml::map()
            .with("name", artifact.name.as_str())
            .with("path", format!("${{{{ runner.temp }}}}/flowc-artifact-{}.tar", artifact.name))
            .with("if-no-files-found", "error");
        out.push(
            Yaml::map()
                .with("name", format!("Upload artifact {}", artifact.name))
                .with("uses", UPLOAD)
                .with("with", with),
        );
    }
    if !a.outputs.is_empty() {
        out.push(
            Yaml::map()
                .with("name", "Publish outputs")
                .with("id", "flowc-outputs")
                .with("run", "cat \"$FLOWC_OUTPUT\" >> \"$GITHUB_OUTPUT\"\n"),
        );
    }
    out
}

/// One user step: its `name` (portable, or from its `github { }` block), `id` and `if`
/// first, then what it runs, then its other settings.
fn step_yaml(step: &Step) -> Yaml {
    const LEADING: [&str; 3] = ["name", "id", "if"];
    let mut m = Yaml::map();
    if let Some(name) = &step.name {
        m.insert("name", name.as_str());
    }
    for entry in LEADING.iter().filter_map(|k| step.github.iter().find(|e| e.key == *k)) {
        m.insert(entry.key.as_str(), data(&entry.value));
    }
    match &step.kind {
        StepKind::Checkout => {
            m.insert("uses", CHECKOUT);
            m.insert("with", Yaml::map().with("persist-credentials", false));
        }
        StepKind::Run(script) => m.insert("run", script.as_str()),
        StepKind::Uses { action, with } => {
            m.insert("uses", action.as_str());
            if !with.is_empty() {
                m.insert("with", Yaml::Map(with.iter().map(|(k, v)| (k.clone(), data(v))).collect()));
            }
        }
    }
    for entry in step.github.iter().filter(|e| !LEADING.contains(&e.key.as_str())) {
        m.insert(entry.key.as_str(), data(&entry.value));
    }
    m
}

fn downloads(a: &Activity) -> Vec<Yaml> {
    let mut out = Vec::new();
    for (artifact, _) in &a.consumes {
        let with = Yaml::map()
            .with("name", artifact.as_str())
            .with("path", format!("${{{{ runner.temp }}}}/flowc-artifacts/{artifact}"));
        out.push(
            Yaml::map().with("name", format!("Download artifact {artifact}")).with("uses", DOWNLOAD).with("with", with),
        );
        let script = format!("tar -xf \"$RUNNER_TEMP/flowc-artifacts/{artifact}/flowc-artifact-{artifact}.tar\"\n");
        out.push(Yaml::map().with("name", format!("Unpack artifact {artifact}")).with("run", script));
    }
    out
}

/// A path for the shell: quoted unless it holds a glob the shell must expand.
pub(crate) fn shell_path(path: &str) -> String {
    if path.contains(['*', '?', '[']) {
        path.to_string()
    } else {
        format!("\"{path}\"")
    }
}
