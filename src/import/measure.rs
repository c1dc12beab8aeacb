//! The corpus measurement: for each CI file, import it, build the `.flow` for the same
//! platform and compare, count the jobs and steps expressed without target blocks, and
//! (for GitHub files) build the `.flow` for GitLab too.
//!
//! **In:** `(file name, text)` pairs, already read. **Out:** one [`FileResult`] per file
//! and a [`Summary`] with the three figures overall and per platform, rendered as text by
//! [`render`]. Pure: the CLI reads the folder and the baseline.

use super::compare::{self, Difference};
use super::yaml::{self, Node};
use super::{import, Counts, FallbackKind, Platform};
use crate::ast::Target;
use crate::source::SourceMap;
use std::collections::BTreeMap;

/// What the measurement found for one file.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub name: String,
    pub platform: Platform,
    /// Import, build and comparison all clean.
    pub round_trip: bool,
    pub counts: Counts,
    /// GitHub files: the `.flow` builds for GitLab without errors.
    pub cross_target: Option<bool>,
    /// Features dropped by the import (each once).
    pub dropped: Vec<String>,
    /// Features passed through target blocks (each once).
    pub blocks: Vec<String>,
    /// What differs after normalisation.
    pub differences: Vec<Difference>,
    /// Import or build errors, as text.
    pub errors: Vec<String>,
    /// Errors of the GitLab build of a GitHub file.
    pub cross_errors: Vec<String>,
}

impl FileResult {
    /// The distinct reasons the file does not round-trip.
    pub fn causes(&self) -> Vec<String> {
        let mut out: Vec<String> = self.errors.iter().map(|e| format!("error: {e}")).collect();
        out.extend(self.dropped.iter().map(|d| format!("dropped: {d}")));
        let mut features: Vec<String> = self.differences.iter().map(|d| format!("differs: {}", d.feature)).collect();
        features.sort();
        features.dedup();
        out.extend(features);
        out
    }
}

/// Measures one file.
pub fn file(name: &str, text: &str) -> FileResult {
    let platform = Platform::detect(name, text);
    let mut r = FileResult {
        name: name.to_string(),
        platform,
        round_trip: false,
        counts: Counts::default(),
        cross_target: None,
        dropped: Vec::new(),
        blocks: Vec::new(),
        differences: Vec::new(),
        errors: Vec::new(),
        cross_errors: Vec::new(),
    };
    let imported = match import(name, text, Some(platform)) {
        Ok(i) => i,
        Err(e) => {
            r.errors.push(format!("import: {e}"));
            return r;
        }
    };
    let report = &imported.report;
    r.counts = report.counts;
    for f in &report.fallbacks {
        let list = if f.kind == FallbackKind::Dropped { &mut r.dropped } else { &mut r.blocks };
        if !list.contains(&f.feature) {
            list.push(f.feature.clone());
        }
    }
    if crate::format::format(crate::source::FileId(0), &imported.flow).ok().as_deref() != Some(imported.flow.as_str()) {
        r.errors.push("the imported .flow is not in the canonical style".into());
    }
    let flow_name = format!("{}.flow", imported.process);
    match build(&flow_name, &imported.flow, platform.target()) {
        Err(errors) => r.errors.extend(errors),
        Ok(generated) => {
            let original = yaml::parse(text, platform.schema()).ok().and_then(|d| pipeline(platform, d));
            let generated = yaml::parse(&generated, platform.schema()).ok().and_then(|d| d.into_iter().next());
            match (original, generated) {
                (Some(o), Some(g)) => r.differences = compare::differences(platform, &o, &g, &imported.renames),
                _ => r.errors.push("the generated YAML does not parse".into()),
            }
        }
    }
    if platform == Platform::Github {
        let cross = build(&flow_name, &imported.flow, Target::Gitlab);
        r.cross_target = Some(cross.is_ok());
        r.cross_errors = cross.err().unwrap_or_default();
    }
    r.round_trip = r.errors.is_empty() && r.dropped.is_empty() && r.differences.is_empty();
    r
}

fn pipeline(platform: Platform, docs: Vec<Node>) -> Option<Node> {
    match platform {
        Platform::Github => docs.into_iter().next(),
        Platform::Gitlab => super::gitlab::document(docs),
    }
}

/// Builds `.flow` text for one target: the workflow or `.gitlab-ci.yml`, or the errors.
pub fn build(name: &str, text: &str, target: Target) -> Result<String, Vec<String>> {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    let compilation = crate::compile(&sources, &[target]);
    let errors: Vec<String> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let (line, _) = sources.get(d.primary.span.file).line_col(d.primary.span.start as usize);
            format!("{} line {line}: {}", d.code, d.message)
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let wanted = |path: &str| match target {
        Target::Github => path.starts_with(".github/workflows/"),
        Target::Gitlab => path == ".gitlab-ci.yml",
    };
    compilation
        .outputs
        .iter()
        .find(|o| wanted(&o.path))
        .map(|o| o.contents.clone())
        .ok_or_else(|| vec!["no output".into()])
}

