//! `flowc import`: a snapshot of every input under `tests/fixtures/import` (the `.flow`, the
//! fallback report, the comparison of the rebuilt YAML with the input, the GitLab build of
//! GitHub files), the invariants every import keeps, the normalisations of the comparison
//! one by one, and the command line (`import FILE`, `import --measure DIR --baseline FILE`).
//!
//! The corpus measurement itself runs outside `cargo test`: `scripts/measure-import.sh DIR`.
//! Re-bless with `INSTA_UPDATE=always cargo test --test import`.

use flowc::import::compare::differences;
use flowc::import::measure;
use flowc::import::yaml::parse;
use flowc::import::{import, Platform};
use flowc::source::FileId;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURES: &str = "tests/fixtures/import";
/// The fixtures written to round-trip.
const ROUND_TRIP: &[&str] =
    &["github/roundtrip.yml", "github/short_forms.yml", "github/step_settings.yml", "gitlab/pipeline.gitlab-ci.yml"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture's name as the import sees it: relative, `/`-separated.
fn name(path: &Path) -> String {
    path.strip_prefix(root().join(FIXTURES)).unwrap().to_string_lossy().replace('\\', "/")
}

fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root().join(FIXTURES))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    out.sort();
    assert!(out.len() >= 4, "fixtures missing");
    out
}

fn snapshot(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let name = name(path);
    let imported = import(&name, &text, None).unwrap();
    let result = measure::file(&name, &text);
    let mut out =
        format!("----- SOURCE ({})\n{text}\n----- FLOW\n{}\n----- REPORT\n", result.platform.name(), imported.flow);
    for fallback in &imported.report.fallbacks {
        out.push_str(&format!("{fallback}\n"));
    }
    let r = &imported.report;
    out.push_str(&format!(
        "jobs {}/{}, steps {}/{} without target blocks or losses; steps {}/{} without losses\n",
        r.counts.jobs_plain,
        r.counts.jobs,
        r.counts.steps_portable,
        r.counts.steps,
        r.counts.steps_plain,
        r.counts.steps
    ));
    out.push_str("\n----- ROUND TRIP\n");
    if result.round_trip {
        out.push_str("equal\n");
    }
    for e in &result.errors {
        out.push_str(&format!("error: {e}\n"));
    }
    for d in &result.differences {
        out.push_str(&format!("{d}\n"));
    }
    if let Some(ok) = result.cross_target {
        out.push_str(&format!("\n----- BUILD FOR GITLAB\n{}\n", if ok { "ok" } else { "errors" }));
        for e in &result.cross_errors {
            out.push_str(&format!("{e}\n"));
        }
    }
    out
}

#[test]
fn fixtures_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::glob!("fixtures/import/**/*.yml", |path| {
            insta::assert_snapshot!(snapshot(path));
        });
    });
}

#[test]
fn every_import_is_formatted_and_builds_for_its_platform() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let imported = import(&name(&path), &text, None).unwrap();
        let formatted = flowc::format::format(FileId(0), &imported.flow).unwrap();
        assert_eq!(formatted, imported.flow, "{} is not in the canonical style", path.display());
        let platform = Platform::detect(&name(&path), &text);
        let built = measure::build("imported.flow", &imported.flow, platform.target());
        assert!(built.is_ok(), "{}: {:?}", path.display(), built.err());
    }
}

#[test]
fn the_round_trip_fixtures_round_trip() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let result = measure::file(&name(&path), &text);
        let expected = ROUND_TRIP.contains(&name(&path).as_str());
        assert_eq!(result.round_trip, expected, "{}: {:?}", path.display(), result.causes());
        assert_eq!(result.round_trip, result.causes().is_empty());
    }
}

/// The differences between two documents of `platform` after normalisation.
fn diff(platform: Platform, a: &str, b: &str) -> Vec<String> {
    let a = parse(a, platform.schema()).unwrap().remove(0);
    let b = parse(b, platform.schema()).unwrap().remove(0);
    differences(platform, &a, &b, &[]).iter().map(|d| d.path.clone()).collect()
}

