//! Which keys the checker lets a target block hold, asked of the checker itself: a tiny
//! process with the key in a `github { }` / `gitlab { }` block is analysed, and the key is
//! accepted when no diagnostic refuses it. So the import follows the checker's allowlist
//! (and every change to it) without a copy. Answers are cached per key.

use crate::ast::Target;
use crate::source::SourceMap;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Where a block stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// A process block: workflow keys (GitHub), global keys (GitLab).
    Process,
    /// An activity block without the constructs that generate the key: job keys.
    Activity,
    /// The block of a script step (`step "..." { github { } }`): step keys.
    Step,
    /// The block of an action step (`github step uses "..." { github { } }`).
    ActionStep,
}

/// True when a `target { key: ... }` block at `level` is accepted by the checker.
pub fn accepts(target: Target, level: Level, key: &str) -> bool {
    type Cache = Mutex<HashMap<(Target, Level, String), bool>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(answer) = cache.lock().ok().and_then(|c| c.get(&(target, level, key.to_string())).copied()) {
        return answer;
    }
    let answer = ask(target, level, key);
    if let Ok(mut c) = cache.lock() {
        c.insert((target, level, key.to_string()), answer);
    }
    answer
}

fn ask(target: Target, level: Level, key: &str) -> bool {
    let block = format!("{} {{ {}: \"x\" }}", target.name(), super::flow::key(key));
    let (process_block, activity_block, step) = match level {
        Level::Process => (block, String::new(), "step \"true\"".to_string()),
        // A GitLab-only step: without a step for GitHub, the block may call a reusable workflow.
        Level::Activity => (String::new(), block, "gitlab step \"true\"".to_string()),
        Level::Step => (String::new(), String::new(), format!("step \"true\" {{ {block} }}")),
        Level::ActionStep => (String::new(), String::new(), format!("github step uses \"a/b@v1\" {{ {block} }}")),
    };
    // GitHub: no `on` statement, no `when`, no `matrix`: a key of a construct that may be absent
    // is accepted. GitLab: the import always writes `on any` (a `workflow:` may stand beside it).
    let on = if target == Target::Gitlab { "on any" } else { "" };
    // A trigger job runs no script: its activity has no step.
    let step = if target == Target::Gitlab && key == "trigger" { String::new() } else { step };
    let text = format!(
        "roles {{ o = [] }}\nprocess p {{\n  owner o\n  {on}\n  activity a {{\n    {step}\n    {activity_block}\n  }}\n  {process_block}\n}}\n"
    );
    let mut sources = SourceMap::new();
    sources.add("probe.flow", text);
    let analysis = crate::analyze(&sources, &[target]);
    !analysis.diagnostics.iter().any(|d| matches!(d.code, "E0001" | "E0201" | "E0602" | "E0603" | "E0604"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_checker() {
        assert!(accepts(Target::Github, Level::Activity, "concurrency"));
        assert!(!accepts(Target::Github, Level::Activity, "steps"));
        assert!(accepts(Target::Gitlab, Level::Process, "stages"));
        assert!(accepts(Target::Gitlab, Level::Process, "workflow"));
        assert!(!accepts(Target::Gitlab, Level::Process, "jobs"));
        assert!(accepts(Target::Gitlab, Level::Activity, "rules"));
        assert!(!accepts(Target::Gitlab, Level::Activity, "script"));
        assert!(accepts(Target::Github, Level::Process, "on"));
        assert!(accepts(Target::Github, Level::Activity, "if"));
        assert!(accepts(Target::Github, Level::Activity, "uses"));
        assert!(accepts(Target::Github, Level::Step, "shell"));
        assert!(!accepts(Target::Github, Level::ActionStep, "shell"));
        assert!(!accepts(Target::Gitlab, Level::Step, "name"));
    }
}
