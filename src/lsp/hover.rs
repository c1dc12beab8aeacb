//! Hover: what the name under the cursor is, and what it becomes on each target.
//!
//! Declared names (processes, activities, roles, artifacts, inputs, secrets, outputs, matrix
//! axes) are described from the syntax tree and the checked model; the generated names come
//! from the emitters themselves (`emit::gitlab::job_names`, `emit::github::expr`,
//! `emit::gitlab::rules::variable`), so a hover says what `flowc build` writes. Built-in
//! contexts, events and functions are described in [`builtin`]. Templates, module aliases and
//! parameters are described from the syntax tree of the file that declares them: a call's
//! hover shows the template's parameters with their defaults, and for the standard library
//! (which has no file to go to) the template's whole source.

mod builtin;

pub use builtin::property;

use super::document::{Analysis, Documents, FILE};
use super::index::{Key, Kind};
use crate::ast::{self, ActivityStmt, ArgValue, ValueKind};
use crate::emit::github::expr as github;
use crate::emit::gitlab::rules;
use crate::model::{self, Context, Expr, ExprKind};
use crate::source::{FileId, Span};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

/// The hover for the name at the cursor, if there is one.
pub fn hover(docs: &Documents, params: HoverParams) -> Option<Hover> {
    let (doc, offset) = docs.at(&params.text_document_position_params)?;
    let occurrence = doc.analysis.index.at(offset)?;
    let value = describe(&doc.analysis, &occurrence.key)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
        range: Some(doc.range(occurrence.span)),
    })
}

/// Markdown describing what `key` names.
pub fn describe(analysis: &Analysis, key: &Key) -> Option<String> {
    let scope = Scope::new(analysis, key);
    let name = key.name.as_str();
    match key.kind {
        Kind::Process => scope.process_text(),
        Kind::Activity => scope.activity_text(name),
        Kind::Role => role_text(analysis, name),
        Kind::Policy => policy_text(analysis, name),
        Kind::Artifact => scope.artifact_text(name),
        Kind::Input => scope.input_text(name),
        Kind::Secret => Some(scope.secret_text(name)),
        Kind::Output => Some(output_text(key.activity.as_deref()?, name)),
        Kind::Axis => scope.axis_text(key.activity.as_deref()?, name),
        Kind::Context => builtin::context(name, scope.model_process),
        Kind::Event => builtin::event(name),
        Kind::Function => builtin::function(name),
        Kind::Property => builtin::property(name),
        Kind::Template => template_text(analysis, key),
        Kind::Module => module_text(analysis, name),
        Kind::Parameter => parameter_text(analysis, key),
    }
}

/// `rust.test` or `smoke`.
fn qualified(key: &Key, name: &str) -> String {
    match &key.module {
        Some(alias) => format!("{alias}.{name}"),
        None => name.to_string(),
    }
}

/// Where a file of the analysis comes from, in words.
fn origin(analysis: &Analysis, id: FileId) -> String {
    let name = &analysis.sources.get(id).name;
    if id == FILE {
        "this file".to_string()
    } else if analysis.is_std(id) {
        format!("the standard library, `{}`", name.trim_end_matches(".flow"))
    } else {
        format!("`{name}`")
    }
}

/// `template test(toolchain: string = "stable", jobs: number)`
pub fn signature(template: &ast::Template) -> String {
    let params: Vec<String> = template.params.iter().map(param_text).collect();
    let export = if template.exported { "export " } else { "" };
    format!("{export}template {}({})", template.name.name, params.join(", "))
}

/// `toolchain: string = "stable"`
pub fn param_text(param: &ast::Param) -> String {
    let ty = match param.ty {
        ast::ParamType::String => "string",
        ast::ParamType::Boolean => "boolean",
        ast::ParamType::Number => "number",
    };
    match &param.default {
        Some(default) => format!("{}: {ty} = {}", param.name.name, value_text(&default.kind, true)),
        None => format!("{}: {ty}", param.name.name),
    }
}

