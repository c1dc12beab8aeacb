//! CODEOWNERS: each process's `owner` owns its `.flow` source and what is generated from it.
//!
//! In: a checked model and the targets built. Out: `.github/CODEOWNERS` (GitHub) and
//! `.gitlab/CODEOWNERS` (GitLab reads that path too), one line per path, deterministic:
//!
//! - a `.flow` source: the owners of every process in it;
//! - GitHub: `.github/workflows/PROCESS.yml`: the owners of that process; GitLab: the shared
//!   `.gitlab-ci.yml`: the owners of every process;
//! - the CODEOWNERS file itself and, when they are generated, `.flowc/settings.json` and
//!   `.flowc/apply-settings.sh`: the owners of every process.
//!
//! Owners are the owner role's members, `@login` and `@org/team` ([`Member::handle`]).
//! Paths are anchored at the repository root (`/path`): they are right when `flowc build` runs
//! at the root with the default `--out-dir`, because source names are as the CLI shows them,
//! relative to the current directory.

use super::settings::{SCRIPT_PATH, SETTINGS_PATH};
use super::{header, source_names, Output};
use crate::ast::Target;
use crate::model::{Member, Model, Process};
use crate::source::SourceMap;

/// One CODEOWNERS file for each of `targets`.
pub fn emit(model: &Model, sources: &SourceMap, targets: &[Target]) -> Vec<Output> {
    let mut out = Vec::new();
    for target in Target::ALL.into_iter().filter(|t| targets.contains(t)) {
        out.push(codeowners(model, sources, target));
    }
    out
}

/// Where each target reads its CODEOWNERS.
pub fn path(target: Target) -> &'static str {
    match target {
        Target::Github => ".github/CODEOWNERS",
        Target::Gitlab => ".gitlab/CODEOWNERS",
    }
}

fn codeowners(model: &Model, sources: &SourceMap, target: Target) -> Output {
    let everyone = owners(model, model.processes.iter());
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    for name in source_names(model, sources) {
        let processes = model.processes.iter().filter(|p| sources.get(p.file).name == name);
        entries.push((name.to_string(), owners(model, processes)));
    }
    match target {
        Target::Github => {
            for process in &model.processes {
                let workflow = format!(".github/workflows/{}.yml", process.name);
                entries.push((workflow, owners(model, std::iter::once(process))));
            }
        }
        Target::Gitlab => entries.push((".gitlab-ci.yml".into(), everyone.clone())),
    }
    entries.push((path(target).into(), everyone.clone()));
    if !super::settings::environments(model).is_empty() {
        for file in [SETTINGS_PATH, SCRIPT_PATH] {
            entries.push((file.into(), everyone.clone()));
        }
    }
    Output { path: path(target).into(), contents: render(&entries, &header(&source_names(model, sources))) }
}

/// Handles of the owners of `processes`, in order, without repeats.
fn owners<'a>(model: &Model, processes: impl Iterator<Item = &'a Process>) -> Vec<String> {
    let mut handles: Vec<String> = Vec::new();
    for process in processes {
        let members: &[Member] = model.role(process, &process.owner).map_or(&[], |r| &r.members);
        for handle in members.iter().map(Member::handle) {
            if !handles.contains(&handle) {
                handles.push(handle);
            }
        }
    }
    handles
}

fn render(entries: &[(String, Vec<String>)], header: &str) -> String {
    let mut out: String = header.lines().map(|line| format!("# {line}\n")).collect();
    out.push_str("#\n# Paths are relative to the repository root: run `flowc build` there.\n\n");
    let patterns: Vec<String> = entries.iter().map(|(path, _)| pattern(path)).collect();
    let width = patterns.iter().map(|p| p.chars().count()).max().unwrap_or(0);
    for (pattern, (_, handles)) in patterns.iter().zip(entries) {
        let line = format!("{pattern:width$} {}", handles.join(" "));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A CODEOWNERS pattern matching exactly `path` from the repository root: anchored with `/`,
/// with spaces and the pattern characters `* ? [ ] \ #` escaped.
fn pattern(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let mut out = String::from("/");
    for c in path.chars() {
        if c == ' ' || "*?[]\\#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pattern;

    #[test]
    fn patterns_are_anchored_and_escaped() {
        assert_eq!(pattern("ci.flow"), "/ci.flow");
        assert_eq!(pattern("./ops/my ci.flow"), "/ops/my\\ ci.flow");
        assert_eq!(pattern("a[1]*.flow"), "/a\\[1\\]\\*.flow");
    }
}
