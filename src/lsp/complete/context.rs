//! Where the cursor is, read from the tokens before it: the enclosing blocks (with the names
//! of the enclosing process and activity) and what kind of word is expected next.

use super::scan::{tokens, Token};
use crate::lsp::index::Kind;

/// A `{ }` block, by the construct that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// The file itself, outside any block.
    Top,
    Roles,
    /// `policy NAME { for ... require ... message "..." }`
    Policy,
    Process,
    Activity,
    Env,
    Matrix,
    /// `include { }` / `exclude { }` of a matrix.
    Combo,
    Service,
    /// The settings block of a step: `step "..." { name "..." github { ... } }`.
    Step,
    /// A `github { }` / `gitlab { }` block or `with { }`: free-form data.
    Data,
}

/// What may be written at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The statement keywords of a block.
    Keywords(Block),
    /// A declared name of this kind.
    Names(Kind),
    /// After `inputs.`, `matrix.`, `outputs.` or `outputs.ACTIVITY.`: the path before the dot.
    Member(Vec<String>),
    /// Contexts, events, functions.
    Expression,
    Triggers,
    /// The arguments of one trigger.
    TriggerArgs(String),
    InputTypes,
    Runners,
    Steps,
    /// `user` / `team`
    Members,
    /// One keyword that must come next.
    Word(&'static str),
    /// One of a few keywords.
    Words(&'static [&'static str]),
    /// After `from` or a `,` in a from clause: local templates and module aliases.
    Templates,
    /// After `ALIAS.` in a from clause: the templates that module exports.
    ModuleTemplates(String),
    /// Inside the parentheses of a template call (the path of the template), after `(` or
    /// `,`: its parameters not given yet.
    TemplateArgs {
        path: Vec<String>,
        given: Vec<String>,
    },
    /// A new name, a literal, or something completion cannot help with.
    Nothing,
}

/// Where the cursor is.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub process: Option<String>,
    pub activity: Option<String>,
    pub block: Block,
    pub slot: Slot,
}

#[derive(Debug, Clone, PartialEq)]
enum Frame {
    Brace(Block),
    /// `(`, after the word before it (a trigger or a function), if any.
    Paren(String),
    /// `(` of a template call in a from clause: the template's path and the index of the
    /// `(` token.
    Call(Vec<String>, usize),
    Bracket,
}

const TRIGGERS: [&str; 5] = ["push", "pull_request", "schedule", "manual", "any"];

/// Reads the text before the cursor; `None` inside a string or a comment.
pub fn at(before: &str) -> Option<Cursor> {
    let (mut tokens, typing) = tokens(before)?;
    if typing {
        tokens.pop();
    }
    let mut nesting = Nesting::default();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct("{") => nesting.open(&tokens[start..i]),
            Token::Punct("}") => nesting.close(),
            Token::Punct("(") => nesting.frames.push(match template_call(&tokens[..i]) {
                Some(path) => Frame::Call(path, i),
                None => Frame::Paren(word_before(&tokens[..i]).unwrap_or_default().into()),
            }),
            Token::Punct("[") => nesting.frames.push(Frame::Bracket),
            Token::Punct(")") if matches!(nesting.frames.last(), Some(Frame::Paren(_) | Frame::Call(..))) => {
                drop(nesting.frames.pop())
            }
            Token::Punct("]") if nesting.frames.last() == Some(&Frame::Bracket) => drop(nesting.frames.pop()),
            _ => continue,
        }
        if matches!(token, Token::Punct("{" | "}")) {
            start = i + 1;
        }
    }
    let block = innermost_block(&nesting.frames);
    let slot = slot(&nesting.frames, block, &tokens);
    Some(Cursor { process: nesting.process, activity: nesting.activity, block, slot })
}

/// The open brackets so far, and the names of the process and activity they are in.
#[derive(Default)]
struct Nesting {
    frames: Vec<Frame>,
    process: Option<String>,
    activity: Option<String>,
}

impl Nesting {
    /// A `{` ending the statement `stmt`.
    fn open(&mut self, stmt: &[Token]) {
        let (block, name) = opener(stmt, innermost_block(&self.frames));
        match block {
            Block::Process => (self.process, self.activity) = (name, None),
            Block::Activity => self.activity = name,
            _ => {}
        }
        self.frames.push(Frame::Brace(block));
    }

    /// A `}`: closes the innermost brace block and whatever is still open inside it.
    fn close(&mut self) {
        while let Some(frame) = self.frames.pop() {
            if let Frame::Brace(block) = frame {
                match block {
                    Block::Process => (self.process, self.activity) = (None, None),
                    Block::Activity => self.activity = None,
                    _ => {}
                }
                return;
            }
        }
    }
}

