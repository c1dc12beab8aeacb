//! Expressions: names resolved to contexts, types checked.
//!
//! One language for conditions and environment values. Contexts are `branch`, `tag`,
//! `event`, `actor`, `matrix.AXIS`, `inputs.NAME` and `outputs.ACTIVITY.NAME`; functions are
//! `startsWith`, `contains` and the status functions `success`, `failure`, `always`.

use super::errors;
use crate::ast::{self, CompareOp, ExprKind as A, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::model::{Context, Data, Event, Expr, ExprKind as M, Input, InputType, Matrix, Property, Status, Triggers};
use crate::source::Span;
use indexmap::IndexMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Number,
    Bool,
    Event,
    List(Box<Type>),
    /// `[]`: a list of anything.
    EmptyList,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Type::String => write!(f, "a string"),
            Type::Number => write!(f, "a number"),
            Type::Bool => write!(f, "a boolean"),
            Type::Event => write!(f, "an event"),
            Type::List(t) => {
                write!(f, "a list of {}", t.to_string().trim_start_matches("a ").trim_start_matches("an "))
            }
            Type::EmptyList => write!(f, "an empty list"),
        }
    }
}

/// What names an expression may use.
pub struct Scope<'a> {
    pub inputs: &'a [Input],
    pub matrix: Option<&'a Matrix>,
    /// Activity → the outputs it declares; `None` where outputs are not readable.
    pub outputs: Option<&'a IndexMap<String, Vec<String>>>,
    pub allow_status: bool,
    /// True in policies: `activity.*` and `process.*` are readable, run-time contexts are not.
    pub policy: bool,
}

impl<'a> Scope<'a> {
    pub fn process(triggers: &'a Triggers) -> Scope<'a> {
        Scope {
            inputs: triggers.manual.as_deref().unwrap_or(&[]),
            matrix: None,
            outputs: None,
            allow_status: false,
            policy: false,
        }
    }

    pub fn policy() -> Scope<'static> {
        Scope { inputs: &[], matrix: None, outputs: None, allow_status: false, policy: true }
    }
}

/// Resolves expressions in one scope, remembering which activities' outputs were read.
pub struct Resolver<'s, 'd> {
    scope: &'s Scope<'s>,
    diagnostics: &'d mut Vec<Diagnostic>,
    /// `(activity, span)` for every `outputs.ACTIVITY.NAME` read.
    pub outputs_read: Vec<(String, Span)>,
}

/// A condition: must be a boolean.
pub fn condition(
    expr: &ast::Expr,
    scope: &Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Expr>, Vec<(String, Span)>) {
    let mut r = Resolver { scope, diagnostics, outputs_read: Vec::new() };
    let out = r.resolve(expr).and_then(|(e, t)| r.expect(e, &t, Type::Bool, "a condition"));
    (out, r.outputs_read)
}

/// An environment value: a literal or a single context.
pub fn env_value(expr: &ast::Expr, scope: &Scope, diagnostics: &mut Vec<Diagnostic>) -> Option<Expr> {
    env_value_reads(expr, scope, diagnostics).0
}

/// Like [`env_value`], also returning the outputs it reads.
pub fn env_value_reads(
    expr: &ast::Expr,
    scope: &Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Expr>, Vec<(String, Span)>) {
    let mut r = Resolver { scope, diagnostics, outputs_read: Vec::new() };
    let resolved = r.resolve(expr).map(|(e, _)| e);
    let value = resolved.filter(|e| {
        let ok = matches!(e.kind, M::Str(_) | M::Num(_) | M::Bool(_) | M::Context(_));
        if !ok {
            r.diagnostics.push(
                Diagnostic::error(errors::NOT_A_VALUE, "an environment value must be a literal or a context", e.span, "computed value")
                    .with_help("write a string such as `\"1\"` or a context such as `inputs.level`; compute other values in a step"),
            );
        }
        ok
    });
    (value, r.outputs_read)
}

const CONTEXTS: [&str; 7] = ["branch", "tag", "event", "actor", "matrix", "inputs", "outputs"];
const FUNCTIONS: [&str; 5] = ["startsWith", "contains", "success", "failure", "always"];

