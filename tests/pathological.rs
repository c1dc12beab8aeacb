//! Pathological inputs against the real `flowc` binary: a 50 MB file, a 10 MB line, NUL
//! bytes, invalid UTF-8, a byte-order mark and CRLF line ends, thousands of errors,
//! dependency graphs of 100k activities, nesting 500k levels deep, unwritable and full
//! output directories, and byte-identical output across runs and environments.
//!
//! Every input is generated in a temporary directory (nothing big is committed). Every
//! command runs under a time limit, so a hang fails the test instead of stalling the suite,
//! and must exit with the expected code and message, without a panic or a signal. Inputs
//! that still crash flowc live in `tests/fixtures/crashes/` until they are fixed.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Long enough for the unoptimised test build on a busy 2-core machine; a hang takes forever.
const SLOW: Duration = Duration::from_secs(180);
const QUICK: Duration = Duration::from_secs(30);

const ROLES: &str = "roles { owner = team \"platform\" }\n";

/// What one run of flowc did.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    /// Asserts the exit code and that stderr says `needle`.
    fn expect(&self, code: i32, needle: &str) -> &Self {
        assert_eq!(self.code, code, "expected exit {code}, stderr:\n{}", clip(&self.stderr));
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", clip(&self.stderr));
        self
    }
}

fn flowc(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    run(command, limit)
}

