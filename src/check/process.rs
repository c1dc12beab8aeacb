//! Process-level lowering: owner, triggers and inputs, env, secrets, and its activities.

use super::roles::{self, Roles};
use super::{activity, check_unique, errors, expr, graph, is_env_name, targets};
use crate::ast::{self, ArgValue, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::model::{self, Data, Input, InputType, Triggers};

pub fn lower(p: &ast::Process, roles: &Roles, diagnostics: &mut Vec<Diagnostic>) -> model::Process {
    let owner = single_role(p, &p.owner, "owner", roles, diagnostics);
    if p.owner.is_empty() {
        diagnostics.push(errors::missing_owner(&p.name.name, p.name.span));
    }
    let manager = single_role(p, &p.manager, "manager", roles, diagnostics);
    check_unique("secret", &p.secrets, diagnostics);
    for secret in p.secrets.iter().filter(|s| !is_env_name(&s.name)) {
        diagnostics.push(errors::invalid(
            secret.span,
            format!("`{}` is not a valid secret name", secret.name),
            "use letters, digits and `_`",
        ));
    }
    let triggers = triggers(&p.triggers, diagnostics);
    // A `github { on: ... }` block is a deliberate choice of GitHub triggers: no warning.
    let github_on = p
        .targets
        .iter()
        .filter(|b| b.target == ast::Target::Github)
        .flat_map(|b| &b.entries)
        .any(|(k, _)| k.value == "on");
    if triggers.push.is_none()
        && triggers.pull_request.is_none()
        && triggers.schedules.is_empty()
        && triggers.manual.is_none()
        && !github_on
        && triggers.any.is_none()
    {
        diagnostics.push(
            Diagnostic::warning(
                errors::NO_TRIGGER,
                format!("process `{}` has no trigger; it can only be started by hand", p.name.name),
                p.name.span,
                "no `on`",
            )
            .with_help("add a trigger such as `on push(branches: [\"main\"])` or `on manual`"),
        );
    }
    let scope = expr::Scope::process(&triggers);
    let env = env_vars(&p.env, &scope, diagnostics);
    let secrets: Vec<String> = p.secrets.iter().map(|s| s.name.clone()).collect();
    let mut activities = activity::lower_all(p, &triggers, &secrets, roles, diagnostics);
    graph::order(p, &mut activities, diagnostics);
    warn_unused_secrets(p, &activities, diagnostics);
    let (github, gitlab) = targets::process_blocks(&p.targets, !p.triggers.is_empty(), &triggers, &env, diagnostics);
    let activities: Vec<model::Activity> = activities.into_iter().map(|a| a.model).collect();
    // A GitHub job may call a reusable workflow (`github { uses: ... }`) and a GitLab job take
    // its script from elsewhere (`Activity::gitlab_script_elsewhere`): then no step is needed.
    let calls_workflow = |a: &model::Activity| a.github.iter().any(|e| e.key == "uses");
    let without_steps =
        |a: &&model::Activity| a.steps.is_empty() && !calls_workflow(a) && !a.gitlab_script_elsewhere(&gitlab);
    for a in activities.iter().filter(without_steps) {
        diagnostics.push(errors::missing(
            a.name_span,
            format!("activity `{}` has no steps", a.name),
            "add a step such as `step \"make test\"`",
        ));
    }
    model::Process {
        index: model::Process::index_activities(&activities),
        name: p.name.name.clone(),
        file: p.span.file,
        span: p.span,
        owner: owner.unwrap_or_default(),
        manager,
        policies: p.policies.iter().map(|i| i.name.clone()).collect(),
        triggers,
        env,
        secrets,
        activities,
        github,
        gitlab,
    }
}

fn single_role(
    p: &ast::Process,
    given: &[ast::Ident],
    what: &str,
    roles: &Roles,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    if let [first, second, ..] = given {
        diagnostics.push(
            errors::duplicate_statement(what, second.span, first.span)
                .with_note(format!("process `{}` has exactly one {what}", p.name.name)),
        );
    }
    given.first().and_then(|ident| roles::resolve(roles, ident, diagnostics))
}

/// Lowers `env { }` entries: valid names, no duplicates, literal or context values.
pub fn env_vars(
    entries: &[ast::EnvEntry],
    scope: &expr::Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<model::EnvVar> {
    check_unique("environment variable", entries.iter().map(|e| &e.name), diagnostics);
    entries
        .iter()
        .filter_map(|entry| {
            if !is_env_name(&entry.name.name) {
                diagnostics.push(errors::invalid(
                    entry.name.span,
                    format!("`{}` is not a valid environment variable name", entry.name.name),
                    "use letters, digits and `_`, not starting with a digit",
                ));
            }
            let value = expr::env_value(&entry.value, scope, diagnostics)?;
            Some(model::EnvVar { name: entry.name.name.clone(), value })
        })
        .collect()
}

const TRIGGERS: [&str; 5] = ["push", "pull_request", "schedule", "manual", "any"];

fn triggers(given: &[ast::Trigger], diagnostics: &mut Vec<Diagnostic>) -> Triggers {
    let mut out = Triggers::default();
    let mut seen: Vec<(&str, crate::source::Span)> = Vec::new();
    for trigger in given {
        let kind = trigger.kind.name.as_str();
        if !TRIGGERS.contains(&kind) {
            diagnostics.push(errors::unknown(errors::UNKNOWN_TRIGGER, "trigger", kind, trigger.kind.span, TRIGGERS));
            continue;
        }
        if kind != "schedule" {
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kind) {
                diagnostics.push(
                    errors::duplicate_statement(kind, trigger.kind.span, *first)
                        .with_help("give all its arguments in one trigger"),
                );
                continue;
            }
            seen.push((kind, trigger.kind.span));
        }
        match kind {
            "push" => {
                let mut push = model::Push::default();
                for arg in args(trigger, &["branches", "tags", "paths"], diagnostics) {
                    let list = strings(arg, diagnostics);
                    if arg.name.name != "paths" {
                        check_ref_patterns(arg, &list, diagnostics);
                    }
                    match arg.name.name.as_str() {
                        "branches" => push.branches = list,
                        "tags" => push.tags = list,
                        _ => push.paths = list,
                    }
                }
                out.push = Some(push);
            }
            "pull_request" => {
                let mut pr = model::PullRequest::default();
                for arg in args(trigger, &["branches", "paths"], diagnostics) {
                    let list = strings(arg, diagnostics);
                    if arg.name.name != "paths" {
                        check_ref_patterns(arg, &list, diagnostics);
                    }
                    match arg.name.name.as_str() {
                        "branches" => pr.branches = list,
                        _ => pr.paths = list,
                    }
                }
                out.pull_request = Some(pr);
            }
            "schedule" => schedule(trigger, &mut out, diagnostics),
            "any" => {
                args(trigger, &[], diagnostics);
                out.any = Some(trigger.kind.span);
            }
            _ => out.manual = Some(inputs(trigger, diagnostics)),
        }
    }
    out
}

/// The arguments of a trigger that are allowed; unknown ones are reported.
fn args<'a>(
    trigger: &'a ast::Trigger,
    allowed: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<&'a ast::TriggerArg> {
    check_unique("argument", trigger.args.iter().map(|a| &a.name), diagnostics);
    trigger
        .args
        .iter()
        .filter(|arg| {
            let ok = allowed.contains(&arg.name.name.as_str());
            if !ok {
                let what = format!("argument of `{}`", trigger.kind.name);
                diagnostics.push(errors::unknown(
                    errors::UNKNOWN_ARGUMENT,
                    &what,
                    &arg.name.name,
                    arg.name.span,
                    allowed.iter().copied(),
                ));
            }
            ok
        })
        .collect()
}

