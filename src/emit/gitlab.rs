//! GitLab CI: one `.gitlab-ci.yml` for all processes.
//!
//! Jobs are named as their activities (`ACTIVITY`, and `ACTIVITY:LEG` for matrix legs, which
//! are expanded so that per-leg runners, conditions and `allow_failure` are exact); when
//! several processes share the file, `PROCESS:ACTIVITY` and `PROCESS:ACTIVITY:LEG`. `workflow:rules`
//! admits the union of all processes' triggers; when there are several processes, each job's
//! rules repeat its own process's triggers, so a process's jobs run only on its triggers.

pub mod rules;
mod upstream;

use super::yaml::Yaml;
use super::{header, insert_some, source_names, strings, Output};
use crate::check::errors;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Activity, AllowFailure, Combo, EnvVar, ExprKind, InputType, Model, Process, Runner, StepKind, Target,
};
use crate::source::SourceMap;

/// The variable that picks a process for scheduled and hand-started pipelines when a file holds several.
pub const PROCESS_VARIABLE: &str = "FLOWC_PROCESS";

/// The job name of an activity (before any matrix leg suffix): the activity's name, or the
/// `name` of its `gitlab { }` block, prefixed with the process's when `several` processes
/// share the one `.gitlab-ci.yml`.
pub fn job_name(p: &Process, a: &Activity, several: bool) -> String {
    let own = match block_value(&a.gitlab, "name") {
        Some(crate::model::Data::Str(name)) => name.as_str(),
        _ => a.name.as_str(),
    };
    match several {
        true => format!("{}:{own}", p.name),
        false => own.to_string(),
    }
}

/// A block's job `name` must be a name GitLab reads as a job: a non-empty string that is
/// not a global keyword and does not start with `.` (a hidden job).
fn block_name(a: &Activity) -> Option<Diagnostic> {
    let entry = a.gitlab.iter().find(|e| e.key == "name")?;
    let fine = match &entry.value {
        crate::model::Data::Str(s) => {
            !s.trim().is_empty() && !s.starts_with('.') && !GLOBAL_KEYS.contains(&s.as_str()) && !s.contains('\n')
        }
        _ => false,
    };
    let shown = match &entry.value {
        crate::model::Data::Str(s) => format!("the job name `{s}`"),
        _ => "a job name that is not a string".to_string(),
    };
    let help = "name the job with a string that is not empty, not a global keyword and does not start with `.`";
    (!fine).then(|| errors::cannot_express("gitlab", &shown, entry.span, help))
}

/// Top-level keys of a `.gitlab-ci.yml` that are not jobs (`types`: the old name of `stages`).
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
    "types",
];

/// The job names and inherited conditions of every process, planned once for both
/// [`capabilities`] and [`emit`].
pub struct Plans(Vec<upstream::Plan>);

impl Plans {
    pub fn new(model: &Model) -> Plans {
        let several = model.processes.len() > 1;
        Plans(model.processes.iter().map(|p| upstream::Plan::new(p, several)).collect())
    }
}