/// Runs `command` with no stdin; panics when it outlives `limit`, dies of a signal (a stack
/// overflow aborts) or panics.
fn run(mut command: Command, limit: Duration) -> Run {
    let shown = clip(&format!("{command:?}")).to_string();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{shown}: {e}"));
    // Read both pipes while waiting, so that a big output cannot block the child.
    let stdout = drain(child.stdout.take().expect("piped"));
    let stderr = drain(child.stderr.take().expect("piped"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for flowc") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{shown} hung: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr reader")).into_owned();
    let stdout = stdout.join().expect("stdout reader");
    assert!(!stderr.contains("panicked"), "{shown} panicked:\n{}", clip(&stderr));
    let Some(code) = status.code() else { panic!("{shown} was killed by a signal ({status}):\n{}", clip(&stderr)) };
    Run { code, stdout, stderr }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// At most the first 2,000 characters, for failure messages.
fn clip(text: &str) -> &str {
    let end = text.char_indices().nth(2000).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

/// A valid process whose one activity has `statements`.
fn process(statements: &str) -> String {
    format!(
        "{ROLES}process ci {{\n  owner owner\n  on push, pull_request\n  activity build {{\n{statements}\n  }}\n}}\n"
    )
}

/// A process with one activity holding one step, a `"""` script of at least `bytes` bytes.
fn big_script(bytes: usize) -> String {
    let line = format!("      echo {}\n", "x".repeat(90));
    let mut text = process("    step \"\"\"\n@@\n      \"\"\"");
    text = text.replace("@@\n", &line.repeat(bytes / line.len() + 1));
    text
}

#[test]
fn a_50_megabyte_file_is_checked_or_refused_with_a_clear_message() {
    let valid = big_script(50 << 20);
    assert!(valid.len() >= 50 << 20);
    let mut binary = valid.clone().into_bytes();
    binary.extend(b"// \0\n");
    let mut latin1 = valid.clone().into_bytes();
    latin1.extend(b"// caf\xe9\n");
    let lines = valid.matches('\n').count();
    let dir = project(&[("valid.flow", valid.as_bytes()), ("binary.flow", &binary), ("latin1.flow", &latin1)]);
    let ok = flowc(dir.path(), &["check", "valid.flow"], SLOW);
    assert_eq!(ok.code, 0, "{}", clip(&ok.stderr));
    flowc(dir.path(), &["check", "binary.flow"], SLOW)
        .expect(1, &format!("`binary.flow` is a binary file (NUL byte at offset {})", valid.len() + 3));
    flowc(dir.path(), &["check", "latin1.flow"], SLOW)
        .expect(1, &format!("`latin1.flow` is not valid UTF-8 (byte {}, line {})", valid.len() + 6, lines + 1));
}

#[test]
fn a_10_megabyte_line_is_compiled_and_an_error_on_it_is_reported() {
    let long = "y".repeat(10 << 20);
    let line = format!(
        "roles {{ owner = team \"platform\" }} process ci {{ owner owner on push activity build {{ step \"{long}\" }} }}"
    );
    let broken = format!("{line} }}");
    let dir = project(&[("line.flow", line.as_bytes()), ("broken.flow", broken.as_bytes())]);
    let built = flowc(dir.path(), &["build", "line.flow", "--target", "gitlab", "--stdout"], SLOW);
    assert_eq!(built.code, 0, "{}", clip(&built.stderr));
    let yaml = String::from_utf8(built.stdout).unwrap();
    assert!(yaml.contains(&format!("    - {long}\n")), "the step is kept whole");
    let column = broken.len();
    flowc(dir.path(), &["check", "broken.flow", "--message-format", "json"], SLOW)
        .expect(1, "\"code\":\"E0001\"")
        .expect(1, &format!("\"line\":1,\"column\":{column}"));
    // The snippet shows a window of the line around the error, at the error's real column.
    let human = flowc(dir.path(), &["check", "broken.flow"], SLOW);
    human.expect(1, "error[E0001]").expect(1, &format!("broken.flow:1:{column}")).expect(1, "1 │ …yyyyy");
    assert!(human.stderr.len() < 2_000, "{} bytes of diagnostics:\n{}", human.stderr.len(), clip(&human.stderr));
}

#[test]
fn nul_bytes_are_refused_with_their_offset() {
    let valid = process("    step \"make\"");
    let in_string = valid.replace("make", "ma\0ke");
    let at = in_string.find('\0').unwrap();
    let cases: &[(&str, &[u8], usize)] =
        &[("first.flow", b"\0process", 0), ("string.flow", in_string.as_bytes(), at), ("last.flow", b"roles {}\0", 8)];
    for (name, contents, offset) in cases {
        let dir = project(&[(name, contents)]);
        flowc(dir.path(), &["build", name], QUICK)
            .expect(1, &format!("`{name}` is a binary file (NUL byte at offset {offset}), not a .flow source"));
        assert!(!dir.path().join(".gitlab-ci.yml").exists());
    }
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let cases: &[(&[u8], &str)] = &[
        (b"\x80process", "byte 0, line 1"),
        (b"roles {}\n// \xc3(\n", "byte 12, line 2"),
        (b"roles {}\n\n// overlong \xc0\xaf\n", "byte 22, line 3"),
        (b"// surrogate \xed\xa0\x80\n", "byte 13, line 1"),
        (b"// \xff\xfe\n", "byte 3, line 1"),
        (b"// truncated at the end \xe2\x82", "byte 24, line 1"),
    ];
    for (contents, position) in cases {
        let dir = project(&[("bad.flow", contents)]);
        flowc(dir.path(), &["check", "bad.flow"], QUICK)
            .expect(1, &format!("`bad.flow` is not valid UTF-8 ({position})"));
    }
}

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let entries = walkdir::WalkDir::new(dir).into_iter().map(Result::unwrap);
    let files = entries.filter(|e| e.file_type().is_file());
    let mut found: Vec<PathBuf> = files.map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf()).collect();
    found.sort();
    found
}

/// Every `.flow` file under `dir`, relative to it, sorted.
fn flow_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir).into_iter().filter(|p| p.extension().is_some_and(|x| x == "flow")).collect()
}