fn innermost_block(frames: &[Frame]) -> Block {
    frames
        .iter()
        .rev()
        .find_map(|f| match f {
            Frame::Brace(b) => Some(*b),
            _ => None,
        })
        .unwrap_or(Block::Top)
}

/// The start of the dotted path `a.b.c` that ends `tokens`, and its words.
fn path_before(tokens: &[Token]) -> (usize, Vec<String>) {
    let mut i = tokens.len();
    let mut path = Vec::new();
    while let Some(Token::Word(w)) = tokens[..i].last() {
        path.insert(0, w.to_string());
        i -= 1;
        if i >= 2 && tokens[i - 1] == Token::Punct(".") && matches!(tokens[i - 2], Token::Word(_)) {
            i -= 1;
        } else {
            break;
        }
    }
    (i, path)
}

/// The index of the `(` matching the `)` at `close`.
fn open_paren(tokens: &[Token], close: usize) -> Option<usize> {
    let mut depth = 0;
    for i in (0..=close).rev() {
        match tokens[i] {
            Token::Punct(")") => depth += 1,
            Token::Punct("(") if depth == 1 => return Some(i),
            Token::Punct("(") => depth -= 1,
            _ => {}
        }
    }
    None
}

/// True when `tokens` end where a from clause expects a template: after
/// `activity NAME from` or after `, ` following a template call of that clause.
fn in_from_clause(tokens: &[Token]) -> bool {
    let mut i = tokens.len();
    loop {
        match &tokens[..i] {
            [.., Token::Word("activity"), Token::Word(_), Token::Word("from")] => return true,
            [.., Token::Punct(")"), Token::Punct(",")] => {
                let Some(open) = open_paren(tokens, i - 2) else { return false };
                let (start, path) = path_before(&tokens[..open]);
                if path.is_empty() {
                    return false;
                }
                i = start;
            }
            _ => return false,
        }
    }
}

/// The path of a template call whose `(` follows `tokens`, in a from clause.
fn template_call(tokens: &[Token]) -> Option<Vec<String>> {
    let (start, path) = path_before(tokens);
    (!path.is_empty() && in_from_clause(&tokens[..start])).then_some(path)
}

fn word_before<'a>(tokens: &[Token<'a>]) -> Option<&'a str> {
    match tokens.last() {
        Some(Token::Word(w)) => Some(w),
        _ => None,
    }
}

/// The block a `{` opens, from the tokens of its statement, and the name it declares.
fn opener(stmt: &[Token], enclosing: Block) -> (Block, Option<String>) {
    if matches!(enclosing, Block::Data | Block::Combo) {
        return (Block::Data, None);
    }
    let word = |i: usize| match stmt.get(i) {
        Some(Token::Word(w)) => Some(*w),
        _ => None,
    };
    let mut depth = 0;
    for i in (0..stmt.len()).rev() {
        // Words inside parentheses are arguments and parameters, not statements.
        match stmt[i] {
            Token::Punct(")") => depth += 1,
            Token::Punct("(") => depth -= 1,
            _ => {}
        }
        if depth > 0 || matches!(stmt[i], Token::Punct("(" | ")")) {
            continue;
        }
        // A keyword right after `activity`, `process`, `service`, `policy` or `template` is
        // that thing's name.
        if i > 0 && matches!(word(i - 1), Some("activity" | "process" | "service" | "policy" | "template")) {
            continue;
        }
        let name = word(i + 1).map(str::to_string);
        let block = match word(i) {
            Some("roles") => Block::Roles,
            Some("policy") => Block::Policy,
            Some("process") => return (Block::Process, name),
            Some("activity") => return (Block::Activity, name),
            // A template's body holds activity statements.
            Some("template") => return (Block::Activity, None),
            Some("env") => Block::Env,
            Some("matrix") => Block::Matrix,
            Some("include" | "exclude") => Block::Combo,
            Some("service") => Block::Service,
            Some("step") => Block::Step,
            Some("github" | "gitlab" | "with") => Block::Data,
            _ => continue,
        };
        return (block, None);
    }
    (Block::Data, None)
}

