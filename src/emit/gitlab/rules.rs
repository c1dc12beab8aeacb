//! Conditions as GitLab `rules:` expressions.
//!
//! GitLab decides a job's rules when the pipeline is created, with a smaller language than
//! flowc's: no `!`, no functions, status only through `when:`. Matrix values are known per
//! leg (legs are expanded into jobs), so they are substituted and folded first; `!` is
//! pushed down with De Morgan's laws; `startsWith`/`contains` become regex matches.

use crate::model::{Combo, Context, Data, Event, Expr, ExprKind as K, InputType, Status};
use crate::source::Span;

/// A condition split into GitLab's two halves.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The `if:` expression; `None` when always true.
    pub condition: Option<String>,
    /// `on_success` (default), `on_failure` or `always`.
    pub when: Option<&'static str>,
    /// False when the condition can never hold for this leg.
    pub possible: bool,
}

/// Why a condition cannot be written for GitLab.
pub struct Unsupported {
    pub span: Span,
    pub what: String,
    pub help: String,
}

fn unsupported(span: Span, what: &str, help: &str) -> Unsupported {
    Unsupported { span, what: what.into(), help: help.into() }
}

/// Translates a condition for one matrix leg (empty for activities without a matrix).
pub fn translate(e: &Expr, leg: &Combo) -> Result<Rule, Unsupported> {
    let items: Vec<&Expr> = match &e.kind {
        K::And(items) => items.iter().collect(),
        _ => vec![e],
    };
    let mut when = None;
    let mut rest = Vec::new();
    for item in items {
        match &item.kind {
            K::Status(s) if when.is_none() => when = Some(*s),
            K::Status(_) => {
                return Err(unsupported(
                    item.span,
                    "two status functions in one condition",
                    "keep one of `success()`, `failure()`, `always()`",
                ))
            }
            _ => rest.push(item),
        }
    }
    let when = when.and_then(|s| match s {
        Status::Success => None,
        Status::Failure => Some("on_failure"),
        Status::Always => Some("always"),
    });
    let mut parts = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for item in rest {
        match fold(item, leg, false)? {
            Folded::Const(true) => {}
            Folded::Const(false) => return Ok(Rule { condition: None, when, possible: false }),
            Folded::Text(t) if seen.insert(t.clone()) => parts.push(t),
            Folded::Text(_) => {}
        }
    }
    let condition = (!parts.is_empty()).then(|| parts.join(" && "));
    Ok(Rule { condition, when, possible: true })
}

/// Evaluates a matrix-only condition for one leg.
pub fn evaluate(e: &Expr, leg: &Combo) -> bool {
    matches!(fold(e, leg, false), Ok(Folded::Const(true)))
}

enum Folded {
    Const(bool),
    /// A GitLab expression; compound ones are parenthesised.
    Text(String),
}

/// A value in a comparison: known now, or a CI variable.
enum Operand {
    Known(String),
    Variable(String),
}

fn fold(e: &Expr, leg: &Combo, negate: bool) -> Result<Folded, Unsupported> {
    match &e.kind {
        K::Not(inner) => fold(inner, leg, !negate),
        K::And(items) | K::Or(items) => {
            let is_and = matches!(e.kind, K::And(_)) != negate;
            let mut parts = Vec::new();
            for item in items {
                match fold(item, leg, negate)? {
                    Folded::Const(v) if v != is_and => return Ok(Folded::Const(v)),
                    Folded::Const(_) => {}
                    Folded::Text(t) => parts.push(t),
                }
            }
            Ok(match parts.len() {
                0 => Folded::Const(is_and),
                1 => Folded::Text(parts.pop().expect("one part")),
                _ => Folded::Text(format!("({})", parts.join(if is_and { " && " } else { " || " }))),
            })
        }
        K::Eq(a, b) | K::Ne(a, b) => compare(a, b, matches!(e.kind, K::Eq(..)) != negate, e.span, leg),
        K::Bool(b) => Ok(Folded::Const(*b != negate)),
        K::Context(Context::Input(name, InputType::Boolean)) => {
            Ok(Folded::Text(format!("${name} {} \"true\"", if negate { "!=" } else { "==" })))
        }
        K::Context(Context::Matrix(axis)) => Ok(Folded::Const((leg_value(leg, axis) == "true") != negate)),
        K::StartsWith(a, b) => regex_match(a, b, true, negate, e.span, leg),
        K::Contains(a, b) => match &a.kind {
            K::List(items) => {
                let options: Vec<Expr> =
                    items.iter().map(|i| Expr { kind: K::Eq(Box::new(i.clone()), b.clone()), span: e.span }).collect();
                fold(&Expr { kind: K::Or(options), span: e.span }, leg, negate)
            }
            _ => regex_match(a, b, false, negate, e.span, leg),
        },
        K::Status(_) => Err(unsupported(
            e.span,
            "a status function inside `||` or `!`",
            "on GitLab, combine `success()`, `failure()` or `always()` with the rest of the condition using `&&`",
        )),
        _ => Err(unsupported(e.span, "this condition", "write the condition as comparisons joined by `&&` and `||`")),
    }
}

