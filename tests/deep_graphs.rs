//! Dependency and import graphs deep enough to overflow a recursive search: flowc must
//! answer (an error for a cycle, outputs otherwise), never crash. Reproducers from fuzzing
//! and `tests/fixtures/crashes/README.md`.

use std::process::Command;

fn flowc(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_flowc")).args(args).current_dir(dir).output().unwrap()
}

fn process(activities: impl Iterator<Item = String>) -> String {
    let mut text = String::from("roles { o = team \"a/b\" }\nprocess p {\n  owner o\n  on push\n");
    activities.for_each(|a| text.push_str(&a));
    text.push_str("}\n");
    text
}

#[test]
fn a_long_chain_written_backwards_compiles() {
    let n = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let chain = (0..n).map(|i| {
        let after = if i + 1 < n { format!(" after a{}", i + 1) } else { String::new() };
        format!("  activity a{i}{after} {{ step \"x\" }}\n")
    });
    std::fs::write(dir.path().join("chain.flow"), process(chain)).unwrap();
    let out = flowc(dir.path(), &["build", "chain.flow", "--out-dir", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_cycle_through_every_activity_is_one_error() {
    let n = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let cycle = (0..n).map(|i| format!("  activity a{i} after a{} {{ step \"x\" }}\n", (i + 1) % n));
    std::fs::write(dir.path().join("cycle.flow"), process(cycle)).unwrap();
    let out = flowc(dir.path(), &["check", "cycle.flow", "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().filter(|l| l.contains("\"E0301\"")).count(), 1, "{}", &stderr[..stderr.len().min(2000)]);
}

#[test]
fn a_long_chain_of_imports_loads() {
    let n = 5_000;
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let import = if i + 1 < n { format!("import \"m{}.flow\" as next\n", i + 1) } else { String::new() };
        std::fs::write(
            dir.path().join(format!("m{i}.flow")),
            format!("{import}export template t{i}() {{ step \"x\" }}\n"),
        )
        .unwrap();
    }
    let main = "import \"m0.flow\" as m\nroles { o = team \"a/b\" }\nprocess p {\n  owner o\n  on push\n  activity a from m.t0() {}\n}\n";
    std::fs::write(dir.path().join("main.flow"), main).unwrap();
    let out = flowc(dir.path(), &["check", "main.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn crash_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crashes").join(name)
}

#[test]
fn a_matrix_of_ten_million_legs_is_refused_before_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let file = crash_fixture("check_matrix_ten_million_legs.flow");
    let out = flowc(dir.path(), &["check", file.to_str().unwrap(), "--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("this matrix has 10000000 combinations; at most 256 can run"));
}

#[test]
fn gitlab_job_names_of_matrix_legs_never_collide_silently() {
    let dir = tempfile::tempdir().unwrap();
    let file = crash_fixture("gitlab_matrix_job_names_collide.flow");
    let out =
        flowc(dir.path(), &["build", file.to_str().unwrap(), "--target", "gitlab", "--stdout", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("would both be named `build:a-b-c`"));
}

#[test]
fn a_long_chain_and_a_long_condition_build_for_gitlab() {
    let dir = tempfile::tempdir().unwrap();
    let chain = (0..20_000).map(|i| {
        let after = if i > 0 { format!(" after a{}", i - 1) } else { String::new() };
        format!("  activity a{i}{after} {{ step \"x\" }}\n")
    });
    std::fs::write(dir.path().join("chain.flow"), process(chain)).unwrap();
    let terms: Vec<String> = (0..20_000).map(|i| format!("branch != \"b{i}\"")).collect();
    let long = format!("  activity a {{\n    when {}\n    step \"x\"\n  }}\n", terms.join(" && "));
    std::fs::write(dir.path().join("long.flow"), process(std::iter::once(long)).replace("process p", "process q"))
        .unwrap();
    for file in ["chain.flow", "long.flow"] {
        let out = flowc(dir.path(), &["build", file, "--target", "gitlab", "--out-dir", "out"]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