fn template_text(analysis: &Analysis, key: &Key) -> Option<String> {
    let (id, template) = analysis.template(key.module.as_deref(), &key.name)?;
    let mut text = format!("template `{}` — {}", qualified(key, &key.name), origin(analysis, id));
    if id != FILE && !template.exported {
        text.push_str(" (not exported: other files cannot use it)");
    }
    let code = if analysis.is_std(id) {
        analysis.text_of(id).get(template.span.range()).unwrap_or_default().to_string()
    } else {
        signature(template)
    };
    text.push_str(&format!("\n\n```flow\n{code}\n```"));
    let required: Vec<&str> =
        template.params.iter().filter(|p| p.default.is_none()).map(|p| p.name.name.as_str()).collect();
    if !required.is_empty() {
        text.push_str(&format!("\n\nRequired arguments: {}", quoted(&required)));
    }
    text.push_str("\n\nIts statements come first in the activity; a `runs_on`, `timeout`... of the activity replaces the template's");
    Some(text)
}

fn module_text(analysis: &Analysis, alias: &str) -> Option<String> {
    let import = analysis.file.imports.iter().find(|i| i.alias.name == alias)?;
    let Some(id) = analysis.module(alias) else {
        return Some(format!("module `{alias}` — `{}` (not loaded)", import.path.value));
    };
    let exported: Vec<&str> =
        analysis.trees[id.0 as usize].templates.iter().filter(|t| t.exported).map(|t| t.name.name.as_str()).collect();
    let exports = if exported.is_empty() { "no templates".to_string() } else { quoted(&exported) };
    Some(format!("module `{alias}` — {}: exports {exports}", origin(analysis, id)))
}

fn parameter_text(analysis: &Analysis, key: &Key) -> Option<String> {
    let of = key.activity.as_deref()?;
    let (_, template) = analysis.template(key.module.as_deref(), of)?;
    let param = template.params.iter().find(|p| p.name.name == key.name)?;
    let required = if param.default.is_none() { " (required)" } else { "" };
    Some(format!(
        "parameter `{}`{required} of template `{}`\n\nUsed as `{{{{{}}}}}` in the template's strings",
        param_text(param),
        qualified(key, of),
        param.name.name
    ))
}

/// The process a name belongs to, as written and as checked.
struct Scope<'a> {
    name: &'a str,
    process: Option<&'a ast::Process>,
    model_process: Option<&'a model::Process>,
    /// The file holds several processes: GitLab job names carry the process's.
    several: bool,
}

