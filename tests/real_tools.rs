//! flowc's output checked and run by the real tools: check-jsonschema and actionlint (with
//! shellcheck) for GitHub, check-jsonschema and gitlab-ci-local for GitLab, yamllint for
//! both, on every example and emitting fixture; then runnable examples executed end to end
//! with gitlab-ci-local (shell executor) and act (host mode).
//!
//! Needs `bash scripts/install-tools.sh` first; without the tools these tests fail, never skip.

mod support;

use flowc::ast::Target;
use flowc::emit::Output;
use flowc::model::Process;
use flowc::source::SourceMap;
use std::path::{Path, PathBuf};
use support::{RunReport, Tools};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn flow_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .collect();
    files.sort();
    files
}

/// Compiles one file for both targets (GitLab only under a `gitlab/` folder) into a fresh directory.
fn build(path: &Path) -> (tempfile::TempDir, Vec<Output>, Vec<Process>) {
    let mut sources = SourceMap::new();
    sources.add(path.file_name().unwrap().to_string_lossy(), std::fs::read_to_string(path).unwrap());
    let dir = path.parent().unwrap().to_path_buf();
    let mut read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string());
    assert!(flowc::modules::load_imports(&mut sources, &mut read).is_empty());
    let gitlab_only = dir.file_name().is_some_and(|d| d == "gitlab");
    let compilation = flowc::compile(&sources, if gitlab_only { &[Target::Gitlab] } else { &Target::ALL });
    let errors: Vec<String> =
        compilation.diagnostics.iter().map(|d| flowc::diagnostic::render_human(&sources, d)).collect();
    assert!(!compilation.has_errors(), "{} does not compile:\n{}", path.display(), errors.join("\n"));
    let dir = tempfile::tempdir().unwrap();
    for output in &compilation.outputs {
        let target = dir.path().join(&output.path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, &output.contents).unwrap();
    }
    (dir, compilation.outputs, compilation.model.unwrap().processes)
}

fn validate(tools: &Tools, path: &Path) -> Vec<String> {
    let (dir, outputs, _) = build(path);
    let mut failures = Vec::new();
    for output in outputs {
        let file = dir.path().join(&output.path);
        // Only the CI YAML goes to the validators; CODEOWNERS and `.flowc/` settings are not YAML.
        let platform = if output.path.starts_with(".github/workflows/") && output.path.ends_with(".yml") {
            ("github", tools.validate_github(&file))
        } else if output.path == ".gitlab-ci.yml" {
            ("gitlab", tools.validate_gitlab(&file))
        } else {
            continue;
        };
        let results = vec![("yamllint", tools.yamllint(&file)), platform];
        for (what, result) in results {
            if let Err(e) = result {
                failures.push(format!("{} → {} [{what}]:\n{e}", path.display(), output.path));
            }
        }
    }
    failures
}

