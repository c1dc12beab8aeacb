//! Wording of every check's diagnostics, and their stable codes.
//!
//! Codes: E01xx unknown names, E02xx duplicates, E03xx ordering, E04xx types,
//! E05xx roles, E06xx targets, E07xx invalid values; W0xxx warnings.

use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub const UNKNOWN_ACTIVITY: &str = "E0101";
pub const UNKNOWN_ROLE: &str = "E0102";
pub const UNKNOWN_ARTIFACT: &str = "E0103";
pub const UNKNOWN_SECRET: &str = "E0104";
pub const UNKNOWN_INPUT: &str = "E0105";
pub const UNKNOWN_AXIS: &str = "E0106";
pub const UNKNOWN_OUTPUT: &str = "E0107";
pub const UNKNOWN_CONTEXT: &str = "E0108";
pub const UNKNOWN_FUNCTION: &str = "E0109";
pub const UNKNOWN_TRIGGER: &str = "E0110";
pub const UNKNOWN_ARGUMENT: &str = "E0111";
pub const UNKNOWN_TEMPLATE: &str = "E0112";
pub const TEMPLATE_ARGUMENT: &str = "E0113";
pub const TEMPLATE_KIND: &str = "E0114";
pub const IMPORT_CYCLE: &str = "E0303";
pub const DUPLICATE: &str = "E0201";
pub const CYCLE: &str = "E0301";
pub const USED_BEFORE_PRODUCED: &str = "E0302";
pub const TYPE_MISMATCH: &str = "E0401";
pub const ARITY: &str = "E0402";
pub const NOT_A_VALUE: &str = "E0403";
pub const MISSING_OWNER: &str = "E0501";
pub const EMPTY_ROLE: &str = "E0502";
pub const APPROVAL_WITHOUT_ENVIRONMENT: &str = "E0503";
pub const BAD_QUORUM: &str = "E0504";
pub const SELF_APPROVAL: &str = "E0505";
pub const ENVIRONMENT_GATES_DIFFER: &str = "E0506";
pub const UNKNOWN_POLICY: &str = "E0801";
pub const POLICY_VIOLATED: &str = "E0802";
pub const NOT_ENFORCED: &str = "W0101";
pub const TARGET_CANNOT_EXPRESS: &str = "E0601";
pub const UNKNOWN_TARGET_KEY: &str = "E0602";
pub const TARGET_KEY_CONFLICT: &str = "E0603";
pub const STEP_BLOCK_TARGET: &str = "E0604";
pub const INVALID_VALUE: &str = "E0701";
pub const MISSING_STATEMENT: &str = "E0702";
pub const UNUSED_ROLE: &str = "W0001";
pub const UNUSED_ARTIFACT: &str = "W0002";
pub const UNUSED_SECRET: &str = "W0003";
pub const NO_TRIGGER: &str = "W0004";

/// `unknown <kind> `name``, with a "did you mean" among `candidates`.
pub fn unknown<'a>(
    code: &'static str,
    kind: &str,
    name: &str,
    span: Span,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let diagnostic =
        Diagnostic::error(code, format!("unknown {kind} `{name}`"), span, format!("no {kind} named `{name}`"))
            .with_suggestion(name, candidates.iter().copied());
    if diagnostic.help.is_some() || candidates.is_empty() || candidates.len() > 12 {
        return diagnostic;
    }
    let mut known = candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>();
    known.sort();
    diagnostic.with_note(format!("known {kind}s: {}", known.join(", ")))
}

pub fn duplicate(kind: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(DUPLICATE, format!("{kind} `{name}` is defined more than once"), span, "defined again here")
        .with_label(first, "first defined here")
        .with_help(format!("rename one of them or remove the second `{name}`"))
}

pub fn duplicate_statement(what: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(DUPLICATE, format!("`{what}` is given more than once"), span, "given again here")
        .with_label(first, "first given here")
}

