//! Tests of the external-tool harness in `tests/support/` (validators,
//! gitlab-ci-local and act runs, and our act artifact stubs). They prove the
//! harness both passes good input and fails bad input, so later tests of
//! flowc's output can trust it.
//!
//! Needs `bash scripts/install-tools.sh` first (the tests panic otherwise).

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use support::{fake_secret, Tools};

/// Writes `contents` to `<fresh tempdir>/<name>`; keep the TempDir alive.
fn write_tmp(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new().prefix("flowc-harness-").tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

fn expect_err(result: Result<(), String>, needles: &[&str]) -> String {
    let err = match result {
        Ok(()) => panic!("expected a validation failure, got Ok"),
        Err(e) => e,
    };
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in:\n{err}");
    }
    err
}

// ---------------------------------------------------------------------------
// GitHub: static validation

const GH_VALID: &str = r#"name: harness-valid
"on":
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      target:
        type: choice
        options: [staging, production]
        default: staging
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v5
        with:
          persist-credentials: false
      - run: |
          mkdir -p dist
          echo built > dist/out.txt
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo testing
  deploy:
    needs: [build, test]
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    env:
      TARGET: ${{ inputs.target }}
    steps:
      - run: echo "deploying to $TARGET"
"#;

#[test]
fn github_valid_workflow_passes_all_checks() {
    let tools = Tools::require();
    let (_d, wf) = write_tmp("valid.yml", GH_VALID);
    tools.validate_github(&wf).expect("valid workflow");
    tools.yamllint(&wf).expect("yamllint");
}

#[test]
fn github_unknown_job_key_fails_both_validators() {
    let tools = Tools::require();
    let bad = GH_VALID.replace("    timeout-minutes: 10\n", "    timeout: 10\n");
    let (_d, wf) = write_tmp("bad-key.yml", &bad);
    // Schema check and actionlint both report it.
    expect_err(
        tools.validate_github(&wf),
        &["check-jsonschema", "'timeout' was unexpected", "actionlint", "unexpected key \"timeout\""],
    );
}

#[test]
fn github_needs_on_missing_job_fails() {
    let tools = Tools::require();
    let bad = GH_VALID.replace("    needs: build\n", "    needs: biuld\n");
    let (_d, wf) = write_tmp("bad-needs.yml", &bad);
    // Only actionlint knows about job graphs; the schema accepts it.
    let err = expect_err(tools.validate_github(&wf), &["needs job \"biuld\" which does not exist"]);
    assert!(!err.contains("check-jsonschema"), "schema should accept it:\n{err}");
}

#[test]
fn github_shellcheck_is_really_active() {
    let tools = Tools::require();
    let bad =
        GH_VALID.replace("      - run: echo testing\n", "      - run: for f in $(ls *.txt); do echo \"$f\"; done\n");
    let (_d, wf) = write_tmp("bad-shell.yml", &bad);
    expect_err(tools.validate_github(&wf), &["SC2045", "[shellcheck]"]);
}

#[test]
fn yamllint_rejects_duplicate_keys_and_accepts_bare_on() {
    let tools = Tools::require();
    let bare_on = GH_VALID.replace("\"on\":", "on:");
    let (_d, ok) = write_tmp("bare-on.yml", &bare_on);
    tools.yamllint(&ok).expect("bare `on:` is allowed by our config");
    let dup = GH_VALID.replace("  test:\n", "  build:\n");
    let (_d2, bad) = write_tmp("dup.yml", &dup);
    expect_err(tools.yamllint(&bad), &["key-duplicates"]);
}

// ---------------------------------------------------------------------------
// GitLab: static validation

const GL_VALID: &str = r#"stages: [build, test, deploy]
variables:
  GREETING: hello
build:
  stage: build
  script:
    - mkdir -p dist
    - echo "$GREETING" > dist/out.txt
  artifacts:
    paths: [dist/]
test:
  stage: test
  needs: [build]
  script:
    - cat dist/out.txt
deploy:
  stage: deploy
  needs: [build, test]
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
  script:
    - echo deploy
"#;

#[test]
fn gitlab_valid_pipeline_passes_all_checks() {
    let tools = Tools::require();
    let (_d, f) = write_tmp(".gitlab-ci.yml", GL_VALID);
    tools.validate_gitlab(&f).expect("valid pipeline");
    tools.yamllint(&f).expect("yamllint");
}

#[test]
fn gitlab_unknown_job_key_fails() {
    let tools = Tools::require();
    let bad = GL_VALID.replace("  script:\n    - cat dist/out.txt\n", "  scripts:\n    - cat dist/out.txt\n");
    let (_d, f) = write_tmp(".gitlab-ci.yml", &bad);
    expect_err(tools.validate_gitlab(&f), &["check-jsonschema", "'scripts' was unexpected"]);
}

