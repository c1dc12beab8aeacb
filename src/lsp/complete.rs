//! Completion: keywords valid in the enclosing block, declared names in scope, context
//! members after `inputs.` / `matrix.` / `outputs.` / `outputs.ACTIVITY.`, the built-in
//! contexts, events and functions in expressions, and in a from clause the templates: local
//! ones and `ALIAS.` after `from` or `,`, a module's exported templates after `ALIAS.`, and a
//! template's parameters inside the call's parentheses.
//!
//! The cursor's situation is read from the text before it ([`context`]), which need not
//! parse; the names come from the document's current analysis, or from the last one that
//! parsed while the user is in the middle of typing.

mod context;
mod scan;

use super::document::{Analysis, Documents, FILE};
use super::hover;
use super::index::{Key, Kind};
use crate::model::Property;
use context::{Block, Cursor, Slot};
use lsp_types::{
    CompletionContext, CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTriggerKind,
    Documentation, MarkupContent, MarkupKind,
};

const TOP: &[&str] = &["process", "roles", "policy", "import", "template", "export"];
const PROCESS: &[&str] =
    &["owner", "manager", "policies", "on", "env", "secrets", "activity", "use", "github", "gitlab"];
const ACTIVITY: &[&str] = &[
    "name",
    "runs_on",
    "image",
    "step",
    "env",
    "secret",
    "matrix",
    "when",
    "timeout",
    "retry",
    "allow_failure",
    "service",
    "environment",
    "approved_by",
    "run_by",
    "consulted",
    "informed",
    "produces",
    "consumes",
    "output",
    "github",
    "gitlab",
];
const CONTEXTS: &[&str] = &["branch", "tag", "event", "actor", "inputs"];
const ACTIVITY_CONTEXTS: &[&str] = &["matrix", "outputs"];
const EVENTS: &[&str] = &["push", "pull_request", "schedule", "manual"];
const FUNCTIONS: &[&str] = &["startsWith", "contains"];
const STATUS_FUNCTIONS: &[&str] = &["success", "failure", "always"];

/// The completions at the cursor.
pub fn complete(docs: &Documents, params: CompletionParams) -> Option<CompletionResponse> {
    let (doc, offset) = docs.at(&params.text_document_position)?;
    let cursor = context::at(doc.text.get(..offset)?)?;
    if typed_space(params.context.as_ref()) && !wants_word_after_space(&cursor.slot) {
        return None;
    }
    let items = items(doc.names(), &cursor);
    (!items.is_empty()).then_some(CompletionResponse::Array(items))
}

/// True when the client asks because a space was typed.
fn typed_space(context: Option<&CompletionContext>) -> bool {
    context.is_some_and(|c| {
        c.trigger_kind == CompletionTriggerKind::TRIGGER_CHARACTER && c.trigger_character.as_deref() == Some(" ")
    })
}

/// Slots where a space is always followed by a name from a short list (not free text).
fn wants_word_after_space(slot: &Slot) -> bool {
    matches!(
        slot,
        Slot::Names(_)
            | Slot::Triggers
            | Slot::Runners
            | Slot::Steps
            | Slot::Word(_)
            | Slot::Words(_)
            | Slot::Templates
            | Slot::TemplateArgs { .. }
    )
}

fn items(analysis: &Analysis, cursor: &Cursor) -> Vec<CompletionItem> {
    let list = |words: &[&str], kind, detail| words.iter().map(|w| item(w, kind, detail)).collect();
    match &cursor.slot {
        Slot::Names(kind) => names(analysis, cursor, *kind),
        Slot::Templates => templates(analysis),
        Slot::ModuleTemplates(alias) => module_templates(analysis, alias),
        Slot::TemplateArgs { path, given } => template_arguments(analysis, path, given),
        Slot::Member(path) => members(analysis, cursor, path),
        Slot::Expression if cursor.block == Block::Policy => policy_expression(),
        Slot::Expression => expression(cursor),
        Slot::Triggers => list(EVENTS, CompletionItemKind::EVENT, "trigger"),
        Slot::TriggerArgs(trigger) => list(trigger_args(trigger), CompletionItemKind::PROPERTY, "trigger argument"),
        Slot::Runners => {
            let mut runners = list(&["linux", "macos", "windows"], CompletionItemKind::ENUM_MEMBER, "runner");
            runners.push(item("matrix", CompletionItemKind::VARIABLE, "a matrix axis: `matrix.AXIS`"));
            runners
        }
        slot => list(keywords(slot), CompletionItemKind::KEYWORD, "keyword"),
    }
}

