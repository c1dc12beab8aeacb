//! The responsibility matrix (RACI): for each activity of a process and each role the process
//! names, which of R, A, C and I the role holds.
//!
//! In: a checked [`Model`]. Out: [`Matrix`], drawn by [`markdown`], [`csv`] and [`json`].
//! The letters, exactly one R and one A per activity:
//! - **R**, responsible (does the work): the `run_by` role, else the process manager, else
//!   the process owner;
//! - **A**, accountable (signs it off): the `approved_by` role, else the process owner;
//! - **C**, consulted: every `consulted` role; **I**, informed: every `informed` role.
//!
//! A role holding several letters shows them in that order joined by `/` (`R/C`). The roles
//! of a process are those of [`super::roles_used`]; processes and activities are in source
//! order, so the output is deterministic.

mod csv;
mod json;
mod markdown;

pub use csv::csv;
pub use json::json;
pub use markdown::markdown;

use crate::model::{Member, Model, Process};

/// The matrices of every process in a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub tables: Vec<Table>,
}

/// The matrix of one process.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub process: String,
    pub owner: String,
    pub manager: Option<String>,
    /// The columns: every role the process names, with its members.
    pub roles: Vec<(String, Vec<Member>)>,
    pub rows: Vec<Row>,
}

/// One activity: who holds which letter, and the approval behind its A.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub activity: String,
    pub responsible: String,
    pub accountable: String,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
    /// `(role, quorum)` of `approved_by`.
    pub approval: Option<(String, u32)>,
    pub environment: Option<String>,
}

/// The letters and their meaning, as the outputs explain them.
pub const LEGEND: [(&str, &str); 4] = [
    ("R", "responsible: runs the activity (`run_by`, else the process manager, else the owner)"),
    ("A", "accountable: signs the activity off (`approved_by`, else the process owner)"),
    ("C", "consulted (`consulted`)"),
    ("I", "informed (`informed`)"),
];

impl Row {
    /// The letters `role` holds for this activity (`R/C`), or `""`.
    pub fn letters(&self, role: &str) -> String {
        let held = [
            ("R", self.responsible == role),
            ("A", self.accountable == role),
            ("C", self.consulted.iter().any(|r| r == role)),
            ("I", self.informed.iter().any(|r| r == role)),
        ];
        held.iter().filter(|(_, yes)| *yes).map(|(l, _)| *l).collect::<Vec<_>>().join("/")
    }

    /// `2 of releasers`, when the activity needs an approval.
    pub fn approval_text(&self) -> Option<String> {
        self.approval.as_ref().map(|(role, quorum)| format!("{quorum} of {role}"))
    }
}

/// The matrix of every process in `model`.
pub fn matrix(model: &Model) -> Matrix {
    Matrix { tables: model.processes.iter().map(|p| table(model, p)).collect() }
}

fn table(model: &Model, process: &Process) -> Table {
    let roles = super::roles_used(model, process)
        .into_iter()
        .map(|name| {
            let members = model.role(process, &name).map(|r| r.members.clone()).unwrap_or_default();
            (name, members)
        })
        .collect();
    let rows = process
        .activities
        .iter()
        .map(|a| Row {
            activity: a.name.clone(),
            responsible: a
                .run_by
                .as_ref()
                .map(|r| r.role.clone())
                .or_else(|| process.manager.clone())
                .unwrap_or_else(|| process.owner.clone()),
            accountable: a.approval.as_ref().map_or_else(|| process.owner.clone(), |ap| ap.role.clone()),
            consulted: a.consulted.clone(),
            informed: a.informed.clone(),
            approval: a.approval.as_ref().map(|ap| (ap.role.clone(), ap.quorum)),
            environment: a.environment.as_ref().map(|e| e.name.clone()),
        })
        .collect();
    Table { process: process.name.clone(), owner: process.owner.clone(), manager: process.manager.clone(), roles, rows }
}