/// A string or a list of strings.
fn strings(arg: &ast::TriggerArg, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let bad = |span| {
        errors::type_mismatch(span, "a string or a list of strings", "something else", &format!("`{}`", arg.name.name))
    };
    let ArgValue::Value(value) = &arg.value else {
        diagnostics.push(bad(arg.span));
        return Vec::new();
    };
    let items = match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        _ => vec![value],
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            ValueKind::Str(s) if !s.is_empty() => out.push(s.clone()),
            _ => diagnostics.push(bad(item.span)),
        }
    }
    out
}

/// Branch and tag patterns must be git ref names, with `*`, `**` and `?` as the only globs.
fn check_ref_patterns(arg: &ast::TriggerArg, patterns: &[String], diagnostics: &mut Vec<Diagnostic>) {
    for pattern in patterns {
        let bad = pattern.chars().find(|c| c.is_whitespace() || c.is_control() || "~^:[\\".contains(*c));
        let problem = match bad {
            Some(c) => Some(format!("contains `{}`", c.escape_default())),
            None if pattern.starts_with(['/', '.', '-']) || pattern.ends_with(['/', '.']) || pattern.contains("..") => {
                Some("is not a valid git ref name".to_string())
            }
            None => None,
        };
        if let Some(problem) = problem {
            diagnostics.push(
                errors::invalid(arg.span, format!("`{}` pattern `{pattern}` {problem}", arg.name.name), "not a branch or tag pattern")
                    .with_note("git ref names cannot contain spaces, `~`, `^`, `:`, `[` or `\\`; `*`, `**` and `?` are the only globs"),
            );
        }
    }
}