/// The three figures over a set of files.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub files: usize,
    pub round_trips: usize,
    pub counts: Counts,
    /// GitHub files, and those whose `.flow` also builds for GitLab.
    pub github_files: usize,
    pub cross_target: usize,
}

impl Figures {
    pub fn of<'a>(results: impl IntoIterator<Item = &'a FileResult>) -> Figures {
        let mut f = Figures::default();
        for r in results {
            f.files += 1;
            f.round_trips += usize::from(r.round_trip);
            f.counts.add(&r.counts);
            if let Some(ok) = r.cross_target {
                f.github_files += 1;
                f.cross_target += usize::from(ok);
            }
        }
        f
    }
}

/// Per cent, one decimal.
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "n/a".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn figures_line(label: &str, f: &Figures) -> String {
    let mut line = format!(
        "{label:<8} round trip {}/{} ({})   jobs without target blocks or losses {}/{} ({}; without target blocks {})   steps without target blocks or losses {}/{} ({}; without losses {})",
        f.round_trips,
        f.files,
        percent(f.round_trips, f.files),
        f.counts.jobs_plain,
        f.counts.jobs,
        percent(f.counts.jobs_plain, f.counts.jobs),
        percent(f.counts.jobs_without_blocks, f.counts.jobs),
        f.counts.steps_portable,
        f.counts.steps,
        percent(f.counts.steps_portable, f.counts.steps),
        percent(f.counts.steps_plain, f.counts.steps),
    );
    if f.github_files > 0 {
        line.push_str(&format!(
            "   builds for gitlab {}/{} ({})",
            f.cross_target,
            f.github_files,
            percent(f.cross_target, f.github_files)
        ));
    }
    line
}

/// The report: figures, one row per file, the most common causes.
pub fn render(results: &[FileResult], verbose: bool) -> String {
    let mut out = String::new();
    out.push_str(
        "file | platform | round trip | jobs plain | steps plain | steps without losses | builds for gitlab | causes\n",
    );
    for r in results {
        let cross = r.cross_target.map_or("-", |ok| if ok { "yes" } else { "no" });
        let causes = r.causes();
        out.push_str(&format!(
            "{} | {} | {} | {}/{} | {}/{} | {}/{} | {} | {} cause(s)\n",
            r.name,
            r.platform.name(),
            if r.round_trip { "yes" } else { "no" },
            r.counts.jobs_plain,
            r.counts.jobs,
            r.counts.steps_portable,
            r.counts.steps,
            r.counts.steps_plain,
            r.counts.steps,
            cross,
            causes.len()
        ));
        if verbose {
            for c in causes.iter().filter(|c| !c.starts_with("differs: ")) {
                out.push_str(&format!("    {c}\n"));
            }
            for d in &r.differences {
                out.push_str(&format!("    differs: {d}\n"));
            }
            for e in &r.cross_errors {
                out.push_str(&format!("    gitlab build: {e}\n"));
            }
        }
    }
    out.push('\n');
    let github: Vec<&FileResult> = results.iter().filter(|r| r.platform == Platform::Github).collect();
    let gitlab: Vec<&FileResult> = results.iter().filter(|r| r.platform == Platform::Gitlab).collect();
    out.push_str(&format!("{}\n", figures_line("github", &Figures::of(github.iter().copied()))));
    out.push_str(&format!("{}\n", figures_line("gitlab", &Figures::of(gitlab.iter().copied()))));
    out.push_str(&format!("{}\n", figures_line("overall", &Figures::of(results))));
    for platform in [Platform::Github, Platform::Gitlab] {
        out.push_str(&format!("\nmost common causes ({}): files\n", platform.name()));
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in results.iter().filter(|r| r.platform == platform) {
            for c in r.causes() {
                *counts.entry(c).or_default() += 1;
            }
        }
        let mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (cause, n) in sorted.iter().take(if verbose { usize::MAX } else { 25 }) {
            out.push_str(&format!("  {n:>3}  {cause}\n"));
        }
    }
    let mut cross: BTreeMap<String, usize> = BTreeMap::new();
    for r in results {
        let mut seen: Vec<String> =
            r.cross_errors.iter().map(|e| e.split(" line ").next().unwrap_or(e).to_string()).collect();
        seen.sort();
        seen.dedup();
        for e in seen {
            *cross.entry(e).or_default() += 1;
        }
    }
    if !cross.is_empty() {
        out.push_str("\ngitlab build errors of github files: files\n");
        for (code, n) in cross {
            out.push_str(&format!("  {n:>3}  {code}\n"));
        }
    }
    out
}
