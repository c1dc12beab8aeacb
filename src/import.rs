//! `flowc import`: a GitHub Actions workflow or a `.gitlab-ci.yml` in, an equivalent `.flow`
//! file out, with a report of every place the import fell back.
//!
//! **In:** the YAML text and its file name (which picks the platform unless one is given).
//! **Out:** [`Imported`]: `.flow` text that `flowc fmt` leaves unchanged, and a [`Report`]
//! listing each fallback: a key passed through a target block (`github { }` / `gitlab { }`)
//! because the language has no construct for it, or something dropped (with a `//` comment
//! in the output) because not even a target block may hold it. Like the rest of the
//! library this module touches no files: [`measure`] takes the corpus as text.
//!
//! The language's own constructs are used wherever they produce exactly the original YAML
//! (`step checkout` only for `actions/checkout@v5` with `persist-credentials: false`, `linux`
//! only for `ubuntu-latest`, ...); [`compare`] decides what "exactly" means.

pub mod compare;
pub mod expr;
mod flow;
mod github;
mod gitlab;
pub mod measure;
pub mod probe;
pub mod yaml;

use yaml::{Node, Schema};

/// The platform a YAML file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Github,
    Gitlab,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Github => "github",
            Platform::Gitlab => "gitlab",
        }
    }

    pub fn schema(self) -> Schema {
        match self {
            Platform::Github => Schema::Core12,
            Platform::Gitlab => Schema::Yaml11,
        }
    }

    pub fn target(self) -> crate::ast::Target {
        match self {
            Platform::Github => crate::ast::Target::Github,
            Platform::Gitlab => crate::ast::Target::Gitlab,
        }
    }

    /// Guesses the platform from a file's name and contents: a top-level `jobs:` with
    /// `on:` is a GitHub workflow; anything else is GitLab CI.
    pub fn detect(name: &str, text: &str) -> Platform {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name).to_ascii_lowercase();
        if base.contains("gitlab-ci") || base.contains("gitlab_ci") {
            return Platform::Gitlab;
        }
        let github = yaml::parse(text, Schema::Core12)
            .ok()
            .and_then(|docs| docs.into_iter().next())
            .is_some_and(|doc| doc.get("jobs").is_some() && doc.get("on").is_some());
        if github {
            Platform::Github
        } else {
            Platform::Gitlab
        }
    }
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// The `.flow` text, already formatted.
    pub flow: String,
    /// The name of the one process in it.
    pub process: String,
    pub report: Report,
    /// GitLab: each original job name with the name flowc gives the job (its activity's).
    pub renames: Vec<(String, String)>,
}

/// What the import could not say in the language's own constructs.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub fallbacks: Vec<Fallback>,
    pub counts: Counts,
}

/// How many jobs and steps an import (or a set of them) wrote in the language's own constructs.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Counts {
    /// Jobs in the input, and those expressed without a target block and without loss.
    pub jobs: usize,
    pub jobs_plain: usize,
    /// Jobs whose activity has no target block, whatever was dropped.
    pub jobs_without_blocks: usize,
    /// Steps (GitHub `steps:` entries, GitLab `script:` lines) and those expressed without loss.
    pub steps: usize,
    pub steps_plain: usize,
    /// Steps written as a plain `step`: no settings block, no `github`/`gitlab` marker, and
    /// nothing dropped. A marker counts as target-specific: the step exists on one target only.
    pub steps_portable: usize,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.jobs += other.jobs;
        self.jobs_plain += other.jobs_plain;
        self.jobs_without_blocks += other.jobs_without_blocks;
        self.steps += other.steps;
        self.steps_plain += other.steps_plain;
        self.steps_portable += other.steps_portable;
    }
}

impl Report {
    /// True when something was dropped: the output cannot be equivalent.
    pub fn dropped_anything(&self) -> bool {
        self.fallbacks.iter().any(|f| f.kind == FallbackKind::Dropped)
    }
}

/// One place the import fell back.
#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    pub kind: FallbackKind,
    /// The feature, the same text wherever it occurs: "step `name`", "trigger `workflow_call`".
    pub feature: String,
    /// Where: "workflow", "job `build`", "job `build`, step 2".
    pub place: String,
    /// Why it fell back.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackKind {
    /// Passed through a `github { }` / `gitlab { }` block.
    TargetBlock,
    /// Not expressible at all: left out, with a comment in the output.
    Dropped,
}

impl std::fmt::Display for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let kind = match self.kind {
            FallbackKind::TargetBlock => "target block",
            FallbackKind::Dropped => "dropped",
        };
        write!(f, "{kind}: {} ({}): {}", self.feature, self.place, self.reason)
    }
}

/// Imports one file. `name` is used to detect the platform (unless given) and to name
/// the process; `Err` when the text is not YAML or not a CI file at all.
pub fn import(name: &str, text: &str, platform: Option<Platform>) -> Result<Imported, String> {
    let platform = platform.unwrap_or_else(|| Platform::detect(name, text));
    let docs = yaml::parse(text, platform.schema())?;
    let process = process_name(name);
    let (flow, report, renames) = match platform {
        Platform::Github => {
            let doc = docs.into_iter().next().ok_or("the file holds no YAML document")?;
            if !matches!(doc, Node::Map(_)) || doc.get("jobs").is_none() {
                return Err("not a GitHub Actions workflow: no top-level `jobs:`".into());
            }
            let (flow, report) = github::import(&doc, &process, name);
            (flow, report, Vec::new())
        }
        Platform::Gitlab => {
            let doc = gitlab::document(docs).ok_or("the file holds no YAML mapping")?;
            gitlab::import(&doc, &process, name)
        }
    };
    Ok(Imported { flow: flow.print(), process, report, renames })
}

/// A value on one line, shortened, for messages.
pub(crate) fn github_short(v: &Node) -> String {
    let text = flow::data(v);
    if text.chars().count() > 80 {
        format!("{}...", text.chars().take(77).collect::<String>())
    } else {
        text
    }
}

/// A process name from a file name: `owner__repo__ci.yml` → `ci`, `.gitlab-ci.yml` →
/// `gitlab-ci`; always a valid name.
pub fn process_name(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.strip_suffix(".yml").or_else(|| base.strip_suffix(".yaml")).unwrap_or(base);
    let stem = stem.rsplit("__").next().unwrap_or(stem);
    ident(stem.trim_start_matches('.'), "imported")
}

/// `text` as a flowc name (letters, digits, `_`, `-`, starting with a letter or `_`),
/// or `fallback` when nothing is left.
pub fn ident(text: &str, fallback: &str) -> String {
    let mut out: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' }).collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let out = out.trim_matches('-').to_string();
    match out.chars().next() {
        None => fallback.to_string(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        _ => out,
    }
}

/// True when `name` is a flowc name as written (no change needed).
pub fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// True when `name` may name an environment variable, an input or an output.
pub fn is_env_name(name: &str) -> bool {
    is_ident(name) && !name.contains('-')
}