/// What is expected after `tokens` in `block`, inside `frames`.
fn slot(frames: &[Frame], block: Block, tokens: &[Token]) -> Slot {
    if tokens.last() == Some(&Token::Punct(".")) {
        if let [before @ .., Token::Word(alias), Token::Punct(".")] = tokens {
            if in_from_clause(before) {
                return Slot::ModuleTemplates(alias.to_string());
            }
        }
        return member(tokens);
    }
    match frames.last() {
        Some(Frame::Paren(name)) => paren(name, tokens.last()),
        Some(Frame::Call(path, open)) => match tokens.last() {
            Some(Token::Punct("(" | ",")) => {
                Slot::TemplateArgs { path: path.clone(), given: arguments(&tokens[open + 1..]) }
            }
            _ => Slot::Nothing,
        },
        Some(Frame::Bracket) if block == Block::Roles => Slot::Members,
        Some(Frame::Bracket) => Slot::Nothing,
        _ => statement(block, tokens),
    }
}

/// The names of the arguments written so far in a call: each word before a `:`.
fn arguments(tokens: &[Token]) -> Vec<String> {
    let words = tokens.windows(2).filter_map(|pair| match pair {
        [Token::Word(name), Token::Punct(":")] => Some(name.to_string()),
        _ => None,
    });
    words.collect()
}

/// After a dot: the words of the dotted path before it.
fn member(tokens: &[Token]) -> Slot {
    let mut path = Vec::new();
    let mut rest = &tokens[..tokens.len() - 1];
    while let [before @ .., Token::Word(w)] = rest {
        path.insert(0, w.to_string());
        match before {
            [earlier @ .., Token::Punct(".")] => rest = earlier,
            _ => break,
        }
    }
    if path.is_empty() {
        Slot::Nothing
    } else {
        Slot::Member(path)
    }
}

/// Inside parentheses: trigger arguments, or an expression.
fn paren(name: &str, last: Option<&Token>) -> Slot {
    let after_open = matches!(last, Some(Token::Punct("(" | ",")));
    match (name, last) {
        ("manual", Some(Token::Punct(":"))) => Slot::InputTypes,
        (trigger, _) if TRIGGERS.contains(&trigger) => {
            if after_open && trigger != "manual" {
                Slot::TriggerArgs(trigger.to_string())
            } else {
                Slot::Nothing
            }
        }
        _ if after_open || is_operator(last) => Slot::Expression,
        _ => Slot::Nothing,
    }
}

fn is_operator(token: Option<&Token>) -> bool {
    matches!(token, Some(Token::Punct("==" | "!=" | "&&" | "||" | "!" | "(")))
}

/// In a block, after the statement so far.
fn statement(block: Block, tokens: &[Token]) -> Slot {
    let last = tokens.last();
    if is_operator(last) {
        return Slot::Expression;
    }
    if matches!(last, Some(Token::Word("use")))
        || matches!(last, Some(Token::Word("from") | Token::Punct(","))) && in_from_clause(tokens)
    {
        return Slot::Templates;
    }
    match last {
        Some(Token::Word(w)) => {
            if let Some(slot) = after_keyword(block, w) {
                return slot;
            }
            if let [.., Token::Word("activity"), Token::Word(_)] = tokens {
                return Slot::Words(&["from", "after"]);
            }
        }
        Some(Token::Str) if matches!(tokens, [.., Token::Word("import"), Token::Str]) => return Slot::Word("as"),
        Some(Token::Punct(")")) => {
            // After a template call: another one, or what follows the from clause.
            if let Some(open) = open_paren(tokens, tokens.len() - 1) {
                if template_call(&tokens[..open]).is_some() {
                    return Slot::Word("after");
                }
            }
        }
        Some(Token::Punct(",")) => return list_item(tokens),
        Some(Token::Punct("=")) => {
            return match block {
                Block::Env => Slot::Expression,
                Block::Roles => Slot::Members,
                _ => Slot::Nothing,
            }
        }
        Some(Token::Punct(":")) => return Slot::Nothing,
        _ => {}
    }
    match block {
        Block::Env | Block::Roles | Block::Combo | Block::Data => Slot::Nothing,
        _ => Slot::Keywords(block),
    }
}

