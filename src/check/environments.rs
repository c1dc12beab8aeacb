//! Environments across all processes: both platforms attach approvals and deploy rights to
//! the environment, not to a job, so every activity deploying to one must gate it alike.

use super::errors;
use crate::diagnostic::Diagnostic;
use crate::model::{Activity, Model};
use indexmap::IndexMap;

/// The gate of an activity: approving role, quorum, `run_by` role.
fn gate(a: &Activity) -> (Option<(&str, u32)>, Option<&str>) {
    (a.approval.as_ref().map(|ap| (ap.role.as_str(), ap.quorum)), a.run_by.as_ref().map(|r| r.role.as_str()))
}

fn describe(a: &Activity) -> String {
    let (approval, run_by) = gate(a);
    let mut parts = Vec::new();
    if let Some((role, quorum)) = approval {
        parts.push(format!("approved_by {quorum} of {role}"));
    }
    if let Some(role) = run_by {
        parts.push(format!("run_by {role}"));
    }
    if parts.is_empty() {
        "no gate".into()
    } else {
        parts.join(", ")
    }
}

pub fn check_gates(model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    let mut first: IndexMap<&str, &Activity> = IndexMap::new();
    for a in model.processes.iter().flat_map(|p| &p.activities) {
        let Some(env) = &a.environment else { continue };
        match first.get(env.name.as_str()) {
            None => {
                first.insert(&env.name, a);
            }
            Some(other) if gate(other) != gate(a) => diagnostics.push(
                Diagnostic::error(
                    errors::ENVIRONMENT_GATES_DIFFER,
                    format!("environment `{}` is gated differently by `{}` and `{}`", env.name, other.name, a.name),
                    a.name_span,
                    describe(a),
                )
                .with_label(other.name_span, describe(other))
                .with_note("approvals and deploy rights belong to the environment on both platforms")
                .with_help(
                    "give both activities the same `approved_by` and `run_by`, or deploy to different environments",
                ),
            ),
            Some(_) => {}
        }
    }
}
