//! `.flowc/apply-settings.sh`: the settings written out as requests to `gh api` / `glab api`.
//!
//! The script is generated straight-line code (one function per platform, one block per
//! environment) on the fixed functions of [`super::prelude`]. Every value from the source
//! reaches the shell single-quoted, every name in a URL percent-encoded, every name in a JSON body
//! JSON-encoded; ids come from look-ups and are checked to be numbers before they are sent.
//! The script runs on bash 3.2 or newer (no `inherit_errexit`: each look-up checks its own failure).

use super::{prelude, Environment, Platforms, SETTINGS_PATH};
use crate::model::Member;
use std::fmt::Write;

pub(super) fn render(environments: &[Environment], platforms: Platforms, header: &str) -> String {
    let mut out = String::from("#!/usr/bin/env bash\n");
    for line in header.lines() {
        writeln!(out, "# {line}").unwrap();
    }
    let clients = match (platforms.github, platforms.gitlab) {
        (true, true) => "gh and glab use their own logins",
        (true, false) => "gh uses its own login",
        _ => "glab uses its own login",
    };
    writeln!(out, "#\n# Applies {SETTINGS_PATH} (the same settings, written out as requests) with the platforms'")
        .unwrap();
    writeln!(out, "# own clients. It never reads or asks for a token: {clients}.").unwrap();
    if environments.iter().any(|e| e.name.contains(['$', '`'])) {
        out.push_str("# shellcheck disable=SC2016 # environment names are single-quoted on purpose: no expansion\n");
    }
    out.push_str("set -euo pipefail\n\n");
    out.push_str(&usage(platforms));
    out.push_str(prelude::COMMON);
    if platforms.github {
        out.push_str(prelude::GITHUB);
        out.push_str(&github(environments));
    }
    if platforms.gitlab {
        out.push_str(prelude::GITLAB);
        out.push_str(&gitlab(environments));
    }
    out.push_str(&main(platforms));
    out
}

fn usage(platforms: Platforms) -> String {
    let flags = match (platforms.github, platforms.gitlab) {
        (true, true) => "[--github] [--gitlab]",
        (true, false) => "--github",
        _ => "--gitlab",
    };
    let mut lines = vec![
        format!("usage: bash .flowc/apply-settings.sh {flags} [--dry-run]"),
        String::new(),
        format!("Makes the deployment environments of this repository match {SETTINGS_PATH}:"),
    ];
    if platforms.github {
        lines.extend(
            [
                "  --github   environments, their required reviewers and self-review prevention,",
                "             with gh api (GitHub CLI, logged in with: gh auth login; needs admin",
                "             rights on the repository)",
            ]
            .map(String::from),
        );
    }
    if platforms.gitlab {
        lines.extend(
            [
                "  --gitlab   protected environments, who may deploy and the approval rules, with",
                "             glab api (GitLab CLI, logged in with: glab auth login; needs the",
                "             Maintainer role and GitLab Premium) and jq (reads user and group ids)",
            ]
            .map(String::from),
        );
    }
    lines.extend(
        [
            "  --dry-run  print the requests instead of sending them (needs neither client)",
            "",
            "Run it in a clone of the repository: the clients find the repository from its remote.",
        ]
        .map(String::from),
    );
    if platforms.github {
        lines.push("On GitHub an environment without approvers loses its required reviewers.".into());
    }
    if platforms.gitlab {
        lines.extend(
            [
                "On GitLab an environment without approvers or run_by loses its protection, and one",
                "already protected is unprotected and protected again with the new rules (two requests).",
            ]
            .map(String::from),
        );
    }
    let mut out = String::from("usage() {\n  printf '%s\\n' \\\n");
    let last = lines.len() - 1;
    for (i, line) in lines.iter().enumerate() {
        let end = if i == last { "\n" } else { " \\\n" };
        write!(out, "    {}{end}", quote(line)).unwrap();
    }
    out.push_str("}\n\n");
    out
}

/// Numbered shell variables for the distinct members of one environment, looked up once each.
struct Lookups<'a> {
    members: Vec<&'a Member>,
}

impl<'a> Lookups<'a> {
    fn new(groups: &[&'a [Member]]) -> Self {
        let mut members: Vec<&Member> = Vec::new();
        for m in groups.iter().flat_map(|g| g.iter()) {
            if !members.contains(&m) {
                members.push(m);
            }
        }
        Lookups { members }
    }

    /// `$mN` for `member`, as a double-quoted shell word fragment.
    fn var(&self, member: &Member) -> String {
        let i = self.members.iter().position(|m| *m == member).expect("member was looked up");
        format!("$m{}", i + 1)
    }
}

/// `local m1 m2 ...` for the largest number of look-ups one environment needs.
fn locals(count: usize) -> String {
    let names: Vec<String> = (1..=count).map(|i| format!("m{i}")).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("  local {}\n", names.join(" "))
    }
}

fn github(environments: &[Environment]) -> String {
    let mut body = String::new();
    let mut most = 0;
    for env in environments {
        let reviewers = env.github_reviewers();
        let lookups = Lookups::new(&[reviewers]);
        most = most.max(lookups.members.len());
        writeln!(body, "  # {}", describe_github(env)).unwrap();
        for (i, m) in lookups.members.iter().enumerate() {
            let (kind, name) = match m {
                Member::User(login) => ("User", login),
                Member::Team(team) => ("Team", team),
            };
            writeln!(body, "  m{}=$(github_reviewer {kind} {})", i + 1, quote(name)).unwrap();
        }
        let list: Vec<String> = reviewers.iter().map(|m| lookups.var(m)).collect();
        writeln!(
            body,
            "  github_environment {} {} \"{}\"",
            quote(&env.name),
            quote(&encode(&env.name)),
            list.join(",")
        )
        .unwrap();
    }
    if environments.is_empty() {
        body.push_str("  echo \"github: no environment to configure\"\n");
    }
    format!(
        "# Every environment: PUT repos/{{owner}}/{{repo}}/environments/NAME.\ngithub_settings() {{\n{}{body}}}\n\n",
        locals(most)
    )
}