/// A copy of the `.flow` files under `source` (a folder of the repository), each rewritten by `convert`.
fn copy_flows(source: &str, convert: impl Fn(&str) -> String) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
    let to = tempfile::tempdir().unwrap();
    for file in flow_files(&from) {
        let text = std::fs::read_to_string(from.join(&file)).unwrap();
        std::fs::create_dir_all(to.path().join(&file).parent().unwrap()).unwrap();
        std::fs::write(to.path().join(&file), convert(&text)).unwrap();
    }
    to
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_change_nothing() {
    let windows = |text: &str| format!("\u{feff}{}", text.replace('\n', "\r\n"));
    for (folder, args) in [
        ("examples", &["build", "--stdout"][..]),
        ("tests/fixtures/emit", &["build", "--stdout"][..]),
        ("tests/fixtures/check", &["check", "--message-format", "json"][..]),
    ] {
        let plain = copy_flows(folder, str::to_string);
        let converted = copy_flows(folder, windows);
        for file in flow_files(plain.path()) {
            let name = file.to_str().unwrap();
            let args: Vec<&str> = args.iter().copied().chain([name]).collect();
            let a = flowc(plain.path(), &args, QUICK);
            let b = flowc(converted.path(), &args, QUICK);
            assert_eq!((a.code, &a.stdout), (b.code, &b.stdout), "{folder}/{name}: BOM + CRLF changed the output");
            assert_eq!(a.stderr, b.stderr, "{folder}/{name}: BOM + CRLF changed the diagnostics");
        }
    }
}

#[test]
fn thousands_of_errors_are_reported_and_counted() {
    let mut text = format!("{ROLES}process ci {{\n  owner owner\n  on push\n");
    for i in 0..3000 {
        writeln!(text, "  activity a{i} after missing{i} {{ step \"make\" }}").unwrap();
    }
    text.push_str("}\n");
    let dir = project(&[("errors.flow", text.as_bytes())]);
    // People see the first 100 and how many more there are; the count stays exact.
    let human = flowc(dir.path(), &["check", "errors.flow"], SLOW);
    human
        .expect(1, "error[E0101]: unknown activity `missing0`")
        .expect(1, "error[E0101]: unknown activity `missing99`\n")
        .expect(1, "... and 2900 more errors not shown")
        .expect(1, "could not compile: 3000 errors, 0 warnings");
    assert_eq!(human.stderr.matches("error[E0101]").count(), 100);
    assert!(!human.stderr.contains("`missing100`"));
    assert!(human.stderr.len() < 40_000, "{} bytes of diagnostics", human.stderr.len());
    // JSON lines, for tools, list every one.
    let json = flowc(dir.path(), &["check", "errors.flow", "--message-format", "json"], SLOW);
    assert_eq!(json.code, 1);
    let lines: Vec<&str> = json.stderr.lines().collect();
    assert_eq!(lines.len(), 3000, "one JSON line per error");
    assert!(lines.iter().all(|l| l.contains("\"code\":\"E0101\"")));
    assert!(lines[2999].contains("unknown activity `missing2999`"));
}

/// `n` activities; activity `i` waits for those `deps(i)` name.
fn graph(n: usize, deps: impl Fn(usize) -> Vec<usize>) -> String {
    let mut text = format!("{ROLES}process big {{\n  owner owner\n  on push\n");
    for i in 0..n {
        let after: Vec<String> = deps(i).iter().map(|d| format!("a{d}")).collect();
        let after = if after.is_empty() { String::new() } else { format!(" after {}", after.join(", ")) };
        writeln!(text, "  activity a{i}{after} {{ step \"x\" }}").unwrap();
    }
    text.push_str("}\n");
    text
}

#[test]
fn dependency_graphs_of_100k_activities_are_checked() {
    let n = 100_000;
    let chain = graph(n, |i| if i == 0 { vec![] } else { vec![i - 1] });
    // Each activity waits for one to three earlier ones, chosen by a fixed pseudo-random sequence.
    let dag = graph(n, |i| {
        let mut deps: Vec<usize> =
            (0..1 + i % 3).filter(|_| i > 0).map(|k| (i.wrapping_mul(2_654_435_761) + k * 40_503) % i).collect();
        deps.sort_unstable();
        deps.dedup();
        deps
    });
    let dir = project(&[("chain.flow", chain.as_bytes()), ("dag.flow", dag.as_bytes())]);
    for name in ["chain.flow", "dag.flow"] {
        let out = flowc(dir.path(), &["check", name], SLOW);
        assert_eq!(out.code, 0, "{name}: {}", clip(&out.stderr));
    }
}

