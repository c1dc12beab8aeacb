//! The dependency graph of a process: `after` resolved, cycles reported with the whole
//! cycle, and the dependencies implied by artifacts and outputs added where they are sound.

use super::activity::Lowered;
use super::errors;
use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use indexmap::IndexMap;
use petgraph::algo::kosaraju_scc;
use petgraph::graphmap::DiGraphMap;
use std::collections::HashSet;

/// Edge `a → b`: `a` waits for `b`; the weight is the span naming `b`.
type Graph = DiGraphMap<usize, Span>;

pub fn order(p: &ast::Process, activities: &mut [Lowered], diagnostics: &mut Vec<Diagnostic>) {
    let mut index: IndexMap<&str, usize> = IndexMap::new();
    for (i, a) in p.activities.iter().enumerate() {
        index.entry(a.name.name.as_str()).or_insert(i);
    }
    let mut graph = Graph::new();
    for i in 0..activities.len() {
        graph.add_node(i);
    }
    for (i, activity) in activities.iter_mut().enumerate() {
        for dep in &activity.after {
            match index.get(dep.name.as_str()) {
                Some(&j) => {
                    graph.add_edge(i, j, dep.span);
                    push_need(&mut activity.model.needs, &dep.name);
                }
                None => {
                    let names = index.keys().copied().filter(|n| *n != activity.model.name);
                    diagnostics.push(errors::unknown(errors::UNKNOWN_ACTIVITY, "activity", &dep.name, dep.span, names));
                }
            }
        }
    }
    if report_cycles(&graph, activities, diagnostics) {
        return;
    }
    add_implied(&mut graph, &index, activities, diagnostics);
}

fn push_need(needs: &mut Vec<String>, name: &str) {
    if !needs.iter().any(|n| n == name) {
        needs.push(name.to_string());
    }
}

/// Reports every cycle; true when there was one.
fn report_cycles(graph: &Graph, activities: &[Lowered], diagnostics: &mut Vec<Diagnostic>) -> bool {
    let mut found = false;
    // Kosaraju's search is iterative: no input can drive it into a stack overflow.
    let mut components = kosaraju_scc(graph);
    components.iter_mut().for_each(|c| c.sort_unstable());
    components.sort();
    for component in components {
        let start = component[0];
        if component.len() == 1 && !graph.contains_edge(start, start) {
            continue;
        }
        found = true;
        let path = cycle_through(graph, start, &component);
        let names: Vec<String> = path.iter().map(|&i| activities[i].model.name.clone()).collect();
        let spans: Vec<Span> = (0..path.len()).map(|k| graph[(path[k], path[(k + 1) % path.len()])]).collect();
        diagnostics.push(errors::cycle(&names, &spans));
    }
    found
}

/// A shortest path from `start` back to itself inside one strongly connected component.
fn cycle_through(graph: &Graph, start: usize, component: &[usize]) -> Vec<usize> {
    let component: HashSet<usize> = component.iter().copied().collect();
    let mut previous: IndexMap<usize, usize> = IndexMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        let mut next: Vec<usize> = graph.neighbors(node).filter(|n| component.contains(n)).collect();
        next.sort_unstable();
        for n in next {
            if n == start {
                let mut path = vec![node];
                while let Some(&p) = previous.get(path.last().expect("path is never empty")) {
                    path.push(p);
                }
                path.reverse();
                return path;
            }
            if !previous.contains_key(&n) {
                previous.insert(n, node);
                queue.push_back(n);
            }
        }
    }
    vec![start]
}

fn reaches(graph: &Graph, from: usize, to: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = std::collections::HashSet::new();
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node) {
            stack.extend(graph.neighbors(node));
        }
    }
    false
}

fn add_implied(
    graph: &mut Graph,
    index: &IndexMap<&str, usize>,
    activities: &mut [Lowered],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for i in 0..activities.len() {
        let uses: Vec<(String, &'static str, String, Span)> =
            activities[i].uses.iter().map(|u| (u.producer.clone(), u.kind, u.name.clone(), u.span)).collect();
        for (producer, kind, name, span) in uses {
            let Some(&j) = index.get(producer.as_str()) else { continue };
            let consumer = activities[i].model.name.clone();
            if j == i || reaches(graph, j, i) {
                let shown = if name.is_empty() { producer.clone() } else { name };
                let what = if kind == "output" { "output of" } else { kind };
                let producer_span = activities[j].model.name_span;
                diagnostics.push(errors::used_before_produced(what, &shown, span, &consumer, &producer, producer_span));
                continue;
            }
            graph.add_edge(i, j, span);
            push_need(&mut activities[i].model.needs, &producer);
        }
    }
}