/// What GitLab cannot express, reported before emitting.
pub fn capabilities(model: &Model, plans: &Plans) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let several = model.processes.len() > 1;
    for (process, plan) in model.processes.iter().zip(&plans.0) {
        out.extend(colliding_names(process, plan));
        for (i, a) in process.activities.iter().enumerate() {
            out.extend(super::guard::warnings(model, process, a, "gitlab"));
            out.extend(quorum_warning(model, process, a));
            let shell = a.steps.iter().any(|s| s.applies_to(Target::Gitlab) && matches!(s.kind, StepKind::Run(_)));
            if !shell && !a.gitlab_script_elsewhere(&process.gitlab) {
                out.push(errors::cannot_express(
                    "gitlab",
                    &format!("activity `{}`, which has no shell step for gitlab", a.name),
                    a.name_span,
                    "add a shell step without a target, or a `gitlab step \"...\"`",
                ));
            }
            for step in a.steps.iter().filter(|s| s.only.is_none()) {
                if let StepKind::Uses { action, .. } = &step.kind {
                    out.push(errors::cannot_express(
                        "gitlab",
                        &format!("the GitHub action step `{action}`"),
                        step.span,
                        "mark it `github step uses ...` and give GitLab its own `gitlab step \"...\"`",
                    ));
                }
            }
            out.extend(block_conditions(a, plan.effective[i].is_some(), several));
            out.extend(block_name(a));
            // The first leg whose condition cannot be written (such legs are kept as jobs).
            if let Some(u) = plan.jobs[i].iter().find_map(|j| j.rule.as_ref().and_then(|r| r.as_ref().err())) {
                out.push(errors::cannot_express("gitlab", &u.what, u.span, u.help.as_str()));
            }
        }
    }
    let mut seen: Vec<(&str, &Process)> = Vec::new();
    for process in &model.processes {
        for entry in &process.gitlab {
            if let Some((_, other)) = seen.iter().find(|(k, _)| *k == entry.key) {
                out.push(
                    errors::cannot_express(
                        "gitlab",
                        &format!("two processes setting the global key `{}`", entry.key),
                        entry.span,
                        "set it in one process only",
                    )
                    .with_note(format!("process `{}` sets it too; all processes share one .gitlab-ci.yml", other.name)),
                );
            }
            seen.push((&entry.key, process));
        }
    }
    out
}

/// GitLab conditions in an activity's block (`rules`, `only`, `except`, `when`) are exact
/// only when flowc writes no `rules:` of its own for the job: no inherited condition, and a
/// single process (with several, each job's rules repeat its process's triggers).
fn block_conditions(a: &Activity, inherited: bool, several: bool) -> Option<Diagnostic> {
    let entry = a.gitlab.iter().find(|e| matches!(e.key.as_str(), "rules" | "only" | "except" | "when"))?;
    let why = match (inherited, several) {
        (true, _) => "it inherits a `when` from an activity it waits for",
        (false, true) => "several processes share the file, so flowc writes rules with each process's triggers",
        (false, false) => return None,
    };
    let d = errors::cannot_express(
        "gitlab",
        &format!("`{}` in the `gitlab {{ }}` block of `{}`", entry.key, a.name),
        entry.span,
        "state the condition with `when`",
    );
    Some(d.with_note(format!("flowc writes `rules:` for this job: {why}")))
}

/// Block data as GitLab YAML: a map of the one key `"!reference"` is GitLab's
/// `!reference [job, key, ...]` tag, which a block value cannot write otherwise.
fn data(value: &crate::model::Data) -> Yaml {
    use crate::model::Data;
    match value {
        Data::Map(entries) => match entries.as_slice() {
            [(key, list @ Data::List(_))] if key == REFERENCE => Yaml::Tagged("reference".into(), Box::new(data(list))),
            _ => Yaml::Map(entries.iter().map(|(k, v)| (k.clone(), data(v))).collect()),
        },
        Data::List(items) => Yaml::Seq(items.iter().map(data).collect()),
        other => super::data(other),
    }
}

/// The block key that stands for GitLab's `!reference` tag.
pub const REFERENCE: &str = "!reference";

/// The value of a key of a target block.
fn block_value<'a>(entries: &'a [crate::model::TargetEntry], key: &str) -> Option<&'a crate::model::Data> {
    entries.iter().find(|e| e.key == key).map(|e| &e.value)
}

/// Appends (or replaces) the entries of a block's map to a generated map.
fn merge(into: &mut Yaml, block: &crate::model::Data) {
    if let Yaml::Map(entries) = data(block) {
        for (k, v) in entries {
            into.insert(k, v);
        }
    }
}