#[test]
fn gitlab_needs_on_missing_job_fails() {
    let tools = Tools::require();
    let bad = GL_VALID.replace("needs: [build]\n", "needs: [biuld]\n");
    let (_d, f) = write_tmp(".gitlab-ci.yml", &bad);
    // The schema accepts it; gitlab-ci-local catches it.
    let err = expect_err(tools.validate_gitlab(&f), &["gitlab-ci-local", "needs: [biuld] for test could not be found"]);
    assert!(!err.contains("check-jsonschema"), "schema should accept it:\n{err}");
}

// ---------------------------------------------------------------------------
// GitLab: real runs with gitlab-ci-local

const GL_ABC: &str = r#"stages: [build, test, deploy]
a:
  stage: build
  script:
    - mkdir -p out
    - echo "payload from a" > out/data.txt
    - cat input.txt
  artifacts:
    paths: [out/]
b:
  stage: test
  needs: [a]
  script:
    - echo "b sees $MODE"
m:
  stage: test
  needs: []
  parallel:
    matrix:
      - OS: [lin, win]
  script:
    - echo "leg $OS"
c:
  stage: deploy
  needs: [a, b]
  script:
    - cat out/data.txt
manual-deploy:
  stage: deploy
  when: manual
  script:
    - echo manual
"#;

#[test]
fn gitlab_run_passes_artifacts_in_order() {
    let tools = Tools::require();
    let (_d, f) = write_tmp(".gitlab-ci.yml", GL_ABC);
    tools.validate_gitlab(&f).expect("valid");
    let r = tools.run_gitlab(&f, &[("input.txt", "input file content\n")], &["--variable", "MODE=fast"]);
    assert!(r.success, "{r}");
    assert!(r.ran_before("a", "b"), "{r}");
    assert!(r.ran_before("b", "c"), "{r}");
    assert!(r.ran_before("a", "c"), "{r}");
    assert!(r.log_contains("a", "input file content"), "{r}");
    assert!(r.log_contains("b", "b sees fast"), "{r}");
    assert!(r.log_contains("c", "payload from a"), "{r}");
    // Job output is attributed to the right job only.
    assert!(!r.log_contains("b", "payload from a"), "{r}");
    assert!(r.job("c").passed);
    // Matrix legs as gitlab-ci-local prints them.
    let legs: Vec<&str> = r.legs("m").iter().map(|j| j.name.as_str()).collect();
    assert_eq!(legs.len(), 2, "{r}");
    assert!(r.ran("m: [lin]") && r.ran("m: [win]"), "{r}");
    assert!(r.log_contains("m: [win]", "leg win"), "{r}");
    // Manual jobs do not run unless asked for.
    assert!(!r.ran("manual-deploy"), "{r}");
}

#[test]
fn gitlab_run_manual_job_on_request() {
    let tools = Tools::require();
    let (_d, f) = write_tmp(".gitlab-ci.yml", GL_ABC);
    let r = tools.run_gitlab(&f, &[("input.txt", "x\n")], &["--manual", "manual-deploy"]);
    assert!(r.success, "{r}");
    assert!(r.job("manual-deploy").passed, "{r}");
}

const GL_FAILING: &str = r#"stages: [build, test, deploy]
a:
  stage: build
  script:
    - echo "a is failing"
    - exit 3
flaky:
  stage: build
  allow_failure: true
  script:
    - exit 4
b:
  stage: test
  needs: [a]
  script:
    - echo b
c:
  stage: deploy
  script:
    - echo c
"#;

#[test]
fn gitlab_run_failure_stops_dependents() {
    let tools = Tools::require();
    let (_d, f) = write_tmp(".gitlab-ci.yml", GL_FAILING);
    let r = tools.run_gitlab(&f, &[], &[]);
    assert!(!r.success, "{r}");
    assert_eq!(r.exit_code, Some(1), "{r}");
    let a = r.job("a");
    assert!(!a.passed && !a.allowed_failure, "{r}");
    assert!(a.finished != usize::MAX, "{r}");
    assert!(r.log_contains("a", "a is failing"), "{r}");
    let flaky = r.job("flaky");
    assert!(!flaky.passed && flaky.allowed_failure, "{r}");
    assert!(!r.ran("b"), "{r}");
    assert!(!r.ran("c"), "{r}");
}

// ---------------------------------------------------------------------------
// GitHub: real runs with act and our artifact stubs

