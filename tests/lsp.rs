//! `flowc lsp` end to end: the real binary, driven over stdio with JSON-RPC.
//!
//! [`Client`] frames messages with `Content-Length`, reads the server's output on a thread and
//! fails the test when an answer takes more than a few seconds, so a hung server cannot hang
//! the suite. Positions are computed here independently of the server (UTF-16 by default).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);
const URI: &str = "file:///work/ci.flow";

const SOURCE: &str = r#"roles {
  platform  = team "acme/platform"
  releasers = [user "bob", user "carol"]
}

process delivery {
  owner platform
  on push(branches: ["main"]), manual(level: choice["patch", "minor"] = "patch")
  secrets TOKEN

  activity build {
    step "make dist"
    produces artifact app = "dist/"
    output version
  }

  activity deploy after build {
    when branch == "main" && inputs.level == "patch"
    environment production
    approved_by releasers
    consumes app
    secret TOKEN
    env { VERSION = outputs.build.version }
    step "./deploy.sh"
  }
}
"#;

// ---------------------------------------------------------------- the client

/// A running `flowc lsp` and the messages it sent that nobody asked for yet.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    notifications: Vec<Value>,
    next_id: i64,
}

impl Client {
    /// Starts the server without initializing it.
    fn spawn() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start flowc lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client { stdin: child.stdin.take(), child, incoming, notifications: Vec::new(), next_id: 0 }
    }

    /// Starts and initializes the server, offering `capabilities`; returns the initialize result.
    fn start_with(capabilities: Value) -> (Client, Value) {
        let mut client = Client::spawn();
        let result =
            client.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }));
        client.notify("initialized", json!({}));
        (client, result["result"].clone())
    }

    fn start() -> Client {
        Client::start_with(json!({})).0
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to server");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole message, `result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The `result` of a request that must succeed.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The next message matching `wanted`, keeping the notifications seen on the way.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.notifications.iter().position(&wanted) {
            return self.notifications.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).expect("the server did not answer in time");
            if wanted(&message) {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The next diagnostics published for the test document.
    fn diagnostics(&mut self) -> Vec<Value> {
        self.diagnostics_of(URI)
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_of(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        message["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// Opens `text` as the test document; returns its diagnostics.
    fn open(&mut self, text: &str) -> Vec<Value> {
        self.open_at(URI, text)
    }

    /// Opens `text` as the document `uri`; returns its diagnostics.
    fn open_at(&mut self, uri: &str, text: &str) -> Vec<Value> {
        let item = json!({ "uri": uri, "languageId": "flow", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
        self.diagnostics_of(uri)
    }

    fn change(&mut self, version: i64, text: &str) -> Vec<Value> {
        self.change_at(URI, version, text)
    }

    fn change_at(&mut self, uri: &str, version: i64, text: &str) -> Vec<Value> {
        let params =
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
        self.notify("textDocument/didChange", params);
        self.diagnostics_of(uri)
    }

    /// A request about the position of `needle` (plus `offset` bytes) in `text`.
    fn at(&mut self, method: &str, text: &str, needle: &str, offset: usize) -> Value {
        self.at_in(URI, method, text, needle, offset)
    }

    /// A request about the position of `needle` (plus `offset` bytes) in `text`, the document `uri`.
    fn at_in(&mut self, uri: &str, method: &str, text: &str, needle: &str, offset: usize) -> Value {
        let mut params = json!({ "textDocument": { "uri": uri }, "position": position(text, needle, offset) });
        if method == "textDocument/references" {
            params["context"] = json!({ "includeDeclaration": true });
        }
        self.call(method, params)
    }

    /// Sends `exit`, closes stdin and returns the exit code.
    fn exit(mut self) -> i32 {
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status.code().expect("exit code");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `shutdown`, then `exit`; returns the exit code.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.call("shutdown", Value::Null), Value::Null);
        self.exit()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

// ---------------------------------------------------------------- positions, independently

/// The LSP position (UTF-16) of the `n`th byte after the first `needle` in `text`.
fn position(text: &str, needle: &str, offset: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the text")) + offset;
    position_of(text, at)
}

fn position_of(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    json!({ "line": line, "character": text[line_start..at].encode_utf16().count() })
}

/// The range of the `nth` (0-based) occurrence of `needle` as a whole word.
fn range(text: &str, needle: &str, nth: usize) -> Value {
    let starts = word_starts(text, needle);
    let start = starts[nth];
    json!({ "start": position_of(text, start), "end": position_of(text, start + needle.len()) })
}

fn word_starts(text: &str, word: &str) -> Vec<usize> {
    // `/` too, so that `platform` is not found in `"acme/platform"`.
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/';
    text.match_indices(word)
        .map(|(i, _)| i)
        .filter(|&i| !text[..i].ends_with(is_word) && !text[i + word.len()..].starts_with(is_word))
        .collect()
}

fn ranges(locations: &Value) -> Vec<Value> {
    let mut out: Vec<Value> =
        locations.as_array().expect("a list of locations").iter().map(|l| l["range"].clone()).collect();
    out.sort_by_key(|r| (r["start"]["line"].as_u64(), r["start"]["character"].as_u64()));
    out
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion.get("items").unwrap_or(completion);
    items
        .as_array()
        .map(|a| a.iter().map(|i| i["label"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- tests

#[test]
fn initialize_advertises_capabilities_and_negotiates_the_encoding() {
    let (client, result) = Client::start_with(json!({}));
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"], 1, "full sync");
    for provider in [
        "definitionProvider",
        "referencesProvider",
        "hoverProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(caps["completionProvider"]["triggerCharacters"], json!([".", " "]));
    assert_eq!(result["serverInfo"]["name"], "flowc");
    assert_eq!(client.shutdown(), 0);

    let (client, result) = Client::start_with(json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn diagnostics_match_the_cli_and_follow_changes() {
    let mut client = Client::start();
    let broken = SOURCE.replace("after build", "after biuld");
    let diagnostics = client.open(&broken);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "E0101");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "flowc");
    assert_eq!(d["range"], range(&broken, "biuld", 0));
    assert_eq!(d["message"], "unknown activity `biuld`\nhelp: did you mean `build`?");

    // The same codes and messages as the library (and so the CLI) reports.
    let mut sources = flowc::source::SourceMap::new();
    sources.add("ci.flow", broken.as_str());
    let expected = flowc::analyze(&sources, &flowc::ast::Target::ALL).diagnostics;
    assert_eq!(expected.len(), 1);
    assert_eq!(d["code"], expected[0].code);
    assert!(d["message"].as_str().unwrap().starts_with(&expected[0].message));

    assert_eq!(client.change(2, SOURCE), Vec::<Value>::new(), "fixed: no diagnostics");
    let syntax = client.change(3, "process p {\n  owner\n}\n");
    assert_eq!(syntax[0]["code"], "E0001");

    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": URI } }));
    assert_eq!(client.diagnostics(), Vec::<Value>::new(), "cleared on close");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn secondary_labels_become_related_information_and_warnings_are_tagged() {
    let mut client = Client::start();
    let text = "roles { a = team \"x\" b = team \"y\" }\nprocess p { owner a on manual activity x { step \"1\" } activity x { step \"2\" } }\n";
    let diagnostics = client.open(text);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["W0001", "E0201"]);
    assert_eq!(diagnostics[0]["severity"], 2);
    assert_eq!(diagnostics[0]["tags"], json!([1]));
    let related = diagnostics[1]["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 2);
    assert_eq!(related[1]["message"], "first defined here");
    let first = text.find("activity x").unwrap() + "activity ".len();
    let first = json!({ "start": position_of(text, first), "end": position_of(text, first + 1) });
    assert_eq!(related[1]["location"]["range"], first);
    assert_eq!(related[1]["location"]["uri"], URI);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn definition_and_references_for_each_kind_of_name() {
    let mut client = Client::start();
    client.open(SOURCE);
    // (kind, a use: needle and offset into it, the name, index of its declaration among whole-word matches)
    let cases = [
        ("activity", "after build", 7, "build", 0, 3),
        ("activity from outputs", "outputs.build", 9, "build", 0, 3),
        ("role", "approved_by releasers", 13, "releasers", 0, 2),
        ("role as owner", "owner platform", 7, "platform", 0, 2),
        ("artifact", "consumes app", 10, "app", 0, 2),
        ("input", "inputs.level", 8, "level", 0, 2),
        ("secret", "secret TOKEN", 8, "TOKEN", 0, 2),
        ("output", "build.version", 7, "version", 0, 2),
    ];
    for (what, needle, offset, name, declaration, uses) in cases {
        let definition = client.at("textDocument/definition", SOURCE, needle, offset);
        assert_eq!(definition["uri"], URI, "{what}");
        assert_eq!(definition["range"], range(SOURCE, name, declaration), "{what}: definition");
        let references = client.at("textDocument/references", SOURCE, needle, offset);
        let expected: Vec<Value> = (0..uses).map(|i| range(SOURCE, name, i)).collect();
        assert_eq!(ranges(&references), expected, "{what}: references");
    }
    // From a declaration, without it.
    let params = json!({
        "textDocument": { "uri": URI },
        "position": position(SOURCE, "activity build", 9),
        "context": { "includeDeclaration": false },
    });
    let references = client.call("textDocument/references", params);
    assert_eq!(ranges(&references), [range(SOURCE, "build", 1), range(SOURCE, "build", 2)]);
    // Built-in names have no declaration; whitespace has nothing.
    assert_eq!(client.at("textDocument/definition", SOURCE, "branch ==", 0), Value::Null);
    assert_eq!(client.at("textDocument/definition", SOURCE, "\n\n  activity", 1), Value::Null);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn hover_says_what_a_name_is_and_what_it_compiles_to() {
    let mut client = Client::start();
    client.open(SOURCE);
    let hover = |client: &mut Client, needle: &str, offset: usize| {
        let result = client.at("textDocument/hover", SOURCE, needle, offset);
        assert_eq!(result["contents"]["kind"], "markdown");
        result["contents"]["value"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(
        hover(&mut client, "activity deploy", 10),
        "activity `deploy` (after `build`) — GitHub job `deploy`, GitLab job `deploy`"
    );
    let input = hover(&mut client, "inputs.level", 8);
    assert!(input.starts_with("input `level`: choice[\"patch\", \"minor\"] = \"patch\""), "{input}");
    assert!(input.contains("GitHub `${{ (inputs.level || 'patch') }}`"), "{input}");
    assert!(input.contains("GitLab `$level`"), "{input}");
    let role = hover(&mut client, "approved_by releasers", 13);
    assert!(role.starts_with("role `releasers`: user `bob`, user `carol`"), "{role}");
    let artifact = hover(&mut client, "consumes app", 9);
    assert!(artifact.starts_with("artifact `app` = `dist/` — produced by `build`, consumed by `deploy`"), "{artifact}");
    let branch = hover(&mut client, "branch ==", 2);
    assert!(branch.contains("GitHub `${{ (github.head_ref || github.ref_name) }}`, GitLab `$CI_COMMIT_REF_NAME`"));
    let output = hover(&mut client, "build.version", 8);
    assert!(output.contains("`${{ needs.build.outputs.version }}`") && output.contains("`$FLOWC_OUT_build_version`"));
    let range = client.at("textDocument/hover", SOURCE, "inputs.level", 8)["range"].clone();
    assert_eq!(range, self::range(SOURCE, "level", 1));
    assert_eq!(client.at("textDocument/hover", SOURCE, "\"make dist\"", 3), Value::Null);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn hover_names_the_gitlab_jobs_the_emitter_generates() {
    let text = "roles { ops = team \"o\" }\nprocess ci {\n  owner ops\n  on push\n  activity test {\n    matrix { os = [linux, macos] toolchain = [\"stable\", \"beta\"] exclude { os = macos, toolchain = \"beta\" } }\n    runs_on matrix.os\n    step \"make test\"\n  }\n}\n";
    let mut client = Client::start();
    assert_eq!(client.open(text), Vec::<Value>::new());
    let hover = client.at("textDocument/hover", text, "activity test", 9)["contents"]["value"].clone();
    let hover = hover.as_str().unwrap();
    let mut sources = flowc::source::SourceMap::new();
    sources.add("ci.flow", text);
    let compiled = flowc::compile(&sources, &flowc::ast::Target::ALL);
    let gitlab = &compiled.outputs.iter().find(|o| o.path == ".gitlab-ci.yml").expect("gitlab output").contents;
    let jobs: Vec<&str> = gitlab
        .lines()
        .filter(|l| l.starts_with("\"test:"))
        .map(|l| l.trim_end_matches(':').trim_matches('"'))
        .collect();
    assert_eq!(jobs.len(), 3, "{gitlab}");
    let listed: Vec<String> = jobs.iter().map(|j| format!("`{j}`")).collect();
    assert!(hover.ends_with(&format!("GitLab jobs {}", listed.join(", "))), "{hover}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn completion_offers_names_in_scope_even_while_the_text_does_not_parse() {
    let mut client = Client::start();
    client.open(SOURCE);
    let complete = |client: &mut Client, text: &str, needle: &str| {
        client.change(client.next_id + 10, text);
        let at = position(text, needle, needle.len());
        let params = json!({ "textDocument": { "uri": URI }, "position": at });
        labels(&client.call("textDocument/completion", params))
    };
    let cursor = "\n    when inputs.";
    let typing = SOURCE.replace("\n    environment production", &format!("{cursor}\n    environment production"));
    assert_eq!(complete(&mut client, &typing, cursor), ["level"]);

    let cursor = "activity later after ";
    let typing = SOURCE.replace("  activity deploy", &format!("  {cursor}\n  activity deploy"));
    assert_eq!(complete(&mut client, &typing, cursor), ["build", "deploy"]);

    let cursor = "approved_by ";
    let typing = SOURCE.replace("approved_by releasers", cursor);
    assert_eq!(complete(&mut client, &typing, cursor), ["platform", "releasers"]);

    let cursor = "consumes a";
    let typing = SOURCE.replace("consumes app", cursor);
    assert_eq!(complete(&mut client, &typing, cursor), ["app"]);

    let cursor = "VERSION = outputs.";
    let typing = SOURCE.replace("VERSION = outputs.build.version", cursor);
    assert_eq!(complete(&mut client, &typing, cursor), ["build"]);

    let cursor = "VERSION = outputs.build.";
    let typing = SOURCE.replace("VERSION = outputs.build.version", cursor);
    assert_eq!(complete(&mut client, &typing, cursor), ["version"]);

    // Keywords of the enclosing block, contexts in conditions.
    let cursor = "    step \"./deploy.sh\"\n    ti";
    let typing = SOURCE.replace("    step \"./deploy.sh\"", cursor);
    let keywords = complete(&mut client, &typing, cursor);
    assert!(keywords.contains(&"timeout".to_string()) && keywords.contains(&"approved_by".to_string()));
    assert!(keywords.contains(&"name".to_string()), "the activity's display name: {keywords:?}");
    assert!(!keywords.contains(&"activity".to_string()), "{keywords:?}");
    // A step's settings block: the portable `name`, then the target block.
    let cursor = "    step \"./deploy.sh\" { ";
    let typing = SOURCE.replace("    step \"./deploy.sh\"", &format!("{cursor}}}"));
    assert_eq!(complete(&mut client, &typing, cursor), ["name", "github"]);
    let cursor = "when branch == \"main\" && ";
    let conditions = complete(&mut client, SOURCE, cursor);
    for expected in ["branch", "tag", "event", "actor", "inputs", "outputs", "push", "startsWith", "success"] {
        assert!(conditions.contains(&expected.to_string()), "{expected} in {conditions:?}");
    }
    // Nothing inside a string.
    let params = json!({ "textDocument": { "uri": URI }, "position": position(SOURCE, "make dist", 2) });
    assert_eq!(client.call("textDocument/completion", params), Value::Null);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn document_symbols_list_roles_and_processes_with_their_activities() {
    let mut client = Client::start();
    client.open(SOURCE);
    let symbols = client.call("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["platform", "releasers", "delivery"]);
    let process = &symbols[2];
    assert_eq!(process["selectionRange"], range(SOURCE, "delivery", 0));
    assert_eq!(process["range"]["start"], position(SOURCE, "process delivery", 0));
    let children: Vec<&str> =
        process["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(children, ["build", "deploy"]);
    assert_eq!(process["children"][1]["detail"], "after build");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn formatting_returns_the_formatter_output_as_one_edit() {
    let mut client = Client::start();
    let params = json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } });
    client.open(SOURCE);
    let edits = client.call("textDocument/formatting", params.clone());
    let expected = flowc::format::format(flowc::source::FileId(0), SOURCE).expect("the source formats");
    let edits = edits.as_array().expect("a list of edits");
    if expected == SOURCE {
        assert!(edits.is_empty());
    } else {
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0]["newText"], expected);
        let whole = json!({ "start": { "line": 0, "character": 0 }, "end": position_of(SOURCE, SOURCE.len()) });
        assert_eq!(edits[0]["range"], whole);
        // Once formatted, nothing more to do.
        client.change(2, &expected);
        assert_eq!(client.call("textDocument/formatting", params.clone()), json!([]));
    }
    client.change(3, "process p {");
    assert_eq!(client.call("textDocument/formatting", params), json!([]), "no edits when it does not parse");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn positions_count_utf16_code_units() {
    let text = SOURCE
        .replace("owner platform", "owner /* café ✓ 𝄞 */ platfrom")
        .replace("after build", "after /* 𝄞𝄞 é */ build");
    let mut client = Client::start();
    let diagnostics = client.open(&text);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["W0001", "E0102"], "`platform` is now unused");
    let unknown = &diagnostics[1];
    let start = "  owner /* café ✓ 𝄞 */ ".encode_utf16().count();
    let expected = json!({ "start": { "line": 6, "character": start }, "end": { "line": 6, "character": start + 8 } });
    assert_eq!(unknown["range"], expected);
    assert_eq!(unknown["range"], range(&text, "platfrom", 0));

    // The name after non-ASCII text resolves from a UTF-16 position, and back.
    let definition = client.at("textDocument/definition", &text, "é */ build", "é */ bu".len());
    assert_eq!(definition["range"], range(&text, "build", 0));
    let references = client.at("textDocument/references", &text, "activity build", 9);
    assert_eq!(ranges(&references)[1], range(&text, "build", 1));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn bad_requests_get_errors_and_the_server_carries_on() {
    let mut client = Client::spawn();
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "not initialized yet");
    client.request("initialize", json!({ "capabilities": {} }));
    client.notify("initialized", json!({}));
    client.open(SOURCE);
    let far = json!({ "textDocument": { "uri": URI }, "position": { "line": 9999, "character": 9999 } });
    for method in ["textDocument/hover", "textDocument/definition", "textDocument/completion"] {
        assert!(client.request(method, far.clone()).get("error").is_none(), "{method}");
    }
    let unknown =
        json!({ "textDocument": { "uri": "file:///nowhere.flow" }, "position": { "line": 0, "character": 0 } });
    assert_eq!(client.call("textDocument/hover", unknown.clone()), Value::Null);
    assert_eq!(
        client.call("textDocument/documentSymbol", json!({ "textDocument": { "uri": "file:///nowhere.flow" } })),
        Value::Null
    );
    assert_eq!(client.request("textDocument/hover", json!({ "nonsense": 1 }))["error"]["code"], -32602);
    assert_eq!(client.request("workspace/unknown", json!({}))["error"]["code"], -32601);
    assert_eq!(client.request("initialize", json!({ "capabilities": {} }))["error"]["code"], -32600);
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///nowhere.flow", "version": 2 }, "contentChanges": [] }),
    );
    client.notify("$/unknownNotification", json!({}));
    // Still answering.
    assert_eq!(client.at("textDocument/definition", SOURCE, "after build", 7)["range"], range(SOURCE, "build", 0));
    assert_eq!(client.call("shutdown", Value::Null), Value::Null);
    assert_eq!(client.request("textDocument/hover", unknown)["error"]["code"], -32600, "refused after shutdown");
    assert_eq!(client.exit(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let client = Client::start();
    assert_eq!(client.exit(), 1);
}

const POLICIES: &str = r#"roles {
  ops = team "acme/ops"
  security = [user "sam"]
}

policy prod-approved {
  for activity.environment == "production"
  require activity.approved_by != ""
  message "production deployments are approved"
}

process release {
  owner ops
  policies prod-approved, timeouts
  on push

  activity ship {
    environment production
    approved_by ops
    run_by security
    consulted ops, security
    timeout 10m
    step "./ship.sh"
  }
}
"#;

#[test]
fn policies_and_raci_roles_navigate_hover_and_complete() {
    let mut client = Client::start();
    assert_eq!(client.open(POLICIES), Vec::<Value>::new());
    let definition = client.at("textDocument/definition", POLICIES, "policies prod-approved", 10);
    assert_eq!(definition["range"], range(POLICIES, "prod-approved", 0));
    let references = client.at("textDocument/references", POLICIES, "run_by security", 8);
    let expected: Vec<Value> = (0..3).map(|i| range(POLICIES, "security", i)).collect();
    assert_eq!(ranges(&references), expected, "declaration, run_by, consulted");

    let hover = |client: &mut Client, needle: &str, offset: usize| {
        let result = client.at("textDocument/hover", POLICIES, needle, offset);
        result["contents"]["value"].as_str().unwrap_or_default().to_string()
    };
    let standard = hover(&mut client, "timeouts", 2);
    assert!(standard.starts_with("policy `timeouts` (standard): "), "{standard}");
    assert!(standard.contains("require activity.timeout != 0"), "{standard}");
    let declared = hover(&mut client, "policies prod-approved", 12);
    assert!(declared.starts_with("policy `prod-approved`: production deployments are approved"), "{declared}");
    assert!(hover(&mut client, "activity.environment", 10).starts_with("policy property `activity.environment`"));

    let complete = |client: &mut Client, text: &str, cursor: &str| {
        client.change(client.next_id + 10, text);
        let params = json!({ "textDocument": { "uri": URI }, "position": position(text, cursor, cursor.len()) });
        labels(&client.call("textDocument/completion", params))
    };
    let cursor = "policies prod-approved, ";
    let policies = complete(&mut client, &POLICIES.replace("policies prod-approved, timeouts", cursor), cursor);
    assert!(policies.starts_with(&["prod-approved".to_string(), "timeouts".to_string()]), "{policies:?}");
    assert!(policies.contains(&"owner-and-manager".to_string()), "{policies:?}");
    let cursor = "run_by ";
    assert_eq!(complete(&mut client, &POLICIES.replace("run_by security", cursor), cursor), ["ops", "security"]);
    let cursor = "for activity.";
    let properties = complete(&mut client, &POLICIES.replace("for activity.environment", cursor), cursor);
    assert!(properties.contains(&"environment".to_string()) && properties.contains(&"approved_by".to_string()));

    client.change(100, POLICIES);
    let symbols = client.call("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ops", "security", "prod-approved", "release"]);
    assert_eq!(client.shutdown(), 0);
}

// ---------------------------------------------------------------- modules and templates

/// `ci/rust.flow`, next to the main document.
const MODULE: &str = r#"// Templates shared by the processes.
export template test(toolchain: string = "stable", jobs: number = 2) {
  runs_on linux
  step "cargo +{{toolchain}} test -j {{jobs}}"
}

template private() {
  step "echo private"
}
"#;

const MAIN: &str = r#"import "ci/rust.flow" as rust
import "std/toolchains" as tc

roles { platform = team "acme/platform" }

template smoke(what: string) {
  step "echo smoke test of {{what}}"
}

process ci {
  owner platform
  on push
  activity test from tc.rust(version: "1.83"), rust.test(toolchain: "1.83") {
    timeout 30m
  }
  activity check from smoke(what: "api"), rust.test() after test {}
}
"#;

/// A directory (with a space in its name, to exercise URI encoding) holding `ci/rust.flow`
/// on disk; returns it with the URIs of `main.flow` and `ci/rust.flow` in it.
fn project() -> (tempfile::TempDir, String, String) {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let dir = temp.path().join("my project");
    std::fs::create_dir_all(dir.join("ci")).expect("create ci/");
    std::fs::write(dir.join("ci/rust.flow"), MODULE).expect("write the module");
    let base = format!("file://{}", dir.display()).replace(' ', "%20");
    (temp, format!("{base}/main.flow"), format!("{base}/ci/rust.flow"))
}

#[test]
fn imports_are_read_next_to_the_document_from_open_documents_first() {
    let (_temp, main, module) = project();
    let mut client = Client::start();
    assert_eq!(client.open_at(&main, MAIN), Vec::<Value>::new(), "the module and std/ resolve");

    // A path that does not exist: the CLI's E0116 at the path.
    let missing = MAIN.replace("ci/rust.flow", "ci/missing.flow");
    let diagnostics = client.change_at(&main, 2, &missing);
    assert_eq!(diagnostics.len(), 3, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0116");
    assert_eq!(
        diagnostics[0]["message"].as_str().unwrap().lines().next(),
        Some("cannot import `ci/missing.flow`: no such file or directory")
    );
    assert_eq!(diagnostics[0]["range"], range(&missing, "\"ci/missing.flow\"", 0));
    // A directory, and a device that never ends: errors, not a hang.
    let zero = format!("{}dev/zero", "../".repeat(40));
    for (path, why) in [("ci", "it is a directory"), (zero.as_str(), "it is larger than 64 MiB")] {
        let text = MAIN.replace("ci/rust.flow", path);
        let diagnostics = client.change_at(&main, 3, &text);
        assert_eq!(diagnostics[0]["code"], "E0116", "{diagnostics:?}");
        assert!(diagnostics[0]["message"].as_str().unwrap().contains(why), "{diagnostics:?}");
    }
    assert_eq!(client.change_at(&main, 4, MAIN), Vec::<Value>::new());

    // The module open with unsaved changes: its text, not the disk's; the main document's
    // diagnostics follow the module's changes.
    let private = MODULE.replace("export template test", "template test");
    assert_eq!(client.open_at(&module, &private), Vec::<Value>::new());
    let diagnostics = client.diagnostics_of(&main);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0112", "E0112"], "{diagnostics:?}");
    assert!(diagnostics[0]["message"].as_str().unwrap().starts_with("template `test` is not exported by its module"));
    assert_eq!(client.change_at(&module, 2, MODULE), Vec::<Value>::new());
    assert_eq!(client.diagnostics_of(&main), Vec::<Value>::new());
    client.change_at(&module, 3, &private);
    assert_eq!(client.diagnostics_of(&main).len(), 2);
    // Closed again: read from the disk, where `test` is exported.
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": module } }));
    assert_eq!(client.diagnostics_of(&module), Vec::<Value>::new());
    assert_eq!(client.diagnostics_of(&main), Vec::<Value>::new());

    // Without a file (an unsaved document), relative imports cannot be found; std/ can.
    let untitled = "untitled:Untitled-1";
    let diagnostics = client.open_at(untitled, MAIN);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes[0], "E0116", "{diagnostics:?}");
    assert!(codes[1..].iter().all(|c| *c != "E0116"), "std/toolchains loads: {codes:?}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn templates_navigate_across_files() {
    let (_temp, main, module) = project();
    let mut client = Client::start();
    client.open_at(&main, MAIN);
    let definition = |client: &mut Client, needle: &str, offset: usize| {
        client.at_in(&main, "textDocument/definition", MAIN, needle, offset)
    };

    // `rust.test`: the template in ci/rust.flow (not open), by its file URI.
    let found = definition(&mut client, "rust.test(toolchain", 6);
    assert_eq!(found["uri"], module);
    assert_eq!(found["range"], range(MODULE, "test", 0));
    // An argument: the parameter it sets.
    let found = definition(&mut client, "toolchain: \"1.83\"", 2);
    assert_eq!((found["uri"].clone(), found["range"].clone()), (json!(module), range(MODULE, "toolchain", 0)));
    // A local template and its parameter.
    let found = definition(&mut client, "smoke(what", 1);
    assert_eq!((found["uri"].clone(), found["range"].clone()), (json!(main), range(MAIN, "smoke", 0)));
    let found = definition(&mut client, "what: \"api\"", 1);
    assert_eq!(found["range"], range(MAIN, "what", 0));
    // The alias: its import; the import's path: the module file.
    let found = definition(&mut client, "rust.test(toolchain", 1);
    assert_eq!((found["uri"].clone(), found["range"].clone()), (json!(main), range(MAIN, "rust", 0)));
    let found = definition(&mut client, "\"ci/rust.flow\"", 4);
    assert_eq!(found["uri"], module);
    assert_eq!(found["range"], json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }));
    // The standard library has no file: nothing to go to (hover shows the source).
    assert_eq!(definition(&mut client, "tc.rust", 4), Value::Null);
    assert_eq!(definition(&mut client, "\"std/toolchains\"", 3), Value::Null);

    // References of `rust.test`: both calls, and the declaration in the module file.
    let references = client.at_in(&main, "textDocument/references", MAIN, "rust.test()", 6);
    let mut found: Vec<(String, Value)> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["uri"].as_str().unwrap().to_string(), l["range"].clone()))
        .collect();
    found.sort_by_key(|(uri, r)| (uri.clone(), r["start"]["line"].as_u64()));
    let calls = word_starts(MAIN, "test").into_iter().filter(|&i| MAIN[..i].ends_with("rust."));
    let calls: Vec<Value> =
        calls.map(|i| json!({ "start": position_of(MAIN, i), "end": position_of(MAIN, i + 4) })).collect();
    assert_eq!(calls.len(), 2);
    let expected = vec![
        (module.clone(), range(MODULE, "test", 0)),
        (main.clone(), calls[0].clone()),
        (main.clone(), calls[1].clone()),
    ];
    let mut expected = expected;
    expected.sort_by_key(|(uri, r)| (uri.clone(), r["start"]["line"].as_u64()));
    assert_eq!(found, expected);

    // From the module, open: the declaration there and the calls in the main document.
    client.open_at(&module, MODULE);
    client.diagnostics_of(&main);
    let references = client.at_in(&module, "textDocument/references", MODULE, "template test", 9);
    let uris: Vec<&str> = references.as_array().unwrap().iter().map(|l| l["uri"].as_str().unwrap()).collect();
    assert_eq!(uris.iter().filter(|u| **u == main).count(), 2, "{references}");
    assert_eq!(uris.iter().filter(|u| **u == module).count(), 1, "{references}");
    // Local templates: uses in this document only.
    let references = client.at_in(&main, "textDocument/references", MAIN, "template smoke", 9);
    // (the second whole word `smoke` is in the template's script)
    assert_eq!(ranges(&references), [range(MAIN, "smoke", 0), range(MAIN, "smoke", 2)]);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn hover_on_templates_shows_parameters_defaults_and_std_sources() {
    let (_temp, main, _module) = project();
    let mut client = Client::start();
    client.open_at(&main, MAIN);
    let hover = |client: &mut Client, needle: &str, offset: usize| {
        let result = client.at_in(&main, "textDocument/hover", MAIN, needle, offset);
        assert_eq!(result["contents"]["kind"], "markdown");
        result["contents"]["value"].as_str().unwrap_or_default().to_string()
    };
    let module = hover(&mut client, "rust.test(toolchain", 7);
    assert!(module.starts_with("template `rust.test` — `ci/rust.flow`"), "{module}");
    assert!(module.contains("```flow\nexport template test(toolchain: string = \"stable\", jobs: number = 2)\n```"));
    let local = hover(&mut client, "smoke(what", 2);
    assert!(local.starts_with("template `smoke` — this file"), "{local}");
    assert!(local.contains("template smoke(what: string)") && local.contains("Required arguments: `what`"), "{local}");

    // The standard library: the template's whole source, as the binary holds it.
    let std = hover(&mut client, "tc.rust", 4);
    assert!(std.starts_with("template `tc.rust` — the standard library, `std/toolchains`"), "{std}");
    let source = flowc::stdlib::source("std/toolchains.flow").expect("std/toolchains");
    let start = source.find("export template rust(").expect("the rust template");
    let body = &source[start..start + source[start..].find("\n}").unwrap() + 2];
    assert!(std.contains(&format!("```flow\n{body}\n```")), "{std}");
    assert!(std.contains("version: string = \"stable\""), "{std}");

    let alias = hover(&mut client, "rust.test()", 1);
    assert_eq!(alias, "module `rust` — `ci/rust.flow`: exports `test`");
    let alias = hover(&mut client, "tc.rust", 0);
    assert!(
        alias.starts_with("module `tc` — the standard library, `std/toolchains`: exports `rust`, `node`"),
        "{alias}"
    );
    let parameter = hover(&mut client, "toolchain: \"1.83\"", 3);
    assert!(parameter.starts_with("parameter `toolchain: string = \"stable\"` of template `rust.test`"), "{parameter}");
    // The hover covers the name under the cursor.
    let result = client.at_in(&main, "textDocument/hover", MAIN, "rust.test(toolchain", 7);
    let start = MAIN.find("rust.test(toolchain").unwrap() + 5;
    assert_eq!(result["range"], json!({ "start": position_of(MAIN, start), "end": position_of(MAIN, start + 4) }));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn completion_in_from_clauses_offers_templates_modules_and_parameters() {
    let (_temp, main, _module) = project();
    let mut client = Client::start();
    client.open_at(&main, MAIN);
    let mut version = 1;
    let mut complete = |client: &mut Client, cursor: &str| {
        // While typing, the text does not parse: names come from the last analysis that did.
        let text = MAIN.replace("  activity check", &format!("  {cursor}\n  activity check"));
        version += 1;
        client.change_at(&main, version, &text);
        let params = json!({ "textDocument": { "uri": main }, "position": position(&text, cursor, cursor.len()) });
        labels(&client.call("textDocument/completion", params))
    };
    assert_eq!(complete(&mut client, "activity later from "), ["smoke", "rust.", "tc."]);
    assert_eq!(complete(&mut client, "activity later from rust.test(), "), ["smoke", "rust.", "tc."]);
    assert_eq!(complete(&mut client, "activity later from rust."), ["test"], "exported templates only");
    let std = complete(&mut client, "activity later from smoke(what: \"x\"), tc.");
    assert!(std.starts_with(&["rust".to_string(), "node".to_string()]), "{std:?}");
    assert_eq!(complete(&mut client, "activity later from rust.test("), ["toolchain", "jobs"]);
    assert_eq!(complete(&mut client, "activity later from rust.test(toolchain: \"1\", "), ["jobs"]);
    assert_eq!(complete(&mut client, "activity later from tc.rust("), ["version"]);
    assert_eq!(complete(&mut client, "activity later from smoke("), ["what"]);
    assert_eq!(complete(&mut client, "activity later from smoke() "), ["after"]);
    assert_eq!(complete(&mut client, "activity later "), ["from", "after"]);

    // The space typed after `from` (a trigger character) asks for the templates too.
    let text = MAIN.replace("  activity check", "  activity later from \n  activity check");
    client.change_at(&main, 100, &text);
    let context = json!({ "triggerKind": 2, "triggerCharacter": " " });
    let at = position(&text, "later from ", "later from ".len());
    let params = json!({ "textDocument": { "uri": main }, "position": at, "context": context });
    assert_eq!(labels(&client.call("textDocument/completion", params)), ["smoke", "rust.", "tc."]);

    // Items say what they are and insert what comes next.
    let text = MAIN.replace("rust.test(toolchain: \"1.83\")", "rust.test(");
    client.change_at(&main, 101, &text);
    let params = json!({ "textDocument": { "uri": main }, "position": position(&text, "rust.test(", 10) });
    let items = client.call("textDocument/completion", params);
    let toolchain = &items[0];
    assert_eq!(toolchain["label"], "toolchain");
    assert_eq!(toolchain["detail"], "toolchain: string = \"stable\"");
    assert_eq!(toolchain["insertText"], "toolchain: ");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn document_symbols_include_imports_and_templates() {
    let (_temp, main, _module) = project();
    let mut client = Client::start();
    client.open_at(&main, MAIN);
    let symbols = client.call("textDocument/documentSymbol", json!({ "textDocument": { "uri": main } }));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["rust", "tc", "platform", "smoke", "ci"]);
    assert_eq!(symbols[0]["detail"], "\"ci/rust.flow\"");
    assert_eq!(symbols[3]["detail"], "template smoke(what: string)");
    assert_eq!(symbols[3]["selectionRange"], range(MAIN, "smoke", 0));
    assert_eq!(client.shutdown(), 0);
}