fn compare(a: &Expr, b: &Expr, equal: bool, span: Span, leg: &Combo) -> Result<Folded, Unsupported> {
    let op = if equal { "==" } else { "!=" };
    match (operand(a, leg)?, operand(b, leg)?) {
        (Operand::Known(x), Operand::Known(y)) => Ok(Folded::Const((x == y) == equal)),
        // An unset variable is `null`, not `""`, in GitLab rules; GitHub reads both as empty.
        (Operand::Variable(v), Operand::Known(k)) | (Operand::Known(k), Operand::Variable(v)) if k.is_empty() => {
            Ok(Folded::Text(if equal {
                format!("({v} == null || {v} == \"\")")
            } else {
                format!("({v} != null && {v} != \"\")")
            }))
        }
        (Operand::Variable(v), Operand::Known(k)) | (Operand::Known(k), Operand::Variable(v)) => {
            Ok(Folded::Text(format!("{v} {op} {}", string(&k, span)?)))
        }
        (Operand::Variable(x), Operand::Variable(y)) => Ok(Folded::Text(format!("{x} {op} {y}"))),
    }
}

fn regex_match(
    a: &Expr,
    b: &Expr,
    anchored: bool,
    negate: bool,
    span: Span,
    leg: &Combo,
) -> Result<Folded, Unsupported> {
    let (Operand::Variable(var), Operand::Known(text)) = (operand(a, leg)?, operand(b, leg)?) else {
        if let (Operand::Known(x), Operand::Known(y)) = (operand(a, leg)?, operand(b, leg)?) {
            let holds = if anchored { x.starts_with(&y) } else { x.contains(&y) };
            return Ok(Folded::Const(holds != negate));
        }
        return Err(unsupported(
            span,
            "this comparison",
            "GitLab can only match a CI variable against a constant text",
        ));
    };
    let op = if negate { "!~" } else { "=~" };
    Ok(Folded::Text(format!("{var} {op} /{}{}/", if anchored { "^" } else { "" }, escape_regex(&text))))
}

fn operand(e: &Expr, leg: &Combo) -> Result<Operand, Unsupported> {
    Ok(match &e.kind {
        K::Str(s) => Operand::Known(s.clone()),
        K::Num(n) => Operand::Known(Data::Float(*n).to_text().trim_end_matches(".0").to_string()),
        K::Bool(b) => Operand::Known(b.to_string()),
        K::Event(ev) => Operand::Known(event_source(*ev).to_string()),
        K::Context(Context::Matrix(axis)) => Operand::Known(leg_value(leg, axis)),
        K::Context(Context::Output { .. }) => {
            return Err(unsupported(
                e.span,
                "a condition on an activity's output",
                "GitLab decides `rules` before any job runs; test the output in a step instead",
            ))
        }
        K::Context(c) => Operand::Variable(variable(c)),
        _ => return Err(unsupported(e.span, "this value in a comparison", "compare a context with a constant")),
    })
}

fn leg_value(leg: &Combo, axis: &str) -> String {
    leg.iter().find(|(k, _)| k == axis).map(|(_, v)| v.to_text()).unwrap_or_default()
}

/// The CI variable holding a context (outputs excepted).
pub fn variable(c: &Context) -> String {
    match c {
        Context::Branch => "$CI_COMMIT_REF_NAME".into(),
        Context::Tag => "$CI_COMMIT_TAG".into(),
        Context::Event => "$CI_PIPELINE_SOURCE".into(),
        Context::Actor => "$GITLAB_USER_LOGIN".into(),
        Context::Matrix(axis) => format!("${axis}"),
        Context::Input(name, _) => format!("${name}"),
        Context::Output { activity, name } => format!("${}", super::output_variable(activity, name)),
        Context::Property(p) => unreachable!("policy property {} outside a policy", p.name()),
    }
}

/// `CI_PIPELINE_SOURCE` for a flowc event.
pub fn event_source(event: Event) -> &'static str {
    match event {
        Event::Push => "push",
        Event::PullRequest => "merge_request_event",
        Event::Schedule => "schedule",
        Event::Manual => "web",
    }
}

/// A string literal for a GitLab rule.
fn string(s: &str, span: Span) -> Result<String, Unsupported> {
    if !s.contains('"') {
        Ok(format!("\"{s}\""))
    } else if !s.contains('\'') {
        Ok(format!("'{s}'"))
    } else {
        Err(unsupported(
            span,
            "a string with both kinds of quotes in a condition",
            "GitLab rules have no escapes; avoid `\"` or `'`",
        ))
    }
}

/// Escapes text for a `/.../` regex in a GitLab rule.
pub fn escape_regex(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\/.*+?()[]{}|^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A branch or tag glob (`*`, `**`, `?`) as an anchored regex, or `None` when it has no glob.
pub fn glob_regex(glob: &str) -> Option<String> {
    if !glob.contains(['*', '?']) {
        return None;
    }
    let mut out = String::from("^");
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(".*");
            }
            '*' => out.push_str("[^\\/]*"),
            '?' => out.push_str("[^\\/]"),
            other => out.push_str(&escape_regex(&other.to_string())),
        }
    }
    out.push('$');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_become_anchored_regexes() {
        assert_eq!(glob_regex("main"), None);
        assert_eq!(glob_regex("release/*").as_deref(), Some("^release\\/[^\\/]*$"));
        assert_eq!(glob_regex("v**").as_deref(), Some("^v.*$"));
    }
}
