//! The process graph, independent of any drawing format.
//!
//! In: a checked [`Model`]. Out: a [`Diagram`] with one [`Block`] per process; each block has
//! one [`Lane`] per role that runs an activity (see [`super::lane`]), the activities as
//! [`Node`]s and the dependencies as [`Edge`]s. [`mermaid`] and [`dot`] draw it.
//!
//! Edges: a dependency on an activity whose artifacts are consumed is one edge per artifact,
//! labelled with its name; one whose outputs are read (`outputs.build.version`) is one edge
//! per output, labelled with the reference; any other dependency (`after`) is a plain edge.
//! Everything is in source order, so the diagram is deterministic.

mod dot;
mod mermaid;

use crate::model::{Activity, Context, Expr, ExprKind, Model, Process};

/// Every process of a model, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    pub blocks: Vec<Block>,
}

/// One process: its accountable roles, its lanes and its dependency edges.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub process: String,
    pub owner: String,
    pub manager: Option<String>,
    /// In order of the first activity each lane holds.
    pub lanes: Vec<Lane>,
    pub edges: Vec<Edge>,
}

/// A swimlane: the role, its members (handles) and the activities it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub role: String,
    pub members: Vec<String>,
    pub nodes: Vec<Node>,
}

/// An activity. `index` is its position in the process, which renderers use to make ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub index: usize,
    pub name: String,
    pub environment: Option<String>,
    pub gate: Option<Gate>,
}

/// An approval gate: `quorum` members of `role` must approve before the activity runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub role: String,
    pub quorum: u32,
}

/// A dependency: `to` waits for `from` (both positions in the process).
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EdgeKind {
    /// `after`, or any dependency that hands nothing over.
    After,
    /// An artifact `from` produces and `to` consumes, by name.
    Artifact(String),
    /// An output of `from` that `to` reads, as written: `outputs.build.version`.
    Output(String),
}

impl Block {
    /// `process delivery (owner: platform, manager: lead)`.
    pub fn label(&self) -> String {
        match &self.manager {
            Some(manager) => format!("process {} (owner: {}, manager: {manager})", self.process, self.owner),
            None => format!("process {} (owner: {})", self.process, self.owner),
        }
    }
}

impl Lane {
    /// `role releasers: @bob, @carol`.
    pub fn label(&self) -> String {
        if self.members.is_empty() {
            format!("role {}", self.role)
        } else {
            format!("role {}: {}", self.role, self.members.join(", "))
        }
    }
}

impl Node {
    /// The lines of the node's label: its name, its approval gate (after `gate_mark`), its
    /// environment.
    pub fn lines(&self, gate_mark: &str) -> Vec<String> {
        let mut lines = vec![self.name.clone()];
        lines.extend(self.gate.as_ref().map(|g| format!("{gate_mark}{}", g.label())));
        lines.extend(self.environment.as_ref().map(|e| format!("environment: {e}")));
        lines
    }
}

impl Gate {
    /// `approval: 2 of releasers`.
    pub fn label(&self) -> String {
        format!("approval: {} of {}", self.quorum, self.role)
    }
}

/// The diagram of every process in `model`.
pub fn diagram(model: &Model) -> Diagram {
    Diagram { blocks: model.processes.iter().map(|p| block(model, p)).collect() }
}

/// The model drawn as a Mermaid flowchart.
pub fn mermaid(model: &Model) -> String {
    mermaid::render(&diagram(model))
}

/// The model drawn as a Graphviz DOT digraph.
pub fn dot(model: &Model) -> String {
    dot::render(&diagram(model))
}

fn block(model: &Model, process: &Process) -> Block {
    let mut lanes: Vec<Lane> = Vec::new();
    for (index, activity) in process.activities.iter().enumerate() {
        let role = super::lane(process, activity);
        let at = match lanes.iter().position(|l| l.role == role) {
            Some(at) => at,
            None => {
                let members = super::members(model, process, role);
                lanes.push(Lane { role: role.to_string(), members, nodes: Vec::new() });
                lanes.len() - 1
            }
        };
        lanes[at].nodes.push(node(index, activity));
    }
    let edges = process.activities.iter().enumerate().flat_map(|(to, a)| edges(process, to, a)).collect();
    Block {
        process: process.name.clone(),
        owner: process.owner.clone(),
        manager: process.manager.clone(),
        lanes,
        edges,
    }
}

fn node(index: usize, activity: &Activity) -> Node {
    Node {
        index,
        name: activity.name.clone(),
        environment: activity.environment.as_ref().map(|e| e.name.clone()),
        gate: activity.approval.as_ref().map(|a| Gate { role: a.role.clone(), quorum: a.quorum }),
    }
}

/// The edges into activity `to`, one per artifact or output handed over, else one plain edge.
fn edges(process: &Process, to: usize, activity: &Activity) -> Vec<Edge> {
    let reads = outputs_read(activity);
    let mut edges = Vec::new();
    for need in &activity.needs {
        let Some(&from) = process.index.get(need) else { continue };
        let before = edges.len();
        for (artifact, producer) in &activity.consumes {
            if producer == need {
                edges.push(Edge { from, to, kind: EdgeKind::Artifact(artifact.clone()) });
            }
        }
        for (producer, name) in &reads {
            if producer == need {
                edges.push(Edge { from, to, kind: EdgeKind::Output(format!("outputs.{producer}.{name}")) });
            }
        }
        if edges.len() == before {
            edges.push(Edge { from, to, kind: EdgeKind::After });
        }
    }
    edges
}

/// The outputs (`(activity, name)`) an activity reads in its env, condition, allow_failure
/// condition and service env, in that order, each once.
fn outputs_read(activity: &Activity) -> Vec<(String, String)> {
    let mut exprs: Vec<&Expr> = activity.env.iter().map(|e| &e.value).collect();
    exprs.extend(activity.condition.iter());
    if let crate::model::AllowFailure::When(expr) = &activity.allow_failure {
        exprs.push(expr);
    }
    exprs.extend(activity.services.iter().flat_map(|s| s.env.iter().map(|e| &e.value)));
    let mut found = Vec::new();
    for expr in exprs {
        collect_outputs(expr, &mut found);
    }
    found
}

fn collect_outputs(expr: &Expr, found: &mut Vec<(String, String)>) {
    match &expr.kind {
        ExprKind::Context(Context::Output { activity, name }) => {
            let pair = (activity.clone(), name.clone());
            if !found.contains(&pair) {
                found.push(pair);
            }
        }
        ExprKind::List(items) | ExprKind::And(items) | ExprKind::Or(items) => {
            items.iter().for_each(|i| collect_outputs(i, found));
        }
        ExprKind::Not(a) => collect_outputs(a, found),
        ExprKind::Eq(a, b) | ExprKind::Ne(a, b) | ExprKind::StartsWith(a, b) | ExprKind::Contains(a, b) => {
            collect_outputs(a, found);
            collect_outputs(b, found);
        }
        _ => {}
    }
}
