//! Activity-level lowering: each statement checked and turned into model fields.

use super::expr::{self, Scope};
use super::roles::{self, Roles};
use super::{check_unique, errors, is_env_name, process, targets};
use crate::ast::{self, ActivityStmt as S, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::model::{self, AllowFailure, Approval, Artifact, Context, Data, Runner, Triggers};
use crate::source::Span;
use indexmap::IndexMap;

/// An activity lowered to the model, with what the dependency graph still needs to know.
pub struct Lowered {
    pub model: model::Activity,
    /// `after` names as written.
    pub after: Vec<ast::Ident>,
    /// `(producer, what, name, span of use)` for consumed artifacts and read outputs.
    pub uses: Vec<Use>,
}

/// Something an activity takes from another one.
pub struct Use {
    pub producer: String,
    pub kind: &'static str,
    pub name: String,
    pub span: Span,
}

/// Shared knowledge about the process while its activities are lowered.
struct Env<'a> {
    triggers: &'a Triggers,
    secrets: &'a [String],
    roles: &'a Roles,
    outputs: IndexMap<String, Vec<String>>,
    /// Artifact → (producing activity, span of `produces`).
    artifacts: IndexMap<String, (String, Span)>,
}

pub fn lower_all(
    p: &ast::Process,
    triggers: &Triggers,
    secrets: &[String],
    roles: &Roles,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Lowered> {
    check_unique("activity", p.activities.iter().map(|a| &a.name), diagnostics);
    let mut env = Env { triggers, secrets, roles, outputs: IndexMap::new(), artifacts: IndexMap::new() };
    for activity in &p.activities {
        let declared =
            activity.stmts.iter().filter_map(|s| if let S::Outputs(o) = s { Some(o) } else { None }).flatten();
        env.outputs.entry(activity.name.name.clone()).or_default().extend(declared.map(|o| o.name.clone()));
        for stmt in &activity.stmts {
            if let S::Produces { name, .. } = stmt {
                match env.artifacts.get(&name.name) {
                    Some((_, first)) => diagnostics.push(errors::duplicate("artifact", &name.name, name.span, *first)),
                    None => {
                        env.artifacts.insert(name.name.clone(), (activity.name.name.clone(), name.span));
                    }
                }
            }
        }
    }
    let lowered: Vec<Lowered> = p.activities.iter().map(|a| lower(a, &env, diagnostics)).collect();
    for (artifact, (_, span)) in &env.artifacts {
        if !lowered.iter().any(|l| l.model.consumes.iter().any(|(name, _)| name == artifact)) {
            diagnostics.push(
                errors::unused(errors::UNUSED_ARTIFACT, "artifact", artifact, *span)
                    .with_help(format!("consume it in a later activity with `consumes {artifact}`, or remove it")),
            );
        }
    }
    lowered
}

/// Keeps the first of a statement that may appear once, reporting the others.
fn once<T>(slot: &mut Option<(T, Span)>, value: T, span: Span, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    match slot {
        Some((_, first)) => diagnostics.push(errors::duplicate_statement(what, span, *first)),
        None => *slot = Some((value, span)),
    }
}

fn lower(a: &ast::Activity, env: &Env, diagnostics: &mut Vec<Diagnostic>) -> Lowered {
    let matrix = a.stmts.iter().find_map(|s| if let S::Matrix(m) = s { Some(matrix(m, diagnostics)) } else { None });
    let scope = Scope {
        inputs: env.triggers.manual.as_deref().unwrap_or(&[]),
        matrix: matrix.as_ref(),
        outputs: Some(&env.outputs),
        allow_status: false,
        policy: false,
    };
    let status_scope = Scope { allow_status: true, ..scope };
    let mut out = model::Activity {
        name: a.name.name.clone(),
        span: a.span,
        name_span: a.name.span,
        display_name: None,
        needs: Vec::new(),
        runner: Runner::Linux,
        image: None,
        steps: Vec::new(),
        env: Vec::new(),
        secrets: Vec::new(),
        matrix: None,
        condition: None,
        timeout_minutes: None,
        retry: None,
        allow_failure: AllowFailure::No,
        services: Vec::new(),
        environment: None,
        approval: None,
        run_by: None,
        consulted: Vec::new(),
        informed: Vec::new(),
        produces: Vec::new(),
        consumes: Vec::new(),
        outputs: Vec::new(),
        github: Vec::new(),
        gitlab: Vec::new(),
    };
    let mut uses = Vec::new();
    let (
        mut runner,
        mut image,
        mut when,
        mut timeout,
        mut retry,
        mut allow,
        mut environment,
        mut approval,
        mut matrix_seen,
    ) = (None, None, None, None, None, None, None, None, None);
    let mut run_by = None;
    let mut display_name = None;
    let mut env_entries = Vec::new();
    let mut secret_idents = Vec::new();
    let mut output_idents = Vec::new();
    let mut blocks = Vec::new();
    for stmt in &a.stmts {
        match stmt {
            S::Name(s) => {
                if s.value.contains("${{") {
                    diagnostics.push(errors::activity_name_expression(s.span));
                }
                once(&mut display_name, s, s.span, "name", diagnostics)
            }
            S::RunsOn(r) => {
                let (value, span) = runs_on(r, &scope, diagnostics);
                once(&mut runner, value, span, "runs_on", diagnostics);
            }
            S::Image(s) => once(&mut image, s.value.clone(), s.span, "image", diagnostics),
            S::Step(step) => out.steps.push(self::step(step, diagnostics)),
            S::Env(entries) => env_entries.extend(entries.iter().cloned()),
            S::Secrets(names) => secret_idents.extend(names.iter().cloned()),
            S::Matrix(m) => once(&mut matrix_seen, (), m.span, "matrix", diagnostics),
            S::When(e) => once(&mut when, e, e.span, "when", diagnostics),
            S::Timeout { minutes, span } => {
                if *minutes == 0 || *minutes > 360 * 24 {
                    diagnostics.push(errors::invalid(*span, "a timeout must be between 1m and 144h", "out of range"));
                }
                once(&mut timeout, *minutes, *span, "timeout", diagnostics)
            }
            S::Retry { count, span } => {
                if !(1..=2).contains(count) {
                    diagnostics.push(
                        errors::invalid(*span, "`retry` must be 1 or 2", "GitLab allows at most 2 retries")
                            .with_note("GitLab CI accepts 0 to 2"),
                    );
                }
                once(&mut retry, *count, *span, "retry", diagnostics)
            }
            S::AllowFailure { when, span } => once(&mut allow, when.clone(), *span, "allow_failure", diagnostics),
            S::Service(s) => out.services.push(model::Service {
                name: s.name.name.clone(),
                image: s.image.value.clone(),
                env: process::env_vars(&s.env, &scope, diagnostics),
            }),
            S::Environment { name, url, span } => {
                let value = model::Environment { name: name.value.clone(), url: url.as_ref().map(|u| u.value.clone()) };
                if name.value.is_empty() {
                    diagnostics.push(errors::invalid(name.span, "an environment needs a name", "empty"));
                }
                once(&mut environment, value, *span, "environment", diagnostics)
            }
            S::ApprovedBy { role, quorum } => {
                once(&mut approval, (role, *quorum), role.span, "approved_by", diagnostics)
            }
            S::RunBy(role) => once(&mut run_by, role, role.span, "run_by", diagnostics),
            S::Consulted(roles) => {
                out.consulted.extend(roles.iter().filter_map(|r| roles::resolve(env.roles, r, diagnostics)))
            }
            S::Informed(roles) => {
                out.informed.extend(roles.iter().filter_map(|r| roles::resolve(env.roles, r, diagnostics)))
            }
            S::Produces { name, paths, .. } => {
                for path in paths {
                    check_artifact_path(path, diagnostics);
                }
                let paths = paths.iter().map(|p| p.value.clone()).collect();
                out.produces.push(Artifact { name: name.name.clone(), paths });
            }
            S::Consumes(names) => {
                for name in names {
                    match env.artifacts.get(&name.name) {
                        Some((producer, _)) => {
                            out.consumes.push((name.name.clone(), producer.clone()));
                            uses.push(Use {
                                producer: producer.clone(),
                                kind: "artifact",
                                name: name.name.clone(),
                                span: name.span,
                            });
                        }
                        None => {
                            let known = env.artifacts.keys().map(String::as_str);
                            diagnostics.push(errors::unknown(
                                errors::UNKNOWN_ARTIFACT,
                                "artifact",
                                &name.name,
                                name.span,
                                known,
                            ));
                        }
                    }
                }
            }
            S::Outputs(names) => output_idents.extend(names.iter().cloned()),
            S::Target(block) => blocks.push(block.clone()),
        }
    }
    let service_names = a.stmts.iter().filter_map(|s| if let S::Service(s) = s { Some(&s.name) } else { None });
    check_unique("service", service_names, diagnostics);
    let runs_on_given = runner.is_some();
    out.runner = runner.map(|(r, _)| r).unwrap_or(Runner::Linux);
    out.image = image.map(|(i, _)| i);
    out.matrix = matrix.clone();
    out.timeout_minutes = timeout.map(|(t, _)| t);
    out.retry = retry;
    out.environment = environment.map(|(e, _)| e);
    if let Some((e, _)) = when {
        let (condition, reads) = expr::condition(e, &status_scope, diagnostics);
        out.condition = condition;
        uses.extend(reads.into_iter().map(|(producer, span)| Use {
            producer,
            kind: "output",
            name: String::new(),
            span,
        }));
    }
    out.allow_failure = allow_failure(allow.as_ref().map(|(w, s)| (w.as_ref(), *s)), &scope, diagnostics);
    for entry in &env_entries {
        let (value, reads) = expr::env_value_reads(&entry.value, &scope, diagnostics);
        uses.extend(reads.into_iter().map(|(producer, span)| Use {
            producer,
            kind: "output",
            name: String::new(),
            span,
        }));
        if let Some(value) = value {
            out.env.push(model::EnvVar { name: entry.name.name.clone(), value });
        }
    }
    out.env = dedupe_env(out.env, &env_entries, diagnostics);
    out.secrets = secrets(&secret_idents, env, diagnostics);
    out.outputs = outputs(&output_idents, diagnostics);
    if let Some(((role, quorum), span)) = approval {
        out.approval =
            approve(role, quorum, env.roles, diagnostics).map(|(role, quorum)| Approval { role, quorum, span });
        if out.environment.is_none() {
            diagnostics.push(errors::approval_without_environment(&a.name.name, span));
        }
    }
    if let (Some(m), true) = (
        &a.stmts.iter().find_map(|s| if let S::Matrix(m) = s { Some(m) } else { None }),
        !out.produces.is_empty() || !out.outputs.is_empty(),
    ) {
        diagnostics.push(
            errors::invalid(
                m.span,
                format!("activity `{}` has a matrix and produces artifacts or outputs", a.name.name),
                "every leg would produce them",
            )
            .with_note("the legs of a matrix would overwrite each other's artifacts and outputs")
            .with_help("produce them from an activity without a matrix"),
        );
    }
    if let Some((role, _)) = run_by {
        out.run_by =
            roles::resolve(env.roles, role, diagnostics).map(|r| model::Assignment { role: r, span: role.span });
    }
    roles::check_duties(&out, env.roles, diagnostics);
    let display_name = display_name.map(|(s, _)| s);
    out.display_name = display_name.map(|s| s.value.clone());
    let after = !a.after.is_empty() || !uses.is_empty();
    let (github, gitlab) = targets::activity_blocks(&blocks, &out, display_name, runs_on_given, after, diagnostics);
    out.github = github;
    out.gitlab = gitlab;
    // Activities without steps are reported by the process: a GitLab job may take its script
    // from elsewhere (`Activity::gitlab_script_elsewhere`).
    Lowered { model: out, after: a.after.clone(), uses }
}

fn dedupe_env(
    vars: Vec<model::EnvVar>,
    entries: &[ast::EnvEntry],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<model::EnvVar> {
    check_unique("environment variable", entries.iter().map(|e| &e.name), diagnostics);
    for entry in entries {
        if !is_env_name(&entry.name.name) {
            diagnostics.push(errors::invalid(
                entry.name.span,
                format!("`{}` is not a valid environment variable name", entry.name.name),
                "use letters, digits and `_`",
            ));
        }
    }
    let mut out: Vec<model::EnvVar> = Vec::new();
    for var in vars {
        if !out.iter().any(|v| v.name == var.name) {
            out.push(var);
        }
    }
    out
}

fn runs_on(r: &ast::RunsOn, scope: &Scope, diagnostics: &mut Vec<Diagnostic>) -> (Runner, Span) {
    match r {
        ast::RunsOn::Label(s) => (Runner::Label(s.value.clone()), s.span),
        ast::RunsOn::Path(path, span) => match path.as_slice() {
            [one] if matches!(one.name.as_str(), "linux" | "macos" | "windows") => (Runner::named(&one.name), *span),
            [m, axis] if m.name == "matrix" => {
                let known = scope.matrix.is_some_and(|mx| mx.axes.iter().any(|(a, _)| *a == axis.name));
                if !known {
                    let names = scope
                        .matrix
                        .map(|mx| mx.axes.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>())
                        .unwrap_or_default();
                    diagnostics.push(errors::unknown(
                        errors::UNKNOWN_AXIS,
                        "matrix axis",
                        &axis.name,
                        axis.span,
                        names,
                    ));
                }
                (Runner::Matrix(axis.name.clone()), *span)
            }
            _ => {
                diagnostics.push(
                    errors::invalid(*span, "unknown runner", "not a runner")
                        .with_help("write `linux`, `macos`, `windows`, a quoted runner label such as `\"self-hosted\"`, or `matrix.AXIS`"),
                );
                (Runner::Linux, *span)
            }
        },
    }
}

fn step(step: &ast::Step, diagnostics: &mut Vec<Diagnostic>) -> model::Step {
    let github = targets::step_blocks(step, diagnostics);
    let kind = match &step.kind {
        ast::StepKind::Checkout => model::StepKind::Checkout,
        ast::StepKind::Run(script) => {
            if script.value.trim().is_empty() {
                diagnostics.push(errors::invalid(script.span, "a step's script is empty", "empty script"));
            }
            model::StepKind::Run(script.value.clone())
        }
        ast::StepKind::Uses { action, with } => {
            let a = &action.value;
            let well_formed = a.starts_with("./")
                || a.starts_with("docker://")
                || a.split_once('@').is_some_and(|(name, r)| name.contains('/') && !r.is_empty());
            if !well_formed {
                diagnostics.push(
                    errors::invalid(
                        action.span,
                        format!("`{a}` is not an action reference"),
                        "expected OWNER/REPO@REF",
                    )
                    .with_help(
                        "write for example `uses \"actions/setup-node@v5\"`, `./path/to/action` or `docker://image`",
                    ),
                );
            }
            let with = with.iter().map(|(k, v)| (k.value.clone(), data(v))).collect();
            model::StepKind::Uses { action: a.clone(), with }
        }
    };
    model::Step { only: step.only, kind, name: step_name(step, diagnostics), github, span: step.span }
}

/// The step's portable `name "..."`: one at most (E0201), and not on a `gitlab step` (E0604).
fn step_name(step: &ast::Step, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let first = step.names.first()?;
    for again in &step.names[1..] {
        diagnostics.push(errors::duplicate_statement("name", again.span, first.span));
    }
    if step.only == Some(ast::Target::Gitlab) {
        diagnostics.push(errors::step_name_gitlab(first.span));
        return None;
    }
    Some(first.value.clone())
}

/// The most legs a matrix may have: GitHub's limit.
const MAX_LEGS: usize = 256;

fn matrix(m: &ast::Matrix, diagnostics: &mut Vec<Diagnostic>) -> model::Matrix {
    check_unique("matrix axis", m.axes.iter().map(|(a, _)| a), diagnostics);
    let axes: Vec<(String, Vec<Data>)> =
        m.axes.iter().map(|(a, vs)| (a.name.clone(), vs.iter().map(data).collect())).collect();
    if axes.is_empty() {
        diagnostics.push(
            errors::invalid(m.span, "a matrix needs at least one axis", "no axes")
                .with_help("write `matrix { os = [linux, macos] }`"),
        );
    }
    let names: Vec<&str> = axes.iter().map(|(a, _)| a.as_str()).collect();
    let mut combos = |list: &[ast::Combo], is_include: bool| -> Vec<model::Combo> {
        list.iter()
            .map(|combo| {
                for (axis, _) in &combo.pairs {
                    if !names.contains(&axis.name.as_str()) {
                        diagnostics.push(errors::unknown(
                            errors::UNKNOWN_AXIS,
                            "matrix axis",
                            &axis.name,
                            axis.span,
                            names.iter().copied(),
                        ));
                    }
                }
                let missing: Vec<&str> =
                    names.iter().copied().filter(|n| !combo.pairs.iter().any(|(a, _)| a.name == *n)).collect();
                if is_include && !missing.is_empty() {
                    diagnostics.push(
                        errors::invalid(
                            combo.span,
                            "an `include` must give a value for every axis",
                            format!("missing {}", missing.join(", ")),
                        )
                        .with_note("flowc only adds whole combinations, so both targets run the same legs"),
                    );
                }
                combo.pairs.iter().map(|(a, v)| (a.name.clone(), data(v))).collect()
            })
            .collect()
    };
    let include = combos(&m.include, true);
    let exclude = combos(&m.exclude, false);
    let matrix = model::Matrix { axes, include, exclude };
    // Counted before any leg is built: a product of axes can be astronomically large.
    let size = matrix
        .axes
        .iter()
        .fold(1usize, |n, (_, values)| n.saturating_mul(values.len()))
        .saturating_add(matrix.include.len());
    if size > MAX_LEGS {
        diagnostics.push(
            errors::invalid(
                m.span,
                format!("this matrix has {size} combinations; at most {MAX_LEGS} can run"),
                "too many legs",
            )
            .with_note("GitHub runs at most 256 jobs per matrix")
            .with_help("split the activity, or `exclude` combinations"),
        );
        return model::Matrix { axes: Vec::new(), include: Vec::new(), exclude: Vec::new() };
    }
    if matrix.legs().is_empty() {
        diagnostics.push(errors::invalid(m.span, "this matrix excludes every combination", "no legs left"));
    }
    matrix
}

/// Converts literal data from the syntax tree.
pub fn data(v: &ast::Value) -> Data {
    match &v.kind {
        ValueKind::Null => Data::Null,
        ValueKind::Bool(b) => Data::Bool(*b),
        ValueKind::Int(i) => Data::Int(*i),
        ValueKind::Float(f) => Data::Float(*f),
        ValueKind::Str(s) => Data::Str(s.clone()),
        ValueKind::List(items) => Data::List(items.iter().map(data).collect()),
        ValueKind::Map(entries) => Data::Map(entries.iter().map(|(k, v)| (k.value.clone(), data(v))).collect()),
    }
}

fn allow_failure(
    allow: Option<(Option<&ast::Expr>, Span)>,
    scope: &Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> AllowFailure {
    let Some((cond, _)) = allow else { return AllowFailure::No };
    let Some(cond) = cond else { return AllowFailure::Yes };
    let (resolved, _) = expr::condition(cond, scope, diagnostics);
    let Some(resolved) = resolved else { return AllowFailure::No };
    if let Some(span) = first_non_matrix(&resolved) {
        diagnostics.push(
            errors::invalid(span, "`allow_failure when` may only test matrix values", "not a matrix value")
                .with_note("whether a failure is allowed must be known when the pipeline is planned, on both targets"),
        );
        return AllowFailure::No;
    }
    AllowFailure::When(resolved)
}

/// The span of the first context in `e` that is not a matrix value.
fn first_non_matrix(e: &model::Expr) -> Option<Span> {
    use model::ExprKind as K;
    match &e.kind {
        K::Context(Context::Matrix(_)) | K::Str(_) | K::Num(_) | K::Bool(_) | K::Event(_) => None,
        K::Context(_) | K::Status(_) => Some(e.span),
        K::List(items) | K::And(items) | K::Or(items) => items.iter().find_map(first_non_matrix),
        K::Not(a) => first_non_matrix(a),
        K::Eq(a, b) | K::Ne(a, b) | K::StartsWith(a, b) | K::Contains(a, b) => {
            first_non_matrix(a).or_else(|| first_non_matrix(b))
        }
    }
}

fn secrets(idents: &[ast::Ident], env: &Env, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    check_unique("secret", idents, diagnostics);
    let mut out = Vec::new();
    for ident in idents {
        if env.secrets.contains(&ident.name) {
            if !out.contains(&ident.name) {
                out.push(ident.name.clone());
            }
        } else {
            let d = errors::unknown(
                errors::UNKNOWN_SECRET,
                "secret",
                &ident.name,
                ident.span,
                env.secrets.iter().map(String::as_str),
            );
            diagnostics.push(d.with_help(format!("declare it in the process with `secrets {}`", ident.name)));
        }
    }
    out
}

fn outputs(idents: &[ast::Ident], diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    check_unique("output", idents, diagnostics);
    let mut out: Vec<String> = Vec::new();
    for ident in idents {
        if !is_env_name(&ident.name) {
            diagnostics.push(errors::invalid(
                ident.span,
                format!("`{}` is not a valid output name", ident.name),
                "use letters, digits and `_`",
            ));
        }
        if !out.contains(&ident.name) {
            out.push(ident.name.clone());
        }
    }
    out
}

fn approve(
    role: &ast::Ident,
    quorum: Option<(u32, Span)>,
    roles: &Roles,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, u32)> {
    let name = roles::resolve(roles, role, diagnostics)?;
    let (decl, _) = &roles[&name];
    if decl.members.is_empty() {
        diagnostics.push(errors::empty_role(&name, role.span, decl.span));
    }
    let (count, span) = quorum.unwrap_or((1, role.span));
    // A team's size is not known when compiling: a role with a team can meet any quorum.
    let has_team = decl.members.iter().any(|m| matches!(m, model::Member::Team(_)));
    if count == 0 || (!has_team && count as usize > decl.members.len().max(1)) {
        diagnostics.push(errors::bad_quorum(count, &name, decl.members.len(), span, decl.span));
    }
    Some((name, count.max(1)))
}

fn check_artifact_path(path: &ast::Str, diagnostics: &mut Vec<Diagnostic>) {
    let p = &path.value;
    let bad_char = p.chars().find(|c| c.is_whitespace() || "\"'$`\\;&|<>(){}".contains(*c));
    let problem = if p.is_empty() {
        Some("an artifact path is empty".to_string())
    } else if p.starts_with('/') || p.split('/').any(|part| part == "..") {
        Some(format!("artifact path `{p}` leaves the workspace"))
    } else {
        bad_char.map(|c| format!("artifact path `{p}` contains `{c}`"))
    };
    if let Some(message) = problem {
        diagnostics.push(
            errors::invalid(path.span, message, "invalid path")
                .with_help("use a relative path inside the workspace; `*` and `**` globs are allowed"),
        );
    }
}