fn schedule(trigger: &ast::Trigger, out: &mut Triggers, diagnostics: &mut Vec<Diagnostic>) {
    let given = args(trigger, &["cron"], diagnostics);
    if given.is_empty() {
        diagnostics.push(errors::missing(
            trigger.span,
            "`schedule` needs a `cron` argument",
            "write `schedule(cron: \"0 3 * * *\")`",
        ));
    }
    for arg in given {
        for cron in strings(arg, diagnostics) {
            if let Err(why) = check_cron(&cron) {
                diagnostics.push(errors::invalid(arg.span, format!("invalid cron expression `{cron}`"), why));
            }
            out.schedules.push(model::Schedule { cron, span: arg.span });
        }
    }
}

/// Checks the five fields of a cron expression (numbers, ranges, steps, lists, `*`).
fn check_cron(cron: &str) -> Result<(), String> {
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected 5 fields (minute hour day month weekday), found {}", fields.len()));
    }
    let limits = [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6)];
    for (field, (name, lo, hi)) in fields.iter().zip(limits) {
        for part in field.split(',') {
            let (range, step) = part.split_once('/').unwrap_or((part, "1"));
            if step.parse::<u32>().map_or(true, |s| s == 0) {
                return Err(format!("bad step `{step}` in the {name} field"));
            }
            if range == "*" {
                continue;
            }
            let (a, b) = range.split_once('-').unwrap_or((range, range));
            for n in [a, b] {
                match n.parse::<u32>() {
                    Ok(v) if (lo..=hi).contains(&v) => {}
                    _ => return Err(format!("`{n}` is not a valid {name} ({lo}-{hi})")),
                }
            }
        }
    }
    Ok(())
}

fn inputs(trigger: &ast::Trigger, diagnostics: &mut Vec<Diagnostic>) -> Vec<Input> {
    check_unique("input", trigger.args.iter().map(|a| &a.name), diagnostics);
    let mut out = Vec::new();
    for arg in &trigger.args {
        let ArgValue::Input { ty, default } = &arg.value else {
            diagnostics.push(
                errors::invalid(arg.span, format!("input `{}` needs a type", arg.name.name), "no type").with_help(
                    format!("write `{}: string`, `boolean`, `number` or `choice[\"a\", \"b\"]`", arg.name.name),
                ),
            );
            continue;
        };
        if !is_env_name(&arg.name.name) {
            diagnostics.push(errors::invalid(
                arg.name.span,
                format!("`{}` is not a valid input name", arg.name.name),
                "use letters, digits and `_`",
            ));
        }
        let ty = match ty {
            ast::InputType::String => InputType::String,
            ast::InputType::Boolean => InputType::Boolean,
            ast::InputType::Number => InputType::Number,
            ast::InputType::Choice(options) => InputType::Choice(options.iter().map(|o| o.value.clone()).collect()),
        };
        let default = default.as_ref().and_then(|d| input_default(&arg.name.name, &ty, d, diagnostics));
        out.push(Input { name: arg.name.name.clone(), ty, default });
    }
    out
}

fn input_default(name: &str, ty: &InputType, value: &ast::Value, diagnostics: &mut Vec<Diagnostic>) -> Option<Data> {
    let data = match (&value.kind, ty) {
        (ValueKind::Str(s), InputType::String) => Data::Str(s.clone()),
        (ValueKind::Str(s), InputType::Choice(options)) if options.contains(s) => Data::Str(s.clone()),
        (ValueKind::Str(s), InputType::Choice(options)) => {
            let shown = options.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
            let d = errors::invalid(
                value.span,
                format!("`{s}` is not a choice of input `{name}`"),
                format!("choices: {shown}"),
            );
            diagnostics.push(d.with_suggestion(s, options.iter().map(String::as_str)));
            return None;
        }
        (ValueKind::Bool(b), InputType::Boolean) => Data::Bool(*b),
        (ValueKind::Int(i), InputType::Number) => Data::Int(*i),
        (ValueKind::Float(f), InputType::Number) => Data::Float(*f),
        _ => {
            let expected = match ty {
                InputType::String | InputType::Choice(_) => "a string",
                InputType::Boolean => "`true` or `false`",
                InputType::Number => "a number",
            };
            diagnostics.push(errors::type_mismatch(
                value.span,
                expected,
                "another type",
                &format!("default of input `{name}`"),
            ));
            return None;
        }
    };
    Some(data)
}

fn warn_unused_secrets(p: &ast::Process, activities: &[activity::Lowered], diagnostics: &mut Vec<Diagnostic>) {
    for secret in &p.secrets {
        if !activities.iter().any(|a| a.model.secrets.contains(&secret.name)) {
            diagnostics.push(errors::unused(errors::UNUSED_SECRET, "secret", &secret.name, secret.span));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_cron;

    #[test]
    fn cron_fields() {
        assert!(check_cron("0 3 * * 1-5").is_ok());
        assert!(check_cron("*/15 0,12 1 1-12/2 0").is_ok());
        assert!(check_cron("61 2 * * 1-5").is_err());
        assert!(check_cron("0 3 * *").is_err());
        assert!(check_cron("*/0 * * * *").is_err());
    }
}