/// Jobs with the same name: matrix legs whose values join alike (`a-b`+`c` and `a`+`b-c`),
/// or a block's `name` that another job has.
fn colliding_names(p: &Process, plan: &upstream::Plan) -> Option<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    for (i, a) in p.activities.iter().enumerate() {
        if let Some(name) = plan.names(i).find(|name| !seen.insert(name.to_string())) {
            let (what, help) = match a.matrix {
                Some(_) => (
                    format!("two legs of `{}` that would both be named `{name}`", a.name),
                    "choose matrix values that stay distinct when joined with `-`",
                ),
                None => (
                    format!("the job `{name}` of `{}`, a name another job has", a.name),
                    "give each job a name of its own (`gitlab { name: ... }`)",
                ),
            };
            return Some(errors::cannot_express("gitlab", &what, a.name_span, help));
        }
    }
    None
}

/// GitLab approval rules name one user or group each and must all be met: "N of a role" is
/// exact only for a role that is one group, or when N is every member.
fn quorum_warning(model: &Model, p: &Process, a: &Activity) -> Option<Diagnostic> {
    let approval = a.approval.as_ref()?;
    let role = model.role(p, &approval.role)?;
    let one_group = role.members.len() == 1 && !role.teams().is_empty();
    // Without run_by, one approval is exact: only approvers may start the manual job.
    let starting_is_approving = a.run_by.is_none() && approval.quorum <= 1;
    if one_group || starting_is_approving || approval.quorum as usize >= role.members.len() {
        return None;
    }
    let d = Diagnostic::warning(
        errors::NOT_ENFORCED,
        format!("{} of `{}` becomes an approval from every member on gitlab", approval.quorum, approval.role),
        approval.span,
        "stricter on gitlab",
    )
    .with_note("GitLab's approval rules each name one user or group, and all of them must approve")
    .with_help(format!(
        "make `{}` a single `team \"group/path\"` to require {} approvals from it",
        approval.role, approval.quorum
    ));
    Some(d)
}

/// The one `.gitlab-ci.yml`. The model must have passed [`capabilities`] with these `plans`.
pub fn emit(model: &Model, plans: &Plans, sources: &SourceMap) -> Output {
    let several = model.processes.len() > 1;
    let mut doc = Yaml::map();
    // `on any` admits every pipeline: the union of the triggers is then no `workflow:` at all.
    if model.processes.iter().all(|p| p.triggers.any.is_none()) {
        let rules: Vec<Yaml> = dedupe(model.processes.iter().flat_map(|p| trigger_rules(p, several)).collect());
        doc.insert("workflow", Yaml::map().with("rules", Yaml::Seq(rules)));
    }
    let inputs: Vec<(String, Yaml)> =
        model.processes.iter().flat_map(|p| p.inputs().iter().map(input_variable)).collect();
    if !inputs.is_empty() {
        doc.insert("variables", Yaml::Map(dedupe_keys(inputs)));
    }
    for entry in model.processes.iter().flat_map(|p| &p.gitlab) {
        match (entry.key.as_str(), doc.get_mut("variables")) {
            // Beside the inputs of another process.
            ("variables", Some(vars)) => merge(vars, &entry.value),
            (key, _) => doc.insert(key, data(&entry.value)),
        }
    }
    for (process, plan) in model.processes.iter().zip(&plans.0) {
        for (i, jobs) in plan.jobs.iter().enumerate() {
            for j in jobs {
                // Job names are unique (checked in `capabilities`): append without a key search.
                if let Yaml::Map(entries) = &mut doc {
                    entries.push((j.name.clone(), job(model, process, plan, i, j, several)));
                }
            }
        }
    }
    Output {
        path: ".gitlab-ci.yml".into(),
        contents: super::yaml::to_document(&doc, &header(&source_names(model, sources))),
    }
}

