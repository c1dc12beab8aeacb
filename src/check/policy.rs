//! Policies: rules over a process's activities, declared with `policy NAME { ... }` or taken
//! from the standard set by name, enabled per process with `policies NAME, ...`, and checked
//! when compiling. A violation is an error at the offending activity.

use super::errors;
use super::expr::{self, Scope};
use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::model::{Activity, Context, Event, Expr, ExprKind as K, Process, Property};
use crate::source::{FileId, Span};
use indexmap::IndexMap;
use std::sync::OnceLock;

/// The standard policies, written in the language itself.
pub const STANDARD: &str = r#"
policy timeouts {
  require activity.timeout != 0
  message "every activity sets a timeout, so a stuck job cannot run for hours"
}
policy production-approved {
  for activity.environment == "production"
  require activity.approved_by != ""
  message "deployments to production are approved by a role"
}
policy no-secrets-on-pull-requests {
  for activity.on_pull_request
  require activity.secrets == []
  message "activities that run for pull requests, which may come from forks, receive no secrets"
}
policy owner-and-manager {
  require process.owner != "" && process.manager != ""
  message "every process has an accountable owner and a manager"
}
"#;

/// Where the standard policies live: a file id no user file has.
const STANDARD_FILE: FileId = FileId(u32::MAX);

/// A checked policy.
pub struct Policy {
    pub name: String,
    pub applies: Vec<Expr>,
    pub require: Vec<Expr>,
    pub message: Option<String>,
    /// The name's span in a user file; `None` for standard policies.
    pub span: Option<Span>,
}

/// The policies one file can enable: the standard set, and those the file declares, which
/// may replace a standard one of the same name.
pub struct Policies {
    declared: IndexMap<String, Policy>,
}

impl Policies {
    pub fn get(&self, name: &str) -> Option<&Policy> {
        self.declared.get(name).or_else(|| standard().get(name))
    }

    /// Every name, standard ones first (in the order of [`STANDARD`]), then those declared.
    fn names(&self) -> impl Iterator<Item = &str> {
        let added = self.declared.keys().filter(|name| !standard().contains_key(*name));
        standard().keys().chain(added).map(String::as_str)
    }
}

/// The standard policies, parsed and checked once per process: every file of a compilation
/// can enable them, and with 100,000 modules parsing them per file was most of the time.
fn standard() -> &'static IndexMap<String, Policy> {
    static STANDARD_POLICIES: OnceLock<IndexMap<String, Policy>> = OnceLock::new();
    STANDARD_POLICIES.get_or_init(|| {
        let (standard, errors) = crate::syntax::parse(STANDARD_FILE, STANDARD);
        debug_assert!(errors.is_empty(), "the standard policies parse");
        let mut ignored = Vec::new();
        standard.policies.iter().map(|decl| (decl.name.name.clone(), check(decl, None, &mut ignored))).collect()
    })
}

/// The standard policies plus those `file` declares (which may replace a standard one).
pub fn collect(file: &ast::File, diagnostics: &mut Vec<Diagnostic>) -> Policies {
    let mut declared: IndexMap<String, Policy> = IndexMap::new();
    for decl in &file.policies {
        if let Some(first) = declared.get(decl.name.name.as_str()) {
            diagnostics.push(errors::duplicate(
                "policy",
                &decl.name.name,
                decl.name.span,
                first.span.expect("declared"),
            ));
            continue;
        }
        declared.insert(decl.name.name.clone(), check(decl, Some(decl.name.span), diagnostics));
    }
    Policies { declared }
}

fn check(decl: &ast::Policy, span: Option<Span>, diagnostics: &mut Vec<Diagnostic>) -> Policy {
    let scope = Scope::policy();
    let mut conditions = |exprs: &[ast::Expr]| -> Vec<Expr> {
        exprs.iter().filter_map(|e| expr::condition(e, &scope, diagnostics).0).collect()
    };
    let applies = conditions(&decl.applies);
    let require = conditions(&decl.require);
    if decl.require.is_empty() && span.is_some() {
        diagnostics.push(errors::missing(
            decl.name.span,
            format!("policy `{}` requires nothing", decl.name.name),
            "add `require CONDITION`",
        ));
    }
    let message = decl.message.first().map(|m| m.value.clone());
    Policy { name: decl.name.name.clone(), applies, require, message, span }
}

