//! Walks a syntax tree and lists every name in it as an [`Occurrence`], in source order.

use super::{Key, Kind, Occurrence};
use crate::ast::{self, ActivityStmt, ArgValue, Expr, ExprKind, Ident, RunsOn};

const CONTEXTS: [&str; 4] = ["branch", "tag", "event", "actor"];
const EVENTS: [&str; 4] = ["push", "pull_request", "schedule", "manual"];

/// Every occurrence in a file.
pub fn file(file: &ast::File) -> Vec<Occurrence> {
    let mut walker = Walker { out: Vec::new(), process: None, activity: None };
    for import in &file.imports {
        walker.add(Kind::Module, &import.alias, true);
    }
    for template in &file.templates {
        walker.template(template);
    }
    for role in &file.roles {
        walker.add(Kind::Role, &role.name, true);
    }
    for policy in &file.policies {
        walker.add(Kind::Policy, &policy.name, true);
        policy.applies.iter().chain(&policy.require).for_each(|e| walker.expr(e));
    }
    for process in &file.processes {
        walker.process(process);
    }
    walker.out.sort_by_key(|o| (o.span.start, o.span.end));
    walker.out
}

struct Walker {
    out: Vec<Occurrence>,
    process: Option<String>,
    activity: Option<String>,
}

impl Walker {
    fn add(&mut self, kind: Kind, ident: &Ident, definition: bool) {
        self.add_in(kind, ident, definition, self.activity.clone());
    }

    /// Adds an occurrence; `activity` scopes outputs and axes, other kinds ignore it.
    fn add_in(&mut self, kind: Kind, ident: &Ident, definition: bool, activity: Option<String>) {
        let process = match kind {
            Kind::Role | Kind::Process | Kind::Policy | Kind::Property | Kind::Module => None,
            _ => self.process.clone(),
        };
        let activity = if matches!(kind, Kind::Output | Kind::Axis) { activity } else { None };
        let key = Key { kind, name: ident.name.clone(), process, activity, module: None };
        self.out.push(Occurrence { key, span: ident.span, definition });
    }

    /// A template, its parameters, or a parameter (`of` is then the template), declared in
    /// the module `module` (`None`: this file).
    fn add_template(&mut self, kind: Kind, ident: &Ident, definition: bool, of: Option<&str>, module: Option<&str>) {
        let key = Key {
            kind,
            name: ident.name.clone(),
            process: None,
            activity: of.map(str::to_string),
            module: module.map(str::to_string),
        };
        self.out.push(Occurrence { key, span: ident.span, definition });
    }

    fn template(&mut self, t: &ast::Template) {
        (self.process, self.activity) = (None, None);
        self.add_template(Kind::Template, &t.name, true, None, None);
        for param in &t.params {
            self.add_template(Kind::Parameter, &param.name, true, Some(&t.name.name), None);
        }
        for stmt in &t.stmts {
            self.stmt(stmt);
        }
        for activity in &t.activities {
            self.activity(activity);
        }
    }

    /// `from local(a: 1), alias.name(b: 2)`
    fn from(&mut self, calls: &[ast::TemplateCall]) {
        for call in calls {
            let (module, name) = match call.path.as_slice() {
                [name] => (None, name),
                [alias, name] => {
                    self.add(Kind::Module, alias, false);
                    (Some(alias.name.as_str()), name)
                }
                _ => continue,
            };
            self.add_template(Kind::Template, name, false, None, module);
            for (arg, _) in &call.args {
                self.add_template(Kind::Parameter, arg, false, Some(&name.name), module);
            }
        }
    }

    fn process(&mut self, p: &ast::Process) {
        self.process = None;
        self.add(Kind::Process, &p.name, true);
        self.process = Some(p.name.name.clone());
        for role in p.owner.iter().chain(&p.manager) {
            self.add(Kind::Role, role, false);
        }
        for policy in &p.policies {
            self.add(Kind::Policy, policy, false);
        }
        for secret in &p.secrets {
            self.add(Kind::Secret, secret, true);
        }
        for trigger in p.triggers.iter().filter(|t| t.kind.name == "manual") {
            for arg in trigger.args.iter().filter(|a| matches!(a.value, ArgValue::Input { .. })) {
                self.add(Kind::Input, &arg.name, true);
            }
        }
        self.env(&p.env);
        for group in &p.uses {
            self.from(std::slice::from_ref(&group.call));
        }
        for activity in &p.activities {
            self.activity(activity);
        }
        self.process = None;
    }

