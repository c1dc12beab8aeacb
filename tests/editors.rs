//! Drift between the language and the editor support in `editors/`: every keyword of
//! `grammar/flowc.pest` (its `kw_*` rules), every context and function of the expression
//! checker (`CONTEXTS` and `FUNCTIONS` in `src/check/expr.rs`) and every event name
//! (`Event::ALL` in `src/model.rs`) must be known to the TextMate grammar (VS Code), the
//! tree-sitter grammar and its highlight queries, and the Vim syntax file, and keywords
//! must appear in each highlighter's tests. The lists are read from the source text, so
//! a new keyword fails here until the editors learn it.
//!
//! No external tools: `scripts/test-editors.sh` runs the editors' own test suites.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    let full = root().join(path);
    fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

/// The `"..."` literals of `text` (no escapes inside: enough for names).
fn quoted(text: &str, quote: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(quote) {
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// Every `kw_NAME = @{ "word" ~ ... }` rule of the pest grammar.
fn pest_keywords() -> Vec<String> {
    let grammar = read("grammar/flowc.pest");
    let mut keywords = Vec::new();
    let mut rules = 0;
    for line in grammar.lines().map(str::trim) {
        if !line.starts_with("kw_") || !line.contains('=') {
            continue;
        }
        rules += 1;
        let body = &line[line.find('=').unwrap() + 1..];
        let word = quoted(body, '"').into_iter().next();
        let word = word.unwrap_or_else(|| panic!("keyword rule without a literal: {line}"));
        assert!(
            !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "unexpected keyword literal {word:?} in {line}"
        );
        keywords.push(word);
    }
    assert!(rules > 0 && rules == keywords.len(), "no `kw_*` rules found in grammar/flowc.pest");
    keywords
}

/// The string literals of the array after `marker` (up to its closing `]`), in `file`,
/// searching from `from` (text that must come before the marker).
fn string_array(file: &str, from: &str, marker: &str) -> Vec<String> {
    let text = read(file);
    let start = text.find(from).unwrap_or_else(|| panic!("`{from}` not found in {file}"));
    let text = &text[start..];
    let at = text.find(marker).unwrap_or_else(|| panic!("`{marker}` not found in {file} after `{from}`"));
    let text = &text[at + marker.len()..];
    let open = text.find("= [").unwrap_or_else(|| panic!("`{marker}` in {file} is not an array"));
    let body = &text[open + 3..];
    let close = body.find("];").unwrap_or_else(|| panic!("`{marker}` in {file}: no closing `];`"));
    let names = quoted(&body[..close], '"');
    assert!(!names.is_empty(), "`{marker}` in {file} holds no string");
    names
}

fn contexts() -> Vec<String> {
    string_array("src/check/expr.rs", "", "const CONTEXTS")
}

fn functions() -> Vec<String> {
    string_array("src/check/expr.rs", "", "const FUNCTIONS")
}

fn events() -> Vec<String> {
    string_array("src/model.rs", "impl Event {", "const ALL")
}

/// The words of a regular expression: escapes (`\b`, `\s`, `\|`, `\<`...) become spaces.
fn regex_words(regex: &str, words: &mut BTreeSet<String>) {
    let mut cleaned = String::with_capacity(regex.len());
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    for word in cleaned.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if !word.is_empty() {
            words.insert(word.to_string());
        }
    }
}

/// Words of every `match`, `begin`, `end` and `while` regex of the TextMate grammar.
fn textmate_words() -> BTreeSet<String> {
    fn walk(value: &serde_json::Value, words: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("match" | "begin" | "end" | "while", serde_json::Value::String(re)) => regex_words(re, words),
                        _ => walk(v, words),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, words)),
            _ => {}
        }
    }
    let text = read("editors/vscode/syntaxes/flowc.tmLanguage.json");
    let grammar: serde_json::Value = serde_json::from_str(&text).expect("the TextMate grammar is not JSON");
    assert_eq!(grammar["scopeName"], "source.flowc");
    let mut words = BTreeSet::new();
    walk(&grammar, &mut words);
    words
}

/// String literals (`'...'` and `"..."`) of tree-sitter's grammar.js, skipping comments
/// and regular expression literals (which may hold quotes).
fn tree_sitter_grammar_literals() -> BTreeSet<String> {
    let text = read("editors/tree-sitter-flowc/grammar.js");
    let chars: Vec<char> = text.chars().collect();
    let mut literals = BTreeSet::new();
    let mut previous = '(';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '/' && "(,=:[!&|?{};".contains(previous) {
            // a regular expression literal, up to the unescaped `/` outside a class
            let mut in_class = false;
            i += 1;
            while i < chars.len() && (in_class || chars[i] != '/') {
                match chars[i] {
                    '\\' => i += 1,
                    '[' => in_class = true,
                    ']' => in_class = false,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
            previous = '/';
        } else if c == '\'' || c == '"' {
            let mut literal = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    i += 1;
                }
                literal.extend(chars.get(i));
                i += 1;
            }
            i += 1;
            literals.insert(literal);
            previous = c;
        } else {
            if !c.is_whitespace() {
                previous = c;
            }
            i += 1;
        }
    }
    literals
}

