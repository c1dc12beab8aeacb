//! Platform settings the approval gates need: `.flowc/settings.json` (machine-readable) and
//! `.flowc/apply-settings.sh` (applies them with `gh api` / `glab api`; never reads a token).
//!
//! In: a checked model and the targets built. Out: the two files, deterministic (environments
//! sorted by name, members in source order without repeats), or none when no activity deploys
//! to an environment. Every environment is listed; the activities that share one are merged
//! ([`environments`]):
//!
//! - *GitHub* (`github.environments`): required reviewers are the approving roles' members
//!   (users and teams; the first six, GitHub's limit), `prevent_self_review` is on whenever
//!   there are reviewers. GitHub proceeds on one approval: `quorum_exact` is false above one.
//! - *GitLab* (`gitlab.environments`): a protected environment when an activity has `run_by` or
//!   `approved_by`. Who may deploy: for each activity, the `run_by` members, or, without
//!   `run_by`, the approvers (the job is manual: they are the ones to start it). Approval
//!   rules: see [`Environment::rules`].

mod json;
mod prelude;
mod script;

use super::{header, source_names, Output};
use crate::ast::Target;
use crate::model::{Member, Model};
use crate::source::SourceMap;
use std::collections::BTreeMap;

/// GitHub takes at most six required reviewers per environment.
pub const MAX_GITHUB_REVIEWERS: usize = 6;

/// Where the files are written, relative to the output directory (the repository root).
pub const SETTINGS_PATH: &str = ".flowc/settings.json";
pub const SCRIPT_PATH: &str = ".flowc/apply-settings.sh";

/// One environment with every activity that deploys to it merged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Environment {
    pub name: String,
    /// The first `url` given, in process and activity order.
    pub url: Option<String>,
    /// `PROCESS:ACTIVITY` of each activity deploying here, in source order.
    pub activities: Vec<String>,
    /// Names of the approving roles, without repeats.
    pub approved_by: Vec<String>,
    /// Members of the approving roles, in order, without repeats.
    pub approvers: Vec<Member>,
    /// The largest quorum asked for; 0 when no activity has `approved_by`.
    pub quorum: u32,
    /// Names of the `run_by` roles, without repeats.
    pub run_by: Vec<String>,
    /// Who may deploy on GitLab: for each activity, its `run_by` role's members or, without
    /// `run_by`, its approvers (the job is manual: the approvers are the ones to start it).
    pub deployers: Vec<Member>,
}

impl Environment {
    /// GitLab protects the environment when some activity says who runs or approves it.
    pub fn gated(&self) -> bool {
        !self.approvers.is_empty() || !self.deployers.is_empty()
    }

    /// The first [`MAX_GITHUB_REVIEWERS`] approvers.
    pub fn github_reviewers(&self) -> &[Member] {
        &self.approvers[..self.approvers.len().min(MAX_GITHUB_REVIEWERS)]
    }

    /// GitLab approval rules: one per approver, each `(member, required approvals)`.
    ///
    /// A rule names one user or one group, and GitLab requires every rule. So a role that is
    /// one team gets one rule asking `quorum` approvals of it (exact); otherwise each member
    /// must approve once, which is exact when the quorum is the number of members and
    /// stricter than the source when it is less ([`Environment::gitlab_quorum_exact`]).
    /// Without `run_by` and with one approval asked, the approvers are the ones allowed to
    /// start the manual job, and starting it is the approval: no rule is needed.
    pub fn rules(&self) -> Vec<(&Member, u32)> {
        if self.run_by.is_empty() && self.quorum <= 1 {
            return Vec::new();
        }
        match self.approvers.as_slice() {
            [team @ Member::Team(_)] => vec![(team, self.quorum.max(1))],
            members => members.iter().map(|m| (m, 1)).collect(),
        }
    }

    pub fn gitlab_quorum_exact(&self) -> bool {
        (self.run_by.is_empty() && self.quorum <= 1)
            || matches!(self.approvers.as_slice(), [Member::Team(_)])
            || self.quorum as usize == self.approvers.len()
    }
}

/// Every environment the processes deploy to, sorted by name, activities merged.
pub fn environments(model: &Model) -> Vec<Environment> {
    let mut by_name: BTreeMap<&str, Environment> = BTreeMap::new();
    for process in &model.processes {
        for activity in &process.activities {
            let Some(env) = &activity.environment else { continue };
            let merged = by_name
                .entry(env.name.as_str())
                .or_insert_with(|| Environment { name: env.name.clone(), ..Environment::default() });
            if merged.url.is_none() {
                merged.url.clone_from(&env.url);
            }
            merged.activities.push(format!("{}:{}", process.name, activity.name));
            let members = |role: &str| model.role(process, role).map(|r| r.members.clone()).unwrap_or_default();
            let mut approvers = Vec::new();
            if let Some(approval) = &activity.approval {
                push_unique(&mut merged.approved_by, [approval.role.clone()]);
                approvers = members(&approval.role);
                push_unique(&mut merged.approvers, approvers.clone());
                merged.quorum = merged.quorum.max(approval.quorum);
            }
            match &activity.run_by {
                Some(run_by) => {
                    push_unique(&mut merged.run_by, [run_by.role.clone()]);
                    push_unique(&mut merged.deployers, members(&run_by.role));
                }
                None => push_unique(&mut merged.deployers, approvers),
            }
        }
    }
    by_name.into_values().collect()
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, items: impl IntoIterator<Item = T>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// `.flowc/settings.json` and `.flowc/apply-settings.sh` with a section for each of `targets`;
/// nothing when no activity deploys to an environment.
pub fn emit(model: &Model, sources: &SourceMap, targets: &[Target]) -> Vec<Output> {
    let environments = environments(model);
    if environments.is_empty() {
        return Vec::new();
    }
    let platforms = Platforms { github: targets.contains(&Target::Github), gitlab: targets.contains(&Target::Gitlab) };
    let header = header(&source_names(model, sources));
    vec![
        Output { path: SETTINGS_PATH.into(), contents: json::render(&environments, platforms, &header) },
        Output { path: SCRIPT_PATH.into(), contents: script::render(&environments, platforms, &header) },
    ]
}

/// Which platforms the files have a section for.
#[derive(Debug, Clone, Copy)]
struct Platforms {
    github: bool,
    gitlab: bool,
}