    fn env(&mut self, entries: &[ast::EnvEntry]) {
        for entry in entries {
            self.expr(&entry.value);
        }
    }

    fn activity(&mut self, a: &ast::Activity) {
        self.activity = None;
        self.add(Kind::Activity, &a.name, true);
        self.from(&a.from);
        for after in &a.after {
            self.add(Kind::Activity, after, false);
        }
        self.activity = Some(a.name.name.clone());
        for stmt in &a.stmts {
            self.stmt(stmt);
        }
        self.activity = None;
    }

    fn stmt(&mut self, stmt: &ActivityStmt) {
        match stmt {
            ActivityStmt::RunsOn(RunsOn::Path(path, _)) if path.len() == 2 && path[0].name == "matrix" => {
                self.add(Kind::Axis, &path[1], false);
            }
            ActivityStmt::Env(entries) => self.env(entries),
            ActivityStmt::Secrets(names) => names.iter().for_each(|n| self.add(Kind::Secret, n, false)),
            ActivityStmt::Matrix(matrix) => {
                matrix.axes.iter().for_each(|(axis, _)| self.add(Kind::Axis, axis, true));
                let combos = matrix.include.iter().chain(&matrix.exclude);
                let pairs: Vec<&Ident> = combos.flat_map(|c| c.pairs.iter().map(|(axis, _)| axis)).collect();
                pairs.into_iter().for_each(|axis| self.add(Kind::Axis, axis, false));
            }
            ActivityStmt::When(expr) | ActivityStmt::AllowFailure { when: Some(expr), .. } => self.expr(expr),
            ActivityStmt::Service(service) => self.env(&service.env),
            ActivityStmt::ApprovedBy { role, .. } | ActivityStmt::RunBy(role) => self.add(Kind::Role, role, false),
            ActivityStmt::Consulted(roles) | ActivityStmt::Informed(roles) => {
                roles.iter().for_each(|r| self.add(Kind::Role, r, false))
            }
            ActivityStmt::Produces { name, .. } => self.add(Kind::Artifact, name, true),
            ActivityStmt::Consumes(names) => names.iter().for_each(|n| self.add(Kind::Artifact, n, false)),
            ActivityStmt::Outputs(names) => names.iter().for_each(|n| self.add(Kind::Output, n, true)),
            _ => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Path(path) => self.path(path),
            ExprKind::Call(name, args) => {
                self.add(Kind::Function, name, false);
                args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::Not(inner) => self.expr(inner),
            ExprKind::Compare(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::List(items) | ExprKind::And(items) | ExprKind::Or(items) => {
                items.iter().for_each(|i| self.expr(i));
            }
        }
    }

    fn path(&mut self, path: &[Ident]) {
        match path {
            [one] if CONTEXTS.contains(&one.name.as_str()) => self.add(Kind::Context, one, false),
            [one] if EVENTS.contains(&one.name.as_str()) => self.add(Kind::Event, one, false),
            [head, input] if head.name == "inputs" => self.add(Kind::Input, input, false),
            [head, axis] if head.name == "matrix" => self.add(Kind::Axis, axis, false),
            [head, property] if head.name == "activity" || head.name == "process" => {
                let name = format!("{}.{}", head.name, property.name);
                let key = Key { kind: Kind::Property, name, process: None, activity: None, module: None };
                self.out.push(Occurrence { key, span: head.span.to(property.span), definition: false });
            }
            [head, activity, output] if head.name == "outputs" => {
                self.add(Kind::Activity, activity, false);
                self.add_in(Kind::Output, output, false, Some(activity.name.clone()));
            }
            _ => {}
        }
    }
}