#[test]
fn examples_pass_every_validator() {
    let tools = Tools::require();
    let examples = flow_files("examples");
    assert!(examples.len() >= 6, "expected at least six examples");
    let failures: Vec<String> = examples.iter().flat_map(|e| validate(&tools, e)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn emit_fixtures_pass_every_validator() {
    let tools = Tools::require();
    let files = [flow_files("tests/fixtures/emit"), flow_files("tests/fixtures/emit/gitlab")].concat();
    let failures: Vec<String> = files.iter().flat_map(|e| validate(&tools, e)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every activity in `expected` ran and passed, after every activity it needs.
fn assert_ran_in_order(report: &RunReport, process: &Process, expected: &[&str], job: impl Fn(&str) -> String) {
    assert!(report.success, "the run failed:\n{report}");
    for name in expected {
        let activity = process.activity(name).unwrap_or_else(|| panic!("no activity {name}"));
        let run = report.job(&job(name));
        assert!(run.passed, "{name} did not pass:\n{report}");
        assert!(run.output.contains(&format!("flowc-ran: {name}")), "{name} printed no marker:\n{report}");
        for need in &activity.needs {
            if expected.contains(&need.as_str()) {
                assert!(
                    report.ran_before(&job(need), &job(name)),
                    "{need} did not finish before {name} started:\n{report}"
                );
            }
        }
    }
}

/// One runnable example: its event on each platform and the activities expected to run.
struct Runnable {
    file: &'static str,
    /// Files placed in the scratch repository (such as an act event payload).
    files: &'static [(&'static str, &'static str)],
    github_event: &'static str,
    github_args: &'static [&'static str],
    gitlab_args: &'static [&'static str],
    expected: &'static [&'static str],
}

const RUNNABLE: &[Runnable] = &[
    Runnable {
        file: "examples/continuous-delivery.flow",
        files: &[],
        github_event: "push",
        // `deploy-production` is `run_by operators`: dave is one.
        github_args: &["--actor", "dave", "-s", "DEPLOY_TOKEN=fake-secret-deploy-token-0123456789"],
        gitlab_args: &["--variable", "GITLAB_USER_LOGIN=dave"],
        expected: &["build", "test", "deploy-staging", "deploy-production"],
    },
    Runnable {
        file: "examples/release.flow",
        files: &[("event.json", r#"{"ref": "refs/tags/v1.4.0", "ref_name": "v1.4.0", "ref_type": "tag"}"#)],
        github_event: "push",
        github_args: &["-e", "event.json", "-s", "REGISTRY_TOKEN=fake-secret-registry-0123456789"],
        gitlab_args: &["--variable", "CI_COMMIT_TAG=v1.4.0"],
        expected: &["build", "publish"],
    },
    Runnable {
        file: "examples/runbook.flow",
        files: &[],
        github_event: "workflow_dispatch",
        github_args: &["--input", "dry_run=false", "-s", "OPS_TOKEN=fake-secret-ops-token-0123456789"],
        gitlab_args: &["--variable", "CI_PIPELINE_SOURCE=web", "--variable", "dry_run=false"],
        expected: &["plan", "restart", "report"],
    },
];

fn run_gitlab(tools: &Tools, runnable: &Runnable) {
    let (dir, _, processes) = build(&repo(runnable.file));
    let process = &processes[0];
    let mut args: Vec<String> = runnable.gitlab_args.iter().map(|s| s.to_string()).collect();
    for a in process.activities.iter().filter(|a| a.approval.is_some()) {
        args.extend(["--manual".to_string(), a.name.clone()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = tools.run_gitlab(&dir.path().join(".gitlab-ci.yml"), runnable.files, &args);
    assert_ran_in_order(&report, process, runnable.expected, |a| a.to_string());
}

fn run_github(tools: &Tools, runnable: &Runnable) {
    let (dir, _, processes) = build(&repo(runnable.file));
    let process = &processes[0];
    let workflow = dir.path().join(format!(".github/workflows/{}.yml", process.name));
    let report = tools.run_github(&workflow, runnable.github_event, runnable.files, runnable.github_args);
    assert_ran_in_order(&report, process, runnable.expected, |a| a.to_string());
}

#[test]
fn runnable_examples_run_on_gitlab() {
    let tools = Tools::require();
    assert!(RUNNABLE.len() >= 3);
    for runnable in RUNNABLE {
        run_gitlab(&tools, runnable);
    }
}

#[test]
fn runnable_examples_run_on_github() {
    let tools = Tools::require();
    assert!(RUNNABLE.len() >= 3);
    for runnable in RUNNABLE {
        run_github(&tools, runnable);
    }
}

#[test]
fn a_failing_activity_fails_the_run_on_both_targets() {
    let tools = Tools::require();
    let (dir, _, _) = build(&repo("tests/fixtures/run/failing.flow"));
    let gitlab = tools.run_gitlab(&dir.path().join(".gitlab-ci.yml"), &[], &[]);
    assert!(!gitlab.success, "GitLab run succeeded:\n{gitlab}");
    assert!(gitlab.job("build").passed);
    assert!(!gitlab.job("broken").passed);
    assert!(!gitlab.ran("after_broken"), "{gitlab}");
    let github = tools.run_github(&dir.path().join(".github/workflows/failing.yml"), "push", &[], &[]);
    assert!(!github.success, "GitHub run succeeded:\n{github}");
    assert!(github.job("build").passed);
    assert!(!github.job("broken").passed);
    assert!(!github.ran("after_broken"), "{github}");
}

#[test]
fn the_run_by_guard_admits_listed_users_and_stops_others() {
    let tools = Tools::require();
    let (dir, _, _) = build(&repo("tests/fixtures/run/guard.flow"));
    let gitlab_ci = dir.path().join(".gitlab-ci.yml");
    let admitted = tools.run_gitlab(&gitlab_ci, &[], &["--variable", "GITLAB_USER_LOGIN=dave"]);
    assert!(admitted.success && admitted.log_contains("restart", "flowc-ran: restart"), "{admitted}");
    let stopped = tools.run_gitlab(&gitlab_ci, &[], &["--variable", "GITLAB_USER_LOGIN=mallory"]);
    assert!(!stopped.success, "{stopped}");
    assert!(stopped.log_contains("restart", "mallory may not run restart"), "{stopped}");
    assert!(!stopped.log_contains("restart", "flowc-ran: restart"), "{stopped}");

    let workflow = dir.path().join(".github/workflows/guard.yml");
    let admitted = tools.run_github(&workflow, "push", &[], &["--actor", "erin"]);
    assert!(admitted.success && admitted.log_contains("restart", "flowc-ran: restart"), "{admitted}");
    let stopped = tools.run_github(&workflow, "push", &[], &["--actor", "mallory"]);
    assert!(!stopped.success, "{stopped}");
    assert!(stopped.log_contains("restart", "mallory may not run restart"), "{stopped}");
    assert!(!stopped.log_contains("restart", "flowc-ran: restart"), "{stopped}");
}

/// zizmor (offline) finds nothing in any example's workflows, under the policy that lets
/// GitHub's own actions be pinned to tags (`tests/support/zizmor.yml`).
#[test]
fn examples_pass_zizmor() {
    let tools = Tools::require();
    let config = repo("tests/support/zizmor.yml");
    let config = config.to_str().unwrap();
    let mut failures = Vec::new();
    for example in flow_files("examples").iter().chain(&flow_files("tests/fixtures/emit")) {
        let (dir, outputs, _) = build(example);
        for output in outputs.iter().filter(|o| o.path.starts_with(".github/workflows/")) {
            if let Err(e) = tools.zizmor(&dir.path().join(&output.path), &["--config", config]) {
                failures.push(format!("{} → {}:\n{e}", example.display(), output.path));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// With every action pinned in a lock file, zizmor's strictest default policy finds nothing.
#[test]
fn pinned_workflows_pass_zizmor_default_policy() {
    let tools = Tools::require();
    let lock = "actions/checkout@v5 08c6903cd8c0fde910a37f88322edcfb5dd907a8\n\
                actions/upload-artifact@v6 1111111111111111111111111111111111111111\n\
                actions/download-artifact@v7 2222222222222222222222222222222222222222\n";
    let pins = flowc::pins::Pins::parse(lock).unwrap();
    let path = repo("examples/continuous-delivery.flow");
    let mut sources = SourceMap::new();
    sources.add("continuous-delivery.flow", std::fs::read_to_string(&path).unwrap());
    let compilation = flowc::compile_pinned(&sources, &[Target::Github], &pins);
    let dir = tempfile::tempdir().unwrap();
    let workflow = compilation.outputs.iter().find(|o| o.path.starts_with(".github/workflows/")).unwrap();
    assert!(!workflow.contents.contains("@v5"), "every action is pinned:\n{}", workflow.contents);
    let file = dir.path().join("delivery.yml");
    std::fs::write(&file, &workflow.contents).unwrap();
    tools.zizmor(&file, &[]).unwrap();
    let unpinned = dir.path().join("unpinned.yml");
    let plain = flowc::compile(&sources, &[Target::Github]);
    std::fs::write(
        &unpinned,
        &plain.outputs.iter().find(|o| o.path.starts_with(".github/workflows/")).unwrap().contents,
    )
    .unwrap();
    assert!(tools.zizmor(&unpinned, &[]).is_err(), "zizmor's default policy must flag tag-pinned actions");
}
