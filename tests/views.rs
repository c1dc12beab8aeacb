//! `flowc graph` and `flowc raci` end to end, through the real binary.
//!
//! - Snapshots of every format (Mermaid, DOT, Markdown, CSV, JSON) for a fixture with every
//!   kind of role assignment, and for one whose names are keywords of Mermaid and DOT and
//!   whose environment name holds every character either format reads.
//! - The diagrams of the fixtures and of every example fed to the real parsers: Graphviz's
//!   `dot -Tsvg`, and mermaid's own `mermaid.parse` under Node (`tests/views/mermaid-parse.mjs`);
//!   and broken diagrams fed to the same parsers, to show the checks can fail.
//! - JSON parsed with serde_json, CSV and Markdown tables checked for their column counts,
//!   the RACI rules (one R and one A per activity) checked on the JSON.
//! - Exit codes: 1 with diagnostics on errors in the input, 2 on usage and I/O errors.
//!
//! The parsers are installed by `bash scripts/install-views-tools.sh` (graphviz from apt;
//! mermaid and jsdom into `.tools/npm-views`, or `$FLOWC_TOOLS/npm-views`). A test that
//! needs one fails, never skips, when it is missing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Every kind of role assignment, artifacts, an output, `after`, and two processes.
const DELIVERY: &str = r#"// Every kind of role assignment: an owner and a manager, `run_by`, a quorum approval,
// `consulted` and `informed`; artifacts, an output and plain `after` dependencies; and a
// second process without a manager.
roles {
  platform = team "acme/platform"
  lead = user "alice"
  operators = [user "dave", user "erin"]
  releasers = [user "bob", user "carol", user "frank"]
  auditors = [user "sam", user "tess"]
  security = team "acme/security"
  support = [team "acme/support", user "gina"]
}

process release {
  owner platform
  manager lead
  on push(tags: ["v*"]), manual

  activity build {
    consulted platform
    step "make dist"
    output version
    produces artifact dist = "dist/"
    produces artifact sbom = "sbom.json"
  }

  activity test after build {
    informed lead
    consumes dist
    step "make test"
  }

  activity audit {
    run_by auditors
    consumes sbom
    step "make audit"
  }

  activity deploy after test, audit {
    run_by operators
    environment production url "https://example.com"
    approved_by 2 of releasers
    consulted security
    informed lead, support
    consumes dist
    env { VERSION = outputs.build.version }
    step "make deploy"
  }

  activity announce after deploy {
    informed support
    step "make announce"
  }
}

process hotfix {
  owner lead
  on manual

  activity patch {
    environment staging
    step "make patch"
  }

  activity ship after patch {
    run_by operators
    environment hotfix
    approved_by releasers
    step "make ship"
  }
}
"#;

/// Names that are Mermaid or DOT keywords, and an environment name with quotes, pipes, HTML,
/// `#`, `&`, backticks, a backslash sequence DOT would expand, brackets and an arrow.
const AWKWARD: &str = r#"// Names that are keywords of Mermaid or DOT, and an environment name with every character
// either format would read.
roles {
  end = team "acme/end"
  graph = [user "o.brien", user "x_y"]
  style = user "q-1"
}

process subgraph {
  owner end
  manager style
  on manual

  activity end {
    produces artifact node = "out/"
    step "make"
  }

  activity class after end {
    run_by style
    consumes node
    environment "prod \"eu\" | <b>x</b> #1 & `tick` \\N end; {a} [b] -->"
    approved_by graph
    consulted graph
    informed end
    step "make deploy"
  }
}
"#;

const BAD: &str = r#"
roles { owner = team "platform" }
process ci {
  owner owner
  on push
  activity test after biuld { step "make test" }
  activity build { step "make" }
}
"#;

// ----- running flowc --------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn flowc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowc")).args(args).current_dir(dir).output().expect("flowc runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    dir
}

/// The stdout of `flowc ARGS` run in `dir`, which must succeed without errors.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = flowc(dir, args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "flowc {args:?} failed:\n{stderr}");
    assert!(!stderr.contains("error"), "flowc {args:?} reported an error:\n{stderr}");
    text(&out.stdout)
}

/// The output of `flowc COMMAND --format FORMAT` on `source` (as `fixture.flow`).
fn view(source: &str, command: &str, format: &str) -> String {
    let dir = project(&[("fixture.flow", source)]);
    ok(dir.path(), &[command, "fixture.flow", "--format", format])
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "examples/ holds .flow files");
    files
}

// ----- the real parsers -----------------------------------------------------------------

const INSTALL_HINT: &str = "run `bash scripts/install-views-tools.sh` from the repository root";