fn dedupe(items: Vec<Yaml>) -> Vec<Yaml> {
    let mut out: Vec<Yaml> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn dedupe_keys(items: Vec<(String, Yaml)>) -> Vec<(String, Yaml)> {
    let mut out: Vec<(String, Yaml)> = Vec::new();
    for (k, v) in items {
        if !out.iter().any(|(ok, _)| *ok == k) {
            out.push((k, v));
        }
    }
    out
}

/// The dotenv variable carrying an activity's output to later jobs.
pub fn output_variable(activity: &str, name: &str) -> String {
    format!("FLOWC_OUT_{}_{name}", activity.replace('-', "_"))
}

/// One `(if, changes)` rule per trigger of a process; `on any`: one rule without a test.
fn trigger_rules(p: &Process, several: bool) -> Vec<Yaml> {
    let t = &p.triggers;
    if t.any.is_some() {
        return vec![Yaml::map()];
    }
    let mut out = Vec::new();
    let pick = if several { format!(" && ${PROCESS_VARIABLE} == \"{}\"", p.name) } else { String::new() };
    if let Some(push) = &t.push {
        let mut refs: Vec<String> = push.branches.iter().map(|b| ref_test("$CI_COMMIT_BRANCH", b)).collect();
        refs.extend(push.tags.iter().map(|tag| ref_test("$CI_COMMIT_TAG", tag)));
        out.push(rule(format!("$CI_PIPELINE_SOURCE == \"push\"{}", any(&refs)), &push.paths));
    }
    if let Some(pr) = &t.pull_request {
        let refs: Vec<String> =
            pr.branches.iter().map(|b| ref_test("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", b)).collect();
        out.push(rule(format!("$CI_PIPELINE_SOURCE == \"merge_request_event\"{}", any(&refs)), &pr.paths));
    }
    if !t.schedules.is_empty() {
        out.push(rule(format!("$CI_PIPELINE_SOURCE == \"schedule\"{pick}"), &[]));
    }
    if t.manual.is_some() || out.is_empty() {
        out.push(rule(format!("$CI_PIPELINE_SOURCE == \"web\"{pick}"), &[]));
    }
    out
}

fn rule(condition: String, paths: &[String]) -> Yaml {
    let mut r = Yaml::map().with("if", condition);
    if !paths.is_empty() {
        r.insert("changes", strings(paths));
    }
    r
}

fn any(tests: &[String]) -> String {
    match tests {
        [] => String::new(),
        [one] => format!(" && {one}"),
        many => format!(" && ({})", many.join(" || ")),
    }
}

fn ref_test(variable: &str, pattern: &str) -> String {
    match rules::glob_regex(pattern) {
        Some(regex) => format!("{variable} =~ /{regex}/"),
        None => format!("{variable} == \"{pattern}\""),
    }
}

fn input_variable(input: &crate::model::Input) -> (String, Yaml) {
    let options = match &input.ty {
        InputType::Choice(options) => options.clone(),
        InputType::Boolean => vec!["true".into(), "false".into()],
        _ => Vec::new(),
    };
    let value = input.default.as_ref().map(|d| d.to_text()).or_else(|| options.first().cloned()).unwrap_or_default();
    let mut m = Yaml::map().with("value", value).with("description", format!("input `{}` of the pipeline", input.name));
    if !options.is_empty() {
        m.insert("options", strings(&options));
    }
    (input.name.clone(), m)
}

fn job(model: &Model, p: &Process, plan: &upstream::Plan, index: usize, j: &upstream::Job, several: bool) -> Yaml {
    let a = &p.activities[index];
    let leg = &j.leg;
    let mut job = Yaml::map();
    insert_some(&mut job, "image", a.image.as_deref().map(Yaml::str));
    let tags = tags(a, leg);
    if !tags.is_empty() {
        job.insert("tags", strings(&tags));
    }
    let needs = a.needs.iter().filter_map(|n| p.index.get(n).copied()).flat_map(|dep| {
        let optional = plan.may_be_absent(a, dep);
        let artifacts = takes_artifacts_from(a, &p.activities[dep]);
        plan.names(dep).map(move |name| match (optional, artifacts) {
            (false, true) => Yaml::str(name),
            _ => {
                let mut need = Yaml::map().with("job", name).with("artifacts", artifacts);
                if optional {
                    need.insert("optional", true);
                }
                need
            }
        })
    });
    // Without `after`, a block's `needs:` replaces `needs: []`, and a block's `stage` alone
    // leaves the job to GitLab's stage order.
    let gitlab_order = a.needs.is_empty() && a.gitlab.iter().any(|e| e.key == "needs" || e.key == "stage");
    if !gitlab_order {
        job.insert("needs", Yaml::Seq(needs.collect()));
    }
    let manual = a.approval.is_some();
    let rule = j
        .rule
        .as_ref()
        .map(|r| r.as_ref().unwrap_or_else(|_| panic!("capabilities() let an untranslatable condition through")));
    if let Some(rules) = job_rules(p, rule, several, manual) {
        job.insert("rules", rules);
    }
    let mut variables = variables(p, a, leg);
    if let Some(block) = block_value(&a.gitlab, "variables") {
        merge(&mut variables, block);
    }
    if variables != Yaml::map() {
        job.insert("variables", variables);
    }
    if !a.services.is_empty() {
        let services = a.services.iter().map(|s| {
            let mut m = Yaml::map().with("name", s.image.as_str()).with("alias", s.name.as_str());
            if !s.env.is_empty() {
                m.insert("variables", env_map(&s.env, leg));
            }
            m
        });
        job.insert("services", Yaml::Seq(services.collect()));
    }
    if let Some(env) = &a.environment {
        let mut e = Yaml::map().with("name", env.name.as_str());
        insert_some(&mut e, "url", env.url.as_deref().map(Yaml::str));
        job.insert("environment", e);
    }
    insert_some(&mut job, "timeout", a.timeout_minutes.map(|m| Yaml::str(format!("{m}m"))));
    insert_some(&mut job, "retry", a.retry.map(|(n, _)| Yaml::from(n)));
    let allowed = match &a.allow_failure {
        AllowFailure::No => false,
        AllowFailure::Yes => true,
        AllowFailure::When(e) => rules::evaluate(e, leg),
    };
    if allowed || manual {
        job.insert("allow_failure", allowed);
    }
    let mut script = script(a);
    if let Some(guard) = super::guard::script(model, p, a, "GITLAB_USER_LOGIN", "") {
        script.insert(0, Yaml::Str(guard));
    }
    // Without steps, the script comes from the block's template (or the job is a trigger).
    if !script.is_empty() || !a.gitlab_script_elsewhere(&p.gitlab) {
        job.insert("script", Yaml::Seq(script));
    }
    if let Some(artifacts) = artifacts(a) {
        job.insert("artifacts", artifacts);
    }
    // `name` names the job; `variables` were merged above.
    for entry in a.gitlab.iter().filter(|e| e.key != "variables" && e.key != "name") {
        job.insert(entry.key.as_str(), data(&entry.value));
    }
    job
}

/// True when `a` consumes an artifact of `dep` or reads one of its outputs (a dotenv
/// report): only then are `dep`'s artifacts downloaded, as on GitHub.
fn takes_artifacts_from(a: &Activity, dep: &Activity) -> bool {
    let reads_output = |v: &EnvVar| matches!(&v.value.kind, ExprKind::Context(crate::model::Context::Output { activity, .. }) if *activity == dep.name);
    a.consumes.iter().any(|(_, producer)| *producer == dep.name) || a.env.iter().any(reads_output)
}

fn tags(a: &Activity, leg: &Combo) -> Vec<String> {
    let runner = match &a.runner {
        Runner::Matrix(axis) => {
            Runner::named(&leg.iter().find(|(k, _)| k == axis).map(|(_, v)| v.to_text()).unwrap_or_default())
        }
        other => other.clone(),
    };
    match runner {
        Runner::Linux | Runner::Matrix(_) => Vec::new(),
        Runner::Macos => vec!["saas-macos-medium-m1".into()],
        Runner::Windows => vec!["saas-windows-medium-amd64".into()],
        Runner::Label(label) => vec![label],
    }
}

/// The job's rules, or `None` when the workflow rules alone decide.
fn job_rules(p: &Process, condition: Option<&rules::Rule>, several: bool, manual: bool) -> Option<Yaml> {
    if condition.is_none() && !manual && !several {
        return None;
    }
    let (test, when) = match &condition {
        Some(r) => (r.condition.clone(), r.when),
        None => (None, None),
    };
    let when = if manual { Some("manual") } else { when };
    let triggers = if several { trigger_rules(p, true) } else { vec![Yaml::map()] };
    let rules = triggers.into_iter().map(|mut r| {
        let joined = match (r.get("if").and_then(yaml_str), &test) {
            (Some(t), Some(c)) => Some(format!("({t}) && {c}")),
            (Some(t), None) => Some(t),
            (None, c) => c.clone(),
        };
        let mut out = Yaml::map();
        insert_some(&mut out, "if", joined.map(Yaml::Str));
        if let Some(changes) = r.get("changes").cloned() {
            out.insert("changes", changes);
        }
        // A rule must state something: an untested rule of `on any` runs the job as usual.
        let when = when.or((out == Yaml::map()).then_some("on_success"));
        insert_some(&mut out, "when", when.map(Yaml::str));
        r = out;
        r
    });
    Some(Yaml::Seq(rules.collect()))
}

fn yaml_str(y: &Yaml) -> Option<String> {
    match y {
        Yaml::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn variables(p: &Process, a: &Activity, leg: &Combo) -> Yaml {
    let mut vars = env_map(&p.env, leg);
    for (key, value) in match env_map(&a.env, leg) {
        Yaml::Map(entries) => entries,
        _ => Vec::new(),
    } {
        vars.insert(key, value);
    }
    if !a.outputs.is_empty() {
        vars.insert("FLOWC_OUTPUT", "$CI_PROJECT_DIR/.flowc-outputs.env");
    }
    vars
}

/// Environment values: literals with `$` escaped (GitLab expands variables), contexts as variables.
fn env_map(vars: &[EnvVar], leg: &Combo) -> Yaml {
    Yaml::Map(vars.iter().map(|v| (v.name.clone(), Yaml::Str(env_value(v, leg)))).collect())
}

fn env_value(var: &EnvVar, leg: &Combo) -> String {
    match &var.value.kind {
        ExprKind::Str(s) => s.replace('$', "$$"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Num(n) => crate::model::Data::Float(*n).to_text(),
        ExprKind::Context(crate::model::Context::Matrix(axis)) => {
            leg.iter().find(|(k, _)| k == axis).map(|(_, v)| v.to_text().replace('$', "$$")).unwrap_or_default()
        }
        ExprKind::Context(c) => rules::variable(c),
        _ => String::new(),
    }
}

fn script(a: &Activity) -> Vec<Yaml> {
    let mut out = Vec::new();
    if !a.outputs.is_empty() {
        out.push(Yaml::str(": > \"$FLOWC_OUTPUT\""));
    }
    for step in a.steps.iter().filter(|s| s.applies_to(Target::Gitlab)) {
        match &step.kind {
            StepKind::Run(script) => out.push(Yaml::str(script.as_str())),
            StepKind::Checkout | StepKind::Uses { .. } => {}
        }
    }
    if !a.outputs.is_empty() {
        let prefix = output_variable(&a.name, "");
        out.push(Yaml::str(format!("sed 's/^/{prefix}/' \"$FLOWC_OUTPUT\" > \"$CI_PROJECT_DIR/.flowc-dotenv.env\"")));
    }
    out
}

fn artifacts(a: &Activity) -> Option<Yaml> {
    let paths: Vec<&String> = a.produces.iter().flat_map(|art| &art.paths).collect();
    if paths.is_empty() && a.outputs.is_empty() {
        return None;
    }
    let mut m = Yaml::map();
    if !paths.is_empty() {
        m.insert("paths", strings(paths));
    }
    if !a.outputs.is_empty() {
        m.insert("reports", Yaml::map().with("dotenv", ".flowc-dotenv.env"));
    }
    Some(m)
}