pub fn cycle(names: &[String], spans: &[Span]) -> Diagnostic {
    let shown = names.iter().chain(names.first()).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" → ");
    let mut d = Diagnostic::error(
        CYCLE,
        format!("activities depend on each other in a cycle: {shown}"),
        spans[0],
        format!("`{}` waits for `{}`", names[0], names[1 % names.len()]),
    );
    for i in 1..names.len() {
        d = d.with_label(spans[i], format!("`{}` waits for `{}`", names[i], names[(i + 1) % names.len()]));
    }
    d.with_help("remove one of these dependencies so the activities can run in order")
}

pub fn used_before_produced(
    kind: &str,
    name: &str,
    span: Span,
    consumer: &str,
    producer: &str,
    producer_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        USED_BEFORE_PRODUCED,
        format!("{kind} `{name}` is used by `{consumer}`, which runs before its producer `{producer}`"),
        span,
        format!("used here, in `{consumer}`"),
    )
    .with_label(producer_span, format!("`{producer}` produces it, and runs after `{consumer}`"))
    .with_help(format!("move the use into an activity that runs after `{producer}`"))
}

pub fn type_mismatch(span: Span, expected: &str, found: &str, context: &str) -> Diagnostic {
    Diagnostic::error(
        TYPE_MISMATCH,
        format!("{context}: expected {expected}, found {found}"),
        span,
        format!("this is {found}"),
    )
}

pub fn arity(name: &str, expected: usize, found: usize, span: Span) -> Diagnostic {
    Diagnostic::error(
        ARITY,
        format!("`{name}` takes {expected} argument{}, found {found}", if expected == 1 { "" } else { "s" }),
        span,
        "wrong number of arguments",
    )
}

pub fn missing_owner(process: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        MISSING_OWNER,
        format!("process `{process}` has no owner"),
        span,
        "every process needs an accountable owner",
    )
    .with_help("add `owner ROLE` naming a role declared in `roles { }`")
}

pub fn empty_role(role: &str, span: Span, decl: Span) -> Diagnostic {
    Diagnostic::error(
        EMPTY_ROLE,
        format!("role `{role}` has no members, so nobody could approve"),
        span,
        "approval by an empty role",
    )
    .with_label(decl, "declared here without members")
    .with_help("add at least one `user \"...\"` or `team \"...\"` to the role")
}

pub fn approval_without_environment(activity: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        APPROVAL_WITHOUT_ENVIRONMENT,
        format!("activity `{activity}` is approved by a role but has no environment"),
        span,
        "approval needs a deployment gate",
    )
    .with_note("both platforms attach approvals to an environment (GitHub environments, GitLab protected environments)")
    .with_help("add `environment NAME` to the activity")
}

pub fn bad_quorum(count: u32, role: &str, members: usize, span: Span, decl: Span) -> Diagnostic {
    Diagnostic::error(
        BAD_QUORUM,
        format!("a quorum of {count} cannot be met by role `{role}`, which has {members} member(s)"),
        span,
        "quorum",
    )
    .with_label(decl, format!("`{role}` is declared here"))
    .with_help(format!("ask for between 1 and {members} approvals, or add members to `{role}`"))
}

pub fn self_approval(activity: &str, member: &str, run_by: Span, approved_by: Span) -> Diagnostic {
    Diagnostic::error(
        SELF_APPROVAL,
        format!("`{member}` may both run and approve activity `{activity}`"),
        approved_by,
        "approves",
    )
    .with_label(run_by, "runs")
    .with_note("separation of duties: whoever starts an activity must not be the one who approves it")
    .with_help("give `run_by` and `approved_by` roles with no member in common")
}

pub fn cannot_express(target: &str, what: &str, span: Span, help: impl Into<String>) -> Diagnostic {
    Diagnostic::error(
        TARGET_CANNOT_EXPRESS,
        format!("{target} cannot express {what}"),
        span,
        format!("not expressible on {target}"),
    )
    .with_help(help)
}

pub fn unknown_target_key<'a>(
    target: &str,
    level: &str,
    key: &str,
    span: Span,
    known: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    Diagnostic::error(
        UNKNOWN_TARGET_KEY,
        format!("`{key}` is not a {target} {level} key"),
        span,
        format!("unknown to {target}"),
    )
    .with_suggestion(key, known)
}

