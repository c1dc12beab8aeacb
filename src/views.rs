//! Views of the checked model for people: the process graph (`flowc graph`, Mermaid or
//! Graphviz DOT) and the responsibility matrix (`flowc raci`, Markdown, CSV or JSON).
//!
//! In: a [`Model`] that passed the checks. Out: one `String` per view, never an error.
//! Guarantees: output depends only on the model (processes, activities and roles in source
//! order), so the same input gives byte-identical output; every name and label is escaped
//! for the format it is written in.
//!
//! The two rules both views share live here:
//! - **swimlane**: an activity is drawn in the lane of its `run_by` role, or of the process
//!   owner when it has none ([`lane`]);
//! - **roles of a process**: the owner, the manager, then every other role an activity names
//!   (`run_by`, `approved_by`, `consulted`, `informed`) in the order the file declares them
//!   ([`roles_used`]).

pub mod graph;
pub mod raci;

use crate::model::{Activity, Model, Process};

/// The role responsible for `activity`, whose swimlane it is drawn in and who gets its R:
/// its `run_by` role, else the process manager, else the process owner.
pub fn lane<'a>(process: &'a Process, activity: &'a Activity) -> &'a str {
    activity.run_by.as_ref().map(|r| r.role.as_str()).or(process.manager.as_deref()).unwrap_or(process.owner.as_str())
}

/// Every role `process` names, each once: the owner, the manager, then the roles its
/// activities name in the order of their declaration in the process's file (roles the file
/// does not declare, which a checked model never has, come last in order of first use).
pub fn roles_used(model: &Model, process: &Process) -> Vec<String> {
    let mut named: Vec<&str> = Vec::new();
    for activity in &process.activities {
        named.extend(activity.run_by.iter().map(|r| r.role.as_str()));
        named.extend(activity.approval.iter().map(|a| a.role.as_str()));
        named.extend(activity.consulted.iter().map(String::as_str));
        named.extend(activity.informed.iter().map(String::as_str));
    }
    let mut roles: Vec<String> = vec![process.owner.clone()];
    let mut push = |name: &str| {
        if !roles.iter().any(|r| r == name) {
            roles.push(name.to_string());
        }
    };
    if let Some(manager) = &process.manager {
        push(manager);
    }
    let declared = model.roles.iter().filter(|r| r.span.file == process.file);
    for role in declared.filter(|r| named.contains(&r.name.as_str())) {
        push(&role.name);
    }
    for name in named {
        push(name);
    }
    roles
}

/// The members of role `name` as handles (`@login`, `@org/team`), in declaration order;
/// empty when the process's file does not declare the role.
pub fn members(model: &Model, process: &Process, name: &str) -> Vec<String> {
    model.role(process, name).map(|r| r.members.iter().map(|m| m.handle()).collect()).unwrap_or_default()
}