impl<'a> Scope<'a> {
    fn new(analysis: &'a Analysis, key: &'a Key) -> Scope<'a> {
        let name = match key.kind {
            Kind::Process => key.name.as_str(),
            _ => key.process.as_deref().unwrap_or_default(),
        };
        let process = analysis.file.processes.iter().find(|p| p.name.name == name);
        let model_process = analysis.model.as_ref().and_then(|m| m.processes.iter().find(|p| p.name == name));
        let several = analysis.model.as_ref().is_some_and(|m| m.processes.len() > 1);
        Scope { name, process, model_process, several }
    }

    fn activities(&self) -> impl Iterator<Item = &'a ast::Activity> {
        self.process.into_iter().flat_map(|p| &p.activities)
    }

    fn process_text(&self) -> Option<String> {
        let p = self.process?;
        let owner = p.owner.first().map(|o| format!(" (owner `{}`)", o.name)).unwrap_or_default();
        let count = p.activities.len();
        Some(format!(
            "process `{}`{owner}, {count} activit{} — GitHub workflow `.github/workflows/{}.yml`, GitLab jobs `{}` in `.gitlab-ci.yml`",
            self.name,
            if count == 1 { "y" } else { "ies" },
            self.name,
            if self.several { format!("{}:ACTIVITY", self.name) } else { "ACTIVITY".to_string() }
        ))
    }

    fn activity_text(&self, name: &str) -> Option<String> {
        let ast = self.activities().find(|a| a.name.name == name)?;
        let checked = self.model_process.and_then(|p| p.activity(name).map(|a| (p, a)));
        let after: Vec<&str> = match checked {
            Some((_, a)) => a.needs.iter().map(String::as_str).collect(),
            None => ast.after.iter().map(|i| i.name.as_str()).collect(),
        };
        let after = if after.is_empty() { String::new() } else { format!(" (after {})", quoted(&after)) };
        let jobs = match checked {
            Some((p, a)) => gitlab_jobs(p, a, self.several),
            None if self.several => vec![format!("{}:{name}", self.name)],
            None => vec![name.to_string()],
        };
        let gitlab = match jobs.len() {
            0 => "no GitLab job (its condition never holds)".to_string(),
            1 => format!("GitLab job `{}`", jobs[0]),
            _ => format!("GitLab jobs {}", quoted(&jobs)),
        };
        Some(format!("activity `{name}`{after} — GitHub job `{name}`, {gitlab}"))
    }

    fn artifact_text(&self, name: &str) -> Option<String> {
        let produced = self.activities().find_map(|a| {
            a.stmts.iter().find_map(|s| match s {
                ActivityStmt::Produces { name: n, paths, .. } if n.name == name => Some((a, paths)),
                _ => None,
            })
        });
        let consumers: Vec<&str> = self
            .activities()
            .filter(|a| {
                a.stmts.iter().any(|s| matches!(s, ActivityStmt::Consumes(ns) if ns.iter().any(|n| n.name == name)))
            })
            .map(|a| a.name.name.as_str())
            .collect();
        let mut text = format!("artifact `{name}`");
        if let Some((producer, paths)) = produced {
            let paths: Vec<&str> = paths.iter().map(|p| p.value.as_str()).collect();
            text.push_str(&format!(" = {} — produced by `{}`", quoted(&paths), producer.name.name));
        }
        if !consumers.is_empty() {
            text.push_str(&format!(", consumed by {}", quoted(&consumers)));
        }
        Some(text + "\n\nGitHub: a tar file through `actions/upload-artifact` / `download-artifact`; GitLab: `artifacts:` and `needs:`")
    }

    fn input_text(&self, name: &str) -> Option<String> {
        let (ty, default) = self.process?.triggers.iter().flat_map(|t| &t.args).find_map(|arg| match &arg.value {
            ArgValue::Input { ty, default } if arg.name.name == name => Some((ty, default)),
            _ => None,
        })?;
        let mut text = format!("input `{name}`: {}", input_type(ty));
        if let Some(default) = default {
            text.push_str(&format!(" = {}", value_text(&default.kind, true)));
        }
        let inputs = self.model_process.map(|p| p.inputs()).unwrap_or_default();
        let ty = inputs.iter().find(|i| i.name == name).map_or(model::InputType::String, |i| i.ty.clone());
        let context = Context::Input(name.to_string(), ty);
        let github = github::wrapped(&context_expr(context.clone()), inputs);
        Some(format!("{text} — GitHub `{github}`, GitLab `{}`", rules::variable(&context)))
    }

    fn secret_text(&self, name: &str) -> String {
        let users: Vec<&str> = self
            .activities()
            .filter(|a| {
                a.stmts.iter().any(|s| matches!(s, ActivityStmt::Secrets(ns) if ns.iter().any(|n| n.name == name)))
            })
            .map(|a| a.name.name.as_str())
            .collect();
        let used = if users.is_empty() { String::new() } else { format!(", given to {}", quoted(&users)) };
        format!(
            "secret `{name}`{used} — GitHub `${{{{ secrets.{name} }}}}` in the env of those activities, GitLab CI/CD variable `${name}` (every job sees it)"
        )
    }

    fn axis_text(&self, activity: &str, name: &str) -> Option<String> {
        let matrix = self.activities().find(|a| a.name.name == activity)?.stmts.iter().find_map(|s| match s {
            ActivityStmt::Matrix(m) => Some(m),
            _ => None,
        })?;
        let (_, values) = matrix.axes.iter().find(|(axis, _)| axis.name == name)?;
        let values: Vec<String> = values.iter().map(|v| value_text(&v.kind, false)).collect();
        let github = github::wrapped(&context_expr(Context::Matrix(name.to_string())), &[]);
        Some(format!(
            "matrix axis `{name}` of `{activity}`: {} — GitHub `{github}`, GitLab: one job per leg, with the leg's value",
            quoted(&values)
        ))
    }
}

