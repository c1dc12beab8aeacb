//! `.flowc/settings.json`: the environments' gates as data, for people and programs to read.
//!
//! JSON has no comments, so the generated-file notice is the `generated_by` field. Keys keep
//! the order of the structs below; the output is pretty-printed and ends with a new line.
//! `version` changes when a field changes meaning or goes away.

use super::{Environment, Platforms};
use crate::model::Member;
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    generated_by: String,
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    github: Option<Section<GithubEnvironment<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gitlab: Option<Section<GitlabEnvironment<'a>>>,
}

#[derive(Serialize)]
struct Section<T> {
    environments: Vec<T>,
}

#[derive(Serialize)]
struct GithubEnvironment<'a> {
    name: &'a str,
    url: Option<&'a str>,
    activities: &'a [String],
    approved_by: &'a [String],
    reviewers: Vec<Reviewer<'a>>,
    prevent_self_review: bool,
    quorum: u32,
    /// False when the quorum is above one: GitHub proceeds on one reviewer's approval.
    quorum_exact: bool,
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Reviewer<'a> {
    User {
        login: &'a str,
    },
    /// `org/slug`; a team without `/` belongs to the repository's owner.
    Team {
        team: &'a str,
    },
}

#[derive(Serialize)]
struct GitlabEnvironment<'a> {
    name: &'a str,
    url: Option<&'a str>,
    activities: &'a [String],
    run_by: &'a [String],
    approved_by: &'a [String],
    protected: bool,
    deploy_access_levels: Vec<Principal<'a>>,
    approval_rules: Vec<Rule<'a>>,
    quorum: u32,
    /// False when the rules ask every member of a role for fewer than all of them.
    quorum_exact: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Principal<'a> {
    /// A username.
    User(&'a str),
    /// A group's full path.
    Group(&'a str),
}

#[derive(Serialize)]
struct Rule<'a> {
    #[serde(flatten)]
    principal: Principal<'a>,
    required_approvals: u32,
}

pub(super) fn render(environments: &[Environment], platforms: Platforms, header: &str) -> String {
    let document = Document {
        generated_by: header.replace('\n', " "),
        version: 1,
        github: platforms.github.then(|| Section { environments: environments.iter().map(github).collect() }),
        gitlab: platforms.gitlab.then(|| Section { environments: environments.iter().map(gitlab).collect() }),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("settings serialise");
    text.push('\n');
    text
}

fn github(env: &Environment) -> GithubEnvironment<'_> {
    let reviewers: Vec<Reviewer> = env
        .github_reviewers()
        .iter()
        .map(|m| match m {
            Member::User(login) => Reviewer::User { login },
            Member::Team(team) => Reviewer::Team { team },
        })
        .collect();
    GithubEnvironment {
        name: &env.name,
        url: env.url.as_deref(),
        activities: &env.activities,
        approved_by: &env.approved_by,
        prevent_self_review: !reviewers.is_empty(),
        reviewers,
        quorum: env.quorum,
        quorum_exact: env.quorum <= 1,
    }
}

fn gitlab(env: &Environment) -> GitlabEnvironment<'_> {
    GitlabEnvironment {
        name: &env.name,
        url: env.url.as_deref(),
        activities: &env.activities,
        run_by: &env.run_by,
        approved_by: &env.approved_by,
        protected: env.gated(),
        deploy_access_levels: env.deployers.iter().map(principal).collect(),
        approval_rules: env
            .rules()
            .into_iter()
            .map(|(m, required_approvals)| Rule { principal: principal(m), required_approvals })
            .collect(),
        quorum: env.quorum,
        quorum_exact: env.gitlab_quorum_exact(),
    }
}

fn principal(member: &Member) -> Principal<'_> {
    match member {
        Member::User(name) => Principal::User(name),
        Member::Team(path) => Principal::Group(path),
    }
}