impl Resolver<'_, '_> {
    fn expect(&mut self, e: Expr, found: &Type, expected: Type, what: &str) -> Option<Expr> {
        if *found == expected {
            return Some(e);
        }
        self.diagnostics.push(errors::type_mismatch(e.span, &expected.to_string(), &found.to_string(), what));
        None
    }

    fn resolve(&mut self, expr: &ast::Expr) -> Option<(Expr, Type)> {
        let span = expr.span;
        let made = |kind| Expr { kind, span };
        match &expr.kind {
            A::Literal(value) => self.literal(value, span),
            A::List(items) => self.list(items, span),
            A::Path(path) => self.path(path, span),
            A::Call(name, args) => self.call(name, args, span),
            A::Not(inner) => {
                let (e, t) = self.resolve(inner)?;
                let e = self.expect(e, &t, Type::Bool, "`!` needs a boolean")?;
                Some((made(M::Not(Box::new(e))), Type::Bool))
            }
            A::Compare(op, left, right) => {
                let (l, r) = (self.resolve(left), self.resolve(right));
                let ((l, lt), (r, rt)) = (l?, r?);
                let empty_list = |a: &Type, b: &Type| *a == Type::EmptyList && matches!(b, Type::List(_));
                if lt != rt && !empty_list(&lt, &rt) && !empty_list(&rt, &lt) {
                    let message = format!("cannot compare {lt} with {rt}");
                    self.diagnostics.push(
                        Diagnostic::error(errors::TYPE_MISMATCH, message, span, "these have different types")
                            .with_label(l.span, lt.to_string())
                            .with_label(r.span, rt.to_string()),
                    );
                    return None;
                }
                let kind = match op {
                    CompareOp::Eq => M::Eq(Box::new(l), Box::new(r)),
                    CompareOp::Ne => M::Ne(Box::new(l), Box::new(r)),
                };
                Some((made(kind), Type::Bool))
            }
            A::And(items) | A::Or(items) => {
                let resolved: Vec<Option<Expr>> = items
                    .iter()
                    .map(|i| {
                        self.resolve(i).and_then(|(e, t)| self.expect(e, &t, Type::Bool, "`&&` and `||` need booleans"))
                    })
                    .collect();
                let items: Vec<Expr> = resolved.into_iter().collect::<Option<_>>()?;
                let kind = if matches!(expr.kind, A::And(_)) { M::And(items) } else { M::Or(items) };
                Some((made(kind), Type::Bool))
            }
        }
    }

    fn literal(&mut self, value: &ValueKind, span: Span) -> Option<(Expr, Type)> {
        let (kind, ty) = match value {
            ValueKind::Str(s) => (M::Str(s.clone()), Type::String),
            ValueKind::Bool(b) => (M::Bool(*b), Type::Bool),
            ValueKind::Int(i) => (M::Num(*i as f64), Type::Number),
            ValueKind::Float(f) => (M::Num(*f), Type::Number),
            _ => {
                self.diagnostics.push(errors::invalid(span, "`null` cannot be used in an expression", "null"));
                return None;
            }
        };
        Some((Expr { kind, span }, ty))
    }

    fn list(&mut self, items: &[ast::Expr], span: Span) -> Option<(Expr, Type)> {
        let resolved: Vec<Option<(Expr, Type)>> = items.iter().map(|i| self.resolve(i)).collect();
        let resolved: Vec<(Expr, Type)> = resolved.into_iter().collect::<Option<_>>()?;
        let Some((_, first)) = resolved.first().cloned() else {
            return Some((Expr { kind: M::List(Vec::new()), span }, Type::EmptyList));
        };
        let mut out = Vec::new();
        for (e, t) in resolved {
            if !matches!(e.kind, M::Str(_) | M::Num(_) | M::Bool(_) | M::Event(_)) {
                let message = "list items must be constants";
                self.diagnostics.push(
                    Diagnostic::error(errors::NOT_A_VALUE, message, e.span, "not a constant")
                        .with_help("compare each value separately: `a == x || b == x`"),
                );
                return None;
            }
            out.push(self.expect(e, &t, first.clone(), "list items must all have one type")?);
        }
        Some((Expr { kind: M::List(out), span }, Type::List(Box::new(first))))
    }