const GH_ABC: &str = r#"name: harness-abc
"on":
  push:
  workflow_dispatch:
    inputs:
      target:
        type: string
        default: staging
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          persist-credentials: false
      - run: |
          cat input.txt
          mkdir -p out
          echo "payload from a" > out/data.txt
          tar -cf "${{ runner.temp }}/flowc-artifact-app.tar" out
      - uses: actions/upload-artifact@v6
        with: {name: app, path: "${{ runner.temp }}/flowc-artifact-app.tar", if-no-files-found: error}
  b:
    needs: a
    runs-on: ubuntu-latest
    env:
      TOKEN: ${{ secrets.DEPLOY_TOKEN }}
      TARGET: ${{ inputs.target || 'none' }}
    steps:
      - run: |
          echo "token is $TOKEN"
          echo "target is $TARGET"
  m:
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest]
        tool: [stable]
    runs-on: ${{ matrix.os }}
    steps:
      - run: echo "leg ${{ matrix.os }}"
  c:
    needs: [a, b]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v7
        with: {name: app, path: "${{ runner.temp }}/flowc-artifacts/app"}
      - run: |
          test ! -e out/data.txt
          tar -xf "${{ runner.temp }}/flowc-artifacts/app/flowc-artifact-app.tar"
          cat out/data.txt
"#;

#[test]
fn github_run_passes_artifacts_in_order() {
    let tools = Tools::require();
    let (_d, wf) = write_tmp("abc.yml", GH_ABC);
    tools.validate_github(&wf).expect("valid");
    let secret = format!("DEPLOY_TOKEN={}", fake_secret("DEPLOY_TOKEN"));
    let r = tools.run_github(
        &wf,
        "workflow_dispatch",
        &[("input.txt", "input file content\n")],
        &["-s", &secret, "--input", "target=production"],
    );
    assert!(r.success, "{r}");
    assert!(r.ran_before("a", "b"), "{r}");
    assert!(r.ran_before("b", "c"), "{r}");
    assert!(r.log_contains("a", "input file content"), "{r}");
    assert!(r.log_contains("b", "token is ***"), "secret masked: {r}");
    assert!(!r.log.contains(&fake_secret("DEPLOY_TOKEN")), "{r}");
    assert!(r.log_contains("b", "target is production"), "{r}");
    assert!(r.log_contains("c", "payload from a"), "{r}");
    assert!(!r.log_contains("b", "payload from a"), "{r}");
    // The artifact really went through the stub's store.
    let store = r.artifacts_dir.as_ref().unwrap();
    assert!(store.join("app/flowc-artifact-app.tar").is_file(), "{r}");
    // Matrix legs: "id (key=value, ...)", keys sorted.
    let legs: Vec<&str> = r.legs("m").iter().map(|j| j.name.as_str()).collect();
    assert_eq!(legs.len(), 2, "{r}");
    assert!(r.ran("m (os=macos-latest, tool=stable)"), "{r}");
    assert!(r.log_contains("m (os=ubuntu-latest, tool=stable)", "leg ubuntu-latest"), "{r}");
    assert_eq!(r.jobs_matching("m (").len(), 2, "{r}");
}

const GH_FAILING: &str = r#"name: harness-failing
"on": push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "::error::a broke"
          echo "a is failing"
          exit 3
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: echo b
  report:
    needs: a
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "a was ${{ needs.a.result }}"
  skipped:
    if: github.event_name == 'schedule'
    runs-on: ubuntu-latest
    steps:
      - run: echo never
"#;

#[test]
fn github_run_failure_stops_dependents() {
    let tools = Tools::require();
    let (_d, wf) = write_tmp("failing.yml", GH_FAILING);
    tools.validate_github(&wf).expect("valid");
    let r = tools.run_github(&wf, "push", &[], &[]);
    assert!(!r.success, "{r}");
    let a = r.job("a");
    assert!(!a.passed && a.finished != usize::MAX, "{r}");
    assert!(r.log_contains("a", "a is failing"), "{r}");
    assert!(r.log_contains("a", "::error::a broke"), "{r}");
    assert!(!r.ran("b"), "{r}");
    assert!(!r.ran("skipped"), "{r}");
    assert!(r.ran_before("a", "report"), "{r}");
    assert!(r.log_contains("report", "a was failure"), "{r}");
}

