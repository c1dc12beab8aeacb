//! Test support: real external validators and runners for flowc's output.
//!
//! Used by integration tests as `mod support;`. The tools are installed by
//! `bash scripts/install-tools.sh` into `<repo>/.tools` (or `$FLOWC_TOOLS`).
//! [`Tools::require`] panics (never skips) when anything is missing.
//!
//! * Static checks: [`Tools::validate_github`], [`Tools::validate_gitlab`],
//!   [`Tools::yamllint`], [`Tools::zizmor`].
//! * Real runs: [`Tools::run_gitlab`] (gitlab-ci-local, shell executor) and
//!   [`Tools::run_github`] (act, host mode, with our artifact stubs from
//!   `tests/support/act-stubs/`). Both run in a scratch git repo under the
//!   system temp dir and are killed after [`RUN_TIMEOUT`].
//!
//! Set `FLOWC_KEEP_SCRATCH=1` to keep the scratch directories of runs for
//! debugging (their paths are printed in the report).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A run (act or gitlab-ci-local) is killed after this long.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(300);
/// A static validator is killed after this long.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(120);

/// Exact refs flowc emits; act maps them to our local stubs.
pub const UPLOAD_ARTIFACT_REF: &str = "actions/upload-artifact@v6";
pub const DOWNLOAD_ARTIFACT_REF: &str = "actions/download-artifact@v7";

/// Secrets shorter than this make act mask single letters all over the log.
pub const MIN_SECRET_LEN: usize = 16;

const INSTALL_HINT: &str = "run `bash scripts/install-tools.sh` from the repo root \
     (it installs the pinned validators into .tools/, or into $FLOWC_TOOLS when set)";

const PY_BINS: &[&str] = &["check-jsonschema", "actionlint", "shellcheck", "yamllint", "zizmor", "act"];
const GITLAB_CI_LOCAL: &str = "npm/node_modules/.bin/gitlab-ci-local";

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A long, obviously fake secret value for `-s NAME=VALUE` (see [`MIN_SECRET_LEN`]).
pub fn fake_secret(name: &str) -> String {
    format!("fake-secret-{}-0123456789abcdef", name.to_ascii_lowercase())
}

/// Handle on the installed tools.
#[derive(Debug, Clone)]
pub struct Tools {
    root: PathBuf,
}

impl Tools {
    /// Finds the tools under `$FLOWC_TOOLS` or `<repo>/.tools`; panics with a
    /// clear message naming `scripts/install-tools.sh` if anything is missing.
    /// Never skips.
    pub fn require() -> Tools {
        let root = match std::env::var_os("FLOWC_TOOLS") {
            Some(p) if !p.is_empty() => {
                let p = PathBuf::from(p);
                if p.is_absolute() {
                    p
                } else {
                    repo_root().join(p)
                }
            }
            _ => repo_root().join(".tools"),
        };
        let tools = Tools { root };
        let mut missing = Vec::new();
        for b in PY_BINS {
            let p = tools.py(b);
            if !is_executable(&p) {
                missing.push(p.display().to_string());
            }
        }
        let gcl = tools.root.join(GITLAB_CI_LOCAL);
        if !is_executable(&gcl) {
            missing.push(gcl.display().to_string());
        }
        for prog in ["rsync", "git", "node"] {
            if find_on_path(prog).is_none() {
                missing.push(format!("`{prog}` on PATH"));
            }
        }
        if !missing.is_empty() {
            panic!("external test tools are missing:\n  - {}\n{}", missing.join("\n  - "), INSTALL_HINT);
        }
        tools
    }

    /// The tools directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Path of a binary in the Python venv (`.tools/py/bin/<name>`).
    pub fn py(&self, name: &str) -> PathBuf {
        self.root.join("py/bin").join(name)
    }

    /// Path of gitlab-ci-local.
    pub fn gitlab_ci_local(&self) -> PathBuf {
        self.root.join(GITLAB_CI_LOCAL)
    }