/// Where `scripts/install-views-tools.sh` installs mermaid and jsdom.
fn npm_views() -> PathBuf {
    let tools = std::env::var_os("FLOWC_TOOLS").map_or_else(|| repo().join(".tools"), PathBuf::from);
    tools.join("npm-views")
}

/// Runs `program ARGS` with `input` on stdin; `Ok(stdout)` on exit 0, `Err(stderr)` otherwise.
/// Panics, naming the install script, when the program cannot be started.
fn run_tool(program: &str, args: &[&str], input: &str) -> Result<String, String> {
    let mut child = Command::new(program)
        .args(args)
        .env("FLOWC_VIEWS_NPM", npm_views())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `{program}` ({e}): {INSTALL_HINT}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    if out.status.success() {
        Ok(text(&out.stdout))
    } else {
        Err(format!("{}{}", text(&out.stderr), text(&out.stdout)))
    }
}

/// `dot -Tsvg`: `Ok(svg)` when Graphviz reads the diagram.
fn dot_svg(diagram: &str) -> Result<String, String> {
    let svg = run_tool("dot", &["-Tsvg"], diagram)?;
    assert!(svg.contains("<svg"), "dot -Tsvg exited 0 without an SVG:\n{svg}");
    Ok(svg)
}

/// `mermaid.parse` on each diagram, in one Node process; `Ok(one line per diagram)`.
fn mermaid_parse(diagrams: &[(String, String)]) -> Result<String, String> {
    assert!(
        npm_views().join("node_modules/mermaid/package.json").is_file(),
        "mermaid is not installed under {}: {INSTALL_HINT}",
        npm_views().display()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![repo().join("tests/views/mermaid-parse.mjs").display().to_string()];
    for (i, (name, diagram)) in diagrams.iter().enumerate() {
        let path = dir.path().join(format!("{i:02}-{name}.mmd"));
        std::fs::write(&path, diagram).unwrap();
        args.push(path.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run_tool("node", &args, "") {
        Err(e) if e.contains("is not installed") => panic!("{e}"),
        result => result,
    }
}

/// The diagrams (name, text) of both fixtures, two files compiled together, each example on
/// its own and all examples together, in `format`.
fn every_graph(format: &str) -> Vec<(String, String)> {
    let mut graphs = vec![
        ("delivery".to_string(), view(DELIVERY, "graph", format)),
        ("awkward".to_string(), view(AWKWARD, "graph", format)),
    ];
    let both = project(&[("a.flow", DELIVERY), ("b.flow", AWKWARD)]);
    graphs.push(("two-files".to_string(), ok(both.path(), &["graph", ".", "--format", format])));
    for example in examples() {
        let name = example.file_stem().unwrap().to_string_lossy().into_owned();
        graphs.push((name, ok(&repo(), &["graph", example.to_str().unwrap(), "--format", format])));
    }
    graphs.push(("all-examples".to_string(), ok(&repo(), &["graph", "examples", "--format", format])));
    graphs
}

// ----- snapshots ------------------------------------------------------------------------

#[test]
fn snapshots_of_every_format() {
    insta::assert_snapshot!("delivery.mermaid", view(DELIVERY, "graph", "mermaid"));
    insta::assert_snapshot!("delivery.dot", view(DELIVERY, "graph", "dot"));
    insta::assert_snapshot!("delivery.md", view(DELIVERY, "raci", "markdown"));
    insta::assert_snapshot!("delivery.csv", view(DELIVERY, "raci", "csv"));
    insta::assert_snapshot!("delivery.json", view(DELIVERY, "raci", "json"));
}

#[test]
fn snapshots_of_awkward_names() {
    insta::assert_snapshot!("awkward.mermaid", view(AWKWARD, "graph", "mermaid"));
    insta::assert_snapshot!("awkward.dot", view(AWKWARD, "graph", "dot"));
    insta::assert_snapshot!("awkward.md", view(AWKWARD, "raci", "markdown"));
    insta::assert_snapshot!("awkward.csv", view(AWKWARD, "raci", "csv"));
}

// ----- the real parsers read every diagram ----------------------------------------------

#[test]
fn graphviz_draws_every_diagram() {
    for (name, diagram) in every_graph("dot") {
        if let Err(e) = dot_svg(&diagram) {
            panic!("dot -Tsvg rejects the diagram of {name}:\n{e}\n----- diagram\n{diagram}");
        }
    }
}

#[test]
fn graphviz_draws_the_lanes_and_nodes_of_the_fixture() {
    let svg = dot_svg(&view(DELIVERY, "graph", "dot")).unwrap();
    // 2 processes + 3 lanes in `release` + 2 in `hotfix`; 5 + 2 activities; 8 edges.
    assert_eq!(svg.matches("class=\"cluster\"").count(), 7, "{svg}");
    assert_eq!(svg.matches("class=\"node\"").count(), 7, "{svg}");
    assert_eq!(svg.matches("class=\"edge\"").count(), 8, "{svg}");
    assert!(svg.contains("approval: 2 of releasers"));
    let awkward = dot_svg(&view(AWKWARD, "graph", "dot")).unwrap();
    assert!(
        awkward.contains("prod &quot;eu&quot; | &lt;b&gt;x&lt;/b&gt; #1 &amp; `tick` \\N end;"),
        "the environment name is drawn as written, `\\N` included:\n{awkward}"
    );
}

#[test]
fn mermaid_parses_every_diagram() {
    let graphs = every_graph("mermaid");
    let parsed = mermaid_parse(&graphs).unwrap_or_else(|e| panic!("mermaid.parse rejects a diagram:\n{e}"));
    let lines: Vec<&str> = parsed.lines().collect();
    assert_eq!(lines.len(), graphs.len(), "one line per diagram:\n{parsed}");
    assert!(lines.iter().all(|l| l.ends_with(": flowchart-v2")), "{parsed}");
}

#[test]
fn the_parsers_reject_broken_diagrams() {
    let dot = view(AWKWARD, "graph", "dot");
    let unclosed = dot.trim_end().strip_suffix('}').unwrap();
    assert!(dot_svg(unclosed).is_err(), "dot accepts a digraph without its closing brace");
    let unescaped = dot.replace("\\\"eu\\\"", "\"eu\"");
    assert_ne!(unescaped, dot);
    assert!(dot_svg(&unescaped).is_err(), "dot accepts an unescaped quote in a label");

    let mermaid = view(AWKWARD, "graph", "mermaid");
    let unescaped = mermaid.replace("#quot;", "\"");
    assert_ne!(unescaped, mermaid);
    let dangling = format!("{mermaid}  p1_a1 -->\n");
    for (what, broken) in [("an unescaped quote", unescaped), ("a dangling edge", dangling)] {
        let result = mermaid_parse(&[("broken".to_string(), broken)]);
        assert!(result.is_err(), "mermaid.parse accepts {what}: {result:?}");
    }
    assert!(mermaid_parse(&[("good".to_string(), mermaid)]).is_ok());
}

// ----- RACI: JSON, CSV and Markdown are well formed and follow the rules -----------------

#[test]
fn raci_json_is_valid_and_follows_the_rules() {
    let json: serde_json::Value = serde_json::from_str(&view(DELIVERY, "raci", "json")).expect("valid JSON");
    let processes = json["processes"].as_array().unwrap();
    assert_eq!(processes.len(), 2);
    for process in processes {
        let roles: Vec<&str> =
            process["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(roles[0], process["owner"].as_str().unwrap(), "the owner is the first column");
        for activity in process["activities"].as_array().unwrap() {
            let letters = activity["letters"].as_object().unwrap();
            // serde_json (without `preserve_order`) sorts keys; the snapshot shows their order.
            let mut sorted = roles.clone();
            sorted.sort();
            assert_eq!(letters.keys().map(String::as_str).collect::<Vec<_>>(), sorted, "a cell for every role");
            let holders = |l: &str| -> Vec<&str> {
                letters
                    .iter()
                    .filter(|(_, v)| v.as_str().unwrap().split('/').any(|x| x == l))
                    .map(|(k, _)| k.as_str())
                    .collect()
            };
            assert_eq!(holders("R"), [activity["responsible"].as_str().unwrap()], "one R: {activity}");
            assert_eq!(holders("A"), [activity["accountable"].as_str().unwrap()], "one A: {activity}");
        }
    }
    let release = &processes[0];
    let activity = |name: &str| release["activities"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap();
    // R: run_by, else the manager; A: approved_by, else the owner.
    assert_eq!(
        (activity("build")["responsible"].as_str(), activity("build")["accountable"].as_str()),
        (Some("lead"), Some("platform"))
    );
    assert_eq!(activity("deploy")["responsible"], "operators");
    assert_eq!(activity("deploy")["accountable"], "releasers");
    assert_eq!(activity("deploy")["approval"], serde_json::json!({"role": "releasers", "quorum": 2}));
    assert_eq!(activity("deploy")["consulted"], serde_json::json!(["security"]));
    assert_eq!(activity("deploy")["informed"], serde_json::json!(["lead", "support"]));
    assert_eq!(activity("test")["letters"]["lead"], "R/I");
    assert_eq!(activity("build")["letters"]["platform"], "A/C");
    // Without a manager, the owner is responsible.
    assert_eq!(processes[1]["activities"][0]["letters"]["lead"], "R/A");
    let support = &release["roles"].as_array().unwrap().iter().find(|r| r["name"] == "support").unwrap()["members"];
    assert_eq!(
        support,
        &serde_json::json!([
            {"kind": "team", "name": "acme/support", "handle": "@acme/support"},
            {"kind": "user", "name": "gina", "handle": "@gina"}
        ])
    );
}

/// Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes, newlines).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted && field.is_empty() && record.is_empty(), "CSV ends with a complete record");
    records
}

#[test]
fn raci_csv_has_one_column_per_role_in_every_row() {
    for source in [DELIVERY, AWKWARD] {
        let csv = view(source, "raci", "csv");
        let records = csv_records(&csv);
        let header = &records[0];
        assert_eq!(header[..2], ["process", "activity"]);
        assert_eq!(header.last().unwrap(), "approval");
        for record in &records[1..] {
            assert_eq!(record.len(), header.len(), "row {record:?} of\n{csv}");
        }
    }
    let records = csv_records(&view(DELIVERY, "raci", "csv"));
    assert_eq!(records.len(), 1 + 7, "a header and one row per activity");
    assert_eq!(
        records[0],
        [
            "process",
            "activity",
            "platform",
            "lead",
            "operators",
            "releasers",
            "auditors",
            "security",
            "support",
            "approval"
        ]
    );
    assert_eq!(records[4], ["release", "deploy", "", "I", "R", "A", "", "C", "I", "2 of releasers"]);
}

#[test]
fn raci_markdown_rows_have_the_width_of_their_header() {
    // Cells are separated by pipes that are not escaped with a backslash.
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    for source in [DELIVERY, AWKWARD] {
        let markdown = view(source, "raci", "markdown");
        let mut width = None;
        for line in markdown.lines() {
            if !line.starts_with('|') {
                width = None;
                continue;
            }
            let n = cells(line);
            assert_eq!(*width.get_or_insert(n), n, "{line:?} in\n{markdown}");
        }
    }
}

// ----- every example, every format ------------------------------------------------------

#[test]
fn every_example_renders_in_every_format_deterministically() {
    let views = [("graph", "mermaid"), ("graph", "dot"), ("raci", "markdown"), ("raci", "csv"), ("raci", "json")];
    for example in examples() {
        let path = example.to_str().unwrap();
        for (command, format) in views {
            let first = ok(&repo(), &[command, path, "--format", format]);
            assert!(!first.is_empty(), "{command} --format {format} {path} prints something");
            assert_eq!(first, ok(&repo(), &[command, path, "--format", format]), "{command} {format} {path}");
            if format == "json" {
                serde_json::from_str::<serde_json::Value>(&first).expect("valid JSON");
            }
        }
    }
}

// ----- exit codes -----------------------------------------------------------------------

#[test]
fn errors_in_the_input_exit_1_with_diagnostics_and_no_output() {
    let dir = project(&[("ci.flow", BAD)]);
    for args in [["graph", "--format", "mermaid"], ["graph", "--format", "dot"], ["raci", "--format", "json"]] {
        let out = flowc(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} prints nothing on stdout");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("error[E0101]: unknown activity `biuld`"), "{stderr}");
        assert!(stderr.contains("error: could not compile: 1 error"), "{stderr}");
    }
    let empty = project(&[("roles.flow", "roles { a = user \"x\" }\n")]);
    let out = flowc(empty.path(), &["raci"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no process is defined"), "{}", text(&out.stderr));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = project(&[("ci.flow", DELIVERY)]);
    let missing = flowc(dir.path(), &["graph", "nowhere.flow"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read `nowhere.flow`"), "{}", text(&missing.stderr));
    let format = flowc(dir.path(), &["raci", "--format", "xlsx"]);
    assert_eq!(format.status.code(), Some(2));
    assert!(missing.stdout.is_empty() && format.stdout.is_empty());
}

#[test]
fn help_states_the_rules() {
    let raci = text(&flowc(&repo(), &["raci", "--help"]).stdout);
    assert!(
        raci.contains("R  responsible: the `run_by` role, else the process manager, else the process owner"),
        "{raci}"
    );
    assert!(raci.contains("A  accountable: the `approved_by` role (they sign off), else the process owner"), "{raci}");
    let graph = text(&flowc(&repo(), &["graph", "--help"]).stdout);
    assert!(graph.contains("an activity sits in the lane of the role responsible for it"), "{graph}");
}