    fn path(&mut self, path: &[ast::Ident], span: Span) -> Option<(Expr, Type)> {
        let ctx = |c| Some((Expr { kind: M::Context(c), span }, Type::String));
        let head = path[0].name.as_str();
        if self.scope.policy {
            return self.property(path, span);
        }
        match (head, path.len()) {
            ("branch", 1) => ctx(Context::Branch),
            ("tag", 1) => ctx(Context::Tag),
            ("actor", 1) => ctx(Context::Actor),
            ("event", 1) => Some((Expr { kind: M::Context(Context::Event), span }, Type::Event)),
            ("matrix", 2) => self.matrix(&path[1], span),
            ("inputs", 2) => self.input(&path[1], span),
            ("outputs", 3) => self.output(&path[1], &path[2], span),
            (_, 1) if Event::ALL.iter().any(|(n, _)| *n == head) => {
                let event = Event::ALL.iter().find(|(n, _)| *n == head).map(|(_, e)| *e)?;
                Some((Expr { kind: M::Event(event), span }, Type::Event))
            }
            ("matrix" | "inputs" | "outputs" | "branch" | "tag" | "actor" | "event", _) => {
                let shape = match head {
                    "matrix" => "`matrix.AXIS`",
                    "inputs" => "`inputs.NAME`",
                    "outputs" => "`outputs.ACTIVITY.NAME`",
                    _ => "a plain name",
                };
                self.diagnostics.push(errors::invalid(span, format!("`{head}` is used as {shape}"), "wrong shape"));
                None
            }
            _ => {
                let candidates = CONTEXTS.into_iter().chain(Event::ALL.iter().map(|(n, _)| *n));
                let d = errors::unknown(errors::UNKNOWN_CONTEXT, "context", head, path[0].span, candidates);
                self.diagnostics.push(d.with_note("strings are written in double quotes: `\"main\"`"));
                None
            }
        }
    }

    /// `activity.PROPERTY` or `process.PROPERTY` in a policy, or an event name.
    fn property(&mut self, path: &[ast::Ident], span: Span) -> Option<(Expr, Type)> {
        let name = path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
        if let [one] = path {
            if let Some((_, event)) = Event::ALL.iter().find(|(n, _)| *n == one.name) {
                return Some((Expr { kind: M::Event(*event), span }, Type::Event));
            }
        }
        let Some(property) = Property::ALL.into_iter().find(|p| p.name() == name) else {
            let candidates = Property::ALL.iter().map(|p| p.name());
            let d = errors::unknown(errors::UNKNOWN_CONTEXT, "policy property", &name, span, candidates);
            self.diagnostics.push(d.with_note(
                "policies are checked when compiling; they read the activity and process, not run-time values",
            ));
            return None;
        };
        Some((Expr { kind: M::Context(Context::Property(property)), span }, property_type(property)))
    }

    fn matrix(&mut self, axis: &ast::Ident, span: Span) -> Option<(Expr, Type)> {
        let Some(matrix) = self.scope.matrix else {
            self.diagnostics.push(errors::invalid(
                span,
                "`matrix` is used outside an activity with a matrix",
                "no matrix here",
            ));
            return None;
        };
        let Some((_, values)) = matrix.axes.iter().find(|(a, _)| *a == axis.name) else {
            let names = matrix.axes.iter().map(|(a, _)| a.as_str());
            self.diagnostics.push(errors::unknown(errors::UNKNOWN_AXIS, "matrix axis", &axis.name, axis.span, names));
            return None;
        };
        let ty = axis_type(values);
        Some((Expr { kind: M::Context(Context::Matrix(axis.name.clone())), span }, ty))
    }

    fn input(&mut self, name: &ast::Ident, span: Span) -> Option<(Expr, Type)> {
        let Some(input) = self.scope.inputs.iter().find(|i| i.name == name.name) else {
            let names = self.scope.inputs.iter().map(|i| i.name.as_str());
            let d = errors::unknown(errors::UNKNOWN_INPUT, "input", &name.name, name.span, names);
            self.diagnostics.push(if self.scope.inputs.is_empty() {
                d.with_help("declare inputs with `on manual(NAME: TYPE)`")
            } else {
                d
            });
            return None;
        };
        let ty = match input.ty {
            InputType::Boolean => Type::Bool,
            InputType::Number => Type::Number,
            InputType::String | InputType::Choice(_) => Type::String,
        };
        Some((Expr { kind: M::Context(Context::Input(input.name.clone(), input.ty.clone())), span }, ty))
    }

