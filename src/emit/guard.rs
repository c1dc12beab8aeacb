//! The run-time guard of an activity with `run_by`: a shell snippet that stops the job when
//! the person who started the run is not one of the role's users. Shared by both emitters;
//! each passes the variable that holds the login on its platform.

use crate::check::errors;
use crate::diagnostic::Diagnostic;
use crate::model::{Activity, Model, Process};

/// The guard script for `a`, reading the login from `$variable`; `None` without `run_by`
/// or when the role has no users to admit.
pub fn script(model: &Model, p: &Process, a: &Activity, variable: &str, error_prefix: &str) -> Option<String> {
    let run_by = a.run_by.as_ref()?;
    let role = model.role(p, &run_by.role)?;
    let users = role.users();
    if users.is_empty() {
        return None;
    }
    let patterns = users.iter().map(|u| format!("\"{u}\"")).collect::<Vec<_>>().join("|");
    let listed = users.join(", ");
    Some(format!(
        "case \"${variable}\" in\n  {patterns}) echo \"${variable} may run {activity} (run_by {role})\" ;;\n  *) echo \"{error_prefix}${variable} may not run {activity}: run_by {role} admits {listed}\"; exit 1 ;;\nesac\n",
        activity = a.name,
        role = run_by.role,
    ))
}

/// Warnings for what a guard cannot check: team membership, or a role with teams only.
pub fn warnings(model: &Model, p: &Process, a: &Activity, target: &str) -> Vec<Diagnostic> {
    let Some(run_by) = &a.run_by else { return Vec::new() };
    let Some(role) = model.role(p, &run_by.role) else { return Vec::new() };
    let teams = role.teams();
    if teams.is_empty() {
        return Vec::new();
    }
    let shown = teams.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
    let what = if role.users().is_empty() {
        format!("`run_by {}` is not enforced on {target}: the role has only teams ({shown})", run_by.role)
    } else {
        format!("members of {shown} are not admitted by the `run_by {}` guard on {target}", run_by.role)
    };
    vec![Diagnostic::warning(errors::NOT_ENFORCED, what, run_by.span, "team membership is not known inside a job")
        .with_note("the guard compares the login of whoever started the run with the role's users")
        .with_help("list the team's members as `user \"...\"` in the role to admit them")]
}