/// The keywords a slot takes (none for slots filled with names).
fn keywords(slot: &Slot) -> &[&'static str] {
    match slot {
        Slot::Keywords(Block::Top) => TOP,
        Slot::Keywords(Block::Process) => PROCESS,
        Slot::Keywords(Block::Activity) => ACTIVITY,
        Slot::Keywords(Block::Policy) => &["for", "require", "message"],
        Slot::Keywords(Block::Matrix) => &["include", "exclude"],
        Slot::Keywords(Block::Service) => &["env"],
        Slot::Keywords(Block::Step) => &["name", "github"],
        Slot::InputTypes => &["string", "boolean", "number", "choice"],
        Slot::Steps => &["checkout", "uses"],
        Slot::Members => &["user", "team"],
        Slot::Word(word) => std::slice::from_ref(word),
        Slot::Words(words) => words,
        _ => &[],
    }
}

fn trigger_args(trigger: &str) -> &'static [&'static str] {
    match trigger {
        "push" => &["branches", "tags", "paths"],
        "pull_request" => &["branches", "paths"],
        "schedule" => &["cron"],
        _ => &[],
    }
}

/// Declared names of `kind` visible at the cursor.
fn names(analysis: &Analysis, cursor: &Cursor, kind: Kind) -> Vec<CompletionItem> {
    let file_scoped = matches!(kind, Kind::Role | Kind::Policy);
    let process = if file_scoped { None } else { cursor.process.as_deref() };
    if !file_scoped && process.is_none() {
        return Vec::new();
    }
    let mut found = analysis.index.names(kind, process, None);
    if kind == Kind::Activity {
        found.retain(|name| Some(*name) != cursor.activity.as_deref());
    }
    let mut names: Vec<String> = found.into_iter().map(str::to_string).collect();
    if kind == Kind::Policy {
        let (standard, _) = crate::syntax::parse(FILE, crate::check::standard_policies());
        let more: Vec<String> = standard.policies.into_iter().map(|p| p.name.name).collect();
        names.extend(more.into_iter().filter(|name| !names.contains(name)).collect::<Vec<_>>());
    }
    names.iter().map(|name| named(analysis, key(kind, name, process, None))).collect()
}

/// After `from` or `,` in a from clause: the file's templates, then `ALIAS.` for each module.
fn templates(analysis: &Analysis) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> =
        analysis.file.templates.iter().map(|t| named(analysis, template_key(&t.name.name, None))).collect();
    for import in &analysis.file.imports {
        let mut module = item(&format!("{}.", import.alias.name), CompletionItemKind::MODULE, "module");
        module.detail = Some(format!("module {:?}", import.path.value));
        module.documentation =
            hover::describe(analysis, &key(Kind::Module, &import.alias.name, None, None)).map(markdown);
        out.push(module);
    }
    out
}

/// After `ALIAS.` in a from clause: the templates the module exports.
fn module_templates(analysis: &Analysis, alias: &str) -> Vec<CompletionItem> {
    let Some(id) = analysis.module(alias) else { return Vec::new() };
    let exported = analysis.trees[id.0 as usize].templates.iter().filter(|t| t.exported);
    exported.map(|t| named(analysis, template_key(&t.name.name, Some(alias)))).collect()
}

/// Inside a call's parentheses: the parameters not given yet, each inserted as `NAME: `.
fn template_arguments(analysis: &Analysis, path: &[String], given: &[String]) -> Vec<CompletionItem> {
    let (module, name) = match path {
        [name] => (None, name),
        [alias, name] => (Some(alias.as_str()), name),
        _ => return Vec::new(),
    };
    let Some((_, template)) = analysis.template(module, name) else { return Vec::new() };
    let params = template.params.iter().filter(|p| !given.contains(&p.name.name));
    params
        .map(|p| {
            let mut key = template_key(&p.name.name, module);
            (key.kind, key.activity) = (Kind::Parameter, Some(name.clone()));
            let mut out = named(analysis, key);
            out.detail = Some(hover::param_text(p));
            out.insert_text = Some(format!("{}: ", p.name.name));
            out
        })
        .collect()
}

fn template_key(name: &str, module: Option<&str>) -> Key {
    Key { module: module.map(str::to_string), ..key(Kind::Template, name, None, None) }
}