    /// check-jsonschema (vendored SchemaStore schema) + actionlint with
    /// shellcheck pinned by path and pyflakes off. `Err` carries the text of
    /// all findings of both tools.
    pub fn validate_github(&self, workflow: &Path) -> Result<(), String> {
        let workflow = absolute(workflow);
        let mut problems = Vec::new();
        if let Err(e) = self.check_jsonschema("vendor.github-workflows", &workflow) {
            problems.push(e);
        }

        // Flags must come before the files: Go's flag parsing stops at the
        // first positional argument. A wrong -shellcheck path silently
        // disables the rule, so run -verbose and look for that.
        let shellcheck = self.py("shellcheck");
        let mut cmd = Command::new(self.py("actionlint"));
        cmd.arg("-no-color")
            .arg("-oneline")
            .arg("-verbose")
            .arg(format!("-shellcheck={}", shellcheck.display()))
            .arg("-pyflakes=")
            .arg(&workflow);
        let r = exec(&mut cmd, CHECK_TIMEOUT, false);
        if let Some(line) = r.err.lines().find(|l| l.contains("Rule \"shellcheck\" was disabled")) {
            problems.push(format!("actionlint: shellcheck integration is disabled ({line}); {INSTALL_HINT}"));
        }
        if r.timed_out || r.code != Some(0) {
            let findings: Vec<&str> = r
                .out
                .lines()
                .chain(r.err.lines().filter(|l| !l.starts_with("verbose:")))
                .filter(|l| !l.trim().is_empty())
                .collect();
            problems.push(format!("actionlint ({}):\n{}", r.status(), indent(&findings.join("\n"))));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }

    /// check-jsonschema (GitLab's own schema, vendored) + gitlab-ci-local
    /// `--list-all` and `--validate-dependency-chain`, run in a scratch git
    /// repo (gitlab-ci-local writes `.gitlab-ci-local/` state into its cwd).
    pub fn validate_gitlab(&self, gitlab_ci: &Path) -> Result<(), String> {
        let gitlab_ci = absolute(gitlab_ci);
        let mut problems = Vec::new();
        if let Err(e) = self.check_jsonschema("vendor.gitlab-ci", &gitlab_ci) {
            problems.push(e);
        }
        let content = read(&gitlab_ci);
        let scratch = Scratch::new("flowc-gcl-check-");
        scratch.write_files(&[(".gitlab-ci.yml", content.as_str())]);
        scratch.git_init("https://gitlab.example.invalid/flowc/generated.git");
        for mode in ["--list-all", "--validate-dependency-chain"] {
            let mut cmd = Command::new(self.gitlab_ci_local());
            cmd.current_dir(&scratch.repo).arg("--color=false").arg("--home").arg(&scratch.home).arg(mode);
            let r = exec(&mut cmd, CHECK_TIMEOUT, true);
            if r.timed_out || r.code != Some(0) {
                problems.push(format!("gitlab-ci-local {mode} ({}):\n{}", r.status(), indent(r.out.trim_end())));
                break;
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }

    /// yamllint in strict mode (`-s`: warnings fail too) with
    /// `tests/support/yamllint.yml`.
    pub fn yamllint(&self, file: &Path) -> Result<(), String> {
        let config = repo_root().join("tests/support/yamllint.yml");
        let mut cmd = Command::new(self.py("yamllint"));
        cmd.arg("-s").arg("-f").arg("parsable").arg("-c").arg(&config).arg(absolute(file));
        let r = exec(&mut cmd, CHECK_TIMEOUT, true);
        if r.timed_out || r.code != Some(0) {
            Err(format!("yamllint ({}):\n{}", r.status(), indent(r.out.trim_end())))
        } else {
            Ok(())
        }
    }

    /// zizmor, offline, with `--strict-collection` (otherwise schema-invalid
    /// workflows are silently skipped). Without `--config` in `extra_args`,
    /// `--no-config` is passed so no stray zizmor.yml gets picked up.
    /// `Err` carries the findings (plain format).
    pub fn zizmor(&self, workflow: &Path, extra_args: &[&str]) -> Result<(), String> {
        let mut cmd = Command::new(self.py("zizmor"));
        cmd.args(["--offline", "--strict-collection", "--no-progress", "--color", "never", "--format", "plain"]);
        if !extra_args.iter().any(|a| *a == "--config" || a.starts_with("--config=")) {
            cmd.arg("--no-config");
        }
        cmd.args(extra_args).arg(absolute(workflow));
        let r = exec(&mut cmd, CHECK_TIMEOUT, true);
        if r.timed_out || r.code != Some(0) {
            Err(format!("zizmor ({}):\n{}", r.status(), indent(r.out.trim_end())))
        } else {
            Ok(())
        }
    }

    /// Runs the pipeline for real with gitlab-ci-local (shell executor,
    /// `--shell-isolation`, `--no-artifacts-to-source`) in a scratch git repo
    /// holding `files` (relative path -> contents) and the `.gitlab-ci.yml`.
    /// `args` are extra arguments such as `["--variable", "K=V"]` or
    /// `["--manual", "job"]`.
    pub fn run_gitlab(&self, gitlab_ci: &Path, files: &[(&str, &str)], args: &[&str]) -> RunReport {
        let content = read(&absolute(gitlab_ci));
        let scratch = Scratch::new("flowc-gcl-run-");
        scratch.write_files(files);
        scratch.write_files(&[(".gitlab-ci.yml", content.as_str())]);
        scratch.git_init("https://gitlab.example.invalid/flowc/generated.git");

        let mut cmd = Command::new(self.gitlab_ci_local());
        cmd.current_dir(&scratch.repo)
            .arg("--color=false")
            .arg("--home")
            .arg(&scratch.home)
            .arg("--shell-isolation")
            .arg("--no-artifacts-to-source")
            .arg("--max-job-name-padding")
            .arg("0")
            .args(args);
        let r = exec(&mut cmd, RUN_TIMEOUT, true);
        let mut report = parse_gitlab_log(&r.out);
        report.exit_code = r.code;
        report.timed_out = r.timed_out;
        report.success = r.code == Some(0) && !r.timed_out;
        if r.timed_out {
            report.log.push_str(&format!("\n[harness] gitlab-ci-local killed after {} s\n", RUN_TIMEOUT.as_secs()));
        }
        report.workdir = scratch.root.path().to_path_buf();
        report.scratch = scratch.finish();
        report
    }

    /// Runs one workflow with act in host mode for `event` ("push",
    /// "workflow_dispatch", ...) in a scratch git repo holding `files` and the
    /// workflow under `.github/workflows/`.
    ///
    /// Every `runs-on` label found in the workflow (plus the usual
    /// ubuntu/macos/windows ones) is mapped to `-self-hosted`; the artifact
    /// actions are mapped to our stubs; `ACT_STUB_ARTIFACTS` points at a fresh
    /// directory (see [`RunReport::artifacts_dir`]). `args` are extra act
    /// arguments, e.g. `["--input", "target=prod", "-s", "TOKEN=<long>"]`;
    /// secret values must be at least [`MIN_SECRET_LEN`] long (use
    /// [`fake_secret`]), because act masks every occurrence of a secret's
    /// value in the log.
    pub fn run_github(&self, workflow: &Path, event: &str, files: &[(&str, &str)], args: &[&str]) -> RunReport {
        check_secret_args(args);
        let workflow = absolute(workflow);
        let content = read(&workflow);
        let file_name = workflow.file_name().and_then(OsStr::to_str).unwrap_or("workflow.yml").to_string();
        let wf_rel = format!(".github/workflows/{file_name}");

        let scratch = Scratch::new("flowc-act-run-");
        scratch.write_files(files);
        scratch.write_files(&[(wf_rel.as_str(), content.as_str())]);
        scratch.git_init("https://github.invalid/flowc/generated.git");
        let artifacts = scratch.root.path().join("artifacts");
        let act_cache = scratch.root.path().join("act-cache");
        fs::create_dir_all(&artifacts).expect("create artifacts dir");
        fs::create_dir_all(&act_cache).expect("create act cache dir");
        let none = scratch.root.path().join("none");
        let stubs = repo_root().join("tests/support/act-stubs");

        let mut cmd = self.act_command();
        cmd.current_dir(&scratch.repo)
            .arg(event)
            .arg("-W")
            .arg(&wf_rel)
            .arg("--json")
            .arg("--no-cache-server")
            .arg("--action-cache-path")
            .arg(&act_cache)
            // Keep stray .env/.secrets/.vars/.input files out of the run.
            .arg("--env-file")
            .arg(none.join("env"))
            .arg("--secret-file")
            .arg(none.join("secrets"))
            .arg("--var-file")
            .arg(none.join("vars"))
            .arg("--input-file")
            .arg(none.join("input"))
            .arg("--local-repository")
            .arg(format!("{UPLOAD_ARTIFACT_REF}={}", stubs.join("upload-artifact").display()))
            .arg("--local-repository")
            .arg(format!("{DOWNLOAD_ARTIFACT_REF}={}", stubs.join("download-artifact").display()))
            .arg("--env")
            .arg(format!("ACT_STUB_ARTIFACTS={}", artifacts.display()));
        for label in runner_labels(&content) {
            cmd.arg("-P").arg(format!("{label}=-self-hosted"));
        }
        cmd.args(args);
        let r = exec(&mut cmd, RUN_TIMEOUT, true);
        let mut report = parse_act_log(&r.out);
        report.exit_code = r.code;
        report.timed_out = r.timed_out;
        report.success = r.code == Some(0) && !r.timed_out && report.skipped_platforms.is_empty();
        if r.timed_out {
            report.log.push_str(&format!("\n[harness] act killed after {} s\n", RUN_TIMEOUT.as_secs()));
        }
        if !no_pty_available() {
            report.log.push_str(
                "\n[harness] act ran with ptys (no root/unshare): the last output of a failing step may be missing\n",
            );
        }
        if !report.skipped_platforms.is_empty() {
            report.log.push_str(&format!(
                "\n[harness] act silently skipped jobs on unmapped runner labels: {}\n",
                report.skipped_platforms.join(", ")
            ));
        }
        report.workdir = scratch.root.path().to_path_buf();
        report.artifacts_dir = Some(artifacts);
        report.scratch = scratch.finish();
        report
    }

    /// The command that starts act.
    ///
    /// act's host mode runs each step on a pseudo-terminal and, when a step
    /// fails, returns without waiting for the pty reader: the last lines a
    /// failing step printed (often its error message) are sometimes lost
    /// (measured: 7 of 270 messages under parallel load). When we may, act
    /// therefore runs in a private mount namespace where /dev/ptmx is
    /// /dev/null, so opening a pty fails and act falls back to plain pipes,
    /// which it waits for. Steps then see no TTY, as on GitHub's runners.
    pub fn act_command(&self) -> Command {
        if no_pty_available() {
            let mut cmd = Command::new("unshare");
            cmd.args(["-m", "--propagation", "private", "sh", "-c"])
                .arg("mount --bind /dev/null /dev/ptmx && exec \"$@\"")
                .arg("act-no-pty")
                .arg(self.py("act"));
            cmd
        } else {
            Command::new(self.py("act"))
        }
    }

    fn check_jsonschema(&self, schema: &str, file: &Path) -> Result<(), String> {
        let mut cmd = Command::new(self.py("check-jsonschema"));
        cmd.arg("--color").arg("never").arg("--builtin-schema").arg(schema);
        if schema == "vendor.gitlab-ci" {
            // GitLab's `!reference [job, key]` tag, which a plain YAML loader refuses.
            cmd.arg("--data-transform").arg("gitlab-ci");
        }
        cmd.arg(file);
        let r = exec(&mut cmd, CHECK_TIMEOUT, true);
        if r.timed_out || r.code != Some(0) {
            Err(format!("check-jsonschema {schema} ({}):\n{}", r.status(), indent(r.out.trim_end())))
        } else {
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------
// Run reports

/// The outcome of a real pipeline/workflow run.
pub struct RunReport {
    /// The tool exited 0 (and, for act, no job was skipped for an unmapped label).
    pub success: bool,
    /// Everything the tool printed (stdout and stderr interleaved). For act the
    /// JSON records are rendered one per entry as `[job] message`.
    pub log: String,
    /// Jobs that started, in order of starting.
    pub jobs: Vec<JobRun>,
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    /// Where the scratch repo lived (kept only with FLOWC_KEEP_SCRATCH=1, or
    /// while this report is alive).
    pub workdir: PathBuf,
    /// act only: the directory the artifact stubs stored artifacts in.
    pub artifacts_dir: Option<PathBuf>,
    /// act only: "job: message" for each job skipped by "unsupported platform".
    pub skipped_platforms: Vec<String>,
    scratch: Option<tempfile::TempDir>,
}

/// One job (or one matrix leg) seen in a run.
#[derive(Debug, Clone)]
pub struct JobRun {
    /// GitLab: the job name as in the YAML (matrix legs as printed, e.g.
    /// `build: [linux]`). act: the job id; matrix legs are `id (k=v, k2=v2)`
    /// with keys sorted.
    pub name: String,
    /// Sequence number (line/record index in the tool's output) of the start.
    pub started: usize,
    /// Sequence number of the finish; `usize::MAX` if it never finished.
    pub finished: usize,
    /// The job succeeded (GitLab: PASS; an allowed failure is not a pass).
    pub passed: bool,
    /// GitLab: the job failed but had `allow_failure` (WARN).
    pub allowed_failure: bool,
    /// The text the job's own scripts printed (plus workflow commands such as
    /// `::error::` for act), one line per output line.
    pub output: String,
    /// act only: the matrix values of this leg.
    pub matrix: BTreeMap<String, String>,
}

impl RunReport {
    fn empty() -> RunReport {
        RunReport {
            success: false,
            log: String::new(),
            jobs: Vec::new(),
            exit_code: None,
            timed_out: false,
            workdir: PathBuf::new(),
            artifacts_dir: None,
            skipped_platforms: Vec::new(),
            scratch: None,
        }
    }

    /// The job with exactly this name; panics listing the jobs seen and the log.
    pub fn job(&self, name: &str) -> &JobRun {
        match self.jobs.iter().find(|j| j.name == name) {
            Some(j) => j,
            None => panic!("job {name:?} did not run.\n{self}"),
        }
    }

    /// All jobs whose name starts with `prefix`.
    pub fn jobs_matching(&self, prefix: &str) -> Vec<&JobRun> {
        self.jobs.iter().filter(|j| j.name.starts_with(prefix)).collect()
    }

    /// The job `base` itself plus its matrix legs (`base (..)` for act,
    /// `base: [..]` for GitLab).
    pub fn legs(&self, base: &str) -> Vec<&JobRun> {
        self.jobs
            .iter()
            .filter(|j| {
                j.name == base
                    || j.name.strip_prefix(base).is_some_and(|rest| rest.starts_with(" (") || rest.starts_with(": ["))
            })
            .collect()
    }

    /// `a` finished before `b` started (both must have run).
    pub fn ran_before(&self, a: &str, b: &str) -> bool {
        let (ja, jb) = (self.job(a), self.job(b));
        ja.finished < jb.started
    }

    /// The job started.
    pub fn ran(&self, name: &str) -> bool {
        self.jobs.iter().any(|j| j.name == name)
    }

    /// The text printed by that job contains `needle` (panics if the job did
    /// not run).
    pub fn log_contains(&self, job: &str, needle: &str) -> bool {
        self.job(job).output.contains(needle)
    }

    /// Names of the jobs seen, in start order.
    pub fn job_names(&self) -> Vec<&str> {
        self.jobs.iter().map(|j| j.name.as_str()).collect()
    }
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "run: success={} exit={:?} timed_out={} workdir={}",
            self.success,
            self.exit_code,
            self.timed_out,
            self.workdir.display()
        )?;
        writeln!(f, "jobs seen:")?;
        for j in &self.jobs {
            let fin = if j.finished == usize::MAX { "never".to_string() } else { j.finished.to_string() };
            writeln!(
                f,
                "  {:<30} started={:<4} finished={:<5} passed={}{}",
                j.name,
                j.started,
                fin,
                j.passed,
                if j.allowed_failure { " (allowed failure)" } else { "" }
            )?;
        }
        writeln!(f, "----- log -----\n{}----- end of log -----", self.log)
    }
}

impl fmt::Debug for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Parses gitlab-ci-local's plain output (`--color=false --max-job-name-padding 0`):
///
/// ```text
/// build starting shell (build)
/// build $ make
/// build > compiled
/// build finished in 75 ms
/// test finished in 54 ms  FAIL 3
/// lint finished in 49 ms  WARN 4
/// ```
fn parse_gitlab_log(out: &str) -> RunReport {
    let mut report = RunReport::empty();
    report.log = out.to_string();
    for (i, line) in out.lines().enumerate() {
        // Lines printed by a known job's script never define a job.
        if let Some(j) = report
            .jobs
            .iter_mut()
            .find(|j| line.starts_with(&format!("{} > ", j.name)) || line == format!("{} >", j.name))
        {
            let text = line[j.name.len()..].trim_start_matches(' ');
            let text = text.strip_prefix('>').unwrap_or(text);
            let text = text.strip_prefix(' ').unwrap_or(text);
            j.output.push_str(text);
            j.output.push('\n');
            continue;
        }
        if let Some(name) = gitlab_start(line) {
            if !report.jobs.iter().any(|j| j.name == name) {
                report.jobs.push(JobRun {
                    name: name.to_string(),
                    started: i,
                    finished: usize::MAX,
                    passed: false,
                    allowed_failure: false,
                    output: String::new(),
                    matrix: BTreeMap::new(),
                });
            }
            continue;
        }
        if let Some((name, status)) = gitlab_finish(line) {
            if let Some(j) = report.jobs.iter_mut().find(|j| j.name == name) {
                j.finished = i;
                j.passed = status.is_empty();
                j.allowed_failure = status.starts_with("WARN");
            }
        }
    }
    report
}

/// `<name> starting <executor> (<stage>)` -> name
fn gitlab_start(line: &str) -> Option<&str> {
    let body = line.strip_suffix(')')?;
    let (head, _stage) = body.rsplit_once(" (")?;
    let (name, executor) = head.rsplit_once(" starting ")?;
    if name.is_empty() || executor.is_empty() || executor.contains(' ') {
        return None;
    }
    Some(name)
}

/// `<name> finished in <n> ms[  FAIL 3|  WARN 4]` -> (name, status)
fn gitlab_finish(line: &str) -> Option<(&str, &str)> {
    let idx = line.rfind(" finished in ")?;
    let name = &line[..idx];
    let rest = &line[idx + " finished in ".len()..];
    if name.is_empty() || !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let status = rest.find("  ").map(|k| rest[k..].trim()).unwrap_or("");
    Some((name, status))
}

/// Parses act's `--json` output: one JSON object per line, with `jobID`,
/// `matrix`, `msg`, `raw_output` (script output), `stepResult`, and
/// `jobResult` ("success"/"failure") on the job's last record. Lines that are
/// not JSON (e.g. `Error: Job 'a' failed`) are kept as they are.
fn parse_act_log(out: &str) -> RunReport {
    let mut report = RunReport::empty();
    let mut log = String::new();
    for (i, line) in out.lines().enumerate() {
        let rec: serde_json::Value = match serde_json::from_str(line) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            _ => {
                log.push_str(line);
                log.push('\n');
                continue;
            }
        };
        let msg = rec.get("msg").and_then(|m| m.as_str()).unwrap_or("");
        let msg_trim = msg.trim_end_matches('\n');
        let Some(id) = rec.get("jobID").and_then(|j| j.as_str()) else {
            let level = rec.get("level").and_then(|m| m.as_str()).unwrap_or("");
            log.push_str(&format!("({level}) {msg_trim}\n"));
            continue;
        };
        let matrix: BTreeMap<String, String> = rec
            .get("matrix")
            .and_then(|m| m.as_object())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let v = match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), v)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let name = if matrix.is_empty() {
            id.to_string()
        } else {
            let legs: Vec<String> = matrix.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{id} ({})", legs.join(", "))
        };
        let raw = rec.get("raw_output").and_then(|r| r.as_bool()).unwrap_or(false);
        if raw {
            log.push_str(&format!("[{name}] | {msg_trim}\n"));
        } else {
            // Step headers/results repeat the whole script; keep their first line.
            let mut lines = msg_trim.lines();
            let first = lines.next().unwrap_or("");
            let more = if lines.next().is_some() { " …" } else { "" };
            log.push_str(&format!("[{name}] {first}{more}\n"));
        }

        if msg.contains("Skipping unsupported platform") {
            report.skipped_platforms.push(format!("{name}: {}", msg.trim()));
            continue;
        }
        let pos = match report.jobs.iter().position(|j| j.name == name) {
            Some(p) => p,
            None => {
                report.jobs.push(JobRun {
                    name: name.clone(),
                    started: i,
                    finished: usize::MAX,
                    passed: false,
                    allowed_failure: false,
                    output: String::new(),
                    matrix,
                });
                report.jobs.len() - 1
            }
        };
        let job = &mut report.jobs[pos];
        if raw || is_workflow_command(msg) {
            job.output.push_str(if raw { msg } else { msg.trim_start() });
            if !job.output.ends_with('\n') {
                job.output.push('\n');
            }
        }
        if let Some(res) = rec.get("jobResult").and_then(|r| r.as_str()) {
            job.finished = i;
            job.passed = res == "success";
        }
    }
    report.log = log;
    report
}

/// act renders `::error::x` etc. as `  <emoji>  ::error::x`.
fn is_workflow_command(msg: &str) -> bool {
    let t = msg.trim_start();
    if t.starts_with('⭐') {
        return false;
    }
    match t.split_once("  ") {
        Some((_emoji, rest)) => rest.starts_with("::"),
        None => false,
    }
}

/// Runner labels used in `runs-on:` (strings, lists, `{labels: ...}`), plus
/// the GitHub-hosted ones flowc is likely to emit. Expressions are ignored.
fn runner_labels(workflow: &str) -> Vec<String> {
    let mut labels: Vec<String> = [
        "ubuntu-latest",
        "ubuntu-24.04",
        "ubuntu-22.04",
        "macos-latest",
        "macos-15",
        "macos-14",
        "macos-13",
        "windows-latest",
        "windows-2025",
        "windows-2022",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Ok(doc) = serde_saphyr::from_str::<serde_json::Value>(workflow) {
        if let Some(jobs) = doc.get("jobs").and_then(|j| j.as_object()) {
            for job in jobs.values() {
                let mut add = |v: &serde_json::Value| {
                    if let Some(s) = v.as_str() {
                        if !s.contains("${{") && !labels.iter().any(|l| l == s) {
                            labels.push(s.to_string());
                        }
                    }
                };
                match job.get("runs-on") {
                    Some(serde_json::Value::Array(a)) => a.iter().for_each(&mut add),
                    Some(serde_json::Value::Object(o)) => match o.get("labels") {
                        Some(serde_json::Value::Array(a)) => a.iter().for_each(&mut add),
                        Some(v) => add(v),
                        None => {}
                    },
                    Some(v) => add(v),
                    None => {}
                }
            }
        }
    }
    labels
}

/// Whether act can be run with ptys disabled (see [`Tools::act_command`]):
/// needs root and `unshare`. Probed once per test binary.
pub fn no_pty_available() -> bool {
    static PROBE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PROBE.get_or_init(|| {
        if find_on_path("unshare").is_none() {
            return false;
        }
        let mut cmd = Command::new("unshare");
        cmd.args(["-m", "--propagation", "private", "sh", "-c"])
            .arg("mount --bind /dev/null /dev/ptmx && ! test -t 0 < /dev/ptmx 2>/dev/null");
        let r = exec(&mut cmd, Duration::from_secs(10), true);
        let ok = r.code == Some(0);
        if !ok {
            eprintln!(
                "[support] cannot hide /dev/ptmx from act (needs root + unshare): \
                 output of failing act steps may occasionally be lost ({})",
                r.out.trim()
            );
        }
        ok
    })
}

fn check_secret_args(args: &[&str]) {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if *a == "-s" || *a == "--secret" { it.next().copied() } else { a.strip_prefix("--secret=") };
        if let Some(v) = value {
            if let Some((name, val)) = v.split_once('=') {
                assert!(
                    val.len() >= MIN_SECRET_LEN,
                    "secret {name} is only {} chars: act masks every occurrence of a secret's value \
                     in the log, so short values garble it; use support::fake_secret(\"{name}\")",
                    val.len()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Scratch repos

struct Scratch {
    root: tempfile::TempDir,
    repo: PathBuf,
    home: PathBuf,
}

impl Scratch {
    fn new(prefix: &str) -> Scratch {
        let root = tempfile::Builder::new().prefix(prefix).tempdir().expect("create scratch dir");
        let repo = root.path().join("repo");
        let home = root.path().join("home");
        fs::create_dir_all(&repo).expect("create scratch repo");
        fs::create_dir_all(&home).expect("create scratch home");
        Scratch { root, repo, home }
    }

    fn write_files(&self, files: &[(&str, &str)]) {
        for (rel, contents) in files {
            let rel_path = Path::new(rel);
            assert!(
                rel_path.is_relative() && !rel_path.components().any(|c| c.as_os_str() == ".."),
                "scratch file path must be relative and stay inside the repo: {rel}"
            );
            let p = self.repo.join(rel_path);
            if let Some(dir) = p.parent() {
                fs::create_dir_all(dir).expect("create dir in scratch repo");
            }
            fs::write(&p, contents).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        }
    }

    /// `git init` + one commit + an `origin` remote whose HEAD is `main`, so
    /// neither tool prints fallback warnings (and CI_COMMIT_BRANCH=main,
    /// CI_PROJECT_PATH=flowc/generated).
    fn git_init(&self, remote: &str) {
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .current_dir(&self.repo)
                .args([
                    "-c",
                    "user.email=flowc-tests@example.invalid",
                    "-c",
                    "user.name=flowc tests",
                    "-c",
                    "commit.gpgsign=false",
                    "-c",
                    "init.defaultBranch=main",
                ])
                .args(args)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .stdin(Stdio::null())
                .output()
                .expect("run git");
            assert!(
                out.status.success(),
                "git {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["add", "-A"]);
        git(&["commit", "-q", "--allow-empty", "-m", "generated"]);
        git(&["remote", "add", "origin", remote]);
        git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
        git(&["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"]);
    }

    /// Keeps the directory on disk when FLOWC_KEEP_SCRATCH is set.
    fn finish(self) -> Option<tempfile::TempDir> {
        if std::env::var_os("FLOWC_KEEP_SCRATCH").is_some_and(|v| !v.is_empty() && v != "0") {
            let kept = self.root.keep();
            eprintln!("[support] kept scratch dir {}", kept.display());
            None
        } else {
            Some(self.root)
        }
    }
}

// ---------------------------------------------------------------------------
// Process execution with a time limit

pub struct Exec {
    pub code: Option<i32>,
    pub timed_out: bool,
    /// stdout (or stdout+stderr interleaved when merged)
    pub out: String,
    pub err: String,
}

impl Exec {
    pub fn status(&self) -> String {
        if self.timed_out {
            "timed out".to_string()
        } else {
            match self.code {
                Some(c) => format!("exit {c}"),
                None => "killed by a signal".to_string(),
            }
        }
    }
}

/// Runs `cmd` with stdin closed and output captured in files (no pipe
/// deadlocks; with `merge`, stdout and stderr share one file so their order is
/// kept). The command runs in its own process group, which is killed whole
/// when `timeout` passes.
pub fn exec(cmd: &mut Command, timeout: Duration, merge: bool) -> Exec {
    let mut out_f = tempfile::tempfile().expect("temp file for output");
    let mut err_f = tempfile::tempfile().expect("temp file for output");
    let stderr_target =
        if merge { out_f.try_clone().expect("dup output file") } else { err_f.try_clone().expect("dup output file") };
    cmd.stdin(Stdio::null())
        .stdout(out_f.try_clone().expect("dup output file"))
        .stderr(stderr_target)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .process_group(0);
    let program = format!("{:?}", cmd.get_program());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {program}: {e}; {INSTALL_HINT}"));
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait().expect("wait for child") {
            Some(s) => break s,
            None if start.elapsed() >= timeout => {
                timed_out = true;
                // procps `kill -KILL -PGID` silently does nothing (rc 0);
                // the group form needs `-s KILL -- -PGID`.
                let _ = Command::new("kill")
                    .args(["-s", "KILL", "--"])
                    .arg(format!("-{}", child.id()))
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                break child.wait().expect("wait for killed child");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let read_all = |f: &mut fs::File| {
        let mut buf = Vec::new();
        f.seek(SeekFrom::Start(0)).expect("seek output");
        f.read_to_end(&mut buf).expect("read output");
        String::from_utf8_lossy(&buf).into_owned()
    };
    let out = read_all(&mut out_f);
    let err = if merge { String::new() } else { read_all(&mut err_f) };
    Exec { code: status.code(), timed_out, out, err }
}

// ---------------------------------------------------------------------------
// Small helpers

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().expect("cwd").join(p)
    }
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect::<String>().trim_end().to_string()
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn find_on_path(prog: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(prog)).find(|p| is_executable(p)))
}
