//! Modules and templates: `import` resolved to loaded files (cycles refused with the whole
//! chain), and each activity's `from` calls expanded into its statements before checking.
//!
//! A template's parameters are used inside its strings as `{{name}}`. The activity's own
//! statements come after the templates'; a statement that may appear once (such as
//! `runs_on` or `timeout`) given by the activity replaces the templates' one.

use super::errors;
use crate::ast::{self, ActivityStmt as S, ExprKind, ParamType, Template, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use indexmap::IndexMap;
use petgraph::algo::kosaraju_scc;
use petgraph::graphmap::DiGraphMap;
use std::collections::{HashMap, HashSet};

/// For each file, by position: alias → the position of the file it imports.
pub type Aliases = Vec<IndexMap<String, usize>>;

pub fn resolve_imports(files: &[ast::File], sources: &SourceMap, diagnostics: &mut Vec<Diagnostic>) -> Aliases {
    let names: Vec<&str> = sources.files().iter().map(|f| f.name.as_str()).collect();
    let positions: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).rev().collect();
    let mut aliases: Aliases = vec![IndexMap::new(); files.len()];
    let mut graph: DiGraphMap<usize, usize> = DiGraphMap::new();
    for (i, file) in files.iter().enumerate() {
        graph.add_node(i);
        let mut seen: IndexMap<&str, crate::source::Span> = IndexMap::new();
        for (k, import) in file.imports.iter().enumerate() {
            if let Some(first) = seen.get(import.alias.name.as_str()) {
                diagnostics.push(errors::duplicate("import alias", &import.alias.name, import.alias.span, *first));
                continue;
            }
            seen.insert(&import.alias.name, import.alias.span);
            let target = crate::modules::resolve(names[i], &import.path.value);
            if let Some(&j) = positions.get(target.as_str()) {
                aliases[i].insert(import.alias.name.clone(), j);
                graph.add_edge(i, j, k);
            }
        }
    }
    report_cycles(files, &names, &graph, diagnostics);
    aliases
}

fn report_cycles(
    files: &[ast::File],
    names: &[&str],
    graph: &DiGraphMap<usize, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for mut component in kosaraju_scc(graph) {
        component.sort_unstable();
        let members: HashSet<usize> = component.iter().copied().collect();
        let start = component[0];
        if component.len() == 1 && !graph.contains_edge(start, start) {
            continue;
        }
        // Walk the cycle from its first file, following imports that stay inside it.
        let mut chain = vec![start];
        let mut in_chain: HashSet<usize> = HashSet::from([start]);
        let mut at = start;
        while let Some(next) = graph.neighbors(at).filter(|n| members.contains(n)).min() {
            if !in_chain.insert(next) {
                break;
            }
            chain.push(next);
            at = next;
        }
        let shown: Vec<&str> = chain.iter().chain(std::iter::once(&start)).map(|&i| names[i]).collect();
        let first_import = &files[start].imports[graph[(start, chain.get(1).copied().unwrap_or(start))]];
        diagnostics.push(
            Diagnostic::error(
                errors::IMPORT_CYCLE,
                format!("modules import each other in a cycle: {}", shown.join(" → ")),
                first_import.path.span,
                "starts the cycle",
            )
            .with_help("move what both modules need into a third module that imports neither"),
        );
    }
}

/// The activity with its `from` templates expanded into its statements.
pub fn expand(
    activity: &ast::Activity,
    file: usize,
    files: &[ast::File],
    aliases: &Aliases,
    diagnostics: &mut Vec<Diagnostic>,
) -> ast::Activity {
    if activity.from.is_empty() {
        return activity.clone();
    }
    let mut from_templates = Vec::new();
    for call in &activity.from {
        let Some((_, template)) = find(call, file, files, aliases, diagnostics) else { continue };
        if !template.activities.is_empty() {
            diagnostics.push(wrong_kind(call, template, "`from` takes a template of activity statements"));
            continue;
        }
        let Some(values) = arguments(call, template, diagnostics) else { continue };
        from_templates.extend(template.stmts.iter().map(|s| substitute(s, &values)));
    }
    let own: Vec<&'static str> = activity.stmts.iter().filter_map(single_kind).collect();
    let mut stmts: Vec<S> =
        from_templates.into_iter().filter(|s| single_kind(s).is_none_or(|k| !own.contains(&k))).collect();
    stmts.extend(activity.stmts.iter().cloned());
    ast::Activity { from: Vec::new(), stmts, ..activity.clone() }
}

