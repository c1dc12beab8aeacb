//! Expressions as GitHub Actions expression text (without the `${{ }}`).

use crate::model::{Context, Event, Expr, ExprKind as K, Input, InputType, Status};

/// Renders `e` in GitHub's expression language. `inputs` give defaults for inputs,
/// which GitHub leaves empty on events other than `workflow_dispatch`.
pub fn render(e: &Expr, inputs: &[Input]) -> String {
    match &e.kind {
        K::Str(s) => quote(s),
        K::Num(n) => number(*n),
        K::Bool(b) => b.to_string(),
        K::List(items) => {
            let json: Vec<serde_json::Value> = items.iter().filter_map(json_item).collect();
            format!("fromJSON({})", quote(&serde_json::Value::Array(json).to_string()))
        }
        K::Event(event) => quote(event_name(*event)),
        K::Context(c) => context(c, inputs),
        // `!` binds tighter than `==` on GitHub: `!(a == b)` keeps its parentheses.
        K::Not(inner) => match inner.kind {
            K::Eq(..) | K::Ne(..) | K::And(_) | K::Or(_) => format!("!({})", render(inner, inputs)),
            _ => format!("!{}", render(inner, inputs)),
        },
        K::Eq(a, b) => format!("{} == {}", operand(a, inputs), operand(b, inputs)),
        K::Ne(a, b) => format!("{} != {}", operand(a, inputs), operand(b, inputs)),
        K::And(items) => items.iter().map(|i| grouped(i, inputs)).collect::<Vec<_>>().join(" && "),
        K::Or(items) => items.iter().map(|i| grouped(i, inputs)).collect::<Vec<_>>().join(" || "),
        K::StartsWith(a, b) => format!("startsWith({}, {})", render(a, inputs), render(b, inputs)),
        K::Contains(a, b) => format!("contains({}, {})", render(a, inputs), render(b, inputs)),
        K::Status(s) => match s {
            Status::Success => "success()",
            Status::Failure => "failure()",
            Status::Always => "always()",
        }
        .to_string(),
    }
}

/// `e` wrapped in `${{ }}`.
pub fn wrapped(e: &Expr, inputs: &[Input]) -> String {
    format!("${{{{ {} }}}}", render(e, inputs))
}

fn grouped(e: &Expr, inputs: &[Input]) -> String {
    match e.kind {
        K::And(_) | K::Or(_) => format!("({})", render(e, inputs)),
        _ => render(e, inputs),
    }
}

fn operand(e: &Expr, inputs: &[Input]) -> String {
    match e.kind {
        K::And(_) | K::Or(_) => format!("({})", render(e, inputs)),
        _ => render(e, inputs),
    }
}

/// The GitHub event name for a flowc event.
pub fn event_name(event: Event) -> &'static str {
    match event {
        Event::Push => "push",
        Event::PullRequest => "pull_request",
        Event::Schedule => "schedule",
        Event::Manual => "workflow_dispatch",
    }
}

fn context(c: &Context, inputs: &[Input]) -> String {
    match c {
        Context::Branch => "(github.head_ref || github.ref_name)".into(),
        Context::Tag => "(github.ref_type == 'tag' && github.ref_name || '')".into(),
        Context::Event => "github.event_name".into(),
        Context::Actor => "github.triggering_actor".into(),
        Context::Matrix(axis) => format!("matrix.{axis}"),
        Context::Input(name, ty) => input(name, ty, inputs),
        Context::Output { activity, name } => format!("needs.{activity}.outputs.{name}"),
        Context::Property(p) => unreachable!("policy property {} outside a policy", p.name()),
    }
}

/// An input, falling back to its default so that other events see the same value as on GitLab.
fn input(name: &str, ty: &InputType, inputs: &[Input]) -> String {
    let default = inputs.iter().find(|i| i.name == name).and_then(|i| i.default.as_ref());
    match (ty, default) {
        (InputType::Boolean, Some(crate::model::Data::Bool(true))) => {
            format!("(github.event_name != 'workflow_dispatch' || inputs.{name})")
        }
        (InputType::Boolean, _) | (_, None) => format!("inputs.{name}"),
        (InputType::Number, Some(d)) => format!("(inputs.{name} || {})", d.to_text()),
        (_, Some(d)) => format!("(inputs.{name} || {})", quote(&d.to_text())),
    }
}

/// A GitHub string literal.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn json_item(e: &Expr) -> Option<serde_json::Value> {
    match &e.kind {
        K::Str(s) => Some(serde_json::Value::String(s.clone())),
        K::Num(n) => serde_json::Number::from_f64(*n).map(serde_json::Value::Number),
        K::Bool(b) => Some(serde_json::Value::Bool(*b)),
        K::Event(ev) => Some(serde_json::Value::String(event_name(*ev).into())),
        _ => None,
    }
}