const GH_STUBS: &str = r#"name: harness-stubs
"on": push
jobs:
  tree:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p dist/sub dist/other
          echo one > dist/sub/one.txt
          echo two > dist/other/two.log
          echo hidden > dist/.hidden
          mkdir -p "my dir"
          echo spaced > "my dir/a b.txt"
      - uses: actions/upload-artifact@v6
        with:
          name: tree
          path: dist/
      - uses: actions/upload-artifact@v6
        with:
          name: spaced
          path: my dir/*.txt
      - uses: actions/upload-artifact@v6
        with:
          name: txt-only
          path: |
            dist/**/*.txt
            !dist/other/**
  fetch:
    needs: tree
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v7
        with:
          name: tree
          path: got
      - run: |
          test -f got/sub/one.txt
          test -f got/other/two.log
          test ! -e got/.hidden
          test ! -e got/dist
      - uses: actions/download-artifact@v7
        with:
          path: all
      - run: |
          test -f all/tree/sub/one.txt
          test -f all/txt-only/sub/one.txt
          test ! -e all/txt-only/other
          test -f "all/spaced/a b.txt"
          echo stub-layout-ok
  missing-upload:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/upload-artifact@v6
        with:
          name: ghost
          path: ${{ runner.temp }}/does-not-exist.tar
          if-no-files-found: error
  missing-upload-warn:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/upload-artifact@v6
        with:
          name: ghost-warn
          path: ${{ runner.temp }}/does-not-exist.tar
  duplicate:
    needs: tree
    runs-on: ubuntu-latest
    steps:
      - run: echo again > again.txt
      - uses: actions/upload-artifact@v6
        with:
          name: tree
          path: again.txt
  missing-download:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v7
        with:
          name: never-uploaded
          path: x
"#;

#[test]
fn github_artifact_stubs_behave_like_the_real_actions() {
    let tools = Tools::require();
    let (_d, wf) = write_tmp("stubs.yml", GH_STUBS);
    tools.validate_github(&wf).expect("valid");
    let r = tools.run_github(&wf, "push", &[], &[]);
    assert!(!r.success, "some jobs are meant to fail: {r}");
    assert!(r.job("tree").passed, "{r}");
    assert!(r.job("fetch").passed, "{r}");
    assert!(r.log_contains("fetch", "stub-layout-ok"), "{r}");
    let missing = r.job("missing-upload");
    assert!(!missing.passed, "if-no-files-found: error must fail: {r}");
    assert!(missing.output.contains("No files were found"), "{r}");
    assert!(r.job("missing-upload-warn").passed, "default is warn: {r}");
    assert!(r.log_contains("missing-upload-warn", "::warning::No files were found"), "{r}");
    assert!(!r.job("duplicate").passed, "same name twice must fail: {r}");
    assert!(r.log_contains("duplicate", "already uploaded"), "{r}");
    assert!(!r.job("missing-download").passed, "{r}");
    assert!(r.log_contains("missing-download", "Artifact not found for name: never-uploaded"), "{r}");
}

#[test]
fn github_unmapped_runner_label_is_a_failure_not_a_silent_skip() {
    let tools = Tools::require();
    let wf_text = r#"name: harness-labels
"on": push
jobs:
  custom:
    runs-on: [self-hosted, gpu-box]
    steps:
      - run: echo "custom label ran"
  dynamic:
    runs-on: ${{ github.event.inputs.runner || 'strange-runner' }}
    steps:
      - run: echo never
"#;
    let (_d, wf) = write_tmp("labels.yml", wf_text);
    let r = tools.run_github(&wf, "push", &[], &[]);
    // Literal labels are mapped to the host...
    assert!(r.log_contains("custom", "custom label ran"), "{r}");
    // ...but a label computed by an expression is not, and act would skip it
    // with exit 0: the harness reports that as a failure.
    assert!(!r.success, "{r}");
    assert!(r.skipped_platforms.iter().any(|s| s.starts_with("dynamic")), "{r}");
}

#[test]
fn github_steps_see_no_tty_like_on_github() {
    let tools = Tools::require();
    let wf_text = r#"name: harness-tty
"on": push
jobs:
  tty:
    runs-on: ubuntu-latest
    steps:
      - run: |
          if [ -t 1 ]; then echo "stdout is a tty"; else echo "stdout is not a tty"; fi
"#;
    let (_d, wf) = write_tmp("tty.yml", wf_text);
    let r = tools.run_github(&wf, "push", &[], &[]);
    assert!(r.success, "{r}");
    // On root machines act runs without ptys (see Tools::act_command), which
    // also keeps the output of failing steps from being lost.
    let expected = if support::no_pty_available() { "stdout is not a tty" } else { "stdout is a tty" };
    assert!(r.log_contains("tty", expected), "{r}");
}

#[test]
#[should_panic(expected = "fake_secret")]
fn github_short_secrets_are_refused() {
    let tools = Tools::require();
    let (_d, wf) = write_tmp("failing.yml", GH_FAILING);
    tools.run_github(&wf, "push", &[], &["-s", "TOKEN=y"]);
}

// ---------------------------------------------------------------------------
// The time box

#[test]
fn exec_time_box_kills_the_whole_process_group() {
    let marker = tempfile::tempdir().unwrap();
    let flag = marker.path().join("survived");
    let script = format!("(sleep 3; touch '{}') & sleep 30", flag.display());
    let start = Instant::now();
    let r = support::exec(Command::new("bash").arg("-c").arg(&script), Duration::from_millis(300), true);
    assert!(r.timed_out);
    assert!(start.elapsed() < Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(3500));
    assert!(!flag.exists(), "background child survived the kill");
}