/// Checks the policies `process` enables, reporting unknown names and every violation.
pub fn enforce(decl: &ast::Process, process: &Process, policies: &Policies, diagnostics: &mut Vec<Diagnostic>) {
    for name in &decl.policies {
        let Some(policy) = policies.get(&name.name) else {
            let known = policies.names();
            diagnostics.push(errors::unknown(errors::UNKNOWN_POLICY, "policy", &name.name, name.span, known));
            continue;
        };
        let about_process = policy.applies.iter().chain(&policy.require).all(|e| !reads_activity(e));
        if about_process {
            if let Some(failed) = policy.require.iter().find(|r| !holds(r, &Facts::of(process, None))) {
                diagnostics.push(violation("process", &process.name, decl.name.span, name.span, policy, failed));
            }
            continue;
        }
        for activity in &process.activities {
            let facts = Facts::of(process, Some(activity));
            if !policy.applies.iter().all(|c| holds(c, &facts)) {
                continue;
            }
            if let Some(failed) = policy.require.iter().find(|r| !holds(r, &facts)) {
                diagnostics.push(violation("activity", &activity.name, activity.name_span, name.span, policy, failed));
            }
        }
    }
}

fn violation(kind: &str, name: &str, at: Span, enabled: Span, policy: &Policy, failed: &Expr) -> Diagnostic {
    let mut d = Diagnostic::error(
        errors::POLICY_VIOLATED,
        format!("{kind} `{name}` breaks policy `{}`", policy.name),
        at,
        "breaks the policy",
    )
    .with_label(enabled, "the policy is enabled here");
    if let Some(span) = policy.span {
        d = d.with_label(span, "declared here");
    }
    if let Some(message) = &policy.message {
        d = d.with_note(message.clone());
    }
    d.with_note(format!("the policy requires `{failed}`"))
}

fn reads_activity(e: &Expr) -> bool {
    e.any(&|e| matches!(&e.kind, K::Context(Context::Property(p)) if !matches!(p, Property::ProcessName | Property::Owner | Property::Manager)))
}

/// A value while evaluating a policy.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    List(Vec<String>),
}

/// What a policy can know about one activity of a process.
struct Facts<'a> {
    process: &'a Process,
    activity: Option<&'a Activity>,
}

impl<'a> Facts<'a> {
    fn of(process: &'a Process, activity: Option<&'a Activity>) -> Facts<'a> {
        Facts { process, activity }
    }

    fn property(&self, p: Property) -> Value {
        let a = self.activity;
        let text = |s: Option<&str>| Value::Str(s.unwrap_or_default().to_string());
        match p {
            Property::ActivityName => text(a.map(|a| a.name.as_str())),
            Property::Environment => text(a.and_then(|a| a.environment.as_ref()).map(|e| e.name.as_str())),
            Property::ApprovedBy => text(a.and_then(|a| a.approval.as_ref()).map(|ap| ap.role.as_str())),
            Property::Quorum => Value::Num(a.and_then(|a| a.approval.as_ref()).map_or(0.0, |ap| ap.quorum as f64)),
            Property::RunBy => text(a.and_then(|a| a.run_by.as_ref()).map(|r| r.role.as_str())),
            Property::Timeout => Value::Num(a.and_then(|a| a.timeout_minutes).unwrap_or(0) as f64),
            Property::Secrets => Value::List(a.map(|a| a.secrets.clone()).unwrap_or_default()),
            Property::After => Value::List(a.map(|a| upstream(self.process, a)).unwrap_or_default()),
            Property::OnPullRequest => Value::Bool(a.is_some_and(|a| on_pull_request(self.process, a))),
            Property::ProcessName => Value::Str(self.process.name.clone()),
            Property::Owner => Value::Str(self.process.owner.clone()),
            Property::Manager => text(self.process.manager.as_deref()),
        }
    }
}