    fn output(&mut self, activity: &ast::Ident, name: &ast::Ident, span: Span) -> Option<(Expr, Type)> {
        let Some(outputs) = self.scope.outputs else {
            self.diagnostics.push(errors::invalid(
                span,
                "outputs can only be read inside an activity",
                "not in an activity",
            ));
            return None;
        };
        let Some(declared) = outputs.get(&activity.name) else {
            let names = outputs.keys().map(String::as_str);
            self.diagnostics.push(errors::unknown(
                errors::UNKNOWN_ACTIVITY,
                "activity",
                &activity.name,
                activity.span,
                names,
            ));
            return None;
        };
        if !declared.contains(&name.name) {
            let d = errors::unknown(
                errors::UNKNOWN_OUTPUT,
                "output",
                &name.name,
                name.span,
                declared.iter().map(String::as_str),
            );
            let d = if declared.is_empty() {
                d.with_help(format!("declare it in `{}` with `output {}`", activity.name, name.name))
            } else {
                d
            };
            self.diagnostics.push(d);
            return None;
        }
        self.outputs_read.push((activity.name.clone(), activity.span));
        let context = Context::Output { activity: activity.name.clone(), name: name.name.clone() };
        Some((Expr { kind: M::Context(context), span }, Type::String))
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<(Expr, Type)> {
        let status = match name.name.as_str() {
            "success" => Some(Status::Success),
            "failure" => Some(Status::Failure),
            "always" => Some(Status::Always),
            _ => None,
        };
        if let Some(status) = status {
            if !args.is_empty() {
                self.diagnostics.push(errors::arity(&name.name, 0, args.len(), span));
                return None;
            }
            if !self.scope.allow_status {
                self.diagnostics.push(errors::invalid(
                    span,
                    format!("`{}()` can only be used in an activity's `when`", name.name),
                    "status function here",
                ));
                return None;
            }
            return Some((Expr { kind: M::Status(status), span }, Type::Bool));
        }
        if !matches!(name.name.as_str(), "startsWith" | "contains") {
            self.diagnostics.push(errors::unknown(
                errors::UNKNOWN_FUNCTION,
                "function",
                &name.name,
                name.span,
                FUNCTIONS,
            ));
            return None;
        }
        if args.len() != 2 {
            self.diagnostics.push(errors::arity(&name.name, 2, args.len(), span));
            return None;
        }
        let (a, b) = (self.resolve(&args[0]), self.resolve(&args[1]));
        let ((a, at), (b, bt)) = (a?, b?);
        let what = format!("argument of `{}`", name.name);
        if name.name == "startsWith" {
            let a = self.expect(a, &at, Type::String, &what);
            let b = self.expect(b, &bt, Type::String, &what);
            return Some((Expr { kind: M::StartsWith(Box::new(a?), Box::new(b?)), span }, Type::Bool));
        }
        let ok = match &at {
            Type::String => bt == Type::String,
            Type::List(item) => **item == bt,
            Type::EmptyList => true,
            _ => false,
        };
        if !ok {
            let message = format!("`contains` looks for {bt} in {at}");
            self.diagnostics.push(
                Diagnostic::error(errors::TYPE_MISMATCH, message, span, "mismatched arguments")
                    .with_help("use `contains(STRING, STRING)` or `contains([ITEMS], ITEM)`"),
            );
            return None;
        }
        Some((Expr { kind: M::Contains(Box::new(a), Box::new(b)), span }, Type::Bool))
    }
}

/// The type of a policy property.
fn property_type(p: Property) -> Type {
    match p {
        Property::Quorum | Property::Timeout => Type::Number,
        Property::Secrets | Property::After => Type::List(Box::new(Type::String)),
        Property::OnPullRequest => Type::Bool,
        _ => Type::String,
    }
}

/// The type of a matrix axis: the common type of its values, or string when they differ.
pub fn axis_type(values: &[Data]) -> Type {
    let ty = |d: &Data| match d {
        Data::Bool(_) => Type::Bool,
        Data::Int(_) | Data::Float(_) => Type::Number,
        _ => Type::String,
    };
    let first = values.first().map(ty).unwrap_or(Type::String);
    if values.iter().all(|v| ty(v) == first) {
        first
    } else {
        Type::String
    }
}