/// `n` modules, each exporting template `tI` (one step `echo I`), every 1,000th declaring a
/// policy of its own too; module `mI` imports `m{I+1}` when `chain`.
fn modules(dir: &Path, n: usize, chain: bool) {
    for i in 0..n {
        let import = if chain && i + 1 < n { format!("import \"m{}.flow\" as next\n", i + 1) } else { String::new() };
        let policy =
            if i % 1000 == 0 { format!("policy own{i} {{ require activity.timeout != 0 }}\n") } else { String::new() };
        let text = format!("{import}export template t{i}() {{ step \"echo {i}\" }}\n{policy}");
        std::fs::write(dir.join(format!("m{i}.flow")), text).unwrap();
    }
}

#[test]
fn import_graphs_of_100k_modules_are_checked() {
    let n = 100_000;
    // One file importing them all; the last activity breaks a standard policy.
    let star = tempfile::tempdir().unwrap();
    modules(star.path(), n, false);
    let mut main: String = (0..n).map(|i| format!("import \"m{i}.flow\" as m{i}\n")).collect();
    main.push_str(&format!(
        "{ROLES}process p {{\n  owner owner\n  on push\n  policies timeouts, mine\n  \
         activity first from m0.t0() {{ timeout 5m }}\n  activity last from m{}.t{}() {{}}\n}}\n\
         policy mine {{ require activity.name != \"\" }}\n",
        n - 1,
        n - 1
    ));
    std::fs::write(star.path().join("main.flow"), main).unwrap();
    let out = flowc(star.path(), &["check", "main.flow", "--message-format", "json"], SLOW);
    assert_eq!(out.code, 1, "{}", clip(&out.stderr));
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one diagnostic: {}", clip(&out.stderr));
    assert!(lines[0].contains("\"code\":\"E0802\"") && lines[0].contains("activity `last` breaks policy `timeouts`"));
    // A chain: each module imports the next one.
    let chain = tempfile::tempdir().unwrap();
    modules(chain.path(), n, true);
    let main = format!(
        "import \"m0.flow\" as m0\n{ROLES}process p {{\n  owner owner\n  on push\n  activity a from m0.t0() {{}}\n}}\n"
    );
    std::fs::write(chain.path().join("main.flow"), main).unwrap();
    let out = flowc(chain.path(), &["build", "main.flow", "--target", "gitlab", "--stdout"], SLOW);
    assert_eq!(out.code, 0, "{}", clip(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("echo 0"));
}

/// The deepest bracket nesting in `text` (there are no brackets in its strings).
fn depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0);
    for c in text.chars() {
        match c {
            '{' | '[' | '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// One program for each way the grammar nests (and raw brackets), with brackets nested
/// `total` levels deep, counting the brackets around the nested part.
fn nestings(total: usize) -> Vec<(&'static str, String)> {
    type Make = fn(usize) -> String;
    fn wrap(n: usize, open: &str, inner: &str, close: &str) -> String {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    }
    fn when(condition: String) -> String {
        process(&format!("    step \"x\"\n    when {condition}"))
    }
    let kinds: [(&str, Make); 10] = [
        ("raw braces", |n| wrap(n, "{", "", "}")),
        ("raw brackets", |n| wrap(n, "[", "", "]")),
        ("raw parentheses", |n| "(".repeat(n)),
        ("parentheses", |n| when(wrap(n, "(", "branch == \"main\"", ")"))),
        ("negated parentheses", |n| when(wrap(n, "!(", "branch == \"main\"", ")"))),
        ("calls", |n| when(wrap(n, "contains(\"a\", ", "branch", ")"))),
        ("lists", |n| when(format!("contains({}, branch)", wrap(n, "[", "\"a\"", "]")))),
        ("target maps", |n| {
            process(&format!("    step \"x\"\n    github {{ concurrency: {} }}", wrap(n, "{ a: ", "1", " }")))
        }),
        ("target lists", |n| {
            process(&format!("    step \"x\"\n    github {{ concurrency: {} }}", wrap(n, "[", "1", "]")))
        }),
        ("blocks", |n| process(&format!("    step \"x\"\n    {}", wrap(n, "{ ", "", " }")))),
    ];
    kinds
        .into_iter()
        .map(|(kind, make)| {
            let outer = depth(&make(1)) - 1;
            let text = make(total - outer);
            assert_eq!(depth(&text), total, "{kind}");
            (kind, text)
        })
        .collect()
}

#[test]
fn nesting_500k_levels_deep_is_refused_before_it_can_overflow_the_stack() {
    for (kind, text) in nestings(500_000) {
        let dir = project(&[("deep.flow", text.as_bytes())]);
        for command in ["check", "fmt"] {
            let out = flowc(dir.path(), &[command, "deep.flow"], QUICK);
            assert_eq!(out.code, 1, "{kind}, {command}: {}", clip(&out.stderr));
            assert!(out.stderr.contains("error[E0004]: nested too deeply"), "{kind}, {command}: {}", clip(&out.stderr));
        }
    }
    // `!` does not nest: a chain of any length is one negation, or none.
    let nots = process(&format!("    step \"x\"\n    when {}(branch == \"main\")", "!".repeat(500_000)));
    let dir = project(&[("nots.flow", nots.as_bytes())]);
    let out = flowc(dir.path(), &["build", "nots.flow", "--stdout"], SLOW);
    assert_eq!(out.code, 0, "{}", clip(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("github.ref_name) == 'main'"));
}

#[test]
fn nesting_at_the_limit_is_compiled_without_a_crash_and_one_more_level_is_refused() {
    let limit = 64;
    for (kind, text) in nestings(limit) {
        let dir = project(&[("deep.flow", text.as_bytes())]);
        let out = flowc(dir.path(), &["build", "deep.flow", "--stdout"], QUICK);
        assert!(!out.stderr.contains("E0004"), "{kind}: {limit} levels are allowed:\n{}", clip(&out.stderr));
        if ["parentheses", "negated parentheses", "target maps", "target lists"].contains(&kind) {
            assert_eq!(out.code, 0, "{kind} compiles:\n{}", clip(&out.stderr));
        }
    }
    for (kind, text) in nestings(limit + 1) {
        let dir = project(&[("deep.flow", text.as_bytes())]);
        let out = flowc(dir.path(), &["check", "deep.flow"], QUICK);
        assert!(out.code == 1 && out.stderr.contains("error[E0004]"), "{kind}: {}", clip(&out.stderr));
    }
}

/// A tmpfs of `size` mounted on a new directory, unmounted on drop; `None` when this
/// process may not mount (not root, or no CAP_SYS_ADMIN in a container).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(options: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir).into_iter().map(|p| (p.clone(), std::fs::read(dir.join(&p)).unwrap())).collect()
}

#[test]
fn an_unwritable_output_directory_is_an_io_error() {
    let dir = project(&[("ci.flow", process("    step \"make\"").as_bytes())]);
    // Root writes through file permissions, so as root the directory is a read-only mount.
    let readonly = if is_root() { Tmpfs::mount("ro,size=64k") } else { None };
    let chmodded = tempfile::tempdir().unwrap();
    let (out_dir, reason) = match &readonly {
        Some(mount) => (mount.path().to_path_buf(), "Read-only file system"),
        None if !is_root() => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(chmodded.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
            (chmodded.path().to_path_buf(), "denied")
        }
        None => {
            eprintln!("note: cannot mount a tmpfs here; writing under /sys, where root may not create files");
            (PathBuf::from("/sys/flowc-out"), "Operation not permitted")
        }
    };
    let out = flowc(dir.path(), &["build", "ci.flow", "--out-dir", out_dir.to_str().unwrap()], QUICK);
    out.expect(2, "error: cannot write `").expect(2, reason);
    assert!(!out_dir.exists() || tree(&out_dir).is_empty(), "nothing is written");
}

/// A process whose GitLab file is about `bytes` long.
fn sized(bytes: usize) -> String {
    let steps: String = (0..bytes / 40).map(|i| format!("    step \"echo step {i:06} of a long script\"\n")).collect();
    process(&steps)
}

/// Builds a small project into `out`, then a big one that cannot be written there with
/// `build` (as `command` runs it); the first files must stay as they were.
fn full_disk_keeps_previous_files(out: &Path, build: impl Fn(&Path, &str) -> Run, reason: &str) {
    let small = project(&[("ci.flow", sized(2_000).as_bytes())]);
    let big = project(&[("ci.flow", sized(400_000).as_bytes())]);
    let first = build(small.path(), "ci.flow");
    assert_eq!(first.code, 0, "{}", clip(&first.stderr));
    let before = tree(out);
    assert!(before.iter().any(|(path, _)| path.ends_with(".gitlab-ci.yml")), "{before:?}");
    build(big.path(), "ci.flow").expect(2, "error: cannot write `").expect(2, reason);
    assert_eq!(tree(out), before, "the previous files are intact and no temporary file is left");
}

#[test]
fn a_full_disk_keeps_the_previous_file_intact() {
    // A file-size limit works for everyone: the write fails with EFBIG (SIGXFSZ ignored).
    let limited = tempfile::tempdir().unwrap();
    let out = limited.path().to_path_buf();
    let with_limit = |project: &Path, file: &str| {
        let script = "trap '' XFSZ; ulimit -f 128; exec \"$0\" build \"$1\" --out-dir \"$2\"";
        let mut command = Command::new("sh");
        command.args(["-c", script, env!("CARGO_BIN_EXE_flowc"), file, out.to_str().unwrap()]);
        command.current_dir(project).env("NO_COLOR", "1");
        run(command, QUICK)
    };
    full_disk_keeps_previous_files(&out, with_limit, "File too large");
    // As root, also a really full file system: a 256 KiB tmpfs.
    if !is_root() {
        return;
    }
    let Some(disk) = Tmpfs::mount("size=256k") else {
        eprintln!("note: cannot mount a tmpfs here; the full disk was tested with a file-size limit only");
        return;
    };
    let target = disk.path().to_path_buf();
    let onto_disk =
        |project: &Path, file: &str| flowc(project, &["build", file, "--out-dir", target.to_str().unwrap()], QUICK);
    full_disk_keeps_previous_files(&target, onto_disk, "No space left on device");
}

#[test]
fn every_example_builds_to_the_same_bytes_every_time() {
    let examples = copy_flows("examples", str::to_string);
    let elsewhere = copy_flows("examples", str::to_string);
    let build = |project: &Path, env: &[(&str, &str)]| {
        let out = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_flowc"));
        command.args(["build", "--out-dir"]).arg(out.path()).current_dir(project).envs(env.iter().copied());
        let result = run(command, SLOW);
        assert_eq!(result.code, 0, "{}", clip(&result.stderr));
        tree(out.path())
    };
    let first = build(examples.path(), &[]);
    assert!(first.len() > 7, "every example writes its files: {}", first.len());
    let variants: [&[(&str, &str)]; 3] = [
        &[],
        &[("RAYON_NUM_THREADS", "1"), ("TZ", "Asia/Tokyo"), ("LC_ALL", "C"), ("HOME", "/nonexistent")],
        &[("RAYON_NUM_THREADS", "7"), ("TZ", "UTC"), ("LANG", "de_DE.UTF-8"), ("COLUMNS", "20")],
    ];
    for env in variants {
        assert!(build(examples.path(), env) == first, "a second build with {env:?} differs");
    }
    assert!(build(elsewhere.path(), &[]) == first, "the project's location changes the output");
    for file in flow_files(examples.path()) {
        let name = file.to_str().unwrap();
        let once = flowc(examples.path(), &["build", name, "--stdout"], QUICK);
        let twice = flowc(examples.path(), &["build", name, "--stdout"], QUICK);
        assert_eq!(once.code, 0, "{name}: {}", clip(&once.stderr));
        assert!(once.stdout == twice.stdout, "{name} builds differently twice");
    }
}

#[test]
fn hundreds_of_files_build_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let text = process("    step \"make\"").replace("process ci", &format!("process p{i:03}"));
        std::fs::write(dir.path().join(format!("p{i:03}.flow")), text).unwrap();
    }
    let out = flowc(dir.path(), &["build", "--out-dir", "out"], SLOW);
    let written = tree(&dir.path().join("out"));
    out.expect(0, &format!("wrote {0} of {0} file(s)", written.len()));
    let workflows = written.iter().filter(|(path, _)| path.starts_with(".github/workflows")).count();
    assert_eq!(workflows, 300, "one workflow per process");
}