fn describe_github(env: &Environment) -> String {
    let mut text = describe(env, false);
    if env.quorum > 1 {
        text.push_str("; GitHub proceeds on one approval");
    }
    if env.approvers.len() > env.github_reviewers().len() {
        write!(text, "; only the first {} can be reviewers", env.github_reviewers().len()).unwrap();
    }
    text
}

fn gitlab(environments: &[Environment]) -> String {
    let mut body = String::new();
    let mut most = 0;
    for env in environments {
        let (deployers, rules) = (env.deployers.as_slice(), env.rules());
        let approvers: Vec<Member> = rules.iter().map(|(m, _)| (*m).clone()).collect();
        let lookups = Lookups::new(&[deployers, &approvers]);
        most = most.max(lookups.members.len());
        writeln!(body, "  # {}", describe_gitlab(env)).unwrap();
        for (i, m) in lookups.members.iter().enumerate() {
            let call = match m {
                Member::User(login) => format!("gitlab_user {}", quote(login)),
                Member::Team(path) => format!("gitlab_group {} {}", quote(path), quote(&encode(path))),
            };
            writeln!(body, "  m{}=$({call})", i + 1).unwrap();
        }
        let deploy: Vec<String> = deployers.iter().map(|m| format!("{{{}}}", lookups.var(m))).collect();
        let rules: Vec<String> =
            rules.iter().map(|(m, n)| format!("{{{},\\\"required_approvals\\\":{n}}}", lookups.var(m))).collect();
        let name_json = serde_json::to_string(&env.name).expect("a string serialises");
        writeln!(
            body,
            "  gitlab_environment {} {} {} \"{}\" \"{}\"",
            quote(&env.name),
            quote(&encode(&env.name)),
            quote(&name_json),
            deploy.join(","),
            rules.join(",")
        )
        .unwrap();
    }
    if environments.is_empty() {
        body.push_str("  echo \"gitlab: no environment to configure\"\n");
    }
    format!(
        "# Every environment: protected (POST projects/:id/protected_environments) when it has a gate,\n\
         # unprotected otherwise.\ngitlab_settings() {{\n{}{body}}}\n\n",
        locals(most)
    )
}

fn describe_gitlab(env: &Environment) -> String {
    let mut text = describe(env, true);
    if env.gated() && env.run_by.is_empty() && !env.approvers.is_empty() {
        text.push_str("; deployed by its approvers");
    }
    if !env.gitlab_quorum_exact() {
        text.push_str("; every approver must approve (a rule names one user or group)");
    }
    text
}

/// `NAME (PROCESS:ACTIVITY, ...): run by R; approved by A, N of them` on one line.
fn describe(env: &Environment, with_run_by: bool) -> String {
    let mut parts = Vec::new();
    if with_run_by && !env.run_by.is_empty() {
        parts.push(format!("run by {}", env.run_by.join(", ")));
    }
    match env.quorum {
        0 => {}
        1 => parts.push(format!("approved by {}", env.approved_by.join(", "))),
        n => parts.push(format!("approved by {}, {n} of them", env.approved_by.join(", "))),
    }
    if parts.is_empty() {
        parts.push("no approval".into());
    }
    let text = format!("{} ({}): {}", env.name, env.activities.join(", "), parts.join("; "));
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

fn main(platforms: Platforms) -> String {
    let missing = |flag: &str, name: &str| {
        format!(
            "    {flag}) usage_error \"no {name} settings here: build them with flowc build --target {} (or all)\" ;;\n",
            flag.trim_start_matches("--")
        )
    };
    let mut out = String::from("github=false\ngitlab=false\ndry_run=false\nwhile [ $# -gt 0 ]; do\n  case $1 in\n");
    out.push_str(&if platforms.github {
        "    --github) github=true ;;\n".to_string()
    } else {
        missing("--github", "GitHub")
    });
    out.push_str(&if platforms.gitlab {
        "    --gitlab) gitlab=true ;;\n".to_string()
    } else {
        missing("--gitlab", "GitLab")
    });
    out.push_str(
        "    --dry-run) dry_run=true ;;\n    -h | --help)\n      usage\n      exit 0\n      ;;\n    *) usage_error \"unknown option: $1\" ;;\n  esac\n  shift\ndone\n",
    );
    out.push_str("if ! $github && ! $gitlab; then\n  usage_error \"say which platform to configure: --github, --gitlab or both\"\nfi\n");
    out.push_str("if ! $dry_run; then\n");
    if platforms.github {
        out.push_str("  if $github; then need gh \"install the GitHub CLI (https://cli.github.com) and log in with: gh auth login\"; fi\n");
    }
    if platforms.gitlab {
        out.push_str("  if $gitlab; then\n    need glab \"install the GitLab CLI (https://gitlab.com/gitlab-org/cli) and log in with: glab auth login\"\n    need jq \"install jq (https://jqlang.org): it reads user and group ids from GitLab's answers\"\n  fi\n");
    }
    out.push_str("fi\n");
    if platforms.github {
        out.push_str("if $github; then github_settings; fi\n");
    }
    if platforms.gitlab {
        out.push_str("if $gitlab; then gitlab_settings; fi\n");
    }
    out
}

/// `text` as one single-quoted shell word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// `text` as one URL path segment: every byte but `A-Z a-z 0-9 - . _ ~` percent-encoded.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            write!(out, "%{byte:02X}").unwrap();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_encodes() {
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(encode("review/eu 1"), "review%2Feu%201");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