fn github_equal(a: &str, b: &str) {
    assert_eq!(diff(Platform::Github, a, b), Vec::<String>::new(), "\n{a}\n---\n{b}");
}

fn github_differ(a: &str, b: &str, path: &str) {
    assert!(diff(Platform::Github, a, b).contains(&path.to_string()), "{path} should differ:\n{a}\n---\n{b}");
}

const JOB: &str = "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n";

#[test]
fn github_short_and_long_forms_are_equal() {
    for on in ["on: push", "on: [push]", "on: {push: {}}", "on:\n  push:"] {
        github_equal(&format!("{on}\n{JOB}"), &format!("on: {{push: {{}}}}\n{JOB}"));
    }
    github_equal("on: {push: {branches: main}}", "on: {push: {branches: [main]}}");
    github_equal("jobs: {a: {runs-on: x, needs: b}}", "jobs: {a: {runs-on: [x], needs: [b]}}");
    github_equal("jobs: {a: {needs: [b, c]}}", "jobs: {a: {needs: [c, b]}}");
    github_equal("env: {A: 3, B: true, C: }", "env: {A: '3', B: 'true', C: ''}");
    github_equal("jobs: {a: {if: \"${{ a == 'b' }}\"}}", "jobs: {a: {if: \"(a) == 'b'\"}}");
    github_equal(
        "jobs: {a: {environment: prod, container: img}}",
        "jobs: {a: {environment: {name: prod}, container: {image: img}}}",
    );
    github_equal("jobs: {a: {env: {}, continue-on-error: false}}", "jobs: {a: {}}");
    github_equal(
        "jobs: {a: {strategy: {matrix: {x: [1]}}}}",
        "jobs: {a: {strategy: {fail-fast: true, matrix: {x: [1]}}}}",
    );
}

#[test]
fn github_inherited_settings_are_pushed_down() {
    github_equal(
        "permissions: {contents: read}\njobs: {a: {}}",
        "permissions: {}\njobs: {a: {permissions: {contents: read}}}",
    );
    github_equal(
        "defaults: {run: {shell: bash}}\njobs: {a: {steps: [{run: x}]}}",
        "jobs: {a: {steps: [{run: x, shell: bash}]}}",
    );
    github_equal(
        "defaults: {run: {shell: sh}}\njobs: {a: {defaults: {run: {shell: bash}}, steps: [{run: x}]}}",
        "jobs: {a: {steps: [{run: x, shell: bash}]}}",
    );
}

#[test]
fn github_what_flowc_adds_is_not_neutral() {
    github_differ("jobs: {a: {}}", "permissions: {}\njobs: {a: {}}", "jobs.a.permissions");
    github_differ(
        "jobs: {a: {steps: [{run: x}]}}",
        "defaults: {run: {shell: bash}}\njobs: {a: {steps: [{run: x}]}}",
        "jobs.a.steps[0].shell",
    );
    github_differ(
        "jobs: {a: {steps: [{uses: actions/checkout@v5}]}}",
        "jobs: {a: {steps: [{uses: actions/checkout@v5, with: {persist-credentials: false}}]}}",
        "jobs.a.steps[0].with",
    );
    github_differ(
        "jobs: {a: {strategy: {matrix: {x: [1]}}}}",
        "jobs: {a: {strategy: {fail-fast: false, matrix: {x: [1]}}}}",
        "jobs.a.strategy.fail-fast",
    );
    github_differ("name: CI\njobs: {}", "name: ci\njobs: {}", "name");
    github_differ(
        "jobs: {a: {strategy: {matrix: {x: ['3.10']}}}}",
        "jobs: {a: {strategy: {matrix: {x: [3.10]}}}}",
        "jobs.a.strategy.matrix.x[0]",
    );
}