/// The slot right after a keyword, if `word` is one that expects something particular.
fn after_keyword(block: Block, word: &str) -> Option<Slot> {
    Some(match word {
        "after" => Slot::Names(Kind::Activity),
        "owner" | "manager" | "approved_by" | "of" | "run_by" | "consulted" | "informed" => Slot::Names(Kind::Role),
        "policies" => Slot::Names(Kind::Policy),
        "for" | "require" if block == Block::Policy => Slot::Expression,
        "consumes" => Slot::Names(Kind::Artifact),
        "secret" => Slot::Names(Kind::Secret),
        "when" => Slot::Expression,
        "runs_on" => Slot::Runners,
        "step" => Slot::Steps,
        "produces" => Slot::Word("artifact"),
        "allow_failure" => Slot::Word("when"),
        "on" if block == Block::Process => Slot::Triggers,
        "export" if block == Block::Top => Slot::Word("template"),
        "import" | "template" | "as" | "from" if block == Block::Top => Slot::Nothing,
        "github" | "gitlab" if block == Block::Activity => Slot::Word("step"),
        "name" if matches!(block, Block::Step | Block::Activity) => Slot::Nothing,
        "process" | "activity" | "service" | "secrets" | "output" | "environment" | "artifact" | "roles" | "image"
        | "timeout" | "retry" | "url" | "uses" | "with" | "matrix" | "env" | "include" | "exclude" | "github"
        | "gitlab" | "user" | "team" | "policy" | "message" => Slot::Nothing,
        _ => return None,
    })
}