pub fn target_key_conflict(target: &str, key: &str, span: Span, construct: &str) -> Diagnostic {
    Diagnostic::error(
        TARGET_KEY_CONFLICT,
        format!("`{key}` in a {target} block would replace what flowc generates from {construct}"),
        span,
        "set by the language already",
    )
    .with_help(format!("use {construct} instead of the {target} key"))
}

/// A step's `target { }` block for a target that cannot take step settings, or does not run the step.
pub fn step_block_target(target: &str, span: Span, step_only: Option<&str>) -> Diagnostic {
    match step_only {
        Some(only) => Diagnostic::error(
            STEP_BLOCK_TARGET,
            format!("a `{only} step` has no {target} settings"),
            span,
            format!("the step does not run on {target}"),
        )
        .with_help(format!("remove the `{target} {{ }}` block, or the `{only}` before `step`")),
        None => Diagnostic::error(
            STEP_BLOCK_TARGET,
            format!("a {target} step has no settings"),
            span,
            format!("no step settings on {target}"),
        )
        .with_note(
            "a step is one line of the GitLab job's `script:`, which has no name, condition or environment of its own",
        )
        .with_help("remove the block; put settings the whole job shares in the activity's `gitlab { }` block"),
    }
}

/// `name` in a step's `github { }` block beside the portable `name "..."`.
pub fn step_name_conflict(span: Span, portable: Span) -> Diagnostic {
    target_key_conflict("github", "name", span, "`name \"...\"`")
        .with_label(portable, "the step's name is given here")
        .with_note("`name \"...\"` in a step's settings writes GitHub's `name:` already; a step has one name")
}

/// `name` in an activity's `github { }` block beside its portable `name "..."`.
pub fn activity_name_conflict(span: Span, portable: Span) -> Diagnostic {
    target_key_conflict("github", "name", span, "`name \"...\"`")
        .with_label(portable, "the activity's name is given here")
        .with_note("`name \"...\"` in an activity writes the GitHub job's `name:` already; a job has one name")
}

/// `${{ }}` in an activity's `name "..."`, which is text on every target.
pub fn activity_name_expression(span: Span) -> Diagnostic {
    invalid(span, "an activity's `name` cannot hold `${{ }}`", "a GitHub expression")
        .with_note("`${{ }}` would be evaluated by GitHub only; a portable name says the same on every target")
        .with_help("write the name as plain text, or a name with GitHub expressions as `github { name: \"...\" }`")
}

/// `name "..."` on a `gitlab step`, which runs nowhere a name is shown.
pub fn step_name_gitlab(span: Span) -> Diagnostic {
    Diagnostic::error(STEP_BLOCK_TARGET, "a `gitlab step` has no name", span, "not shown anywhere")
        .with_note("a GitLab step is one line of the job's `script:`, which has no name; only GitHub shows step names")
        .with_help("remove `name`, or the `gitlab` before `step`; a `//` comment can say what the line does")
}

/// `with` or `secrets` in an activity's github block that calls no reusable workflow.
pub fn call_key_without_uses(key: &str, span: Span) -> Diagnostic {
    Diagnostic::error(MISSING_STATEMENT, format!("`{key}` in a github block needs `uses`"), span, "no `uses` in the block")
        .with_note("`uses`, `with` and `secrets` in an activity's github block call a reusable workflow")
        .with_help("add `uses: \"OWNER/REPO/.github/workflows/FILE.yml@REF\"`, or pass an action's inputs with `step uses \"...\" with { ... }`")
}

pub fn invalid(span: Span, message: impl Into<String>, label: impl Into<String>) -> Diagnostic {
    Diagnostic::error(INVALID_VALUE, message, span, label)
}

pub fn missing(span: Span, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    Diagnostic::error(MISSING_STATEMENT, message, span, "declared here").with_help(help)
}

pub fn unused(code: &'static str, kind: &str, name: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(code, format!("{kind} `{name}` is never used"), span, format!("unused {kind}"))
}