#[test]
fn gitlab_reuse_is_resolved_and_names_are_not_neutral() {
    let gitlab = |a: &str, b: &str, renames: &[(String, String)]| {
        let a = parse(a, Platform::Gitlab.schema()).unwrap().remove(0);
        let b = parse(b, Platform::Gitlab.schema()).unwrap().remove(0);
        differences(Platform::Gitlab, &a, &b, renames).iter().map(|d| d.path.clone()).collect::<Vec<_>>()
    };
    let templates = ".t: &t\n  image: img\n  script: [a]\n.u:\n  tags: [x]\nj:\n  <<: *t\n  extends: .u\n  script: [!reference [.t, script], b]\n";
    let expanded = "j:\n  image: {name: img}\n  tags: [x]\n  script: [a, b]\n  stage: test\n";
    assert_eq!(gitlab(templates, expanded, &[]), Vec::<String>::new());
    let globals = "variables: {A: 1}\ndefault: {image: img}\nj: {script: x}\n";
    let pushed = "j: {image: img, variables: {A: '1'}, script: [x]}\n";
    assert_eq!(gitlab(globals, pushed, &[]), Vec::<String>::new());
    let renamed = gitlab("j: {script: [x]}", "\"p:j\": {script: [x]}", &[("j".into(), "p:j".into())]);
    assert_eq!(renamed, vec!["j".to_string()]);
    assert_eq!(
        gitlab("j: {script: [x], needs: [a]}", "j: {script: [x], needs: [{job: a, artifacts: false}]}", &[]),
        vec!["j.needs[0].artifacts".to_string()]
    );
}

#[test]
fn platform_is_detected() {
    assert_eq!(Platform::detect("x/.gitlab-ci.yml", "jobs: {}\non: push"), Platform::Gitlab);
    assert_eq!(Platform::detect("ci.yml", "on: push\njobs: {}"), Platform::Github);
    assert_eq!(Platform::detect("ci.yml", "build: {script: [make]}"), Platform::Gitlab);
    assert!(import("x.yml", "a: [", None).is_err());
    assert!(import("x.yml", "- 1", Some(Platform::Github)).is_err());
}

fn flowc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_flowc")).args(args).current_dir(root()).output().unwrap()
}

#[test]
fn cli_imports_a_file() {
    let out = flowc(&["import", "tests/fixtures/import/github/short_forms.yml"]);
    assert_eq!(out.status.code(), Some(0));
    let flow = String::from_utf8(out.stdout).unwrap();
    assert!(flow.contains("process short_forms {"), "{flow}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("imported tests/fixtures/import/github/short_forms.yml: 1/2 jobs"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.flow");
    let out = flowc(&["import", "tests/fixtures/import/github/short_forms.yml", "-o", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), flow);
    assert_eq!(flowc(&["import", "tests/fixtures/import/missing.yml"]).status.code(), Some(2));
    assert_eq!(flowc(&["import"]).status.code(), Some(2));
}

#[test]
fn cli_measures_against_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.txt");
    let baseline = baseline.to_str().unwrap();
    let out = flowc(&["import", "--measure", FIXTURES, "--baseline", baseline, "--write-baseline"]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(baseline).unwrap();
    assert!(written.contains("round_trips 4\n") && written.contains("round_trip github/roundtrip.yml\n"), "{written}");
    let out = flowc(&["import", "--measure", FIXTURES, "--baseline", baseline]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("github   round trip 3/4"), "{report}");
    std::fs::write(baseline, format!("{written}round_trip gitlab/fallbacks.gitlab-ci.yml\nsteps_plain 1000\n"))
        .unwrap();
    let out = flowc(&["import", "--measure", FIXTURES, "--baseline", baseline]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("regression: gitlab/fallbacks.gitlab-ci.yml no longer round-trips"), "{stderr}");
    assert!(stderr.contains("regression: steps_plain is 26, below the baseline 1000"), "{stderr}");
}
