//! `flowc import FILE`: a GitHub workflow or `.gitlab-ci.yml` to `.flow`, with the report of
//! every fallback on stderr; `flowc import --measure DIR`: the corpus measurement, checked
//! against the minimum figures in a baseline file.

use super::{stdout, INPUT_ERROR, SUCCESS, USAGE_ERROR};
use clap::{Args, ValueEnum};
use flowc::import::measure::{self, Figures, FileResult};
use flowc::import::Platform;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The workflow or `.gitlab-ci.yml` to import.
    #[arg(required_unless_present = "measure")]
    pub file: Option<PathBuf>,
    /// The file's platform (default: guessed from its name and contents).
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
    /// Write the `.flow` file here instead of to stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Measure the import on every `*.yml`/`*.yaml` below DIR instead: round trip, share of
    /// jobs and steps without target blocks, GitHub files that also build for GitLab.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["file", "output", "platform"])]
    pub measure: Option<PathBuf>,
    /// With --measure: the minimum figures; exit 1 below them or when a file listed there no
    /// longer round-trips.
    #[arg(long, value_name = "FILE", requires = "measure")]
    pub baseline: Option<PathBuf>,
    /// With --measure: write the current figures to the baseline file instead of checking them.
    #[arg(long, requires = "baseline")]
    pub write_baseline: bool,
    /// With --measure: list every cause of every file.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum PlatformArg {
    Github,
    Gitlab,
}

pub fn run(args: ImportArgs) -> u8 {
    if let Some(dir) = &args.measure {
        return measure_dir(dir, &args);
    }
    let Some(path) = &args.file else { return USAGE_ERROR };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return USAGE_ERROR;
        }
    };
    let platform = args.platform.map(|p| match p {
        PlatformArg::Github => Platform::Github,
        PlatformArg::Gitlab => Platform::Gitlab,
    });
    let name = path.to_string_lossy().replace('\\', "/");
    let imported = match flowc::import::import(&name, &text, platform) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: cannot import {name}: {e}");
            return INPUT_ERROR;
        }
    };
    for fallback in &imported.report.fallbacks {
        eprintln!("{fallback}");
    }
    let r = &imported.report;
    eprintln!(
        "imported {name}: {}/{} jobs and {}/{} steps without target blocks or losses ({}/{} steps without losses); {} fallback(s)",
        r.counts.jobs_plain,
        r.counts.jobs,
        r.counts.steps_portable,
        r.counts.steps,
        r.counts.steps_plain,
        r.counts.steps,
        r.fallbacks.len()
    );
    match &args.output {
        None => stdout::finish(&imported.flow, SUCCESS),
        Some(out) => match std::fs::write(out, &imported.flow) {
            Ok(()) => SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", out.display());
                USAGE_ERROR
            }
        },
    }
}

fn measure_dir(dir: &Path, args: &ImportArgs) -> u8 {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    if files.is_empty() {
        eprintln!("error: no *.yml or *.yaml files below {}", dir.display());
        return USAGE_ERROR;
    }
    let mut results = Vec::new();
    for path in &files {
        let name = path.strip_prefix(dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(path) {
            Ok(text) => results.push(measure::file(&name, &text)),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return USAGE_ERROR;
            }
        }
    }
    if let Err(code) = stdout::print(&measure::render(&results, args.verbose)) {
        return code;
    }
    let Some(baseline) = &args.baseline else { return SUCCESS };
    if args.write_baseline {
        return match std::fs::write(baseline, baseline_text(&results)) {
            Ok(()) => SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", baseline.display());
                USAGE_ERROR
            }
        };
    }
    let text = match std::fs::read_to_string(baseline) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", baseline.display());
            return USAGE_ERROR;
        }
    };
    let failures = check_baseline(&text, &results);
    for f in &failures {
        eprintln!("regression: {f}");
    }
    if failures.is_empty() {
        stdout::finish(&format!("\nbaseline {}: no regression\n", baseline.display()), SUCCESS)
    } else {
        INPUT_ERROR
    }
}

/// The baseline: minimum counts, then the files that round-trip.
fn baseline_text(results: &[FileResult]) -> String {
    let f = Figures::of(results);
    let mut out = String::from(
        "# Minimum figures of `flowc import --measure` on the corpus (see docs/import.md).\n# The measurement fails below any of them, or when a file listed here stops round-tripping.\n",
    );
    out.push_str(&format!(
        "round_trips {}\njobs_plain {}\nsteps_plain {}\nsteps_portable {}\ncross_target {}\n",
        f.round_trips, f.counts.jobs_plain, f.counts.steps_plain, f.counts.steps_portable, f.cross_target
    ));
    for r in results.iter().filter(|r| r.round_trip) {
        out.push_str(&format!("round_trip {}\n", r.name));
    }
    out
}

fn check_baseline(text: &str, results: &[FileResult]) -> Vec<String> {
    let f = Figures::of(results);
    let mut failures = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        let current = match key {
            "round_trips" => f.round_trips,
            "jobs_plain" => f.counts.jobs_plain,
            "steps_plain" => f.counts.steps_plain,
            "steps_portable" => f.counts.steps_portable,
            "cross_target" => f.cross_target,
            "round_trip" => {
                if !results.iter().any(|r| r.name == value && r.round_trip) {
                    failures.push(format!("{value} no longer round-trips (or is missing)"));
                }
                continue;
            }
            other => {
                failures.push(format!("unknown baseline line `{other}`"));
                continue;
            }
        };
        match value.parse::<usize>() {
            Ok(min) if current < min => failures.push(format!("{key} is {current}, below the baseline {min}")),
            Ok(_) => {}
            Err(_) => failures.push(format!("baseline line `{line}` has no number")),
        }
    }
    failures
}