/// After a comma: the next item of the list the statement's keyword started.
fn list_item(tokens: &[Token]) -> Slot {
    let mut i = tokens.len();
    // Walk back over `item ,` pairs, skipping a trigger's `( ... )`.
    while i > 0 && tokens[i - 1] == Token::Punct(",") {
        i -= 1;
        if i > 0 && tokens[i - 1] == Token::Punct(")") {
            let mut depth = 0;
            while i > 0 {
                i -= 1;
                match tokens[i] {
                    Token::Punct(")") => depth += 1,
                    Token::Punct("(") if depth == 1 => break,
                    Token::Punct("(") => depth -= 1,
                    _ => {}
                }
            }
        }
        if i > 0 && matches!(tokens[i - 1], Token::Word(_)) {
            i -= 1;
        }
    }
    match tokens[..i].last() {
        Some(Token::Word("after")) => Slot::Names(Kind::Activity),
        Some(Token::Word("consumes")) => Slot::Names(Kind::Artifact),
        Some(Token::Word("secret")) => Slot::Names(Kind::Secret),
        Some(Token::Word("consulted" | "informed")) => Slot::Names(Kind::Role),
        Some(Token::Word("policies")) => Slot::Names(Kind::Policy),
        Some(Token::Word("on")) => Slot::Triggers,
        _ => Slot::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot_of(text: &str) -> Slot {
        at(text).unwrap().slot
    }

    const HEAD: &str = "roles { ops = team \"x\" }\nprocess delivery {\n  owner ops\n  on push(branches: [\"main\"]), manual(level: string)\n  activity build { step \"make\" }\n  activity deploy after build {\n";

    #[test]
    fn blocks_and_names_of_the_enclosing_process_and_activity() {
        let cursor = at(&format!("{HEAD}    ")).unwrap();
        assert_eq!(cursor.process.as_deref(), Some("delivery"));
        assert_eq!(cursor.activity.as_deref(), Some("deploy"));
        assert_eq!(cursor.slot, Slot::Keywords(Block::Activity));
        let cursor = at(&format!("{HEAD}  }}\n  act")).unwrap();
        assert_eq!((cursor.activity, cursor.slot), (None, Slot::Keywords(Block::Process)));
        assert_eq!(slot_of("pro"), Slot::Keywords(Block::Top));
        assert_eq!(slot_of("process env { activity env { env { A = "), Slot::Expression);
    }

    #[test]
    fn names_after_their_keywords() {
        assert_eq!(slot_of(&format!("{HEAD}    approved_by ")), Slot::Names(Kind::Role));
        assert_eq!(slot_of(&format!("{HEAD}    consumes a, b")), Slot::Names(Kind::Artifact));
        assert_eq!(slot_of("process p { activity a after b, "), Slot::Names(Kind::Activity));
        assert_eq!(slot_of("process p { on push(branches: [\"a\"]), "), Slot::Triggers);
        assert_eq!(slot_of("process p { on push("), Slot::TriggerArgs("push".into()));
        assert_eq!(slot_of("process p { on manual(a: "), Slot::InputTypes);
        assert_eq!(slot_of("process p { activity a "), Slot::Words(&["from", "after"]));
        assert_eq!(slot_of("process p { use "), Slot::Templates);
        assert_eq!(slot_of("process p { activity a { approved_by 2 of "), Slot::Names(Kind::Role));
        assert_eq!(slot_of("process p { activity a { informed a, "), Slot::Names(Kind::Role));
        assert_eq!(slot_of("process p { policies timeouts, "), Slot::Names(Kind::Policy));
        assert_eq!(slot_of("policy process { "), Slot::Keywords(Block::Policy));
        assert_eq!(slot_of("policy p { for activity."), Slot::Member(vec!["activity".into()]));
        assert_eq!(slot_of("policy p { require "), Slot::Expression);
    }

    #[test]
    fn expressions_and_members() {
        assert_eq!(slot_of(&format!("{HEAD}    when br")), Slot::Expression);
        assert_eq!(slot_of(&format!("{HEAD}    when branch == \"x\" && !")), Slot::Expression);
        assert_eq!(slot_of(&format!("{HEAD}    when startsWith(")), Slot::Expression);
        assert_eq!(slot_of(&format!("{HEAD}    when inputs.")), Slot::Member(vec!["inputs".into()]));
        assert_eq!(
            slot_of(&format!("{HEAD}    env {{ V = outputs.build.ve")),
            Slot::Member(vec!["outputs".into(), "build".into()])
        );
        assert_eq!(slot_of(&format!("{HEAD}    when branch == \"main\"\n    ")), Slot::Keywords(Block::Activity));
    }

    #[test]
    fn templates_in_from_clauses() {
        let head = "import \"std/toolchains\" as tc\nprocess p {\n  activity a from ";
        assert_eq!(slot_of(head), Slot::Templates);
        assert_eq!(slot_of(&format!("{head}sm")), Slot::Templates);
        assert_eq!(slot_of(&format!("{head}tc.")), Slot::ModuleTemplates("tc".into()));
        assert_eq!(slot_of(&format!("{head}tc.ru")), Slot::ModuleTemplates("tc".into()));
        assert_eq!(slot_of(&format!("{head}tc.rust(version: \"1\"), ")), Slot::Templates);
        assert_eq!(slot_of(&format!("{head}x(), y.z(), w.")), Slot::ModuleTemplates("w".into()));
        let args = |path: &[&str], given: &[&str]| Slot::TemplateArgs {
            path: path.iter().map(|s| s.to_string()).collect(),
            given: given.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(slot_of(&format!("{head}tc.rust(")), args(&["tc", "rust"], &[]));
        assert_eq!(slot_of(&format!("{head}tc.rust(version: \"1\", ")), args(&["tc", "rust"], &["version"]));
        assert_eq!(slot_of(&format!("{head}x(), smoke(wh")), args(&["smoke"], &[]));
        assert_eq!(slot_of(&format!("{head}tc.rust(version: ")), Slot::Nothing);
        assert_eq!(slot_of(&format!("{head}tc.rust() ")), Slot::Word("after"));
        assert_eq!(slot_of(&format!("{head}tc.rust() after b, ")), Slot::Names(Kind::Activity));
        // Not a from clause: an expression's call, an `after` list with an activity named `from`.
        assert_eq!(slot_of("process p { activity a { when contains(x, "), Slot::Expression);
        assert_eq!(slot_of("process p { activity a after from, "), Slot::Names(Kind::Activity));
        // After the header, the activity's own block; a template's body is an activity's.
        let cursor = at(&format!("{head}tc.rust(version: \"1\") {{\n    ")).unwrap();
        assert_eq!((cursor.activity.as_deref(), cursor.slot), (Some("a"), Slot::Keywords(Block::Activity)));
        assert_eq!(slot_of("template t(matrix: string, env: number) {\n  "), Slot::Keywords(Block::Activity));
        assert_eq!(slot_of("process p { activity a from t(env: \"x\") { "), Slot::Keywords(Block::Activity));
        assert_eq!(slot_of("export "), Slot::Word("template"));
        assert_eq!(slot_of("import \"std/cache\" "), Slot::Word("as"));
        assert_eq!(slot_of("import \"std/cache\" as "), Slot::Nothing);
    }

    #[test]
    fn nothing_inside_data_strings_and_comments() {
        assert_eq!(slot_of("process p { github { concurrency: { group: "), Slot::Nothing);
        assert_eq!(slot_of("process p { activity a { step \"make\" { "), Slot::Keywords(Block::Step));
        assert_eq!(slot_of("process p { activity a { github step uses \"a/b@v1\" { "), Slot::Keywords(Block::Step));
        assert_eq!(slot_of("process p { activity a { step checkout { github { "), Slot::Nothing);
        assert_eq!(slot_of("process p { activity a { step \"make\" { name "), Slot::Nothing);
        assert_eq!(slot_of("process p { activity a { name "), Slot::Nothing);
        assert_eq!(slot_of("process p { activity a { name \"Build\" "), Slot::Keywords(Block::Activity));
        assert_eq!(slot_of("process p { activity a { step \"make\" { name \"Build\" "), Slot::Keywords(Block::Step));
        assert_eq!(at("process p { step \"ab"), None);
        assert_eq!(at("process p { // ab"), None);
    }
}