/// Runs flowc with stdout a pipe whose reader has gone before flowc writes (as in
/// `flowc build --stdout | head -1` once `head` has its line), feeding it `stdin`.
fn with_stdout_closed(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    use std::io::Write;
    let shown = format!("flowc {}", args.join(" "));
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{shown}: {e}"));
    drop(child.stdout.take());
    let mut input = child.stdin.take().expect("piped");
    let stdin = stdin.to_vec();
    // flowc may stop reading early; a failed write here is not the test's business.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let stderr = drain(child.stderr.take().expect("piped"));
    let status = child.wait().expect("wait for flowc");
    let _ = feeder.join();
    let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr reader")).into_owned();
    assert!(!stderr.contains("panicked"), "{shown} panicked:\n{}", clip(&stderr));
    let Some(code) = status.code() else { panic!("{shown} was killed by a signal ({status}):\n{}", clip(&stderr)) };
    Run { code, stdout: Vec::new(), stderr }
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    // Big enough that no command's output fits in a pipe's buffer (64 KiB).
    let big = graph(5_000, |i| if i == 0 { vec![] } else { vec![i - 1] });
    let messy = big.replace("  ", " ");
    let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
    let dir =
        project(&[("ci.flow", big.as_bytes()), ("messy/ci.flow", messy.as_bytes()), ("ci.yml", workflow.as_bytes())]);
    let cases: &[(&[&str], &[u8], i32)] = &[
        (&["build", "ci.flow", "--stdout"], b"", 0),
        (&["build", "ci.flow", "--check", "--out-dir", "nowhere"], b"", 1),
        (&["fmt", "-"], messy.as_bytes(), 0),
        (&["fmt", "--check", "messy"], b"", 1),
        (&["graph", "ci.flow"], b"", 0),
        (&["raci", "ci.flow", "--format", "csv"], b"", 0),
        (&["explain"], b"", 0),
        (&["explain", "E0301"], b"", 0),
        (&["import", "ci.yml"], b"", 0),
    ];
    for (args, stdin, code) in cases {
        let out = with_stdout_closed(dir.path(), args, stdin);
        assert_eq!(out.code, *code, "flowc {}: {}", args.join(" "), clip(&out.stderr));
        assert!(!out.stderr.contains("Broken pipe"), "flowc {}: {}", args.join(" "), clip(&out.stderr));
    }
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
    let broken = "roles { owner = team \"platform\" }\nprocess ci {\n";
    let dir = project(&[("ci.yml", workflow.as_bytes()), ("broken.flow", broken.as_bytes())]);
    // A panic would exit 101 (its message cannot be read: stderr is the closed pipe).
    let cases: &[(&[&str], i32)] = &[
        (&["import", "ci.yml", "-o", "out.flow"], 0),
        (&["check", "broken.flow"], 1),
        (&["check", "missing.flow"], 2),
        (&["explain", "E9999"], 2),
    ];
    for (args, code) in cases {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowc"))
            .args(*args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(*code), "flowc {}", args.join(" "));
    }
}

/// New commands must not bring `print!` back: it panics on a closed stdout. Stdout goes
/// through `src/cli/stdout.rs` (the language server writes its own protocol).
#[test]
fn the_command_line_never_prints_with_print_macros() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("cli.rs"), root.join("main.rs")];
    files.extend(std::fs::read_dir(root.join("cli")).unwrap().map(|e| e.unwrap().path()));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            // `print!(` or `println!(`, but not `eprintln!(` (shadowed in the CLI to never panic).
            let prints = code.match_indices("print").any(|(at, _)| {
                let before = code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
                !before && (code[at + 5..].starts_with("!(") || code[at + 5..].starts_with("ln!("))
            });
            assert!(!prints, "{}:{}: use stdout::print, not print!: {line}", file.display(), n + 1);
        }
    }
}