/// After a dot: inputs, matrix axes, activities with outputs, or one activity's outputs.
fn members(analysis: &Analysis, cursor: &Cursor, path: &[String]) -> Vec<CompletionItem> {
    let process = cursor.process.as_deref();
    let activity = cursor.activity.as_deref();
    let index = &analysis.index;
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let (kind, owner, names) = match path.as_slice() {
        [head @ ("activity" | "process")] if cursor.block == Block::Policy => return properties(head),
        ["inputs"] => (Kind::Input, None, index.names(Kind::Input, process, None)),
        ["matrix"] => {
            (Kind::Axis, activity, activity.map(|a| index.names(Kind::Axis, process, Some(a))).unwrap_or_default())
        }
        ["outputs"] => {
            let mut with_outputs = index.names(Kind::Activity, process, None);
            with_outputs.retain(|a| Some(*a) != activity && !index.names(Kind::Output, process, Some(a)).is_empty());
            (Kind::Activity, None, with_outputs)
        }
        ["outputs", from] => (Kind::Output, Some(*from), index.names(Kind::Output, process, Some(from))),
        _ => return Vec::new(),
    };
    names.into_iter().map(|name| named(analysis, key(kind, name, process, owner))).collect()
}

/// Contexts, events and functions; `matrix`, `outputs` and status functions only in activities.
fn expression(cursor: &Cursor) -> Vec<CompletionItem> {
    let in_activity = cursor.activity.is_some();
    let mut out: Vec<CompletionItem> =
        CONTEXTS.iter().map(|c| item(c, CompletionItemKind::VARIABLE, "context")).collect();
    if in_activity {
        out.extend(ACTIVITY_CONTEXTS.iter().map(|c| item(c, CompletionItemKind::VARIABLE, "context")));
    }
    out.extend(EVENTS.iter().map(|e| item(e, CompletionItemKind::EVENT, "event")));
    out.extend(FUNCTIONS.iter().map(|f| item(f, CompletionItemKind::FUNCTION, "function")));
    if in_activity {
        out.extend(STATUS_FUNCTIONS.iter().map(|f| item(f, CompletionItemKind::FUNCTION, "status function")));
    }
    out.extend(["true", "false"].iter().map(|b| item(b, CompletionItemKind::KEYWORD, "boolean")));
    out
}

/// In a policy: the activity and the process it is checked against.
fn policy_expression() -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> =
        ["activity", "process"].iter().map(|c| item(c, CompletionItemKind::VARIABLE, "policy subject")).collect();
    out.extend(FUNCTIONS.iter().map(|f| item(f, CompletionItemKind::FUNCTION, "function")));
    out.extend(["true", "false"].iter().map(|b| item(b, CompletionItemKind::KEYWORD, "boolean")));
    out
}

/// `activity.` or `process.` in a policy: the properties it can read.
fn properties(head: &str) -> Vec<CompletionItem> {
    let names =
        Property::ALL.into_iter().filter_map(|p| p.name().strip_prefix(head)?.strip_prefix('.').map(|n| (p, n)));
    names
        .map(|(p, name)| {
            let mut out = item(name, CompletionItemKind::PROPERTY, "policy property");
            out.documentation = hover::property(p.name()).map(markdown);
            out
        })
        .collect()
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value })
}

fn key(kind: Kind, name: &str, process: Option<&str>, activity: Option<&str>) -> Key {
    Key {
        kind,
        name: name.to_string(),
        process: process.map(str::to_string),
        activity: activity.map(str::to_string),
        module: None,
    }
}

/// A declared name, documented with its hover text.
fn named(analysis: &Analysis, key: Key) -> CompletionItem {
    let kind = match key.kind {
        Kind::Activity => CompletionItemKind::FUNCTION,
        Kind::Role => CompletionItemKind::CLASS,
        Kind::Policy => CompletionItemKind::INTERFACE,
        Kind::Artifact => CompletionItemKind::FILE,
        Kind::Secret => CompletionItemKind::CONSTANT,
        Kind::Axis | Kind::Output => CompletionItemKind::FIELD,
        Kind::Template => CompletionItemKind::METHOD,
        Kind::Module => CompletionItemKind::MODULE,
        Kind::Parameter => CompletionItemKind::PROPERTY,
        _ => CompletionItemKind::VARIABLE,
    };
    let mut out = item(&key.name, kind, key.kind.word());
    out.documentation = hover::describe(analysis, &key).map(markdown);
    out
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..CompletionItem::default()
    }
}