/// What highlights.scm names: `"literal"` nodes and predicate strings, and `(node)` names.
fn highlight_query_names() -> BTreeSet<String> {
    let text = read("editors/tree-sitter-flowc/queries/highlights.scm");
    let code: String = text.lines().filter(|l| !l.trim_start().starts_with(';')).collect::<Vec<_>>().join("\n");
    let mut names: BTreeSet<String> = quoted(&code, '"').into_iter().collect();
    for piece in code.split('(').skip(1) {
        let name: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            names.insert(name);
        }
    }
    names
}

/// Words of the Vim syntax file: the keywords of `syn keyword` lines and the words of the
/// patterns (quoted or `+`-delimited) of `syn match` and `syn region` lines.
fn vim_words() -> BTreeSet<String> {
    const OPTIONS: [&str; 13] = [
        "contained",
        "skipwhite",
        "skipnl",
        "skipempty",
        "transparent",
        "oneline",
        "keepend",
        "extend",
        "display",
        "fold",
        "excludenl",
        "conceal",
        "concealends",
    ];
    let text = read("editors/vim/syntax/flowc.vim");
    // Join continuation lines (`\` at the start of the next line).
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let (Some(rest), Some(last)) = (trimmed.strip_prefix('\\'), lines.last_mut()) {
            last.push_str(rest);
        } else {
            lines.push(line.to_string());
        }
    }
    let mut words = BTreeSet::new();
    for line in &lines {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match tokens.as_slice() {
            ["syn" | "syntax", "keyword", _group, rest @ ..] => {
                for token in rest {
                    if !token.contains('=') && !OPTIONS.contains(token) {
                        words.insert(token.to_string());
                    }
                }
            }
            ["syn" | "syntax", "match" | "region", ..] => {
                for pattern in quoted(line, '"').iter().chain(quoted(line, '+').iter()) {
                    regex_words(pattern, &mut words);
                }
            }
            _ => {}
        }
    }
    words
}

fn missing<'a>(names: &'a [String], known: &BTreeSet<String>) -> Vec<&'a str> {
    names.iter().map(String::as_str).filter(|n| !known.contains(*n)).collect()
}

fn assert_known(what: &str, names: &[String], highlighter: &str, known: &BTreeSet<String>) {
    let absent = missing(names, known);
    assert!(absent.is_empty(), "{what} missing from {highlighter}: {absent:?}");
}

#[test]
fn pest_keywords_are_in_the_textmate_grammar() {
    assert_known("keywords of grammar/flowc.pest", &pest_keywords(), "the TextMate grammar", &textmate_words());
}

#[test]
fn pest_keywords_are_in_the_tree_sitter_grammar_and_its_highlights() {
    let keywords = pest_keywords();
    assert_known(
        "keywords of grammar/flowc.pest",
        &keywords,
        "tree-sitter's grammar.js",
        &tree_sitter_grammar_literals(),
    );
    assert_known("keywords of grammar/flowc.pest", &keywords, "tree-sitter's highlights.scm", &highlight_query_names());
}

#[test]
fn pest_keywords_are_in_the_vim_syntax() {
    assert_known("keywords of grammar/flowc.pest", &pest_keywords(), "editors/vim/syntax/flowc.vim", &vim_words());
}

#[test]
fn contexts_functions_and_events_are_highlighted() {
    let highlighters = [
        ("the TextMate grammar", textmate_words()),
        ("tree-sitter's highlights.scm", highlight_query_names()),
        ("editors/vim/syntax/flowc.vim", vim_words()),
    ];
    for (what, names) in [("contexts", contexts()), ("functions", functions()), ("events", events())] {
        for (highlighter, known) in &highlighters {
            assert_known(what, &names, highlighter, known);
        }
    }
}

/// Every keyword is exercised by the tests of each highlighter.
#[test]
fn pest_keywords_appear_in_every_editor_test_suite() {
    fn words_of_files(dir: &Path, extension: &str) -> BTreeSet<String> {
        let mut words = BTreeSet::new();
        let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) == Some(extension) {
                let text = fs::read_to_string(&path).unwrap();
                for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    words.insert(word.to_string());
                }
            }
        }
        assert!(!words.is_empty(), "no .{extension} test in {}", dir.display());
        words
    }
    let keywords = pest_keywords();
    let suites = [
        ("editors/vscode/test/*.flow", words_of_files(&root().join("editors/vscode/test"), "flow")),
        (
            "editors/tree-sitter-flowc/test/corpus/*.txt",
            words_of_files(&root().join("editors/tree-sitter-flowc/test/corpus"), "txt"),
        ),
        (
            "editors/tree-sitter-flowc/test/highlight/*.flow",
            words_of_files(&root().join("editors/tree-sitter-flowc/test/highlight"), "flow"),
        ),
        ("editors/vim/test/*.flow", words_of_files(&root().join("editors/vim/test"), "flow")),
    ];
    for (suite, words) in &suites {
        assert_known("keywords of grammar/flowc.pest", &keywords, suite, words);
    }
}

#[test]
fn the_lists_are_read_from_the_source() {
    // The extraction itself: each list is found and free of duplicates.
    for (what, names) in
        [("keywords", pest_keywords()), ("contexts", contexts()), ("functions", functions()), ("events", events())]
    {
        let unique: BTreeSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "duplicate {what}: {names:?}");
    }
    // The extractors find what they should in a known sample.
    let mut words = BTreeSet::new();
    regex_words(r"(?<![\w-])(on|after)\b\s*\|\<step\>", &mut words);
    assert!(words.contains("on") && words.contains("after") && words.contains("step"), "{words:?}");
    assert!(!words.contains("w") && !words.contains("bs"), "{words:?}");
}
