//! Hover text for what the language provides: contexts, events and functions.

use super::context_expr;
use crate::emit::github::expr as github;
use crate::emit::gitlab::rules;
use crate::model::{self, Context, Event, Property};

/// `branch`, `tag`, `event`, `actor`: what they hold and the expression each target reads.
pub fn context(name: &str, process: Option<&model::Process>) -> Option<String> {
    let (context, meaning) = match name {
        "branch" => (Context::Branch, "the branch being built (for a pull request, its source branch)"),
        "tag" => (Context::Tag, "the tag being built, or empty"),
        "event" => {
            (Context::Event, "what started the run: compare it with `push`, `pull_request`, `schedule` or `manual`")
        }
        "actor" => (Context::Actor, "the login of who started the run"),
        _ => return None,
    };
    let inputs = process.map(|p| p.inputs()).unwrap_or_default();
    let github = github::wrapped(&context_expr(context.clone()), inputs);
    Some(format!("context `{name}`: {meaning} — GitHub `{github}`, GitLab `{}`", rules::variable(&context)))
}

/// An event name in a condition, and how each target tests it.
pub fn event(name: &str) -> Option<String> {
    let (_, event) = Event::ALL.iter().find(|(n, _)| *n == name)?;
    Some(format!(
        "event `{name}` — GitHub `github.event_name == '{}'`, GitLab `$CI_PIPELINE_SOURCE == \"{}\"`",
        github::event_name(*event),
        rules::event_source(*event)
    ))
}

/// A function of the expression language.
pub fn function(name: &str) -> Option<String> {
    let text = match name {
        "startsWith" => "function `startsWith(TEXT, PREFIX)`: true when `TEXT` starts with `PREFIX` — GitHub `startsWith()` (ignores case), GitLab a regex match `=~ /^PREFIX/`",
        "contains" => "function `contains(TEXT, PART)` or `contains([ITEMS], ITEM)` — GitHub `contains()` (ignores case), GitLab a regex match or one comparison per item",
        "success" => "function `success()`: run when every activity it waits for succeeded (the default) — GitHub `success()`, GitLab `when: on_success`",
        "failure" => "function `failure()`: run when an activity it waits for failed — GitHub `failure()`, GitLab `when: on_failure`",
        "always" => "function `always()`: run whatever happened before — GitHub `always()`, GitLab `when: always`",
        _ => return None,
    };
    Some(text.to_string())
}

/// A property of the activity or process a policy is checked against.
pub fn property(name: &str) -> Option<String> {
    let property = Property::ALL.into_iter().find(|p| p.name() == name)?;
    let meaning = match property {
        Property::ActivityName => "the activity's name",
        Property::Environment => "the environment it deploys to, or `\"\"`",
        Property::ApprovedBy => "the role that approves it, or `\"\"`",
        Property::Quorum => "how many members of that role must approve",
        Property::RunBy => "the role whose members may start it, or `\"\"`",
        Property::Timeout => "its timeout in minutes, or 0",
        Property::Secrets => "the secrets it receives",
        Property::After => "the activities it waits for",
        Property::OnPullRequest => "true when it runs for pull requests",
        Property::ProcessName => "the process's name",
        Property::Owner => "the process's owner role",
        Property::Manager => "the process's manager role, or `\"\"`",
    };
    Some(format!("policy property `{name}`: {meaning} (read when compiling; no YAML)"))
}
