//! The conditions a GitLab job inherits from the activities it waits for, and the jobs each
//! activity becomes — computed once per process.
//!
//! On GitHub a job whose `needs` were skipped is skipped too (unless its condition uses a
//! status function). GitLab has no such rule: a job excluded by `rules` simply does not
//! exist, and jobs needing it break the pipeline. So each job's rules also test the
//! conditions of everything upstream, and jobs with status functions mark conditional
//! needs `optional`.

use super::rules;
use crate::model::{Activity, Combo, Expr, ExprKind, Process};
use std::collections::HashSet;

/// What the emitter needs to know about every activity of one process, by position.
pub struct Plan {
    /// The condition under which the activity runs at all (`None`: always).
    pub effective: Vec<Option<Expr>>,
    /// The matrix legs that can run, each with its job name and translated condition.
    pub jobs: Vec<Vec<Job>>,
}

/// One job of an activity: a matrix leg its condition does not rule out.
pub struct Job {
    pub leg: Combo,
    pub name: String,
    /// The effective condition translated for this leg, once for both `capabilities` (the
    /// error) and `emit` (the rule); `None` when the activity runs always.
    pub rule: Option<Result<rules::Rule, rules::Unsupported>>,
}

impl Plan {
    /// `several`: the file holds more than one process, so job names carry the process's.
    pub fn new(p: &Process, several: bool) -> Plan {
        let mut parts: Vec<Option<Vec<Conjunct>>> = vec![None; p.activities.len()];
        for i in dependencies_first(p) {
            collect(p, i, &mut parts);
        }
        let effective: Vec<Option<Expr>> = parts
            .into_iter()
            .map(|parts| conjunction(parts.unwrap_or_default().into_iter().map(|c| c.expr).collect()))
            .collect();
        let jobs = p.activities.iter().zip(&effective).map(|(a, e)| jobs(p, a, e.as_ref(), several)).collect();
        Plan { effective, jobs }
    }

    /// The job names of the activity at `index`.
    pub fn names(&self, index: usize) -> impl Iterator<Item = &str> {
        self.jobs[index].iter().map(|j| j.name.as_str())
    }

    /// True when the job of `dep` may be missing from a pipeline in which `a` exists.
    pub fn may_be_absent(&self, a: &Activity, dep: usize) -> bool {
        a.condition.as_ref().is_some_and(Expr::has_status) && self.effective[dep].is_some()
    }
}

/// Positions of the activities, each after everything it needs (Kahn's algorithm: no
/// recursion, so no chain of activities can overflow the stack).
fn dependencies_first(p: &Process) -> Vec<usize> {
    let n = p.activities.len();
    let needs: Vec<Vec<usize>> =
        p.activities.iter().map(|a| a.needs.iter().filter_map(|d| p.index.get(d).copied()).collect()).collect();
    let mut waiting: Vec<usize> = needs.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, deps) in needs.iter().enumerate() {
        deps.iter().for_each(|&d| dependents[d].push(i));
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        order.push(i);
        for &j in &dependents[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.push(j);
            }
        }
    }
    // Activities on a cycle (refused by the checker) come last, in source order.
    let placed: std::collections::HashSet<usize> = order.iter().copied().collect();
    order.extend((0..n).filter(|i| !placed.contains(i)));
    order
}

/// One part of an activity's effective condition.
#[derive(Clone)]
struct Conjunct {
    expr: Expr,
    /// The part written out: equal parts from different activities have different spans.
    key: String,
    /// Activities that need this one inherit the part (it reads no matrix value or status).
    inherited: bool,
}

/// Fills `parts[i]`: the activity's own condition and (without a status function) the
/// parts of everything it needs, each distinct conjunct once. Needs are filled first.
/// Each part is written out once, when it is an activity's own condition.
fn collect(p: &Process, i: usize, parts: &mut [Option<Vec<Conjunct>>]) {
    let a = &p.activities[i];
    let own = a.condition.as_ref().map(|c| Conjunct {
        key: c.to_string(),
        // Upstream matrix and status conditions differ per leg or run; the job needs every leg anyway.
        inherited: !(c.reads_matrix() || c.has_status()),
        expr: c.clone(),
    });
    let mut mine: Vec<Conjunct> = Vec::new();
    if !a.condition.as_ref().is_some_and(Expr::has_status) {
        let mut seen: HashSet<&str> = own.iter().map(|c| c.key.as_str()).collect();
        for dep in a.needs.iter().filter_map(|n| p.index.get(n).copied()) {
            for c in parts[dep].iter().flatten().filter(|c| c.inherited) {
                if seen.insert(&c.key) {
                    mine.push(c.clone());
                }
            }
        }
    }
    mine.splice(0..0, own);
    parts[i] = Some(mine);
}

fn conjunction(mut parts: Vec<Expr>) -> Option<Expr> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => {
            let span = parts[0].span;
            Some(Expr { kind: ExprKind::And(parts), span })
        }
    }
}

/// The legs of an activity that its condition does not rule out, each with its job name.
/// A leg whose condition cannot be translated is kept: `capabilities` reports it.
fn jobs(p: &Process, a: &Activity, condition: Option<&Expr>, several: bool) -> Vec<Job> {
    let legs = a.matrix.as_ref().map_or_else(|| vec![Vec::new()], |m| m.legs());
    let base = super::job_name(p, a, several);
    legs.into_iter()
        .filter_map(|leg| {
            let rule = condition.map(|c| rules::translate(c, &leg));
            if matches!(rule, Some(Ok(rules::Rule { possible: false, .. }))) {
                return None;
            }
            let name = match leg.is_empty() {
                true => base.clone(),
                false => format!("{base}:{}", leg.iter().map(|(_, v)| v.to_text()).collect::<Vec<_>>().join("-")),
            };
            Some(Job { leg, name, rule })
        })
        .collect()
}