/// The GitLab jobs of an activity, named as the GitLab emitter names them: `ACTIVITY`
/// (`PROCESS:ACTIVITY` when several processes share the file), or that name with `:V1-V2`
/// for each matrix leg its condition does not rule out.
// The emitter's own naming (`emit::gitlab::upstream::Plan`) is private; tests/lsp.rs checks
// these names against the generated `.gitlab-ci.yml`.
fn gitlab_jobs(p: &model::Process, a: &model::Activity, several: bool) -> Vec<String> {
    let legs = a.matrix.as_ref().map_or_else(|| vec![Vec::new()], |m| m.legs());
    let base = crate::emit::gitlab::job_name(p, a, several);
    let possible =
        |leg: &model::Combo| a.condition.as_ref().is_none_or(|c| rules::translate(c, leg).map_or(true, |r| r.possible));
    legs.into_iter()
        .filter(possible)
        .map(|leg| match leg.is_empty() {
            true => base.clone(),
            false => format!("{base}:{}", leg.iter().map(|(_, v)| v.to_text()).collect::<Vec<_>>().join("-")),
        })
        .collect()
}

fn role_text(analysis: &Analysis, name: &str) -> Option<String> {
    let role = analysis.file.roles.iter().find(|r| r.name.name == name)?;
    let members: Vec<String> = role
        .members
        .iter()
        .map(|m| match m.kind {
            ast::MemberKind::User => format!("user `{}`", m.name.value),
            ast::MemberKind::Team => format!("team `{}`", m.name.value),
        })
        .collect();
    let members = if members.is_empty() { "no members".to_string() } else { members.join(", ") };
    Some(format!("role `{name}`: {members}\n\nRoles produce no YAML: approvers are set on the platform (environment reviewers on GitHub, protected environments on GitLab)"))
}

/// A policy declared in the file, or else a standard one: its message and its source.
fn policy_text(analysis: &Analysis, name: &str) -> Option<String> {
    let declared = analysis.file.policies.iter().find(|p| p.name.name == name);
    let (standard, _) = crate::syntax::parse(FILE, crate::check::standard_policies());
    let (policy, text, origin) = match declared {
        Some(policy) => (policy, analysis.text.as_str(), ""),
        None => {
            (standard.policies.iter().find(|p| p.name.name == name)?, crate::check::standard_policies(), " (standard)")
        }
    };
    let message = policy.message.first().map(|m| format!(": {}", m.value)).unwrap_or_default();
    let source = text.get(policy.span.range()).unwrap_or_default();
    Some(format!("policy `{name}`{origin}{message}\n\n```flow\n{source}\n```\n\nChecked when compiling: a violation is an error at the activity"))
}

fn output_text(activity: &str, name: &str) -> String {
    let context = Context::Output { activity: activity.to_string(), name: name.to_string() };
    let github = github::wrapped(&context_expr(context.clone()), &[]);
    format!("output `{name}` of `{activity}` — GitHub `{github}`, GitLab `{}`", rules::variable(&context))
}

/// A context as a model expression, to render it as the emitters do.
fn context_expr(context: Context) -> Expr {
    Expr { kind: ExprKind::Context(context), span: Span::default() }
}

fn input_type(ty: &ast::InputType) -> String {
    match ty {
        ast::InputType::String => "string".into(),
        ast::InputType::Boolean => "boolean".into(),
        ast::InputType::Number => "number".into(),
        ast::InputType::Choice(options) => {
            let options: Vec<String> = options.iter().map(|o| format!("{:?}", o.value)).collect();
            format!("choice[{}]", options.join(", "))
        }
    }
}

/// A literal as written; strings quoted when `quote_strings`.
fn value_text(value: &ValueKind, quote_strings: bool) -> String {
    match value {
        ValueKind::Str(s) if quote_strings => format!("{s:?}"),
        ValueKind::Str(s) => s.clone(),
        ValueKind::Null => "null".into(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Int(i) => i.to_string(),
        ValueKind::Float(f) => f.to_string(),
        ValueKind::List(_) | ValueKind::Map(_) => "…".into(),
    }
}

/// `` `a`, `b` ``
fn quoted<S: AsRef<str>>(names: &[S]) -> String {
    names.iter().map(|n| format!("`{}`", n.as_ref())).collect::<Vec<_>>().join(", ")
}
