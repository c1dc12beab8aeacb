//! The RACI matrix as JSON: `{"processes": [...]}`, one object per process with its owner,
//! manager, roles (with members) and activities; each activity names its responsible and
//! accountable role, the consulted and informed roles, its approval and environment, and
//! `letters`: every role of the process (in column order) to its letters, `""` for none.
//! Keys keep the order written here; the text is pretty-printed and ends with a line break.

use super::{matrix, Row, Table};
use crate::model::{Member, Model};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// The matrix of every process in `model` as a JSON document.
pub fn json(model: &Model) -> String {
    let document = Document { processes: matrix(model).tables.iter().map(process).collect() };
    let mut text = serde_json::to_string_pretty(&document).expect("plain data serializes");
    text.push('\n');
    text
}

#[derive(serde::Serialize)]
struct Document {
    processes: Vec<Process>,
}

#[derive(serde::Serialize)]
struct Process {
    name: String,
    owner: String,
    manager: Option<String>,
    roles: Vec<Role>,
    activities: Vec<Activity>,
}

#[derive(serde::Serialize)]
struct Role {
    name: String,
    members: Vec<MemberJson>,
}

#[derive(serde::Serialize)]
struct MemberJson {
    kind: &'static str,
    name: String,
    handle: String,
}

#[derive(serde::Serialize)]
struct Activity {
    name: String,
    responsible: String,
    accountable: String,
    consulted: Vec<String>,
    informed: Vec<String>,
    approval: Option<Approval>,
    environment: Option<String>,
    letters: Ordered,
}

#[derive(serde::Serialize)]
struct Approval {
    role: String,
    quorum: u32,
}

/// A JSON object whose keys keep their order.
struct Ordered(Vec<(String, String)>);

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

fn process(table: &Table) -> Process {
    Process {
        name: table.process.clone(),
        owner: table.owner.clone(),
        manager: table.manager.clone(),
        roles: table
            .roles
            .iter()
            .map(|(name, members)| Role { name: name.clone(), members: members.iter().map(member).collect() })
            .collect(),
        activities: table.rows.iter().map(|row| activity(table, row)).collect(),
    }
}

fn member(member: &Member) -> MemberJson {
    let (kind, name) = match member {
        Member::User(name) => ("user", name),
        Member::Team(name) => ("team", name),
    };
    MemberJson { kind, name: name.clone(), handle: member.handle() }
}

fn activity(table: &Table, row: &Row) -> Activity {
    Activity {
        name: row.activity.clone(),
        responsible: row.responsible.clone(),
        accountable: row.accountable.clone(),
        consulted: row.consulted.clone(),
        informed: row.informed.clone(),
        approval: row.approval.as_ref().map(|(role, quorum)| Approval { role: role.clone(), quorum: *quorum }),
        environment: row.environment.clone(),
        letters: Ordered(table.roles.iter().map(|(name, _)| (name.clone(), row.letters(name))).collect()),
    }
}
