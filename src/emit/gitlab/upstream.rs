//! The conditions a GitLab job inherits from the activities it waits for.
//!
//! On GitHub a job whose `needs` were skipped is skipped too (unless its condition uses a
//! status function). GitLab has no such rule: a job excluded by `rules` simply does not
//! exist, and jobs needing it break the pipeline. So each job's rules also test the
//! conditions of everything upstream, and jobs with status functions mark conditional
//! needs `optional`.

use crate::model::{Activity, Expr, ExprKind, Process};

/// The condition under which `a` runs at all: its own, and (unless it uses a status
/// function) those of every activity upstream. `None` when it always runs.
pub fn effective_condition(p: &Process, a: &Activity) -> Option<Expr> {
    let mut parts: Vec<Expr> = Vec::new();
    collect(p, a, &mut parts, &mut Vec::new());
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => {
            let span = parts[0].span;
            Some(Expr { kind: ExprKind::And(parts), span })
        }
    }
}

fn collect<'p>(p: &'p Process, a: &'p Activity, parts: &mut Vec<Expr>, visited: &mut Vec<&'p str>) {
    if visited.contains(&a.name.as_str()) {
        return;
    }
    visited.push(&a.name);
    let own_is_root = parts.is_empty() && visited.len() == 1;
    if let Some(c) = &a.condition {
        // Upstream matrix conditions differ per leg; a downstream job needs every leg anyway.
        if own_is_root || !(c.reads_matrix() || c.has_status()) {
            parts.push(c.clone());
        }
        if c.has_status() {
            return;
        }
    }
    for dep in a.needs.iter().filter_map(|n| p.activity(n)) {
        collect(p, dep, parts, visited);
    }
}

/// True when the job for `dep` may be missing from a pipeline in which `a` exists.
pub fn may_be_absent(p: &Process, a: &Activity, dep: &Activity) -> bool {
    a.condition.as_ref().is_some_and(Expr::has_status) && effective_condition(p, dep).is_some()
}