fn holds(e: &Expr, facts: &Facts) -> bool {
    eval(e, facts) == Value::Bool(true)
}

fn eval(e: &Expr, facts: &Facts) -> Value {
    match &e.kind {
        K::Str(s) => Value::Str(s.clone()),
        K::Num(n) => Value::Num(*n),
        K::Bool(b) => Value::Bool(*b),
        K::Event(ev) => Value::Str(format!("{ev:?}")),
        K::List(items) => Value::List(items.iter().map(|i| text(&eval(i, facts))).collect()),
        K::Context(Context::Property(p)) => facts.property(*p),
        K::Not(inner) => Value::Bool(!holds(inner, facts)),
        K::Eq(a, b) => Value::Bool(eval(a, facts) == eval(b, facts)),
        K::Ne(a, b) => Value::Bool(eval(a, facts) != eval(b, facts)),
        K::And(items) => Value::Bool(items.iter().all(|i| holds(i, facts))),
        K::Or(items) => Value::Bool(items.iter().any(|i| holds(i, facts))),
        K::StartsWith(a, b) => Value::Bool(text(&eval(a, facts)).starts_with(&text(&eval(b, facts)))),
        K::Contains(a, b) => Value::Bool(match eval(a, facts) {
            Value::List(items) => items.contains(&text(&eval(b, facts))),
            other => text(&other).contains(&text(&eval(b, facts))),
        }),
        K::Context(_) | K::Status(_) => Value::Bool(false),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Num(n) => crate::model::Data::Float(*n).to_text(),
        Value::Bool(b) => b.to_string(),
        Value::List(items) => items.join(","),
    }
}

/// Every activity `a` waits for, directly or not, in source order.
fn upstream(p: &Process, a: &Activity) -> Vec<String> {
    let mut seen = vec![false; p.activities.len()];
    let mut stack: Vec<usize> = a.needs.iter().filter_map(|n| p.index.get(n).copied()).collect();
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut seen[i], true) {
            stack.extend(p.activities[i].needs.iter().filter_map(|n| p.index.get(n).copied()));
        }
    }
    p.activities.iter().zip(seen).filter(|(_, s)| *s).map(|(a, _)| a.name.clone()).collect()
}

/// True when the process runs for pull requests and nothing on the way to `a` rules that out.
fn on_pull_request(p: &Process, a: &Activity) -> bool {
    // `on any` admits every pipeline, merge request pipelines included.
    if p.triggers.pull_request.is_none() && p.triggers.any.is_none() {
        return false;
    }
    let mut chain = vec![a.name.clone()];
    chain.extend(upstream(p, a));
    chain.iter().filter_map(|n| p.activity(n)).all(|x| x.condition.as_ref().is_none_or(|c| maybe(c) != Some(false)))
}

/// Three-valued evaluation of a run-time condition on a pull request: `None` when unknown.
fn maybe(e: &Expr) -> Option<bool> {
    match &e.kind {
        K::Bool(b) => Some(*b),
        K::Not(inner) => maybe(inner).map(|b| !b),
        K::And(items) => {
            let values: Vec<Option<bool>> = items.iter().map(maybe).collect();
            if values.contains(&Some(false)) {
                Some(false)
            } else if values.iter().all(|v| *v == Some(true)) {
                Some(true)
            } else {
                None
            }
        }
        K::Or(items) => {
            let values: Vec<Option<bool>> = items.iter().map(maybe).collect();
            if values.contains(&Some(true)) {
                Some(true)
            } else if values.iter().all(|v| *v == Some(false)) {
                Some(false)
            } else {
                None
            }
        }
        K::Eq(a, b) | K::Ne(a, b) => {
            let event = |x: &Expr, y: &Expr| match (&x.kind, &y.kind) {
                (K::Context(Context::Event), K::Event(ev)) | (K::Event(ev), K::Context(Context::Event)) => {
                    Some(*ev == Event::PullRequest)
                }
                _ => None,
            };
            event(a, b).map(|same| same == matches!(e.kind, K::Eq(..)))
        }
        _ => None,
    }
}