/// The process's activities with each `use` of a group template replaced by the group's
/// activities, in source order. A group's activities are expanded in the scope of the module
/// that declares it (their `from` calls name that module's templates and imports).
pub fn expand_process(
    process: &ast::Process,
    file: usize,
    files: &[ast::File],
    aliases: &Aliases,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ast::Activity> {
    let mut activities = Vec::with_capacity(process.activities.len());
    let mut uses = process.uses.iter().peekable();
    for at in 0..=process.activities.len() {
        while let Some(group) = uses.next_if(|u| u.at == at) {
            activities.extend(group_activities(group, file, files, aliases, diagnostics));
        }
        if let Some(activity) = process.activities.get(at) {
            activities.push(expand(activity, file, files, aliases, diagnostics));
        }
    }
    activities
}

fn group_activities(
    group: &ast::GroupUse,
    file: usize,
    files: &[ast::File],
    aliases: &Aliases,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ast::Activity> {
    let Some((module, template)) = find(&group.call, file, files, aliases, diagnostics) else { return Vec::new() };
    if template.activities.is_empty() {
        diagnostics.push(wrong_kind(&group.call, template, "`use` takes a group template: one made of activities"));
        return Vec::new();
    }
    let Some(values) = arguments(&group.call, template, diagnostics) else { return Vec::new() };
    let members: HashSet<&str> = template.activities.iter().map(|a| a.name.name.as_str()).collect();
    let artifacts: HashSet<&str> = template
        .activities
        .iter()
        .flat_map(|a| &a.stmts)
        .filter_map(|s| match s {
            S::Produces { name, .. } => Some(name.name.as_str()),
            _ => None,
        })
        .collect();
    let rename = |ident: &mut ast::Ident, names: &HashSet<&str>| {
        if let Some(prefix) = &group.prefix {
            if names.contains(ident.name.as_str()) {
                ident.name = format!("{}-{}", prefix.name, ident.name);
            }
        }
    };
    template
        .activities
        .iter()
        .map(|activity| {
            let mut activity = activity.clone();
            rename(&mut activity.name, &members);
            activity.after.iter_mut().for_each(|a| rename(a, &members));
            activity.stmts = activity.stmts.iter().map(|s| substitute(s, &values)).collect();
            for (_, value) in activity.from.iter_mut().flat_map(|call| &mut call.args) {
                strings_in_value(value, &mut |s| replace_params(s, &values));
            }
            for stmt in &mut activity.stmts {
                match stmt {
                    S::Produces { name, .. } => rename(name, &artifacts),
                    S::Consumes(names) => names.iter_mut().for_each(|n| rename(n, &artifacts)),
                    _ => {}
                }
                exprs_in_stmt(stmt, &mut |e| {
                    paths_in_expr(e, &mut |path| {
                        if let [outputs, producer, ..] = path {
                            if outputs.name == "outputs" {
                                rename(producer, &members);
                            }
                        }
                    })
                });
            }
            expand(&activity, module, files, aliases, diagnostics)
        })
        .collect()
}

/// A template holds activity statements or activities, not both.
pub fn check_kinds(file: &ast::File, diagnostics: &mut Vec<Diagnostic>) {
    for template in &file.templates {
        if let (Some(activity), false) = (template.activities.first(), template.stmts.is_empty()) {
            diagnostics.push(
                Diagnostic::error(
                    errors::TEMPLATE_KIND,
                    format!("template `{}` mixes activities and activity statements", template.name.name),
                    template.name.span,
                    "holds both",
                )
                .with_label(activity.name.span, "an activity")
                .with_help("split it: a template of statements for `from`, a group of activities for `use`"),
            );
        }
    }
}

fn wrong_kind(call: &ast::TemplateCall, template: &Template, what: &str) -> Diagnostic {
    let (kind, help) = if template.activities.is_empty() {
        ("activity statements", "start an activity from it: `activity NAME from TEMPLATE(...) { }`")
    } else {
        ("activities", "put its activities into the process with `use TEMPLATE(...)`")
    };
    Diagnostic::error(errors::TEMPLATE_KIND, what, call.span, format!("`{}` holds {kind}", template.name.name))
        .with_label(template.name.span, "declared here")
        .with_help(help)
}

/// The kind of a statement that may appear once in an activity.
fn single_kind(stmt: &S) -> Option<&'static str> {
    Some(match stmt {
        S::Name(_) => "name",
        S::RunsOn(_) => "runs_on",
        S::Image(_) => "image",
        S::Matrix(_) => "matrix",
        S::When(_) => "when",
        S::Timeout { .. } => "timeout",
        S::Retry { .. } => "retry",
        S::AllowFailure { .. } => "allow_failure",
        S::Environment { .. } => "environment",
        S::ApprovedBy { .. } => "approved_by",
        S::RunBy(_) => "run_by",
        _ => return None,
    })
}

fn find<'a>(
    call: &ast::TemplateCall,
    file: usize,
    files: &'a [ast::File],
    aliases: &Aliases,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(usize, &'a Template)> {
    let (module, name) = match call.path.as_slice() {
        [name] => (file, name),
        [alias, name] => match aliases[file].get(&alias.name) {
            Some(&j) => (j, name),
            None => {
                let known = aliases[file].keys().map(String::as_str);
                diagnostics.push(
                    errors::unknown(errors::UNKNOWN_TEMPLATE, "module", &alias.name, alias.span, known)
                        .with_help(format!("import it first: `import \"std/...\" as {}`", alias.name)),
                );
                return None;
            }
        },
        _ => {
            diagnostics.push(errors::invalid(
                call.span,
                "a template is named `NAME` or `MODULE.NAME`",
                "too many parts",
            ));
            return None;
        }
    };
    let Some(template) = files[module].templates.iter().find(|t| t.name.name == name.name) else {
        let known =
            files[module].templates.iter().filter(|t| t.exported || module == file).map(|t| t.name.name.as_str());
        diagnostics.push(errors::unknown(errors::UNKNOWN_TEMPLATE, "template", &name.name, name.span, known));
        return None;
    };
    if module != file && !template.exported {
        diagnostics.push(
            Diagnostic::error(
                errors::UNKNOWN_TEMPLATE,
                format!("template `{}` is not exported by its module", name.name),
                name.span,
                "not visible here",
            )
            .with_label(template.name.span, "declared here without `export`")
            .with_help("write `export template` in the module to use it from other files"),
        );
        return None;
    }
    Some((module, template))
}

/// The parameter values of a call: given arguments, then defaults. Reports unknown, missing
/// and mistyped arguments at the call with a label at the definition.
fn arguments(
    call: &ast::TemplateCall,
    template: &Template,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<IndexMap<String, String>> {
    let before = diagnostics.len();
    let names: Vec<&str> = template.params.iter().map(|p| p.name.name.as_str()).collect();
    super::check_unique("argument", call.args.iter().map(|(n, _)| n), diagnostics);
    for (name, _) in &call.args {
        if !names.contains(&name.name.as_str()) {
            let message = format!("template `{}` has no parameter `{}`", template.name.name, name.name);
            let d = Diagnostic::error(errors::TEMPLATE_ARGUMENT, message, name.span, "unknown argument")
                .with_label(template.name.span, "the template is declared here")
                .with_suggestion(&name.name, names.iter().copied());
            diagnostics.push(d);
        }
    }
    let mut values = IndexMap::new();
    for param in &template.params {
        let given = call.args.iter().find(|(n, _)| n.name == param.name.name).map(|(_, v)| v);
        let Some(value) = given.or(param.default.as_ref()) else {
            diagnostics.push(
                Diagnostic::error(
                    errors::TEMPLATE_ARGUMENT,
                    format!("missing argument `{}` of template `{}`", param.name.name, template.name.name),
                    call.span,
                    "called here",
                )
                .with_label(param.name.span, "this parameter has no default"),
            );
            continue;
        };
        if let Some(text) = typed_text(&value.kind, param.ty) {
            values.insert(param.name.name.clone(), text);
        } else {
            let expected = match param.ty {
                ParamType::String => "a string",
                ParamType::Boolean => "`true` or `false`",
                ParamType::Number => "a number",
            };
            let found = match value.kind {
                ValueKind::Str(_) => "a string",
                ValueKind::Bool(_) => "a boolean",
                ValueKind::Int(_) | ValueKind::Float(_) => "a number",
                _ => "another value",
            };
            let d = errors::type_mismatch(value.span, expected, found, &format!("argument `{}`", param.name.name));
            diagnostics.push(d.with_label(param.name.span, "declared here"));
        }
    }
    (diagnostics.len() == before).then_some(values)
}

fn typed_text(value: &ValueKind, ty: ParamType) -> Option<String> {
    match (value, ty) {
        (ValueKind::Str(s), ParamType::String) => Some(s.clone()),
        (ValueKind::Bool(b), ParamType::Boolean) => Some(b.to_string()),
        (ValueKind::Int(i), ParamType::Number) => Some(i.to_string()),
        (ValueKind::Float(f), ParamType::Number) => Some(f.to_string()),
        _ => None,
    }
}

/// A template statement with `{{param}}` replaced in every string it holds.
fn substitute(stmt: &S, values: &IndexMap<String, String>) -> S {
    let mut stmt = stmt.clone();
    strings_in_stmt(&mut stmt, &mut |s: &mut String| replace_params(s, values));
    stmt
}

/// `{{name}}` replaced by the argument's text.
fn replace_params(s: &mut String, values: &IndexMap<String, String>) {
    if s.contains("{{") {
        for (name, value) in values {
            *s = s.replace(&format!("{{{{{name}}}}}"), value);
        }
    }
}

fn strings_in_stmt(stmt: &mut S, f: &mut dyn FnMut(&mut String)) {
    match stmt {
        S::Name(s) | S::RunsOn(ast::RunsOn::Label(s)) | S::Image(s) => f(&mut s.value),
        S::Step(step) => {
            match &mut step.kind {
                ast::StepKind::Run(s) => f(&mut s.value),
                ast::StepKind::Uses { action, with } => {
                    f(&mut action.value);
                    with.iter_mut().for_each(|(_, v)| strings_in_value(v, f));
                }
                ast::StepKind::Checkout => {}
            }
            step.names.iter_mut().for_each(|n| f(&mut n.value));
            let entries = step.targets.iter_mut().flat_map(|b| b.entries.iter_mut());
            entries.for_each(|(_, v)| strings_in_value(v, f));
        }
        S::Env(_) | S::When(_) | S::AllowFailure { .. } => exprs_in_stmt(stmt, &mut |e| strings_in_expr(e, f)),
        S::Service(service) => {
            f(&mut service.image.value);
            service.env.iter_mut().for_each(|e| strings_in_expr(&mut e.value, f));
        }
        S::Environment { name, url, .. } => {
            f(&mut name.value);
            if let Some(url) = url {
                f(&mut url.value);
            }
        }
        S::Produces { paths, .. } => paths.iter_mut().for_each(|p| f(&mut p.value)),
        S::Target(block) => block.entries.iter_mut().for_each(|(_, v)| strings_in_value(v, f)),
        _ => {}
    }
}

fn strings_in_value(value: &mut ast::Value, f: &mut dyn FnMut(&mut String)) {
    match &mut value.kind {
        ValueKind::Str(s) => f(s),
        ValueKind::List(items) => items.iter_mut().for_each(|v| strings_in_value(v, f)),
        ValueKind::Map(entries) => entries.iter_mut().for_each(|(_, v)| strings_in_value(v, f)),
        _ => {}
    }
}

fn strings_in_expr(expr: &mut ast::Expr, f: &mut dyn FnMut(&mut String)) {
    match &mut expr.kind {
        ExprKind::Literal(ValueKind::Str(s)) => f(s),
        ExprKind::List(items) | ExprKind::And(items) | ExprKind::Or(items) => {
            items.iter_mut().for_each(|e| strings_in_expr(e, f))
        }
        ExprKind::Call(_, args) => args.iter_mut().for_each(|e| strings_in_expr(e, f)),
        ExprKind::Not(e) => strings_in_expr(e, f),
        ExprKind::Compare(_, a, b) => {
            strings_in_expr(a, f);
            strings_in_expr(b, f);
        }
        _ => {}
    }
}

/// Every expression a statement holds, at the top level.
fn exprs_in_stmt(stmt: &mut S, f: &mut dyn FnMut(&mut ast::Expr)) {
    match stmt {
        S::Env(entries) => entries.iter_mut().for_each(|e| f(&mut e.value)),
        S::When(e) | S::AllowFailure { when: Some(e), .. } => f(e),
        S::Service(service) => service.env.iter_mut().for_each(|e| f(&mut e.value)),
        _ => {}
    }
}

/// Every path (`outputs.build.version`) inside an expression.
fn paths_in_expr(expr: &mut ast::Expr, f: &mut dyn FnMut(&mut [ast::Ident])) {
    match &mut expr.kind {
        ExprKind::Path(path) => f(path),
        ExprKind::List(items) | ExprKind::And(items) | ExprKind::Or(items) | ExprKind::Call(_, items) => {
            items.iter_mut().for_each(|e| paths_in_expr(e, f))
        }
        ExprKind::Not(e) => paths_in_expr(e, f),
        ExprKind::Compare(_, a, b) => {
            paths_in_expr(a, f);
            paths_in_expr(b, f);
        }
        ExprKind::Literal(_) => {}
    }
}
